"""Long work off the GUI thread: one generic task on a ``QThreadPool``, with progress and Cancel.

A task runs a plain function ``fn(state)`` of the core (which reports progress through ``state`` and
stops with :class:`~qbaudit.analysis.progress.Cancelled` when asked); its result reaches the widgets
only through signals, on the GUI thread. Expected failures (a file that cannot be used, a refused
decision) arrive as their Chinese message; anything else is logged with its traceback and arrives as a
general message with the details for the expandable part of the error dialog.

Tests pass an :class:`InlinePool` to run tasks at once on the calling thread.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from qbaudit.analysis.progress import Cancelled
from qbaudit.plumbing import failure_text

__all__ = ["InlinePool", "Task", "TaskRunner", "TaskState", "collector_paused"]

_log = logging.getLogger(__name__)


class _CollectorPause:
    """Keeps the objects alive when a task starts out of the cyclic collector's full passes while tasks run.

    Why: a full pass walks every object the process holds (the bank's items, the window's widgets) and holds
    the GIL while it does; started from a task's thread over a 100 000-item bank it freezes the window for
    hundreds of milliseconds (``bench/bench_responsive.py`` measures it with and without this pause).
    ``gc.freeze()`` is the only tool CPython has and it is process-wide, so it is contained here: counted
    across the tasks that run at once, frozen when the first starts and handed back (``gc.unfreeze()``) when
    the last ends, so no task unfreezes under another. Objects made while tasks run are collected as usual.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0

    def __enter__(self) -> None:
        with self._lock:
            if self._running == 0:
                gc.freeze()
            self._running += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                gc.unfreeze()

    @property
    def active(self) -> bool:
        """True while some task keeps the collector paused."""
        return self._running > 0


collector_paused = _CollectorPause()


class _Signals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str, str)  # message, details
    cancelled = Signal()


class TaskState:
    """The :class:`~qbaudit.analysis.progress.TaskState` a task hands to the core."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Report progress to the window (thread-safe: a queued signal)."""
        self._signals.progress.emit(max(0.0, min(1.0, float(fraction))), text)

    def is_cancelled(self) -> bool:
        """True once the user pressed Cancel."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next checkpoint."""
        self._cancel.set()


class Task(QRunnable):
    """One piece of long work: ``fn(state)`` on a pool thread, its outcome as signals."""

    def __init__(self, title: str, fn: Callable[[TaskState], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until its outcome has been delivered
        self.title = title
        self.fn = fn
        self.signals = _Signals()
        self.state = TaskState(self.signals)

    @Slot()
    def run(self) -> None:
        """Run the function and emit exactly one of finished, failed or cancelled."""
        try:
            with collector_paused:
                result = self.fn(self.state)
        except Cancelled:
            self.signals.cancelled.emit()
            return
        except Exception as exc:  # noqa: BLE001 - the window must never die of a task; the log keeps the rest
            # An expected failure shows its message; anything else is logged and shown as a general message.
            self.signals.failed.emit(*failure_text(exc, self.title))
            return
        if self.state.is_cancelled():
            self.signals.cancelled.emit()
        else:
            self.signals.finished.emit(result)

    def cancel(self) -> None:
        """Ask the task to stop."""
        self.state.cancel()


class InlinePool:
    """A pool that runs each task at once on the calling thread (for tests and scripts)."""

    def start(self, runnable: QRunnable) -> None:
        """Run ``runnable`` now."""
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:  # noqa: N802 - QThreadPool's name
        """Nothing runs in the background: always done."""
        return True


class TaskRunner(QObject):
    """Starts tasks and tells the window what runs: one progress bar, one Cancel for the current task.

    Signals:
        started(title): a task began.
        progress(fraction, text): the current task's progress.
        ended(): no task runs any more.
    """

    started = Signal(str)
    progress = Signal(float, str)
    ended = Signal()

    def __init__(self, pool: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool if pool is not None else QThreadPool.globalInstance()
        self._running: list[Task] = []

    @property
    def busy(self) -> bool:
        """True while a task runs."""
        return bool(self._running)

    @property
    def current(self) -> Task | None:
        """The task the progress bar shows (the latest started)."""
        return self._running[-1] if self._running else None

    def start(self, title: str, fn: Callable[[TaskState], Any], *,
              done: Callable[[Any], None] | None = None,
              failed: Callable[[str, str], None] | None = None,
              cancelled: Callable[[], None] | None = None) -> Task:
        """Run ``fn(state)`` off the GUI thread; ``done(result)``, ``failed(message, details)`` or
        ``cancelled()`` is then called on the GUI thread."""
        task = Task(title, fn)
        task.signals.progress.connect(self.progress)

        def finish(callback: Callable[..., None] | None, *args: Any) -> None:
            if task in self._running:
                self._running.remove(task)
            if not self._running:
                self.ended.emit()
            if callback is not None:
                callback(*args)

        task.signals.finished.connect(lambda result: finish(done, result))
        task.signals.failed.connect(lambda message, details: finish(failed, message, details))
        task.signals.cancelled.connect(lambda: finish(cancelled))
        self._running.append(task)
        self.started.emit(title)
        self.pool.start(task)
        return task

    def cancel(self) -> None:
        """Ask the current task to stop."""
        if self.current is not None:
            self.current.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the pool's tasks (used when the window closes)."""
        return self.pool.waitForDone(msecs)
