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


def pytest_collection_modifyitems(config, items):
    """Mark what a developer may leave out of a quick run: the GUI tests (everything under tests/gui) and the
    tests on a PostgreSQL server (the ``postgresql`` case of a parametrised test)."""
    gui = ROOT / "tests" / "gui"
    for item in items:
        if gui in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gui)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in [str(value) for value in callspec.params.values()]:
            item.add_marker(pytest.mark.postgres)


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
    from qbaudit.analysis.importers.papers import import_papers, import_plan

    imports = {}
    for name in ("compliant", "defective"):
        bank = import_bank(sample_path(name, "bank"))
        imports[name] = {
            "bank": bank,
            "blueprint": import_blueprint(sample_path(name, "blueprint")),
            "standard": import_standard(sample_path(name, "standard")),
            "plan": import_plan(SAMPLES / name / "plan.xlsx"),
            "papers": import_papers(paper_files(name), bank=bank.data),
        }
    return imports


def paper_files(name: str) -> list[Path]:
    """The paper files of a sample (a list workbook, and Word papers where there are any)."""
    files = json.loads((SAMPLES / name / "manifest.json").read_text(encoding="utf-8"))["files"]["papers"]
    return [SAMPLES / name / file for file in files]


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
                          dt.date.fromisoformat(manifests[name]["as_of"]), papers=imports["papers"].data,
                          plan=imports["plan"].data)
        reports[name] = run_checks(data, profile)
    return reports


# --- the audit record: SQLite always, PostgreSQL when a server is given ----------------------------

POSTGRES_ENV = "QBAUDIT_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _no_user_folders(tmp_path, monkeypatch):
    """Tests never read or write the user's data, config or log folders, nor a database from the environment."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "home" / variable.lower()))
    monkeypatch.delenv("QBAUDIT_DATABASE_URL", raising=False)
    monkeypatch.delenv("QBAUDIT_CONFIG_DIR", raising=False)


def _postgres_database():
    """A fresh, empty database on the test server; dropped afterwards. Skips only where no server is given."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} 未设置：CI 中 PostgreSQL 测试必须运行（./dev test 会启动临时服务器）")
        pytest.skip(f"PostgreSQL 测试跳过：没有设置 {POSTGRES_ENV}（./dev test 会在 127.0.0.1 上启动一个临时服务器）")
    from qbaudit.store.database import normalise_url

    admin_url = normalise_url(admin_url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    name = f"qbaudit_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the given server fails the test
        admin.dispose()
        pytest.fail(f"PostgreSQL 服务器 {make_url(admin_url).render_as_string(hide_password=True)} 无法使用：{exc}")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database: a SQLite file in a temporary folder, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audits.sqlite3'}"
        return
    yield from _postgres_database()
