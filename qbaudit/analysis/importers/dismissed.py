"""A list of similar item pairs the inspector dismissed (R11): one pair per line.

    HG400344,HG4D0001,两题考查不同参数，保留
    HG401016	HG4D0002

Columns are separated by a comma, a tab or spaces; a third column may give the reason; lines that
start with ``#`` and a header line naming 试题 are skipped. The audit record keeps dismissals too
(``qbaudit audit dismiss``); this file serves a quick check without the record.
"""

from __future__ import annotations

import re
from pathlib import Path

from qbaudit.analysis.importers.reading import ReadError, detect_encoding, read_bytes
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

_SPLIT = re.compile(r"\s*[,，\t]\s*|\s+")


class DismissedError(QbauditError):
    """A dismissals file that cannot be used; ``str()`` says where and why, in the UI language."""


def read_dismissed(path: str | Path) -> list[tuple[str, str]]:
    """The item pairs listed in ``path``."""
    path = Path(path)
    try:
        _, content = read_bytes(path)
    except ReadError as exc:
        raise DismissedError(str(exc)) from exc
    encoding = detect_encoding(content) or "utf-8"
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(content.decode(encoding, errors="replace").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#") or (number == 1 and "试题" in text):
            continue
        parts = [p for p in _SPLIT.split(text, maxsplit=2) if p]
        if len(parts) < 2 or parts[0] == parts[1]:
            raise DismissedError(tr("dismissed.bad_line", file=path.name, row=number))
        pairs.append((parts[0], parts[1]))
    return pairs
