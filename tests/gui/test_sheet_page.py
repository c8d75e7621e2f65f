"""The 评分表 page on the defective sample: overrides need a reason, the running total moves by the known
amount, veto items force 不合格, signing freezes the revision and a later change opens the next one.

Known answers: ``sample_banks/sample_audit.py`` — the 13 data suggestions total 27 points; overriding
line 12 (基本符合 1 → 1.5, with a reason) adds 0.5; the 11 document lines as in DOCUMENT_DECISIONS add
32: 59.5 points, 不合格.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from qbaudit.workbench import Changes

SAMPLE_AUDIT = Path(__file__).resolve().parents[2] / "sample_banks" / "sample_audit.py"


@pytest.fixture(scope="module")
def known():
    return runpy.run_path(str(SAMPLE_AUDIT))


@pytest.fixture
def page(qtbot, ctx, checked_bench):
    from qbaudit.views.pages.sheet import SheetPage

    widget = SheetPage(ctx)
    qtbot.addWidget(widget)
    ctx.set_workbench(checked_bench)
    return widget


def _decision(bench, line_id):
    return next(r.decision for r in bench.view.result.lines if r.line.id == line_id)


def _decide_documents(page, known):
    for line_id, (verdict, score, reason) in known["DOCUMENT_DECISIONS"]["defective"].items():
        assert page.select_line(line_id)
        page.set_verdict(verdict, score, reason)
        assert page.save_button.isEnabled(), (line_id, page.save_hint.text())
        assert page.save(), line_id


def test_models_pass_the_model_tester(qtmodeltester, checked_bench):
    from qbaudit.views.models.sheet import SheetModel, VetoModel

    lines, vetoes = SheetModel(), VetoModel()
    lines.set_view(checked_bench.view)
    vetoes.set_view(checked_bench.view)
    qtmodeltester.check(lines)
    qtmodeltester.check(vetoes)
    assert lines.rowCount() == 24 and vetoes.rowCount() == 4
    assert lines.index(11, 1).data() == "12 代码设计合理"
    assert lines.index(11, 4).data() == "基本符合 1"
    assert lines.index(0, 4).data() == "查阅材料"
    assert lines.index(0, 5).data() == "待评定"
    lines.set_view(None)
    qtmodeltester.check(lines)


def test_the_sheet_shows_suggestions_and_the_running_total(page, checked_bench):
    assert page.model.rowCount() == 24
    assert page.total_text() == "27"
    assert page.grade_text() == "待定"
    assert not page.sign_button.isEnabled()
    assert "24 行未评定" in page.sign_hint.text()
    page.select_line("12")
    assert "代码设计合理" in page.line_title.text()
    assert "R" in page.evidence_label.text()  # the findings it draws on, by rule
    assert "基本符合 1" in page.suggestion_label.text()
    page.select_line("1")
    assert "需查阅" in page.evidence_label.text()  # a documents line shows its checklist


def test_an_override_without_a_reason_is_refused_and_with_one_is_stored(page, ctx, checked_bench, qtbot):
    page.select_line("12")
    page.set_verdict("基本符合", 1.5)
    assert not page.save_button.isEnabled()
    assert "理由" in page.save_hint.text()
    assert page.save() is False
    assert ctx.errors_shown and "必须写明理由" in ctx.errors_shown[-1][0]
    assert _decision(checked_bench, "12") is None
    assert checked_bench.view.changes == ()

    reason = "细目表代码问题经现场核实已部分更正"
    page.set_verdict("基本符合", 1.5, reason)
    assert page.save_button.isEnabled()
    with qtbot.waitSignal(ctx.changed) as signal:
        assert page.save()
    assert signal.args[0] == Changes(decision=True)
    stored = _decision(checked_bench, "12")
    assert (stored.verdict.value, stored.score, stored.reason) == ("partly", 1.5, reason)
    assert page.total_text() == "27.5"  # the suggestion gave 1: the total moves by 0.5
    assert page.model.index(page.model.row_of("12"), 5).data() == "基本符合 1.5"
    assert "27.5" in page.total_label.text()


def test_a_part_score_out_of_range_cannot_be_saved(page, checked_bench):
    page.select_line("1")
    page.set_verdict("基本符合", 4.5, "超出分值")  # line 1 has 5 points; the spin box keeps 4.5 ≤ max − step
    assert page.score_spin.maximum() == 4.5
    page.set_verdict("基本符合", 2.25, "不在 0.5 分的刻度上")
    assert not page.save_button.isEnabled()
    assert "0.5" in page.save_hint.text()
    assert _decision(checked_bench, "1") is None


def test_a_veto_that_occurred_forces_the_failing_grade(page, ctx, checked_bench):
    assert page.set_veto("V2", True, "") is False  # a description is required
    assert ctx.errors_shown
    assert page.set_veto("V2", True, "抽查发现多道试题与标准内容不符")
    assert page.grade_text() == "不合格"
    assert "V2" in page.veto_state_label.text()
    assert page.veto_model.index(1, 2).data() == "发生"
    assert page.set_veto("V2", False, "")
    assert page.grade_text() == "待定"
    assert page.clear_vetoes() == 3
    assert all(d is not None and not d.occurred for _, d in checked_bench.view.result.vetoes)


def test_decide_everything_sign_and_a_later_change_opens_revision_two(page, ctx, checked_bench, known, qtbot):
    line, (verdict, score, reason) = next(iter(known["OVERRIDES"]["defective"].items()))
    page.select_line(line)
    page.set_verdict(verdict, score, reason)
    assert page.save()
    assert page.accept_all() == 12
    assert not page.sign_button.isEnabled()  # the document lines are still open
    assert page.sign() is False
    _decide_documents(page, known)
    page.clear_vetoes()
    assert page.total_text() == "59.5" == f"{known['EXPECTED_TOTAL']['defective']:g}"
    assert page.grade_text() == known["EXPECTED_GRADE"]["defective"]
    assert page.sign_button.isEnabled()

    with qtbot.waitSignal(ctx.changed) as signal:
        assert page.sign(confirm=False)
    assert signal.args[0] == Changes(signed=True)
    revision = checked_bench.store.load(checked_bench.audit_id).revision
    assert revision.signed and revision.number == 1 and revision.signed_total == 59.5
    assert "已签署" in page.revision_text() and revision.signed_sha256[:12] in page.revision_text()
    assert not page.sign_button.isEnabled()

    page.select_line("1")
    page.set_verdict("基本符合", 4, "复核后发现岗位职责未书面明确")
    assert "第 2 版" in page.save_hint.text()
    assert page.save()
    latest = checked_bench.store.load(checked_bench.audit_id)
    assert latest.revision.number == 2 and not latest.revision.signed
    assert checked_bench.store.load(checked_bench.audit_id, 1).revision.signed
    assert "第 2 版" in page.revision_text() and "草稿" in page.revision_text()
    assert page.total_text() == "58.5"  # 59.5 signed, line 1 lowered from 5 to 4


def test_signing_asks_first_naming_inspector_total_and_grade(page, checked_bench, known, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    checked_bench.accept_suggestions()
    page.audit_changed(Changes(decision=True))
    _decide_documents(page, known)
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    page.sign_button.click()
    assert asked and "张建国" in asked[0] and page.total_text() in asked[0] and "不合格" in asked[0]
    assert not checked_bench.view.revision.signed  # cancelled


def test_no_audit_shows_a_message(qtbot, ctx):
    from qbaudit.views.pages.sheet import SheetPage

    page = SheetPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    assert not page.splitter.isVisibleTo(page)
    assert page.save() is False and page.total_text() == ""
