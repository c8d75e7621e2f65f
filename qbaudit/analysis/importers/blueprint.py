"""Import a blueprint (考评要素细目表) into :class:`~qbaudit.analysis.model.Blueprint`.

A blueprint lists, per level, a tree of scopes (one to four tiers, each with a code, a name and a
weight) and under them the points with their importance. Scope cells are often merged in Excel,
so a scope written once holds for the rows below it until another scope of that tier or above
appears. A point code made of digits only is the point's own number and is joined to its scope's
code (``B-A`` + ``012`` → ``B-A-012``); any other code is taken as the full code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from qbaudit.analysis.importers.cells import ensure_columns, resolve_levels
from qbaudit.analysis.importers.outcome import ImportResult, Severity
from qbaudit.analysis.importers.reading import ROW
from qbaudit.analysis.importers.table import SHEET, Table, load_table
from qbaudit.analysis.model import Blueprint, Importance, Point, RowRef, Scope
from qbaudit.analysis.vocabulary import (
    code_key,
    is_total,
    normalise_code,
    parse_importance,
    parse_level,
    parse_part,
    parse_ratio,
    parse_weight,
)
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions

_OWN_CODE = re.compile(r"^[0-9]+$")


@dataclass
class _ScopeDraft:
    level: int
    part: str
    tier: int
    own_code: str
    name: str | None
    path: tuple[tuple[str, str | None], ...]  # (code, name) from the top tier down
    source: RowRef
    weight: float | None = None
    weight_row: int | None = None


def _tiers(frame: pl.DataFrame) -> list[int]:
    numbers = set()
    for column in frame.columns:
        for prefix in ("scope_code_", "scope_name_", "weight_"):
            if column.startswith(prefix) and column[len(prefix):].isdigit():
                numbers.add(int(column[len(prefix):]))
    return sorted(numbers)


def is_total_row(names: list[str | None]) -> bool:
    """A summary row (合计, 总计 …) rather than a scope or point."""
    return any(is_total(name) for name in names)


def import_blueprints(paths: str | Path | Sequence[str | Path], *, default_level: int | None = None,
                      options: ImportOptions | None = None) -> ImportResult[Blueprint]:
    """Import a blueprint kept in one workbook or split one workbook per level, as one blueprint.

    A workbook that names its level nowhere (no level column, sheets not named by level) takes the
    level its file name gives (``细目表-四级.xlsx``). The first file that cannot be imported fails
    the whole, with the row issues of every file kept. ``options`` (sheets, header rows, column fields, by
    sheet name) hold for every file.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    results = [import_blueprint(p, default_level=default_level, options=options) for p in paths]
    if len(results) == 1:
        return results[0]
    issues = [i for r in results for i in r.issues]
    inputs = [f for r in results for f in r.inputs]
    failed = next((r for r in results if not r.ok), None)
    if failed is not None:
        return ImportResult(error=failed.error, issues=issues, inputs=inputs)
    parts = [r.data for r in results if r.data is not None]
    merged = Blueprint(scopes=[s for b in parts for s in b.scopes], points=[p for b in parts for p in b.points],
                       sources=inputs, importance_ratios={k: v for b in parts for k, v in b.importance_ratios.items()})
    return ImportResult(data=merged, issues=issues, mapping=[m for r in results for m in r.mapping], inputs=inputs,
                        rows_taken=sum(r.rows_taken for r in results))


def import_blueprint(path: str | Path, *, default_level: int | None = None,
                     options: ImportOptions | None = None) -> ImportResult[Blueprint]:
    """Import the blueprint at ``path`` (one sheet per level, or a level column, or a level in the file name),
    read as ``options`` say (see :class:`~qbaudit.analysis.inputs.ImportOptions`)."""
    if default_level is None:
        default_level = parse_level(Path(path).stem)
    table = load_table(path, "blueprint", options=options)
    if isinstance(table, str):
        return ImportResult.failure(table)
    tiers = _tiers(table.frame)
    columns = ["level", "part", "point_code", "point_name", "importance"]
    for tier in tiers:
        columns += [f"scope_code_{tier}", f"scope_name_{tier}", f"weight_{tier}"]
    frame = ensure_columns(table.frame, columns)
    frame = resolve_levels(table, frame, default_level)
    weight_columns = [t for t in tiers if frame.get_column(f"weight_{t}").is_not_null().any()]
    floating_weight = len(weight_columns) == 1 and len(tiers) > 1
    builder = _Builder(table, tiers, floating_weight)
    for row in frame.iter_rows(named=True):
        builder.add(row)
    blueprint = builder.build()
    rows_taken = frame.height - builder.rejected - builder.skipped
    table.rows_rejected += builder.rejected
    if not blueprint.points:
        return ImportResult(error=tr("import.nothing_taken", file=table.file, kind=table.spec.label,
                                     rows=table.rows_rejected),
                            issues=table.sorted_issues(), mapping=table.mapping, inputs=[table.input_file(0)])
    blueprint.sources = [table.input_file(rows_taken)]
    return ImportResult(data=blueprint, issues=table.sorted_issues(), mapping=table.mapping, inputs=blueprint.sources,
                        rows_taken=rows_taken)


class _Builder:
    def __init__(self, table: Table, tiers: list[int], floating_weight: bool) -> None:
        self.table = table
        self.tiers = tiers
        self.floating_weight = floating_weight
        self.carry: dict[int, tuple[str | None, str | None]] = {}
        self.context: tuple | None = None
        self.scopes: dict[tuple, _ScopeDraft] = {}
        self.point_rows: list[tuple[dict, tuple | None, str]] = []
        self.rejected = 0
        self.skipped = 0
        self.ratios: dict[int, tuple[int, int, int]] = {}
        self.changes: dict[tuple[str, str, str], list[tuple[str | None, int]]] = {}

    def changed(self, kind: str, raw: str | None, normalised: str | None, sheet: str | None, row: int) -> None:
        """Note that a cell was normalised (listed once per distinct change, with where it first was)."""
        if raw is not None and normalised is not None and raw != normalised:
            self.changes.setdefault((kind, raw, normalised), []).append((sheet, row))

    def report_changes(self) -> None:
        """List every distinct change made to codes, importance and ratios, with its first place and count."""
        for (kind, raw, normalised), places in self.changes.items():
            sheet, row = places[0]
            self.table.issue(Severity.INFO, tr(f"blueprint_quirks.changed_{kind}", raw=raw, normalised=normalised,
                                               count=len(places)), sheet, row)

    def add(self, row: dict) -> None:
        sheet, number = row[SHEET], row[ROW]
        names = [row[f"scope_name_{t}"] for t in self.tiers] + [row["point_name"]]
        ratio = parse_ratio(row["importance"]) if row["importance"] else None
        if ratio is not None:  # X:Y:Z point counts (Excel may have made a time of them): not an importance
            self.changed("ratio", row["importance"], ":".join(map(str, ratio)), sheet, number)
            row = {**row, "importance": None}
        if is_total_row(names) or is_total_row([row[f"scope_code_{t}"] for t in self.tiers] + [row["point_code"]]):
            self.table.issue(Severity.INFO, tr("import.total_row"), sheet, number)
            if ratio is not None:
                self.ratios[row["level"]] = ratio
            self.skipped += 1
            return
        if ratio is not None and (row["point_code"] is not None or row["point_name"] is not None):
            self.table.issue(Severity.WARNING, tr("blueprint_quirks.ratio_on_point"), sheet, number, "importance")
        part = "theory"
        if row["part"] is not None:
            parsed = parse_part(row["part"])
            if parsed is None:
                self.table.issue(Severity.WARNING, tr("import.part_unknown", value=row["part"]), sheet, number, "part")
            else:
                part = parsed
        context = (sheet, row["level"], part)
        if context != self.context:
            self.context, self.carry = context, {}
        given = {
            t: (row[f"scope_code_{t}"], row[f"scope_name_{t}"])
            for t in self.tiers
            if row[f"scope_code_{t}"] is not None or row[f"scope_name_{t}"] is not None
        }
        if given:
            top = min(given)
            self.carry = {t: v for t, v in self.carry.items() if t < top}
            self.carry.update(given)
        path_tiers = sorted(self.carry)
        has_point = row["point_code"] is not None or row["point_name"] is not None
        if not has_point and not given:
            # Nothing of its own but, say, an importance: neither a scope nor a point.
            self.table.issue(Severity.REJECTED, tr("import.blueprint_row_empty"), sheet, number)
            self.rejected += 1
            return
        key = None
        path: list[tuple[str, str | None]] = []
        ref = RowRef(self.table.file, sheet, number)
        for code, _ in given.values():
            if code:
                self.changed("scope_code", code, normalise_code(code), sheet, number)
        for tier in path_tiers:
            code, name = self.carry[tier]
            path.append((normalise_code(code) if code else "", name))
            key = (row["level"], part, tuple(path))
            if key not in self.scopes:
                self.scopes[key] = _ScopeDraft(row["level"], part, tier, path[-1][0], name, tuple(path), ref)
        self._weights(row, given, path_tiers, part, ref)
        if has_point:
            self.point_rows.append((row, key, part))

    def _weights(self, row: dict, given: dict, path_tiers: list[int], part: str, ref: RowRef) -> None:
        for tier in self.tiers:
            text = row[f"weight_{tier}"]
            if text is None:
                continue
            if self.floating_weight:
                target_tier = max(given) if given else (path_tiers[-1] if path_tiers else None)
            else:
                target_tier = tier
            if target_tier is None or target_tier not in path_tiers:
                self.table.issue(Severity.WARNING, tr("import.weight_without_scope"), ref.sheet, ref.row, f"weight_{tier}")
                continue
            value = parse_weight(text)
            if value is None:
                self.table.issue(Severity.WARNING, tr("import.weight_unreadable", value=text), ref.sheet, ref.row,
                                 f"weight_{tier}")
                continue
            depth = path_tiers.index(target_tier) + 1
            path = tuple((normalise_code(c) if c else "", n) for c, n in (self.carry[t] for t in path_tiers[:depth]))
            draft = self.scopes[(row["level"], part, path)]
            if draft.weight is not None and abs(draft.weight - value) > 1e-9:
                self.table.issue(
                    Severity.WARNING,
                    tr("import.weight_conflict", first=_fmt(draft.weight), row=draft.weight_row, value=_fmt(value)),
                    ref.sheet, ref.row, f"weight_{tier}",
                )
                continue
            draft.weight, draft.weight_row = value, ref.row

    def build(self) -> Blueprint:
        scopes: dict[tuple, Scope] = {}
        for key, draft in self.scopes.items():
            codes = [code for code, _ in draft.path]
            full = "-".join(codes) if all(codes) else ""
            parent_key = (draft.level, draft.part, draft.path[:-1])
            parent = scopes.get(parent_key)
            scopes[key] = Scope(
                level=draft.level,
                code=full,
                own_code=draft.own_code,
                name=draft.name,
                tier=len(draft.path),
                weight=draft.weight,
                parent=parent.code if parent else None,
                path_names=tuple(name or "" for _, name in draft.path),
                part=draft.part,
                source=draft.source,
            )
        points = [self._point(row, scopes.get(key) if key else None, part) for row, key, part in self.point_rows]
        self.report_changes()
        return Blueprint(scopes=list(scopes.values()), points=points, importance_ratios=dict(self.ratios))

    def _point(self, row: dict, scope: Scope | None, part: str) -> Point:
        own = normalise_code(row["point_code"]) if row["point_code"] else ""
        code = f"{scope.code}-{own}" if own and _OWN_CODE.match(own) and scope is not None and scope.code else own
        importance_raw = row["importance"]
        importance = parse_importance(importance_raw) if importance_raw else None
        source = (row[SHEET], row[ROW])
        self.changed("point_code", row["point_code"], own or None, *source)
        self.changed("importance", importance_raw, importance, *source)
        return Point(
            level=row["level"],
            code=code,
            key=code_key(code),
            own_code=own,
            name=row["point_name"],
            importance=Importance(importance) if importance else None,
            importance_raw=importance_raw,
            scope=scope,
            part=part,
            source=RowRef(self.table.file, row[SHEET], row[ROW]),
        )


def _fmt(value: float) -> str:
    return f"{value:g}"
