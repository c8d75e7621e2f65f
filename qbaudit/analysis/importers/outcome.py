"""What an import returns: the data it took, every row it could not take, and why.

Expected failures are results, not exceptions: a file that is not a bank gives an
:class:`ImportResult` with ``error`` set to one Chinese sentence saying what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from qbaudit.analysis.excerpts import clip_quoted
from qbaudit.analysis.model import Accounting, InputFile
from qbaudit.i18n import tr

T = TypeVar("T")


class Severity(StrEnum):
    """How much a row issue matters."""

    REJECTED = "rejected"  # the row was not imported
    WARNING = "warning"  # the row was imported, but something in it is wrong or was guessed
    INFO = "info"  # something the user should know (a skipped sheet, cells normalised …)


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One problem with one row (or sheet, or column) of an input file."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None  # e.g. "难度（E列）"
    reason: str
    severity: Severity
    # What ``row`` counts: "row" (spreadsheet row, CSV line), "paragraph" (Word), "line" (text formats),
    # "question" (the n-th question of an XML file or package).
    unit: str = "row"

    def __post_init__(self) -> None:
        # A reason quotes cells as written (「…」); when a file's columns are shifted such a cell may
        # hold a whole item, which must not leave the item's view: quoted values become excerpts.
        object.__setattr__(self, "reason", clip_quoted(self.reason))

    def location(self) -> str:
        """Where the issue is, in the user's words: file, sheet, row and column."""
        parts = [f"「{self.file}」"]
        if self.sheet:
            parts.append(tr("import.where_sheet", sheet=self.sheet) if self.unit == "row"
                         else tr("formats.where_part", part=self.sheet))
        if self.row is not None:
            parts.append(tr("import.where_row", row=self.row) if self.unit == "row"
                         else tr(f"formats.where_{self.unit}", number=self.row))
        if self.column:
            parts.append(tr("import.where_column", column=self.column))
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}：{self.reason}"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """How one header cell of one sheet was understood."""

    file: str
    sheet: str | None
    column: str  # column letter (Excel) or number (CSV)
    header: str  # the header text as written
    field: str | None  # canonical field, None if the column is not used
    label: str | None  # the field's Chinese label
    row: int | None = None  # the header row it was read from (None: a file without a header row)


@dataclass
class ImportResult(Generic[T]):
    """The outcome of importing one file."""

    data: T | None = None
    error: str | None = None
    issues: list[RowIssue] = field(default_factory=list)
    mapping: list[ColumnMapping] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    rows_taken: int = 0

    @property
    def ok(self) -> bool:
        """True when the file was imported (possibly with rejected rows)."""
        return self.error is None and self.data is not None

    @property
    def rejected(self) -> list[RowIssue]:
        """The issues of rows that were not imported."""
        return [i for i in self.issues if i.severity is Severity.REJECTED]

    @property
    def warnings(self) -> list[RowIssue]:
        """The issues of rows imported with a problem."""
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def accounting(self) -> list[tuple[str, Accounting]]:
        """Parts read / taken / unread of each file that has them (Word paragraphs, JSON objects)."""
        return [(f.name, f.accounting) for f in self.inputs if f.accounting is not None]

    @classmethod
    def failure(cls, message: str, inputs: list[InputFile] | None = None) -> ImportResult[T]:
        """A result for a file that could not be imported at all."""
        return cls(error=message, inputs=inputs or [])


def accounting_line(name: str, accounting: Accounting, limit: int = 12) -> str:
    """One sentence for the user: how many parts of file ``name`` were read, taken and left unread, and where."""
    unit = tr(f"formats.unit_{accounting.unit}")
    where = "、".join(str(n) for n in accounting.unread[:limit])
    if len(accounting.unread) > limit:
        where += tr("formats.accounting_more", count=len(accounting.unread) - limit)
    line = tr("formats.accounting", file=name, read=accounting.read, taken=accounting.taken,
              unread=len(accounting.unread), unit=unit)
    return line + (tr("formats.accounting_where", where=where, unit=unit) if accounting.unread else "")
