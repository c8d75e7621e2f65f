"""The input options ``qbaudit check`` and ``qbaudit audit score`` share (every input kind, both commands).

    --bank 题库.xlsx 电工_理论题库_三级.csv 题库文件夹/ 甲.csv::三级     (files and folders; ``::等级`` per file)
    --level 三级                       (the level of files that name none in their columns, sheets or name)
    --map 题目序号=考评点代码,备注=-    (headers the synonyms do not know, mapped by name)
    --header-row 3                     (the header row, of every sheet; with --columns: the row to skip)

A file's level comes from its own level column, else its sheet's name, else its file name, else the level
written after ``::`` for it (or its folder), else ``--level``; never from another file. An input option that
takes one file (``--standard``, ``--plan`` …) given twice is refused: the second would silently replace the first.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from qbaudit.i18n import tr

LEVEL_SEPARATOR = "::"
_SEPARATORS = ("::", "：：")


def bank_entry(text: str) -> tuple[Path, int | None]:
    """``路径`` or ``路径::三级`` → (path, level given for it)."""
    from qbaudit.analysis.vocabulary import parse_level

    if Path(text).exists():  # a file whose name holds "::" is still that file
        return Path(text), None
    for separator in _SEPARATORS:
        if separator in text:
            path, _, level_text = text.rpartition(separator)
            if not path:
                break
            level = parse_level(level_text.strip())
            if level is None:
                raise argparse.ArgumentTypeError(tr("cli_inputs.bad_file_level", value=level_text, given=text))
            return Path(path), level
    return Path(text), None


def positive_row(text: str) -> int:
    """A row number as the user sees it (1, 2 …)."""
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(tr("cli_inputs.bad_row", value=text))
    return number


class GivenOnce(argparse.Action):
    """An option that takes one value: giving it twice is a usage error, never a silent replacement."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        marker = f"_given_{self.dest}"
        if getattr(namespace, marker, False):
            parser.error(tr("cli_inputs.given_twice", option=option_string or self.dest,
                            first=str(getattr(namespace, self.dest)), second=str(values)))
        setattr(namespace, marker, True)
        setattr(namespace, self.dest, values)


def add_bank_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """``--bank`` (several files, folders, ``::等级``), ``--map`` and ``--header-row``."""
    parser.add_argument("--bank", required=required, type=bank_entry, nargs="+", action="extend",
                        metavar=tr("cli_inputs.metavar_bank"), help=tr("cli_inputs.help_bank"))
    parser.add_argument("--map", action="append", metavar=tr("cli_inputs.metavar_map"), help=tr("cli_inputs.help_map"))
    parser.add_argument("--header-row", type=positive_row, action=GivenOnce, metavar="N",
                        help=tr("cli_inputs.help_header_row"))


def bank_paths(args: argparse.Namespace) -> list[Path]:
    """The bank's files and folders as given."""
    return [path for path, _level in args.bank or []]


def bank_options(args: argparse.Namespace, columns: list[str | None] | None = None,
                 header_names: dict[str, str | None] | None = None) -> Any:
    """The bank's :class:`~qbaudit.analysis.inputs.ImportOptions` from the arguments (levels per file, header
    row, headers mapped by name, columns in order). Raises HeaderNameError for a ``--map`` that cannot be used."""
    from qbaudit.analysis.importers.headernames import parse_header_names
    from qbaudit.analysis.inputs import EVERY_SHEET, ImportOptions

    names = dict(header_names or {})
    if getattr(args, "map", None):
        names.update(parse_header_names(args.map))
    return ImportOptions(
        columns=tuple(columns) if columns is not None else None,
        header_rows={EVERY_SHEET: args.header_row} if getattr(args, "header_row", None) else {},
        header_names=names,
        file_levels={str(path): level for path, level in args.bank or [] if level is not None},
        default_level=getattr(args, "level", None),
    )


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` as an argument type."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("cli.bad_date", value=text)) from None


def parse_level(text: str) -> int:
    """A level as the user writes it (三级, 3, 高级工 …) as an argument type."""
    from qbaudit.analysis.vocabulary import parse_level as level_of

    level = level_of(text)
    if level is None:
        raise argparse.ArgumentTypeError(tr("cli.bad_level", value=text))
    return level


def add_input_arguments(parser: argparse.ArgumentParser, *, bank_required: bool) -> None:
    """Every input the checks read, for ``check`` and ``audit score`` alike: the bank (with its column mapping),
    the blueprint, the standard, the answer data, the papers and their plan, dismissed pairs, the rule profile,
    the date judged at and the level of files that name none."""
    add_bank_arguments(parser, required=bank_required)
    file = tr("cli.metavar_file")
    parser.add_argument("--blueprint", type=Path, nargs="+", action="extend", metavar=file,
                        help=tr("cli_inputs.help_blueprint"))
    parser.add_argument("--standard", type=Path, action=GivenOnce, metavar=file, help=tr("cli.help_standard"))
    parser.add_argument("--responses", type=Path, action=GivenOnce, metavar=file, help=tr("cli_formats.help_responses"))
    headerless = parser.add_mutually_exclusive_group()
    headerless.add_argument("--columns", metavar=tr("cli_formats.metavar_columns"), help=tr("cli_formats.help_columns"))
    headerless.add_argument("--template", metavar=tr("cli_formats.metavar_template"),
                            help=tr("cli_formats.help_template"))
    parser.add_argument("--save-template", metavar=tr("cli_formats.metavar_template"),
                        help=tr("cli_formats.help_save_template"))
    parser.add_argument("--papers", type=Path, nargs="+", action="extend", metavar=file, help=tr("cli.help_papers"))
    parser.add_argument("--plan", type=Path, action=GivenOnce, metavar=file, help=tr("cli.help_plan"))
    parser.add_argument("--dismissed", type=Path, action=GivenOnce, metavar=file, help=tr("cli.help_dismissed"))
    parser.add_argument("--profile", metavar=tr("cli.metavar_profile"), help=tr("cli.help_profile"))
    parser.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD", help=tr("cli.help_as_of"))
    parser.add_argument("--level", type=parse_level, action=GivenOnce, metavar=tr("cli.metavar_level"),
                        help=tr("cli_inputs.help_level"))


def bank_mapping(args: argparse.Namespace, console: Any) -> tuple[list[str | None] | None, dict[str, str | None]]:
    """The columns of a headerless bank (--columns or a template's) and the headers mapped by name (--map or a
    template's); saved under a name with --save-template."""
    from qbaudit.analysis.importers.headernames import parse_header_names
    from qbaudit.analysis.importers.templates import TemplateError, find_template, parse_columns, save_template

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


def input_sources(args: argparse.Namespace, console: Any) -> dict[str, Any]:
    """The inputs named by :func:`add_input_arguments` as kind → :class:`~qbaudit.operations.Source`. Raises a
    :class:`~qbaudit.errors.QbauditError` for a template or a ``--map`` that cannot be used."""
    from qbaudit.operations import file_sources

    columns, names = bank_mapping(args, console)
    return file_sources(bank_paths(args) or None, args.blueprint or None, standard=args.standard,
                        responses=args.responses, default_level=args.level,
                        bank_options=bank_options(args, columns, names), papers=args.papers, plan=args.plan)


def dismissed_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The pairs listed in ``--dismissed`` (none when it is not given)."""
    from qbaudit.analysis.importers.dismissed import read_dismissed

    return read_dismissed(args.dismissed) if args.dismissed else []
