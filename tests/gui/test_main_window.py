"""The main window's own parts: the audit list, a new audit, menus and shortcuts, settings kept,
errors as Chinese dialogs with details, the About box."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


def test_the_audit_list_shows_the_stored_audits(window, audit_store):
    summaries = audit_store.list_audits()
    assert window.stack.currentWidget() is window.start
    model = window.start.model
    assert model.rowCount() == len(summaries) == 1
    assert model.index(0, 1).data() == summaries[0].institution
    assert model.index(0, 6).data() == "草稿"
    assert window.audit_label.text() == "没有打开的审核"
    assert not window.act_check.isEnabled() and not window.act_export.isEnabled()


def test_a_new_audit_is_refused_with_the_reason_in_place_then_created(window, audit_store):
    dialog = window.start.new_audit(exec_dialog=False)
    dialog.fill(institution="", occupation="电工", levels=[5], inspectors=[("王五", "组长", "")])
    assert dialog.create() is None
    assert "机构" in dialog.problem.text()
    dialog.choose_sheet("shandong-daily-theory-2022")
    dialog.fill(institution="某技工学校", occupation="电工", levels=[5, 4], inspectors=[("王五", "组长", "BAD-CODE")])
    assert dialog.create() is None
    assert "王五" in dialog.problem.text()  # Shandong's sheets check the card code by Shandong's rules
    dialog.choose_sheet("proposition-2024")
    before = len(audit_store.list_audits())
    dialog.fill(institution="某技工学校", occupation="电工", levels=[5, 4], inspectors=[("王五", "组长", "")],
                registration="S370100999")
    audit_id = dialog.create()
    assert audit_id is not None and len(audit_store.list_audits()) == before + 1
    view = audit_store.load(audit_id)
    assert (view.institution, view.occupation, view.levels) == ("某技工学校", "电工", (5, 4))


def test_shortcuts_are_the_usual_ones(window):
    assert window.act_open.shortcut().toString() == "Ctrl+O"
    assert window.act_save.shortcut().toString() == "Ctrl+S"
    assert window.act_export.shortcut().toString() == "Ctrl+E"
    assert window.act_check.shortcut().toString() == "F5"
    assert window.act_new.shortcut().toString() == "Ctrl+N"


def test_geometry_is_kept_between_sessions(window, qtbot, audit_store):
    from qbaudit.views.main_window import MainWindow
    from qbaudit.views.workers import InlinePool

    window.resize(701, 503)
    window.close()
    assert QSettings().value("window/geometry") is not None
    again = MainWindow(store=audit_store, pool=InlinePool())
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (701, 503)


def test_errors_are_chinese_dialogs_with_expandable_details(qtbot):
    from qbaudit.views.dialogs import show_about, show_error

    box = show_error(None, "找不到题库文件 题库.xlsx。请在“数据导入”中重新选择。", "FileNotFoundError: 题库.xlsx")
    qtbot.addWidget(box)
    assert box.windowTitle() == "出现问题"
    assert "重新选择" in box.text()
    assert "FileNotFoundError" in box.detailedText() and "日志文件" in box.detailedText()
    about = show_about(None)
    qtbot.addWidget(about)
    assert "题库质量审核工作台" in about.text() and "不联网" in about.informativeText()
    assert isinstance(about, QMessageBox)


def test_an_unexpected_exception_in_a_slot_becomes_a_dialog_not_a_traceback(qtbot, monkeypatch):
    import sys

    from qbaudit.views import app as app_module

    shown = []
    monkeypatch.setattr("qbaudit.views.dialogs.show_error", lambda parent, message, details="": shown.append(
        (message, details)))
    try:
        raise KeyError("题干")
    except KeyError:
        app_module._excepthook(*sys.exc_info())
    assert shown and "意外问题" in shown[0][0] and "KeyError" in shown[0][1]


def test_the_language_is_a_setting_kept_for_the_next_start(window):
    from qbaudit.settings import load_settings

    window.set_ui_language("en")
    assert load_settings().language == "en"
    assert "下次启动" in window.statusBar().currentMessage()


def test_a_failing_task_reaches_the_user_as_a_message(window):
    from qbaudit.workbench import WorkbenchError

    def fails(state):
        raise WorkbenchError("还缺少细目表，不能运行检查。")

    def breaks(state):
        raise ZeroDivisionError

    window.tasks.start("检查", fails, failed=window._failed)
    window.tasks.start("检查", breaks, failed=window._failed)
    assert window.errors_shown[0] == ("还缺少细目表，不能运行检查。", "")
    assert "没有完成" in window.errors_shown[1][0] and "ZeroDivisionError" in window.errors_shown[1][1]
    assert not window.tasks.busy and window.progress.isHidden()
