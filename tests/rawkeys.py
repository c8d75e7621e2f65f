"""Finding raw catalogue keys in what a user reads: a key that reached the console, a report or a window
instead of its text (``cli.kind_plan`` where 组卷计划书 belongs)."""

from __future__ import annotations

import re
from functools import cache

# A dotted name not glued to a longer word, path or number: "R11.kind_duplicate", "cli.kind_plan".
_DOTTED = re.compile(r"(?<![A-Za-z0-9_./\\-])([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
                     r"(?![A-Za-z0-9_])")


@cache
def _catalogue() -> tuple[frozenset[str], frozenset[str]]:
    from qbaudit.i18n import REFERENCE, catalogue

    keys = frozenset(catalogue(REFERENCE))
    return keys, frozenset(key.split(".", 1)[0] for key in keys)


def raw_keys(text: str) -> set[str]:
    """Catalogue keys in ``text``: any existing key, and anything shaped like one (``area.snake_name`` of a
    known area) — a key that is missing from the catalogue comes out of ``tr`` as itself."""
    keys, areas = _catalogue()
    found = set()
    for match in _DOTTED.finditer(text):
        area, name = match.group(1), match.group(2)
        if match.group(0) in keys or (area in areas and "_" in name):
            found.add(match.group(0))
    return found
