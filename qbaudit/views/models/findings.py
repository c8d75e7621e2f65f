"""The findings page's tree: the findings of a run grouped by rule, each rule's findings by level below it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from qbaudit.analysis.model import Finding, Status
from qbaudit.i18n import tr
from qbaudit.views.models.status import FindingRole, StatusRole, rule_number, status_colour, status_icon, worst

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass
class _RuleGroup:
    rule: str
    title: str
    findings: list[Finding]  # all of the rule's findings
    shown: list[Finding] = field(default_factory=list)  # those the filter lets through


class FindingsTreeModel(QAbstractItemModel):
    """The findings of a run grouped by rule (R1 … R21), each rule's findings by level below it.

    Columns: the rule or level, the status (word, icon and colour), the measured value, the required
    value, and the message. ``set_only_problems(True)`` shows only failed findings and warnings.
    """

    COLUMN_KEYS = ("findings.col_rule", "findings.col_status", "findings.col_measured", "findings.col_required",
                   "findings.col_message")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._findings: tuple[Finding, ...] = ()
        self._groups: list[_RuleGroup] = []
        self._shown: list[_RuleGroup] = []
        self.only_problems = False

    # --- content -------------------------------------------------------------------------------

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show ``findings`` (the stored record's, in check order)."""
        from qbaudit.analysis.rules import rule_catalogue

        catalogue_ = rule_catalogue()
        by_rule: dict[str, list[Finding]] = {}
        for finding in findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        self.beginResetModel()
        self._findings = tuple(findings)
        self._groups = []
        for rule_id in sorted(by_rule, key=rule_number):
            entry = catalogue_.get(rule_id)
            title = f"{rule_id} {entry.name}" if entry else rule_id
            # Levels from 五级 down, the finding over the whole bank (no level) last.
            ordered = sorted(by_rule[rule_id], key=lambda f: (f.level is None, -(f.level or 0)))
            self._groups.append(_RuleGroup(rule_id, title, ordered))
        self._apply_filter()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        """Show only failed findings and warnings (True) or every finding (False)."""
        if only == self.only_problems:
            return
        self.beginResetModel()
        self.only_problems = only
        self._apply_filter()
        self.endResetModel()

    def _apply_filter(self) -> None:
        problems = (Status.FAIL, Status.WARN)
        for group in self._groups:
            group.shown = [f for f in group.findings if not self.only_problems or f.status in problems]
        self._shown = [g for g in self._groups if g.shown]

    def counts(self) -> Counter[Status]:
        """How many findings have each status (all findings, whatever the filter)."""
        return Counter(f.status for f in self._findings)

    def shown_count(self) -> int:
        """How many findings the filter lets through."""
        return sum(len(g.shown) for g in self._shown)

    def finding(self, index: Index) -> Finding | None:
        """The finding of a level row (None for a rule row or an invalid index)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._shown[index.internalId() - 1].shown[index.row()]

    def index_of(self, rule_id: str, level: int | None, column: int = 0) -> QModelIndex:
        """The row of the finding of ``rule_id`` at ``level`` (invalid when not shown)."""
        for group_row, group in enumerate(self._shown):
            if group.rule != rule_id:
                continue
            for row, finding in enumerate(group.shown):
                if finding.level == level:
                    return self.createIndex(row, column, group_row + 1)
        return QModelIndex()

    def rule_index(self, rule_id: str) -> QModelIndex:
        """The row of a rule (invalid when not shown)."""
        for row, group in enumerate(self._shown):
            if group.rule == rule_id:
                return self.createIndex(row, 0, 0)
        return QModelIndex()

    # --- QAbstractItemModel ----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        if not parent.isValid():
            return len(self._shown)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._shown[parent.row()].shown)
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt's name
        return len(self.COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(self.COLUMN_KEYS):
            return tr(self.COLUMN_KEYS[section])
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._rule_data(self._shown[index.row()], index.column(), role)
        return self._finding_data(self._shown[index.internalId() - 1].shown[index.row()], index.column(), role)

    def _rule_data(self, group: _RuleGroup, column: int, role: int) -> Any:
        status = worst(f.status for f in group.shown)
        if role == StatusRole:
            return status.value
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        return self._status_cell(status, column, role) if column == 1 else (
            self._rule_text(group, column) if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole) else None)

    @staticmethod
    def _rule_text(group: _RuleGroup, column: int) -> str | None:
        if column == 0:
            return group.title
        if column == 4:
            counts = Counter(f.status for f in group.findings)
            return tr("findings.rule_summary", total=len(group.findings), fail=counts[Status.FAIL],
                      warn=counts[Status.WARN])
        return None

    def _finding_data(self, finding: Finding, column: int, role: int) -> Any:
        from qbaudit.report.model import level_text, measured_text, required_text

        if role == StatusRole:
            return finding.status.value
        if role == FindingRole:
            return finding
        if column == 1:
            return self._status_cell(finding.status, column, role)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return finding.message
        if role != DISPLAY:
            return None
        if column == 0:
            return level_text(finding.level)
        if column == 2:
            return measured_text(finding)
        if column == 3:
            return required_text(finding)
        if column == 4:
            return finding.message
        return None

    @staticmethod
    def _status_cell(status: Status, column: int, role: int) -> Any:
        from qbaudit.report.model import status_text

        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return status_text(status)
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(status_colour(status))
        return None

