"""Access to the data shipped in ``resources/`` (mapped to the package ``qbaudit.resources``)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any


def resource(relative: str) -> Traversable:
    """Return the bundled resource at ``relative`` (a '/'-separated path)."""
    node = resources.files("qbaudit.resources")
    for part in relative.split("/"):
        node = node.joinpath(part)
    return node


@cache
def load_toml(relative: str) -> dict[str, Any]:
    """Parse a bundled TOML file once and return it (callers must not mutate it)."""
    return tomllib.loads(resource(relative).read_text(encoding="utf-8"))


@cache
def load_json(relative: str) -> Any:
    """Parse a bundled JSON file once and return it (callers must not mutate it)."""
    return json.loads(resource(relative).read_text(encoding="utf-8"))
