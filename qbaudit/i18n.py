"""The one translation helper: every user-facing string goes through :func:`tr`.

Catalogues are TOML files in ``resources/i18n/`` keyed by dotted ids: ``<language>.toml``, plus one
file per area of the window in ``<language>/`` (``zh_CN/wizard.toml`` holds the keys ``wizard.…``).
Simplified Chinese is the reference language and English a setting (``QBAUDIT_LANG=en`` or
:func:`set_language`).
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any

from qbaudit.bundled import load_toml

REFERENCE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_log = logging.getLogger(__name__)
_language = os.environ.get("QBAUDIT_LANG", REFERENCE)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return the flat ``{key: template}`` catalogue of ``language``."""
    from qbaudit.bundled import resource

    flat = _flatten(load_toml(f"i18n/{language}.toml"))
    folder = resource(f"i18n/{language}")
    if folder.is_dir():
        for part in sorted(folder.iterdir(), key=lambda node: node.name):
            if part.name.endswith(".toml"):
                area = part.name.removesuffix(".toml")
                flat.update(_flatten(load_toml(f"i18n/{language}/{part.name}"), f"{area}."))
    return flat


def set_language(language: str) -> None:
    """Switch the language of :func:`tr` (``zh_CN`` or ``en``)."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _language = language


def language() -> str:
    """The current UI language code."""
    return _language if _language in LANGUAGES else REFERENCE


def tr(key: str, /, **params: Any) -> str:
    """Translate ``key`` into the current language and fill its ``{placeholders}``."""
    template = catalogue(language()).get(key)
    if template is None:
        template = catalogue(REFERENCE).get(key)
        if template is None:
            _log.error("missing translation key %s", key)
            return key
    return template.format(**params) if params else template


def pick(entry: dict[str, Any], field: str) -> Any:
    """Pick ``field`` of a data entry in the current language (``field_en`` for English)."""
    if language() == "en" and f"{field}_en" in entry:
        return entry[f"{field}_en"]
    return entry.get(field)
