"""The 报告 page: export the audit's documents (审核报告, 问题清单, 整改通知书, 检查结论) off the GUI thread,
and list the exports the audit record keeps (file, SHA-256, time) with a way to open their folder.

Each document is written by :meth:`~qbaudit.workbench.Workbench.export` on the task runner; the notice is
offered only where :func:`~qbaudit.report.notice_refusal` allows it (不合格, or a behaviour of Shandong's
第二十二条 recorded), and its button says why not otherwise. The notice's grounds and the consequences
decided (暂停评价活动 and its period, 列入监管档案, 对社会公布) are recorded here too.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.models.records import RecordsTableModel
from qbaudit.views.models.sheet import local_time
from qbaudit.views.pages.base import Page
from qbaudit.views.tables import record_table

ModelIndex = QModelIndex | QPersistentModelIndex
KINDS = ("report", "problems", "notice", "findings")
SUFFIXES = {"report": (".docx",), "problems": (".xlsx", ".docx"), "notice": (".docx",), "findings": (".xlsx",)}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def default_name(kind: str, institution: str, day: dt.date | None = None) -> str:
    """``审核报告-<机构>-<日期>.docx`` and the like, safe as a file name."""
    day = day or dt.date.today()
    name = _UNSAFE.sub("_", institution).strip("_.") or tr("report.export_unnamed")
    return tr(f"report.export_file_{kind}", institution=name, date=day.isoformat()) + SUFFIXES[kind][0]


def size_text(size: int) -> str:
    """A file size as people read it (``12.3 KB``)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class ExportsModel(RecordsTableModel):
    """The exports recorded in the audit: revision, kind, file, SHA-256 (short), size, time."""

    HEADER_KEY = "report.exports_col_"
    COLUMNS = ("revision", "kind", "file", "sha256", "size", "time")

    def set_exports(self, exports: Any) -> None:
        """Show ``exports`` (:class:`~qbaudit.store.ExportInfo`), newest first."""
        self.set_records(reversed(tuple(exports or ())))

    def export_at(self, row: int) -> Any:
        """The :class:`~qbaudit.store.ExportInfo` at ``row``."""
        return self.record_at(row)

    def cell(self, export: Any, column: str) -> str:
        if column == "revision":
            return tr("report.exports_revision", number=export.revision)
        if column == "kind":
            return tr(f"report.export_kind_{export.kind}") if export.kind in KINDS else export.kind
        if column == "file":
            return export.file_name
        if column == "sha256":
            return export.sha256[:12]
        if column == "size":
            return size_text(export.size)
        return local_time(export.at)

    def tooltip(self, export: Any, column: str) -> str | None:
        if column in ("sha256", "file"):
            return export.sha256 if column == "sha256" else export.file_name
        return None


class ReportPage(Page):
    """Export the audit's documents and see what was exported."""

    key = "report"
    title_key = "report.page_title"  # report.title is the Word report's own title

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_outcome: Any = None  # the ReportOutcome of the last export (None after a failure)
        self.last_error: str | None = None
        self._paths: dict[str, Path] = {}  # file name → where it was written this session
        self._busy = False
        self._build()
        self.ctx.tasks.progress.connect(self._progress)
        self.audit_opened()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.state_label = QLabel()
        self.state_label.setObjectName("reportState")
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.state_label)

        box = QGroupBox(tr("report.export_heading"))
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(16)
        self.buttons: dict[str, QPushButton] = {}
        self.notes: dict[str, QLabel] = {}
        for row, kind in enumerate(KINDS):
            button = QPushButton(tr(f"report.export_button_{kind}"))
            button.setObjectName(f"export_{kind}")
            button.setMinimumWidth(170)
            button.clicked.connect(lambda _checked=False, k=kind: self.export(k))
            note = QLabel(tr(f"report.export_about_{kind}"))
            note.setWordWrap(True)
            note.setObjectName(f"note_{kind}")
            grid.addWidget(button, row, 0)
            grid.addWidget(note, row, 1)
            self.buttons[kind], self.notes[kind] = button, note
        grid.setColumnStretch(1, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        grid.addWidget(self.progress, len(KINDS), 0, 1, 2)
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("exportOutcome")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.outcome_label, len(KINDS) + 1, 0, 1, 2)
        layout.addWidget(box)
        layout.addWidget(self._build_notice_box())

        listed = QGroupBox(tr("report.exports_heading"))
        inner = QVBoxLayout(listed)
        self.exports_model = ExportsModel(self)
        self.exports_table = record_table("exportsTable", self.exports_model)
        header = self.exports_table.horizontalHeader()
        for column, width in enumerate((70, 90, 300, 110, 80, 140)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.exports_table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(self._folder() is not None))
        inner.addWidget(self.exports_table)
        self.exports_empty = QLabel(tr("report.exports_none"))
        self.exports_empty.setStyleSheet("color: #7f7f7f;")
        inner.addWidget(self.exports_empty)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton(tr("report.open_folder"))
        self.open_button.setObjectName("openFolder")
        self.open_button.clicked.connect(self.open_folder)
        row.addWidget(self.open_button)
        inner.addLayout(row)
        layout.addWidget(listed, 1)

    def _build_notice_box(self) -> QWidget:
        from qbaudit.report.notice import grounds_catalogue

        box = QGroupBox(tr("report.notice_heading"))
        box.setObjectName("noticeBox")
        grid = QGridLayout(box)
        intro = QLabel(tr("report.notice_intro"))
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #595959;")
        grid.addWidget(intro, 0, 0, 1, 2)
        self.ground_boxes: dict[str, QCheckBox] = {}
        self.ground_notes: dict[str, QLineEdit] = {}
        for row, ground in enumerate(grounds_catalogue(), 1):
            check = QCheckBox(f"{ground['number']}{ground['text']}")
            check.setObjectName(f"ground_{ground['id']}")
            note = QLineEdit()
            note.setObjectName(f"groundNote_{ground['id']}")
            note.setPlaceholderText(tr("report.ground_note"))
            check.toggled.connect(note.setEnabled)
            note.setEnabled(False)
            grid.addWidget(check, row, 0)
            grid.addWidget(note, row, 1)
            self.ground_boxes[ground["id"]], self.ground_notes[ground["id"]] = check, note
        row = len(self.ground_boxes) + 1
        consequences = QHBoxLayout()
        self.suspend_box = QCheckBox(tr("report.suspend"))
        self.suspend_box.setObjectName("suspendBox")
        self.suspend_months = QSpinBox()
        self.suspend_months.setObjectName("suspendMonths")
        self.suspend_months.setRange(1, 36)
        self.suspend_months.setValue(3)
        self.suspend_months.setSuffix(tr("report.months_suffix"))
        self.suspend_box.toggled.connect(self.suspend_months.setEnabled)
        self.suspend_months.setEnabled(False)
        self.file_box = QCheckBox(tr("report.supervision_file"))
        self.file_box.setObjectName("fileBox")
        self.publish_box = QCheckBox(tr("report.publish"))
        self.publish_box.setObjectName("publishBox")
        self.notice_save = QPushButton(tr("report.notice_save"))
        self.notice_save.setObjectName("noticeSave")
        self.notice_save.clicked.connect(self.save_notice)
        for widget in (QLabel(tr("report.consequences_label")), self.suspend_box, self.suspend_months, self.file_box,
                       self.publish_box):
            consequences.addWidget(widget)
        consequences.addStretch(1)
        consequences.addWidget(self.notice_save)
        grid.addLayout(consequences, row, 0, 1, 2)
        self.notice_state = QLabel()
        self.notice_state.setObjectName("noticeState")
        self.notice_state.setWordWrap(True)
        self.notice_state.setStyleSheet("color: #7f7f7f;")
        grid.addWidget(self.notice_state, row + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return box

    def _fill_notice(self, view: Any) -> None:
        decision = view.notice if view is not None else None
        chosen = dict(decision.grounds) if decision is not None else {}
        for ground_id, check in self.ground_boxes.items():
            check.setChecked(ground_id in chosen)
            self.ground_notes[ground_id].setText(chosen.get(ground_id, ""))
        self.suspend_box.setChecked(bool(decision and decision.suspend))
        self.suspend_months.setValue(decision.suspension_months if decision and decision.suspension_months else 3)
        self.file_box.setChecked(bool(decision and decision.supervision_file))
        self.publish_box.setChecked(bool(decision and decision.publish))
        self.notice_save.setEnabled(view is not None)
        if decision is None:
            self.notice_state.setText(tr("report.notice_undecided"))
        else:
            from qbaudit.report.notice import decided_consequences

            decided = "、".join(decided_consequences(decision)) or tr("report.nothing_decided")
            self.notice_state.setText(tr("report.notice_decided", by=decision.by, at=local_time(decision.at),
                                         count=len(decision.grounds), decided=decided))

    def save_notice(self) -> bool:
        """Record the ticked grounds and the consequences in the audit; the store's refusal is shown."""
        bench = self.ctx.workbench
        if bench is None:
            return False
        grounds = [(ground_id, self.ground_notes[ground_id].text()) for ground_id, check in self.ground_boxes.items()
                   if check.isChecked()]
        suspend = self.suspend_box.isChecked()
        changes = self.ctx.step(bench.decide_notice, grounds=grounds, suspend=suspend,
                                suspension_months=self.suspend_months.value() if suspend else None,
                                supervision_file=self.file_box.isChecked(), publish=self.publish_box.isChecked())
        if changes is None:  # the store's Chinese refusal was shown
            return False
        self.ctx.status.emit(tr("report.notice_saved"))
        return True

    # --- hooks ---------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the documents of the audit just opened."""
        self._paths.clear()
        self.last_outcome = None
        self.outcome_label.clear()
        self._refresh()

    def audit_changed(self, changes: Any) -> None:
        """Any change may change what can be exported (the grade, the signature) and the exports."""
        self._refresh()

    def _refresh(self) -> None:
        bench = self.ctx.workbench
        view = bench.view if bench is not None else None
        self.exports_model.set_exports(view.exports if view is not None else ())
        self.exports_empty.setVisible(self.exports_model.rowCount() == 0)
        self.open_button.setEnabled(self._folder() is not None)
        self._fill_notice(view)
        if view is None:
            self.state_label.setText(tr("report.page_no_audit"))
            for kind in KINDS:
                self.buttons[kind].setEnabled(False)
            return
        self.state_label.setText(self._state_text(view))
        refusals = self.refusals()
        for kind in KINDS:
            refusal = refusals.get(kind)
            self.buttons[kind].setEnabled(refusal is None and not self._busy)
            self.buttons[kind].setToolTip(refusal or "")
            text = tr(f"report.export_about_{kind}")
            self.notes[kind].setText(text if refusal is None else f"{text}<br><span style='color:#9c5700'>"
                                                                  f"{refusal}</span>")

    @staticmethod
    def _state_text(view: Any) -> str:
        result, revision = view.result, view.revision
        grade = result.grade or tr("report.page_grade_pending")
        total = f"{result.total:g}" if result.total is not None else "—"
        if revision.signed:
            return tr("report.page_signed", number=revision.number, by=revision.signed_by or "", total=total,
                      grade=grade)
        return tr("report.page_draft", number=revision.number, total=total, grade=grade)

    def refusals(self) -> dict[str, str]:
        """Kind → why it cannot be exported now (kinds that can are absent)."""
        bench = self.ctx.workbench
        if bench is None:
            return {kind: tr("report.page_no_audit") for kind in KINDS}
        if bench.view.run is None and bench.needs_run:
            return {kind: tr("report.page_no_run") for kind in KINDS}
        from qbaudit.report import document_refusal

        data = bench.report_data()
        refusals = {kind: refusal for kind in KINDS if (refusal := document_refusal(kind, data))}
        if "notice" in refusals and not bench.view.revision.signed:  # the core's names the command line
            refusals["notice"] = tr("report.notice_unsigned", number=bench.view.revision.number)
        return refusals

    # --- exporting -----------------------------------------------------------------------------

    def default_folder(self) -> Path:
        """Where the save dialog opens: the last folder used, else the Documents folder."""
        last = getattr(self.ctx.settings, "last_folder", None)
        if last and Path(last).is_dir():
            return Path(last)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def _ask_path(self, kind: str) -> Path | None:
        bench = self.ctx.workbench
        suggested = self.default_folder() / default_name(kind, bench.view.institution)
        filters = ";;".join(tr(f"report.filter_{suffix[1:]}") for suffix in SUFFIXES[kind])
        chosen, selected = QFileDialog.getSaveFileName(self.ctx.window or self, tr(f"report.export_button_{kind}"),
                                                       str(suggested), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() not in SUFFIXES[kind]:
            suffix = next((s for s in SUFFIXES[kind] if s[1:] in selected), SUFFIXES[kind][0])
            path = path.with_name(path.name + suffix)
        return path

    def export(self, kind: str, path: str | Path | None = None) -> bool:
        """Write document ``kind`` (report, problems, notice, findings) to ``path`` (asked for when None) on
        the task runner; True when the export started. ``last_outcome`` holds the result when it is done."""
        bench = self.ctx.workbench
        if bench is None or kind not in KINDS or self._busy:
            return False
        refusal = self.refusals().get(kind)
        if refusal is not None:
            self.ctx.error(refusal)
            return False
        target = Path(path) if path is not None else self._ask_path(kind)
        if target is None:
            return False
        from qbaudit.plumbing import expected_errors

        try:
            job = bench.export_job(kind, target)
        except expected_errors() as exc:
            self.ctx.error(exc.user_message())
            return False
        self._busy = True
        self.last_error = None
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._set_buttons(False)
        self.ctx.run_job(tr(f"report.task_{kind}"), job, done=lambda changes: self._done(kind, target, changes.result),
                         failed=self._failed, cancelled=self._cancelled)
        return True

    def _set_buttons(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)

    def _progress(self, fraction: float, _text: str) -> None:
        if self._busy:
            self.progress.setValue(int(fraction * 100))

    def _finish(self) -> None:
        self._busy = False
        self.progress.setVisible(False)

    def _done(self, kind: str, target: Path, outcome: Any) -> None:
        self._finish()
        self.last_outcome = outcome
        written = Path(getattr(outcome, "path", target))
        self._paths[written.name] = written
        self._remember_folder(written.parent)
        lines = [tr("report.export_done", kind=tr(f"report.export_kind_{kind}"), file=str(written))]
        lines += list(getattr(outcome, "warnings", []) or [])
        self.outcome_label.setText("\n".join(lines))
        self.ctx.status.emit(lines[0])
        self._refresh()

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        self.last_outcome = None
        self.last_error = message
        self.outcome_label.setText("")
        self._refresh()
        self.ctx.error(message, details)

    def _cancelled(self) -> None:
        self._finish()
        self.last_outcome = None
        self._refresh()

    def _remember_folder(self, folder: Path) -> None:
        settings = self.ctx.settings
        if settings is None or getattr(settings, "last_folder", None) == str(folder):
            return
        settings.last_folder = str(folder)
        try:
            from qbaudit.settings import save_settings

            save_settings(settings)
        except Exception:  # noqa: BLE001 - remembering the folder is a convenience; the export succeeded
            pass

    # --- the exports ---------------------------------------------------------------------------

    def _folder(self) -> Path | None:
        rows = self.exports_table.selectionModel().selectedRows()
        if rows:
            known = self._paths.get(self.exports_model.export_at(rows[0].row()).file_name)
            if known is not None:
                return known.parent
        if self.last_outcome is not None:
            return Path(self.last_outcome.path).parent
        last = getattr(self.ctx.settings, "last_folder", None)
        return Path(last) if last and Path(last).is_dir() else None

    def open_folder(self) -> Path | None:
        """Open the folder of the selected export (or of the last one) in the file manager."""
        folder = self._folder()
        if folder is None:
            self.ctx.error(tr("report.no_folder"))
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        return folder


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(ReportPage))
