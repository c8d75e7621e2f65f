"""The part every importer shares: read the file, find the header of each sheet, map the columns,
clean the cells, and account for every row and sheet that is not taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from qbaudit.analysis.importers.headers import (
    HeaderMatch,
    KindSpec,
    _resolve,
    detect_header,
    header_preview,
    kind_spec,
    match_header,
    normalise_header,
    selected_frame,
)
from qbaudit.analysis.importers.outcome import ColumnMapping, RowIssue, Severity
from qbaudit.analysis.importers.reading import ROW, RawFile, RawSheet, ReadError, read_file
from qbaudit.analysis.model import Accounting, InputFile
from qbaudit.analysis.progress import tick
from qbaudit.analysis.vocabulary import parse_level
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions

SHEET = "__sheet"
SHEET_LEVEL = "__sheet_level"
KINDS = ("bank", "blueprint", "standard")
LEVEL_WEIGHT = "level_weight_"  # the field of a wide standard's weight column of one level: level_weight_4
MAX_TIERS = 4


@dataclass
class Table:
    """The mapped rows of all usable sheets of one file, before kind-specific building."""

    raw: RawFile
    spec: KindSpec
    frame: pl.DataFrame  # target columns + ROW + SHEET + SHEET_LEVEL (+ __level_* for wide tables)
    labels: dict[str | None, dict[str, str]]  # sheet → target → "难度（E列）"
    issues: list[RowIssue] = field(default_factory=list)
    mapping: list[ColumnMapping] = field(default_factory=list)
    sheets_used: list[str | None] = field(default_factory=list)
    rows_rejected: int = 0
    unit: str = "row"  # what ROW counts (see RowIssue.unit)
    field_labels: dict[str, str] = field(default_factory=dict)  # target → label, for files without columns
    accounting: Accounting | None = None  # parts read / taken / unread, for files without rows

    @property
    def file(self) -> str:
        """File name shown to the user."""
        return self.raw.name

    def label(self, sheet: str | None, target: str) -> str | None:
        """How the user names the column of ``target`` on ``sheet``."""
        return self.labels.get(sheet, {}).get(target) or self.field_labels.get(target)

    def issue(
        self, severity: Severity, reason: str, sheet: str | None = None, row: int | None = None, target: str | None = None
    ) -> None:
        """Record an issue about a row (and column) of this file."""
        column = self.label(sheet, target) if target else None
        self.issues.append(RowIssue(self.file, sheet, row, column, reason, severity, self.unit))

    def reject_rows(self, rows: pl.DataFrame, reason: str, target: str | None = None) -> None:
        """Record each row of ``rows`` (with ROW and SHEET columns) as not imported."""
        for sheet, row in rows.select(SHEET, ROW).iter_rows():
            self.issue(Severity.REJECTED, reason, sheet, row, target)
        self.rows_rejected += rows.height

    def warn_rows(self, rows: pl.DataFrame, reason: str, target: str | None = None) -> None:
        """Record each row of ``rows`` as imported with a problem."""
        for sheet, row in rows.select(SHEET, ROW).iter_rows():
            self.issue(Severity.WARNING, reason, sheet, row, target)

    def sorted_issues(self) -> list:
        """The issues in the order of the file: sheet by sheet, row by row."""
        order = {sheet.name: index for index, sheet in enumerate(self.raw.sheets)}
        if self.unit != "row":  # parts of a document or package: in the order they were met
            return sorted(self.issues, key=lambda i: i.row if i.row is not None else -1)
        return sorted(self.issues, key=lambda i: (order.get(i.sheet, -1), i.row if i.row is not None else -1))

    def input_file(self, rows_taken: int) -> InputFile:
        """The fingerprint record of this file."""
        return InputFile(
            name=self.file,
            kind=self.spec.kind,
            sha256=self.raw.sha256,
            size=self.raw.size,
            rows_taken=rows_taken,
            rows_rejected=self.rows_rejected,
            encoding=self.raw.encoding,
            sheets=tuple(s for s in self.sheets_used if s),
            accounting=self.accounting,
        )


def _column_label(sheet: RawSheet, column: str, field_label: str) -> str:
    index = int(column[1:])
    letter = sheet.column_labels[index] if index < len(sheet.column_labels) else str(index + 1)
    if sheet.name is None:  # CSV: columns by number
        return tr("import.column_csv", label=field_label, number=letter)
    return tr("import.column_excel", label=field_label, letter=letter)


def _field_label(spec: KindSpec, target: str) -> str:
    name, _, tier = target.rpartition("_")
    if tier.isdigit() and name in spec.fields:
        return tr("import.tier_label", label=spec.fields[name].label, tier=int(tier))
    return spec.fields[target].label if target in spec.fields else target


def _guess_other_kind(raw: RawFile, kind: str) -> str | None:
    best: tuple[int, str] | None = None
    for other in KINDS:
        if other == kind:
            continue
        other_spec = kind_spec(other)
        for sheet in raw.sheets:
            match = detect_header(sheet, other_spec, wide_levels=other == "standard")
            if match and all(f.name in match.fields for f in other_spec.required):
                score = len(match.fields)
                if best is None or score > best[0]:
                    best = (score, other_spec.label)
    return best[1] if best else None


def _missing_message(spec: KindSpec, file: str, sheet: str | None, missing: list[str]) -> str:
    described = "；".join(
        tr("import.field_with_synonyms", label=spec.fields[m].label, synonyms="、".join(spec.fields[m].synonyms[:5]))
        for m in missing
    )
    where = tr("import.where_sheet", sheet=sheet) if sheet else ""
    return tr("import.missing_columns", file=file, where=where, kind=spec.label, columns=described)


def fixed_header(sheet: RawSheet, spec: KindSpec, columns: list[str | None], header_row: int | None = None) -> HeaderMatch:
    """A header given by the user as the field of each column in order. The data start below the header row
    the sheet has all the same (the row numbered ``header_row``, else one found by :func:`present_header`),
    else at the first row."""
    from qbaudit.analysis.importers.headernames import present_header

    targets = {f"c{index}": name for index, name in enumerate(columns) if name and index < len(sheet.data_columns)}
    headers = {column: _field_label(spec, target) for column, target in targets.items()}
    numbers = sheet.frame.get_column(ROW).to_list()
    index: int | None
    if header_row is not None:
        index = numbers.index(header_row) if header_row in numbers else sum(1 for n in numbers if n < header_row) - 1
    else:
        index = present_header(sheet, spec)
    if index is None or index < 0:
        return HeaderMatch(row_index=-1, row_number=0, targets=targets, headers=headers)
    return HeaderMatch(row_index=index, row_number=header_row if header_row is not None else numbers[index],
                       targets=targets, headers=headers)


def sheet_key(sheet: RawSheet | str | None) -> str:
    """How :class:`~qbaudit.analysis.inputs.ImportOptions` names a sheet: its name, "" for a CSV file."""
    name = sheet.name if isinstance(sheet, RawSheet) else sheet
    return name or ""


def field_targets(spec: KindSpec, wide_levels: bool = False) -> list[str]:
    """Every field a column of ``spec``'s kind can be given: tiered fields once per tier
    (``scope_code_1`` …), and for a wide standard one weight column per level (``level_weight_4`` …)."""
    targets: list[str] = []
    for name, spec_field in spec.fields.items():
        if spec_field.tiered:
            targets += [f"{name}_{tier}" for tier in range(1, MAX_TIERS + 1)]
        else:
            targets.append(name)
    if wide_levels:
        targets += [f"{LEVEL_WEIGHT}{level}" for level in range(5, 0, -1)]
    return targets


def target_label(spec: KindSpec, target: str) -> str:
    """The Chinese label of a field target (``scope_code_2`` → 考评范围代码·第2层, ``level_weight_4`` → 四级比重)."""
    if target.startswith(LEVEL_WEIGHT):
        from qbaudit.analysis.vocabulary import level_name

        return tr("wizard.level_weight", level=level_name(int(target[len(LEVEL_WEIGHT):])))
    return _field_label(spec, target)


def header_at(sheet: RawSheet, spec: KindSpec, row_number: int, wide_levels: bool = False) -> HeaderMatch:
    """The header of ``sheet`` taken from the row the user numbered ``row_number``, mapped through the synonyms
    (a row naming no field gives a match without targets: the user maps its columns)."""
    numbers = sheet.frame.get_column(ROW).to_list()
    if row_number in numbers:
        index = numbers.index(row_number)
        row = sheet.frame.row(index, named=True)
        match = _resolve(row, spec, wide_levels)
        if match is None:
            headers = {c: str(v) for c, v in row.items() if c != ROW and v is not None and str(v).strip()}
            match = HeaderMatch(row_index=index, row_number=row_number, targets={}, headers=headers,
                                ignored=list(headers))
    else:  # below the last row: nothing to read under it
        match = HeaderMatch(row_index=sheet.frame.height, row_number=row_number, targets={}, headers={})
        index = sheet.frame.height
    match.row_index = index
    match.row_number = row_number
    return match


def _next_tier(match: HeaderMatch, name: str) -> str:
    used = set(match.targets.values())
    tier = next((t for t in range(1, 10) if f"{name}_{t}" not in used), 1)
    return f"{name}_{tier}"


def apply_fields(sheet: RawSheet, spec: KindSpec, match: HeaderMatch, overrides: dict[str, str | None],
                 wide_levels: bool = False) -> HeaderMatch:
    """Give the columns named in ``overrides`` (by their letter or number as shown) the field chosen by the user
    (None: the column is not imported). A column that had the field before loses it."""
    index_of = {label: index for index, label in enumerate(sheet.column_labels)}
    valid = set(field_targets(spec, wide_levels))
    chosen: dict[str, str | None] = {}
    for label, target in overrides.items():
        index = index_of.get(str(label))
        if index is None or index >= len(sheet.data_columns):
            continue
        column = f"c{index}"
        if target is not None and target not in valid:
            target = _next_tier(match, target) if target in spec.fields and spec.fields[target].tiered else None
        chosen[column] = target
        match.targets.pop(column, None)
        match.level_columns.pop(column, None)
        match.duplicates = [c for c in match.duplicates if c != column]
        match.ignored = [c for c in match.ignored if c != column]
    for column, target in chosen.items():
        if target is None:
            if column in match.headers:
                match.ignored.append(column)
            continue
        if target.startswith(LEVEL_WEIGHT):
            match.level_columns[column] = int(target[len(LEVEL_WEIGHT):])
        else:
            for other, taken in list(match.targets.items()):
                if taken == target:  # the field moves to the column the user chose
                    del match.targets[other]
                    match.ignored.append(other)
            match.targets[column] = target
        match.headers.setdefault(column, target_label(spec, target))
    order = {f"c{index}": index for index in range(len(sheet.data_columns))}
    match.targets = dict(sorted(match.targets.items(), key=lambda kv: order.get(kv[0], 0)))
    return match


def forced_header_row(options: ImportOptions | None, key: str) -> int | None:
    """The header row the user chose for the sheet ``key`` (or for every sheet), if any."""
    if options is None:
        return None
    forced = options.header_rows.get(key)
    return forced if forced is not None else options.header_rows.get("*")


def sheet_header(sheet: RawSheet, spec: KindSpec, wide_levels: bool = False,
                 options: ImportOptions | None = None) -> HeaderMatch | None:
    """The header of ``sheet``: detected, or at the row the user chose, with the user's column fields applied."""
    key = sheet_key(sheet)
    forced = forced_header_row(options, key)
    overrides = options.fields.get(key) if options is not None else None
    if forced is not None:
        match: HeaderMatch | None = header_at(sheet, spec, int(forced), wide_levels)
    else:
        match = detect_header(sheet, spec, wide_levels=wide_levels)
    if match is not None and options is not None and options.header_names:
        from qbaudit.analysis.importers.headernames import named_overrides

        overrides = {**named_overrides(sheet, match, options.header_names), **(overrides or {})}
    if overrides:
        if match is None:  # no header found: the user's fields name the columns, data from the first row
            match = HeaderMatch(row_index=-1, row_number=0, targets={}, headers={})
        apply_fields(sheet, spec, match, overrides, wide_levels)
    return match


def _sheet_match(file: str, sheet: RawSheet, spec: KindSpec, columns: list[str | None] | None, wide_levels: bool,
                 options: ImportOptions | None, issues: list[RowIssue]) -> HeaderMatch | None:
    """The header of one sheet: the columns given for a headerless file, else the header row found or chosen."""
    match: HeaderMatch | None
    if columns is not None:
        match = fixed_header(sheet, spec, columns, forced_header_row(options, sheet_key(sheet)))
        if match.row_number > 0:
            above = _content_rows(sheet) - _content_rows(sheet, start=match.row_index)
            key = "headernames.header_skipped_above" if above else "headernames.header_skipped"
            issues.append(RowIssue(file, sheet.name, match.row_number, None, tr(key, above=above),
                                   Severity.INFO))
    else:
        match = sheet_header(sheet, spec, wide_levels, options)
    return match


def _sheet_labels(file: str, sheet: RawSheet, match: HeaderMatch, spec: KindSpec, issues: list[RowIssue],
                  mapping: list[ColumnMapping]) -> dict[str, str]:
    """The label each taken column of a sheet shows (its letter and header); the columns' mapping is added to
    ``mapping`` and headers borrowed from a copy or repeated are reported."""
    sheet_labels = {target: _column_label(sheet, col, _field_label(spec, target)) for col, target in match.targets.items()}
    for column, copy_row in match.borrowed.items():
        issues.append(RowIssue(file, sheet.name, match.row_number, _column_label(sheet, column, match.headers[column]),
                               tr("guard.header_borrowed", header_row=match.row_number, copy=copy_row,
                                  label=_field_label(spec, match.targets[column])), Severity.INFO))
    sheet_labels.update(
        {f"__level_{level}_{col}": _column_label(sheet, col, match.headers[col]) for col, level in match.level_columns.items()}
    )
    for column, header in match.headers.items():
        target = match.targets.get(column)
        mapping.append(
            ColumnMapping(file, sheet.name, _column_label(sheet, column, "").strip("（）() "), header,
                          target, _field_label(spec, target) if target else None,
                          match.row_number if match.row_number > 0 else None)
        )
    for column in match.duplicates:
        issues.append(RowIssue(file, sheet.name, match.row_number, _column_label(sheet, column, match.headers[column]),
                               tr("import.duplicate_header"), Severity.INFO))
    return sheet_labels


def _sheet_frame(file: str, sheet: RawSheet, match: HeaderMatch, spec: KindSpec, sheet_labels: dict[str, str],
                 issues: list[RowIssue]) -> tuple[pl.DataFrame, int]:
    """The taken columns of a sheet as a frame (with its sheet and the sheet's level), and how many rows were
    rejected (rows holding only unmapped cells, repeated headers); cell errors and long cells are reported."""
    rejected = 0
    frame = selected_frame(sheet, match)
    frame = _clean(frame)
    frame = frame.with_columns(
        pl.lit(sheet.name, dtype=pl.String).alias(SHEET),
        pl.lit(parse_level(sheet.name) if sheet.name else None, dtype=pl.Int64).alias(SHEET_LEVEL),
    )
    for row, filled in _unmapped_rows(sheet, match, frame):
        issues.append(RowIssue(file, sheet.name, row, None,
                               tr("import.row_unmapped_only", columns="、".join(filled), kind=spec.label),
                               Severity.REJECTED))
        rejected += 1
    frame, repeated = _drop_repeated_headers(frame, match, spec)
    for row in repeated:
        issues.append(RowIssue(file, sheet.name, row, None, tr("import.repeated_header"), Severity.REJECTED))
    rejected += len(repeated)
    _report_cell_errors(file, sheet, match, sheet_labels, issues)
    _report_long_cells(file, sheet, match, issues)
    return frame, rejected


def _nothing_taken(raw: RawFile, kind: str, spec: KindSpec, chosen: set[str] | None,
                   missing_by_sheet: list[tuple[str | None, list[str]]]) -> str:
    """Why no sheet of ``raw`` gave a table of ``kind``: none chosen, a required column missing, or no header
    found (with what the file looks like instead, where it looks like another kind)."""
    if chosen is not None and not missing_by_sheet and not any(s.name in chosen for s in raw.sheets):
        return tr("wizard.no_sheet_chosen", file=raw.name, kind=spec.label)
    if missing_by_sheet:
        sheet_name, missing = missing_by_sheet[0]
        message = _missing_message(spec, raw.name, sheet_name if len(raw.sheets) > 1 else None, missing)
    else:
        previews = [line for s in raw.sheets for line in header_preview(s, 2)][:2]
        message = tr(
            "import.no_header",
            file=raw.name,
            kind=spec.label,
            columns="、".join(f.label for f in spec.required),
            preview="；".join(previews) if previews else tr("import.nothing"),
        )
    other = _guess_other_kind(raw, kind)
    if other:
        message += tr("import.looks_like", other=other)
    return message


def load_table(path: str | Path, kind: str, *, wide_levels: bool = False, columns: list[str | None] | None = None,
               raw: RawFile | None = None, options: ImportOptions | None = None,
               content: bytes | None = None) -> Table | str:
    """Read ``path`` as a file of ``kind``; return the mapped table or a Chinese error message.

    ``columns`` gives the field of each column of a file without a header row (see :func:`fixed_header`);
    ``raw`` is the file when the caller has read it already; ``options`` are the user's choices in the import
    wizard (which sheets, which header row, which field each column holds).
    """
    spec = kind_spec(kind)
    names = options.header_names if options is not None else {}
    if names:
        from qbaudit.analysis.importers.headernames import named_spec

        spec = named_spec(spec, names)
    if raw is None:
        try:
            raw = read_file(path, content)
        except ReadError as exc:
            return str(exc)
    issues: list[RowIssue] = []
    if raw.encoding_guessed:
        issues.append(RowIssue(raw.name, None, None, None, tr("read.encoding_guessed", encoding=raw.encoding),
                               Severity.INFO))
    frames: list[pl.DataFrame] = []
    labels: dict[str | None, dict[str, str]] = {}
    mapping: list[ColumnMapping] = []
    used: list[str | None] = []
    missing_by_sheet: list[tuple[str | None, list[str]]] = []
    rows_rejected = 0
    chosen = set(options.sheets) if options is not None and options.sheets is not None else None
    for sheet in raw.sheets:
        tick()
        content_rows = _content_rows(sheet)
        if content_rows == 0:
            continue
        if chosen is not None and sheet.name is not None and sheet.name not in chosen:
            issues.append(RowIssue(raw.name, sheet.name, None, None, tr("wizard.sheet_skipped", rows=content_rows),
                                   Severity.INFO))
            continue
        match = _sheet_match(raw.name, sheet, spec, columns, wide_levels, options, issues)
        if match is None:
            issues.append(
                RowIssue(raw.name, sheet.name, None, None,
                         tr("import.sheet_no_header", kind=spec.label, rows=content_rows), Severity.WARNING)
            )
            continue
        missing = [f.name for f in spec.required if f.name not in match.fields]
        if spec.kind == "standard" and "weight" in missing and match.level_columns:
            missing.remove("weight")
        if missing:
            missing_by_sheet.append((sheet.name, missing))
            data_rows = _content_rows(sheet, start=match.row_index + 1)
            rows_rejected += data_rows
            issues.append(
                RowIssue(raw.name, sheet.name, match.row_number, None,
                         _missing_message(spec, raw.name, sheet.name, missing)
                         + tr("import.sheet_rows_not_taken", rows=data_rows), Severity.REJECTED)
            )
            continue
        rows_rejected += _report_above_header(raw.name, sheet, match, spec, issues)
        sheet_labels = _sheet_labels(raw.name, sheet, match, spec, issues, mapping)
        labels[sheet.name] = sheet_labels
        frame, rejected = _sheet_frame(raw.name, sheet, match, spec, sheet_labels, issues)
        rows_rejected += rejected
        frames.append(frame)
        used.append(sheet.name)
    if names and columns is None:
        from qbaudit.analysis.importers.headernames import unused_names

        seen = {normalise_header(m.header) for m in mapping}
        for header in unused_names(names, seen):
            issues.append(RowIssue(raw.name, None, None, None, tr("headernames.not_found", header=header),
                                   Severity.INFO))
    if not frames:
        return _nothing_taken(raw, kind, spec, chosen, missing_by_sheet)
    combined = pl.concat(frames, how="diagonal_relaxed")
    return Table(raw=raw, spec=spec, frame=combined, labels=labels, issues=issues, mapping=mapping,
                 sheets_used=used, rows_rejected=rows_rejected)


def _content_rows(sheet: RawSheet, start: int = 0) -> int:
    cells = sheet.data_columns
    if not cells or sheet.frame.height <= start:
        return 0
    frame = sheet.frame.slice(start)
    return frame.select(pl.any_horizontal([pl.col(c).str.strip_chars().str.len_chars() > 0 for c in cells]).sum()).item()


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip whitespace around every cell, turn empty cells into nulls, drop empty rows."""
    cells = [c for c in frame.columns if c != ROW]
    frame = frame.with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in cells]
    )
    return frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in cells]))


def _repeats_header(cell: str, header: str, target: str, spec: KindSpec) -> bool:
    """True when ``cell`` says what the header of its column says: the same words, or an exact synonym of its field."""
    words = normalise_header(cell)
    if words == normalise_header(header):
        return True
    hit = match_header(cell, spec)
    base = target.rsplit("_", 1)[0] if target[-1].isdigit() and target.rsplit("_", 1)[0] in spec.fields else target
    return hit is not None and hit.rank < 100 and hit.field == base


def _drop_repeated_headers(frame: pl.DataFrame, match: HeaderMatch, spec: KindSpec) -> tuple[pl.DataFrame, list[int]]:
    """Rows that repeat the header (pasted blocks, one per page) are not data.

    A row repeats the header only when every cell it has in the mapped columns repeats the header's words of
    its column (at least two such cells), and, where a stem column is mapped, its stem cell is one of them:
    a row whose stem is not the stem header is an item, even when its options are literally A/B/C/D.
    """
    if len(match.targets) < 2:
        return frame, []
    same = [(pl.col(target) == match.headers[column].strip()).fill_null(False).cast(pl.Int32)
            for column, target in match.targets.items()]
    candidates = frame.filter(pl.sum_horizontal(same) >= 2)
    repeated: list[int] = []
    for row in candidates.iter_rows(named=True):
        cells = {target: row[target] for target in match.targets.values() if row[target] is not None}
        if "stem" in match.targets.values() and "stem" not in cells:
            continue
        headers = {target: match.headers[column] for column, target in match.targets.items()}
        if all(_repeats_header(str(value), headers[target], target, spec) for target, value in cells.items()):
            repeated.append(row[ROW])
    if not repeated:
        return frame, []
    return frame.filter(~pl.col(ROW).is_in(repeated)), repeated


def _unmapped_rows(sheet: RawSheet, match: HeaderMatch, kept: pl.DataFrame) -> list[tuple[int, list[str]]]:
    """Rows below the header with content only in columns no field takes (they vanish when the mapped
    columns are selected): each row with the labels of its filled columns."""
    below = sheet.frame.slice(match.row_index + 1)
    cells = sheet.data_columns
    if below.height == 0 or not cells:
        return []
    filled = below.filter(pl.any_horizontal([pl.col(c).str.strip_chars().str.len_chars() > 0 for c in cells]))
    lost = filled.filter(~pl.col(ROW).is_in(kept.get_column(ROW).to_list()))
    found = []
    for row in lost.iter_rows(named=True):
        labels = [_column_label(sheet, c, match.headers.get(c, "")) for c in cells
                  if row[c] is not None and str(row[c]).strip()]
        found.append((row[ROW], labels))
    return found


def _report_above_header(file: str, sheet: RawSheet, match: HeaderMatch, spec: KindSpec,
                         issues: list[RowIssue]) -> int:
    """Every row with content above the header row is named: a title, a note or an upper header row (one or two
    filled cells, or most of its cells naming fields) as a note; a row that looks like data (three or more filled
    cells, few naming a field) as not imported. Returns the rows not imported."""
    if match.row_index <= 0:
        return 0
    above = sheet.frame.slice(0, match.row_index)
    cells = sheet.data_columns
    filled = pl.sum_horizontal([(pl.col(c).str.strip_chars().str.len_chars() > 0).fill_null(False).cast(pl.Int32)
                                for c in cells])
    rejected = 0
    for row, count, values in zip(above.get_column(ROW).to_list(), above.select(filled).to_series().to_list(),
                                  above.select(cells).rows(), strict=True):
        if not count:
            continue
        named = sum(match_header(str(v), spec) is not None for v in values if v is not None and str(v).strip())
        header_like = named >= 2 and named * 2 >= count  # most of its cells name fields (an upper header row)
        if count >= 3 and not header_like:
            issues.append(RowIssue(file, sheet.name, row, None,
                                   tr("guard.above_header_data", header=match.row_number), Severity.REJECTED))
            rejected += 1
        else:
            issues.append(RowIssue(file, sheet.name, row, None,
                                   tr("guard.above_header", header=match.row_number), Severity.INFO))
    return rejected


def _report_long_cells(file: str, sheet: RawSheet, match: HeaderMatch, issues: list[RowIssue]) -> None:
    """A warning for each cell the reader cut to the tool's cell length limit (below the header)."""
    from qbaudit.analysis.importers.guard import FileLimits

    limit = FileLimits.bundled().max_cell_chars
    for row, column_index, length in sheet.long_cells:
        if row <= match.row_number:
            continue
        column = f"c{column_index}"
        label = _column_label(sheet, column, match.headers.get(column, "")).strip("（）() ") or None
        issues.append(RowIssue(file, sheet.name, row, label, tr("guard.cell_too_long", length=length, limit=limit),
                               Severity.WARNING))


def _report_cell_errors(
    file: str, sheet: RawSheet, match: HeaderMatch, labels: dict[str, str], issues: list[RowIssue]
) -> None:
    for row, column_index, _detail in sheet.cell_errors:
        column = f"c{column_index}"
        if row <= match.row_number or column not in match.targets:
            continue
        issues.append(
            RowIssue(file, sheet.name, row, labels[match.targets[column]], tr("import.cell_error"), Severity.WARNING)
        )
