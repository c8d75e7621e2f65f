"""The sample banks are made by the generator in the repo, and it reproduces them exactly."""

from __future__ import annotations

import hashlib
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_generator_reproduces_the_committed_samples(tmp_path):
    generator = runpy.run_path(str(ROOT / "sample_banks" / "generate.py"))
    generator["generate"](tmp_path)
    for name in ("compliant", "defective"):
        for file in ("bank.xlsx", "blueprint.xlsx", "standard.xlsx", "manifest.json"):
            fresh = hashlib.sha256((tmp_path / name / file).read_bytes()).hexdigest()
            committed = hashlib.sha256((ROOT / "sample_banks" / name / file).read_bytes()).hexdigest()
            assert fresh == committed, f"{name}/{file} differs: run python sample_banks/generate.py"


def test_samples_meet_the_issue_sizes(manifests):
    levels = manifests["compliant"]["expected"]
    assert len(levels) >= 2
    assert any(e["items"] >= 1000 and e["points"] >= 200 for e in levels.values())
