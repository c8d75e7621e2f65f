"""Find the header row of a sheet and map its cells to canonical fields through synonyms.

Synonyms are data (``resources/columns.toml``). The header may sit below title rows; the row in
the first :data:`SCAN_ROWS` rows that names the most fields wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import polars as pl

from qbaudit.analysis.importers.reading import ROW, RawSheet
from qbaudit.analysis.vocabulary import parse_level
from qbaudit.bundled import load_toml

SCAN_ROWS = 30
PARTIAL_MAX_CHARS = 16  # a header cell longer than this (brackets left out) names a field only word for word
_MARKERS = re.compile(r"[*＊※]|[(（](必填|选填|可选|必选|必须|选填项|必填项)[)）]")
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_TIER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_TIER_PATTERNS = (
    re.compile(r"第?([一二三四1-4])级"),
    re.compile(r"[(（]([一二三四1-4])[)）]"),
    re.compile(r"([1-4])$"),
)


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field of one kind of file, with its accepted header texts."""

    name: str
    label: str
    synonyms: tuple[str, ...]  # normalised, in order of preference
    required: bool = False
    tiered: bool = False


@dataclass(frozen=True)
class KindSpec:
    """The fields of one kind of input (bank, blueprint, standard)."""

    kind: str
    label: str
    fields: dict[str, FieldSpec]

    @property
    def required(self) -> list[FieldSpec]:
        """Fields without which a file is not of this kind."""
        return [f for f in self.fields.values() if f.required]


def normalise_header(text: str) -> str:
    """Header text as compared with synonyms: NFKC, no whitespace or required-markers, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = _MARKERS.sub("", text)
    return text.lower()


@cache
def kind_spec(kind: str) -> KindSpec:
    """The field specification of ``kind`` from ``resources/columns.toml``."""
    table = load_toml("columns.toml")[kind]
    fields = {
        name: FieldSpec(
            name=name,
            label=entry["label"],
            synonyms=tuple(normalise_header(s) for s in entry["synonyms"]),
            required=entry.get("required", False),
            tiered=entry.get("tiered", False),
        )
        for name, entry in table["fields"].items()
    }
    return KindSpec(kind=kind, label=table["label"], fields=fields)


@dataclass(frozen=True)
class HeaderHit:
    """What one header cell matched: a field, an explicit tier, and how good the match is."""

    field: str
    tier: int | None
    rank: int  # lower is better: synonym position, +100 for a partial match


def _split_tier(header: str) -> tuple[str, int | None]:
    for pattern in _TIER_PATTERNS:
        match = pattern.search(header)
        if match:
            base = re.sub(r"[(（][)）]", "", header[: match.start()] + header[match.end() :])
            return base, _TIER_WORDS[match.group(1)]
    return header, None


def match_header(text: str, spec: KindSpec) -> HeaderHit | None:
    """Which field of ``spec`` a header cell names, if any."""
    header = normalise_header(text)
    if not header:
        return None
    candidates: list[tuple[str, int | None]] = [(header, None)]
    base, tier = _split_tier(header)
    if tier is not None:
        candidates.append((base, tier))
    unbracketed = _BRACKETS.sub("", header)
    if unbracketed != header:
        candidates.append((unbracketed, None))
        base2, tier2 = _split_tier(unbracketed)
        if tier2 is not None:
            candidates.append((base2, tier2))
    # Exact matches first, in order of the candidates.
    for candidate, tier in candidates:
        for spec_field in spec.fields.values():
            if tier is not None and not spec_field.tiered:
                continue
            if candidate in spec_field.synonyms:
                return HeaderHit(spec_field.name, tier, spec_field.synonyms.index(candidate))
    # Then the longest synonym contained in the header ("试题题干" → 题干) — in a cell as short as a header is:
    # a sentence that happens to hold a field's word ("下列关于题型和答案的说法……") is a data cell.
    best: tuple[int, HeaderHit] | None = None
    for candidate, tier in candidates:
        if len(candidate) > PARTIAL_MAX_CHARS:
            continue
        for spec_field in spec.fields.values():
            if tier is not None and not spec_field.tiered:
                continue
            for index, synonym in enumerate(spec_field.synonyms):
                if len(synonym) >= 2 and synonym in candidate and (best is None or len(synonym) > best[0]):
                    best = (len(synonym), HeaderHit(spec_field.name, tier, 100 + index))
    return best[1] if best else None


@dataclass
class HeaderMatch:
    """The header row of a sheet and how its columns map onto fields."""

    row_index: int  # position in the sheet frame
    row_number: int  # the row number the user sees
    targets: dict[str, str]  # sheet column (c3) → target column (stem, scope_code_1 …)
    headers: dict[str, str]  # sheet column → header text as written
    level_columns: dict[str, int] = field(default_factory=dict)  # sheet column → level (wide tables)
    ignored: list[str] = field(default_factory=list)  # sheet columns with a header no field takes
    duplicates: list[str] = field(default_factory=list)  # sheet columns that repeat a taken field
    # Columns the header row leaves unnamed whose field a lower copy of the header names: column → that row
    borrowed: dict[str, int] = field(default_factory=dict)

    @property
    def fields(self) -> set[str]:
        """Fields (without tier suffix) found in the header."""
        return {target.rsplit("_", 1)[0] if target[-1].isdigit() else target for target in self.targets.values()}


def _assign_fields(hits: dict[str, HeaderHit], order: list[str],
                   spec: KindSpec) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """The field each header column takes (target → (rank, column)), and the columns that lost to a better
    header for the same field. Tiered fields: explicit tiers first, then the rest in column order take the next
    free tier."""
    duplicates: list[str] = []
    taken: dict[str, tuple[int, str]] = {}  # target → (rank, column)
    for column in order:
        hit = hits[column]
        spec_field = spec.fields[hit.field]
        if spec_field.tiered:
            continue
        if hit.field in taken:
            if hit.rank < taken[hit.field][0]:
                duplicates.append(taken[hit.field][1])
                taken[hit.field] = (hit.rank, column)
            else:
                duplicates.append(column)
        else:
            taken[hit.field] = (hit.rank, column)
    tiers_used: dict[str, set[int]] = {}
    for column in order:
        hit = hits[column]
        if spec.fields[hit.field].tiered and hit.tier is not None:
            target = f"{hit.field}_{hit.tier}"
            if target in taken:
                duplicates.append(column)
                continue
            taken[target] = (hit.rank, column)
            tiers_used.setdefault(hit.field, set()).add(hit.tier)
    for column in order:
        hit = hits[column]
        if spec.fields[hit.field].tiered and hit.tier is None:
            used = tiers_used.setdefault(hit.field, set())
            tier = next(t for t in range(1, 10) if t not in used)
            used.add(tier)
            taken[f"{hit.field}_{tier}"] = (hit.rank, column)
    return taken, duplicates


def _resolve(row: dict[str, str | None], spec: KindSpec, wide_levels: bool) -> HeaderMatch | None:
    hits: dict[str, HeaderHit] = {}
    level_columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for column, value in row.items():
        if column == ROW or value is None or not str(value).strip():
            continue
        headers[column] = str(value)
        hit = match_header(str(value), spec)
        if hit is not None:
            hits[column] = hit
        elif wide_levels:
            level = parse_level(str(value))
            if level is not None:
                level_columns[column] = level
    if not hits:
        return None
    order = list(hits)
    taken, duplicates = _assign_fields(hits, order, spec)
    targets = {column: target for target, (_, column) in taken.items()}
    targets = dict(sorted(targets.items(), key=lambda kv: order.index(kv[0])))
    ignored = [c for c in headers if c not in targets and c not in duplicates and c not in level_columns]
    return HeaderMatch(
        row_index=-1,
        row_number=int(row[ROW] or -1),
        targets=targets,
        headers=headers,
        level_columns=level_columns,
        ignored=ignored,
        duplicates=duplicates,
    )


def detect_header(sheet: RawSheet, spec: KindSpec, wide_levels: bool = False) -> HeaderMatch | None:
    """The header row among the first :data:`SCAN_ROWS` rows of ``sheet``, or None.

    The row naming the most distinct fields wins (level columns of a wide table count too);
    at least two are needed, so that a title such as “题库” is never taken for a header.
    """
    best: HeaderMatch | None = None
    best_score = 1
    head = sheet.frame.head(SCAN_ROWS)
    candidates: list[HeaderMatch] = []
    for index, row in enumerate(head.iter_rows(named=True)):
        match = _resolve(row, spec, wide_levels)
        if match is None:
            continue
        match.row_index = index
        score = len(match.fields) + (1 if match.level_columns else 0)
        if score >= 2:
            candidates.append(match)
        if score > best_score:
            best, best_score = match, score
    if best is None:
        return None
    # A header that leaves a column unnamed, with a full copy of it lower down (a block pasted under it): the
    # first row is the header — the rows between the two are data — and the copy names the unnamed column.
    rows = head.drop(ROW).rows()
    for earlier in candidates:
        if earlier.row_index >= best.row_index:
            break
        between = rows[earlier.row_index + 1 : best.row_index]
        data = any(any(v is not None and str(v).strip() for v in row) for row in between)
        if data and earlier.targets and all(best.targets.get(c) == t for c, t in earlier.targets.items()):
            return _borrow(earlier, best)
    return best


def _borrow(header: HeaderMatch, copy: HeaderMatch) -> HeaderMatch:
    """``header`` with the fields of the columns it leaves unnamed taken from ``copy`` (a lower copy of it)."""
    targets = dict(header.targets)
    headers = dict(header.headers)
    borrowed: dict[str, int] = {}
    for column, target in copy.targets.items():
        if column in targets or target in targets.values() or column in header.headers:
            continue
        targets[column] = target
        headers[column] = copy.headers[column]
        borrowed[column] = copy.row_number
    order = {column: index for index, column in enumerate(copy.headers)}
    targets = dict(sorted(targets.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    level_columns = {**{c: v for c, v in copy.level_columns.items() if c not in header.headers}, **header.level_columns}
    return HeaderMatch(row_index=header.row_index, row_number=header.row_number, targets=targets, headers=headers,
                       level_columns=level_columns, ignored=list(header.ignored), duplicates=list(header.duplicates),
                       borrowed=borrowed)


def header_preview(sheet: RawSheet, rows: int = 5) -> list[str]:
    """The first non-empty rows of a sheet as short text, to show what a file holds."""
    lines: list[str] = []
    for row in sheet.frame.head(SCAN_ROWS).drop(ROW).iter_rows():
        cells = [str(c) for c in row if c is not None and str(c).strip()]
        if cells:
            lines.append("、".join(cells)[:60])
        if len(lines) >= rows:
            break
    return lines


def selected_frame(sheet: RawSheet, match: HeaderMatch) -> pl.DataFrame:
    """The data rows below the header, with columns renamed to their targets."""
    wanted = [ROW, *match.targets, *match.level_columns]
    frame = sheet.frame.slice(match.row_index + 1).select(wanted)
    return frame.rename({**match.targets, **{c: f"__level_{lvl}_{c}" for c, lvl in match.level_columns.items()}})
