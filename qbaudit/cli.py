"""The command line: the same flow as the window, from a terminal.

    qbaudit check --bank 题库.xlsx 电工_三级.csv 文件夹/ 甲.csv::三级 … [--blueprint 细目表.xlsx …]
                  [--standard 权重表.xlsx] [--responses 作答.xlsx] [--level 三级]
                  [--columns 列… | --template 名称] [--map 表头=字段,…] [--header-row N] [--save-template 名称]
                  [--json 结果.json]
                  [--report 报告.docx] [--problems 问题清单.xlsx] [--findings 结论.xlsx]
    qbaudit templates
    qbaudit audit new|list|show|score|sign …     (the audit record: see qbaudit.cli_audit)
    qbaudit report AUDIT --out 报告.docx …       (documents of a stored audit: see qbaudit.cli_report)

Exit status: 0 when the audit ran (whatever the findings), 2 for a usage error, 3 when an input or
the profile cannot be used, 70 for an internal error (details in the log file, never on screen).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from qbaudit import __version__
from qbaudit.analysis.progress import Cancelled
from qbaudit.cli_audit import add_audit_commands
from qbaudit.cli_inputs import GivenOnce, add_bank_arguments
from qbaudit.cli_report import (
    add_check_report_options,
    add_report_command,
    print_outcomes,
    wants_documents,
    write_quick_documents,
)
from qbaudit.i18n import LANGUAGES, set_language, tr
from qbaudit.visible import visible

EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL = 0, 2, 3, 70
_log = logging.getLogger("qbaudit")

# argparse's own English messages and their catalogue keys.
_ARGPARSE_MESSAGES = [
    (re.compile(r"the following arguments are required: (?P<args>.+)"), "cli.error_required"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "cli.error_unrecognized"),
    (re.compile(r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     "cli.error_choice"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument"), "cli.error_expected_one"),
    (re.compile(r"ambiguous option: (?P<arg>\S+) could match (?P<choices>.+)"), "cli.error_ambiguous"),
    (re.compile(r"argument (?P<arg>\S+): (?P<detail>.+)"), "cli.error_argument"),
]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        # argparse passes prefix="" when it builds a subcommand's prog from this usage: keep that one bare.
        super().add_usage(usage, actions, groups, prefix=tr("cli.usage_prefix") if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its headings, help and error messages in the UI language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = tr("cli.positionals")
        self._optionals.title = tr("cli.options")
        self.add_argument("-h", "--help", action="help", help=tr("cli.help_help"))

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in the UI language, then exit with status 2."""
        for pattern, key in _ARGPARSE_MESSAGES:
            match = pattern.fullmatch(message)
            if match:
                message = tr(key, **match.groupdict())
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, tr("cli.error", prog=self.prog, message=visible(message)) + "\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("cli.bad_date", value=text)) from None


def _level(text: str) -> int:
    from qbaudit.analysis.vocabulary import parse_level

    level = parse_level(text)
    if level is None:
        raise argparse.ArgumentTypeError(tr("cli.bad_level", value=text))
    return level


def build_parser() -> ChineseArgumentParser:
    """The argument parser of ``qbaudit``."""
    parser = ChineseArgumentParser(prog="qbaudit", description=tr("cli.description"))
    parser.add_argument("--version", action="version", version=f"qbaudit {__version__}", help=tr("cli.help_version"))
    parser.add_argument("--lang", choices=LANGUAGES, help=tr("cli.help_lang"))
    commands = parser.add_subparsers(dest="command", title=tr("cli.commands"), metavar=tr("cli.command_metavar"),
                                     parser_class=ChineseArgumentParser)
    check = commands.add_parser("check", help=tr("cli.help_check"), description=tr("cli.description_check"))
    add_bank_arguments(check, required=True)
    check.add_argument("--blueprint", type=Path, nargs="+", action="extend", metavar=tr("cli.metavar_file"),
                       help=tr("cli_inputs.help_blueprint"))
    check.add_argument("--standard", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"),
                       help=tr("cli.help_standard"))
    check.add_argument("--responses", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"),
                       help=tr("cli_formats.help_responses"))
    headerless = check.add_mutually_exclusive_group()
    headerless.add_argument("--columns", metavar=tr("cli_formats.metavar_columns"), help=tr("cli_formats.help_columns"))
    headerless.add_argument("--template", metavar=tr("cli_formats.metavar_template"), help=tr("cli_formats.help_template"))
    check.add_argument("--save-template", metavar=tr("cli_formats.metavar_template"), help=tr("cli_formats.help_save_template"))
    check.add_argument("--papers", type=Path, nargs="+", action="extend", metavar=tr("cli.metavar_file"),
                       help=tr("cli.help_papers"))
    check.add_argument("--plan", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"), help=tr("cli.help_plan"))
    check.add_argument("--dismissed", type=Path, action=GivenOnce, metavar=tr("cli.metavar_file"),
                       help=tr("cli.help_dismissed"))
    check.add_argument("--profile", metavar=tr("cli.metavar_profile"), help=tr("cli.help_profile"))
    check.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=tr("cli.help_as_of"))
    check.add_argument("--level", type=_level, action=GivenOnce, metavar=tr("cli.metavar_level"),
                       help=tr("cli_inputs.help_level"))
    check.add_argument("--occupation", metavar=tr("cli.metavar_occupation"), help=tr("cli.help_occupation"))
    check.add_argument("--json", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli.help_json"))
    check.add_argument("--details", action="store_true", help=tr("cli.help_details"))
    add_check_report_options(check)
    check.set_defaults(func=_cmd_check)
    profiles = commands.add_parser("profiles", help=tr("cli.help_profiles"), description=tr("cli.help_profiles"))
    profiles.set_defaults(func=_cmd_profiles)
    templates = commands.add_parser("templates", help=tr("cli_formats.help_templates"),
                                    description=tr("cli_formats.help_templates"))
    templates.set_defaults(func=_cmd_templates)
    add_audit_commands(commands, ChineseArgumentParser, _date, _level)
    add_report_command(commands)
    from qbaudit.batch.command import add_batch_command
    add_batch_command(commands)
    gui = commands.add_parser("gui", help=tr("cli.help_gui"), description=tr("cli.help_gui"))
    gui.add_argument("--sample", action="store_true", help=tr("cli.help_gui_sample"))
    gui.add_argument("--audit", type=int, metavar=tr("cli.metavar_audit"), help=tr("cli.help_gui_audit"))
    gui.add_argument("--database", metavar="URL", help=tr("cli_audit.help_database"))
    gui.add_argument("--quit-after-load", action="store_true", help=tr("launch.help_quit_after_load"))
    gui.set_defaults(func=_cmd_gui)
    return parser


def _cmd_gui(args: argparse.Namespace) -> int:
    """``qbaudit gui`` (and ``qbaudit`` alone): the window, or where there is no display a message."""
    from qbaudit.views.app import has_display, run_window

    if not has_display():
        print(tr("gui.no_display"), file=sys.stderr)
        return EXIT_USAGE
    return run_window(sample=getattr(args, "sample", False), audit=getattr(args, "audit", None),
                      database=getattr(args, "database", None), quit_after_load=getattr(args, "quit_after_load", False))


def _console():  # noqa: ANN202 - a rich Console, imported lazily
    from qbaudit.visible import console

    return console()


def _cmd_profiles(args: argparse.Namespace) -> int:
    from qbaudit.analysis.profile import DEFAULT_PROFILE, bundled_profiles

    console = _console()
    for profile_id, name in bundled_profiles():
        mark = tr("cli.default_mark") if profile_id == DEFAULT_PROFILE else ""
        console.print(f"{profile_id}\t{name}{mark}")
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from qbaudit.analysis.importers.templates import load_templates

    console = _console()
    templates = load_templates()
    if not templates:
        console.print(tr("cli_formats.no_templates"))
    for template in templates:
        console.print(tr("cli_formats.template_line", name=template.name, columns=template.describe(),
                         count=template.column_count, created=template.created))
    return EXIT_OK


def _bank_mapping(args: argparse.Namespace, console) -> tuple[list[str | None] | None, dict[str, str | None]]:
    """The columns of a headerless bank (--columns or a template's) and the headers mapped by name (--map or a
    template's); saved under a name with --save-template."""
    from qbaudit.analysis.importers.headernames import parse_header_names
    from qbaudit.analysis.importers.templates import TemplateError, find_template, parse_columns, save_template
    from qbaudit.cli_inputs import bank_paths

    names = parse_header_names(args.map) if args.map else {}
    if args.template:
        template = find_template(args.template)
        return (list(template.columns) or None), {**template.headers, **names}
    columns = parse_columns(args.columns) if args.columns else None
    if args.save_template:
        if columns is None and not names:
            raise TemplateError(tr("headernames.template_empty"))
        sample = next((p for p in bank_paths(args) if p.is_file()), None)
        template = save_template(args.save_template, columns, sample, headers=names)
        console.print(tr("cli_formats.template_saved", name=template.name, columns=template.describe()))
    return columns, names


def _cmd_check(args: argparse.Namespace) -> int:
    from qbaudit.analysis.importers.dismissed import DismissedError, read_dismissed
    from qbaudit.analysis.importers.headernames import HeaderNameError
    from qbaudit.analysis.importers.templates import TemplateError
    from qbaudit.analysis.profile import ProfileError, load_profile
    from qbaudit.analysis.progress import ScaledState, checkpoint
    from qbaudit.analysis.run import run_audit
    from qbaudit.cli_inputs import bank_options, bank_paths
    from qbaudit.visible import styled

    console = _console()
    try:
        profile = load_profile(args.profile)
        columns, names = _bank_mapping(args, console)
        options = bank_options(args, columns, names)
        dismissed = read_dismissed(args.dismissed) if args.dismissed else []
    except (ProfileError, TemplateError, DismissedError, HeaderNameError) as exc:
        console.print(styled(exc, "red"))
        return EXIT_INPUT
    from qbaudit.console_progress import ConsoleProgress

    with ConsoleProgress() as progress:  # the steps on standard error: a bar, or a line each in a pipe
        run = run_audit(bank_paths(args), args.blueprint or None, profile, standard=args.standard,
                        responses=args.responses, as_of=args.as_of, default_level=args.level,
                        occupation=args.occupation, bank_options=options, papers=args.papers, plan=args.plan,
                        dismissed=dismissed, state=progress.task(tr("console_progress.check")))
    from qbaudit.cli_output import print_run

    print_run(console, run, details=args.details)
    if args.json is None and not wants_documents(args):
        return EXIT_INPUT if run.errors else EXIT_OK
    # The results file and the documents are written whole, then moved into place together.
    from qbaudit.atomic import StagedFiles

    with ConsoleProgress() as progress, StagedFiles() as staged:
        task = progress.task(tr("console_progress.documents"))
        if args.json is not None:
            checkpoint(task, 0.0, tr("console_progress.writing", kind=tr("cli.json_kind"), file=args.json.name))
            try:
                staged.path(args.json).write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
            except OSError as exc:
                console.print(styled(tr("cli.json_failed", file=str(args.json), reason=exc.strerror or str(exc)), "red"))
                return EXIT_INPUT
        outcomes = []
        if wants_documents(args):
            outcomes = write_quick_documents(console, run, args, staged=staged, state=ScaledState(task, 0.1, 0.85))
            if outcomes is None:
                return EXIT_INPUT
        checkpoint(task, 0.97, tr("console_progress.moving"))
        staged.commit()
    if args.json is not None:
        console.print(tr("cli.json_written", file=str(args.json)))
    print_outcomes(console, outcomes)
    return EXIT_INPUT if run.errors else EXIT_OK


def _setup_logging() -> Path | None:
    """Log to a file in the user's log folder; nothing on screen. Item text is never logged."""
    try:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("qbaudit", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "qbaudit.log"
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    from qbaudit.analysis.excerpts import ExcerptFormatter

    handler.setFormatter(ExcerptFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def setup_console() -> None:
    """Never fail on a character the console cannot show (a GBK console, output redirected to a file in
    the system's code page): such characters print as "?" instead of stopping the command."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        if codecs.lookup(encoding).name not in ("utf-8", "utf-16", "utf-32") and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    setup_console()
    argv = list(sys.argv[1:] if argv is None else argv)
    for index, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if value in LANGUAGES:
            set_language(value)
    log_path = _setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        from qbaudit.views.app import has_display

        if not has_display():  # no window possible: say so and show what the command line does
            print(tr("gui.no_display"), file=sys.stderr)
            parser.print_help()
            return EXIT_USAGE
        args.func = _cmd_gui
    from qbaudit.analysis.progress import BudgetExceeded

    try:
        return args.func(args)
    except BudgetExceeded as exc:  # an import or a check went over the tool's time or memory budget
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except (KeyboardInterrupt, Cancelled):  # Ctrl+C: files are written whole or not at all, transactions roll back
        print(tr("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception:  # the one path for the unexpected: logged in full, a plain message on screen
        _log.exception("internal error in command %s", args.command)
        print(tr("cli.internal_error", log=str(log_path) if log_path else tr("cli.no_log")), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
