"""Text from files and users shown as written: never read as markup, never sent to a terminal as a code.

The command line prints with rich, which would read ``[red]`` in an institution's name as markup (and
stop at ``[/red]``), ``:thumbs_up:`` as an emoji, and pass escape sequences and control characters to
the terminal, where they recolour the screen, move the cursor or retitle the window. :func:`console`
makes the one console the commands print with: it reads no markup and no emoji, and every string it
renders (printed, in a table, a title) goes through :func:`visible`, as does the text of
:func:`styled`. :func:`visible` writes control characters, escape sequences, direction overrides and
undecodable bytes as escapes (``\\x1b``, ``\\u202e``, ``\\udcff``), a run of one repeated control
character as one escape with its count (``\\x00×4096``), and cuts a text longer than :data:`LIMIT`
characters saying how many were left out.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from qbaudit.i18n import tr

LIMIT = 2000  # characters of one printed text or table cell; the tool's own figure
RUN = 4  # a run of this many identical control characters or more is shown once with its count
# C0 and C1 controls but tab and newline, DEL, direction marks and overrides, line and paragraph
# separators, and lone surrogates (bytes that were not valid UTF-8 in a file name).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")
_SAME = re.compile(r"(.)\1*", re.DOTALL)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _escape_run(match: re.Match[str]) -> str:
    parts = []
    for same in _SAME.finditer(match.group(0)):
        escaped, count = _escape(same.group(1)), len(same.group(0))
        parts.append(f"{escaped}×{count}" if count >= RUN else escaped * count)
    return "".join(parts)


def has_control(text: str) -> bool:
    """True when ``text`` holds a character :func:`visible` would escape."""
    return _CONTROL.search(text) is not None


def visible(value: Any, limit: int | None = LIMIT) -> str:
    """``value`` as text a terminal shows as written: control characters escaped, runs counted, cut at ``limit``."""
    text = value if isinstance(value, str) else str(value)
    if limit is not None and len(text) > limit * 8:  # bound the work on a huge text before escaping it
        text, dropped = text[: limit * 8], len(text) - limit * 8
    else:
        dropped = 0
    text = _CONTROL.sub(_escape_run, text)
    if limit is not None and len(text) > limit:
        text, dropped = text[:limit], dropped + len(text) - limit
    return text + tr("visible.cut", count=dropped) if dropped else text


def console(stderr: bool = False) -> Any:
    """The console every command prints with (rich): no markup, no emoji, every string through :func:`visible`;
    on standard error with ``stderr`` (progress and notices, which stay out of the output a pipe takes)."""
    from rich.console import Console

    class _VisibleConsole(Console):
        def render_str(self, text: str, **options: Any) -> Any:
            options.update(markup=False, emoji=False)
            return super().render_str(visible(text), **options)

    stream = sys.stderr if stderr else sys.stdout
    return _VisibleConsole(highlight=False, markup=False, emoji=False, stderr=stderr,
                           width=None if stream is not None and stream.isatty() else 140)


def styled(text: Any, style: str = "") -> Any:
    """A styled rich ``Text`` of ``text`` as written (through :func:`visible`)."""
    from rich.text import Text

    return Text(visible(text), style=style)
