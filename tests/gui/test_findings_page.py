"""The findings page on the checked defective sample: grouping and status as the manifest says, evidence,
jumping to the bank browser, the R11 pair view, and dismissing a pair."""

from __future__ import annotations

import pytest

from qbaudit.views.diff import COLOURS, DELETE, EQUAL, INSERT, REPLACE, diff_spans
from qbaudit.workbench import Changes

# --- the pure diff (no widgets) ----------------------------------------------------------------------------


def _covers(text, spans):
    assert "".join(text[s.start:s.end] for s in spans) == text
    assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))


def test_diff_spans_marks_replaced_inserted_and_deleted_characters():
    a, b = "焊接压力表的读数", "焊接电压表读数正常"
    left, right = diff_spans(a, b)
    _covers(a, left)
    _covers(b, right)
    assert [(a[s.start:s.end], s.tag) for s in left if s.tag != EQUAL] == [("力", DELETE), ("的", DELETE)]
    assert [(b[s.start:s.end], s.tag) for s in right if s.tag != EQUAL] == [("电", INSERT), ("正常", INSERT)]
    assert {s.tag for s in left} <= {EQUAL, DELETE, REPLACE}
    assert {s.tag for s in right} <= {EQUAL, INSERT, REPLACE}
    assert "正常" in "".join(b[s.start:s.end] for s in right if s.tag == INSERT)


def test_diff_spans_of_equal_and_empty_texts():
    left, right = diff_spans("相同", "相同")
    assert [s.tag for s in left] == [EQUAL] and [s.tag for s in right] == [EQUAL]
    left, right = diff_spans("", "新")
    assert left == [] and [(s.start, s.end, s.tag) for s in right] == [(0, 1, INSERT)]
    left, right = diff_spans("见", "钢")
    assert [s.tag for s in left] == [REPLACE] and [s.tag for s in right] == [REPLACE]


# --- the page --------------------------------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, ctx, checked_bench):
    from qbaudit.views.pages.findings import FindingsPage

    widget = FindingsPage(ctx)
    qtbot.addWidget(widget)
    ctx.set_workbench(checked_bench)
    return widget


@pytest.fixture
def bank_page(qtbot, ctx, page):
    from qbaudit.views.pages.bank import BankPage

    widget = BankPage(ctx)
    qtbot.addWidget(widget)
    widget.audit_opened()
    ctx.jump.connect(widget.jump_to)
    return widget


def test_findings_are_grouped_by_rule_and_level_as_the_manifest_says(page, manifests, qtmodeltester):
    from qbaudit.analysis.rules import rule
    from qbaudit.views.models.status import StatusRole

    model = page.model
    qtmodeltester.check(model)
    expected = manifests["defective"]["status"]
    for rule_id, levels in expected.items():
        rule_row = model.rule_index(rule_id)
        assert rule_row.isValid(), rule_id
        assert model.data(rule_row) == f"{rule_id} {rule(rule_id).name}"
        for level_key, status in levels.items():
            level = None if level_key == "bank" else int(level_key)
            index = model.index_of(rule_id, level)
            assert index.isValid(), (rule_id, level)
            assert index.parent() == rule_row
            assert model.data(index, StatusRole) == status, (rule_id, level)
    # the word, not only the colour
    assert model.data(model.index_of("R2", 4, 1)) == "不符合"
    assert model.data(model.index_of("R2", 3, 1)) == "符合"
    assert model.data(model.index_of("R2", 4, 0)) == "四级/中级工"
    assert model.data(model.index_of("R2", 4, 2)) == "2 道"
    assert model.data(model.index_of("R2", 4, 3)) == "≥ 5 道"
    # rules in catalogue order
    rules = [model.data(model.index(row, 0)).split()[0] for row in range(model.rowCount())]
    assert rules == sorted(rules, key=lambda r: int(r[1:]))


def test_filter_shows_only_failed_findings_and_warnings(page, checked_bench, qtmodeltester):
    from qbaudit.analysis.model import Status
    from qbaudit.views.models.status import StatusRole

    findings = checked_bench.view.findings
    problems = [f for f in findings if f.status in (Status.FAIL, Status.WARN)]
    assert f"共 {len(findings)} 项结论" in page.counts_label.text()
    page.filter_combo.setCurrentIndex(1)
    model = page.model
    qtmodeltester.check(model)
    assert model.shown_count() == len(problems)
    for row in range(model.rowCount()):
        parent = model.index(row, 0)
        for child in range(model.rowCount(parent)):
            assert model.data(model.index(child, 0, parent), StatusRole) in ("fail", "warn")
    assert not model.index_of("R2", 3).isValid()
    assert f"显示 {len(problems)} 项" in page.counts_label.text()
    assert "不符合 " in page.counts_label.text()
    # choosing a finding the filter hides shows every finding again
    assert page.select_finding("R2", 3)
    assert page.filter_combo.currentIndex() == 0


def test_choosing_a_finding_shows_message_clause_and_evidence(page, qtmodeltester):
    assert page.select_finding("R2", 4)
    finding = page.selected_finding()
    assert finding.rule == "R2" and finding.level == 4
    assert page.message_label.text() == finding.message
    assert "人社厅函" in page.clause_label.text()
    assert "2 道" in page.values_label.text() and "≥ 5 道" in page.values_label.text()
    models = page.evidence_models()
    assert len(models) == 2
    for model in models:
        qtmodeltester.check(model)
    evidence = page.evidence_model()
    assert evidence.rowCount() == 12  # the manifest's points_short_of_items of 四级
    from PySide6.QtCore import Qt

    assert evidence.headerData(0, Qt.Orientation.Horizontal) == "考评点代码"


def test_activating_a_row_of_a_failed_r2_finding_shows_its_point_in_the_bank(page, bank_page, ctx, qtbot,
                                                                          manifests, checked_bench):
    from qbaudit.analysis.columns import ItemColumns as C

    page.select_finding("R2", 4)
    evidence = page.evidence_model()
    code = evidence.row_values(0)["code"]
    assert code in manifests["defective"]["expected"]["4"]["points_short_of_items"]
    with qtbot.waitSignal(ctx.jump) as jumped:
        target = page.activate_evidence_row(0)
    assert target == ("point", code) and jumped.args == ["point", code]
    items = checked_bench.bank.items
    assert bank_page.model.rowCount() == int((items[C.POINT_CODE] == code).sum())
    position = bank_page.current_position()
    assert position >= 0 and items[C.POINT_CODE].iloc[position] == code
    assert bank_page.model.filter.point == code


def test_activating_an_item_row_selects_the_item_in_the_bank(page, bank_page, ctx, qtbot, checked_bench):
    page.select_finding("R11", 4)
    evidence = page.evidence_model()
    first, second = evidence.pair(0)
    with qtbot.waitSignal(ctx.jump):
        assert page.activate_evidence_row(0) == ("item", first)
    assert bank_page.current_item_id() == first
    # the column chosen counts: the second item of the pair
    column = evidence.keys.index("item_b")
    page.activate_evidence_row(0, column)
    assert bank_page.current_item_id() == second
    # the view's activation (Enter / double-click) goes the same way
    view = page.evidence_view
    view.activated.emit(evidence.index(0, evidence.keys.index("item_a")))
    assert bank_page.current_item_id() == first
    assert first in bank_page.detail_text()


def test_a_row_naming_nothing_does_not_jump(page, ctx, qtbot):
    page.select_finding("R3", 4)
    with qtbot.assertNotEmitted(ctx.jump):
        assert page.activate_evidence_row(0) is None


def _pair_row(model, first, second):
    return next(row for row in range(model.rowCount()) if model.pair(row) == (first, second))


def test_an_r11_pair_is_shown_side_by_side_with_its_differences_marked(page, checked_bench):
    page.select_finding("R11", 4)
    evidence = page.evidence_model()
    assert evidence.is_pair_table()
    row = _pair_row(evidence, "HG401264", "HG4D0003")  # the sample's "见→钢" near-duplicate
    assert page.show_pair_row(row) == ("HG401264", "HG4D0003")
    assert page.evidence_view.currentIndex().row() == row
    diff = page.diff
    assert "HG401264" in diff.titles[0].text() and "HG4D0003" in diff.titles[1].text()
    left_text, right_text = diff.texts
    items = checked_bench.bank.items.set_index("item_id")
    assert left_text.startswith(items.loc["HG401264", "stem"].strip())
    assert right_text.startswith(items.loc["HG4D0003", "stem"].strip())
    left_marked, right_marked = diff.marked(0), diff.marked(1)
    assert ("见", COLOURS[REPLACE]) in left_marked
    assert ("钢", COLOURS[REPLACE]) in right_marked
    # exactly the characters diff_spans calls different carry a colour, and nothing else
    left, right = diff_spans(left_text, right_text)
    assert "".join(t for t, _ in left_marked) == "".join(left_text[s.start:s.end] for s in left if s.tag != EQUAL)
    assert "".join(t for t, _ in right_marked) == "".join(right_text[s.start:s.end] for s in right if s.tag != EQUAL)
    assert COLOURS[REPLACE] in diff.panes[0].toHtml().lower()
    assert page.dismiss_button.isEnabled()


def test_a_pair_without_the_bank_shows_the_excerpts(page, checked_bench):
    checked_bench.imports.pop("bank")
    page.select_finding("R11", 4)
    page.show_pair_row(0)
    left_text, _ = page.diff.texts
    assert "题库未导入" in left_text and "焊条电弧焊焊接16MnDR时" in left_text


def test_dismissing_needs_a_reason(page, ctx, checked_bench):
    page.select_finding("R11", 4)
    first, second = page.show_pair_row(0)
    assert page.dismiss_pair(first, second, "   ") is False
    assert ctx.errors_shown and "理由" in ctx.errors_shown[-1][0]
    assert ctx.store.dismissals(checked_bench.audit_id) == []


def test_the_dismiss_dialog_accepts_only_with_a_reason(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from qbaudit.views.pages.findings import DismissDialog

    dialog = DismissDialog("A1", "A2")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason_edit.setPlainText("  ")
    assert not ok.isEnabled()
    dialog.reason_edit.setPlainText("考查的考评点不同")
    assert ok.isEnabled() and dialog.reason() == "考查的考评点不同"


def test_dismissing_a_pair_is_stored_and_counts_from_the_next_run(page, ctx, qtbot, checked_bench, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from qbaudit.views.pages.findings import DismissDialog

    page.select_finding("R11", 4)
    evidence = page.evidence_model()
    row = _pair_row(evidence, "HG401264", "HG4D0003")
    page.show_pair_row(row)

    def accept(dialog):
        dialog.reason_edit.setPlainText("两题考查的考评点不同")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DismissDialog, "exec", accept)
    with qtbot.waitSignal(ctx.changed) as changed, qtbot.waitSignal(page.pair_dismissed):
        page.dismiss_button.click()
    assert changed.args[0] == Changes(dismissal=True)
    stored = ctx.store.dismissals(checked_bench.audit_id)
    assert [(d.first_item, d.second_item, d.reason) for d in stored] == [("HG401264", "HG4D0003", "两题考查的考评点不同")]
    assert "下一次运行检查" in page.pair_note.text()
    assert not page.dismiss_button.isEnabled()
    assert checked_bench.stale
    from PySide6.QtCore import Qt

    assert evidence.data(evidence.index(row, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.selected_finding().measured == 5  # the findings stay as recorded until the checks run again
    # the next run no longer counts it: the level's duplicates drop from 5 to 4
    checked_bench.check()
    ctx.apply(Changes(run=True))
    page.select_finding("R11", 4)
    assert page.selected_finding().measured == 4


def test_closing_the_audit_clears_the_page(page, ctx):
    ctx.set_workbench(None)
    assert page.model.rowCount() == 0
    assert page.stack.currentIndex() == 0 and "没有打开的审核" in page.empty_label.text()
