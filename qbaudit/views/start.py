"""Where the window starts: the audits in the record (open one, or start a new one, or the sample)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.context import AppContext

_Index = QModelIndex | QPersistentModelIndex
SHEETS = ("proposition-2024",)  # sheets an audit of a bank is scored on (the on-site and daily sheets are for other reviews)
LEVELS = (5, 4, 3, 2, 1)


class AuditListModel(QAbstractTableModel):
    """The audits in the store, newest first."""

    COLUMNS = ("id", "institution", "occupation", "levels", "sheet", "revision", "state", "created")

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
        if role == Qt.ItemDataRole.ForegroundRole and column == "state" and s.signed:
            return QColor("#1b6e3a")
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
        self.model = AuditListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("auditList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(self.model.summaries[index.row()].id))
        self.empty = QLabel(tr("start.empty"), self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color:#555; padding:24px 4px; font-size:14px;")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.new_button.clicked.connect(self.new_audit)
        self.open_button.clicked.connect(self.open_selected)
        self.sample_button.clicked.connect(self.sample_requested)
        self.reload()

    def reload(self) -> None:
        """Read the list of audits again."""
        try:
            summaries = self.ctx.store.list_audits()
        except Exception as exc:  # noqa: BLE001 - a store that fails is said, the list stays empty
            self.ctx.error(str(exc))
            summaries = []
        self.model.load(summaries)
        self.empty.setVisible(not summaries)
        self.table.setVisible(bool(summaries))
        self.open_button.setEnabled(bool(summaries))
        if summaries:
            self.table.selectRow(0)

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
    """The basic facts of a new audit: institution, occupation, levels, inspectors, sheet."""

    created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("newAuditDialog")
        self.setWindowTitle(tr("start.new_title"))
        self.setMinimumWidth(700)
        layout = QVBoxLayout(self)
        form = QFormLayout()
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
        self.sheet = QComboBox(self)
        from qbaudit.analysis.sheets import load_sheet

        for sheet_id in SHEETS:
            self.sheet.addItem(load_sheet(sheet_id).name, sheet_id)
        form.addRow(tr("start.field_sheet"), self.sheet)
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
        hint = QLabel(tr("start.inspectors_hint"), group)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#666;")
        group_layout.addWidget(self.inspectors)
        group_layout.addWidget(hint)
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

    def create(self) -> int | None:
        """Create the audit; on a refusal say why in the dialog and keep it open. Returns the id."""
        from qbaudit.analysis.sheets import load_sheet

        try:
            audit_id = self.ctx.store.create_audit(
                institution=self.institution.text(), registration_number=self.registration.text(),
                occupation=self.occupation.text(), levels=[lv for lv, box in self.level_boxes.items() if box.isChecked()],
                inspectors=self._people(), sheet=load_sheet(self.sheet.currentData()),
                keep_item_text=self.keep_text.isChecked())
        except Exception as exc:  # noqa: BLE001 - the store's Chinese refusal, shown in place
            from qbaudit.views.workers import expected_errors

            if not isinstance(exc, expected_errors()):
                raise
            self.problem.setText(str(exc))
            return None
        self.accept()
        self.created.emit(audit_id)
        return audit_id
