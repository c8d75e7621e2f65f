"""The domain types: banks, items, blueprints, standards, papers, and the findings of checks.

A bank's items live in a pandas DataFrame (columns in :mod:`qbaudit.analysis.columns`) because the
checks work on whole columns and banks reach a million items; :class:`Item` is the typed view of
one row. Blueprints and standards are small and are plain lists of frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from qbaudit.analysis.columns import OPTION_LETTERS
from qbaudit.analysis.columns import ItemColumns as C

if TYPE_CHECKING:  # pandas is imported where items are read, not by everything that names a model type
    import pandas as pd


@dataclass(frozen=True, slots=True)
class RowRef:
    """Where a record came from: file name, sheet (None for CSV) and the row the user sees."""

    file: str
    sheet: str | None
    row: int

    def __str__(self) -> str:
        where = f"{self.file}" + (f"「{self.sheet}」" if self.sheet else "")
        return f"{where} 第{self.row}行"


@dataclass(frozen=True, slots=True)
class Accounting:
    """How a file without rows (a Word document, a JSON export) was read, part by part: every part with
    content is taken (part of an item or a heading) or unread, and each unread part is listed by its number.

    ``unit`` says what is counted: ``paragraph`` (Word), ``record`` (the n-th object of a JSON array) or
    ``line`` (JSON Lines). Blank parts are counted apart and belong to neither side.
    """

    unit: str
    read: int
    taken: int
    unread: tuple[int, ...]
    blank: int = 0

    @property
    def balanced(self) -> bool:
        """True when read = taken + unread."""
        return self.read == self.taken + len(self.unread)


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input identified by its SHA-256 fingerprint, with what the importer made of it."""

    name: str
    kind: str  # "bank" | "blueprint" | "standard" | "papers"
    sha256: str
    size: int
    rows_taken: int
    rows_rejected: int
    encoding: str | None = None
    sheets: tuple[str, ...] = ()
    accounting: Accounting | None = None  # parts read / taken / unread, for files without rows


# --- bank ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One question, as a typed view of a row of :attr:`Bank.items`."""

    item_id: str
    level: int
    point_code: str | None
    item_type: str | None
    difficulty: float | None
    stem: str | None
    options: dict[str, str]  # letter → text, only the filled options
    answer: str | None
    explanation: str | None
    revised: dt.date | None
    source: RowRef

    @classmethod
    def from_row(cls, row: pd.Series) -> Item:
        """Build an item from one row of the items table."""
        options = {
            letter: row[col]
            for letter, col in zip(OPTION_LETTERS, C.OPTIONS, strict=True)
            if _present(row[col])
        }
        return cls(
            item_id=row[C.ITEM_ID],
            level=int(row[C.LEVEL]),
            point_code=_value(row[C.POINT_CODE]),
            item_type=_value(row[C.ITEM_TYPE]),
            difficulty=_value(row[C.DIFFICULTY]),
            stem=_value(row[C.STEM]),
            options=options,
            answer=_value(row[C.ANSWER]),
            explanation=_value(row[C.EXPLANATION]),
            revised=_value(row[C.REVISED]),
            source=RowRef(row[C.SOURCE_FILE], _value(row[C.SOURCE_SHEET]), int(row[C.SOURCE_ROW])),
        )


def _present(value: Any) -> bool:
    import pandas as pd

    return value is not None and not (isinstance(value, float) and value != value) and value is not pd.NA


def _value(value: Any) -> Any:
    import pandas as pd

    return value if _present(value) and value is not pd.NaT else None


@dataclass
class Bank:
    """All items of one occupation, over one or more levels."""

    items: pd.DataFrame
    occupation: str | None = None
    sources: list[InputFile] = field(default_factory=list)

    @property
    def levels(self) -> list[int]:
        """Levels present in the bank, from the highest number (五级) down to 一级."""
        return sorted({int(v) for v in self.items[C.LEVEL].unique()}, reverse=True)

    def items_of(self, level: int) -> pd.DataFrame:
        """The rows of the items table at ``level``."""
        return self.items[self.items[C.LEVEL] == level]

    def item(self, position: int) -> Item:
        """The item at row ``position`` of the items table."""
        return Item.from_row(self.items.iloc[position])

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Item]:
        for position in range(len(self.items)):
            yield self.item(position)


# --- blueprint -------------------------------------------------------------------------------


class Importance(StrEnum):
    """重要程度: X core, Y general, Z auxiliary."""

    X = "X"
    Y = "Y"
    Z = "Z"


@dataclass(frozen=True, slots=True)
class Scope:
    """A 考评范围 of one level: a node of the blueprint's scope tree, with its weight in percent."""

    level: int
    code: str  # full path code, e.g. "B-A"; "" when the blueprint gives no code
    own_code: str  # this tier's code as written (normalised), e.g. "A"
    name: str | None
    tier: int  # 1 = top
    weight: float | None
    parent: str | None  # full code of the parent scope
    path_names: tuple[str, ...]  # names from the top tier down to this one
    part: str = "theory"  # "theory" | "skill"
    source: RowRef | None = None

    @property
    def key(self) -> tuple[int, str, tuple[str, ...]]:
        """Identity within a blueprint: level, code and path of names (codes may be missing)."""
        return (self.level, self.code, self.path_names)


@dataclass(frozen=True, slots=True)
class Point:
    """A 考评点 of one level."""

    level: int
    code: str  # normalised full code, e.g. "B-A-012"; "" if missing
    key: str  # code without separators, matched against item codes
    own_code: str  # as written in the point-code column (normalised)
    name: str | None
    importance: Importance | None
    importance_raw: str | None
    scope: Scope | None  # the deepest scope the point belongs to
    part: str = "theory"
    source: RowRef | None = None


@dataclass
class Blueprint:
    """考评要素细目表: the scope tree with weights and the points with importance, per level."""

    scopes: list[Scope]
    points: list[Point]
    sources: list[InputFile] = field(default_factory=list)
    # X:Y:Z point counts a blueprint declares on its total row, per level (restored when Excel made a time of them)
    importance_ratios: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def levels(self) -> list[int]:
        """Levels present in the blueprint, from 五级 down to 一级."""
        return sorted({p.level for p in self.points} | {s.level for s in self.scopes}, reverse=True)

    def points_of(self, level: int, part: str | None = "theory") -> list[Point]:
        """The points of ``level`` (theory points by default; ``part=None`` for all)."""
        return [p for p in self.points if p.level == level and (part is None or p.part == part)]

    def scopes_of(self, level: int, part: str | None = "theory") -> list[Scope]:
        """The scopes of ``level`` (theory by default; ``part=None`` for all)."""
        return [s for s in self.scopes if s.level == level and (part is None or s.part == part)]


# --- standard --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardWeight:
    """One row of a national standard's weight table: a scope's weight at one level."""

    level: int
    scope_name: str
    weight: float
    scope_code: str | None = None
    source: RowRef | None = None


@dataclass
class StandardWeights:
    """The weight table (权重表) of the national occupational standard (or 评价规范)."""

    entries: list[StandardWeight]
    name: str | None = None
    issued: dt.date | None = None
    sources: list[InputFile] = field(default_factory=list)

    @property
    def levels(self) -> list[int]:
        """Levels the table covers."""
        return sorted({e.level for e in self.entries}, reverse=True)

    def of(self, level: int) -> list[StandardWeight]:
        """The entries at ``level``."""
        return [e for e in self.entries if e.level == level]


# --- papers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paper:
    """One assembled exam paper: its header fields and its items in order."""

    paper_id: str
    level: int | None
    item_ids: tuple[str, ...]
    institution: str | None = None
    occupation: str | None = None
    duration_minutes: float | None = None
    session: str | None = None
    source: RowRef | None = None


# --- answer data ------------------------------------------------------------------------------


@dataclass
class Responses:
    """Answers of past candidates, in long form: one row per (candidate, item).

    Columns: ``candidate, item_id, response, score, max_score, paper, source_sheet, source_row``
    (see :mod:`qbaudit.analysis.stats`); ``shape`` says how the file was laid out (long or wide).
    """

    frame: pd.DataFrame
    shape: str = "long"
    sources: list[InputFile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One line of a paper plan (组卷计划书): how many items of a scope (and type) go into one paper."""

    level: int
    items: int
    scope_code: str | None = None
    scope_name: str | None = None
    item_type: str | None = None  # None: any type
    source: RowRef | None = None


@dataclass
class PaperPlan:
    """A paper plan: per level, items per scope (and type) in one paper."""

    entries: list[PlanEntry]
    sources: list[InputFile] = field(default_factory=list)

    def of(self, level: int) -> list[PlanEntry]:
        """The entries of ``level``."""
        return [e for e in self.entries if e.level == level]


# --- findings --------------------------------------------------------------------------------


class Status(StrEnum):
    """Outcome of one rule at one level."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"  # 提示: the tool's own number not met, or a result that needs a person's look
    NA = "na"  # could not be judged from the data given (says why)
    WAIVED = "waived"  # failed, but the profile waives the rule here (where the text says 原则上), with a reason


class ColumnKind(StrEnum):
    """What an evidence column holds; confidentiality, jumps, widths and exports read this, never a key's name."""

    ITEM = "item"  # an item id: a row leads to the item in the bank browser
    POINT = "point"  # a point code: a row leads to the point's items
    EXCERPT = "excerpt"  # item text: at most EXCERPT_CHARS outside the item's own view; not stored unless kept
    NUMBER = "number"
    TEXT = "text"


# The kind of each evidence column key the checks write, declared once. A key not listed is text, but a key
# starting with ``excerpt`` (excerpt, excerpt_a, excerpt_key …) always quotes item text. A check whose table
# holds another kind under a generic key says so where it builds the table (``Evidence.of(…, kinds=…)``: R2's
# and R8's ``code`` columns hold point codes).
EXCERPT_KEY_PREFIX = "excerpt"
COLUMN_KINDS: dict[str, ColumnKind] = {
    **dict.fromkeys(("item_id", "item_a", "item_b", "first_item", "second_item", "revealed", "revealing"),
                    ColumnKind.ITEM),
    "point_code": ColumnKind.POINT,
    **dict.fromkeys(("row", "row_a", "row_b", "row_revealed", "row_revealing", "score", "count", "items", "points",
                     "share", "weight", "blueprint", "standard", "difference", "bank", "cluster", "group", "tier",
                     "needed", "available", "per_paper", "papers", "n", "p", "d", "r_pb", "mean", "sd", "sem",
                     "reliability", "jaccard", "shared", "duration", "seconds_per_item", "index", "year"),
                    ColumnKind.NUMBER),
}


def column_kind(key: str, declared: str | ColumnKind | None = None) -> ColumnKind:
    """The kind of evidence column ``key``: as declared for its table (also as stored with a record), else as
    :data:`COLUMN_KINDS` says; a key starting with ``excerpt`` is item text whatever is declared."""
    if key.startswith(EXCERPT_KEY_PREFIX):
        return ColumnKind.EXCERPT
    if declared:
        return ColumnKind(declared)
    return COLUMN_KINDS.get(key, ColumnKind.TEXT)


@dataclass(frozen=True)
class Evidence:
    """A table of evidence: column keys with their labels and kinds, and rows of values."""

    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[dict[str, Any], ...]
    title: str = ""
    kinds: tuple[ColumnKind, ...] = ()  # one per column; filled from COLUMN_KINDS when not given

    def __post_init__(self) -> None:
        if len(self.kinds) != len(self.columns):
            declared = dict(zip((key for key, _ in self.columns), self.kinds, strict=False))
            object.__setattr__(self, "kinds", tuple(column_kind(key, declared.get(key)) for key, _ in self.columns))

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]],
           kinds: dict[str, ColumnKind | str | None] | None = None) -> Evidence:
        """Build an evidence table; ``kinds`` names the columns whose kind :data:`COLUMN_KINDS` does not give."""
        declared = kinds or {}
        return cls(tuple(columns), tuple(rows), title,
                   tuple(column_kind(key, declared.get(key)) for key, _ in columns))

    def kind(self, key: str) -> ColumnKind:
        """The kind of column ``key``."""
        for (column, _), kind in zip(self.columns, self.kinds, strict=True):
            if column == key:
                return kind
        return column_kind(key)

    def keys_of(self, kind: ColumnKind) -> list[str]:
        """The keys of the columns of ``kind``, in column order."""
        return [key for (key, _), column in zip(self.columns, self.kinds, strict=True) if column is kind]


@dataclass(frozen=True)
class ThresholdUse:
    """A threshold a finding applied, with its basis in the profile and whether the finding breached it."""

    setting: str  # the setting's name in its rule ("seconds_per_item") or a shared one ("codes.point_code_pattern")
    value: Any
    basis: str  # "regulation" | "practice"
    clause: str  # quoted (regulation) or interpreted (practice)
    binding: bool  # False: the tool's own number, advisory (提示)
    note: str = ""
    breached: bool = False


@dataclass(frozen=True)
class Finding:
    """The result of one rule at one level, with the measured value, the threshold and evidence."""

    rule: str  # "R1" …
    level: int | None  # None when the rule is judged over the whole bank
    status: Status
    message: str  # one Chinese sentence saying what was found
    measured: float | int | str | None = None
    threshold: float | int | str | None = None
    comparator: str = ""  # "≥", "≤", "=", "±"
    unit: str = ""
    sheet_line: str = ""
    clause: str = ""
    source: str = ""
    evidence: tuple[Evidence, ...] = ()
    waiver_reason: str | None = None
    thresholds: tuple[ThresholdUse, ...] = ()  # the profile's thresholds the rule applied, with their basis
    advisory: bool = False  # a 提示 because only the tool's own (non-binding) numbers were not met
    waiver_values: tuple[tuple[str, Any], ...] = ()  # numbers a waiver set in place of the profile's (R1)

    @property
    def practice_breaches(self) -> list[ThresholdUse]:
        """The tool's own numbers this finding did not meet."""
        return [t for t in self.thresholds if t.breached and t.basis == "practice"]

    @property
    def failed(self) -> bool:
        """True when the rule is not met (waived failures count as not failed)."""
        return self.status is Status.FAIL
