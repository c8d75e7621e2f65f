"""What every door needs besides the operations: exit codes, the log file, the console, the error messages.

The command line (``qbaudit.cli``), the window (``qbaudit.views``) and the batch import this module;
none imports another door's helpers. Qt-free.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

# The command line's exit statuses (declared here only).
EXIT_OK = 0  # the work ran (whatever the findings)
EXIT_USAGE = 2  # the command was written wrongly, or no window is possible
EXIT_INPUT = 3  # an input, the profile or the record cannot be used, or refuses the change (a QbauditError)
EXIT_INTERNAL = 70  # something unexpected: details in the log file, never on screen
EXIT_INTERRUPTED = 130  # Ctrl+C

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_log = logging.getLogger("qbaudit")
_log_path: Path | None = None


def setup_logging() -> Path | None:
    """Log to ``qbaudit.log`` in the user's log folder; nothing on screen, never item text (excerpts only).

    Called by every door at start. Returns the log file's path, or None when the folder cannot be written
    (the work goes on without a log)."""
    global _log_path
    try:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("qbaudit", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "qbaudit.log"
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    from qbaudit.analysis.excerpts import ExcerptFormatter

    handler.setFormatter(ExcerptFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _log_path = path
    return path


def log_path() -> Path | None:
    """The log file set up by :func:`setup_logging`, or None."""
    return _log_path


def setup_console() -> None:
    """Never fail on a character the console cannot show (a GBK console, output redirected to a file in
    the system's code page): such characters print as "?" instead of stopping the command."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        if codecs.lookup(encoding).name not in ("utf-8", "utf-16", "utf-32") and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def console() -> Any:
    """The terminal's rich Console (no markup read from data, no control codes); see :mod:`qbaudit.visible`."""
    from qbaudit.visible import console as safe_console

    return safe_console()


def expected_errors() -> tuple[type[QbauditError], ...]:
    """The exceptions a door shows as their message: the one error tree."""
    return (QbauditError,)


def failure_text(exc: BaseException, title: str) -> tuple[str, str]:
    """What a door shows for a failed piece of work named ``title``: (message, details).

    An expected failure is its own message and no details; anything else is logged here with its
    traceback and shown as a general message, with only the exception's kind as details (its own text
    is English and may quote a file)."""
    if isinstance(exc, QbauditError):
        return exc.user_message(), ""
    _log.error("%s failed", title, exc_info=(type(exc), exc, exc.__traceback__))
    return tr("gui.task_failed", title=title), type(exc).__name__


def internal_error_text() -> str:
    """The command line's message for an internal error (where the log is)."""
    path = log_path()
    return tr("cli.internal_error", log=str(path) if path else tr("cli.no_log"))
