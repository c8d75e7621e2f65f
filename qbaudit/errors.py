"""The one error tree: every failure a user is meant to read derives from :class:`QbauditError`.

A door (the command line, the window's task runner, the batch) shows a :class:`QbauditError` as its
message — a sentence in the UI language naming what went wrong and what to do — and treats anything
else as an internal error: logged with its traceback, a general message on screen (qutebrowser, napari).
Control flow that is not a failure (:class:`~qbaudit.analysis.progress.Cancelled`) stays outside the tree.
"""

from __future__ import annotations


class QbauditError(Exception):
    """An expected failure; ``str()`` is its message for the user (already translated).

    Args:
        message: what went wrong, naming the file, row or field where there is one.
        advice: what to do about it, when the message does not say so already.
    """

    def __init__(self, message: object = "", advice: str = "") -> None:
        super().__init__(message)
        self.advice = advice

    @property
    def message(self) -> str:
        """What went wrong (``str()`` of the first argument)."""
        return str(self.args[0]) if self.args else ""

    def user_message(self) -> str:
        """The message with the advice after it: what a door shows."""
        return f"{self.message}\n{self.advice}" if self.advice else self.message


def user_message(exc: BaseException) -> str | None:
    """The text a door shows for ``exc`` when it is an expected failure, else None (an internal error)."""
    return exc.user_message() if isinstance(exc, QbauditError) else None
