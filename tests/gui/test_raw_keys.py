"""No raw catalogue key in the window: after opening the sample audit, every page is shown and the text
of every widget, action, tab, header and visible cell is read (offscreen) and searched for keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.rawkeys import raw_keys

ROWS_READ = 60  # cells of the first rows of every table (enough for every column's kind of text)


def _columns(model, parent: QModelIndex) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # Qt's own list models keep columnCount private: one column
        return 1


def _model_texts(model) -> list[str]:
    if model is None:
        return []
    texts = []
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        root = QModelIndex()
        count = (_columns(model, root) if orientation is Qt.Orientation.Horizontal
                 else min(model.rowCount(root), ROWS_READ))
        for section in range(count):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.headerData(section, orientation, role)
                if isinstance(value, str):
                    texts.append(value)

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(min(model.rowCount(parent), ROWS_READ)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        texts.append(value)
            if depth < 3:
                walk(model.index(row, 0, parent), depth + 1)

    walk(QModelIndex(), 0)
    return texts


def _widget_texts(root: QWidget) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for widget in [root, *root.findChildren(QWidget)]:
        texts = [widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.whatsThis(),
                 widget.accessibleName()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            texts += [widget.toPlainText(), widget.placeholderText()]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())] + [widget.tabToolTip(i)
                                                                          for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView):
            texts += _model_texts(widget.model())
        keys = set().union(*(raw_keys(t) for t in texts if t))
        if keys:
            found[f"{type(widget).__name__} {widget.objectName()}"] = sorted(keys)
    for action in root.findChildren(QAction):
        keys = raw_keys(action.text()) | raw_keys(action.toolTip()) | raw_keys(action.statusTip())
        if keys:
            found[f"QAction {action.text()}"] = sorted(keys)
    return found


def test_no_raw_catalogue_key_on_any_page_of_the_sample_audit(window, qtbot):
    assert _widget_texts(window) == {}  # the audit list
    window.open_sample()  # the window's tasks run inline here
    qtbot.waitUntil(lambda: window.ctx.workbench is not None and window.current_page() is not None, timeout=120_000)
    from qbaudit.views.main_window import PAGES

    for key, _, _ in PAGES:
        page = window.show_page(key)
        assert page is not None and window.current_page() is page
        qtbot.wait(10)
    assert window.ctx.workbench.run is not None
    assert _widget_texts(window) == {}
