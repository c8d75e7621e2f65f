"""How the window's tables of records look: read-only rows chosen one at a time, without row numbers."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def record_table(name: str, model: QAbstractItemModel | None = None, *, row_height: int | None = None,
                 parent: QWidget | None = None) -> QTableView:
    """A table of records named ``name`` (for tests and style sheets): whole rows selected one at a time, no
    editing in place, no row numbers; rows ``row_height`` pixels high when given."""
    table = QTableView(parent)
    table.setObjectName(name)
    if model is not None:
        table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    if row_height is not None:
        table.verticalHeader().setDefaultSectionSize(row_height)
    return table
