"""Every sheet in the window: the new-audit dialog offers the five bundled sheets and the user's own (a broken
file greyed, with its problem); a Shandong daily record is created by clicking, judged line by line, given
its 总体评价, signed without any check run, and its report, problem list and notice are exported; the notice's
grounds (第二十二条) and consequences are recorded on the report page.

Known answers: sample_banks/sample_audit.py (SHEET_DECISIONS) — 5 of 23 “否” on the theory record is 21.7 %,
at or over the 20 % line: 不合格.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.unit.test_sheets import CUSTOM  # a sheet composed from the indicator catalogue

SAMPLE_AUDIT = Path(__file__).resolve().parents[2] / "sample_banks" / "sample_audit.py"
BUNDLED = ["技能人才评价活动现场质量督导评分表", "职业技能等级认定机构命题质量专项督导评分表",
           "山东省技能人才评价日常督导情况记录表（综合评审）", "山东省技能人才评价日常督导情况记录表（技能考核）",
           "山东省技能人才评价日常督导情况记录表（理论考核）"]


@pytest.fixture
def sheets_folder(tmp_path, monkeypatch):
    folder = tmp_path / "my-sheets"
    folder.mkdir()
    (folder / "jinan.toml").write_text(CUSTOM, encoding="utf-8")
    (folder / "broken.toml").write_text(CUSTOM.replace("max = 4\n", "max = 5\n"), encoding="utf-8")
    monkeypatch.setenv("QBAUDIT_SHEETS_DIR", str(folder))
    return folder


def _click_new(window, qtbot):
    from qbaudit.views.start import NewAuditDialog

    qtbot.mouseClick(window.start.new_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NewAuditDialog) and w.isVisible())
    qtbot.addWidget(dialog)
    return dialog


def test_the_new_audit_dialog_offers_every_sheet(window, qtbot, sheets_folder):
    dialog = _click_new(window, qtbot)
    combo = dialog.sheet
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names[:5] == BUNDLED
    assert names[5] == "broken.toml（无法使用，见提示）"  # a user's file that does not load, with why
    assert "各行分值合计 21 分，与字段「total」的总分 20 分不一致" in combo.itemData(5, Qt.ItemDataRole.ToolTipRole)
    assert not combo.model().item(5).isEnabled()
    assert names[6] == "题库专项检查评分表（自编）（自编：jinan.toml）"
    assert dialog.sheet_ids() == ["onsite-2024", "proposition-2024", "shandong-daily-review-2022",
                                  "shandong-daily-skill-2022", "shandong-daily-theory-2022", "my-bank-review"]
    assert combo.currentData() == "proposition-2024"  # the default stays the proposition sheet
    assert dialog.supervision.currentData() == "special" and not dialog.batch.isEnabled()
    dialog.choose_sheet("shandong-daily-skill-2022")
    assert dialog.supervision.currentData() == "daily" and dialog.batch.isEnabled()
    assert "山东省督导员证卡编码规则" in dialog.inspectors_hint.text()
    assert "不审核题库数据" in dialog.sheet_note.text()


@pytest.mark.parametrize("sheet_id", ["proposition-2024", "onsite-2024", "shandong-daily-theory-2022",
                                      "shandong-daily-skill-2022", "shandong-daily-review-2022", "my-bank-review"])
def test_an_audit_on_each_sheet_is_created_by_clicking(window, qtbot, sheets_folder, sheet_id):
    dialog = _click_new(window, qtbot)
    dialog.choose_sheet(sheet_id)
    dialog.fill(institution="济南某职业技能等级认定中心", occupation="焊工", levels=[4],
                inspectors=[("王强", "组长", "R3726A015")])
    if dialog.batch.isEnabled():
        qtbot.keyClicks(dialog.batch, "2026370100123")
    dialog.place.setText("历下区某考点")  # QTest types ASCII only
    qtbot.keyClicks(dialog.head_count, "46")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.problem.text() == "" and not dialog.isVisible()
    bench = window.ctx.workbench
    view = bench.view
    assert view.sheet.id == sheet_id
    assert (view.facts.place, view.facts.head_count) == ("历下区某考点", 46)
    assert view.facts.batch_number == ("2026370100123" if view.sheet.layout.batch else None)
    info = window.pages["info"]
    assert info.fields["where"].text() == "历下区某考点，督导人数 46"
    assert info.fields["supervision"].text().startswith("专项督导" if sheet_id in ("proposition-2024", "my-bank-review")
                                                         else "日常督导")
    hidden = {window.nav.item(r).data(Qt.ItemDataRole.UserRole) for r in range(window.nav.count())
              if window.nav.item(r).isHidden()}
    assert hidden == (set() if sheet_id == "proposition-2024" else {"imports", "findings", "bank", "charts"})


def test_a_shandong_card_is_checked_in_the_dialog(window, qtbot):
    dialog = _click_new(window, qtbot)
    dialog.choose_sheet("shandong-daily-theory-2022")
    dialog.fill(institution="某中心", occupation="电工", levels=[5], inspectors=[("王五", "组长", "R3799A001")])
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert "2099 年核发，晚于本次督导的" in dialog.problem.text() and dialog.isVisible()
    dialog.choose_sheet("proposition-2024")  # a national sheet names no card rules: the code is taken as written
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and window.ctx.workbench.view.inspectors[0][2] == "R3799A001"


def test_a_shandong_record_is_judged_signed_and_exported_without_checks(window, qtbot, tmp_path):
    known = runpy.run_path(str(SAMPLE_AUDIT))
    dialog = _click_new(window, qtbot)
    dialog.choose_sheet("shandong-daily-theory-2022")
    dialog.fill(institution="某市职业技能等级认定中心", occupation="焊工", levels=[4, 3],
                inspectors=[("王强", "组长", "R3726A015"), ("赵敏", "组员", "N370100260002")])
    qtbot.keyClicks(dialog.batch, "2026370100123")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    bench = window.ctx.workbench
    page = window.show_page("sheet")
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "督导环节·督导项目"
    assert page.model.index(1, 0).data() == "考前督导·资格审核" and page.model.index(1, 1).data() == "2"
    assert not page.accept_button.isVisible() and "未评定" in page.sign_hint.text()
    decisions = known["SHEET_DECISIONS"]["shandong-daily-theory-2022"]
    for row in range(page.model.rowCount()):
        line_id = page.model.line_result(row).line.id
        assert page.select_line(line_id)
        verdict, _, reason = decisions.get(line_id, ("是", None, ""))
        qtbot.mouseClick(page.verdict_buttons[bench.view.sheet.parse_verdict(verdict)], Qt.MouseButton.LeftButton)
        if reason:
            page.reason_edit.setPlainText(reason)
        assert page.save_button.isEnabled(), page.save_hint.text()
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.veto_none, Qt.MouseButton.LeftButton)
    assert page.no_count_text() == "“否” 5 项（21.7%，达 20% 为不合格）" and page.grade_text() == "不合格"
    assert not page.sign_button.isEnabled() and "总体评价" in page.sign_hint.text()  # the form's 意见 first
    assert page.assessment_box.title() == "总体评价"
    page.assessment_edit.setPlainText(known["ASSESSMENTS"]["shandong-daily-theory-2022"])
    qtbot.mouseClick(page.assessment_save, Qt.MouseButton.LeftButton)
    assert page.sign_button.isEnabled(), page.sign_hint.text()
    assert page.sign()
    assert bench.view.revision.signed and bench.view.revision.signed_grade == "不合格"

    report = window.show_page("report")
    refusals = report.refusals()
    assert set(refusals) == {"findings"} and "不审核题库数据" in refusals["findings"]  # no checks, nothing to export
    assert report.buttons["notice"].isEnabled() and not report.buttons["findings"].isEnabled()
    qtbot.mouseClick(report.ground_boxes["7"], Qt.MouseButton.LeftButton)
    report.ground_notes["7"].setText("考点门口张贴“包过”广告")
    qtbot.mouseClick(report.suspend_box, Qt.MouseButton.LeftButton)
    report.suspend_months.setValue(6)
    qtbot.mouseClick(report.file_box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(report.notice_save, Qt.MouseButton.LeftButton)
    decision = bench.view.notice
    assert decision.grounds == (("7", "考点门口张贴“包过”广告"),) and decision.suspension_months == 6
    assert (decision.supervision_file, decision.publish) == (True, False)
    assert "暂停评价活动并整改 6 个月、列入监管档案" in report.notice_state.text()
    for kind, name in (("report", "报告.docx"), ("problems", "问题清单.xlsx"), ("notice", "整改通知书.docx")):
        assert report.export(kind, tmp_path / name)
        assert report.last_outcome is not None, report.last_error
    notice = [p.text for p in docx.Document(str(tmp_path / "整改通知书.docx")).paragraphs]
    assert notice[2].endswith("对职业技能等级认定2026370100123批次进行了质量督导，你单位在该批次评价组织过程中存在以下质量问题：")
    assert "有第二十二条第（七）项所列行为：进行评价“包过”“保过”等虚假宣传的。考点门口张贴“包过”广告。" in "".join(notice)
    assert any("限期6个月" in p and p.endswith("上述情况列入你单位的监管档案。") for p in notice)
    title = docx.Document(str(tmp_path / "报告.docx")).paragraphs[0].text
    assert title == "技能人才评价日常督导情况报告（理论考核）"
    assert [e.kind for e in bench.view.exports] == ["report", "problems", "notice"]
