"""One evidence table of a finding, as the check wrote it; its rows lead to an item or a point of the bank."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from qbaudit.analysis.model import ColumnKind, Evidence
from qbaudit.i18n import tr

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole

# The two items of a similar pair (R11's tables, the dismissals' list): a row of them can be dismissed.
PAIR_KEYS = (("item_a", "item_b"), ("first_item", "second_item"))


class EvidenceTableModel(QAbstractTableModel):
    """One evidence table of a finding: its columns and rows as the check wrote them."""

    def __init__(self, evidence: Evidence, parent: Any = None) -> None:
        super().__init__(parent)
        self.evidence = evidence
        self.keys = [key for key, _ in evidence.columns]
        self.labels = [label for _, label in evidence.columns]
        self.dismissed: set[tuple[str, str]] = set()  # pair keys dismissed since the run
        # Where a row leads (the columns' kinds, declared by the checks): an item first, else a point.
        self.point_keys = evidence.keys_of(ColumnKind.POINT)
        self.item_keys = evidence.keys_of(ColumnKind.ITEM)

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

            return cell_text(self.evidence.kinds[index.column()], value)
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

    def item_of(self, row: int) -> str | None:
        """The item a row names (the first of a pair), or None."""
        if not 0 <= row < len(self.evidence.rows):
            return None
        values = self.evidence.rows[row]
        return next((str(values[key]) for key in self.item_keys if _named(values.get(key))), None)

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

