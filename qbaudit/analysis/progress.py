"""Progress, cancellation and budgets for long work, without Qt.

Long functions take a ``state`` and call ``state.set_progress(fraction, text)`` and
``state.is_cancelled()``; the window passes a state wired to its worker's signals, the CLI and the
tests pass :class:`NullState` or a stub.

An import and a check also run inside a :class:`Budget` (``[budget]`` of ``resources/formats.toml``: the tool's
own numbers): every checkpoint then also checks the time spent and the memory the process gained since the
work began, and stops the work with :class:`BudgetExceeded` (a message for the user) when either is over.
Loops deep inside a reader that were not handed a state call :func:`tick`, which consults the state of the
work running on this thread (set by :meth:`Budget.running`), so that Cancel and the budget reach them too.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Protocol, TypeVar

from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside long work when the user asked to stop."""


class BudgetExceeded(QbauditError):
    """Raised inside long work that went over its time or memory budget; the message is for the user."""


class TaskState(Protocol):
    """What long work may ask of its caller."""

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Report progress between 0 and 1, with a short Chinese description of the step."""

    def is_cancelled(self) -> bool:
        """True once the user asked to stop."""


class NullState:
    """A state that ignores progress and never cancels."""

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Ignore progress."""

    def is_cancelled(self) -> bool:
        """Never cancelled."""
        return False


def checkpoint(state: TaskState, fraction: float, text: str = "") -> None:
    """Report progress and stop with :class:`Cancelled` if the user asked to."""
    if state.is_cancelled():
        raise Cancelled
    state.set_progress(fraction, text)


class ScaledState:
    """A state that maps the 0–1 progress of one step onto a span of the whole (cancelling as the whole does)."""

    def __init__(self, state: TaskState, start: float, span: float) -> None:
        self.state, self.start, self.span = state, start, span

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Report the step's progress as progress of the whole."""
        self.state.set_progress(self.start + self.span * fraction, text)

    def is_cancelled(self) -> bool:
        """True when the whole is cancelled."""
        return self.state.is_cancelled()


_RUNNING: contextvars.ContextVar[TaskState | None] = contextvars.ContextVar("qbaudit_running_state", default=None)
_MEMORY_EVERY = 0.25  # seconds between two looks at the process's memory


@cache
def budget_limits() -> dict[str, float]:
    """The ``[budget]`` table of ``resources/formats.toml``."""
    from qbaudit.bundled import load_toml

    return {key: float(value) for key, value in load_toml("formats.toml")["budget"].items()}


def resident_memory() -> int:
    """The resident memory of this process in bytes (0 when it cannot be known)."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:  # noqa: BLE001 — an unknown platform: the memory budget is not enforced
        return 0


class Budget:
    """A state that passes progress and cancellation through to ``state`` and stops the work (raising
    :class:`BudgetExceeded`) once it has run longer than ``seconds`` or grown the process by more than
    ``memory_mib``; ``what`` is ``import`` or ``check`` (the budget of ``formats.toml`` and the message)."""

    def __init__(self, state: TaskState | None, what: str, *, seconds: float | None = None,
                 memory_mib: float | None = None) -> None:
        limits = budget_limits()
        self.state = state or NullState()
        self.what = what
        self.seconds = seconds if seconds is not None else limits[f"{what}_seconds"]
        self.memory_mib = memory_mib if memory_mib is not None else limits["memory_mib"]
        self.started = time.monotonic()
        self.baseline = resident_memory()
        self.peak = self.baseline
        self._looked = self.started

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Pass progress on (after checking the budget)."""
        self.check()
        self.state.set_progress(fraction, text)

    def is_cancelled(self) -> bool:
        """True when the user asked to stop; raises :class:`BudgetExceeded` when the budget is spent."""
        if self.state.is_cancelled():
            return True
        self.check()
        return False

    def check(self) -> None:
        """Raise :class:`BudgetExceeded` when the time or the memory budget is spent."""
        now = time.monotonic()
        what = tr(f"guard.what_{self.what}")
        if now - self.started > self.seconds:
            raise BudgetExceeded(tr("guard.budget_time", what=what, limit=f"{self.seconds:g}"))
        if now - self._looked >= _MEMORY_EVERY:
            self._looked = now
            rss = resident_memory()
            self.peak = max(self.peak, rss)
            if self.baseline and rss - self.baseline > self.memory_mib * (1 << 20):
                raise BudgetExceeded(tr("guard.budget_memory", what=what, limit=f"{self.memory_mib:g}"))

    @contextmanager
    def running(self) -> Iterator[Budget]:
        """Make this budget the state :func:`tick` consults on this thread while the block runs."""
        token = _RUNNING.set(self)
        try:
            yield self
        finally:
            _RUNNING.reset(token)


def tick() -> None:
    """A checkpoint for loops that were not handed a state: stop with :class:`Cancelled` when the work running
    on this thread was cancelled, or :class:`BudgetExceeded` when its budget is spent; nothing otherwise."""
    state = _RUNNING.get()
    if state is not None and state.is_cancelled():
        raise Cancelled


def ticking(items: Iterable[T], every: int = 256) -> Iterator[T]:
    """Iterate ``items``, calling :func:`tick` once every ``every`` items."""
    for index, item in enumerate(items):
        if index % every == 0:
            tick()
        yield item
