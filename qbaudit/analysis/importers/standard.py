"""Import a national standard's weight table (权重表) into :class:`~qbaudit.analysis.model.StandardWeights`.

Two shapes are read: long (等级 | 考评范围 | 比重) and wide, as printed in the standards
(考评范围 | 五级 | 四级 | 三级 …, one weight column per level). A cell of ``—`` or ``/`` in a wide table
means the scope does not apply at that level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from qbaudit.analysis.importers.blueprint import is_total_row
from qbaudit.analysis.importers.cells import ensure_columns, parse_dates, resolve_levels
from qbaudit.analysis.importers.outcome import ImportResult, Severity
from qbaudit.analysis.importers.reading import ROW
from qbaudit.analysis.importers.table import SHEET, load_table
from qbaudit.analysis.model import RowRef, StandardWeight, StandardWeights
from qbaudit.analysis.vocabulary import is_not_applicable, normalise_code, parse_weight
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions


def import_standard(path: str | Path, *, default_level: int | None = None,
                    options: ImportOptions | None = None) -> ImportResult[StandardWeights]:
    """Import the standard weight table at ``path``, read as ``options`` say (sheets, header rows, column fields)."""
    table = load_table(path, "standard", wide_levels=True, options=options)
    if isinstance(table, str):
        return ImportResult.failure(table)
    name_columns = sorted(c for c in table.frame.columns if c.startswith("scope_name_"))
    # "__level_<level>_<sheet column>": one weight column per level in a wide table.
    level_columns = {c: int(c.split("_")[3]) for c in table.frame.columns if c.startswith("__level_")}
    frame = ensure_columns(table.frame, ["level", "scope_code", "weight", "standard_name", "issued"])
    # The deepest scope name given on a row is the scope (项目 › 工作内容).
    frame = frame.with_columns(
        pl.coalesce(*reversed(name_columns)).alias("__scope"),
        pl.concat_list(name_columns).map_elements(is_total_row, return_dtype=pl.Boolean).alias("__total"),
    )
    for sheet, row in frame.filter(pl.col("__total")).select(SHEET, ROW).iter_rows():
        table.issue(Severity.INFO, tr("import.total_row"), sheet, row)
    frame = frame.filter(~pl.col("__total"))
    if not level_columns:
        frame = resolve_levels(table, frame, default_level)
        level_columns = {"weight": None}  # type: ignore[dict-item]  # one weight column, its level per row
    entries: list[StandardWeight] = []
    rejected = 0
    for row in frame.iter_rows(named=True):
        ref = RowRef(table.file, row[SHEET], row[ROW])
        if row["__scope"] is None:
            table.issue(Severity.REJECTED, tr("import.standard_no_scope"), ref.sheet, ref.row)
            rejected += 1
            continue
        taken = 0
        for column, level in level_columns.items():
            text = row[column]
            if text is None or is_not_applicable(text):
                continue
            weight = parse_weight(text)
            if weight is None:
                table.issue(Severity.REJECTED, tr("import.weight_unreadable", value=text), ref.sheet, ref.row, column)
                continue
            entries.append(
                StandardWeight(
                    level=level if level is not None else row["level"],
                    scope_name=row["__scope"],
                    weight=weight,
                    scope_code=normalise_code(row["scope_code"]) if row["scope_code"] else None,
                    source=ref,
                )
            )
            taken += 1
        if not taken:
            rejected += 1
            if all(row[c] is None for c in level_columns):
                table.issue(Severity.REJECTED, tr("import.standard_no_weight"), ref.sheet, ref.row,
                            next(iter(level_columns)))
    issued = frame.select(parse_dates("issued")).to_series().drop_nulls()
    names = frame.get_column("standard_name").drop_nulls()
    table.rows_rejected += rejected
    rows_taken = frame.height - rejected
    standard = StandardWeights(
        entries=entries,
        name=names[0] if len(names) else None,
        issued=issued[0] if len(issued) else None,
        sources=[table.input_file(rows_taken)],
    )
    return ImportResult(data=standard, issues=table.sorted_issues(), mapping=table.mapping, inputs=standard.sources,
                        rows_taken=rows_taken)
