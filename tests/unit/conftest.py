"""Fixtures of the report tests: the sample runs, signed audits of both samples, and their documents.

The known answers: the manifests, and the totals of ``sample_banks/sample_audit.py`` (defective 59.5
points, 不合格; compliant 100 points, 优良).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_banks"


@pytest.fixture(scope="session")
def sample_audit_module() -> dict:
    """``sample_banks/sample_audit.py`` as a namespace."""
    return runpy.run_path(str(SAMPLES / "sample_audit.py"))


@pytest.fixture(scope="session")
def sample_runs(sample_audit_module) -> dict:
    """The audit runs of both samples at their manifests' dates."""
    return {name: sample_audit_module["run_sample"](name) for name in ("compliant", "defective")}


@pytest.fixture(scope="session")
def signed_audits(tmp_path_factory, sample_runs, sample_audit_module) -> dict:
    """A SQLite store with a signed audit of each sample: ``{"url": …, "ids": {…}, "views": {…}}``."""
    from qbaudit.store import AuditStore

    url = f"sqlite:///{tmp_path_factory.mktemp('audits') / 'audits.sqlite3'}"
    with AuditStore(url) as store:
        ids = {name: sample_audit_module["record_sample_audit"](store, name, run=run) for name, run in sample_runs.items()}
        views = {name: store.load(audit_id) for name, audit_id in ids.items()}
    return {"url": url, "ids": ids, "views": views}


@pytest.fixture(scope="session")
def report_files(tmp_path_factory, sample_runs, signed_audits) -> dict:
    """The Word reports, made once: the quick check of the defective sample and both signed audits."""
    from qbaudit.report import report_from_run, report_from_view, write_report

    folder = tmp_path_factory.mktemp("reports")
    files = {"quick": write_report(report_from_run(sample_runs["defective"], institution="某市职业技能等级认定中心"),
                                   folder / "quick.docx")}
    for name, view in signed_audits["views"].items():
        files[name] = write_report(report_from_view(view), folder / f"{name}.docx")
    return files
