"""Column-wide cell parsing shared by the importers (polars expressions and value maps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.reading import ROW
from qbaudit.analysis.importers.table import SHEET, SHEET_LEVEL, Table
from qbaudit.analysis.vocabulary import level_name, parse_level
from qbaudit.i18n import tr


def ensure_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Add the missing ``columns`` as all-null text columns."""
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing]) if missing else frame


def map_distinct(frame: pl.DataFrame, column: str, func: Callable[[str], Any],
                 dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    """``func`` applied once per distinct value of ``column``, as an expression over all rows."""
    values = frame.get_column(column).drop_nulls().unique().to_list()
    mapping = {value: func(value) for value in values}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)


def join_distinct_pairs(frame: pl.DataFrame, first: str, second: str, func: Callable[[Any, Any], Any],
                        alias: str) -> pl.DataFrame:
    """Add column ``alias``: ``func`` applied once per distinct pair of ``first`` and ``second``."""
    pairs = frame.select(first, second).unique()
    lookup = pl.DataFrame(
        {first: pairs.get_column(first), second: pairs.get_column(second),
         alias: [func(a, b) for a, b in pairs.iter_rows()]},
        schema={first: pl.String, second: pl.String, alias: pl.String},
    )
    return frame.join(lookup, on=[first, second], how="left", nulls_equal=True, maintain_order="left")


def parse_dates(column: str) -> pl.Expr:
    """Dates as Excel and people write them: ISO with time, 2024/3/1, 2024.3.1, 2024年3月1日,
    20240301, 2024-03 (first of the month), and Excel serial numbers stored as numbers."""
    text = pl.col(column)
    serial_days = text.str.extract(r"^(\d{5})(?:\.\d+)?$", 1).cast(pl.Int64, strict=False)
    serial = pl.when(serial_days.is_between(20000, 80000)).then(
        pl.date(1899, 12, 30) + pl.duration(days=serial_days)
    )
    dashed = text.str.replace_all(r"[年月/.]", "-").str.replace_all(r"[日号]", "")
    iso = dashed.str.extract(r"^(\d{4}-\d{1,2}-\d{1,2})", 1).str.to_date("%Y-%m-%d", strict=False)
    compact = dashed.str.extract(r"^(\d{8})$", 1).str.to_date("%Y%m%d", strict=False)
    month = (dashed.str.extract(r"^(\d{4}-\d{1,2})-?$", 1) + "-1").str.to_date("%Y-%m-%d", strict=False)
    return pl.coalesce(serial, iso, compact, month)


def resolve_levels(table: Table, frame: pl.DataFrame, default_level: int | None) -> pl.DataFrame:
    """Give every row a level (its own cell, else its sheet's name, else ``default_level``).

    Rows whose level cannot be known are rejected and reported; rows whose cell disagrees with
    the sheet name keep the cell's level and are reported as a warning.
    """
    frame = ensure_columns(frame, ["level"])
    frame = frame.with_columns(map_distinct(frame, "level", parse_level, pl.Int64).alias("__level_cell"))
    frame = frame.with_columns(
        pl.coalesce("__level_cell", SHEET_LEVEL, pl.lit(default_level, dtype=pl.Int64)).alias("__level")
    )
    unknown = frame.filter(pl.col("level").is_not_null() & pl.col("__level_cell").is_null())
    for sheet, row, value in unknown.select(SHEET, ROW, "level").iter_rows():
        table.issue(Severity.REJECTED, tr("import.level_unknown", value=value), sheet, row, "level")
    table.rows_rejected += unknown.height
    undetermined = frame.filter(pl.col("level").is_null() & pl.col("__level").is_null())
    # A sheet none of whose rows names a level is one problem of the sheet, not one per row.
    sizes = frame.group_by(SHEET).len()
    lacking = undetermined.group_by(SHEET).len().join(sizes, on=SHEET, how="left", nulls_equal=True, suffix="_all")
    whole = [sheet for sheet, count, total in lacking.iter_rows() if count == total]
    for sheet in whole:
        count = undetermined.filter(pl.col(SHEET).eq_missing(sheet)).height
        table.issue(Severity.REJECTED, tr("inputfiles.sheet_no_level", rows=count), sheet, None, "level")
    table.rows_rejected += undetermined.filter(pl.col(SHEET).is_in(whole, nulls_equal=True)).height
    table.reject_rows(undetermined.filter(~pl.col(SHEET).is_in(whole, nulls_equal=True)), tr("import.level_missing"),
                      "level")
    conflicting = frame.filter(
        pl.col("__level_cell").is_not_null() & pl.col(SHEET_LEVEL).is_not_null()
        & (pl.col("__level_cell") != pl.col(SHEET_LEVEL))
    )
    for sheet, row, cell, sheet_level in conflicting.select(SHEET, ROW, "__level_cell", SHEET_LEVEL).iter_rows():
        table.issue(Severity.WARNING, tr("import.level_conflict", cell=level_name(cell), sheet_level=level_name(sheet_level)),
                    sheet, row, "level")
    keep = ~(pl.col("level").is_not_null() & pl.col("__level_cell").is_null()) & pl.col("__level").is_not_null()
    return frame.filter(keep).drop("level", "__level_cell").rename({"__level": "level"})


def report_normalised(table: Table, frame: pl.DataFrame, raw: str, normalised: str, target: str) -> None:
    """One note per file saying how many cells of a code column were normalised."""
    changed = frame.filter(pl.col(raw).is_not_null() & (pl.col(raw) != pl.col(normalised)))
    if changed.height:
        first_sheet, first_row = changed.select(SHEET, ROW).row(0)
        table.issue(
            Severity.INFO,
            tr("import.codes_normalised", count=changed.height, example=changed.get_column(raw)[0],
               normalised=changed.get_column(normalised)[0]),
            first_sheet, first_row, target,
        )
