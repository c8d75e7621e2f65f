"""Packaging: the core runs without Qt, every package is listed, resources ship with the code."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BLOCK_QT = """
import sys
class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is absent in this test')
sys.meta_path.insert(0, _NoQt())
"""


@pytest.mark.slow
def test_core_imports_and_runs_with_qt_absent():
    code = BLOCK_QT + """
import qbaudit.analysis, qbaudit.analysis.importers, qbaudit.analysis.checks, qbaudit.analysis.run, qbaudit.cli
import qbaudit.analysis.sheets, qbaudit.analysis.cards, qbaudit.store, qbaudit.store.models, qbaudit.settings
import qbaudit.workbench, qbaudit.samples, qbaudit.analysis.inputs, qbaudit.views.app  # the window's core: no Qt
from qbaudit.analysis.profile import load_profile
from qbaudit.operations import run_audit
run = run_audit('sample_banks/compliant/bank.xlsx', 'sample_banks/compliant/blueprint.xlsx', load_profile())
assert run.ok and run.report.findings
from qbaudit.analysis.sheets import load_sheet, suggest
assert suggest(load_sheet(), run.report.findings)
from qbaudit.store import AuditStore
with AuditStore('sqlite://') as store:
    assert store.list_audits() == []
import tempfile, pathlib, qbaudit.report, qbaudit.report.charts, qbaudit.cli.report
from qbaudit.report import report_from_run, write_report, write_problem_list, write_findings_export
data = report_from_run(run)
with tempfile.TemporaryDirectory() as folder:
    assert write_report(data, pathlib.Path(folder) / 'r.docx').charts == 5  # matplotlib draws without Qt
    write_problem_list(data, pathlib.Path(folder) / 'p.xlsx')
    write_findings_export(data, pathlib.Path(folder) / 'f.xlsx')
assert not any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules)
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "qbaudit").rglob("__init__.py")}
    found.add("qbaudit.resources")
    found |= {".".join(("qbaudit", "resources", *p.relative_to(ROOT / "resources").parts))
              for p in (ROOT / "resources").rglob("*") if p.is_dir() and p.name != "__pycache__"}
    assert found == listed


def test_resources_are_reachable_through_the_package():
    from qbaudit.bundled import resource

    for name in ("columns.toml", "vocabulary.toml", "rules.toml", "profiles/national-2024.toml",
                 "schemas/profile.schema.json", "i18n/zh_CN.toml", "i18n/en.toml", "sheets/proposition-2024.toml",
                 "indicators/mohrss-2024.toml", "schemas/sheet.schema.json", "schemas/indicators.schema.json",
                 "cards/shandong-2022.toml", "report/style.toml", "report/problems.toml", "report/notice.toml",
                 "report/kinds.toml"):
        assert resource(name).is_file(), name
