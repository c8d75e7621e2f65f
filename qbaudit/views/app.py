"""Start the window: the application, Qt's own translations, the log file, the last-resort error hook.

``qbaudit`` with no arguments, ``qbaudit gui`` and the ``qbaudit-gui`` launcher come here. Where there
is no display (a server, CI) the caller is told so and the command line does the job instead.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from qbaudit.i18n import language, tr

LOG_PATH: Path | None = None
_log = logging.getLogger("qbaudit.views")


def has_display() -> bool:
    """True when a window can be shown (a desktop, or Qt told to draw offscreen)."""
    if sys.platform in ("win32", "darwin"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def setup_logging() -> Path | None:
    """Log to ``qbaudit.log`` in the user's log folder (never item text)."""
    global LOG_PATH
    from qbaudit.plumbing import setup_logging as setup

    LOG_PATH = setup()
    return LOG_PATH


def install_translators(app: Any) -> None:
    """Load Qt's own translations (standard buttons, file dialogs) for the UI language; our strings come
    from the catalogues in ``resources/i18n`` through :func:`qbaudit.i18n.tr`."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    for old in getattr(app, "_qbaudit_translators", []):
        app.removeTranslator(old)
    app._qbaudit_translators = []
    if language() == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app._qbaudit_translators.append(translator)


def _excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
    """Anything that escapes a slot: logged in full, a Chinese dialog on screen, the window stays."""
    _log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    try:
        from PySide6.QtWidgets import QApplication

        from qbaudit.views.dialogs import show_error

        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), tr("gui.unexpected"),
                       "".join(traceback.format_exception_only(kind, value)).strip())
    except Exception:  # noqa: BLE001 - the hook must not raise
        pass


def create_app(argv: list[str] | None = None) -> Any:
    """The QApplication, named and translated, with the error hook installed."""
    from PySide6.QtWidgets import QApplication

    from qbaudit.settings import load_settings

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName("qbaudit")
    app.setApplicationName("qbaudit")
    app.setApplicationDisplayName(tr("gui.app_name"))
    try:
        chosen = load_settings().language
    except Exception:  # noqa: BLE001 - a bad settings file is reported by the window itself
        chosen = None
    if chosen and "QBAUDIT_LANG" not in os.environ:
        from qbaudit.i18n import set_language

        set_language(chosen)
        app.setApplicationDisplayName(tr("gui.app_name"))
    install_translators(app)
    sys.excepthook = _excepthook
    return app


ENV_READY_FILE = "QBAUDIT_READY_FILE"
QUIT_LIMIT_S = 900  # --quit-after-load gives up (exit status 1) when loading takes longer than this


def _show_kernel_notices(window: Any) -> None:
    """Kernel notices (compiling once, where cached) in the status bar; they come from worker threads."""
    from PySide6.QtCore import QObject, Qt, Signal

    from qbaudit.analysis import kernel_cache

    class _Notices(QObject):
        notice = Signal(str)

    notices = _Notices(window)
    notices.notice.connect(lambda text: window.statusBar().showMessage(text, 20000), Qt.ConnectionType.QueuedConnection)
    kernel_cache.set_reporter(notices.notice.emit)


def _quit_when_loaded(app: Any, window: Any, expect_audit: bool) -> None:
    """``--quit-after-load``: once the window is usable (and the audit asked for is open, imported and
    checked, or has failed) write the ready file, if one is named, and quit: 0 when it opened, else 1."""
    import json
    import time

    from PySide6.QtCore import QTimer

    def finish(code: int) -> None:
        timer.stop()
        path = os.environ.get(ENV_READY_FILE)
        if path:
            translators = [t.language() + ":" + t.filePath().replace("\\", "/").rsplit("/", 1)[-1]
                           for t in getattr(app, "_qbaudit_translators", [])]
            audit = window.ctx.workbench.audit_id if window.ctx.workbench is not None else None
            Path(path).write_text(json.dumps({"ready": time.perf_counter(), "status": code, "audit": audit,
                                              "translators": translators, "title": window.windowTitle()},
                                             ensure_ascii=False), encoding="utf-8")
        print(tr("launch.quit_after_load" if code == 0 else "launch.quit_load_failed"), file=sys.stderr or sys.__stderr__)
        app.exit(code)

    def check() -> None:
        if window.tasks.busy:
            return
        finish(0 if not expect_audit or window.ctx.workbench is not None else 1)

    timer = QTimer(window)
    timer.setInterval(50)
    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(QUIT_LIMIT_S * 1000, lambda: finish(1))


def run_window(*, sample: bool = False, audit: int | None = None, database: str | None = None,
               quit_after_load: bool = False) -> int:
    """Open the main window (on the sample audit, or on ``audit``) and run until it closes.

    With ``quit_after_load`` the window quits by itself once it is usable and the audit is open (the
    bundle's smoke test and the start-up bench use it; :data:`ENV_READY_FILE` names a file that then
    receives the moment, the exit status and the Qt translations loaded, as JSON).
    """
    setup_logging()
    app = create_app()
    from qbaudit.views.main_window import MainWindow

    window = MainWindow(database=database)
    _show_kernel_notices(window)
    window.show()
    if sample:
        window.open_sample()
    elif audit is not None:
        window.open_audit(audit)
    if quit_after_load:
        _quit_when_loaded(app, window, expect_audit=sample or audit is not None)
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    """``qbaudit-gui [--sample | --audit N] [--database URL] [--quit-after-load]``: the window, or a Chinese
    message where there is no display."""
    import argparse

    parser = argparse.ArgumentParser(prog="qbaudit-gui", add_help=False)
    parser.add_argument("--sample", action="store_true")
    parser.add_argument("--audit", type=int)
    parser.add_argument("--database")
    parser.add_argument("--quit-after-load", action="store_true")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if not has_display():
        print(tr("gui.no_display"), file=sys.stderr)
        return 2
    return run_window(sample=args.sample, audit=args.audit, database=args.database,
                      quit_after_load=args.quit_after_load)
