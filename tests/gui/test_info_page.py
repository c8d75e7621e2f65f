"""The 基本信息 page on the defective sample: institution and inspectors, the acting inspector, the rule
profile and as-of date of the next run, the revisions, inputs and the history of changes."""

from __future__ import annotations

import datetime as dt

import pytest

from qbaudit.workbench import Changes


@pytest.fixture
def page(qtbot, ctx, checked_bench):
    from qbaudit.views.pages.info import InfoPage

    widget = InfoPage(ctx)
    qtbot.addWidget(widget)
    ctx.set_workbench(checked_bench)
    return widget


def test_the_page_shows_the_institution_and_inspectors(page, checked_bench):
    from qbaudit.samples import INSTITUTION

    assert page.fields["institution"].text() == INSTITUTION
    assert page.fields["occupation"].text() == "焊工"
    assert "草稿" in page.fields["revision"].text()
    assert "张建国（组长，证卡编码 R3725A012）" in page.inspectors_label.text()
    assert "李秀英（组员）" in page.inspectors_label.text()
    assert page.inspector_combo.count() == 2
    assert page.inputs_model.rowCount() == len(checked_bench.view.run.inputs) == 5
    bank = next(r for r in range(5) if page.inputs_model.index(r, 1).data() == "bank.xlsx")
    assert page.inputs_model.index(bank, 2).data() == checked_bench.view.run.inputs[0].sha256[:16]
    assert page.as_of_edit.date().toString("yyyy-MM-dd") == "2026-11-01"
    assert page.profile_combo.currentData() == checked_bench.profile.id


def test_changing_the_acting_inspector_changes_the_workbench(page, ctx, checked_bench, qtbot):
    assert checked_bench.inspector == "张建国"
    with qtbot.waitSignal(ctx.changed) as signal:
        page.inspector_combo.setCurrentIndex(1)
    assert signal.args[0] == Changes(info=True)
    assert checked_bench.inspector == "李秀英"
    checked_bench.decide("1", "符合", None, "")
    ctx.apply(Changes(decision=True))
    assert page.changes_model.index(0, 1).data() == "李秀英"  # decisions are recorded under the acting inspector
    assert page.changes_model.index(0, 2).data() == "1 管理职责明确"
    assert page.changes_model.index(0, 3).data() == "—" and page.changes_model.index(0, 4).data() == "符合 5"
    assert page.set_inspector("不是督导员") is False
    assert checked_bench.inspector == "李秀英"


def test_profile_and_as_of_date_are_set_for_the_next_run(page, ctx, checked_bench, qtbot):
    from qbaudit.analysis.profile import bundled_profiles

    others = [pid for pid, _ in bundled_profiles() if pid != checked_bench.profile.id]
    assert others, "a second bundled profile is expected"
    with qtbot.waitSignal(ctx.changed) as signal:
        page.profile_combo.setCurrentIndex(page.profile_combo.findData(others[0]))
    assert signal.args[0] == Changes(info=True)
    assert checked_bench.profile.id == others[0] and checked_bench.stale
    assert "重新运行检查" in page.checks_note.text()
    with qtbot.waitSignal(ctx.changed):
        page.as_of_edit.setDate(page.as_of_edit.date().addDays(30))
    assert checked_bench.as_of == dt.date(2026, 12, 1)


def test_revisions_and_changes_follow_the_record(page, ctx, checked_bench):
    checked_bench.decide("12", "基本符合", 1.5, "细目表代码问题经现场核实已部分更正")
    checked_bench.decide_veto("V1", False, "")
    ctx.apply(Changes(decision=True))
    assert page.changes_model.rowCount() == 2
    assert page.changes_model.index(0, 2).data() == "不合格项 V1"
    assert page.changes_model.index(0, 4).data() == "未发生"
    assert page.changes_model.index(1, 4).data() == "基本符合 1.5"
    assert page.tabs.tabText(2) == "修改记录（2）"
    assert page.revisions_model.rowCount() == 1
    assert page.revisions_model.index(0, 3).data() == "草稿"


def test_models_pass_the_model_tester(qtmodeltester, page, ctx, checked_bench):
    checked_bench.decide("12", "基本符合", 1.5, "理由")
    ctx.apply(Changes(decision=True))
    for model in (page.revisions_model, page.inputs_model, page.changes_model):
        qtmodeltester.check(model)
    from qbaudit.views.pages.info import ChangesModel

    qtmodeltester.check(ChangesModel())


def test_no_audit_shows_a_message(qtbot, ctx):
    from qbaudit.views.pages.info import InfoPage

    page = InfoPage(ctx)
    qtbot.addWidget(page)
    assert not page.content.isVisibleTo(page) and page.empty_label.isVisibleTo(page)
    assert page.set_inspector("张建国") is False
