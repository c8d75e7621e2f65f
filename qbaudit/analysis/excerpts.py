"""How much of an item may leave the item's own view: excerpts of at most ``EXCERPT_CHARS`` characters.

Items are confidential exam material. Wherever item text is shown outside the item itself — evidence
tables, the console, the JSON, exports, import messages, the log — it is cut here, to one limit:

* :func:`excerpt` cuts one text (evidence cells, values quoted in messages);
* :func:`clip_quoted` cuts every quoted value of a finished message (「…」, “…”), for messages that
  quote cells (an answer, a level, a date as written) which may hold a whole item when a file's
  columns are shifted;
* :class:`ExcerptFormatter` does the same to every log record, and cuts any long run of non-ASCII
  text (a log is English; a long Chinese run in it can only be data).
"""

from __future__ import annotations

import logging
import re
from typing import Any

EXCERPT_CHARS = 30
_ELLIPSIS = "…"
_QUOTED = re.compile(r"「([^「」]*)」|“([^“”]*)”|‘([^‘’]*)’")
_LOG_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"|`([^`\n]*)`")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{" + str(EXCERPT_CHARS + 1) + ",}")


def excerpt(text: Any, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of an item's text, whitespace collapsed ("" for a missing value)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    try:
        import pandas as pd

        if text is pd.NA:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def _clip(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None)
    if len(inner) <= EXCERPT_CHARS:
        return match.group(0)
    whole = match.group(0)
    return whole[0] + excerpt(inner) + whole[-1]


def clip_quoted(message: str) -> str:
    """``message`` with every quoted value longer than the excerpt limit cut to an excerpt."""
    if len(message) <= EXCERPT_CHARS:
        return message
    return _QUOTED.sub(_clip, message)


def clip_log_text(text: str) -> str:
    """A log line with quoted values and long runs of non-ASCII text cut to excerpts."""
    text = _LOG_QUOTED.sub(_clip, clip_quoted(text))
    return _NON_ASCII_RUN.sub(lambda m: excerpt(m.group(0)), text)


class ExcerptFormatter(logging.Formatter):
    """A log formatter that never writes more than an excerpt of any data (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        return clip_log_text(super().format(record))
