"""The import wizard: one input kind (题库, 细目表 …) from its files into the open audit.

Pages: (1) the files; (2) for spreadsheets, the sheets to read, a preview of their first rows and the field of
each column (pre-filled from the header synonyms; skipped for documents and exchange formats); (3) the import,
run through the task runner with progress and Cancel, and its result: rows taken, rows not taken and warnings,
which can be exported. Finish takes the result into the audit; Cancel, at any point, leaves it as it was
(the workbench's ``read`` takes nothing, only ``accept`` does).

Tests drive it without dialogs: :meth:`ImportWizard.set_files`, :meth:`ImportWizard.set_field`,
:meth:`ImportWizard.set_header_row`, :meth:`ImportWizard.set_sheets`, then ``next()`` and ``accept()``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
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
    QWizard,
    QWizardPage,
)

from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions

FILES, MAPPING, RESULT = 0, 1, 2
_CELL_CHARS = 40  # characters of a cell shown in the preview (the tooltip has all)
_SUFFIXES = {
    "bank": "*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.docx *.xml *.gift *.aiken *.zip *.json *.jsonl",
    "papers": "*.xlsx *.xlsm *.xls *.ods *.csv *.docx",
}
_SHEET_SUFFIXES = "*.xlsx *.xlsm *.xls *.ods *.csv *.txt"
_Index = QModelIndex | QPersistentModelIndex


def kind_label(kind: str) -> str:
    """The Chinese name of an input kind (the core module is imported late: it loads polars)."""
    from qbaudit.analysis.inputs import kind_label as label

    return label(kind)


def _several(kind: str) -> bool:
    from qbaudit.analysis.inputs import MULTIPLE

    return kind in MULTIPLE


def _severity_text(severity: Any) -> str:
    return tr(f"wizard.severity_{severity.value}")


# --- models ------------------------------------------------------------------------------------------


class FilesModel(QAbstractTableModel):
    """The files chosen for the input, each with its format (or the reason it cannot be read) and, for a bank,
    the level of its rows that name none: from the file itself, its name, or chosen here (column 1, editable)."""

    level_changed = Signal()

    def __init__(self, parent: Any = None, with_levels: bool = False) -> None:
        super().__init__(parent)
        self.with_levels = with_levels
        self._paths: list[Path] = []
        self._previews: dict[Path, Any] = {}
        self._levels: dict[Path, int] = {}  # the wizard's levels chosen per file, shared and updated
        self._own: dict[Path, tuple[str, int | None]] = {}  # where a file's own level comes from

    def set_files(self, paths: Sequence[Path], previews: dict[Path, Any], levels: dict[Path, int] | None = None,
                  own: dict[Path, tuple[str, int | None]] | None = None) -> None:
        """Show ``paths`` with what is known of them; ``levels`` (shared) are the levels chosen per file and
        ``own`` says where each file's own level comes from (see :meth:`ImportWizard.own_level`)."""
        self.beginResetModel()
        self._paths, self._previews = list(paths), dict(previews)
        if levels is not None:
            self._levels = levels
        self._own = dict(own or {})
        self.endResetModel()

    def path(self, row: int) -> Path | None:
        """The file of ``row``."""
        return self._paths[row] if 0 <= row < len(self._paths) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """One row per file."""
        return 0 if parent.isValid() else len(self._paths)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """The file, and for a bank its level."""
        return 0 if parent.isValid() else (2 if self.with_levels else 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """The level of a bank file can be chosen."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The file name and its format (or the reason it cannot be read); the level and where it comes from."""
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        path = self._paths[index.row()]
        if index.column() == 1:
            return self._level_data(path, role)
        preview = self._previews.get(path)
        if role == Qt.ItemDataRole.DisplayRole:
            if preview is None:
                return tr("wizard.file_reading", file=path.name)
            if isinstance(preview, str):
                return tr("wizard.file_unusable", file=path.name)
            return tr("wizard.file_line", file=path.name, format=preview.format_label)
        if role == Qt.ItemDataRole.ToolTipRole:
            return preview if isinstance(preview, str) else str(path)
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(preview, str):
            return QBrush(QColor("#b00020"))
        return None

    def _level_data(self, path: Path, role: int) -> Any:
        from qbaudit.analysis.vocabulary import level_name

        chosen = self._levels.get(path)
        source, level = self._own.get(path, ("unknown", None))
        if role == Qt.ItemDataRole.EditRole:
            return chosen
        if role == Qt.ItemDataRole.DisplayRole:
            if source == "file_name" and level is not None:
                return tr("inputfiles.level_by_name", level=level_name(level))
            if chosen is not None:
                key = "inputfiles.level_rest_chosen" if source in ("file", "document") else "inputfiles.level_chosen"
                return tr(key, level=level_name(chosen))
            if source == "file":
                return tr("inputfiles.level_in_file")
            if source == "document":
                return tr("inputfiles.level_in_document")
            return tr("inputfiles.level_needed") if source == "none" else ""
        if role == Qt.ItemDataRole.ForegroundRole and source == "none" and chosen is None:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("inputfiles.level_tooltip")
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Choose the level of a file's rows that name none (None: not given)."""
        if not index.isValid() or index.column() != 1 or role != Qt.ItemDataRole.EditRole:
            return False
        path = self._paths[index.row()]
        level = int(value) if value not in (None, "") else None
        if self._levels.get(path) == level:
            return False
        if level is None:
            self._levels.pop(path, None)
        else:
            self._levels[path] = level
        self.dataChanged.emit(index, index)
        self.level_changed.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """文件, 等级."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and section in (0, 1):
            return tr("inputfiles.column_file") if section == 0 else tr("inputfiles.column_level")
        return None


class SheetsModel(QAbstractListModel):
    """The sheets of one file, each with a check box: read it or not."""

    changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sheets: list[Any] = []
        self._chosen: dict[str, bool] = {}
        self.checkable = True

    def set_sheets(self, sheets: list[Any], chosen: dict[str, bool], checkable: bool = True) -> None:
        """Show ``sheets`` (SheetPreview); ``chosen`` is the wizard's sheet key → read, shared and updated;
        ``checkable`` False for a kind that reads every sheet."""
        self.beginResetModel()
        self._sheets, self._chosen, self.checkable = list(sheets), chosen, checkable
        self.endResetModel()

    def sheet(self, row: int) -> Any:
        """The SheetPreview of ``row``."""
        return self._sheets[row] if 0 <= row < len(self._sheets) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """One row per sheet."""
        return 0 if parent.isValid() else len(self._sheets)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Sheets are checkable (a CSV file's one table is not: it is always read)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.checkable and self._sheets[index.row()].name is not None:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The sheet's name and size, and whether it is read."""
        if not index.isValid() or not 0 <= index.row() < len(self._sheets):
            return None
        sheet = self._sheets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("wizard.sheet_line", sheet=sheet.title, rows=sheet.content_rows)
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable and sheet.name is not None:
            return Qt.CheckState.Checked if self._chosen.get(sheet.key, True) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("wizard.sheet_hidden") if sheet.hidden else None
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Tick or untick a sheet."""
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        sheet = self._sheets[index.row()]
        if sheet.name is None or not self.checkable:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self._chosen[sheet.key] = checked
        self.dataChanged.emit(index, index, [role])
        self.changed.emit()
        return True

    def refresh(self) -> None:
        """The wizard changed the choices: show them."""
        if self._sheets:
            self.dataChanged.emit(self.index(0), self.index(len(self._sheets) - 1))


class PreviewModel(QAbstractTableModel):
    """The first rows of one sheet under a row of field choices (row 0: editable, one per column).

    Rows above the header are greyed, the header row is bold; the column header says the column's letter
    (or number) and the field it holds.
    """

    mapping_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sheet: Any = None
        self._preview: Any = None
        self._numbers: list[int] = []
        self._rows: list[list[str]] = []
        self._mapping: dict[str, str | None] = {}
        self._header: int | None = None
        self.editable = True

    def show_sheet(self, preview: Any, sheet: Any, mapping: dict[str, str | None], header: int | None,
                   editable: bool) -> None:
        """Show ``sheet`` of the file ``preview`` with ``mapping`` (column label → field, shared with the wizard)."""
        self.beginResetModel()
        self._preview, self._sheet, self._mapping, self._header = preview, sheet, mapping, header
        self.editable = editable
        if sheet is None:
            self._numbers, self._rows = [], []
        elif header is not None and sheet.row_numbers and header > sheet.row_numbers[-1]:
            numbers, rows = sheet.rows_from(header)
            self._numbers, self._rows = numbers, rows
        else:
            self._numbers, self._rows = list(sheet.row_numbers), list(sheet.rows)
        self.endResetModel()

    @property
    def columns(self) -> list[str]:
        """The column labels shown."""
        return list(self._sheet.column_labels) if self._sheet is not None else []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """The field row and the preview rows."""
        if parent.isValid() or self._sheet is None:
            return 0
        return 1 + len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """One per column of the sheet."""
        return 0 if parent.isValid() or self._sheet is None else len(self._sheet.column_labels)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """The field row is editable when the kind takes the user's mapping."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.row() == 0 and self.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def field_of(self, column: int) -> str | None:
        """The field of the ``column``-th column."""
        return self._mapping.get(self._sheet.column_labels[column]) if self._sheet is not None else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Field row: the field's label (EditRole: its name); other rows: the cell text."""
        if not index.isValid() or self._sheet is None:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < self.rowCount() and 0 <= column < self.columnCount()):
            return None
        if row == 0:
            target = self.field_of(column)
            if role == Qt.ItemDataRole.DisplayRole:
                return self._preview.label(target)
            if role == Qt.ItemDataRole.EditRole:
                return target
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#e8f0fe") if target else QColor("#f1f1f1"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(target is not None)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("wizard.field_tooltip")
            return None
        number, cells = self._numbers[row - 1], self._rows[row - 1]
        text = cells[column] if column < len(cells) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return text if len(text) <= _CELL_CHARS else text[:_CELL_CHARS] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == Qt.ItemDataRole.FontRole and number == self._header:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and number == self._header:
            return QBrush(QColor("#fff4ce"))
        if role == Qt.ItemDataRole.ForegroundRole and self._header is not None and number < self._header:
            return QBrush(QColor("#9a9a9a"))
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Give a column another field (None: not imported)."""
        if not index.isValid() or index.row() != 0 or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        label = self._sheet.column_labels[index.column()]
        target = value or None
        if self._mapping.get(label) == target:
            return False
        if target is not None:  # one column per field: the column that had it gives it up
            for other, taken in self._mapping.items():
                if taken == target and other != label:
                    self._mapping[other] = None
        self._mapping[label] = target
        self.dataChanged.emit(self.index(0, 0), self.index(0, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        self.mapping_changed.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Columns: the letter (or number); rows: “字段”, then the row number the user sees."""
        if role != Qt.ItemDataRole.DisplayRole or self._sheet is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < self.columnCount():
                label = self._sheet.column_labels[section]
                return label if self._sheet.name is not None else tr("wizard.csv_column", number=label)
            return None
        if section == 0:
            return tr("wizard.field_row")
        if 0 < section < self.rowCount():
            return str(self._numbers[section - 1])
        return None


class IssuesModel(QAbstractTableModel):
    """Rows not taken and warnings of an import: file, sheet, row, column, kind, reason."""

    HEADINGS = ("file", "sheet", "row", "column", "severity", "reason")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._issues: list[Any] = []

    def set_issues(self, issues: Sequence[Any]) -> None:
        """Show ``issues`` (RowIssue), rows not taken first, then warnings and notes, each in file order."""
        order = {"rejected": 0, "warning": 1, "info": 2}
        self.beginResetModel()
        self._issues = sorted(issues, key=lambda i: order.get(i.severity.value, 3))
        self.endResetModel()

    def issue(self, row: int) -> Any:
        """The RowIssue of ``row``."""
        return self._issues[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """One row per issue."""
        return 0 if parent.isValid() else len(self._issues)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """File, sheet, row, column, kind, reason."""
        return 0 if parent.isValid() else len(self.HEADINGS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The issue's fields as text."""
        if not index.isValid() or not 0 <= index.row() < len(self._issues):
            return None
        issue = self._issues[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (issue.file, issue.sheet or "", "" if issue.row is None else str(issue.row), issue.column or "",
                      _severity_text(issue.severity), issue.reason)
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            colour = {"rejected": "#b00020", "warning": "#9a6700"}.get(issue.severity.value)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column names."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADINGS):
            return tr(f"wizard.issue_{self.HEADINGS[section]}")
        return None


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
        several = _several(wizard.kind)
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
        self.apply_template_button.clicked.connect(wizard.choose_template)
        self.save_template_button = QPushButton(tr("headernames.save_template"))
        self.save_template_button.setObjectName("saveTemplate")
        self.save_template_button.setToolTip(tr("headernames.save_template_tip"))
        self.save_template_button.clicked.connect(wizard.ask_template_name)
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


class ImportWizard(QWizard):
    """Import one input kind into the open audit (``ctx.workbench``).

    Public API: :meth:`set_files`, :meth:`add_files`, :meth:`remove_file`, :attr:`paths`, :attr:`previews`,
    :meth:`set_sheets`, :meth:`set_header_row`, :meth:`set_field`, :meth:`mapping`, :meth:`options`,
    :attr:`result`, :meth:`export_rejected`; ``next()``, ``back()``, ``accept()`` (Finish) and
    ``reject()`` (Cancel) as any QWizard. Signal ``imported(kind)`` after Finish took the result.
    """

    imported = Signal(str)

    def __init__(self, ctx: Any, kind: str, paths: Sequence[str | Path] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.setObjectName("importWizard")
        self.setWindowTitle(tr("wizard.title", kind=kind_label(kind)))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("wizard.next"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("wizard.back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("wizard.finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("wizard.cancel"))
        self.resize(1000, 680)
        self.paths: list[Path] = []
        self.previews: dict[Path, Any] = {}  # path → FilePreview, or the Chinese reason it cannot be read
        self.result: Any = None  # the ImportResult of the last import on page 3
        self.running = False
        self._task: Any = None
        self._closed = False
        self._read_options: ImportOptions | None = None
        self._chosen: dict[str, bool] = {}  # sheet key → read
        self._header: dict[str, int | None] = {}  # sheet key → header row
        self._detected_header: dict[str, int | None] = {}
        self._mapping: dict[str, dict[str, str | None]] = {}  # sheet key → column label → field
        self._sheet_of: dict[str, Any] = {}  # sheet key → SheetPreview (the first file that has it)
        self._current_file: Path | None = None
        self._current_sheet: Any = None
        self.levels: dict[Path, int] = {}  # file → the level chosen for its rows that name none (a bank)
        self._sha: dict[Path, str | None] = {}  # file → SHA-256 of its content (read with its preview)
        self._file_notes: list[str] = []  # files not added (given twice), folder contents not read
        self.files_model = FilesModel(self, with_levels=kind == "bank")
        self.sheets_model = SheetsModel(self)
        self.preview_model = PreviewModel(self)
        self.issues_model = IssuesModel(self)
        self.files_page = FilesPage(self)
        self.mapping_page = MappingPage(self)
        self.result_page = ResultPage(self)
        self.setPage(FILES, self.files_page)
        self.setPage(MAPPING, self.mapping_page)
        self.setPage(RESULT, self.result_page)
        self.sheets_model.changed.connect(self.mapping_page.update_missing)
        ctx.tasks.progress.connect(self._progress)
        if paths:
            self.set_files(paths)

    # --- files ----------------------------------------------------------------------------------

    def set_files(self, paths: Sequence[str | Path]) -> None:
        """Use ``paths`` as the input's files (only the first for a kind that comes as one file). A folder stands
        for its files; a file listed twice is listed once and the message says so (it is never dropped silently)."""
        self._file_notes = []
        expanded = self._expand([Path(p) for p in paths])
        if not _several(self.kind):
            expanded = expanded[:1]
        unique: list[Path] = []
        seen: set[str] = set()
        for path in expanded:
            key = _resolved(path)
            if key in seen:
                self._file_notes.append(tr("inputfiles.already_listed", file=path.name))
                continue
            seen.add(key)
            unique.append(path)
        self.paths = unique
        self.levels = {p: lv for p, lv in self.levels.items() if p in unique}
        self._files_changed()

    def _expand(self, paths: list[Path]) -> list[Path]:
        """Folders replaced by their files (a kind that comes as several files only)."""
        if not _several(self.kind):
            return [p for p in paths if not p.is_dir()]
        from qbaudit.analysis.importers.inputfiles import BANK_SUFFIXES, SHEET_SUFFIXES, folder_files

        suffixes = BANK_SUFFIXES if self.kind == "bank" else SHEET_SUFFIXES | (
            {".docx"} if self.kind == "papers" else set())
        out: list[Path] = []
        for path in paths:
            if not path.is_dir():
                out.append(path)
                continue
            found, skipped = folder_files(path, suffixes)
            if not found:
                self._file_notes.append(tr("inputfiles.empty_folder", folder=str(path), kind=kind_label(self.kind)))
            elif skipped:
                self._file_notes.append(tr("inputfiles.folder_skipped", count=len(skipped),
                                           files="、".join(skipped[:10]) + ("……" if len(skipped) > 10 else "")))
            out += found
        return out

    def add_files(self, paths: Sequence[str | Path]) -> None:
        """Add files or folders (a kind that comes as one file keeps only the new one)."""
        added = [Path(p) for p in paths]
        self.set_files([*self.paths, *added] if _several(self.kind) else added)

    def remove_file(self, row: int) -> None:
        """Remove the ``row``-th file."""
        if 0 <= row < len(self.paths):
            self.levels.pop(self.paths[row], None)
            del self.paths[row]
            self._file_notes = []
            self._files_changed()

    def set_level(self, path: str | Path, level: int | None) -> None:
        """Give the rows of ``path`` that name no level (in a column, a sheet name or the file name) ``level``."""
        path = Path(path)
        if path not in self.paths:
            raise KeyError(tr("inputfiles.no_such_file", file=path.name))
        self.files_model.setData(self.files_model.index(self.paths.index(path), 1), level)

    def own_level(self, path: Path) -> tuple[str, int | None]:
        """Where the level of ``path``'s rows comes from before the user's choice: ``("file_name", level)``,
        ``("file", None)`` (a level column or sheets named by level), ``("document", None)`` (a document or
        exchange format: its headings may name it), ``("none", None)``, or ``("unknown", None)`` while it is read."""
        from qbaudit.analysis.importers.inputfiles import level_from_name
        from qbaudit.analysis.vocabulary import parse_level

        named = level_from_name(path)
        if named is not None:
            return "file_name", named
        preview = self.previews.get(path)
        if preview is None or isinstance(preview, str):
            return "unknown", None
        if not preview.has_columns:
            return "document", None
        sheets = [s for s in preview.sheets if s.header_row is not None and self._chosen.get(s.key, True)]
        if sheets and all((s.name is not None and parse_level(s.name) is not None)
                          or "level" in self._mapping.get(s.key, s.detected).values() for s in sheets):
            return "file", None
        return "none", None

    def choose_files(self) -> None:
        """添加文件…: the file dialog (tests replace it, or call :meth:`add_files`)."""
        pattern = _SUFFIXES.get(self.kind, _SHEET_SUFFIXES)
        filters = f"{tr('wizard.filter_inputs', kind=kind_label(self.kind))} ({pattern});;{tr('wizard.filter_all')} (*)"
        title = tr("wizard.choose_title", kind=kind_label(self.kind))
        if _several(self.kind):
            chosen, _ = QFileDialog.getOpenFileNames(self, title, "", filters)
        else:
            one, _ = QFileDialog.getOpenFileName(self, title, "", filters)
            chosen = [one] if one else []
        if chosen:
            self.add_files(chosen)

    def choose_folder(self) -> None:
        """添加文件夹…: every file of a folder (a kind that comes as several files)."""
        folder = QFileDialog.getExistingDirectory(self, tr("inputfiles.choose_folder", kind=kind_label(self.kind)))
        if folder:
            self.add_files([folder])

    def _files_changed(self) -> None:
        missing = [p for p in self.paths if p not in self.previews]
        self.files_model.set_files(self.paths, self.previews, self.levels, {p: self.own_level(p) for p in self.paths})
        self.files_page.message.setText("\n".join(self._file_notes))
        self.files_page.completeChanged.emit()
        if not missing:
            self._previews_ready({})
            return
        kind = self.kind

        def read_previews(state: Any) -> dict[Path, Any]:
            from qbaudit.analysis.importers.preview import preview_file
            from qbaudit.analysis.progress import checkpoint

            out = {}
            for index, path in enumerate(missing):
                checkpoint(state, index / len(missing), tr("wizard.previewing", file=path.name))
                out[path] = (preview_file(path, kind), _file_sha256(path))
            return out

        self.ctx.tasks.start(tr("wizard.preview_task", kind=kind_label(kind)), read_previews,
                             done=self._previews_ready, failed=self._task_failed)

    def _previews_ready(self, previews: dict[Path, Any]) -> None:
        if self._closed:
            return
        for path, (preview, sha) in previews.items():
            self.previews[path] = preview
            self._sha[path] = sha
        for path in self.paths:
            preview = self.previews.get(path)
            if preview is None or isinstance(preview, str) or not preview.needs_mapping:
                continue
            # Sheets with no header the importer can find (a 说明 sheet) start unticked, unless none has one.
            any_header = any(s.header_row is not None for s in preview.sheets)
            for sheet in preview.sheets:
                if sheet.key in self._sheet_of:
                    continue
                self._sheet_of[sheet.key] = sheet
                self._chosen.setdefault(sheet.key, sheet.header_row is not None or sheet.name is None or not any_header)
                self._header[sheet.key] = sheet.header_row
                self._detected_header[sheet.key] = sheet.header_row
                self._mapping[sheet.key] = dict(sheet.detected)
        self.files_model.set_files(self.paths, self.previews, self.levels, {p: self.own_level(p) for p in self.paths})
        errors = [self.previews[p] for p in self.paths if isinstance(self.previews.get(p), str)]
        same = self.same_content()
        self.files_page.message.setText("\n".join([*self._file_notes, *errors, *([same] if same else [])]))
        self.files_page.completeChanged.emit()

    def same_content(self) -> str:
        """A message naming two listed files with the same content (the same input given twice), or ""."""
        seen: dict[str, Path] = {}
        for path in self.paths:
            sha = self._sha.get(path)
            if sha is None:
                continue
            if sha in seen:
                return tr("inputfiles.same_content", first=seen[sha].name, second=path.name, kind=kind_label(self.kind),
                          sha=sha[:16])
            seen[sha] = path
        return ""

    def files_ready(self) -> bool:
        """True when there are files, each has been read and is usable, and no two hold the same content."""
        return bool(self.paths) and all(p in self.previews and not isinstance(self.previews[p], str)
                                        for p in self.paths) and not self.same_content()

    def column_files(self) -> list[Path]:
        """The files that have columns (spreadsheets and CSV)."""
        return [p for p in self.paths if not isinstance(self.previews.get(p), str | None)
                and self.previews[p].has_columns]

    def has_columns(self) -> bool:
        """True when the mapping step applies (some file has columns)."""
        return bool(self.column_files())

    # --- sheets and mapping -------------------------------------------------------------------------

    def current_preview(self) -> Any:
        """The FilePreview shown on the mapping step."""
        return self.previews.get(self._current_file) if self._current_file is not None else None

    def current_sheet(self) -> Any:
        """The SheetPreview shown on the mapping step."""
        return self._current_sheet

    def show_file(self, path: Path) -> None:
        """Show the sheets of ``path`` on the mapping step."""
        self._current_file = path
        preview = self.previews[path]
        self.sheets_model.set_sheets(preview.sheets, self._chosen, preview.needs_mapping)
        first = next((i for i, s in enumerate(preview.sheets) if s.header_row is not None), 0)
        if preview.sheets:
            self.mapping_page.sheets.setCurrentIndex(self.sheets_model.index(first))
        self.show_sheet(first)

    def show_sheet(self, row: int) -> None:
        """Show the ``row``-th sheet of the current file in the preview."""
        preview = self.current_preview()
        sheet = self.sheets_model.sheet(row)
        self._current_sheet = sheet
        if sheet is None or preview is None:
            self.preview_model.show_sheet(preview, None, {}, None, False)
        else:
            mapping = self._mapping.setdefault(sheet.key, dict(sheet.detected)) if preview.needs_mapping \
                else dict(sheet.detected)
            header = self._header.get(sheet.key, sheet.header_row) if preview.needs_mapping else sheet.header_row
            self.preview_model.show_sheet(preview, sheet, mapping, header, preview.needs_mapping)
        self.mapping_page.show_state(preview, sheet)

    def _sheet(self, key: str | None) -> Any:
        key = key or ""
        if key not in self._sheet_of:
            raise KeyError(tr("wizard.no_such_sheet", sheet=key))
        return self._sheet_of[key]

    def set_sheets(self, keys: Sequence[str]) -> None:
        """Read only the sheets named ``keys``."""
        for key in self._chosen:
            self._chosen[key] = key in keys
        self.sheets_model.refresh()
        self.mapping_page.update_missing()

    def header_row(self, key: str | None) -> int | None:
        """The header row chosen for sheet ``key``."""
        return self._header.get(key or "")

    def set_header_row(self, key: str | None, row_number: int | None) -> None:
        """Take the header of sheet ``key`` from row ``row_number`` (as the user numbers rows): its columns get
        the fields that row's texts name (the earlier choices of that sheet are replaced)."""
        sheet = self._sheet(key)
        self._header[sheet.key] = row_number
        mapping = self._mapping[sheet.key]
        mapping.clear()
        mapping.update(sheet.fields_at(row_number) if row_number else {label: None for label in sheet.column_labels})
        if self._current_sheet is sheet:
            self.show_sheet(self.mapping_page.sheets.currentIndex().row())

    def set_field(self, key: str | None, column: str, field: str | None) -> None:
        """Give column ``column`` (its letter, or number for CSV) of sheet ``key`` the field ``field``
        (None: not imported)."""
        sheet = self._sheet(key)
        if column not in sheet.column_labels:
            raise KeyError(tr("wizard.no_such_column", column=column))
        if self._current_sheet is sheet:
            self.preview_model.setData(self.preview_model.index(0, sheet.column_labels.index(column)), field)
            return
        mapping = self._mapping[sheet.key]
        if field is not None:
            for other, taken in mapping.items():
                if taken == field:
                    mapping[other] = None
        mapping[column] = field

    def mapping(self, key: str | None) -> dict[str, str | None]:
        """Column label → field of sheet ``key`` as the wizard will import it."""
        return dict(self._mapping[self._sheet(key).key])

    def missing_text(self) -> str:
        """The required fields the current sheet's columns lack (empty when none, or the sheet is not read)."""
        preview, sheet = self.current_preview(), self._current_sheet
        if preview is None or sheet is None or not preview.needs_mapping or not self._chosen.get(sheet.key, True):
            return ""
        missing = preview.missing(self._mapping.get(sheet.key, {}))
        if not missing:
            return ""
        return tr("wizard.missing_fields", fields="、".join(f.label for f in missing))

    def options(self) -> ImportOptions:
        """The user's choices as import options (only what differs from the importer's own reading)."""
        from qbaudit.analysis.inputs import ImportOptions

        file_levels = {str(p): level for p, level in self.levels.items() if p in self.paths}
        if not self._sheet_of:
            return ImportOptions(file_levels=file_levels)
        named = [k for k, s in self._sheet_of.items() if s.name is not None]
        sheets = None
        if any(not self._chosen.get(k, True) for k in named):
            sheets = tuple(k for k in named if self._chosen.get(k, True))
        header_rows: dict[str, int] = {}
        fields: dict[str, dict[str, str | None]] = {}
        for key, sheet in self._sheet_of.items():
            header = self._header.get(key)
            baseline = sheet.detected
            if header is not None and header != self._detected_header.get(key):
                header_rows[key] = header
                baseline = sheet.fields_at(header)
            changed = {label: target for label, target in self._mapping[key].items()
                       if baseline.get(label) != target}
            if changed:
                fields[key] = changed
        return ImportOptions(sheets=sheets, header_rows=header_rows, fields=fields, file_levels=file_levels)

    # --- templates: the mapping of headers by name, shared with the command line's --map ----------------

    def header_names(self) -> dict[str, str | None]:
        """The columns the user mapped differently from the header synonyms, as header text → field (None: not
        imported): what a template keeps and ``--map`` gives on the command line."""
        options = self.options()
        names: dict[str, str | None] = {}
        for key, changed in options.fields.items():
            sheet = self._sheet_of[key]
            texts = sheet.header_texts(self._header.get(key))
            for label, target in changed.items():
                if texts.get(label):
                    names.setdefault(texts[label], target)
        return names

    def save_template(self, name: str) -> Any:
        """Save the columns mapped by hand as the template ``name`` (for the command line's ``--template`` and
        this wizard's 套用模板); returns it. Raises TemplateError with the reason."""
        from qbaudit.analysis.importers.templates import TemplateError, save_template

        names = self.header_names()
        if not names:
            raise TemplateError(tr("headernames.nothing_mapped"))
        return save_template(name, None, None, kind=self.kind, headers=names)

    def apply_template(self, name: str) -> int:
        """Give the columns whose header a saved template names the template's fields; returns how many."""
        from qbaudit.analysis.importers.headers import normalise_header
        from qbaudit.analysis.importers.templates import find_template

        template = find_template(name)
        given = {normalise_header(h): f for h, f in template.headers.items()}
        count = 0
        for key, sheet in self._sheet_of.items():
            for label, text in sheet.header_texts(self._header.get(key)).items():
                if normalise_header(text) in given:
                    self.set_field(key, label, given[normalise_header(text)])
                    count += 1
        self.mapping_page.update_missing()
        return count

    def header_templates(self) -> list[Any]:
        """The saved templates of this kind that map headers by name."""
        from qbaudit.analysis.importers.templates import load_templates

        return [t for t in load_templates() if t.kind == self.kind and t.headers]

    def ask_template_name(self) -> None:
        """保存为模板…: ask a name, then save (the message says what was saved, or why not)."""
        from PySide6.QtWidgets import QInputDialog

        from qbaudit.analysis.importers.templates import TemplateError

        name, ok = QInputDialog.getText(self, tr("headernames.save_template"), tr("headernames.template_name"))
        if not ok or not name.strip():
            return
        try:
            template = self.save_template(name)
        except TemplateError as exc:
            self.ctx.error(str(exc))
            return
        self.ctx.status.emit(tr("cli_formats.template_saved", name=template.name, columns=template.describe()))

    def choose_template(self) -> None:
        """套用模板…: choose one of the saved templates that map headers by name, and apply it."""
        from PySide6.QtWidgets import QInputDialog

        from qbaudit.analysis.importers.templates import TemplateError

        templates = self.header_templates()
        if not templates:
            self.ctx.error(tr("headernames.no_templates"))
            return
        names = [t.name for t in templates]
        name, ok = QInputDialog.getItem(self, tr("headernames.apply_template"), tr("headernames.template_choice"),
                                        names, 0, False)
        if ok and name:
            try:
                count = self.apply_template(name)
            except TemplateError as exc:
                self.ctx.error(str(exc))
                return
            self.ctx.status.emit(tr("headernames.template_applied", name=name, count=count))

    # --- import -------------------------------------------------------------------------------------

    def start_import(self) -> None:
        """Read the files with the chosen options through the task runner (nothing is taken yet)."""
        bench = self.ctx.workbench
        self.clear_result()
        if bench is None:
            self._show_error(tr("wizard.no_audit"))
            return
        kind, paths, options = self.kind, list(self.paths), self.options()
        self._read_options = options
        self.running = True
        self.result_page.summary.setText(tr("wizard.importing", kind=kind_label(kind)))
        self.result_page.show_running(True)
        self.result_page.completeChanged.emit()
        self._task = self.ctx.tasks.start(tr("wizard.import_task", kind=kind_label(kind)),
                                          lambda state: bench.read(kind, paths, options, state),
                                          done=self._imported, failed=self._import_failed,
                                          cancelled=self._import_cancelled)

    def cancel_import(self) -> None:
        """Stop a running import (it takes nothing)."""
        if self.running and self._task is not None:
            self._task.cancel()

    def clear_result(self) -> None:
        """Forget the last import's result."""
        self.result = None
        self.issues_model.set_issues([])
        self.result_page.show_running(False)

    def _ended(self) -> bool:
        self.running, self._task = False, None
        return self._closed

    def _imported(self, result: Any) -> None:
        if self._ended():
            return
        self.result = result
        self.issues_model.set_issues(result.issues)
        self.result_page.table.resizeColumnsToContents()
        self.result_page.table.horizontalHeader().setStretchLastSection(True)
        rejected = sum(f.rows_rejected for f in result.inputs) or len(result.rejected)
        if result.ok:
            from qbaudit.analysis.importers.outcome import accounting_line

            text = tr("wizard.summary", taken=result.rows_taken, rejected=rejected, warnings=len(result.warnings))
            if result.rejected:
                text += tr("wizard.summary_rejected_hint")
            text += "".join("\n" + line for line in self.file_lines(result))
            text += "".join("\n" + accounting_line(name, parts) for name, parts in result.accounting)
            self.result_page.summary.setStyleSheet("")
            self.result_page.summary.setText(text)
        else:
            self._show_error(result.error or tr("wizard.not_imported"))
        self.result_page.show_running(False)
        self.result_page.completeChanged.emit()

    def file_lines(self, result: Any) -> list[str]:
        """One line per file of an import of several files (a bank: with the items of each level)."""
        if len(result.inputs) < 2:
            return []
        levels: dict[str, dict[int, int]] = {}
        if self.kind == "bank" and result.data is not None:
            from qbaudit.analysis.importers.inputfiles import levels_by_file

            levels = levels_by_file(result.data)
        from qbaudit.analysis.importers.inputfiles import describe_levels

        lines = []
        for f in result.inputs:
            line = tr("inputfiles.result_file", file=f.name, taken=f.rows_taken, rejected=f.rows_rejected)
            if levels.get(f.name):
                line += tr("inputfiles.result_levels", levels=describe_levels(levels[f.name]))
            lines.append(line)
        return lines

    def _show_error(self, message: str) -> None:
        self.result_page.summary.setStyleSheet("color: #b00020;")
        self.result_page.summary.setText(tr("wizard.failed", message=message))

    def _import_failed(self, message: str, details: str) -> None:
        if self._ended():
            return
        self._show_error(message)
        self.result_page.show_running(False)
        self.result_page.completeChanged.emit()
        if details:
            self.ctx.error(message, details)

    def _import_cancelled(self) -> None:
        if self._ended():
            return
        self.result_page.summary.setStyleSheet("")
        self.result_page.summary.setText(tr("wizard.cancelled"))
        self.result_page.show_running(False, cancelled=True)
        self.result_page.completeChanged.emit()

    def _task_failed(self, message: str, details: str) -> None:
        if not self._closed:
            self.ctx.error(message, details)

    def _progress(self, fraction: float, text: str) -> None:
        if self.running:
            self.result_page.set_progress(fraction, text)

    # --- export of the rows not taken ---------------------------------------------------------------

    def choose_export(self) -> None:
        """导出未导入的行…: ask where (never in tests: they call :meth:`export_rejected`)."""
        filters = f"{tr('wizard.filter_xlsx')} (*.xlsx);;{tr('wizard.filter_csv')} (*.csv)"
        name = tr("wizard.export_name", kind=kind_label(self.kind))
        path, _ = QFileDialog.getSaveFileName(self, tr("wizard.export_rejected"), name, filters)
        if path:
            self.export_rejected(path)

    def rejected_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The rows not taken: where, why, and the row's cells as read (headings, rows)."""
        if self.result is None:
            return [], []
        issues = self.result.rejected
        by_file = {p.name: self.previews.get(p) for p in self.paths}
        rows: list[list[Any]] = []
        width = 0
        for issue in issues:
            cells = _row_cells(by_file.get(issue.file), issue.sheet, issue.row)
            width = max(width, len(cells))
            rows.append([issue.file, issue.sheet or "", issue.row if issue.row is not None else "", issue.column or "",
                         issue.reason, *cells])
        headings = [tr(f"wizard.issue_{h}") for h in ("file", "sheet", "row", "column", "reason")]
        headings += [tr("wizard.cell_heading", number=i + 1) for i in range(width)]
        return headings, [r + [""] * (len(headings) - len(r)) for r in rows]

    def export_rejected(self, path: str | Path) -> None:
        """Write the rows not taken to ``path`` (.xlsx, or .csv) through the task runner."""
        path = Path(path)
        headings, rows = self.rejected_rows()

        def write(_state: Any) -> Path:
            if path.suffix.lower() == ".csv":
                return _write_csv(path, headings, rows)
            from qbaudit.report.xlsx import WorkSheet, write_workbook

            widths = [18, 14, 8, 14, 50] + [16] * (len(headings) - 5)
            return write_workbook(path, [WorkSheet(tr("wizard.export_sheet"), headings, rows, widths)])

        self.ctx.tasks.start(tr("wizard.export_task"), write,
                             done=lambda p: self.ctx.status.emit(tr("wizard.exported", file=Path(p).name)),
                             failed=self._task_failed)

    # --- finish and cancel ----------------------------------------------------------------------------

    def accept(self) -> None:
        """Finish: take the result into the audit and tell the pages."""
        from qbaudit.workbench import WorkbenchError

        if self.result is None or not self.result.ok or self.running:
            return
        try:
            self.ctx.workbench.accept(self.kind, self.paths, self._read_options, self.result)
        except WorkbenchError as exc:
            self.ctx.error(str(exc))
            return
        self._close()
        self.ctx.changed.emit("inputs")
        self.imported.emit(self.kind)
        super().accept()

    def reject(self) -> None:
        """Cancel: stop a running import; the audit stays as it was."""
        self.cancel_import()
        self._close()
        super().reject()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self.ctx.tasks.progress.disconnect(self._progress)


def _resolved(path: Path) -> str:
    from qbaudit.analysis.importers.inputfiles import path_key

    return path_key(path)


def _file_sha256(path: Path) -> str | None:
    from qbaudit.analysis.importers.inputfiles import file_sha256

    return file_sha256(path)


def _row_cells(preview: Any, sheet: str | None, row: int | None) -> list[str]:
    """The cells of row ``row`` of ``sheet`` as read (empty when the file has no columns)."""
    if preview is None or isinstance(preview, str) or row is None:
        return []
    found = preview.sheet(sheet or "")
    if found is None or found._raw is None:
        return []
    from qbaudit.analysis.importers.reading import ROW

    frame = found._raw.frame
    numbers = frame.get_column(ROW).to_list()
    if row not in numbers:
        return []
    values = frame.row(numbers.index(row), named=True)
    return ["" if values[c] is None else str(values[c]) for c in found._raw.data_columns]


def _write_csv(path: Path, headings: list[str], rows: list[list[Any]]) -> Path:
    """A UTF-8 CSV (with BOM, for Excel) where no text can become a formula."""
    from qbaudit.report.xlsx import formula_like

    def safe(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and formula_like(value) else value

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        writer.writerows([[safe(v) for v in row] for row in rows])
    return path
