"""The import wizard's table models: the files (with the level chosen for each), the sheets to read, the preview
of a sheet's first rows with the field of each column, and the rows not taken."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from qbaudit.i18n import tr

_CELL_CHARS = 40  # characters of a cell shown in the preview (the tooltip has all)
_Index = QModelIndex | QPersistentModelIndex


def _severity_text(severity: Any) -> str:
    return tr(f"wizard.severity_{severity.value}")


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
