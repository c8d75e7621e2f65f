"""The bank browser's table model: it shows the rows the core's search returns and caches their cells.

Which items are shown and in what order is :mod:`qbaudit.analysis.search`'s answer (an
:class:`~qbaudit.analysis.search.ItemTable` kept per bank); the model reads the cells of the rows on screen
from the table's Arrow columns a block at a time (Anki's browser table model: the collection finds, the
model fetches and caches the rows shown). The user's DataFrame is never reordered.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.search import DEFAULT_SEPARATORS, NUMERIC, BankFilter, ItemTable, SortKey
from qbaudit.i18n import tr

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole
ItemIdRole = Qt.ItemDataRole.UserRole + 3  # the item id of a bank row
PositionRole = Qt.ItemDataRole.UserRole + 4  # the row's position in the items DataFrame

BANK_COLUMNS = (C.ITEM_ID, C.LEVEL, C.POINT_CODE, C.ITEM_TYPE, C.DIFFICULTY, C.STEM, C.ANSWER, C.SOURCE_ROW)
_BLOCK_BITS = 9  # text cells are converted 512 rows at a time
_STEM_SHOWN = 160  # characters of a stem a table cell holds (the view elides; the detail pane shows all)


class BankTableModel(QAbstractTableModel):
    """The items of a bank in the order and selection the core's search gives.

    ``table`` is the :class:`~qbaudit.analysis.search.ItemTable` the page asks what to offer (levels, types,
    scopes); :meth:`set_filter` and :meth:`sort` ask it for the rows to show.
    """

    COLUMNS = BANK_COLUMNS
    _HEADER_KEYS = {
        C.ITEM_ID: "bank.col_item_id", C.LEVEL: "bank.col_level", C.POINT_CODE: "bank.col_point",
        C.ITEM_TYPE: "bank.col_type", C.DIFFICULTY: "bank.col_difficulty", C.STEM: "bank.col_stem",
        C.ANSWER: "bank.col_answer", C.SOURCE_ROW: "bank.col_row",
    }

    def __init__(self, items: Any = None, parent: Any = None, separators: str = DEFAULT_SEPARATORS) -> None:
        super().__init__(parent)
        self.table = ItemTable(None)
        self._blocks: dict[tuple[str, int], list[Any]] = {}  # (text column, block) → its values as Python
        self._visible = np.arange(0, dtype=np.int64)
        self._row_of: np.ndarray | None = None
        self.filter = BankFilter()
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._level_names: dict[int, str] = {}
        if items is not None:
            self.set_items(items, separators)

    # --- content -------------------------------------------------------------------------------

    def set_items(self, items: Any, separators: str = DEFAULT_SEPARATORS) -> None:
        """Show the items of a DataFrame (columns of :class:`~qbaudit.analysis.columns.ItemColumns`); codes are
        split into scopes at ``separators`` (the profile's)."""
        self.beginResetModel()
        self.table = ItemTable(items, separators)
        self._blocks = {}
        self.sort_column, self.sort_order = None, Qt.SortOrder.AscendingOrder
        self.filter = BankFilter()
        self._show(self.table.find(self.filter))
        self._level_names = {}
        self.endResetModel()

    @property
    def frame(self) -> Any:
        """The items DataFrame shown (None: no bank)."""
        return self.table.frame

    @property
    def total(self) -> int:
        """How many items the bank holds."""
        return self.table.size

    @property
    def visible_positions(self) -> np.ndarray:
        """Positions in the DataFrame of the rows shown, in display order."""
        return self._visible

    def _show(self, positions: np.ndarray) -> None:
        self._visible = positions
        self._row_of = None

    def _sort_key(self) -> SortKey | None:
        if self.sort_column is None:
            return None
        return SortKey(BANK_COLUMNS[self.sort_column], self.sort_order == Qt.SortOrder.DescendingOrder)

    def position(self, row: int) -> int:
        """The DataFrame position of a shown row."""
        return int(self._visible[row])

    def row_of_position(self, position: int) -> int:
        """The shown row of a DataFrame position (-1 when filtered out)."""
        if not 0 <= position < self.table.size:
            return -1
        if self._row_of is None:
            self._row_of = np.full(self.table.size, -1, dtype=np.int64)
            self._row_of[self._visible] = np.arange(len(self._visible), dtype=np.int64)
        return int(self._row_of[position])

    def position_of_item(self, item_id: str) -> int:
        """The DataFrame position of an item id (full width and dashes folded), or -1."""
        return self.table.position_of_item(item_id)

    def item_id(self, row: int) -> str:
        """The item id of a shown row."""
        value = self._cell(C.ITEM_ID, int(self._visible[row]))
        return "" if value is None else str(value)

    def set_filter(self, flt: BankFilter) -> None:
        """Show only the rows ``flt`` keeps (in the current sort order)."""
        positions = self.table.find(flt, self._sort_key())
        self.beginResetModel()
        self.filter = flt
        self._show(positions)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows shown by ``column`` (stable; the DataFrame stays as it is)."""
        if 0 <= column < len(BANK_COLUMNS):
            self.sort_column, self.sort_order = column, order
        else:
            self.sort_column = None
        self.layoutAboutToBeChanged.emit()
        old_visible = self._visible
        self._show(self.table.find(self.filter, self._sort_key()))
        persistent = self.persistentIndexList()
        if persistent:
            self.changePersistentIndexList(
                persistent, [self.index(self.row_of_position(int(old_visible[p.row()])), p.column())
                             for p in persistent])
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
        if role == Qt.ItemDataRole.TextAlignmentRole and name in NUMERIC:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == ItemIdRole:
            return self.item_id(index.row())
        if role == PositionRole:
            return int(position)
        return None

    def _cell(self, name: str, position: int) -> Any:
        """One text cell as Python, read from its column a block of rows at a time (a screen needs one or
        two blocks; opening the bank converts nothing)."""
        array = self.table.arrays.get(name)
        if array is None:
            return None
        block = position >> _BLOCK_BITS
        values = self._blocks.get((name, block))
        if values is None:
            values = array.slice(block << _BLOCK_BITS, 1 << _BLOCK_BITS).to_pylist()
            self._blocks[(name, block)] = values
        return values[position & ((1 << _BLOCK_BITS) - 1)]

    def _text(self, name: str, position: int) -> str:
        if name in NUMERIC:
            column = self.table.numbers.get(name)
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
