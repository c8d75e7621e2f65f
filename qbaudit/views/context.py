"""What every page shares: the open audit's workbench, the task runner, and the signals that tell
pages the audit changed. Pages hold layout; they act through the workbench and report through here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from qbaudit.views.workers import TaskRunner


class AppContext(QObject):
    """The window's shared state.

    Signals:
        opened(): an audit was opened (or closed: ``workbench`` is None).
        changed(what): the open audit changed — ``"inputs"``, ``"run"``, ``"decision"``, ``"signed"``,
            ``"export"`` or ``"info"``.
        jump(kind, key): show ``"item"`` (an item id) or ``"point"`` (a point code) in the bank browser.
        status(text): a short message for the status bar.
    """

    opened = Signal()
    changed = Signal(str)
    jump = Signal(str, str)
    status = Signal(str)

    def __init__(self, tasks: TaskRunner, store: Any, settings: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.store = store
        self.settings = settings
        self.workbench: Any = None  # qbaudit.workbench.Workbench of the open audit
        self.window: QWidget | None = None  # parent of dialogs

    def set_workbench(self, workbench: Any) -> None:
        """Open ``workbench``'s audit in every page (None closes it)."""
        self.workbench = workbench
        self.opened.emit()

    def error(self, message: str, details: str = "") -> None:
        """Show an error the user can act on (Chinese message; technical details expandable)."""
        from qbaudit.views.dialogs import show_error

        show_error(self.window, message, details)
