"""检查结果: the findings of the audit's last run, grouped by rule and level, with their evidence; the
near-duplicate pairs of R11 side by side with their differences marked, and dismissing a pair."""

from __future__ import annotations

import html
import sys
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qbaudit.analysis.columns import OPTION_LETTERS
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import ColumnKind, Finding, Status
from qbaudit.i18n import tr
from qbaudit.views.diff import DiffView
from qbaudit.views.models.evidence import EvidenceTableModel
from qbaudit.views.models.findings import FindingsTreeModel
from qbaudit.views.models.status import status_colour
from qbaudit.views.pages.base import Page

_GLYPH = {Status.FAIL: "✗", Status.WARN: "!", Status.PASS: "✓", Status.NA: "?", Status.WAIVED: "–"}


class DismissDialog(QDialog):
    """Asks why a similar pair is not a duplicate; OK stays disabled until a reason is written."""

    def __init__(self, first: str, second: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("findings.dismiss_title"))
        layout = QVBoxLayout(self)
        prompt = QLabel(tr("findings.dismiss_prompt", first=first, second=second))
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("dismiss_reason")
        self.reason_edit.setPlaceholderText(tr("findings.dismiss_placeholder"))
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("findings.dismiss_ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("findings.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update)
        self._update()
        self.resize(460, 240)

    def reason(self) -> str:
        """The reason written (stripped)."""
        return self.reason_edit.toPlainText().strip()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason()))


class FindingsPage(Page):
    """The findings of the last check run, with evidence, the R11 pair view and dismissing a pair.

    Signals:
        pair_dismissed(first, second): a pair was dismissed (it counts from the next check run).
    """

    key = "findings"
    title_key = "findings.title"
    pair_dismissed = Signal(str, str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = FindingsTreeModel(self)
        self._evidence_models: list[EvidenceTableModel] = []
        self._finding: Finding | None = None
        self._pair: tuple[str, str] | None = None
        self._dismissed: set[tuple[str, ...]] = set()
        self._build()
        self.audit_opened()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("findings.show")))
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("findings_filter")
        self.filter_combo.addItem(tr("findings.filter_all"), False)
        self.filter_combo.addItem(tr("findings.filter_problems"), True)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        bar.addWidget(self.filter_combo)
        bar.addSpacing(16)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("findings_counts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        bar.addWidget(self.counts_label, 1)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.empty_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeView()
        self.tree.setObjectName("findings_tree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column, width in enumerate((250, 92, 88, 96)):
            header.resizeSection(column, width)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.tree)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([600, 680])
        self.stack.addWidget(splitter)
        layout.addWidget(self.stack, 1)

    def _build_detail(self) -> QWidget:
        detail = QWidget()
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(6, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("finding_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.message_label = QLabel()
        self.message_label.setObjectName("finding_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)
        self.values_label = QLabel()
        self.values_label.setObjectName("finding_values")
        self.values_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.values_label)
        self.clause_label = QLabel()
        self.clause_label.setObjectName("finding_clause")
        self.clause_label.setWordWrap(True)
        self.clause_label.setTextFormat(Qt.TextFormat.RichText)
        self.clause_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.clause_label)

        self.vsplit = QSplitter(Qt.Orientation.Vertical)
        evidence_box = QWidget()
        evidence_layout = QVBoxLayout(evidence_box)
        evidence_layout.setContentsMargins(0, 0, 0, 0)
        self.evidence_tabs = QTabBar()
        self.evidence_tabs.setObjectName("evidence_tabs")
        self.evidence_tabs.setExpanding(False)
        self.evidence_tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.evidence_tabs.currentChanged.connect(self._evidence_tab_changed)
        evidence_layout.addWidget(self.evidence_tabs)
        self.evidence_view = QTableView()
        self.evidence_view.setObjectName("evidence_table")
        self.evidence_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_view.setAlternatingRowColors(True)
        self.evidence_view.setWordWrap(False)
        self.evidence_view.verticalHeader().setDefaultSectionSize(24)
        self.evidence_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.evidence_view.horizontalHeader().setStretchLastSection(True)
        self.evidence_view.activated.connect(self._evidence_activated)
        evidence_layout.addWidget(self.evidence_view, 1)
        self.evidence_hint = QLabel()
        self.evidence_hint.setObjectName("evidence_hint")
        self.evidence_hint.setWordWrap(True)
        self.evidence_hint.setStyleSheet("color: #555;")
        evidence_layout.addWidget(self.evidence_hint)
        self.vsplit.addWidget(evidence_box)

        self.pair_box = QWidget()
        pair_layout = QVBoxLayout(self.pair_box)
        pair_layout.setContentsMargins(0, 4, 0, 0)
        self.diff = DiffView()
        pair_layout.addWidget(self.diff, 1)
        actions = QHBoxLayout()
        self.dismiss_button = QPushButton(tr("findings.dismiss_button"))
        self.dismiss_button.setObjectName("dismiss_pair")
        self.dismiss_button.setToolTip(tr("findings.dismiss_tip"))
        self.dismiss_button.clicked.connect(self.ask_dismissal)
        actions.addWidget(self.dismiss_button)
        self.pair_note = QLabel()
        self.pair_note.setObjectName("pair_note")
        self.pair_note.setWordWrap(True)
        actions.addWidget(self.pair_note, 1)
        pair_layout.addLayout(actions)
        self.vsplit.addWidget(self.pair_box)
        self.vsplit.setSizes([260, 320])
        layout.addWidget(self.vsplit, 1)
        self._show_finding(None)
        return detail

    # --- the audit -------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the findings of the open audit's record (or that there are none)."""
        self._load(keep=False)

    def audit_changed(self, changes: Any) -> None:
        """A new run replaces the findings; a dismissal greys its pair."""
        if changes.touches("run", "signed"):
            self._load(keep=True)
        elif changes.dismissal:
            self._refresh_dismissed()
            self._mark_dismissed()

    def _load(self, keep: bool) -> None:
        current = (self._finding.rule, self._finding.level) if keep and self._finding is not None else None
        bench = self.ctx.workbench
        findings = tuple(bench.view.findings) if bench is not None and bench.view is not None else ()
        self._refresh_dismissed()
        self.model.set_findings(findings)
        self.tree.expandAll()
        self._update_counts()
        if bench is None:
            self.empty_label.setText(tr("findings.no_audit"))
            self.stack.setCurrentIndex(0)
        elif not findings:
            self.empty_label.setText(tr("findings.no_run"))
            self.stack.setCurrentIndex(0)
        else:
            self.stack.setCurrentIndex(1)
        self._show_finding(None)
        if current is not None:
            self.select_finding(*current)
        elif findings:  # start on the first failed finding (or the first one): the detail is never empty
            first = next((f for f in findings if f.status is Status.FAIL), findings[0])
            self.select_finding(first.rule, first.level)

    def _update_counts(self) -> None:
        counts = self.model.counts()
        total = sum(counts.values())

        def part(status: Status) -> str:
            colour = status_colour(status).name()
            from qbaudit.report.model import status_text

            return (f'<span style="color:{colour}; font-weight:bold;">{_GLYPH[status]} {html.escape(status_text(status))}'
                    f" {counts[status]}</span>")

        shown = [part(s) for s in (Status.FAIL, Status.WARN, Status.PASS, Status.NA, Status.WAIVED)
                 if counts[s] or s in (Status.FAIL, Status.WARN, Status.PASS)]
        self.counts_label.setText(tr("findings.counts", total=total, shown=self.model.shown_count(),
                                     parts="　".join(shown)))

    def _filter_changed(self) -> None:
        current = (self._finding.rule, self._finding.level) if self._finding is not None else None
        self.model.set_only_problems(bool(self.filter_combo.currentData()))
        self.tree.expandAll()
        self._update_counts()
        self._show_finding(None)
        if current is not None:
            index = self.model.index_of(*current)
            if index.isValid():
                self._select_index(index)

    # --- choosing a finding ------------------------------------------------------------------------

    def select_finding(self, rule: str, level: int | None) -> bool:
        """Select the finding of ``rule`` at ``level`` (showing every finding if the filter hides it)."""
        index = self.model.index_of(rule, level)
        if not index.isValid() and self.model.only_problems:
            self.filter_combo.setCurrentIndex(0)
            index = self.model.index_of(rule, level)
        if not index.isValid():
            return False
        self._select_index(index)
        return True

    def _select_index(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)

    def selected_finding(self) -> Finding | None:
        """The finding shown in the detail pane."""
        return self._finding

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_finding(self.model.finding(current))

    def _show_finding(self, finding: Finding | None) -> None:
        from qbaudit.report.model import level_text, measured_text, required_text, rule_title, status_text

        self._finding = finding
        self._evidence_models = []
        self.evidence_tabs.blockSignals(True)
        while self.evidence_tabs.count():
            self.evidence_tabs.removeTab(0)
        self.evidence_tabs.blockSignals(False)
        self.evidence_view.setModel(None)
        self._show_pair(None)
        if finding is None:
            self.heading.setText(f"<span style='color:#555;'>{html.escape(tr('findings.choose'))}</span>")
            for label in (self.message_label, self.values_label, self.clause_label):
                label.setText("")
            self.evidence_tabs.hide()
            self.evidence_view.hide()
            self.evidence_hint.setText("")
            self.pair_box.hide()
            return
        colour = status_colour(finding.status).name()
        self.heading.setText(
            f"<b style='font-size:13pt;'>{html.escape(rule_title(finding.rule))}</b>"
            f"　{html.escape(level_text(finding.level))}　"
            f"<span style='color:{colour}; font-weight:bold;'>{_GLYPH[finding.status]} "
            f"{html.escape(status_text(finding.status))}</span>")
        message = finding.message
        if finding.waiver_reason:
            message += tr("findings.waiver", reason=finding.waiver_reason)
        self.message_label.setText(message)
        self.values_label.setText(tr("findings.values", measured=html.escape(measured_text(finding)),
                                     required=html.escape(required_text(finding))))
        clause = self._clause_text(finding)
        self.clause_label.setText(clause)
        self.clause_label.setVisible(bool(clause))
        tables = [e for e in finding.evidence if e.rows]
        self._evidence_models = [EvidenceTableModel(e, self) for e in tables]
        self.evidence_tabs.blockSignals(True)
        for model in self._evidence_models:
            self.evidence_tabs.addTab(tr("findings.evidence_tab", title=model.title, rows=model.rowCount()))
            self.evidence_tabs.setTabToolTip(self.evidence_tabs.count() - 1, model.title)
        self.evidence_tabs.blockSignals(False)
        self.evidence_tabs.setVisible(bool(tables))
        self.evidence_view.setVisible(bool(tables))
        self._mark_dismissed()
        if tables:
            self.evidence_tabs.setCurrentIndex(0)
            self._evidence_tab_changed(0)
        else:
            self.evidence_hint.setText(tr("findings.no_evidence"))
            self.pair_box.hide()

    @staticmethod
    def _clause_text(finding: Finding) -> str:
        from qbaudit.analysis.rules import rule_catalogue

        entry = rule_catalogue().get(finding.rule)
        clause = finding.clause or (entry.clause if entry else "")
        source = finding.source or (entry.source if entry else "")
        if not clause and not source:
            return ""
        text = tr("findings.clause", source=html.escape(source), clause=html.escape(clause))
        if finding.sheet_line:
            text += "<br>" + tr("findings.sheet_line", line=html.escape(finding.sheet_line))
        if entry is not None and entry.advisory:
            text += "<br><i>" + html.escape(tr("findings.advisory")) + "</i>"
        return text

    # --- evidence ----------------------------------------------------------------------------------

    def evidence_models(self) -> list[EvidenceTableModel]:
        """The evidence tables of the finding shown."""
        return list(self._evidence_models)

    def evidence_model(self) -> EvidenceTableModel | None:
        """The evidence table shown (None when the finding has none)."""
        index = self.evidence_tabs.currentIndex()
        return self._evidence_models[index] if 0 <= index < len(self._evidence_models) else None

    def _evidence_tab_changed(self, index: int) -> None:
        model = self.evidence_model()
        self.evidence_view.setModel(model)
        self._show_pair(None)
        if model is None:
            return
        self.evidence_view.selectionModel().currentRowChanged.connect(self._evidence_row_changed)
        header = self.evidence_view.horizontalHeader()
        self.evidence_view.resizeColumnsToContents()
        for column, kind in enumerate(model.evidence.kinds):
            cap = 280 if kind is ColumnKind.EXCERPT else 200
            header.resizeSection(column, min(max(header.sectionSize(column), 56), cap))
        if model.is_pair_table():
            self.evidence_hint.setText(tr("findings.pair_hint"))
            self.pair_box.show()
            self.evidence_view.selectRow(0)
        else:
            jumps = bool(model.item_keys or model.point_keys)
            self.evidence_hint.setText(tr("findings.jump_hint") if jumps else "")
            self.pair_box.hide()

    def _evidence_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        model = self.evidence_model()
        if model is not None and model.is_pair_table() and current.isValid():
            self.show_pair_row(current.row())

    def _evidence_activated(self, index: QModelIndex) -> None:
        self.activate_evidence_row(index.row(), index.column())

    def activate_evidence_row(self, row: int, column: int | None = None) -> tuple[str, str] | None:
        """Show in the bank browser the item (or point) a row of the evidence shown names.

        Emits ``ctx.jump(kind, key)``; returns ``(kind, key)``, or None when the row names neither. A point chosen
        in a row that also names an item (R8's items whose code the blueprint lacks) shows the point's items with
        that item chosen among them."""
        model = self.evidence_model()
        target = model.target(row, column) if model is not None else None
        if target is None:
            self.ctx.status.emit(tr("findings.no_target"))
            return None
        self.ctx.jump.emit(*target)
        item = model.item_of(row) if target[0] == "point" else None
        if item is not None:
            self.ctx.jump.emit("item", item)
        return target

    # --- R11 pairs ------------------------------------------------------------------------------------

    def show_pair_row(self, row: int) -> tuple[str, str] | None:
        """Show the pair of ``row`` of the evidence shown side by side; returns its item ids."""
        model = self.evidence_model()
        pair = model.pair(row) if model is not None else None
        if pair is None:
            self._show_pair(None)
            return None
        current = self.evidence_view.currentIndex()
        if self.evidence_view.model() is model and (not current.isValid() or current.row() != row):
            self.evidence_view.selectRow(row)  # shows the pair through currentRowChanged
            return pair
        values = model.row_values(row)
        left, right = self._pair_side(values, "a", pair[0]), self._pair_side(values, "b", pair[1])
        self.diff.show_pair(left[0], left[1], right[0], right[1])
        self._show_pair(pair)
        return pair

    def _show_pair(self, pair: tuple[str, str] | None) -> None:
        self._pair = pair
        if pair is None:
            self.diff.clear()
        done = self._pair_done(pair)
        self.pair_note.setText(tr("findings.pair_dismissed_note") if done else "")
        self.dismiss_button.setEnabled(pair is not None and not done and self.ctx.workbench is not None)

    def _pair_done(self, pair: tuple[str, str] | None) -> bool:
        return pair is not None and tuple(sorted(pair)) in self._dismissed

    def _pair_side(self, values: dict[str, Any], side: str, item_id: str) -> tuple[str, str]:
        level = values.get(f"level_{side}") or ""
        row = values.get(f"row_{side}")
        title = tr("findings.pair_title", side=tr(f"findings.side_{side}"), item=item_id, level=level,
                   row="" if row is None else row)
        text = self._item_text(item_id)
        if text is None:
            excerpt = values.get(f"excerpt_{side}")
            text = tr("findings.excerpt_only", excerpt=excerpt) if excerpt else tr("findings.no_item_text")
        return title, text

    def _item_text(self, item_id: str) -> str | None:
        """Stem, options and answer of an item of the imported bank (None when the bank is not loaded)."""
        bank = self.ctx.workbench.bank if self.ctx.workbench is not None else None
        if bank is None:
            return None
        items = bank.items
        hits = (items[C.ITEM_ID].astype(str) == str(item_id)).to_numpy(dtype=bool, na_value=False)
        if not hits.any():
            return None
        item = items.iloc[int(hits.argmax())]
        return item_display_text(item)

    def _refresh_dismissed(self) -> None:
        """Read the pairs dismissed in this audit (they count from the next run; until then greyed here)."""
        bench = self.ctx.workbench
        self._dismissed = set()
        if bench is not None:
            try:
                self._dismissed = {tuple(sorted((d.first_item, d.second_item)))
                                   for d in self.ctx.store.dismissals(bench.audit_id)}
            except Exception:  # noqa: BLE001 - a store that cannot be read only loses the grey marks
                self._dismissed = set()

    def _mark_dismissed(self) -> None:
        for model in self._evidence_models:
            if model.is_pair_table():
                model.mark_dismissed(self._dismissed)
        if self._pair is not None:
            self._show_pair(self._pair)

    def ask_dismissal(self) -> None:
        """Ask for a reason and dismiss the pair shown."""
        if self._pair is None:
            return
        dialog = DismissDialog(*self._pair, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.dismiss_pair(self._pair[0], self._pair[1], dialog.reason())

    def dismiss_pair(self, first: str, second: str, reason: str) -> bool:
        """Dismiss a similar pair with a reason (required); it counts from the next check run.

        Returns False when refused (no reason, no audit); store refusals arrive as an error message."""
        bench = self.ctx.workbench
        if bench is None:
            return False
        if not reason.strip():
            self.ctx.error(tr("findings.dismiss_needs_reason"))
            return False

        def done(_changes: Any) -> None:  # the page heard the dismissal already: the pair is greyed
            note = tr("findings.dismissed", first=first, second=second)
            self.pair_note.setText(note)
            self.ctx.status.emit(note)
            self.pair_dismissed.emit(first, second)

        self.ctx.run_job(tr("findings.dismiss_task"), bench.dismiss_job(first, second, reason), done=done)
        return True


def item_display_text(item: Any) -> str:
    """An item as the diff view compares it: stem, then one line per option, then the answer."""
    lines = [_text(item.get(C.STEM))]
    for letter, column in zip(OPTION_LETTERS, C.OPTIONS, strict=True):
        value = _text(item.get(column))
        if value:
            lines.append(f"{letter}. {value}")
    answer = _text(item.get(C.ANSWER))
    if answer:
        lines.append(tr("findings.answer", answer=answer))
    return "\n".join(lines)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(FindingsPage))
