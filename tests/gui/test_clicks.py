"""Every page's main actions through its real buttons, combos, tables and the window's menus (``qtbot.mouseClick``,
``qtbot.keyClicks``, ``QAction.trigger``), in the real main window on the checked defective sample: what the
user does, and what the record says afterwards. Dialogs a click would open are answered by replacing their
static calls (a file name, Yes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.inputs import KINDS
from qbaudit.i18n import tr

ROOT = Path(__file__).resolve().parents[2]
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def opened(window, checked_bench, qtbot):
    """The window with the checked sample audit open (its inputs taken, as after reopening)."""
    window._show_bench(checked_bench)
    qtbot.waitExposed(window)
    settle()
    return window


def settle():
    """Let the pending layouts and repaints happen (a click lands where the user sees the widget)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


def click_cell(qtbot, view, row, column=0, double=False):
    settle()
    index = view.model().index(row, column)
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), LEFT, pos=point)
    if double:
        qtbot.mouseDClick(view.viewport(), LEFT, pos=point)


def type_chinese(widget, text):
    """What a Chinese input method commits into a text field (QTest types Latin-1 keys only)."""
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(widget, event)


def choose(qtbot, combo, data):
    """Choose the entry holding ``data`` with the keyboard, as a user without a mouse would."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0, data
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


# --- the main window ------------------------------------------------------------------------------------------


def test_an_audit_opens_by_double_clicking_it_in_the_list_and_its_inputs_are_read_again(window, qtbot):
    click_cell(qtbot, window.start.table, 0, 1, double=True)
    bench = window.ctx.workbench
    assert bench is not None and window.stack.currentWidget() is window.workspace
    assert sorted(bench.imports) == ["bank", "blueprint", "papers", "plan", "standard"]
    imports = window.pages["imports"]
    assert imports.model.row_of("bank")["status"] == "imported" and not imports.problems


def test_the_menus_drive_the_window(opened, qtbot, tmp_path, monkeypatch):
    window = opened
    for index, action in enumerate(window.page_actions):
        action.trigger()
        assert window.nav.currentRow() == index
    window.act_check.trigger()  # F5
    assert window.statusBar().currentMessage().startswith("检查完成")
    window.act_save.trigger()
    assert window.statusBar().currentMessage() == tr("window.all_saved")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "报告.docx"), ""))
    window.act_export.trigger()  # Ctrl+E
    assert (tmp_path / "报告.docx").is_file() and window.current_page() is window.pages["report"]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: pytest.fail("a sheet with open lines asks nothing"))
    window.act_sign.trigger()
    assert "不能签署" in window.errors_shown[-1][0] and not window.ctx.workbench.signed
    window.act_import.trigger()  # Ctrl+I: the bank's import wizard
    wizard = window.pages["imports"].wizards[-1]
    assert wizard.kind == "bank" and wizard.isVisible()
    wizard.reject()
    window.act_close.trigger()
    assert window.ctx.workbench is None and window.stack.currentWidget() is window.start
    assert not window.act_check.isEnabled()
    window.act_open.trigger()
    assert window.stack.currentWidget() is window.start


def test_new_audit_and_about_from_the_menus(window):
    from qbaudit.views.start import NewAuditDialog

    window.act_new.trigger()  # Ctrl+N
    dialog = window.findChild(NewAuditDialog, "newAuditDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    about = next(a for a in window.findChildren(type(window.act_new)) if a.objectName() == "window_about")
    about.trigger()
    assert "题库质量审核工作台" in window._about.text()


# --- 基本信息 -----------------------------------------------------------------------------------------------


def test_info_page_sets_the_acting_inspector_profile_and_date_with_the_keyboard(opened, qtbot):
    page = opened.show_page("info")
    bench = opened.ctx.workbench
    choose(qtbot, page.inspector_combo, "李秀英")
    assert bench.inspector == "李秀英" and "李秀英" in opened.statusBar().currentMessage()
    other = next(page.profile_combo.itemData(i) for i in range(page.profile_combo.count())
                 if page.profile_combo.itemData(i) != bench.profile.id)
    choose(qtbot, page.profile_combo, other)
    assert bench.profile.id == other and bench.stale
    assert opened.state_label.text().endswith(tr("window.state_stale"))
    page.as_of_edit.setFocus()
    page.as_of_edit.setDate(QDate(2026, 1, 1))
    qtbot.keyClick(page.as_of_edit, Qt.Key.Key_Up)  # steps the section with the cursor (the year)
    assert bench.as_of == page.as_of_edit.date().toPython() and bench.as_of.year in (2026, 2027)


# --- 数据导入 -----------------------------------------------------------------------------------------------


def test_imports_page_buttons_remove_read_again_import_and_check(opened, qtbot):
    page = opened.show_page("imports")
    bench = opened.ctx.workbench

    def button(name):  # the buttons of a row live in its last cell (made anew whenever the table refreshes)
        action, kind = name.split("_", 1)
        cell = page.table.indexWidget(page.model.index(KINDS.index(kind), page.model.columnCount() - 1))
        found = cell.findChild(type(page.check_button), name)
        assert found is not None and found.isVisible(), name
        return found

    qtbot.mouseClick(button("remove_plan"), LEFT)
    assert "plan" not in bench.imports and "plan" not in opened.ctx.store.sources(bench.audit_id)
    assert page.model.row_of("plan")["status"] == "none"
    before = bench.imports["standard"]
    qtbot.mouseClick(button("reimport_standard"), LEFT)
    assert bench.imports["standard"] is not before and bench.imports["standard"].ok
    qtbot.mouseClick(button("import_blueprint"), LEFT)
    wizard = page.wizards[-1]
    assert wizard.kind == "blueprint" and wizard.isVisible()
    wizard.reject()
    qtbot.mouseClick(page.check_button, LEFT)
    assert not bench.stale and bench.run is not None and "plan" not in bench.run.imports
    assert page.state_label.text() == tr("imports.checked")


# --- 检查结果 -----------------------------------------------------------------------------------------------


def test_findings_page_filter_tree_and_dismissal_by_clicking(opened, qtbot, monkeypatch):
    from qbaudit.views.pages.findings import DismissDialog

    page = opened.show_page("findings")
    choose(qtbot, page.filter_combo, True)  # 只看问题
    assert page.model.only_problems
    settle()
    index = page.model.rule_index("R11")
    page.tree.scrollTo(index)
    qtbot.mouseClick(page.tree.viewport(), LEFT, pos=page.tree.visualRect(index).center())
    level = page.model.index(0, 0, index)
    qtbot.mouseClick(page.tree.viewport(), LEFT, pos=page.tree.visualRect(level).center())
    finding = page.selected_finding()
    assert finding.rule == "R11" and "R11" in page.heading.text()
    evidence = page.evidence_model()
    assert evidence.is_pair_table() and page.pair_box.isVisible()
    click_cell(qtbot, page.evidence_view, 1)
    pair = evidence.pair(1)

    def accept(dialog):
        dialog.reason_edit.setPlainText("两题考查的考评点不同")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DismissDialog, "exec", accept)
    assert page.dismiss_button.isEnabled() and page.dismiss_button.isVisible()
    qtbot.mouseClick(page.dismiss_button, LEFT)
    assert not opened.errors_shown, opened.errors_shown
    dismissed = {(d.first_item, d.second_item) for d in opened.ctx.store.dismissals(opened.ctx.workbench.audit_id)}
    assert tuple(pair) in dismissed and not page.dismiss_button.isEnabled()


# --- 题库浏览 -----------------------------------------------------------------------------------------------


def test_bank_page_search_sort_filter_and_clear_by_clicking(opened, qtbot):
    page = opened.show_page("bank")
    items = opened.ctx.workbench.bank.items
    qtbot.keyClicks(page.search_edit, "hg3000")  # ids are upper case: the search ignores case
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    text = items[[C.ITEM_ID, C.STEM, *C.OPTIONS]].fillna("").astype(str).agg("\n".join, axis=1)
    hits = text.str.upper().str.contains("HG3000", regex=False)
    assert page.model.rowCount() == int(hits.sum()) > 0
    header = page.table.horizontalHeader()
    column = page.model.COLUMNS.index(C.DIFFICULTY)
    qtbot.mouseClick(header.viewport(), LEFT, pos=header.rect().topLeft() + _section_centre(header, column))
    difficulties = [page.model.data(page.model.index(r, column)) for r in range(page.model.rowCount())]
    assert difficulties == sorted(difficulties, key=lambda d: (d == "", float(d or 0)))
    choose(qtbot, page.level_combo, 4)
    assert page.model.rowCount() == int((hits & (items[C.LEVEL] == 4)).sum()) == 0  # the HG3… ids are 三级
    choose(qtbot, page.level_combo, 3)
    assert page.model.rowCount() == int(hits.sum())
    click_cell(qtbot, page.table, 0)
    assert page.model.item_id(0) in page.detail_text()
    qtbot.mouseClick(page.clear_button, LEFT)
    assert page.model.rowCount() == len(items) and page.search_edit.text() == ""


def _section_centre(header, column):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)


# --- 评分表 -------------------------------------------------------------------------------------------------


def test_sheet_page_decides_vetoes_and_signs_by_clicking(opened, qtbot, monkeypatch):
    page = opened.show_page("sheet")
    bench = opened.ctx.workbench
    row = page.model.row_of("12")
    click_cell(qtbot, page.table, row, 1)
    assert "12" in page.line_title.text() and page.editor.isEnabled()
    qtbot.mouseClick(page.verdict_buttons[bench.view.sheet.parse_verdict("基本符合")], LEFT)
    type_chinese(page.reason_edit, "细目表代码问题经现场核实已部分更正")
    assert page.save_button.isEnabled(), page.save_hint.text()
    qtbot.mouseClick(page.save_button, LEFT)
    decided = next(r for r in bench.view.result.lines if r.line.id == "12").decision
    assert decided is not None and decided.verdict.value == "partly" and "部分更正" in decided.reason

    qtbot.mouseClick(page.accept_button, LEFT)
    assert not bench.view.result.unconfirmed
    click_cell(qtbot, page.veto_table, 0, 1)
    qtbot.mouseClick(page.veto_occurred, LEFT)
    assert not page.veto_save.isEnabled()  # an occurred veto item needs its description
    type_chinese(page.veto_description, "考务人员泄露试题")
    qtbot.mouseClick(page.veto_save, LEFT)
    first = bench.view.result.vetoes[0]
    assert first[1] is not None and first[1].occurred and bench.view.result.grade == bench.view.sheet.veto_grade
    qtbot.mouseClick(page.veto_none, LEFT)
    assert all(d is not None for _, d in bench.view.result.vetoes)

    for line in list(bench.view.result.open_lines):  # the lines judged from documents
        assert page.select_line(line.id)
        qtbot.mouseClick(page.verdict_buttons[bench.view.sheet.parse_verdict("符合")], LEFT)
        qtbot.mouseClick(page.save_button, LEFT)
    assert page.sign_button.isEnabled(), page.sign_hint.text()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.sign_button, LEFT)
    assert asked and "张建国" in asked[0]
    assert bench.view.revision.signed and "已签署" in page.revision_text()


# --- 图表 ---------------------------------------------------------------------------------------------------


def test_charts_are_drawn_when_the_page_is_clicked_in_the_navigation(opened, qtbot):
    nav = opened.nav
    row = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())].index("charts")
    qtbot.mouseClick(nav.viewport(), LEFT, pos=nav.visualItemRect(nav.item(row)).center())
    page = opened.pages["charts"]
    assert opened.current_page() is page
    assert page.chart_count() > 0


# --- 报告 ---------------------------------------------------------------------------------------------------


def test_report_page_exports_and_records_the_notice_by_clicking(opened, qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    page = opened.show_page("report")
    opened.ctx.settings.last_folder = str(tmp_path)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, caption, suggested, filters: (suggested, ""))
    for kind in ("report", "problems", "findings"):
        qtbot.mouseClick(page.buttons[kind], LEFT)
        assert page.last_outcome is not None and page.last_outcome.path.is_file(), kind
    assert [e.kind for e in opened.ctx.workbench.view.exports] == ["report", "problems", "findings"]
    assert page.exports_model.rowCount() == 3
    qtbot.mouseClick(page.ground_boxes["7"], LEFT)
    qtbot.mouseClick(page.file_box, LEFT)
    qtbot.mouseClick(page.notice_save, LEFT)
    notice = opened.ctx.workbench.view.notice
    assert notice is not None and [g for g, _ in notice.grounds] == ["7"] and notice.supervision_file
    opened_folders = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_folders.append(url.toLocalFile()) or True)
    click_cell(qtbot, page.exports_table, 0)
    qtbot.mouseClick(page.open_button, LEFT)
    assert opened_folders == [str(tmp_path)]
