"""Bounded work: an import and a check run within the time and memory budget of ``formats.toml`` and stop
with a Chinese message when it is spent; Cancel reaches the loops inside a reader (``progress.tick``)."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from qbaudit.analysis import progress
from qbaudit.analysis.inputs import ImportOptions, import_input
from qbaudit.analysis.progress import Budget, BudgetExceeded, Cancelled

ROOT = Path(__file__).resolve().parents[2]
WORD = ROOT / "tests" / "fixtures" / "real_shapes" / "焊工_判断题改正.docx"
BANK = ROOT / "sample_banks" / "compliant" / "bank.xlsx"


@pytest.fixture
def budget(monkeypatch):
    """Replace the bundled budget with the given numbers."""
    def set_budget(**numbers: float) -> None:
        limits = {"import_seconds": 900.0, "check_seconds": 1800.0, "memory_mib": 1024.0, **numbers}
        monkeypatch.setattr(progress, "budget_limits", lambda: limits)
    return set_budget


def test_bundled_budget_is_the_tools_own_numbers():
    limits = progress.budget_limits()
    assert limits["import_seconds"] > 0 and limits["check_seconds"] > 0 and limits["memory_mib"] == 1024


def test_time_budget_stops_an_import_with_a_message(budget):
    budget(import_seconds=-1)
    with pytest.raises(BudgetExceeded) as stopped:
        import_input("bank", [BANK])
    assert "导入" in str(stopped.value) and "时间预算" in str(stopped.value)


def test_memory_budget_stops_the_work(monkeypatch, budget):
    budget(memory_mib=100)
    readings = iter([500 << 20] + [5000 << 20] * 1000)
    monkeypatch.setattr(progress, "resident_memory", lambda: next(readings))
    monkeypatch.setattr(progress, "_MEMORY_EVERY", 0.0)
    with pytest.raises(BudgetExceeded) as stopped:
        import_input("bank", [BANK])
    assert "内存" in str(stopped.value) and "100 MiB" in str(stopped.value)


def test_check_budget_stops_the_checks(budget):
    import datetime as dt

    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.run import AuditRun
    from qbaudit.operations import run_checks as check_inputs

    run = AuditRun(profile=load_profile(None), as_of=dt.date(2026, 11, 1))
    run.imports["bank"] = import_input("bank", [BANK])
    budget(check_seconds=-1)
    with pytest.raises(BudgetExceeded) as stopped:
        run = check_inputs(run.imports, run.profile, run.as_of)
    assert "检查" in str(stopped.value)


class _CancelAfter:
    """A state that asks to stop from its ``calls``-th look on."""

    def __init__(self, calls: int) -> None:
        self.calls, self.seen = calls, 0

    def set_progress(self, fraction: float, text: str = "") -> None:
        pass

    def is_cancelled(self) -> bool:
        self.seen += 1
        return self.seen >= self.calls


def test_cancel_reaches_the_paragraph_loop_of_a_word_bank():
    with pytest.raises(Cancelled) as cancelled:
        import_input("bank", [WORD], options=ImportOptions(default_level=4), state=_CancelAfter(3))
    frames = [frame.filename for frame in traceback.extract_tb(cancelled.tb)]
    assert any(name.endswith("importers/docx.py") for name in frames)


def test_tick_outside_any_work_does_nothing():
    progress.tick()  # no budget running on this thread
    with Budget(None, "import").running():
        progress.tick()


def test_budget_spent_is_a_message_on_the_command_line(budget, capsys):
    from qbaudit.cli import main
    from qbaudit.plumbing import EXIT_INPUT

    budget(import_seconds=-1)
    status = main(["check", "--bank", str(BANK)])
    assert status == EXIT_INPUT
    assert "时间预算" in capsys.readouterr().out
