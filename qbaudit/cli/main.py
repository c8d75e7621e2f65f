"""The command line: the same flow as the window, from a terminal.

    qbaudit check --bank 题库.xlsx 电工_三级.csv 文件夹/ 甲.csv::三级 … [--blueprint 细目表.xlsx …]
                  [--standard 权重表.xlsx] [--responses 作答.xlsx] [--level 三级]
                  [--columns 列… | --template 名称] [--map 表头=字段,…] [--header-row N] [--save-template 名称]
                  [--json 结果.json]
                  [--report 报告.docx] [--problems 问题清单.xlsx] [--findings 结论.xlsx]
    qbaudit templates
    qbaudit audit new|list|show|score|sign …     (the audit record: see qbaudit.cli.audit)
    qbaudit report AUDIT --out 报告.docx …       (documents of a stored audit: see qbaudit.cli.report)

Exit status (declared in :mod:`qbaudit.plumbing`): 0 when the audit ran (whatever the findings), 2 for a
usage error, 3 when an input, the profile or the record cannot be used (any
:class:`~qbaudit.errors.QbauditError`, shown as its message), 130 on Ctrl+C, 70 for an internal error (details
in the log file, never on screen).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from qbaudit import __version__, plumbing
from qbaudit.analysis.progress import Cancelled
from qbaudit.cli.audit import add_audit_commands
from qbaudit.cli.inputs import add_input_arguments
from qbaudit.cli.report import (
    add_check_report_options,
    add_report_command,
    print_outcomes,
    wants_documents,
    write_quick_documents,
)
from qbaudit.errors import QbauditError
from qbaudit.i18n import LANGUAGES, set_language, tr
from qbaudit.plumbing import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, setup_console
from qbaudit.visible import visible

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


def build_parser() -> ChineseArgumentParser:
    """The argument parser of ``qbaudit``."""
    parser = ChineseArgumentParser(prog="qbaudit", description=tr("cli.description"))
    parser.add_argument("--version", action="version", version=f"qbaudit {__version__}", help=tr("cli.help_version"))
    parser.add_argument("--lang", choices=LANGUAGES, help=tr("cli.help_lang"))
    commands = parser.add_subparsers(dest="command", title=tr("cli.commands"), metavar=tr("cli.command_metavar"),
                                     parser_class=ChineseArgumentParser)
    check = commands.add_parser("check", help=tr("cli.help_check"), description=tr("cli.description_check"))
    add_input_arguments(check, bank_required=True)
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
    add_audit_commands(commands, ChineseArgumentParser)
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


def _cmd_profiles(args: argparse.Namespace) -> int:
    from qbaudit.analysis.profile import DEFAULT_PROFILE, bundled_profiles

    console = plumbing.console()
    for profile_id, name in bundled_profiles():
        mark = tr("cli.default_mark") if profile_id == DEFAULT_PROFILE else ""
        console.print(f"{profile_id}\t{name}{mark}")
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from qbaudit.analysis.importers.templates import load_templates

    console = plumbing.console()
    templates = load_templates()
    if not templates:
        console.print(tr("cli_formats.no_templates"))
    for template in templates:
        console.print(tr("cli_formats.template_line", name=template.name, columns=template.describe(),
                         count=template.column_count, created=template.created))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.progress import ScaledState, checkpoint
    from qbaudit.cli.inputs import dismissed_pairs, input_sources
    from qbaudit.operations import check_files
    from qbaudit.visible import styled

    console = plumbing.console()
    profile = load_profile(args.profile)  # an unusable profile, template or list: a QbauditError, shown by main()
    sources = input_sources(args, console)
    dismissed = dismissed_pairs(args)
    from qbaudit.console_progress import ConsoleProgress

    with ConsoleProgress() as progress:  # the steps on standard error: a bar, or a line each in a pipe
        run = check_files(sources, profile, as_of=args.as_of, occupation=args.occupation, dismissed=dismissed,
                          state=progress.task(tr("console_progress.check")))
    from qbaudit.cli.output import print_run

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    setup_console()
    argv = list(sys.argv[1:] if argv is None else argv)
    for index, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if value in LANGUAGES:
            set_language(value)
    plumbing.setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        from qbaudit.views.app import has_display

        if not has_display():  # no window possible: say so and show what the command line does
            print(tr("gui.no_display"), file=sys.stderr)
            parser.print_help()
            return EXIT_USAGE
        args.func = _cmd_gui
    try:
        return args.func(args)
    except QbauditError as exc:  # an expected failure (an input, the profile, the record, a budget): its message
        from qbaudit.visible import styled

        plumbing.console().print(styled(exc.user_message(), "red"), soft_wrap=True)
        return EXIT_INPUT
    except (KeyboardInterrupt, Cancelled):  # Ctrl+C: files are written whole or not at all, transactions roll back
        print(tr("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # the one path for the unexpected: logged in full, a plain message on screen
        _log.exception("internal error in command %s", args.command)
        print(plumbing.internal_error_text(), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
