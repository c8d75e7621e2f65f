"""Table models of the score sheet page: the sheet's lines with suggestion and decision, and the veto items.

Both read one :class:`~qbaudit.store.AuditView` (``set_view``) and never change it: the page decides
through the workbench and hands the models the audit read back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from qbaudit.i18n import tr
from qbaudit.views.models.records import RecordsTableModel

ModelIndex = QModelIndex | QPersistentModelIndex
LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VETO_ID_ROLE = Qt.ItemDataRole.UserRole + 2

_OPEN_COLOUR = QColor("#9c5700")  # a line still to decide
_SUGGESTED_COLOUR = QColor("#1f4e79")  # a data suggestion the inspector has not confirmed
_DEPARTED_COLOUR = QColor("#c00000")  # a decision that departs from the data suggestion
_VETO_COLOUR = QColor("#c00000")


def number_text(value: float | None) -> str:
    """``4.0`` → ``4``; None → empty."""
    return "" if value is None else f"{value:g}"


def verdict_score_text(sheet: Any, verdict: Any, score: float | None) -> str:
    """``基本符合 2.5`` (points sheets) or ``是`` (yes/no sheets); empty for no verdict."""
    if verdict is None:
        return ""
    label = sheet.label(verdict)
    return f"{label} {number_text(score)}".strip() if score is not None else label


def departs(row: Any) -> bool:
    """True when the line's decision differs from its data suggestion."""
    decision, suggestion = row.decision, row.suggestion
    if decision is None or suggestion is None or suggestion.verdict is None:
        return False
    return decision.verdict is not suggestion.verdict or (decision.score is not None
                                                          and decision.score != suggestion.score)


class SheetModel(RecordsTableModel):
    """The lines of the audit's sheet: its groups (环节·一级指标 …), line, criterion, maximum, suggestion,
    decision, reason — headed with the sheet's own names for its grouping levels and lines."""

    HEADER_KEY = "sheet.col_"
    COLUMNS = ("group", "line", "criterion", "max", "suggested", "decided", "reason")

    def records(self, view: Any) -> Any:
        """The line results of ``view`` (an :class:`~qbaudit.store.AuditView`)."""
        return view.result.lines

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (self._view is not None and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS)):
            layout = self._view.sheet.layout
            column = self.COLUMNS[section]
            if column == "group":
                return "·".join(layout.levels)
            if column == "line":
                return layout.line_heading or tr("sheet.col_number")
            if column == "decided" and layout.result_heading:
                return layout.result_heading
            if column == "reason" and layout.remarks_heading:
                return layout.remarks_heading
        return super().headerData(section, orientation, role)

    def line_result(self, row: int) -> Any:
        """The :class:`~qbaudit.analysis.sheets.LineResult` at ``row``."""
        return self._rows[row]

    def row_of(self, line_id: str) -> int:
        """The row of line ``line_id`` (-1 when absent)."""
        return next((i for i, r in enumerate(self._rows) if r.line.id == line_id), -1)

    # --- the model ----------------------------------------------------------------------------

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "criterion":
                return row.line.criterion
            if column == "reason" and row.decision is not None and row.decision.reason:
                return row.decision.reason
            if column == "suggested" and row.suggestion is not None:
                return row.suggestion.explanation
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in ("decided", "suggested"):
            return self._colour(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "max":
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == LINE_ID_ROLE:
            return row.line.id
        return None

    def _text(self, row: Any, column: str) -> str:
        sheet = self._view.sheet
        line = row.line
        if column == "group":
            return "·".join(g.name for g in sheet.path(line))
        if column == "line":
            return f"{line.id} {line.name}" if sheet.layout.line_heading is not None else line.id
        if column == "criterion":
            return line.criterion
        if column == "max":
            return number_text(line.max)
        if column == "suggested":
            suggestion = row.suggestion
            if suggestion is None:
                return ""
            if suggestion.verdict is None:
                return tr("sheet.from_documents")
            return verdict_score_text(sheet, suggestion.verdict, suggestion.score)
        if column == "decided":
            if row.decision is None:
                return tr("sheet.undecided")
            return verdict_score_text(sheet, row.decision.verdict, row.decision.score)
        return row.decision.reason if row.decision is not None else ""

    def _colour(self, row: Any, column: str) -> QBrush | None:
        if column == "suggested":
            return QBrush(_SUGGESTED_COLOUR) if row.decision is None and row.state == "suggested" else None
        if row.decision is None:
            return QBrush(_OPEN_COLOUR)
        return QBrush(_DEPARTED_COLOUR) if departs(row) else None


class VetoModel(RecordsTableModel):
    """The sheet's veto items: id, text, whether it occurred, the description."""

    HEADER_KEY = "sheet.col_"
    COLUMNS = ("veto_id", "veto_text", "occurred", "description")

    def records(self, view: Any) -> Any:
        """``(Veto, VetoDecision | None)`` of ``view``'s sheet."""
        return view.result.vetoes

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (self._view is not None and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole and self.COLUMNS[section:section + 1] == ("veto_text",)):
            from qbaudit.report.model import veto_label

            return veto_label(self._view.sheet)
        return super().headerData(section, orientation, role)

    def veto_row(self, row: int) -> tuple[Any, Any]:
        """``(Veto, VetoDecision | None)`` at ``row``."""
        return self._rows[row]

    def row_of(self, veto_id: str) -> int:
        """The row of veto ``veto_id`` (-1 when absent)."""
        return next((i for i, (veto, _) in enumerate(self._rows) if veto.id == veto_id), -1)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        veto, decision = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == "veto_id":
                return veto.id
            if column == "veto_text":
                return veto.text
            if column == "occurred":
                if decision is None:
                    return tr("sheet.veto_unjudged")
                return tr("sheet.veto_yes") if decision.occurred else tr("sheet.veto_no")
            return decision.description if decision is not None else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == "occurred":
            if decision is None:
                return QBrush(_OPEN_COLOUR)
            return QBrush(_VETO_COLOUR) if decision.occurred else None
        if role == VETO_ID_ROLE:
            return veto.id
        return None


def local_time(value: Any) -> str:
    """A stored time as the user's local ``YYYY-MM-DD HH:MM`` (stored times are UTC); empty for None."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value)
