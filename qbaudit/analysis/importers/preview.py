"""What the import wizard shows before anything is imported: the sheets of a file, their first rows, the
header row the importer would take and the field it would give each column — and, for a document or an
exchange format, just its format (it has no columns to map).

No Qt here: the wizard's table models read these plain objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbaudit.analysis.importers.headers import KindSpec, kind_spec
from qbaudit.analysis.importers.reading import ROW, RawSheet, ReadError, read_bytes, read_file
from qbaudit.analysis.importers.table import (
    _content_rows,
    field_targets,
    header_at,
    sheet_header,
    sheet_key,
    target_label,
)
from qbaudit.i18n import tr

PREVIEW_ROWS = 20
MAPPABLE = frozenset({"bank", "blueprint", "standard"})  # kinds whose importer takes the user's column fields
WIDE_LEVELS = frozenset({"standard"})  # kinds read with one weight column per level
_SPEC_KIND = {"bank": "bank", "blueprint": "blueprint", "standard": "standard", "papers": "papers", "plan": "plan",
              "responses": "responses"}


@dataclass(frozen=True)
class FieldChoice:
    """A field a column may be given: its target name, Chinese label, and whether the kind requires it."""

    name: str
    label: str
    required: bool


@dataclass
class SheetPreview:
    """The first rows of one sheet (or a CSV file) and how the importer reads its columns."""

    name: str | None  # None for a CSV file
    key: str  # the sheet's name in ImportOptions ("" for a CSV file)
    column_labels: list[str]  # A, B … (Excel) or 1, 2 … (CSV)
    rows: list[list[str]]  # the first rows, every cell as text ("" when empty)
    row_numbers: list[int]  # the row number the user sees, for each of ``rows``
    header_row: int | None  # the detected header row, as the user numbers it
    detected: dict[str, str | None]  # column label → field target (None: not imported)
    content_rows: int
    hidden: bool = False
    _raw: RawSheet | None = field(default=None, repr=False, compare=False)
    _spec: KindSpec | None = field(default=None, repr=False, compare=False)
    _wide: bool = field(default=False, repr=False, compare=False)

    @property
    def title(self) -> str:
        """The sheet's name as shown (a CSV file has one unnamed table)."""
        return self.name if self.name is not None else tr("wizard.csv_table")

    def fields_at(self, row_number: int) -> dict[str, str | None]:
        """The field of each column when the header is the row numbered ``row_number``."""
        if self._raw is None or self._spec is None:
            return {label: None for label in self.column_labels}
        match = header_at(self._raw, self._spec, row_number, self._wide)
        return _fields_of(self._raw, match.targets, match.level_columns)

    def header_texts(self, row_number: int | None) -> dict[str, str]:
        """Column label → the text of its cell in the row numbered ``row_number`` (the header), where not empty."""
        cells = self._row_values(row_number)
        return {label: str(value).strip() for label, value in zip(self.column_labels, cells, strict=False)
                if value is not None and str(value).strip()}

    def row_cells(self, row_number: int | None) -> list[str]:
        """The cells of the row numbered ``row_number`` as read, each as text ("" when empty); none when the
        sheet has no such row (a report of rows not taken shows them)."""
        return ["" if value is None else str(value) for value in self._row_values(row_number)]

    def _row_values(self, row_number: int | None) -> list[Any]:
        if self._raw is None or row_number is None:
            return []
        frame = self._raw.frame
        numbers = frame.get_column(ROW).to_list()
        if row_number not in numbers:
            return []
        row = frame.row(numbers.index(row_number), named=True)
        return [row[c] for c in self._raw.data_columns]

    def rows_from(self, row_number: int, count: int = PREVIEW_ROWS) -> tuple[list[int], list[list[str]]]:
        """Rows of the sheet from ``row_number`` on (to show a header chosen below the first rows)."""
        if self._raw is None:
            return [], []
        frame = self._raw.frame
        numbers = frame.get_column(ROW).to_list()
        start = next((i for i, n in enumerate(numbers) if n >= row_number), len(numbers))
        part = frame.slice(start, count)
        return part.get_column(ROW).to_list(), [_texts(row) for row in part.drop(ROW).iter_rows()]


@dataclass
class FilePreview:
    """One input file as the wizard shows it."""

    path: Path
    kind: str
    format: str  # "sheet", "docx", "moodle", "qti", "qti_package", "gift", "aiken"
    format_label: str
    sheets: list[SheetPreview]
    fields: list[FieldChoice]

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name

    @property
    def has_columns(self) -> bool:
        """True for a spreadsheet or CSV file (its columns can be shown)."""
        return self.format == "sheet"

    @property
    def needs_mapping(self) -> bool:
        """True when the user may choose sheets, header row and column fields for this file."""
        return self.has_columns and self.kind in MAPPABLE

    @property
    def note(self) -> str:
        """One sentence on how the file will be read."""
        if not self.has_columns:
            return tr("wizard.no_mapping", format=self.format_label)
        if not self.needs_mapping:
            return tr("wizard.auto_mapping")
        return tr("wizard.mapping_hint")

    def sheet(self, key: str) -> SheetPreview | None:
        """The sheet named ``key`` ("" for a CSV file)."""
        return next((s for s in self.sheets if s.key == key), None)

    def label(self, target: str | None) -> str:
        """The label of a field target (“不导入” for None)."""
        if target is None:
            return tr("wizard.skip_column")
        return next((f.label for f in self.fields if f.name == target), target)

    def missing(self, mapping: dict[str, str | None]) -> list[FieldChoice]:
        """The required fields no column of ``mapping`` (column label → target) holds."""
        given = {t for t in mapping.values() if t}
        bases = {t.rsplit("_", 1)[0] if t[-1].isdigit() else t for t in given}
        out = []
        for choice in self.fields:
            if not choice.required:
                continue
            base = choice.name.rsplit("_", 1)[0] if choice.name[-1].isdigit() else choice.name
            if base in bases:
                continue
            if self.kind == "standard" and base == "weight" and any(t.startswith("level_weight_") for t in given):
                continue
            out.append(choice)
        return out


def _texts(row: tuple) -> list[str]:
    return ["" if cell is None else str(cell) for cell in row]


def _fields_of(sheet: RawSheet, targets: dict[str, str], level_columns: dict[str, int]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for index, label in enumerate(sheet.column_labels[: len(sheet.data_columns)]):
        column = f"c{index}"
        if column in targets:
            out[label] = targets[column]
        elif column in level_columns:
            out[label] = f"level_weight_{level_columns[column]}"
        else:
            out[label] = None
    return out


def field_choices(kind: str) -> list[FieldChoice]:
    """The fields a column of ``kind`` may hold, with their labels; required ones marked (a tiered field's
    first tier stands for it)."""
    spec = kind_spec(_SPEC_KIND[kind])
    choices = []
    for target in field_targets(spec, kind in WIDE_LEVELS):
        base, _, tier = target.rpartition("_")
        spec_field = spec.fields.get(target) or (spec.fields.get(base) if tier.isdigit() else None)
        required = bool(spec_field and spec_field.required and (not spec_field.tiered or tier == "1"))
        choices.append(FieldChoice(target, target_label(spec, target), required))
    return choices


def _sheet_preview(sheet: RawSheet, spec: KindSpec, wide: bool) -> SheetPreview:
    match = sheet_header(sheet, spec, wide)
    header = match.row_number if match is not None and match.row_number > 0 else None
    detected: dict[str, str | None] = (_fields_of(sheet, match.targets, match.level_columns) if match is not None
                else {label: None for label in sheet.column_labels[: len(sheet.data_columns)]})
    count = max(PREVIEW_ROWS, (header or 0) + 10)
    part = sheet.frame.head(count)
    return SheetPreview(
        name=sheet.name,
        key=sheet_key(sheet),
        column_labels=list(sheet.column_labels[: len(sheet.data_columns)]),
        rows=[_texts(row) for row in part.drop(ROW).iter_rows()],
        row_numbers=part.get_column(ROW).to_list(),
        header_row=header,
        detected=detected,
        content_rows=_content_rows(sheet),
        hidden=sheet.hidden,
        _raw=sheet,
        _spec=spec,
        _wide=wide,
    )


def _format(path: Path, kind: str) -> str:
    """The format of an input file: a spreadsheet, or for a bank or papers a document or exchange format."""
    if kind not in ("bank", "papers"):
        return "sheet"
    from qbaudit.analysis.importers.formats import detect_format

    path, content = read_bytes(path)
    found = detect_format(path, content)
    if kind == "papers" and found != "docx":
        return "sheet"
    return found


def preview_file(path: str | Path, kind: str) -> FilePreview | str:
    """What the wizard shows of ``path`` read as a ``kind`` input, or a Chinese message when it cannot be read
    (a failure no reader foresaw too, through the door's last resort)."""
    from qbaudit.analysis.importers.guard import guarded

    return guarded(Path(path).name, lambda: _preview(Path(path), kind))


def _preview(path: Path, kind: str) -> FilePreview | str:
    try:
        found = _format(path, kind)
        if found in ("doc", "xml"):
            key = "formats.old_word" if found == "doc" else "formats.xml_unknown"
            return tr(key, file=path.name)
        choices = field_choices(kind)
        if found != "sheet":
            label = tr("wizard.format_word_paper") if kind == "papers" else tr(f"formats.name_{found}")
            return FilePreview(path, kind, found, label, [], choices)
        raw = read_file(path)
    except ReadError as exc:
        return str(exc)
    spec = kind_spec(_SPEC_KIND[kind])
    wide = kind in WIDE_LEVELS
    sheets = [_sheet_preview(sheet, spec, wide) for sheet in raw.sheets if sheet.data_columns]
    label = tr("wizard.format_csv") if raw.sheets and raw.sheets[0].name is None else tr("wizard.format_excel")
    return FilePreview(path, kind, "sheet", label, sheets, choices)
