"""The user's settings: a typed schema with defaults and a version, kept as JSON in the config folder.

Qt-free; the window keeps only its geometry in QSettings. A file from an older version is migrated on
load; an unknown key is ignored; a value of the wrong type is refused with the key named.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

SCHEMA_VERSION = 1
ENV_CONFIG_DIR = "QBAUDIT_CONFIG_DIR"


class SettingsError(QbauditError):
    """A settings file that cannot be used; ``str()`` names the file and the key, in Chinese."""


@dataclass
class Settings:
    """What a user can set. Every field has a default; ``schema_version`` says which shape this is."""

    schema_version: int = SCHEMA_VERSION
    database_url: str | None = None  # None: the SQLite file in the user's data folder
    keep_item_text: bool = False  # new audits keep item excerpts in the stored evidence
    language: str | None = None  # UI language (zh_CN or en); None: Simplified Chinese
    recent_audits: list[int] = field(default_factory=list)  # ids, most recent first (the window's File menu)
    last_folder: str | None = None  # where the window's file dialogs open


_TYPES: dict[str, tuple[type, ...]] = {"schema_version": (int,), "database_url": (str, type(None)),
                                       "keep_item_text": (bool,), "language": (str, type(None)),
                                       "recent_audits": (list,), "last_folder": (str, type(None))}


def settings_path() -> Path:
    """``settings.json`` in the user's config folder (or in ``QBAUDIT_CONFIG_DIR``)."""
    folder = os.environ.get(ENV_CONFIG_DIR)
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir("qbaudit", appauthor=False)
    return Path(folder) / "settings.json"


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older document to the current shape (version 1 is the first; nothing to do yet)."""
    data.setdefault("schema_version", SCHEMA_VERSION)
    return data


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`settings_path`), or the defaults when there is no file."""
    path = path or settings_path()
    if not path.is_file():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(tr("settings.unreadable", file=str(path))) from exc
    if not isinstance(data, dict):
        raise SettingsError(tr("settings.unreadable", file=str(path)))
    data = _migrate(data)
    known = {f.name for f in fields(Settings)}
    values = {}
    for key, value in data.items():
        if key not in known:
            continue
        if not isinstance(value, _TYPES[key]) or (isinstance(value, bool) and bool not in _TYPES[key]):
            raise SettingsError(tr("settings.wrong_type", file=str(path), key=key, value=repr(value)))
        values[key] = value
    if values.get("schema_version", SCHEMA_VERSION) > SCHEMA_VERSION:
        raise SettingsError(tr("settings.too_new", file=str(path), version=values["schema_version"]))
    values["schema_version"] = SCHEMA_VERSION
    return Settings(**values)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` as JSON and return the path."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
