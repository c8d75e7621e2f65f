"""Writers of small test files (workbooks with merged titles, errors, odd encodings)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write ``{sheet name: rows}`` to ``path``; ``merges`` lists ranges such as ``"A1:F1"`` per sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write ``rows`` as CSV in ``encoding`` (``utf-8-sig`` for a BOM, ``gbk``, ``gb18030`` …)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


BANK_HEADER = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "修订日期"]


def bank_rows(count: int = 3, level: str = "四级") -> list[list[Any]]:
    """A few well-formed single-choice items."""
    return [
        [f"T{n:03d}", level, f"A-B-{n:03d}", "单选", "3", f"焊接电弧的第{n}个特点是（　　）。", "高温", "低温", "常温", "无温",
         "A", "2026-03-01"]
        for n in range(1, count + 1)
    ]
