"""Every crash ever found stays a regression case: the inputs of ``tests/fixtures/crashes`` (listed with what
they must give in ``crashes.toml``) import, or are refused with one Chinese message, and never reach the
door's last resort."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

from qbaudit.analysis.importers import guard
from qbaudit.analysis.inputs import ImportOptions, import_input

ROOT = Path(__file__).resolve().parents[2]
CRASHES = ROOT / "tests" / "fixtures" / "crashes"
ENTRIES = tomllib.loads((CRASHES / "crashes.toml").read_text(encoding="utf-8"))["crash"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_crash_input(entry):
    path = (CRASHES / entry["file"]).resolve()
    before = len(guard.unexpected_failures())
    result = import_input(entry["kind"], [path], options=ImportOptions(default_level=entry.get("level")))
    assert guard.unexpected_failures()[before:] == []
    assert result.ok == (entry["expect"] == "ok"), result.error
    if result.error:
        assert re.search(r"[\u4e00-\u9fff]", result.error) and f"「{path.name}」" in result.error
    if "taken" in entry:
        assert result.rows_taken == entry["taken"]
    if "rejected" in entry:
        assert len(result.rejected) == entry["rejected"]
    if "says" in entry:
        assert entry["says"] in (result.error or "") + "".join(i.reason + (i.column or "") for i in result.issues)
    if entry.get("check"):
        from qbaudit.operations import run_audit

        blueprint = ROOT / entry["blueprint"] if "blueprint" in entry else None
        run = run_audit(path, blueprint, default_level=entry.get("level"), as_of=dt.date(2026, 11, 1))
        assert run.ok and run.report is not None and run.report.findings
