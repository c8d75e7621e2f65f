"""Progress and cancellation for long work, without Qt.

Long functions take a ``state`` and call ``state.set_progress(fraction, text)`` and
``state.is_cancelled()``; the window passes a state wired to its worker's signals, the CLI and the
tests pass :class:`NullState` or a stub.
"""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """Raised inside long work when the user asked to stop."""


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
