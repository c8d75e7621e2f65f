"""Where the window starts: the audits in the record (open one, or start a new one, or the sample).

The new-audit dialog offers every sheet: the bundled ones in ``resources/sheets/`` and the user's own in
the user sheets folder (:func:`~qbaudit.analysis.sheets.user_sheets_dir`); a user's file that does not
load is listed, greyed, with its problem. The supervision's facts the sheet's header asks for (kind,
batch number, place, head count, date, time) are typed here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIntValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.context import AppContext
from qbaudit.views.tables import record_table

_Index = QModelIndex | QPersistentModelIndex
LEVELS = (5, 4, 3, 2, 1)


class AuditListModel(QAbstractTableModel):
    """The audits in the store, newest first."""

    COLUMNS = ("id", "institution", "occupation", "levels", "sheet", "revision", "state", "created", "batch")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.summaries: list[Any] = []

    def load(self, summaries: list[Any]) -> None:
        """Show ``summaries`` (store :class:`~qbaudit.store.AuditSummary`)."""
        self.beginResetModel()
        self.summaries = list(summaries)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.summaries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(f"start.col_{self.COLUMNS[section]}")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self.summaries[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            from qbaudit.analysis.vocabulary import level_name

            if column == "id":
                return str(s.id)
            if column == "institution":
                return s.institution
            if column == "occupation":
                return s.occupation
            if column == "levels":
                return "、".join(level_name(level) for level in s.levels)
            if column == "sheet":
                return s.sheet_name
            if column == "revision":
                return str(s.revision)
            if column == "state":
                if s.signed:
                    return tr("start.state_signed", grade=s.grade or "")
                return tr("start.state_draft") + (tr("start.last_grade", grade=s.grade) if s.grade else "")
            if column == "created":
                return s.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if column == "batch":
                return s.batch_name or ""
        if role == Qt.ItemDataRole.ForegroundRole and column == "state" and s.signed:
            return QColor("#a61b1b" if s.fails else "#1b6e3a")
        if role == Qt.ItemDataRole.UserRole:
            return s.id
        return None


class StartPage(QWidget):
    """The audit list, with 新建审核, 打开 and 打开示例审核."""

    open_requested = Signal(int)
    sample_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("startPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        heading = QLabel(tr("start.heading"), self)
        heading.setStyleSheet("font-size:20px; font-weight:bold;")
        intro = QLabel(tr("start.intro"), self)
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(tr("start.new"), self)
        self.open_button = QPushButton(tr("start.open"), self)
        self.sample_button = QPushButton(tr("start.sample"), self)
        for button in (self.new_button, self.open_button, self.sample_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(self._build_filters())
        self.model = AuditListModel(self)
        self.table = record_table("auditList", self.model, parent=self)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(self.model.summaries[index.row()].id))
        self.empty = QLabel(tr("start.empty"), self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color:#555; padding:24px 4px; font-size:14px;")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.history = QLabel(self)  # the institution's audits by year, when the list is filtered by institution
        self.history.setObjectName("institutionHistory")
        self.history.setWordWrap(True)
        self.history.setVisible(False)
        layout.addWidget(self.history)
        self.new_button.clicked.connect(self.new_audit)
        self.open_button.clicked.connect(self.open_selected)
        self.sample_button.clicked.connect(self.sample_requested)
        self.reload()

    def _build_filters(self) -> QHBoxLayout:
        """The list's filters: the special review (``qbaudit batch``) and the institution."""
        row = QHBoxLayout()
        self.batch_filter = QComboBox(self)
        self.batch_filter.setObjectName("batchFilter")
        self.batch_filter.setMinimumContentsLength(24)
        self.institution_filter = QLineEdit(self)
        self.institution_filter.setObjectName("institutionFilter")
        self.institution_filter.setPlaceholderText(tr("history.filter_institution_hint"))
        self.institution_filter.setClearButtonEnabled(True)
        row.addWidget(QLabel(tr("history.filter_batch"), self))
        row.addWidget(self.batch_filter, 1)
        row.addWidget(QLabel(tr("history.filter_institution"), self))
        row.addWidget(self.institution_filter, 1)
        self.batch_filter.activated.connect(lambda _index: self.reload())
        self.institution_filter.editingFinished.connect(self.reload)
        return row

    def _fill_batches(self) -> None:
        chosen = self.batch_filter.currentData()
        self.batch_filter.clear()
        self.batch_filter.addItem(tr("history.filter_all"), None)
        from qbaudit.store.batches import batch_names

        for name, date, count in batch_names(self.ctx.store):
            self.batch_filter.addItem(tr("history.filter_batch_item", name=name, date=date or "", count=count), name)
        self.batch_filter.setCurrentIndex(max(0, self.batch_filter.findData(chosen)) if chosen else 0)

    def reload(self) -> None:
        """Read the list of audits again (of the batch and institution chosen)."""
        from qbaudit.store.history import history_lines, institution_history

        institution = self.institution_filter.text().strip() or None
        lines: list[str] = []
        try:
            self._fill_batches()
            summaries = self.ctx.store.list_audits(batch=self.batch_filter.currentData(), institution=institution)
            if institution and summaries:
                lines = history_lines(institution_history(self.ctx.store, summaries[0].institution,
                                                          summaries[0].registration_number))
        except Exception as exc:  # noqa: BLE001 - a store that fails is said, the list stays empty
            self.ctx.error(str(exc))
            summaries = []
        self.model.load(summaries)
        self.history.setText("\n".join(lines))
        self.history.setVisible(bool(lines))
        self.empty.setText(tr("history.no_match") if self.filtered else tr("start.empty"))
        self.empty.setVisible(not summaries)
        self.table.setVisible(bool(summaries))
        self.open_button.setEnabled(bool(summaries))
        if summaries:
            self.table.selectRow(0)

    @property
    def filtered(self) -> bool:
        """True while the list shows only one batch's or one institution's audits."""
        return self.batch_filter.currentData() is not None or bool(self.institution_filter.text().strip())

    def open_selected(self) -> None:
        """Open the audit selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_requested.emit(self.model.summaries[rows[0].row()].id)

    def new_audit(self, *, exec_dialog: bool = True) -> NewAuditDialog:
        """Open the dialog for a new audit; on OK the audit is created and opened."""
        dialog = NewAuditDialog(self.ctx, self)
        dialog.created.connect(lambda audit_id: (self.reload(), self.open_requested.emit(audit_id)))
        if exec_dialog:
            dialog.open()
        return dialog


class NewAuditDialog(QDialog):
    """The basic facts of a new audit: institution, occupation, levels, sheet, the supervision (kind, batch,
    date, time, place, head count) and the inspectors."""

    created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("newAuditDialog")
        self.setWindowTitle(tr("start.new_title"))
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.sheet = QComboBox(self)
        self.sheet.setObjectName("sheetCombo")
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet, 1)
        self.sheets_folder = QPushButton(tr("start.sheets_folder"), self)
        self.sheets_folder.setObjectName("sheetsFolder")
        self.sheets_folder.setToolTip(tr("start.sheets_folder_tip"))
        self.sheets_folder.clicked.connect(self.open_sheets_folder)
        sheet_row.addWidget(self.sheets_folder)
        form.addRow(tr("start.field_sheet"), sheet_row)
        self.sheet_note = QLabel(self)
        self.sheet_note.setObjectName("sheetNote")
        self.sheet_note.setWordWrap(True)
        self.sheet_note.setStyleSheet("color:#666;")
        form.addRow("", self.sheet_note)
        self.institution = QLineEdit(self)
        self.registration = QLineEdit(self)
        self.registration.setPlaceholderText(tr("start.optional"))
        self.occupation = QLineEdit(self)
        self.occupation.setPlaceholderText(tr("start.occupation_hint"))
        form.addRow(tr("start.field_institution"), self.institution)
        form.addRow(tr("start.field_registration"), self.registration)
        form.addRow(tr("start.field_occupation"), self.occupation)
        levels = QHBoxLayout()
        self.level_boxes: dict[int, QCheckBox] = {}
        from qbaudit.analysis.vocabulary import level_name

        for level in LEVELS:
            box = QCheckBox(level_name(level), self)
            self.level_boxes[level] = box
            levels.addWidget(box)
        levels.addStretch(1)
        form.addRow(tr("start.field_levels"), levels)
        form.addRow(tr("start.field_supervision"), self._build_supervision())
        self.keep_text = QCheckBox(tr("start.keep_text"), self)
        self.keep_text.setChecked(ctx.settings.keep_item_text)
        form.addRow("", self.keep_text)
        layout.addLayout(form)
        group = QGroupBox(tr("start.inspectors"), self)
        group_layout = QVBoxLayout(group)
        # A small editable grid typed in by the user (not a view of model data), so a table widget fits.
        self.inspectors = QTableWidget(3, 3, group)
        self.inspectors.setHorizontalHeaderLabels([tr("start.col_name"), tr("start.col_role"), tr("start.col_card")])
        self.inspectors.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.inspectors.verticalHeader().hide()
        self.inspectors.setFixedHeight(130)
        self.inspectors_hint = QLabel(group)
        self.inspectors_hint.setObjectName("inspectorsHint")
        self.inspectors_hint.setWordWrap(True)
        self.inspectors_hint.setStyleSheet("color:#666;")
        group_layout.addWidget(self.inspectors)
        group_layout.addWidget(self.inspectors_hint)
        layout.addWidget(group)
        self.problem = QLabel(self)
        self.problem.setObjectName("newAuditProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b00020;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.sheet.currentIndexChanged.connect(self._sheet_chosen)
        self.load_sheets()

    def _build_supervision(self) -> QWidget:
        from qbaudit.analysis.sheets import SUPERVISION_KINDS
        from qbaudit.report.kinds import supervision_label

        box = QWidget(self)
        grid = QFormLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.supervision = QComboBox(box)
        self.supervision.setObjectName("supervisionCombo")
        for kind in SUPERVISION_KINDS:
            self.supervision.addItem(supervision_label(kind), kind)
        self.batch = QLineEdit(box)
        self.batch.setObjectName("batchEdit")
        self.date = QDateEdit(box)
        self.date.setObjectName("dateEdit")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate())
        self.time = QLineEdit(box)
        self.time.setObjectName("timeEdit")
        self.time.setPlaceholderText(tr("start.time_hint"))
        self.place = QLineEdit(box)
        self.place.setObjectName("placeEdit")
        self.place.setPlaceholderText(tr("start.optional"))
        self.head_count = QLineEdit(box)
        self.head_count.setObjectName("headCountEdit")
        self.head_count.setValidator(QIntValidator(0, 100000, self.head_count))
        self.head_count.setPlaceholderText(tr("start.optional"))
        row = QHBoxLayout()
        row.addWidget(self.supervision)
        row.addWidget(QLabel(tr("start.field_batch")))
        row.addWidget(self.batch, 1)
        grid.addRow(tr("start.field_kind"), row)
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(QLabel(tr("start.field_time")))
        when.addWidget(self.time, 1)
        grid.addRow(tr("start.field_date"), when)
        where = QHBoxLayout()
        where.addWidget(self.place, 2)
        where.addWidget(QLabel(tr("start.field_head_count")))
        where.addWidget(self.head_count, 1)
        grid.addRow(tr("start.field_place"), where)
        return box

    # --- the sheets ----------------------------------------------------------------------------

    def load_sheets(self) -> None:
        """List every sheet: bundled ones, then the user's (a file that does not load is greyed, with why)."""
        from qbaudit.analysis.sheets import available_sheets

        current = self.sheet.currentData()
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.entries = available_sheets()
        model = self.sheet.model()
        for index, entry in enumerate(self.entries):
            label = entry.name if entry.path is None else tr("start.user_sheet", name=entry.name, file=entry.path.name)
            self.sheet.addItem(label, entry.id)
            if not entry.usable:
                self.sheet.setItemText(index, tr("start.broken_sheet", file=entry.path.name if entry.path else entry.id))
                self.sheet.setItemData(index, entry.problem, Qt.ItemDataRole.ToolTipRole)
                if isinstance(model, QStandardItemModel):
                    model.item(index).setEnabled(False)
        chosen = self.sheet.findData(current or "proposition-2024")
        self.sheet.setCurrentIndex(max(chosen, 0))
        self.sheet.blockSignals(False)
        self._sheet_chosen()

    def sheet_ids(self) -> list[str]:
        """The ids of the sheets offered (usable ones)."""
        return [entry.id for entry in self.entries if entry.usable]

    def choose_sheet(self, sheet_id: str) -> None:
        """Select sheet ``sheet_id`` in the list (tests and scripts)."""
        index = self.sheet.findData(sheet_id)
        if index < 0:
            raise KeyError(sheet_id)
        self.sheet.setCurrentIndex(index)

    def chosen_sheet(self) -> Any:
        """The :class:`~qbaudit.analysis.sheets.Sheet` chosen (None when it does not load)."""
        from qbaudit.analysis.sheets import SheetError, load_sheet

        entry = next((e for e in self.entries if e.id == self.sheet.currentData() and e.usable), None)
        if entry is None:
            return None
        try:
            return load_sheet(entry.path or entry.id)
        except SheetError:
            return None

    def _sheet_chosen(self, *_args: Any) -> None:
        sheet = self.chosen_sheet()
        if sheet is None:
            entry = next((e for e in self.entries if e.id == self.sheet.currentData()), None)
            self.sheet_note.setText(entry.problem if entry is not None and entry.problem else "")
            return
        from qbaudit.analysis.sheets import uses_checks

        layout = sheet.layout
        self.supervision.setCurrentIndex(max(self.supervision.findData(layout.supervision), 0))
        self.batch.setEnabled(layout.batch)
        self.batch.setPlaceholderText(tr("start.batch_hint") if layout.batch else tr("start.no_batch"))
        if not layout.batch:
            self.batch.clear()
        note = tr("start.sheet_checks" if uses_checks(sheet) else "start.sheet_no_checks", source=sheet.source)
        self.sheet_note.setText(note)
        self.inspectors_hint.setText(tr("start.inspectors_hint_rules" if sheet.card_rules else "start.inspectors_hint"))

    def open_sheets_folder(self) -> Any:
        """Open the user sheets folder (made when missing) in the file manager; returns its path."""
        from qbaudit.analysis.sheets import user_sheets_dir

        folder = user_sheets_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.problem.setText(tr("start.sheets_folder_failed", folder=str(folder), reason=exc.strerror or str(exc)))
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        return folder

    # --- filling and creating -----------------------------------------------------------------

    def fill(self, *, institution: str, occupation: str, levels: list[int], inspectors: list[tuple[str, str, str]],
             registration: str = "") -> None:
        """Fill the form (tests and scripts)."""
        from PySide6.QtWidgets import QTableWidgetItem

        self.institution.setText(institution)
        self.registration.setText(registration)
        self.occupation.setText(occupation)
        for level, box in self.level_boxes.items():
            box.setChecked(level in levels)
        for row, person in enumerate(inspectors):
            for column, value in enumerate(person):
                self.inspectors.setItem(row, column, QTableWidgetItem(value))

    def _people(self) -> list[Any]:
        from qbaudit.store import InspectorInput

        people = []
        for row in range(self.inspectors.rowCount()):
            cells = [(self.inspectors.item(row, c).text().strip() if self.inspectors.item(row, c) else "")
                     for c in range(3)]
            if any(cells):
                people.append(InspectorInput(cells[0], cells[1] or tr("start.default_role"), cells[2] or None))
        return people

    def facts(self) -> Any:
        """The supervision's facts as typed (:class:`~qbaudit.store.SupervisionFacts`)."""
        import datetime as dt

        from qbaudit.store import SupervisionFacts

        day = self.date.date()
        count = self.head_count.text().strip()
        return SupervisionFacts(kind=self.supervision.currentData(), batch_number=self.batch.text(),
                                place=self.place.text(), head_count=int(count) if count else None,
                                date=dt.date(day.year(), day.month(), day.day()), time=self.time.text())

    def create(self) -> int | None:
        """Create the audit; on a refusal say why in the dialog and keep it open. Returns the id."""
        sheet = self.chosen_sheet()
        if sheet is None:
            self.problem.setText(tr("start.no_sheet"))
            return None
        if self._history_stops(sheet):
            return None
        try:
            audit_id = self.ctx.store.create_audit(
                institution=self.institution.text(), registration_number=self.registration.text(),
                occupation=self.occupation.text(), levels=[lv for lv, box in self.level_boxes.items() if box.isChecked()],
                inspectors=self._people(), sheet=sheet, keep_item_text=self.keep_text.isChecked(), facts=self.facts())
        except Exception as exc:  # noqa: BLE001 - the store's Chinese refusal, shown in place
            from qbaudit.views.workers import expected_errors

            if not isinstance(exc, expected_errors()):
                raise
            self.problem.setText(str(exc))
            return None
        self.accept()
        self.created.emit(audit_id)
        return audit_id

    def _history_stops(self, sheet: Any) -> bool:
        """What the institution's history says (three 不合格 in a year, the same external supervisor a third time
        in a row), shown in the dialog once for these facts; True then (a second OK creates the audit)."""
        from qbaudit.store.history import history_warnings

        people = self._people()
        key = (self.institution.text().strip(), self.registration.text().strip(),
               tuple((p.name, p.card_code) for p in people))
        if not key[0] or key == getattr(self, "_warned", None):
            return False
        try:
            warnings = history_warnings(self.ctx.store, institution=key[0], registration_number=key[1] or None,
                                        supervisors=[(p.name, p.card_code) for p in people], sheet=sheet,
                                        date=self.facts().date)
        except Exception:  # noqa: BLE001 - the history is advice; creating the audit says what is wrong
            return False
        self._warned = key
        if not warnings:
            return False
        self.problem.setText("\n".join(tr("history.warning_line", text=str(w)) for w in warnings)
                             + tr("history.confirm_again"))
        return True
