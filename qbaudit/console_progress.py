"""Progress of long work on the console: what the window's progress bar shows, for a terminal or a log.

The core reports progress through a :class:`~qbaudit.analysis.progress.TaskState` (``set_progress(fraction,
text)`` and ``is_cancelled()``); the window hands it a state wired to its progress dialog, a command hands
it a :class:`ConsoleTask` of a :class:`ConsoleProgress`:

* on a terminal, a bar (rich's progress display) with the step, its counts as the core words them, the
  percentage, the time spent and the time left;
* when standard error is not a terminal (a pipe, a file, a CI log), one plain line per step — a step is
  a new text — with the percentage, the time spent and the time left, and a closing line.

Several tasks can run under one display (one bar, or one prefix of the plain lines, each), from several
threads: a batch shows its audits side by side and its own count (``task(title, total=n)`` and
:meth:`ConsoleTask.advance`).

Ctrl+C: the first press asks the work to stop at its next checkpoint (what the window's Cancel does), and
says so; the work raises :class:`~qbaudit.analysis.progress.Cancelled` there and the command stops
cleanly (documents are written to a temporary file and moved into place only when complete, the store's
transaction rolls back). A second press stops at once (``KeyboardInterrupt``).

Everything is printed through the project's safe console (:mod:`qbaudit.visible`: no markup, control
characters escaped); bars fall back to ASCII on a console whose encoding is not Unicode (a GBK console).
No Qt here: the window has its own progress dialog, and the same reports.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from qbaudit.i18n import tr
from qbaudit.visible import styled, visible

MIN_FRACTION_FOR_ESTIMATE = 0.02  # the time left is guessed only once this much is done…
MIN_SECONDS_FOR_ESTIMATE = 1.0  # …and this long has passed (the tool's own figures)
_BAR_STEPS = 1000  # resolution of the bar


def duration(seconds: float) -> str:
    """A duration as a person reads it: ``8 秒``, ``2 分 05 秒``, ``1 小时 02 分``."""
    whole = max(0, int(round(seconds)))
    if whole < 60:
        return tr("console_progress.seconds", seconds=whole)
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return tr("console_progress.minutes", minutes=minutes, seconds=f"{rest:02d}")
    hours, minutes = divmod(minutes, 60)
    return tr("console_progress.hours", hours=hours, minutes=f"{minutes:02d}")


def time_left(elapsed: float, fraction: float) -> float | None:
    """The time left at the average pace so far, or None while too little is done to tell."""
    if fraction >= 1.0:
        return 0.0
    if fraction < MIN_FRACTION_FOR_ESTIMATE or elapsed < MIN_SECONDS_FOR_ESTIMATE:
        return None
    return elapsed * (1.0 - fraction) / fraction


def timing(elapsed: float, fraction: float) -> str:
    """``已用 8 秒，约剩 10 秒`` (the time left only once it can be guessed)."""
    left = time_left(elapsed, fraction)
    text = tr("console_progress.elapsed", time=duration(elapsed))
    if left is not None and left >= 1.0:
        text += tr("console_progress.left", time=duration(left))
    return text


class ConsoleTask:
    """One piece of work under a :class:`ConsoleProgress`: a :class:`~qbaudit.analysis.progress.TaskState`.

    ``total`` makes it a count (``advance()`` one done at a time, shown as ``3/40``), as a batch counts
    its audits; otherwise its progress is the fraction the core reports.
    """

    def __init__(self, owner: ConsoleProgress, title: str, total: int | None) -> None:
        self.owner, self.title, self.total = owner, title, total
        self.fraction = 0.0
        self.text = ""
        self.done_count = 0
        self.started = owner.clock()
        self.finished = False
        self.lines = 0  # plain lines printed for it
        self.bar_id: Any = None

    @property
    def elapsed(self) -> float:
        """Seconds since the task began."""
        return self.owner.clock() - self.started

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Report progress between 0 and 1 with the step's text (a new text is a new step)."""
        self.owner._update(self, fraction, text)

    def is_cancelled(self) -> bool:
        """True once the user pressed Ctrl+C."""
        return self.owner.cancelled

    def advance(self, count: int = 1, text: str = "") -> None:
        """One more (``count`` more) of a counted task done; ``text`` says which."""
        with self.owner._lock:
            self.done_count += count
            total = self.total or max(self.done_count, 1)
        self.owner._update(self, self.done_count / total, text, step=True)

    def done(self, text: str = "") -> None:
        """The task is complete: its bar fills, and a closing line says how long it took."""
        self.owner._finish(self, text)


class ConsoleProgress:
    """The progress display of one command (a context manager).

    Args:
        console: where to draw (default: the safe console on standard error).
        live: a bar (True) or plain lines (False); default: a bar when the console is a terminal.
        interrupt: take Ctrl+C while the display is open (first press: stop at the next checkpoint).
        clock: seconds, monotonic (tests pass their own).
    """

    def __init__(self, console: Any = None, *, live: bool | None = None, interrupt: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if console is None:
            from qbaudit.visible import console as safe_console

            console = safe_console(stderr=True)
        self.console = console
        self.live = (console.is_terminal and not console.is_dumb_terminal) if live is None else live
        self.interrupt = interrupt
        self.clock = clock
        self.tasks: list[ConsoleTask] = []
        self._cancel = threading.Event()
        self._lock = threading.RLock()
        self._bars: Any = None
        self._previous_handler: Any = None
        self._previous_reporter: Any = None

    # --- the context ------------------------------------------------------------------------

    def __enter__(self) -> ConsoleProgress:
        if self.live:
            self._bars = self._make_bars()
            self._bars.start()
        if self.interrupt and threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGINT, self._on_interrupt)
        from qbaudit.analysis import kernel_cache

        # The kernels' notices (compiling, where cached) print above the bar rather than through it.
        self._previous_reporter = kernel_cache.set_reporter(self.note)
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        from qbaudit.analysis import kernel_cache

        kernel_cache.set_reporter(self._previous_reporter)
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
        if kind is None:
            for task in list(self.tasks):
                if not task.finished:
                    self._finish(task, "")
        if self._bars is not None:
            self._bars.stop()
            self._bars = None

    # --- tasks --------------------------------------------------------------------------------

    def task(self, title: str, total: int | None = None) -> ConsoleTask:
        """A new piece of work shown under this display (a bar of its own, or its own plain lines)."""
        with self._lock:
            task = ConsoleTask(self, title, total)
            self.tasks.append(task)
            if self._bars is not None:
                task.bar_id = self._bars.add_task(visible(title), total=_BAR_STEPS)
        return task

    @property
    def cancelled(self) -> bool:
        """True once the user asked to stop (Ctrl+C, or :meth:`cancel`)."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask every task to stop at its next checkpoint."""
        if not self._cancel.is_set():
            self._cancel.set()
            self.note(tr("console_progress.stopping"))

    def note(self, text: str) -> None:
        """A line of its own (above the bar on a terminal), e.g. the kernels' notice that they compile."""
        with self._lock:
            self.console.print(styled(text, "yellow"), soft_wrap=True)

    # --- drawing ------------------------------------------------------------------------------

    def _label(self, task: ConsoleTask, text: str) -> str:
        """The step as shown: the task's title first when several tasks share the display."""
        counted = tr("console_progress.counted", done=task.done_count, total=task.total) if task.total else ""
        body = text + counted
        return tr("console_progress.titled", title=task.title, text=body) if len(self.tasks) > 1 or not body else body

    def _update(self, task: ConsoleTask, fraction: float, text: str, step: bool = False) -> None:
        with self._lock:
            if task.finished:
                return
            task.fraction = max(task.fraction, min(1.0, max(0.0, float(fraction))))  # the bar never runs back
            new_step = bool(text) and (text != task.text or step)
            if text:
                task.text = text
            label = self._label(task, task.text)
            if self._bars is not None:
                self._bars.update(task.bar_id, completed=task.fraction * _BAR_STEPS, description=visible(label))
            elif new_step:
                self._line(task, label)

    def _line(self, task: ConsoleTask, label: str) -> None:
        percent = f"{task.fraction * 100:3.0f}"
        line = tr("console_progress.line", percent=percent, text=label, timing=timing(task.elapsed, task.fraction))
        self.console.print(styled(line), soft_wrap=True)
        task.lines += 1

    def _finish(self, task: ConsoleTask, text: str) -> None:
        with self._lock:
            if task.finished:
                return
            task.finished = True
            task.fraction = 1.0
            if self._bars is not None:
                self._bars.update(task.bar_id, completed=_BAR_STEPS, visible=False)
            closing = tr("console_progress.done", title=task.title, time=duration(task.elapsed))
            if text:
                closing = tr("console_progress.titled", title=closing, text=text)
            self.console.print(styled(closing, "dim"), soft_wrap=True)
            task.lines += 1

    def _make_bars(self) -> Any:
        from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
        from rich.text import Text

        class _Timing(ProgressColumn):
            def render(self, task: Any) -> Text:
                return Text(timing(task.elapsed or 0.0, (task.completed or 0) / _BAR_STEPS), style="dim")

        return Progress(TextColumn("{task.description}", markup=False), BarColumn(bar_width=30),
                        TextColumn("{task.percentage:>3.0f}%", markup=False), _Timing(), console=self.console,
                        transient=True, refresh_per_second=4, get_time=self.clock)

    def _on_interrupt(self, signum: int, frame: Any) -> None:  # noqa: ARG002 - the signal module's signature
        if self._cancel.is_set():
            raise KeyboardInterrupt  # the second press: stop now
        self.cancel()
