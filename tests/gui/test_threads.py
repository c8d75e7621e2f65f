"""The window with real worker threads (a ``QThreadPool``, not the inline pool the other GUI tests use): the
checks run off the GUI thread while the inspector goes on deciding lines, and the run reaches the workbench on
the GUI thread; Cancel stops a running job and leaves the audit as it was. Every wait is on a signal."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThreadPool

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def threaded(qtbot, audit_store, checked_bench, tmp_path, monkeypatch):
    """The real main window on a real thread pool, the checked sample audit open."""
    from PySide6.QtCore import QCoreApplication, QSettings

    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))
    QCoreApplication.setOrganizationName("qbaudit-tests")
    QCoreApplication.setApplicationName("qbaudit-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    from qbaudit.views.main_window import MainWindow

    pool = QThreadPool()
    win = MainWindow(store=audit_store, pool=pool)
    shown = []
    win.ctx.error = lambda message, details="": shown.append((message, details))  # type: ignore[method-assign]
    win.errors_shown = shown  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    win.show()
    win._show_bench(checked_bench)
    yield win
    win.tasks.cancel()
    assert pool.waitForDone(60_000)


def _held(bench, monkeypatch):
    """Make the next check job wait for ``release`` before it checks; records the threads involved."""
    release, started = threading.Event(), threading.Event()
    threads = {"job": None, "apply": None}
    make_job, apply = bench.check_job, bench.apply

    def check_job(by=None):
        job = make_job(by)

        def held(state):
            threads["job"] = threading.current_thread()
            started.set()
            assert release.wait(60), "the test never released the job"
            return job(state)

        return held

    def applied(outcome):
        threads["apply"] = threading.current_thread()
        return apply(outcome)

    monkeypatch.setattr(bench, "check_job", check_job)
    monkeypatch.setattr(bench, "apply", applied)
    return release, started, threads


def test_checks_run_on_a_worker_thread_while_the_sheet_is_decided_on_the_gui_thread(threaded, qtbot, monkeypatch):
    window = threaded
    bench = window.ctx.workbench
    first_run = bench.run
    release, started, threads = _held(bench, monkeypatch)

    imports = window.show_page("imports")
    qtbot.mouseClick(imports.check_button, LEFT)
    assert window.tasks.busy and not imports.check_button.isEnabled()
    assert started.wait(30)

    sheet = window.show_page("sheet")  # meanwhile the inspector decides a line
    assert sheet.select_line("12")
    qtbot.mouseClick(sheet.verdict_buttons[bench.view.sheet.parse_verdict("基本符合")], LEFT)
    sheet.reason_edit.setPlainText("细目表代码问题经现场核实已部分更正")
    qtbot.mouseClick(sheet.save_button, LEFT)
    assert bench.run is first_run  # the run in progress has not touched the workbench

    with qtbot.waitSignal(window.ctx.changed, timeout=300_000,
                          check_params_cb=lambda changes: changes.run) as changed:
        release.set()
    assert changed.args[0].result is bench.run and bench.run is not first_run and not bench.stale
    assert threads["job"] is not threading.main_thread() and threads["apply"] is threading.main_thread()
    line = next(row for row in bench.view.result.lines if row.line.id == "12")
    assert line.decision is not None and line.decision.reason == "细目表代码问题经现场核实已部分更正"
    assert bench.view.run is not None and len(window.pages["findings"].model.counts()) > 0
    assert imports.check_button.isEnabled() and not window.errors_shown
    assert not window.tasks.busy


def test_cancel_stops_a_job_on_a_worker_thread_and_changes_nothing(threaded, qtbot, monkeypatch):
    window = threaded
    bench = window.ctx.workbench
    first_run, recorded = bench.run, bench.store.load(bench.audit_id).run.created_at
    release, started, _threads = _held(bench, monkeypatch)
    seen = []
    window.ctx.changed.connect(seen.append)

    window.act_check.trigger()  # F5
    assert started.wait(30) and window.cancel_button.isVisible()
    with qtbot.waitSignal(window.tasks.ended, timeout=300_000):
        qtbot.mouseClick(window.cancel_button, LEFT)
        release.set()
    assert bench.run is first_run and seen == [] and not window.errors_shown
    assert bench.store.load(bench.audit_id).run.created_at == recorded  # no run was recorded
    assert window.progress.isHidden() and window.pages["imports"].check_button.isEnabled()
