"""Import answer data (作答数据) for the item statistics of R18.

Two shapes are read from ``.xlsx``/``.xls``/``.csv``: long (考生 | 试题编号 | 作答 | 得分 …, one row
per answer) and wide (考生 | then one column per item, headed by its item number; cells hold the
response — letters, √/× — or, in a column of numbers only, the score). An empty cell is a missing
answer, kept as such. Rows without a candidate (or, in long form, without an item) are rejected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import polars as pl

from qbaudit.analysis.importers.guard import FileLimits, number_message
from qbaudit.analysis.importers.headers import SCAN_ROWS, detect_header, kind_spec, match_header
from qbaudit.analysis.importers.outcome import ImportResult, RowIssue, Severity
from qbaudit.analysis.importers.reading import ROW, RawFile, RawSheet, ReadError, read_file
from qbaudit.analysis.importers.table import SHEET, load_table
from qbaudit.analysis.model import InputFile, Responses
from qbaudit.analysis.vocabulary import is_total
from qbaudit.i18n import tr

COLUMNS = ["candidate", "item_id", "response", "score", "max_score", "paper", "source_sheet", "source_row"]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def import_responses(path: str | Path) -> ImportResult[Responses]:
    """Import the answer data at ``path`` (long or wide; see the module's description)."""
    try:
        raw = read_file(path)
    except ReadError as exc:
        return ImportResult.failure(str(exc))
    spec = kind_spec("responses")
    long = any(_is_long(detect_header(sheet, spec)) for sheet in raw.sheets)
    if long:
        return _long(path, raw)
    return _wide(raw)


def _is_long(match) -> bool:
    return match is not None and {"candidate", "item_id"} <= match.fields and bool({"response", "score"} & match.fields)


def _finish(raw: RawFile, frame: pd.DataFrame, shape: str, issues: list[RowIssue], rejected: int,
            sheets: list[str | None]) -> ImportResult[Responses]:
    source = InputFile(name=raw.name, kind="responses", sha256=raw.sha256, size=raw.size, rows_taken=len(frame),
                       rows_rejected=rejected, encoding=raw.encoding, sheets=tuple(s for s in sheets if s))
    if frame.empty:
        return ImportResult(error=tr("responses.nothing", file=raw.name), issues=issues, inputs=[source])
    return ImportResult(data=Responses(frame=frame, shape=shape, sources=[source]), issues=issues, inputs=[source],
                        rows_taken=len(frame))


def _long(path: str | Path, raw: RawFile) -> ImportResult[Responses]:
    table = load_table(path, "responses", raw=raw)
    if isinstance(table, str):
        return ImportResult.failure(table)
    frame = table.frame
    for column in ("candidate", "item_id", "response", "score", "max_score", "paper"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    incomplete = frame.filter(pl.col("candidate").is_null() | pl.col("item_id").is_null())
    table.reject_rows(incomplete, tr("responses.row_incomplete"))
    frame = frame.filter(pl.col("candidate").is_not_null() & pl.col("item_id").is_not_null())
    limit = FileLimits.bundled().max_number
    for column in ("score", "max_score"):  # inf, NaN, 1e308: not a score (reported per cell, the cell left empty)
        number = pl.col(column).cast(pl.Float64, strict=False)
        wild = frame.filter(number.is_not_null() & (number.is_nan() | (number.abs() > limit)))
        for sheet, row, value in wild.select(SHEET, ROW, column).iter_rows():
            table.issue(Severity.WARNING, number_message(value), sheet, row, column)
        frame = frame.with_columns(pl.when(number.is_nan() | (number.abs() > limit)).then(None)
                                   .otherwise(pl.col(column)).alias(column))
    bad_scores = frame.filter(pl.col("score").is_not_null() & pl.col("score").cast(pl.Float64, strict=False).is_null())
    for sheet, row, value in bad_scores.select(SHEET, ROW, "score").iter_rows():
        table.issue(Severity.WARNING, tr("responses.score_unreadable", value=value), sheet, row, "score")
    result = frame.select(
        "candidate", "item_id", "response",
        pl.col("score").cast(pl.Float64, strict=False), pl.col("max_score").cast(pl.Float64, strict=False), "paper",
        pl.col(SHEET).alias("source_sheet"), pl.col(ROW).alias("source_row"),
    ).to_pandas()
    return _finish(raw, result, "long", table.sorted_issues(), table.rows_rejected, table.sheets_used)


def _finite(scores: pd.Series) -> pd.Series:
    """Scores with inf and values beyond the tool's number limit left empty (NaN)."""
    limit = FileLimits.bundled().max_number
    return scores.where(scores.abs() <= limit)


def _wide_header(sheet: RawSheet) -> tuple[int, str, dict[str, str]] | None:
    """(row index, candidate column, item column → item number) of a wide sheet's header, if any."""
    spec = kind_spec("responses")
    for index, row in enumerate(sheet.frame.head(SCAN_ROWS).iter_rows(named=True)):
        cells = {c: str(v).strip() for c, v in row.items() if c != ROW and v is not None and str(v).strip()}
        hits = {c: match_header(v, spec) for c, v in cells.items()}
        candidate = next((c for c, h in hits.items() if h is not None and h.field == "candidate"), None)
        if candidate is None:
            continue
        items = {c: v for c, v in cells.items() if c != candidate and hits[c] is None and not is_total(v)}
        if items:
            return index, candidate, items
    return None


def _wide(raw: RawFile) -> ImportResult[Responses]:
    issues: list[RowIssue] = []
    frames: list[pd.DataFrame] = []
    rejected = 0
    used: list[str | None] = []
    for sheet in raw.sheets:
        header = _wide_header(sheet)
        if header is None:
            if sheet.frame.height:
                issues.append(RowIssue(raw.name, sheet.name, None, None, tr("responses.sheet_skipped"), Severity.INFO))
            continue
        index, candidate, items = header
        data = sheet.frame.slice(index + 1).to_pandas()
        for column in items:
            data[column] = data[column].map(lambda v: str(v).strip() if v is not None and str(v).strip() else None)
        no_candidate = data[data[candidate].isna() & data[list(items)].notna().any(axis=1)]
        for row in no_candidate[ROW]:
            issues.append(RowIssue(raw.name, sheet.name, int(row), None, tr("responses.row_incomplete"),
                                   Severity.REJECTED))
        rejected += len(no_candidate)
        data = data[data[candidate].notna()]
        for column, item in items.items():
            values = data[column]
            numeric = values.dropna().map(lambda v: bool(_NUMBER.match(v))).all() and values.notna().any()
            frames.append(pd.DataFrame({
                "candidate": data[candidate].astype(str).str.strip().to_numpy(),
                "item_id": item,
                "response": None if numeric else values.to_numpy(),
                "score": _finite(pd.to_numeric(values, errors="coerce")).to_numpy() if numeric else float("nan"),
                "max_score": float("nan"),
                "paper": None,
                "source_sheet": sheet.name,
                "source_row": data[ROW].to_numpy(),
            }))
        used.append(sheet.name)
    if not frames and not used:
        return ImportResult(error=tr("responses.no_header", file=raw.name), issues=issues)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return _finish(raw, frame[COLUMNS], "wide", issues, rejected, used)
