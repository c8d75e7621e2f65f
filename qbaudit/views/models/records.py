"""A read-only table over a tuple of records (the audit's revisions, inputs, changes, exports)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from qbaudit.i18n import tr

Index = QModelIndex | QPersistentModelIndex


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
