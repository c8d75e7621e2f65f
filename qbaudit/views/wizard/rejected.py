"""The rows an import did not take, as a table to export: where each came from, why it was not taken, and its
cells as read — written as .xlsx, or as a UTF-8 CSV where no text can become a formula."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qbaudit.i18n import tr


def rejected_table(issues: Sequence[Any], previews: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Headings and rows of the rows not taken (``issues``: the import's rejected row issues), each with the
    cells of its row as the file's preview read them (``previews``: file name → FilePreview, or a reason)."""
    rows: list[list[Any]] = []
    width = 0
    for issue in issues:
        cells = _row_cells(previews.get(issue.file), issue.sheet, issue.row)
        width = max(width, len(cells))
        rows.append([issue.file, issue.sheet or "", issue.row if issue.row is not None else "", issue.column or "",
                     issue.reason, *cells])
    headings = [tr(f"wizard.issue_{h}") for h in ("file", "sheet", "row", "column", "reason")]
    headings += [tr("wizard.cell_heading", number=i + 1) for i in range(width)]
    return headings, [r + [""] * (len(headings) - len(r)) for r in rows]


def write_rejected(path: Path, headings: list[str], rows: list[list[Any]]) -> Path:
    """Write the table to ``path``: a CSV when its suffix is .csv, else an Excel workbook."""
    if path.suffix.lower() == ".csv":
        return _write_csv(path, headings, rows)
    from qbaudit.report.xlsx import WorkSheet, write_workbook

    widths = [18, 14, 8, 14, 50] + [16] * (len(headings) - 5)
    return write_workbook(path, [WorkSheet(tr("wizard.export_sheet"), headings, rows, widths)])


def _row_cells(preview: Any, sheet: str | None, row: int | None) -> list[str]:
    """The cells of row ``row`` of ``sheet`` as read (empty when the file has no columns)."""
    if preview is None or isinstance(preview, str) or row is None:
        return []
    found = preview.sheet(sheet or "")
    return found.row_cells(row) if found is not None else []


def _write_csv(path: Path, headings: list[str], rows: list[list[Any]]) -> Path:
    """A UTF-8 CSV (with BOM, for Excel) where no text can become a formula."""
    from qbaudit.report.xlsx import formula_like

    def safe(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and formula_like(value) else value

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        writer.writerows([[safe(v) for v in row] for row in rows])
    return path
