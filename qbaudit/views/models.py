"""Table and tree models of the findings page and the bank browser.

Every model is read-only and reads the data it was given where it lies: the findings of the audit's
record, one evidence table, or the items DataFrame (column arrays read by position, never copied
into Qt items). The bank model sorts and filters through a permutation of row positions computed in
Arrow/numpy, so the user's DataFrame is never reordered and 100 000 items stay smooth.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.i18n import LANGUAGES, catalogue, tr

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole

# --- status: colour, icon and word (the word and the icon's glyph make colour not the only cue) ---------------

STATUS_ORDER = (Status.FAIL, Status.WARN, Status.NA, Status.WAIVED, Status.PASS)  # worst first
_STATUS_COLOUR = {
    Status.FAIL: "#c62828", Status.WARN: "#b26a00", Status.PASS: "#2e7d32", Status.NA: "#616161",
    Status.WAIVED: "#455a96",
}
_STATUS_GLYPH = {Status.FAIL: "✗", Status.WARN: "!", Status.PASS: "✓", Status.NA: "?", Status.WAIVED: "–"}
StatusRole = Qt.ItemDataRole.UserRole + 1  # the status value ("fail", "pass" …) of a row
FindingRole = Qt.ItemDataRole.UserRole + 2  # the Finding of a level row
ItemIdRole = Qt.ItemDataRole.UserRole + 3  # the item id of a bank row
PositionRole = Qt.ItemDataRole.UserRole + 4  # the row's position in the items DataFrame


def status_colour(status: Status) -> QColor:
    """The colour of a status (text and icon)."""
    return QColor(_STATUS_COLOUR[status])


@cache
def status_icon(status: Status) -> QIcon:
    """A small round icon with the status's glyph (✓ ✗ ! ? –) on its colour."""
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(status_colour(status))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.setPen(QPen(QColor("white")))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(22)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, _STATUS_GLYPH[status])
    painter.end()
    return QIcon(pixmap)


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of some statuses (fail before warn before n/a before waived before pass)."""
    present = set(statuses)
    return next((s for s in STATUS_ORDER if s in present), Status.PASS)


def rule_number(rule_id: str) -> tuple[int, str]:
    """Sort key of a rule id (``R2`` before ``R10``)."""
    digits = re.sub(r"\D", "", rule_id)
    return (int(digits) if digits else 10_000, rule_id)


# --- the findings tree ------------------------------------------------------------------------------------------


@dataclass
class _RuleGroup:
    rule: str
    title: str
    findings: list[Finding]  # all of the rule's findings
    shown: list[Finding] = field(default_factory=list)  # those the filter lets through


class FindingsTreeModel(QAbstractItemModel):
    """The findings of a run grouped by rule (R1 … R21), each rule's findings by level below it.

    Columns: the rule or level, the status (word, icon and colour), the measured value, the required
    value, and the message. ``set_only_problems(True)`` shows only failed findings and warnings.
    """

    COLUMN_KEYS = ("findings.col_rule", "findings.col_status", "findings.col_measured", "findings.col_required",
                   "findings.col_message")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._findings: tuple[Finding, ...] = ()
        self._groups: list[_RuleGroup] = []
        self._shown: list[_RuleGroup] = []
        self.only_problems = False

    # --- content -------------------------------------------------------------------------------

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show ``findings`` (the stored record's, in check order)."""
        from qbaudit.analysis.rules import rule_catalogue

        catalogue_ = rule_catalogue()
        by_rule: dict[str, list[Finding]] = {}
        for finding in findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        self.beginResetModel()
        self._findings = tuple(findings)
        self._groups = []
        for rule_id in sorted(by_rule, key=rule_number):
            entry = catalogue_.get(rule_id)
            title = f"{rule_id} {entry.name}" if entry else rule_id
            # Levels from 五级 down, the finding over the whole bank (no level) last.
            ordered = sorted(by_rule[rule_id], key=lambda f: (f.level is None, -(f.level or 0)))
            self._groups.append(_RuleGroup(rule_id, title, ordered))
        self._apply_filter()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        """Show only failed findings and warnings (True) or every finding (False)."""
        if only == self.only_problems:
            return
        self.beginResetModel()
        self.only_problems = only
        self._apply_filter()
        self.endResetModel()

    def _apply_filter(self) -> None:
        problems = (Status.FAIL, Status.WARN)
        for group in self._groups:
            group.shown = [f for f in group.findings if not self.only_problems or f.status in problems]
        self._shown = [g for g in self._groups if g.shown]

    def counts(self) -> Counter[Status]:
        """How many findings have each status (all findings, whatever the filter)."""
        return Counter(f.status for f in self._findings)

    def shown_count(self) -> int:
        """How many findings the filter lets through."""
        return sum(len(g.shown) for g in self._shown)

    def finding(self, index: Index) -> Finding | None:
        """The finding of a level row (None for a rule row or an invalid index)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._shown[index.internalId() - 1].shown[index.row()]

    def index_of(self, rule_id: str, level: int | None, column: int = 0) -> QModelIndex:
        """The row of the finding of ``rule_id`` at ``level`` (invalid when not shown)."""
        for group_row, group in enumerate(self._shown):
            if group.rule != rule_id:
                continue
            for row, finding in enumerate(group.shown):
                if finding.level == level:
                    return self.createIndex(row, column, group_row + 1)
        return QModelIndex()

    def rule_index(self, rule_id: str) -> QModelIndex:
        """The row of a rule (invalid when not shown)."""
        for row, group in enumerate(self._shown):
            if group.rule == rule_id:
                return self.createIndex(row, 0, 0)
        return QModelIndex()

    # --- QAbstractItemModel ----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        if not parent.isValid():
            return len(self._shown)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._shown[parent.row()].shown)
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return len(self.COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(self.COLUMN_KEYS):
            return tr(self.COLUMN_KEYS[section])
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._rule_data(self._shown[index.row()], index.column(), role)
        return self._finding_data(self._shown[index.internalId() - 1].shown[index.row()], index.column(), role)

    def _rule_data(self, group: _RuleGroup, column: int, role: int) -> Any:
        status = worst(f.status for f in group.shown)
        if role == StatusRole:
            return status.value
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        return self._status_cell(status, column, role) if column == 1 else (
            self._rule_text(group, column) if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole) else None)

    @staticmethod
    def _rule_text(group: _RuleGroup, column: int) -> str | None:
        if column == 0:
            return group.title
        if column == 4:
            counts = Counter(f.status for f in group.findings)
            return tr("findings.rule_summary", total=len(group.findings), fail=counts[Status.FAIL],
                      warn=counts[Status.WARN])
        return None

    def _finding_data(self, finding: Finding, column: int, role: int) -> Any:
        from qbaudit.report.model import level_text, measured_text, required_text

        if role == StatusRole:
            return finding.status.value
        if role == FindingRole:
            return finding
        if column == 1:
            return self._status_cell(finding.status, column, role)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return finding.message
        if role != DISPLAY:
            return None
        if column == 0:
            return level_text(finding.level)
        if column == 2:
            return measured_text(finding)
        if column == 3:
            return required_text(finding)
        if column == 4:
            return finding.message
        return None

    @staticmethod
    def _status_cell(status: Status, column: int, role: int) -> Any:
        from qbaudit.report.model import status_text

        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return status_text(status)
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(status_colour(status))
        return None


# --- evidence tables --------------------------------------------------------------------------------------------

# Evidence keys that name an item (the checks' tables), in the order a row's jump prefers them.
ITEM_KEYS = ("item_id", "item_a", "first_item", "revealed", "item_b", "second_item", "revealing")
PAIR_KEYS = (("item_a", "item_b"), ("first_item", "second_item"))
POINT_KEYS = ("point_code",)


@cache
def _point_code_labels() -> frozenset[str]:
    """The label of a "code" column that holds point codes, in every language (R2, R8 tables)."""
    return frozenset(catalogue(language).get("evidence.point_code", "") for language in LANGUAGES) - {""}


class EvidenceTableModel(QAbstractTableModel):
    """One evidence table of a finding: its columns and rows as the check wrote them."""

    def __init__(self, evidence: Evidence, parent: Any = None) -> None:
        super().__init__(parent)
        self.evidence = evidence
        self.keys = [key for key, _ in evidence.columns]
        self.labels = [label for _, label in evidence.columns]
        self.dismissed: set[tuple[str, str]] = set()  # pair keys dismissed since the run
        point_labels = _point_code_labels()
        self.point_keys = [key for key, label in evidence.columns
                           if key in POINT_KEYS or (key == "code" and label in point_labels)]
        self.item_keys = [key for key in ITEM_KEYS if key in self.keys]

    @property
    def title(self) -> str:
        """The table's title."""
        return self.evidence.title

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.evidence.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.keys)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.labels[section] if 0 <= section < len(self.labels) else None
        return str(section + 1)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.evidence.rows[index.row()]
        key = self.keys[index.column()]
        value = row.get(key)
        if role == DISPLAY:
            from qbaudit.report.model import cell_text

            return cell_text(key, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.pair(index.row()) in self.dismissed:
                return tr("findings.pair_dismissed_tip")
            return None if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float) and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self.dismissed and self.pair(index.row()) in self.dismissed:
            return QBrush(QColor("#8a8a8a"))
        if role == Qt.ItemDataRole.FontRole and key in self.item_keys + self.point_keys:
            font = QFont()
            font.setUnderline(True)  # a jump target, like a link
            return font
        return None

    def target(self, row: int, column: int | None = None) -> tuple[str, str] | None:
        """Where a row leads: ``("item", id)`` or ``("point", code)``, None when it names neither.

        The column chosen counts first (the second item of a pair when its column was chosen)."""
        if not 0 <= row < len(self.evidence.rows):
            return None
        values = self.evidence.rows[row]
        if column is not None and 0 <= column < len(self.keys):
            key = self.keys[column]
            if key in self.item_keys and _named(values.get(key)):
                return ("item", str(values[key]))
            if key in self.point_keys and _named(values.get(key)):
                return ("point", str(values[key]))
        for key in self.item_keys:
            if _named(values.get(key)):
                return ("item", str(values[key]))
        for key in self.point_keys:
            if _named(values.get(key)):
                return ("point", str(values[key]))
        return None

    def is_pair_table(self) -> bool:
        """True when the rows are similar pairs of items (R11)."""
        return any(a in self.keys and b in self.keys for a, b in PAIR_KEYS)

    def pair(self, row: int) -> tuple[str, str] | None:
        """The two item ids of a pair row (in the table's order), or None."""
        if not 0 <= row < len(self.evidence.rows):
            return None
        values = self.evidence.rows[row]
        for a, b in PAIR_KEYS:
            if _named(values.get(a)) and _named(values.get(b)):
                return (str(values[a]), str(values[b]))
        return None

    def row_values(self, row: int) -> dict[str, Any]:
        """The raw values of a row."""
        return dict(self.evidence.rows[row])

    def mark_dismissed(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Grey out the rows of pairs dismissed since the run (they count from the next run)."""
        self.dismissed = {tuple(p) for p in pairs} | {(b, a) for a, b in pairs}  # type: ignore[misc]
        if self.evidence.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.evidence.rows) - 1, len(self.keys) - 1))


def _named(value: Any) -> bool:
    return value is not None and str(value).strip() not in ("", "—")


# --- the bank ---------------------------------------------------------------------------------------------------

MISSING = "\x00missing"  # filter value: the cell is empty (an item type not recognised)
BANK_COLUMNS = (C.ITEM_ID, C.LEVEL, C.POINT_CODE, C.ITEM_TYPE, C.DIFFICULTY, C.STEM, C.ANSWER, C.SOURCE_ROW)
_NUMERIC = {C.LEVEL, C.DIFFICULTY, C.SOURCE_ROW}
_NATURAL = {C.ITEM_ID, C.POINT_CODE}
_BLOCK_BITS = 9  # text cells are converted 512 rows at a time
_STEM_SHOWN = 160  # characters of a stem a table cell holds (the view elides; the detail pane shows all)


@dataclass(frozen=True)
class BankFilter:
    """What the bank browser shows: each field None for "any"."""

    level: int | None = None
    scope: str | None = None  # a scope code: items whose point code lies below it
    point: str | None = None  # a point code (or its key without separators)
    item_type: str | None = None  # a type, or MISSING for items whose type was not recognised
    difficulty: float | tuple[float, float] | None = None  # a value, or a closed range
    text: str = ""  # in the id, stem or options, case-insensitive

    def cleared(self) -> BankFilter:
        """No filter."""
        return BankFilter()

    def but(self, **changes: Any) -> BankFilter:
        """This filter with some fields changed."""
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """True when something is filtered out."""
        return self != BankFilter()


def point_key(code: str) -> str:
    """A point code without separators, upper case (how codes are matched, as the importer keys them)."""
    return re.sub(r"[\W_]+", "", code).upper()


class BankTableModel(QAbstractTableModel):
    """The items of a bank, read from the DataFrame by position through a permutation.

    The columns the table shows are held as arrays (one per column, not one object per cell). Sorting
    computes a stable order per column once (Arrow ``sort_indices``, numeric where the column is a
    number, natural for ids and codes: ``HG2`` before ``HG10``); filtering computes a boolean mask in
    Arrow/numpy; the rows shown are the sorted positions the mask keeps.
    """

    COLUMNS = BANK_COLUMNS
    _HEADER_KEYS = {
        C.ITEM_ID: "bank.col_item_id", C.LEVEL: "bank.col_level", C.POINT_CODE: "bank.col_point",
        C.ITEM_TYPE: "bank.col_type", C.DIFFICULTY: "bank.col_difficulty", C.STEM: "bank.col_stem",
        C.ANSWER: "bank.col_answer", C.SOURCE_ROW: "bank.col_row",
    }

    def __init__(self, items: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.frame: Any = None
        self._n = 0
        self._columns: dict[str, Any] = {}  # numeric column → float numpy array (NaN for an empty cell)
        self._blocks: dict[tuple[str, int], list[Any]] = {}  # (text column, block) → its values as Python
        self._arrow: dict[str, Any] = {}  # column → pyarrow array (for sorting and filtering)
        self._orders: dict[tuple[str, bool], np.ndarray] = {}
        self._haystack: Any = None
        self._ids: dict[str, int] | None = None
        self._order = np.arange(0, dtype=np.int64)
        self._visible = self._order
        self._mask: np.ndarray | None = None
        self.filter = BankFilter()
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._level_names: dict[int, str] = {}
        if items is not None:
            self.set_items(items)

    # --- content -------------------------------------------------------------------------------

    def set_items(self, items: Any) -> None:
        """Show the items of a DataFrame (columns of :class:`~qbaudit.analysis.columns.ItemColumns`)."""
        import pyarrow as pa

        self.beginResetModel()
        self.frame = items
        self._n = 0 if items is None else len(items)
        self._columns, self._arrow, self._orders, self._blocks = {}, {}, {}, {}
        self._haystack, self._ids = None, None
        if items is not None:
            for column in (*BANK_COLUMNS, *C.OPTIONS, C.POINT_KEY):
                if column not in items.columns:
                    continue
                array = pa.Array.from_pandas(items[column])
                if isinstance(array, pa.ChunkedArray):
                    array = array.combine_chunks()
                self._arrow[column] = array
                if column in _NUMERIC:
                    self._columns[column] = _float_array(array)
        self._order = np.arange(self._n, dtype=np.int64)
        self.sort_column, self.sort_order = None, Qt.SortOrder.AscendingOrder
        self._mask = None
        self.filter = BankFilter()
        self._visible = self._order
        self._level_names = {}
        self.endResetModel()

    @property
    def total(self) -> int:
        """How many items the bank holds."""
        return self._n

    @property
    def visible_positions(self) -> np.ndarray:
        """Positions in the DataFrame of the rows shown, in display order."""
        return self._visible

    def position(self, row: int) -> int:
        """The DataFrame position of a shown row."""
        return int(self._visible[row])

    def row_of_position(self, position: int) -> int:
        """The shown row of a DataFrame position (-1 when filtered out)."""
        found = np.flatnonzero(self._visible == position)
        return int(found[0]) if found.size else -1

    def position_of_item(self, item_id: str) -> int:
        """The DataFrame position of an item id (the first, ids may repeat in a faulty bank), or -1."""
        if self._ids is None:
            ids = self._arrow.get(C.ITEM_ID)
            self._ids = {}
            if ids is not None:
                for position, value in enumerate(ids.to_pylist()):
                    if value is not None:
                        self._ids.setdefault(str(value), position)
        return self._ids.get(str(item_id).strip(), -1)

    def item_id(self, row: int) -> str:
        """The item id of a shown row."""
        value = self._cell(C.ITEM_ID, int(self._visible[row]))
        return "" if value is None else str(value)

    def distinct(self, column: str, mask: np.ndarray | None = None) -> list[Any]:
        """The distinct values of a column (None for an empty cell), sorted; only where ``mask`` holds."""
        import pyarrow as pa
        import pyarrow.compute as pc

        array = self._arrow.get(column)
        if array is None:
            return []
        if mask is not None:
            array = array.filter(pa.array(mask))
        values = pc.unique(array).to_pylist()
        present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        key = _natural_key if column in _NATURAL else None
        ordered = sorted(present, key=key) if key else sorted(present)
        return ordered + ([None] if len(present) < len(values) else [])

    def mask_of(self, flt: BankFilter, skip: str = "") -> np.ndarray | None:
        """The rows ``flt`` keeps as a boolean array (None: every row); ``skip`` leaves one field out."""
        import pyarrow.compute as pc

        mask: np.ndarray | None = None

        def both(more: Any) -> None:
            nonlocal mask
            more = np.asarray(more, dtype=bool)
            mask = more if mask is None else (mask & more)

        if flt.level is not None and skip != "level" and C.LEVEL in self._columns:
            both(self._columns[C.LEVEL] == flt.level)
        codes = self._arrow.get(C.POINT_CODE)
        if flt.scope and skip != "scope" and codes is not None:
            scope = flt.scope.strip()
            hit = pc.or_kleene(pc.equal(codes, scope), pc.starts_with(codes, scope + "-"))
            both(hit.fill_null(False).to_numpy(zero_copy_only=False))
        if flt.point and skip != "point" and codes is not None:
            both(self._point_mask(flt.point))
        if flt.item_type is not None and skip != "item_type" and C.ITEM_TYPE in self._arrow:
            types = self._arrow[C.ITEM_TYPE]
            if flt.item_type == MISSING:
                both(pc.is_null(types).to_numpy(zero_copy_only=False))
            else:
                both(pc.equal(types, flt.item_type).fill_null(False).to_numpy(zero_copy_only=False))
        if flt.difficulty is not None and skip != "difficulty" and C.DIFFICULTY in self._columns:
            values = self._columns[C.DIFFICULTY]
            if isinstance(flt.difficulty, tuple):
                low, high = flt.difficulty
                both((values >= low) & (values <= high))
            else:
                both(np.isclose(values, float(flt.difficulty)))
        text = flt.text.strip()
        if text and skip != "text":
            hit = pc.match_substring(self._search_text(), text, ignore_case=True)
            both(hit.fill_null(False).to_numpy(zero_copy_only=False))
        if mask is not None and len(mask) != self._n:  # an empty frame
            mask = np.zeros(self._n, dtype=bool)
        return mask

    def _point_mask(self, point: str) -> np.ndarray:
        import pyarrow.compute as pc

        codes = self._arrow[C.POINT_CODE]
        exact = pc.equal(codes, point.strip()).fill_null(False).to_numpy(zero_copy_only=False)
        if exact.any():
            return exact
        keys = self._arrow.get(C.POINT_KEY)
        if keys is None:
            return exact
        return pc.equal(keys, point_key(point)).fill_null(False).to_numpy(zero_copy_only=False)

    def _search_text(self) -> Any:
        """Id, stem and options of each item joined (built once, searched by every free-text filter)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._haystack is None:
            parts = [pc.cast(self._arrow[c], pa.large_string())
                     for c in (C.ITEM_ID, C.STEM, *C.OPTIONS) if c in self._arrow]
            if not parts:
                self._haystack = pa.array([""] * self._n, type=pa.large_string())
            elif len(parts) == 1:
                self._haystack = parts[0]
            else:
                self._haystack = pc.binary_join_element_wise(*parts, pa.scalar("\n", pa.large_string()),
                                                             null_handling="replace", null_replacement="")
        return self._haystack

    def set_filter(self, flt: BankFilter) -> None:
        """Show only the rows ``flt`` keeps (in the current sort order)."""
        mask = self.mask_of(flt)
        self.beginResetModel()
        self.filter = flt
        self._mask = mask
        self._visible = self._order if mask is None else self._order[mask[self._order]]
        self.endResetModel()

    def order(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        """The stable order of every position by ``column`` (computed once per column and direction)."""
        name = BANK_COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        cached = self._orders.get((name, descending))
        if cached is None:
            cached = self._sort_positions(name, descending)
            self._orders[(name, descending)] = cached
        return cached

    def _sort_positions(self, name: str, descending: bool) -> np.ndarray:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = self._arrow.get(name)
        if array is None:
            return np.arange(self._n, dtype=np.int64)
        direction = "descending" if descending else "ascending"
        if name in _NATURAL and (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            fast = _natural_order(array, descending)
            if fast is not None:
                return fast
            parts = pc.extract_regex(array, r"^(?P<p>\D*)(?P<n>\d*)(?P<r>.*)$")
            digits = pc.utf8_ltrim(pc.struct_field(parts, "n"), "0")
            table = pa.table({"p": pc.struct_field(parts, "p"), "l": pc.utf8_length(digits), "n": digits,
                              "r": pc.struct_field(parts, "r")})
            keys = [(k, direction, "at_end") for k in ("p", "l", "n", "r")]
        else:
            table = pa.table({"k": array})
            keys = [("k", direction, "at_end")]
        # Arrow's sort is stable; empty cells go last in both directions.
        return pc.sort_indices(table, sort_keys=keys).to_numpy().astype(np.int64)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows shown by ``column`` (stable; the DataFrame stays as it is)."""
        if not 0 <= column < len(BANK_COLUMNS):
            new_order = np.arange(self._n, dtype=np.int64)
            self.sort_column = None
        else:
            new_order = self.order(column, order)
            self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_visible = self._visible
        self._order = new_order
        self._visible = new_order if self._mask is None else new_order[self._mask[new_order]]
        persistent = self.persistentIndexList()
        if persistent:
            row_of = np.full(self._n, -1, dtype=np.int64)
            row_of[self._visible] = np.arange(len(self._visible), dtype=np.int64)
            self.changePersistentIndexList(
                persistent, [self.index(int(row_of[old_visible[p.row()]]), p.column()) for p in persistent])
        self.layoutChanged.emit()

    # --- QAbstractTableModel ---------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(BANK_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(self._HEADER_KEYS[BANK_COLUMNS[section]]) if 0 <= section < len(BANK_COLUMNS) else None
        return str(section + 1)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        position = self._visible[index.row()]
        name = BANK_COLUMNS[index.column()]
        if role == DISPLAY:
            return self._text(name, position)
        if role == Qt.ItemDataRole.ToolTipRole and name == C.STEM:
            value = self._cell(C.STEM, int(position))
            return None if value is None else str(value)[:600]
        if role == Qt.ItemDataRole.TextAlignmentRole and name in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == ItemIdRole:
            return self.item_id(index.row())
        if role == PositionRole:
            return int(position)
        return None

    def _cell(self, name: str, position: int) -> Any:
        """One text cell as Python, read from its column a block of rows at a time (a screen needs one or
        two blocks; opening the bank converts nothing)."""
        array = self._arrow.get(name)
        if array is None:
            return None
        block = position >> _BLOCK_BITS
        values = self._blocks.get((name, block))
        if values is None:
            values = array.slice(block << _BLOCK_BITS, 1 << _BLOCK_BITS).to_pylist()
            self._blocks[(name, block)] = values
        return values[position & ((1 << _BLOCK_BITS) - 1)]

    def _text(self, name: str, position: int) -> str:
        if name in _NUMERIC:
            column = self._columns.get(name)
            if column is None:
                return ""
            value = column[position]
            if math.isnan(value):
                return ""
            if name == C.LEVEL:
                return self._level_name(int(value))
            return f"{value:g}" if name == C.DIFFICULTY else str(int(value))
        value = self._cell(name, int(position))
        if value is None:
            return tr("bank.type_unknown") if name == C.ITEM_TYPE else ""
        text = str(value)
        if name == C.STEM:
            text = text[:_STEM_SHOWN].replace("\n", " ")
        return text

    def _level_name(self, level: int) -> str:
        name = self._level_names.get(level)
        if name is None:
            from qbaudit.report.model import level_text

            name = self._level_names[level] = level_text(level)
        return name


def _natural_order(array: Any, descending: bool) -> np.ndarray | None:
    """The stable natural order of codes that are a prefix and a number (``HG400001``, ``A-B-012``):
    the prefixes ranked once, then a numpy lexsort on two integer keys. None when some code is not so."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(array, r"^(?P<p>\D*)(?P<n>\d{1,18})$")
    if parts.null_count != array.null_count:
        return None
    encoded = pc.dictionary_encode(pc.struct_field(parts, "p"))
    rank = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(encoded.dictionary), dtype=np.int64)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    empty = codes < 0
    prefix = rank[np.where(empty, 0, codes)]
    number = pc.cast(pc.struct_field(parts, "n"), pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    if descending:
        prefix, number = -prefix, -number
    prefix = np.where(empty, np.iinfo(np.int64).max, prefix)  # empty cells last either way
    return np.lexsort((number, prefix)).astype(np.int64)  # lexsort is stable; the last key sorts first


def _float_array(array: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        try:
            array = pc.cast(array, pa.float64(), safe=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return np.full(len(array), np.nan)
    return array.to_numpy(zero_copy_only=False).astype(float)


_NATURAL_SPLIT = re.compile(r"(\d+)")


def _natural_key(text: Any) -> tuple:
    parts = _NATURAL_SPLIT.split(str(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


class RecordsTableModel(QAbstractTableModel):
    """A read-only table over a tuple of records; subclasses name the columns (``COLUMNS``, headers from the
    catalogue keys ``HEADER_KEY + column``) and say each cell's text and tooltip."""

    COLUMNS: tuple[str, ...] = ()
    HEADER_KEY = ""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = ()
        self._view: Any = None

    def set_records(self, records: Any) -> None:
        """Show ``records``."""
        self.beginResetModel()
        self._rows = tuple(records or ())
        self.endResetModel()

    def set_view(self, view: Any) -> None:
        """Show the records of ``view`` (None empties the model)."""
        self._view = view
        self.set_records(self.records(view) if view is not None else ())

    def records(self, view: Any) -> Any:
        """The records of ``view`` this model lists."""
        return ()

    def record_at(self, row: int) -> Any:
        """The record shown at ``row``."""
        return self._rows[row]

    def cell(self, record: Any, column: str) -> str:
        """The text of one cell."""
        raise NotImplementedError

    def tooltip(self, record: Any, column: str) -> str | None:
        """The tooltip of one cell (None: none)."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names and default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(f"{self.HEADER_KEY}{self.COLUMNS[section]}") if 0 <= section < len(self.COLUMNS) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record, column = self._rows[index.row()], self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(record, column)
        return None
