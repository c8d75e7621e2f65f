"""Workbooks with XlsxWriter, where no cell can become a formula.

Every text goes through ``write_string`` (XlsxWriter never turns it into a formula, a link or a
number), and a text that starts with ``=``, ``+``, ``-``, ``@``, a TAB or a CR also carries Excel's quote prefix,
so editing the cell later in Excel keeps it text too. Numbers stay numbers, so columns sort.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbaudit.i18n import tr

# What a spreadsheet may read as the start of a formula (OWASP's CSV-injection list): a leading TAB or CR is
# skipped by some spreadsheets before they look for the "=".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell


@dataclass
class WorkSheet:
    """One worksheet: a heading row over rows of values, optionally under title lines."""

    name: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float]  # in characters
    titles: Sequence[str] = ()  # lines above the headings (a form's title), merged across the columns
    filters: bool = True
    blank_columns: Sequence[int] = field(default_factory=tuple)  # columns left for people to fill in


def formula_like(text: str) -> bool:
    """True for a text a spreadsheet would read as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def write_workbook(path: str | Path, sheets: Sequence[WorkSheet]) -> Path:
    """Write ``sheets`` to an .xlsx file at ``path`` (whole or not at all: see :mod:`qbaudit.atomic`)."""
    from qbaudit.atomic import into_place

    path = Path(path)
    with into_place(path) as temporary:
        _write_sheets(temporary, sheets)
    return path


def _write_sheets(path: Path, sheets: Sequence[WorkSheet]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    base = {"font_name": "宋体", "font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
    cell = workbook.add_format(base)
    quoted = workbook.add_format({**base, "quote_prefix": True})
    fill = workbook.add_format({**base, "bg_color": "#FFF9E6"})
    heading = workbook.add_format({**base, "bold": True, "font_name": "黑体", "align": "center", "valign": "vcenter",
                                   "bg_color": "#DDEBF7"})
    title = workbook.add_format({"bold": True, "font_name": "黑体", "font_size": 14, "align": "center",
                                 "valign": "vcenter"})
    subtitle = workbook.add_format({"font_name": "宋体", "font_size": 10, "align": "left", "valign": "vcenter"})
    for spec in sheets:
        sheet = workbook.add_worksheet(spec.name[:31])
        last = len(spec.headings) - 1
        top = 0
        for index, line in enumerate(spec.titles):
            style = title if index == 0 else subtitle
            if last > 0:
                sheet.merge_range(top, 0, top, last, "", style)
            _text(sheet, top, 0, line, style, style)
            sheet.set_row(top, 26 if index == 0 else 18)
            top += 1
        for column, text in enumerate(spec.headings):
            _text(sheet, top, column, text, heading, heading)
        sheet.set_row(top, _row_height(spec.headings, spec.widths))
        blank = set(spec.blank_columns)
        for offset, values in enumerate(spec.rows, start=1):
            for column, value in enumerate(values):
                style = fill if column in blank else cell
                write_value(sheet, top + offset, column, value, style, quoted)
            sheet.set_row(top + offset, _row_height(values, spec.widths))
        for column, width in enumerate(spec.widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(top + 1, 0)
        if spec.filters and spec.rows:
            sheet.autofilter(top, 0, top + len(spec.rows), last)
        # printed: A4 landscape, one page wide, the heading row on every page
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(top)
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    workbook.close()


LINE_HEIGHT = 13.5  # points, one line of 10 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit


def _display_width(text: str) -> int:
    """Width in Excel's column units: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _row_height(values: Sequence[Any], widths: Sequence[float]) -> float:
    """A row tall enough for its wrapped text (spreadsheets do not all fit rows to wrapped text on opening)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value is None or isinstance(value, int | float):
            continue
        wrapped = sum(max(1, math.ceil(_display_width(part) / max(width - 1, 1))) for part in str(value).split("\n"))
        lines = max(lines, wrapped)
    return min(lines * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


def write_value(sheet: Any, row: int, column: int, value: Any, style: Any, quoted: Any) -> None:
    """One cell: a number as a number, anything else as text (never a formula)."""
    if value is None or value == "":
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        _text(sheet, row, column, tr("report.yes") if value else tr("report.no"), style, quoted)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)):
        sheet.write_number(row, column, float(value), style)
    elif isinstance(value, dt.date):
        _text(sheet, row, column, value.isoformat(), style, quoted)
    else:
        _text(sheet, row, column, str(value), style, quoted)


def _text(sheet: Any, row: int, column: int, text: str, style: Any, quoted: Any) -> None:
    text = text[:MAX_CELL_TEXT]
    sheet.write_string(row, column, text, quoted if formula_like(text) else style)
