"""The workbench the window drives: read without taking, take, check, decide, export, sign, reopen."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from qbaudit.analysis.inputs import ImportOptions
from qbaudit.analysis.progress import Cancelled
from qbaudit.analysis.sheets import load_sheet
from qbaudit.store import AuditStore, InspectorInput
from qbaudit.workbench import Workbench, WorkbenchError
from tests.conftest import SAMPLES, paper_files, sample_path


@pytest.fixture
def store(tmp_path):
    with AuditStore(f"sqlite:///{tmp_path / 'audits.db'}") as opened:
        yield opened


def _audit(store):
    return store.create_audit(institution="某市职业技能等级认定中心", registration_number="S370100123",
                              occupation="焊工", levels=[4, 3, 2], inspectors=[InspectorInput("张建国", "组长")],
                              sheet=load_sheet())


class _CancelAt:
    def __init__(self):
        self.calls = 0

    def set_progress(self, fraction, text=""):
        self.calls += 1

    def is_cancelled(self):
        return self.calls >= 1


def test_reading_takes_nothing_until_accepted_and_a_cancel_leaves_the_audit_as_it_was(store, manifests):
    bench = Workbench(store, _audit(store), as_of=dt.date.fromisoformat(manifests["defective"]["as_of"]))
    result = bench.read("bank", [sample_path("defective", "bank")])
    assert result.ok and result.rows_taken == len(result.data.items) > 3000
    assert bench.imports == {} and store.sources(bench.audit_id) == {}
    with pytest.raises(Cancelled):
        bench.read("blueprint", [sample_path("defective", "blueprint")], state=_CancelAt())
    assert bench.imports == {} and store.sources(bench.audit_id) == {}
    assert bench.read("papers", paper_files("defective")).error  # papers need the bank first
    with pytest.raises(WorkbenchError):
        bench.check()


def test_the_whole_flow_without_a_window(store, manifests, tmp_path):
    name = "defective"
    bench = Workbench(store, _audit(store), as_of=dt.date.fromisoformat(manifests[name]["as_of"]))
    for kind, paths in [("bank", [sample_path(name, "bank")]), ("blueprint", [sample_path(name, "blueprint")]),
                        ("standard", [sample_path(name, "standard")]), ("plan", [SAMPLES / name / "plan.xlsx"]),
                        ("papers", paper_files(name))]:
        result = bench.read(kind, paths)
        assert result.ok, result.error
        bench.accept(kind, paths, None, result)
    assert sorted(store.sources(bench.audit_id)) == ["bank", "blueprint", "papers", "plan", "standard"]
    run = bench.check().result
    assert not bench.stale and run.report is not None
    failed = {f.rule for f in run.report.findings if f.status.value == "fail"}
    assert {"R2", "R6", "R11"} <= failed
    view = bench.refresh()
    assert view.run is not None and len(view.findings) == len(run.report.findings)
    line = next(row for row in view.result.lines if row.suggestion and row.suggestion.verdict is not None)
    with pytest.raises(Exception, match="理由"):
        bench.decide(line.line.id, "不符合", 0, "")
    bench.decide(line.line.id, "不符合", 0, "现场核实不符合")
    bench.accept_suggestions()
    for row in bench.view.result.lines:
        if row.decision is None:
            bench.decide(row.line.id, "符合", None, "")
    for veto in bench.view.sheet.vetoes:
        bench.decide_veto(veto.id, False, "")
    out = tmp_path / "报告.docx"
    outcome = bench.export("report", out).result
    assert out.is_file() and outcome.path == out
    assert [e.kind for e in bench.view.exports] == ["report"]
    info = bench.sign().result
    assert info.signed and bench.signed

    # Reopened in a later session: the inputs are read again from where they were; a moved file is said.
    again = Workbench(store, bench.audit_id)
    assert again.as_of == bench.as_of and again.profile.id == bench.profile.id
    assert again.reopen().result == {}
    assert sorted(again.imports) == ["bank", "blueprint", "papers", "plan", "standard"]
    copy = tmp_path / "bank.xlsx"
    shutil.copy(sample_path(name, "bank"), copy)
    result = again.read("bank", [copy], ImportOptions())
    again.accept("bank", [copy], ImportOptions(), result)
    assert "papers" not in again.imports  # matched against the old bank: read again at the next check
    copy.unlink()
    problems = Workbench(store, bench.audit_id).reopen().result
    assert sorted(problems) == ["bank", "papers"]
    assert "找不到" in problems["bank"] and "请先导入题库" in problems["papers"]


def test_the_sample_audit_is_found_again_per_sample_and_not_once_signed(store):
    from qbaudit.samples import find_sample_audit, open_sample_audit

    first = open_sample_audit(store, "defective")
    assert find_sample_audit(store, "defective") == first.audit_id
    assert find_sample_audit(store, "compliant") is None
    assert open_sample_audit(store, "defective").audit_id == first.audit_id  # reused while unsigned
    first.accept_suggestions()
    for row in first.view.result.lines:
        if row.decision is None:
            first.decide(row.line.id, "符合", None, "")
    for veto in first.view.sheet.vetoes:
        first.decide_veto(veto.id, False, "")
    first.sign()
    assert find_sample_audit(store, "defective") is None
