"""Settings: a typed schema with defaults and a version, stored as JSON."""

from __future__ import annotations

import json

import pytest

from qbaudit.settings import SCHEMA_VERSION, Settings, SettingsError, load_settings, save_settings, settings_path


def test_defaults_without_a_file_and_a_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))
    assert settings_path() == tmp_path / "config" / "settings.json"
    assert load_settings() == Settings(schema_version=SCHEMA_VERSION, database_url=None, keep_item_text=False)
    save_settings(Settings(database_url="postgresql://u@127.0.0.1/qb", keep_item_text=True))
    assert load_settings() == Settings(database_url="postgresql://u@127.0.0.1/qb", keep_item_text=True)


def test_unknown_keys_are_ignored_and_wrong_types_refused(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"database_url": None, "window": [1, 2]}), encoding="utf-8")
    assert load_settings(path) == Settings()
    path.write_text(json.dumps({"keep_item_text": "yes"}), encoding="utf-8")
    with pytest.raises(SettingsError, match="「keep_item_text」的值 'yes' 类型不对"):
        load_settings(path)
    path.write_text(json.dumps({"schema_version": 9}), encoding="utf-8")
    with pytest.raises(SettingsError, match="更新版本"):
        load_settings(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(SettingsError, match="不是有效的 JSON"):
        load_settings(path)
