"""The import wizard's three steps (files, sheets and columns, result) and the combo boxes of its tables. The
steps hold layout; :class:`~qbaudit.views.wizard.controller.ImportWizard` does the work."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from qbaudit.analysis.inputs import MULTIPLE, kind_label
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.views.wizard.controller import ImportWizard

FILES, MAPPING, RESULT = 0, 1, 2
_Index = QModelIndex | QPersistentModelIndex


class _ComboDelegate(QStyledItemDelegate):
    """A combo box of choices (text, value) editing the EditRole of a cell; subclasses say which choices."""

    name = "combo"

    def choices(self) -> list[tuple[str, Any]]:
        """The (text, value) pairs offered."""
        raise NotImplementedError

    def createEditor(self, parent: QWidget, option: Any, index: _Index) -> QWidget:  # noqa: N802 - Qt's name
        """A combo of the choices; a change is committed at once."""
        combo = QComboBox(parent)
        combo.setObjectName(self.name)
        for text, value in self.choices():
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:  # noqa: N802 - Qt's name
        """Select the cell's value."""
        assert isinstance(editor, QComboBox)
        editor.blockSignals(True)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:  # noqa: N802 - Qt's name
        """Give the cell the chosen value."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class FieldDelegate(_ComboDelegate):
    """A combo box of the kind's fields (and “不导入”) in the field row of the preview; required ones marked."""

    name = "fieldCombo"

    def __init__(self, wizard: ImportWizard, parent: Any = None) -> None:
        super().__init__(parent)
        self._wizard = wizard

    def choices(self) -> list[tuple[str, Any]]:
        """不导入, then the fields of the kind."""
        preview = self._wizard.current_preview()
        fields = preview.fields if preview is not None and not isinstance(preview, str) else []
        return [(tr("wizard.skip_column"), None)] + [
            (tr("wizard.required_field", label=c.label) if c.required else c.label, c.name) for c in fields]


class LevelDelegate(_ComboDelegate):
    """A combo of the levels (and “不指定”) in the level column of the files list."""

    name = "levelCombo"

    def choices(self) -> list[tuple[str, Any]]:
        """不指定, then 五级 … 一级."""
        from qbaudit.analysis.vocabulary import level_name

        return [(tr("inputfiles.level_none"), None)] + [(level_name(level), level) for level in range(5, 0, -1)]


# --- pages -------------------------------------------------------------------------------------------


class FilesPage(QWizardPage):
    """Step 1: the files of the input (added by the file dialog or dropped on the page)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(tr("wizard.files_title", kind=kind_label(wizard.kind)))
        several = wizard.kind in MULTIPLE
        hint = tr("wizard.files_hint_many") if several else tr("wizard.files_hint_one")
        if wizard.files_model.with_levels:
            hint += tr("inputfiles.level_hint")
        self.setSubTitle(hint)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.list = QTableView()
        self.list.setObjectName("filesList")
        self.list.setModel(wizard.files_model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.list.verticalHeader().setVisible(False)
        self.list.setShowGrid(False)
        header = self.list.horizontalHeader()
        header.setStretchLastSection(True)
        header.setVisible(wizard.files_model.with_levels)
        self.list.setItemDelegateForColumn(1, LevelDelegate(self.list))
        wizard.files_model.modelReset.connect(self._resize)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("wizard.add_files"))
        self.add_button.setObjectName("addFiles")
        self.add_button.clicked.connect(wizard.choose_files)
        self.folder_button = QPushButton(tr("inputfiles.add_folder"))
        self.folder_button.setObjectName("addFolder")
        self.folder_button.clicked.connect(wizard.choose_folder)
        self.folder_button.setVisible(several)
        self.remove_button = QPushButton(tr("wizard.remove_file"))
        self.remove_button.setObjectName("removeFile")
        self.remove_button.clicked.connect(self._remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("filesMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.drop_hint = QLabel(tr("wizard.drop_hint"))
        self.drop_hint.setStyleSheet("color: #666;")
        layout.addWidget(self.drop_hint)

    def _resize(self) -> None:
        if self._wizard.files_model.with_levels:
            self.list.resizeColumnToContents(0)
            self.list.setColumnWidth(0, max(320, min(self.list.columnWidth(0), 560)))

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.list.selectionModel().selectedIndexes()}, reverse=True)
        for row in rows:
            self._wizard.remove_file(row)

    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Accept local files."""
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Add the dropped files (and the files of dropped folders)."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self._wizard.add_files(paths)
            event.acceptProposedAction()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Next once every file is read and usable."""
        return self._wizard.files_ready()

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        """The mapping step only for files with columns."""
        return MAPPING if self._wizard.has_columns() else RESULT


class MappingPage(QWizardPage):
    """Step 2: the sheets to read, a preview of their first rows, the header row and the field of each column."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(tr("wizard.mapping_title"))
        self.setSubTitle(" ")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.file_label = QLabel(tr("wizard.file_choice"))
        self.file_combo = QComboBox()
        self.file_combo.setObjectName("fileCombo")
        self.file_combo.currentIndexChanged.connect(self._file_changed)
        top.addWidget(self.file_label)
        top.addWidget(self.file_combo, 1)
        top.addSpacing(16)
        top.addWidget(QLabel(tr("wizard.header_row")))
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("headerRow")
        self.header_spin.setRange(0, 1_000_000)
        self.header_spin.setSpecialValueText(tr("wizard.no_header"))
        self.header_spin.setToolTip(tr("wizard.header_row_tip"))
        self.header_spin.editingFinished.connect(self._header_edited)
        self.header_spin.setMinimumWidth(90)
        top.addWidget(self.header_spin)
        top.addStretch(1)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("wizard.sheets")))
        self.sheets = QListView()
        self.sheets.setObjectName("sheetsList")
        self.sheets.setModel(wizard.sheets_model)
        self.sheets.selectionModel().currentChanged.connect(self._sheet_changed)
        left_layout.addWidget(self.sheets)
        split.addWidget(left)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(wizard.preview_model)
        self.table.setItemDelegateForRow(0, FieldDelegate(wizard, self.table))
        self.table.horizontalHeader().setDefaultSectionSize(130)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        split.addWidget(self.table)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 800])
        layout.addWidget(split, 1)
        templates = QHBoxLayout()
        self.apply_template_button = QPushButton(tr("headernames.apply_template"))
        self.apply_template_button.setObjectName("applyTemplate")
        self.apply_template_button.setToolTip(tr("headernames.apply_template_tip"))
        self.apply_template_button.clicked.connect(wizard.templates.choose)
        self.save_template_button = QPushButton(tr("headernames.save_template"))
        self.save_template_button.setObjectName("saveTemplate")
        self.save_template_button.setToolTip(tr("headernames.save_template_tip"))
        self.save_template_button.clicked.connect(wizard.templates.ask_name)
        templates.addStretch(1)
        templates.addWidget(self.apply_template_button)
        templates.addWidget(self.save_template_button)
        layout.addLayout(templates)
        self.missing = QLabel()
        self.missing.setObjectName("missingFields")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b00020;")
        layout.addWidget(self.missing)
        wizard.preview_model.modelReset.connect(self._open_editors)
        wizard.preview_model.mapping_changed.connect(self.update_missing)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Fill the file choice with the files that have columns."""
        self.file_combo.blockSignals(True)
        self.file_combo.clear()
        for path in self._wizard.column_files():
            self.file_combo.addItem(path.name, str(path))
        self.file_combo.blockSignals(False)
        several = self.file_combo.count() > 1
        self.file_combo.setVisible(several)
        self.file_label.setVisible(several)
        self._file_changed(0)

    def _file_changed(self, row: int) -> None:
        data = self.file_combo.itemData(row)
        if data is not None:
            self._wizard.show_file(Path(data))

    def _sheet_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._wizard.show_sheet(current.row())

    def _header_edited(self) -> None:
        sheet = self._wizard.current_sheet()
        if sheet is not None and self.header_spin.value() != (self._wizard.header_row(sheet.key) or 0):
            self._wizard.set_header_row(sheet.key, self.header_spin.value() or None)

    def _open_editors(self) -> None:
        model = self._wizard.preview_model
        if model.rowCount() and model.editable:
            for column in range(model.columnCount()):
                self.table.openPersistentEditor(model.index(0, column))
        self.table.resizeColumnsToContents()
        for column in range(model.columnCount()):
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, max(110, min(width, 260)))

    def show_state(self, preview: Any, sheet: Any) -> None:
        """Show the note, the header row and the missing fields of ``sheet`` of ``preview``."""
        self.setSubTitle(preview.note if preview is not None else " ")
        self.header_spin.blockSignals(True)
        if sheet is None:
            header = 0
        elif preview.needs_mapping:
            header = self._wizard.header_row(sheet.key) or 0
        else:
            header = sheet.header_row or 0
        self.header_spin.setValue(header)
        self.header_spin.setEnabled(sheet is not None and preview.needs_mapping)
        self.header_spin.blockSignals(False)
        self.update_missing()

    def update_missing(self) -> None:
        """Name the required fields that no column holds."""
        self.missing.setText(self._wizard.missing_text())


class ResultPage(QWizardPage):
    """Step 3: the import, with progress and Cancel, then its result."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(tr("wizard.result_title"))
        self.setSubTitle(tr("wizard.result_hint"))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        running = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(tr("wizard.cancel_import"))
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(wizard.cancel_import)
        self.retry_button = QPushButton(tr("wizard.retry"))
        self.retry_button.setObjectName("retryImport")
        self.retry_button.clicked.connect(wizard.start_import)
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        running.addWidget(self.retry_button)
        layout.addLayout(running)
        self.table = QTableView()
        self.table.setObjectName("issuesTable")
        self.table.setModel(wizard.issues_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(tr("wizard.export_rejected"))
        self.export_button.setObjectName("exportRejected")
        self.export_button.clicked.connect(wizard.choose_export)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self.show_running(False)

    def show_running(self, running: bool, cancelled: bool = False) -> None:
        """Show the progress bar and Cancel while the import runs; Retry after a cancel."""
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.retry_button.setVisible(cancelled)
        result = self._wizard.result
        self.export_button.setVisible(not running and result is not None and bool(result.rejected))
        if running:
            self.progress.setValue(0)

    def set_progress(self, fraction: float, text: str) -> None:
        """The import's progress."""
        self.progress.setValue(int(fraction * 100))
        if text:
            self.progress.setFormat(f"{text}  %p%")

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Start the import."""
        self._wizard.start_import()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt's name
        """Back: stop a running import and forget the result."""
        self._wizard.cancel_import()
        self._wizard.clear_result()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        """Finish once the import gave a usable result."""
        result = self._wizard.result
        return result is not None and result.ok and not self._wizard.running


# --- the wizard ----------------------------------------------------------------------------------------
