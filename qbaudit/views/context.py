"""What every page shares: the open audit's workbench, the task runner, and the one way the pages hear that the
audit changed. Pages hold layout; they act through the workbench and report through here.

Every workbench step returns :class:`~qbaudit.workbench.Changes`; the context announces them once
(``changed``) and every page refreshes from what changed (Anki's ``CollectionOp`` and ``OpChanges``). A quick
step runs on the GUI thread (:meth:`AppContext.step`); a long one runs as a job off it and its outcome is
applied to the workbench back on the GUI thread (:meth:`AppContext.run_job`), so the workbench is only ever
touched from one thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from qbaudit.plumbing import expected_errors
from qbaudit.views.workers import Task, TaskRunner


class AppContext(QObject):
    """The window's shared state.

    Signals:
        opened(): an audit was opened (or closed: ``workbench`` is None).
        changed(changes): the open audit changed — a :class:`~qbaudit.workbench.Changes`, emitted once per step.
        jump(kind, key): show ``"item"`` (an item id) or ``"point"`` (a point code) in the bank browser.
        status(text): a short message for the status bar.
    """

    opened = Signal()
    changed = Signal(object)
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

    def apply(self, changes: Any) -> Any:
        """Tell every page what a workbench step changed (nothing is emitted when nothing changed); returns it."""
        if changes:
            self.changed.emit(changes)
        return changes

    def step(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a quick workbench step ``fn(*args, **kwargs)`` now and announce its changes; returns them.

        A refusal (the store's or the workbench's Chinese message) is shown and None returned."""
        try:
            changes = fn(*args, **kwargs)
        except expected_errors() as exc:
            self.error(exc.user_message())
            return None
        return self.apply(changes)

    def run_job(self, title: str, job: Callable[[Any], Any], *, done: Callable[[Any], None] | None = None,
                failed: Callable[[str, str], None] | None = None,
                cancelled: Callable[[], None] | None = None) -> Task:
        """Run a workbench job (``bench.check_job()`` …) off the GUI thread; on the GUI thread its outcome is then
        applied to the workbench, the changes announced once, and ``done(changes)`` called. A job whose audit
        was closed meanwhile changes nothing shown (the store has its record)."""
        bench = self.workbench

        def finished(outcome: Any) -> None:
            if bench is None or self.workbench is not bench:
                return
            try:
                changes = bench.apply(outcome)
            except expected_errors() as exc:
                (failed or self.error)(exc.user_message(), "")
                return
            self.apply(changes)
            if done is not None:
                done(changes)

        return self.tasks.start(title, job, done=finished, failed=failed or self.error, cancelled=cancelled)

    def error(self, message: str, details: str = "") -> None:
        """Show an error the user can act on (Chinese message; technical details expandable)."""
        from qbaudit.views.dialogs import show_error

        show_error(self.window, message, details)
