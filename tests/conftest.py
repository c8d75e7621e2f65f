"""Shared fixtures. The sample banks in ``sample_banks/`` and their manifests are the known answers."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

# Set before anything imports Qt (the GUI tests run without a display).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QBAUDIT_LANG"] = "zh_CN"

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_banks"


@pytest.fixture(autouse=True)
def _chinese_ui():
    from qbaudit.i18n import set_language

    set_language("zh_CN")
    yield
    set_language("zh_CN")


def sample_path(name: str, kind: str) -> Path:
    """Path of one file of a sample bank (``compliant`` or ``defective``)."""
    return SAMPLES / name / f"{kind}.xlsx"


@pytest.fixture(scope="session")
def manifests() -> dict[str, dict]:
    return {name: json.loads((SAMPLES / name / "manifest.json").read_text(encoding="utf-8"))
            for name in ("compliant", "defective")}


@pytest.fixture(scope="session")
def sample_imports():
    """The imports of both samples, made once per test session."""
    from qbaudit.analysis.importers import import_bank, import_blueprint, import_standard

    return {
        name: {
            "bank": import_bank(sample_path(name, "bank")),
            "blueprint": import_blueprint(sample_path(name, "blueprint")),
            "standard": import_standard(sample_path(name, "standard")),
        }
        for name in ("compliant", "defective")
    }


@pytest.fixture(scope="session")
def sample_reports(sample_imports, manifests):
    """The check reports of both samples under the national profile, at each manifest's date."""
    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.checks.context import AuditInput
    from qbaudit.analysis.profile import load_profile

    profile = load_profile()
    reports = {}
    for name, imports in sample_imports.items():
        data = AuditInput(imports["bank"].data, imports["blueprint"].data, imports["standard"].data,
                          dt.date.fromisoformat(manifests[name]["as_of"]))
        reports[name] = run_checks(data, profile)
    return reports
