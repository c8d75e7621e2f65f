"""Records of canonical fields, as the formats without columns produce them (Word, Moodle XML, GIFT,
Aiken, QTI), turned into the same :class:`~qbaudit.analysis.importers.table.Table` a spreadsheet
gives, so that one builder normalises and validates every bank whatever its format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qbaudit.analysis.importers.headers import kind_spec
from qbaudit.analysis.importers.outcome import RowIssue, Severity
from qbaudit.analysis.importers.reading import ROW, RawFile, fingerprint
from qbaudit.analysis.importers.table import SHEET, SHEET_LEVEL, Table
from qbaudit.analysis.model import Accounting
from qbaudit.analysis.vocabulary import parse_level
from qbaudit.errors import QbauditError


class FormatError(QbauditError, ValueError):
    """A document or exchange file that cannot be read at all; the message is for the user (UI language)."""


@dataclass
class Record:
    """One item as read from a document: canonical field → text, and where it was found.

    ``row`` counts what the format counts (paragraph, line, question; see ``RowIssue.unit``);
    ``part`` is the category, section or package member it came from (shown like a sheet).
    """

    row: int
    fields: dict[str, str | None]
    part: str | None = None


@dataclass
class Parsed:
    """What a format parser read from one file: records, and every part it could not take."""

    unit: str
    records: list[Record] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    rows_rejected: int = 0
    encoding: str | None = None
    file: str = ""
    accounting: Accounting | None = None  # parts read / taken / unread (Word paragraphs, JSON objects)

    def note(self, severity: Severity, reason: str, row: int | None = None, part: str | None = None,
             column: str | None = None) -> None:
        """Record an issue about a part of the file; a rejected part counts as a row not taken."""
        self.issues.append(RowIssue(self.file, part, row, column, reason, severity, self.unit))
        if severity is Severity.REJECTED:
            self.rows_rejected += 1


def records_table(path: str | Path, content: bytes, parsed: Parsed, kind: str = "bank") -> Table:
    """The table of ``parsed``'s records, ready for the builder of ``kind``."""
    spec = kind_spec(kind)
    names = sorted({name for record in parsed.records for name in record.fields})
    columns: dict[str, list] = {name: [] for name in names}
    rows: list[int] = []
    parts: list[str | None] = []
    for record in parsed.records:
        for name in names:
            value = record.fields.get(name)
            value = value.strip() if isinstance(value, str) else value
            columns[name].append(value or None)
        rows.append(record.row)
        parts.append(record.part)
    frame = pl.DataFrame(
        {ROW: rows, **columns, SHEET: parts},
        schema={ROW: pl.Int64, **{name: pl.String for name in names}, SHEET: pl.String},
    )
    frame = frame.with_columns(
        pl.col(SHEET).map_elements(parse_level, return_dtype=pl.Int64).alias(SHEET_LEVEL)
    )
    raw = RawFile(path=Path(path), sha256=fingerprint(content), size=len(content), sheets=[], encoding=parsed.encoding)
    labels = {name: entry.label for name, entry in spec.fields.items()}
    return Table(raw=raw, spec=spec, frame=frame, labels={}, issues=list(parsed.issues), mapping=[],
                 sheets_used=[*sorted({p for p in parts if p})], rows_rejected=parsed.rows_rejected,
                 unit=parsed.unit, field_labels=labels, accounting=parsed.accounting)

