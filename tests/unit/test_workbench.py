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


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_changes_say_what_changed():
    from qbaudit.workbench import Changes

    assert not Changes() and Changes().kinds == ()
    both = Changes(decision=True) | Changes(signed=True, result=3)
    assert both.kinds == ("decision", "signed") and both.result == 3
    assert both.touches("run", "signed") and not both.touches("inputs", "run")
    assert Changes(run=True, result="a") == Changes(run=True, result="b")  # what changed, not what it returned


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from qbaudit.samples import open_sample_audit

    with AuditStore(f"sqlite:///{tmp_path_factory.mktemp('bench') / 'audits.db'}") as opened:
        open_sample_audit(opened, "defective")
        yield opened


def _checked(store):
    from qbaudit.samples import find_sample_audit

    bench = Workbench(store, find_sample_audit(store, "defective"))
    assert bench.reopen().result == {}
    return bench


@pytest.mark.slow
def test_a_check_job_leaves_the_workbench_alone_until_its_outcome_is_applied(sample_store):
    from qbaudit.workbench import Changes, Checked

    bench = _checked(sample_store)
    view, run = bench.view, bench.run
    job = bench.check_job()
    outcome = job(None)  # on any thread: it reads its own copies and writes only to the store
    assert isinstance(outcome, Checked) and bench.run is run and bench.view is view and bench.stale
    changes = bench.apply(outcome)
    assert changes == Changes(run=True) and changes.result is outcome.run
    assert bench.run is outcome.run and not bench.stale and bench.view is not view


@pytest.mark.slow
def test_a_run_of_inputs_changed_meanwhile_leaves_the_checks_stale(sample_store):
    bench = _checked(sample_store)
    job = bench.check_job()
    assert bench.forget("plan").inputs  # taken while the job runs
    outcome = job(None)
    bench.apply(outcome)
    assert bench.run is outcome.run and bench.stale  # the run does not reflect the inputs any more
    assert "plan" in outcome.run.imports and "plan" not in bench.imports


def test_settings_of_the_next_check_are_workbench_steps(sample_store):
    from qbaudit.analysis.profile import bundled_profiles
    from qbaudit.workbench import Changes

    bench = Workbench(sample_store, sample_store.list_audits()[0].id)
    bench.stale = False
    other = next(pid for pid, _ in bundled_profiles() if pid != bench.profile.id)
    assert bench.set_profile(other) == Changes(info=True) and bench.profile.id == other and bench.stale
    assert not bench.set_profile(other)  # the same again changes nothing
    assert bench.set_as_of(dt.date(2027, 1, 1)) == Changes(info=True) and bench.as_of == dt.date(2027, 1, 1)
    assert not bench.set_as_of(dt.date(2027, 1, 1))
    second = bench.view.inspectors[1][0]
    assert bench.set_inspector(second) == Changes(info=True) and bench.inspector == second
    with pytest.raises(WorkbenchError, match="不是本审核的督导员"):
        bench.set_inspector("路人甲")


def test_sheet_steps_report_what_they_changed(sample_store):
    from qbaudit.workbench import Changes

    bench = Workbench(sample_store, sample_store.list_audits()[0].id)
    taken = bench.accept_suggestions()
    assert taken == Changes(decision=True) and taken.result > 0
    again = bench.accept_suggestions()
    assert not again and again.result == 0  # nothing left to take: nothing to refresh
    vetoes = bench.decide_open_vetoes()
    assert vetoes.decision and vetoes.result == len(bench.view.sheet.vetoes)
    assert all(d is not None and not d.occurred for _, d in bench.view.result.vetoes)
    assert bench.sign_refusal().reason == "undecided"  # the lines judged from documents are open
