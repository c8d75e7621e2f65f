"""The main window: the audit list to start from, then the audit's pages, menus, shortcuts, status bar.

The window holds no logic of its own: audits open through :class:`~qbaudit.workbench.Workbench`, pages
act through it, long work runs on the :class:`~qbaudit.views.workers.TaskRunner`.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.context import AppContext
from qbaudit.views.workers import TaskRunner

_log = logging.getLogger(__name__)

# The audit's pages in order: (key, module, class). Modules are imported when the first audit opens.
PAGES = (
    ("info", "qbaudit.views.pages.info", "InfoPage"),
    ("imports", "qbaudit.views.pages.imports", "ImportsPage"),
    ("findings", "qbaudit.views.pages.findings", "FindingsPage"),
    ("bank", "qbaudit.views.pages.bank", "BankPage"),
    ("sheet", "qbaudit.views.pages.sheet", "SheetPage"),
    ("charts", "qbaudit.views.pages.charts", "ChartsPage"),
    ("report", "qbaudit.views.pages.report", "ReportPage"),
)
RECENT_LIMIT = 8
CHECK_PAGES = ("imports", "findings", "bank", "charts")  # shown only when checks inform the audit's sheet


class MainWindow(QMainWindow):
    """The workbench window.

    Args:
        database: the store's URL (default: the setting, the environment, or the SQLite file).
        pool: the task pool (tests pass :class:`~qbaudit.views.workers.InlinePool`).
        store: an open store to use instead of opening one.
    """

    def __init__(self, database: str | None = None, pool: Any = None, store: Any = None) -> None:
        super().__init__()
        from qbaudit.settings import Settings, SettingsError, load_settings

        self.setObjectName("mainWindow")
        problems = []
        try:
            settings = load_settings()
        except SettingsError as exc:
            settings = Settings()
            problems.append(str(exc))
        if store is None:
            from qbaudit.store import AuditStore, StoreError

            try:
                store = AuditStore.open(database, settings.database_url)
            except StoreError as exc:
                problems.append(str(exc))
                store = AuditStore("sqlite://")  # in memory, so the window still opens and says why
        self.tasks = TaskRunner(pool, self)
        self.ctx = AppContext(self.tasks, store, settings, self)
        self.ctx.window = self
        self.pages: dict[str, Any] = {}
        self._build()
        self._restore_geometry()
        self.ctx.opened.connect(self._audit_opened)
        self.ctx.changed.connect(self._audit_changed)
        self.ctx.jump.connect(self._jump)
        self.ctx.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.tasks.started.connect(self._task_started)
        self.tasks.progress.connect(self._task_progress)
        self.tasks.ended.connect(self._task_ended)
        self._update_state()
        for problem in problems:
            self.ctx.error(problem)

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        from qbaudit.views.start import StartPage

        self.setWindowTitle(tr("gui.app_name"))
        self.stack = QStackedWidget(self)
        self.start = StartPage(self.ctx, self)
        self.start.open_requested.connect(self.open_audit)
        self.start.sample_requested.connect(self.open_sample)
        self.stack.addWidget(self.start)
        self.workspace = QWidget(self)
        layout = QHBoxLayout(self.workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(self.workspace)
        self.nav.setObjectName("pageList")
        self.nav.setFixedWidth(140)
        self.nav.setStyleSheet("QListWidget{font-size:14px;} QListWidget::item{padding:8px 10px;}")
        self.page_stack = QStackedWidget(self.workspace)
        layout.addWidget(self.nav)
        layout.addWidget(self.page_stack, 1)
        self.nav.currentRowChanged.connect(self._show_page_at)
        self.stack.addWidget(self.workspace)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self._build_status()
        self.resize(1280, 820)

    def _action(self, key: str, slot: Any, shortcut: Any = None, menu: QMenu | None = None) -> QAction:
        action = QAction(tr(key), self)
        action.setObjectName(key.replace(".", "_"))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu(tr("window.menu_file"))
        self.act_new = self._action("window.new_audit", self.start.new_audit, QKeySequence.StandardKey.New, file)
        self.act_open = self._action("window.open_audit", self.show_start, QKeySequence.StandardKey.Open, file)
        self.act_sample = self._action("window.open_sample", self.open_sample, None, file)
        self.recent_menu = file.addMenu(tr("window.recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        self.act_import = self._action("window.import", lambda: self._page_call("imports", "open_wizard", "bank"),
                                       "Ctrl+I", file)
        self.act_save = self._action("window.save", self.save, QKeySequence.StandardKey.Save, file)
        self.act_export = self._action("window.export", self.export_report, "Ctrl+E", file)
        self.act_close = self._action("window.close_audit", self.close_audit, QKeySequence.StandardKey.Close, file)
        file.addSeparator()
        self._action("window.quit", self.close, QKeySequence.StandardKey.Quit, file)
        audit = bar.addMenu(tr("window.menu_audit"))
        self.act_check = self._action("window.run_checks", self.run_checks, "F5", audit)
        self.act_sign = self._action("window.sign", lambda: self._page_call("sheet", "sign", True), None, audit)
        view = bar.addMenu(tr("window.menu_view"))
        self.page_actions = []
        for index, (key, _, _) in enumerate(PAGES):
            action = self._action(f"window.page_{key}", lambda _=False, k=key: self.show_page(k), f"Ctrl+{index + 1}", view)
            self.page_actions.append(action)
        view.addSeparator()
        languages = view.addMenu(tr("window.language"))
        for code in ("zh_CN", "en"):
            self._action(f"window.language_{code}", lambda _=False, c=code: self.set_ui_language(c), None, languages)
        help_menu = bar.addMenu(tr("window.menu_help"))
        self._action("window.open_log", self.open_log_folder, None, help_menu)
        self._action("window.about", self.about, None, help_menu)

    def _build_status(self) -> None:
        status = self.statusBar()
        self.audit_label = QLabel(self)
        self.audit_label.setObjectName("statusAudit")
        self.inputs_label = QLabel(self)
        self.inputs_label.setObjectName("statusInputs")
        self.state_label = QLabel(self)
        self.state_label.setObjectName("statusState")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("taskProgress")
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(tr("window.cancel"), self)
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.clicked.connect(self.tasks.cancel)
        for index, widget in enumerate((self.audit_label, self.inputs_label, self.state_label)):
            if index:
                separator = QLabel("｜", self)
                separator.setStyleSheet("color:#999;")
                status.addWidget(separator)
            status.addWidget(widget)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

    def _ensure_pages(self) -> None:
        if self.pages:
            return
        for key, module, name in PAGES:
            page_class = getattr(importlib.import_module(module), name)
            page = page_class(self.ctx)
            self.pages[key] = page
            self.page_stack.addWidget(page)
            item = QListWidgetItem(page.title())
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)

    # --- audits --------------------------------------------------------------------------------

    def show_start(self) -> None:
        """Show the audit list."""
        self.start.reload()
        self.stack.setCurrentWidget(self.start)
        self._update_state()

    def open_audit(self, audit_id: int, reopen_inputs: bool = True) -> None:
        """Open a stored audit; its inputs are read again from where they were (in the background)."""
        from qbaudit.workbench import Workbench

        try:
            bench = Workbench(self.ctx.store, audit_id)
        except Exception as exc:  # noqa: BLE001 - shown as a Chinese message (StoreError, a profile gone …)
            from qbaudit.plumbing import expected_errors

            if not isinstance(exc, expected_errors()):
                _log.exception("opening audit %s", audit_id)
            self.ctx.error(exc.user_message() if isinstance(exc, expected_errors()) else tr("window.open_failed", id=audit_id))
            return
        self._remember_recent(audit_id)
        self._show_bench(bench)
        if reopen_inputs and bench.remembered():
            self.pages["imports"].reopen()  # reads them in the background and lists what it could not read

    def open_sample(self) -> None:
        """Open (or create) the sample audit of the defective sample bank, imported and checked."""
        from qbaudit.samples import open_sample_audit

        self.tasks.start(tr("window.task_sample"), lambda state: open_sample_audit(self.ctx.store, state=state),
                         done=self._sample_ready, failed=self._failed)

    def _sample_ready(self, bench: Any) -> None:
        self._remember_recent(bench.audit_id)
        self._show_bench(bench)
        self.show_page("findings")

    def _show_bench(self, bench: Any) -> None:
        self._ensure_pages()
        self.ctx.set_workbench(bench)
        self.stack.setCurrentWidget(self.workspace)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        self._update_state()

    def close_audit(self) -> None:
        """Close the open audit (everything is already in the record) and show the list."""
        if self.ctx.workbench is None:
            return
        self.ctx.set_workbench(None)
        self.show_start()

    # --- pages ---------------------------------------------------------------------------------

    def show_page(self, key: str) -> Any:
        """Bring a page to the front (when an audit is open); returns it."""
        if self.ctx.workbench is None or key not in self.pages:
            return None
        keys = [k for k, _, _ in PAGES]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def current_page(self) -> Any:
        """The page in front, or None on the audit list."""
        if self.stack.currentWidget() is not self.workspace:
            return None
        return self.page_stack.currentWidget()

    def _show_page_at(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[PAGES[row][0]]
        self.page_stack.setCurrentWidget(page)
        page.activated()

    def _page_call(self, key: str, method: str, *args: Any) -> Any:
        if self.ctx.workbench is None:
            self.statusBar().showMessage(tr("window.no_audit"), 5000)
            return None
        page = self.show_page(key)
        return getattr(page, method)(*args) if page is not None else None

    def _jump(self, kind: str, key: str) -> None:
        page = self.show_page("bank")
        if page is None:
            return
        (page.show_point if kind == "point" else page.show_item)(key)

    # --- commands ------------------------------------------------------------------------------

    def run_checks(self) -> None:
        """F5: run the checks again on the inputs taken."""
        self._page_call("imports", "run_checks")

    def save(self) -> None:
        """Ctrl+S: save the current page's pending edit; every other change is already in the record."""
        page = self.current_page()
        if page is not None and page.save():
            return
        self.statusBar().showMessage(tr("window.all_saved"), 5000)

    def export_report(self) -> None:
        """Ctrl+E: the report page, to export the report."""
        self._page_call("report", "export", "report")

    def about(self) -> None:
        """Help › About."""
        from qbaudit.views.dialogs import show_about

        self._about = show_about(self)

    def open_log_folder(self) -> None:
        """Help › Open the log folder."""
        from qbaudit.views.app import LOG_PATH

        if LOG_PATH is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(LOG_PATH.parent)))

    def set_ui_language(self, code: str) -> None:
        """View › Language: kept in the settings; applies from the next start (menus and pages rebuild then)."""
        from qbaudit.settings import save_settings

        self.ctx.settings.language = code
        save_settings(self.ctx.settings)
        self.statusBar().showMessage(tr("window.language_next_start"), 8000)

    def _failed(self, message: str, details: str) -> None:
        self.ctx.error(message, details)

    # --- state ---------------------------------------------------------------------------------

    def _audit_opened(self) -> None:
        self._update_state()

    def _audit_changed(self, _changes: Any) -> None:
        self._update_state()

    def _update_state(self) -> None:
        bench = self.ctx.workbench
        has_audit = bench is not None
        for action in (self.act_import, self.act_save, self.act_export, self.act_close, self.act_check, self.act_sign,
                       *self.page_actions):
            action.setEnabled(has_audit)
        if not has_audit:
            self.setWindowTitle(tr("gui.app_name"))
            self.audit_label.setText(tr("window.status_no_audit"))
            self.inputs_label.setText("")
            self.state_label.setText("")
            return
        checks = bench.needs_run
        for action in (self.act_import, self.act_check):
            action.setEnabled(checks)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            item.setHidden(not checks and item.data(Qt.ItemDataRole.UserRole) in CHECK_PAGES)
        view = bench.view
        self.setWindowTitle(tr("window.title_audit", id=view.id, institution=view.institution, app=tr("gui.app_name")))
        self.audit_label.setText(tr("window.status_audit", id=view.id, institution=view.institution,
                                    occupation=view.occupation))
        taken = [tr(f"inputs.kind_{k}") for k in bench.imports]
        self.inputs_label.setText(tr("window.status_inputs", inputs="、".join(taken)) if taken
                                  else tr("window.status_no_inputs"))
        revision = view.revision
        if revision.signed:
            state = tr("window.state_signed", number=revision.number, by=revision.signed_by or "")
        else:
            state = tr("window.state_draft", number=revision.number)
        if bench.stale and bench.imports:
            state += tr("window.state_stale")
        self.state_label.setText(state)

    def _task_started(self, title: str) -> None:
        self.progress.setValue(0)
        self.progress.setFormat(title)
        self.progress.show()
        self.cancel_button.show()

    def _task_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if text:
            self.progress.setFormat(f"{text} %p%")

    def _task_ended(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    # --- settings ------------------------------------------------------------------------------

    def _remember_recent(self, audit_id: int) -> None:
        from qbaudit.settings import SettingsError, save_settings

        recent = [audit_id, *[a for a in self.ctx.settings.recent_audits if a != audit_id]][:RECENT_LIMIT]
        self.ctx.settings.recent_audits = recent
        try:
            save_settings(self.ctx.settings)
        except (OSError, SettingsError):
            _log.warning("settings could not be saved")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        known = {s.id: s for s in self.ctx.store.list_audits()}
        shown = 0
        for audit_id in self.ctx.settings.recent_audits:
            summary = known.get(audit_id)
            if summary is None:
                continue
            action = self.recent_menu.addAction(tr("window.recent_item", id=summary.id, institution=summary.institution,
                                                   occupation=summary.occupation))
            action.triggered.connect(lambda _=False, a=audit_id: self.open_audit(a))
            shown += 1
        if not shown:
            self.recent_menu.addAction(tr("window.recent_none")).setEnabled(False)

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Keep the geometry; let a running task stop first."""
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        self.tasks.cancel()
        self.tasks.wait(5000)
        event.accept()
