"""The 评分表 page: the audit's sheet as on paper — the proposition sheet, the on-site sheet, Shandong's
yes/no tables or a custom one — with the checks' suggestions where checks inform it, the inspector's
decisions and reasons (备注), the veto items, the running total (or count of 否 against its limit) and
grade, the 总体评价, and signing.

Decisions go straight to the workbench (they are quick); every refusal of the store is shown as its
Chinese message. The editor checks a decision with the same rule as the store
(:func:`~qbaudit.analysis.sheets.make_decision`), so the 保存 button says why it is disabled.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.pages.base import Page
from qbaudit.views.sheet_model import (
    SheetModel,
    VetoModel,
    local_time,
    number_text,
    verdict_score_text,
)

GRADE_COLOURS = {"top": "#2e7d32", "pass": "#1f4e79", "fail": "#c00000", "pending": "#7f7f7f"}


def grade_colour(sheet: Any, grade: str | None) -> str:
    """The colour a grade is shown in: green for the best band, red for a failing grade, blue between."""
    if grade is None:
        return GRADE_COLOURS["pending"]
    failing = {sheet.veto_grade, sheet.fail_grade}
    if sheet.bands:
        failing.add(sheet.bands[-1].grade)
        if grade == sheet.bands[0].grade:
            return GRADE_COLOURS["top"]
    return GRADE_COLOURS["fail"] if grade in failing else GRADE_COLOURS["pass"]


def _errors() -> tuple[type[Exception], ...]:
    from qbaudit.views.workers import expected_errors

    return expected_errors()


class SheetPage(Page):
    """The score sheet of the open audit: judge each line, the veto items, and sign."""

    key = "sheet"
    title_key = "sheet.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._line_id: str | None = None
        self._veto_id: str | None = None
        self._build()
        self.audit_opened()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self._build_summary())
        self.empty_label = QLabel(tr("sheet.no_audit"))
        self.empty_label.setObjectName("sheetEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.model = SheetModel(self)
        self.table = QTableView()
        self.table.setObjectName("sheetTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        widths = (104, 124, 200, 40, 86, 86, 120)
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        left.addWidget(self.table)
        left.addWidget(self._build_vetoes())
        left.addWidget(self._build_assessment())
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setStretchFactor(2, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 500])
        outer.addWidget(self.splitter, 1)

    def _build_summary(self) -> QWidget:
        box = QFrame()
        box.setObjectName("sheetSummary")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QGridLayout(box)
        layout.setContentsMargins(10, 6, 10, 6)
        self.sheet_name_label = QLabel()
        self.sheet_name_label.setStyleSheet("font-weight: bold;")
        self.revision_label = QLabel()
        self.revision_label.setObjectName("revisionLabel")
        self.revision_label.setWordWrap(True)
        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.total_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.grade_label = QLabel()
        self.grade_label.setObjectName("gradeLabel")
        self.progress_label = QLabel()
        self.veto_state_label = QLabel()
        self.veto_state_label.setWordWrap(True)
        self.accept_button = QPushButton(tr("sheet.accept_all"))
        self.accept_button.setObjectName("acceptAllButton")
        self.accept_button.setToolTip(tr("sheet.accept_all_tip"))
        self.accept_button.clicked.connect(self.accept_all)
        self.sign_button = QPushButton(tr("sheet.sign"))
        self.sign_button.setObjectName("signButton")
        self.sign_button.clicked.connect(lambda: self.sign(confirm=True))
        self.sign_hint = QLabel()
        self.sign_hint.setObjectName("signHint")
        self.sign_hint.setWordWrap(True)
        self.sign_hint.setStyleSheet("color: #7f7f7f;")
        layout.addWidget(self.sheet_name_label, 0, 0, 1, 2)
        layout.addWidget(self.total_label, 0, 2)
        layout.addWidget(self.grade_label, 0, 3)
        layout.addWidget(self.accept_button, 0, 4)
        layout.addWidget(self.sign_button, 0, 5)
        layout.addWidget(self.progress_label, 1, 0, 1, 3)
        layout.addWidget(self.veto_state_label, 1, 3, 1, 3)
        layout.addWidget(self.revision_label, 2, 0, 1, 6)
        layout.addWidget(self.sign_hint, 3, 0, 1, 6)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(3, 1)
        return box

    def _build_vetoes(self) -> QWidget:
        self.veto_box = QGroupBox(tr("sheet.vetoes"))
        layout = QVBoxLayout(self.veto_box)
        self.veto_heading = QLabel()
        self.veto_heading.setWordWrap(True)
        layout.addWidget(self.veto_heading)
        self.veto_model = VetoModel(self)
        self.veto_table = QTableView()
        self.veto_table.setObjectName("vetoTable")
        self.veto_table.setModel(self.veto_model)
        self.veto_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.veto_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.veto_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.veto_table.verticalHeader().setVisible(False)
        self.veto_table.verticalHeader().setDefaultSectionSize(22)
        header = self.veto_table.horizontalHeader()
        for column, width in enumerate((44, 420, 70)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.veto_table.selectionModel().currentRowChanged.connect(self._veto_row_changed)
        layout.addWidget(self.veto_table)
        editor = QHBoxLayout()
        self.veto_occurred = QCheckBox(tr("sheet.veto_occurred"))
        self.veto_occurred.setObjectName("vetoOccurred")
        self.veto_description = QLineEdit()
        self.veto_description.setObjectName("vetoDescription")
        self.veto_save = QPushButton(tr("sheet.veto_save"))
        self.veto_save.setObjectName("vetoSave")
        self.veto_save.clicked.connect(self.save_veto)
        self.veto_none = QPushButton(tr("sheet.veto_none"))
        self.veto_none.setObjectName("vetoNone")
        self.veto_none.setToolTip(tr("sheet.veto_none_tip"))
        self.veto_none.clicked.connect(self.clear_vetoes)
        self.veto_occurred.toggled.connect(self._update_veto_state)
        self.veto_description.textChanged.connect(self._update_veto_state)
        editor.addWidget(self.veto_occurred)
        editor.addWidget(self.veto_description, 1)
        editor.addWidget(self.veto_save)
        editor.addWidget(self.veto_none)
        layout.addLayout(editor)
        return self.veto_box

    def _build_assessment(self) -> QWidget:
        self.assessment_box = QGroupBox(tr("sheet.assessment"))
        self.assessment_box.setObjectName("assessmentBox")
        layout = QVBoxLayout(self.assessment_box)
        self.assessment_hint = QLabel()
        self.assessment_hint.setObjectName("assessmentHint")
        self.assessment_hint.setWordWrap(True)
        self.assessment_hint.setStyleSheet("color: #7f7f7f;")
        layout.addWidget(self.assessment_hint)
        self.assessment_edit = QPlainTextEdit()
        self.assessment_edit.setObjectName("assessmentEdit")
        self.assessment_edit.setFixedHeight(64)
        self.assessment_edit.textChanged.connect(self._update_assessment_state)
        layout.addWidget(self.assessment_edit)
        row = QHBoxLayout()
        row.addStretch(1)
        self.assessment_save = QPushButton(tr("sheet.assessment_save"))
        self.assessment_save.setObjectName("assessmentSave")
        self.assessment_save.clicked.connect(self.save_assessment)
        row.addWidget(self.assessment_save)
        layout.addLayout(row)
        return self.assessment_box

    def _build_detail(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setObjectName("sheetDetail")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.line_title = QLabel(tr("sheet.pick_line"))
        self.line_title.setObjectName("lineTitle")
        self.line_title.setWordWrap(True)
        self.line_title.setStyleSheet("font-size: 14px; font-weight: bold;")
        layout.addWidget(self.line_title)
        self.criterion_label = self._text_label("criterionLabel")
        layout.addWidget(self.criterion_label)
        self.suggestion_label = self._text_label("suggestionLabel")
        layout.addWidget(self.suggestion_label)
        self.evidence_label = self._text_label("evidenceLabel")
        self.evidence_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.evidence_label)
        layout.addWidget(self._build_editor())
        layout.addStretch(1)
        scroll.setWidget(body)
        return scroll

    @staticmethod
    def _text_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_editor(self) -> QWidget:
        self.editor = QGroupBox(tr("sheet.editor"))
        self.editor.setObjectName("lineEditor")
        layout = QGridLayout(self.editor)
        self.verdict_row = QHBoxLayout()
        self.verdict_group = QButtonGroup(self)
        self.verdict_group.setExclusive(True)
        self.verdict_buttons: dict[Any, QRadioButton] = {}
        layout.addWidget(QLabel(tr("sheet.verdict")), 0, 0)
        layout.addLayout(self.verdict_row, 0, 1)
        layout.addWidget(QLabel(tr("sheet.score")), 1, 0)
        score_row = QHBoxLayout()
        self.score_spin = QDoubleSpinBox()
        self.score_spin.setObjectName("scoreSpin")
        self.score_spin.setDecimals(1)
        self.score_range = QLabel()
        self.score_range.setStyleSheet("color: #7f7f7f;")
        score_row.addWidget(self.score_spin)
        score_row.addWidget(self.score_range, 1)
        layout.addLayout(score_row, 1, 1)
        layout.addWidget(QLabel(tr("sheet.reason")), 2, 0, Qt.AlignmentFlag.AlignTop)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText(tr("sheet.reason_placeholder"))
        self.reason_edit.setFixedHeight(64)
        layout.addWidget(self.reason_edit, 2, 1)
        self.save_hint = QLabel()
        self.save_hint.setObjectName("saveHint")
        self.save_hint.setWordWrap(True)
        self.save_hint.setStyleSheet("color: #9c5700;")
        layout.addWidget(self.save_hint, 3, 0, 1, 2)
        self.save_button = QPushButton(tr("sheet.save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(tr("sheet.save_tip"))
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons, 4, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        self.verdict_group.idToggled.connect(lambda _id, checked: checked and self._verdict_toggled())
        self.score_spin.valueChanged.connect(self._update_save_state)
        self.reason_edit.textChanged.connect(self._update_save_state)
        return self.editor

    # --- hooks ---------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the sheet of the audit just opened (or nothing)."""
        self._line_id = None
        self._veto_id = None
        self._rebuild_verdicts()
        self._reload()

    def audit_changed(self, what: str) -> None:
        """Decisions, signatures and check runs change the sheet; other changes do not."""
        if what in ("decision", "signed", "run", "info"):
            self._reload()

    def _view(self) -> Any:
        bench = self.ctx.workbench
        return bench.view if bench is not None else None

    def _rebuild_verdicts(self) -> None:
        for button in self.verdict_buttons.values():
            self.verdict_group.removeButton(button)
        while self.verdict_row.count():
            item = self.verdict_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once: deleteLater waits for the event loop
                item.widget().deleteLater()
        self.verdict_buttons = {}
        view = self._view()
        if view is None:
            return
        for number, verdict in enumerate(view.sheet.verdicts):
            button = QRadioButton(view.sheet.label(verdict))
            button.setObjectName(f"verdict_{verdict.value}")
            self.verdict_group.addButton(button, number)
            self.verdict_row.addWidget(button)
            self.verdict_buttons[verdict] = button
        self.verdict_row.addStretch(1)

    def _reload(self) -> None:
        view = self._view()
        has = view is not None
        self.empty_label.setVisible(not has)
        self.splitter.setVisible(has)
        for widget in (self.accept_button, self.sign_button):
            widget.setEnabled(has)
        self.model.set_view(view)
        self.veto_model.set_view(view)
        if not has:
            for label in (self.sheet_name_label, self.revision_label, self.total_label, self.grade_label,
                          self.progress_label, self.veto_state_label, self.sign_hint):
                label.clear()
            self._show_line(None)
            return
        from qbaudit.report.model import veto_label

        label = veto_label(view.sheet)
        self.veto_box.setTitle(tr("sheet.vetoes_of", label=label))
        self.veto_save.setText(tr("sheet.veto_save_of", label=label))
        self.veto_heading.setText(view.sheet.veto_heading)
        self._fill_assessment(view)
        self._update_summary(view)
        if self._line_id is None and self.model.rowCount():
            self._line_id = self.model.line_result(0).line.id
        if self._line_id is not None and self.model.row_of(self._line_id) >= 0:
            self._select_row(self.table, self.model.row_of(self._line_id))
        self._show_line(self._line_id)
        if self._veto_id is not None and self.veto_model.row_of(self._veto_id) >= 0:
            self._select_row(self.veto_table, self.veto_model.row_of(self._veto_id))
        self._show_veto(self._veto_id)

    @staticmethod
    def _select_row(table: QTableView, row: int) -> None:
        index = table.model().index(row, 0)
        table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        table.scrollTo(index)

    # --- summary -------------------------------------------------------------------------------

    def _update_summary(self, view: Any) -> None:
        sheet, result, revision = view.sheet, view.result, view.revision
        self.sheet_name_label.setText(sheet.name)
        provisional = bool(result.unconfirmed or result.open_lines)  # counts suggestions nobody has confirmed yet
        if result.total is not None:
            self.total_label.setText(tr("sheet.total_provisional" if provisional else "sheet.total",
                                        total=self.total_text(), max=number_text(sheet.total)))
        else:
            self.total_label.setText(self.no_count_text())
        colour = grade_colour(sheet, result.grade)
        self.grade_label.setText(tr("sheet.grade", grade=f"<span style='color:{colour}; font-weight:bold; "
                                                          f"font-size:15px'>{html.escape(self.grade_text())}</span>"))
        decided = sum(1 for r in result.lines if r.state == "decided")
        self.progress_label.setText(tr("sheet.progress", decided=decided, total=len(result.lines),
                                       suggested=len(result.unconfirmed), open=len(result.open_lines)))
        vetoed = result.vetoed
        from qbaudit.report.model import veto_label

        label = veto_label(sheet)
        if vetoed:
            ids = "、".join(veto.id for veto, _ in vetoed)
            self.veto_state_label.setText(tr("sheet.veto_forces", label=label, ids=ids, grade=sheet.veto_grade))
            self.veto_state_label.setStyleSheet(f"color: {GRADE_COLOURS['fail']};")
        else:
            judged = sum(1 for _, d in result.vetoes if d is not None)
            key = "sheet.veto_none_occurred" if judged == len(result.vetoes) else "sheet.veto_judging"
            self.veto_state_label.setText(tr(key, label=label, judged=judged, total=len(result.vetoes)))
            self.veto_state_label.setStyleSheet("")
        if revision.signed:
            self.revision_label.setText(tr("sheet.signed_state", number=revision.number, by=revision.signed_by or "",
                                           at=local_time(revision.signed_at), sha=(revision.signed_sha256 or "")[:12],
                                           next=revision.number + 1))
            self.revision_label.setStyleSheet(f"color: {GRADE_COLOURS['top']};")
        elif revision.based_on:
            self.revision_label.setText(tr("sheet.draft_based", number=revision.number, based=revision.based_on))
            self.revision_label.setStyleSheet("")
        else:
            self.revision_label.setText(tr("sheet.draft_state", number=revision.number))
            self.revision_label.setStyleSheet("")
        refusal = self._sign_refusal(view)
        self.sign_button.setEnabled(refusal is None)
        self.sign_hint.setText(refusal or tr("sheet.sign_ready", inspector=self.ctx.workbench.inspector))
        self.sign_hint.setVisible(not revision.signed)  # the revision line says it all
        self.sign_button.setToolTip(refusal or "")
        taking = sum(1 for r in result.lines if r.state == "suggested")
        self.accept_button.setVisible(self.ctx.workbench.needs_run)  # no suggestions where no check informs the sheet
        self.accept_button.setEnabled(taking > 0)
        self.accept_button.setToolTip(tr("sheet.accept_all_tip") if taking else tr("sheet.accept_nothing"))

    def _sign_refusal(self, view: Any) -> str | None:
        if view.revision.signed:
            return tr("sheet.already_signed", number=view.revision.number)
        if view.run is None and self.ctx.workbench.needs_run:
            return tr("sheet.no_run")
        waiting = [*view.result.unconfirmed, *view.result.open_lines]
        if waiting:
            names = "、".join(_short(view.sheet, line) for line in waiting[:5]) + ("……" if len(waiting) > 5 else "")
            key = "sheet.sign_waiting" if self.ctx.workbench.needs_run else "sheet.sign_waiting_plain"
            return tr(key, count=len(waiting), lines=names)
        label = view.sheet.layout.assessment
        if label and not view.assessment.strip():
            return tr("sheet.assessment_missing", label=label)
        return None

    def no_count_text(self) -> str:
        """``“否” 5 项（21.7%，达 20% 为不合格）`` on a yes/no sheet; empty otherwise."""
        view = self._view()
        if view is None or view.result.no_share is None:
            return ""
        sheet, result = view.sheet, view.result
        from qbaudit.analysis.sheets import Verdict

        return tr("sheet.no_count", label=sheet.label(Verdict.NO), count=result.no_count,
                  share=f"{float(result.no_share) * 100:.1f}", limit=f"{float(sheet.no_share_limit or 0) * 100:g}")

    def total_text(self) -> str:
        """The running total as shown (``59.5``); empty when no audit is open."""
        view = self._view()
        return number_text(view.result.total) if view is not None else ""

    def grade_text(self) -> str:
        """The grade that counts now (``不合格``), or 待定 while lines are open."""
        view = self._view()
        if view is None:
            return ""
        return view.result.grade or tr("sheet.grade_pending")

    # --- a line --------------------------------------------------------------------------------

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        line_id = self.model.line_result(current.row()).line.id
        if line_id != self._line_id:
            self._line_id = line_id
            self._show_line(line_id)

    def select_line(self, line_id: str) -> bool:
        """Select line ``line_id`` (its id on the sheet, e.g. ``"12"``) and show it in the editor."""
        row = self.model.row_of(str(line_id))
        if row < 0:
            return False
        self._line_id = str(line_id)
        self._select_row(self.table, row)
        self._show_line(self._line_id)
        return True

    def _current_row(self) -> Any:
        if self._line_id is None:
            return None
        row = self.model.row_of(self._line_id)
        return self.model.line_result(row) if row >= 0 else None

    def _show_line(self, line_id: str | None) -> None:
        row = self._current_row() if line_id is not None else None
        view = self._view()
        self.editor.setEnabled(row is not None)
        if row is None or view is None:
            self.line_title.setText(tr("sheet.pick_line"))
            for label in (self.criterion_label, self.suggestion_label, self.evidence_label):
                label.clear()
            self._fill_editor(None)
            return
        sheet, line = view.sheet, row.line
        path = "·".join(g.name for g in sheet.path(line))
        if line.max is not None:
            self.line_title.setText(tr("sheet.line_title", group=path, id=line.id, name=_short(sheet, line),
                                       max=number_text(line.max)))
        else:
            self.line_title.setText(tr("sheet.line_title_plain", group=path, id=line.id, name=_short(sheet, line)))
        self.criterion_label.setText(tr("sheet.criterion_full", criterion=line.criterion))
        self.suggestion_label.setText(self._suggestion_text(sheet, row))
        self.evidence_label.setText(self._evidence_html(row))
        self._fill_editor(row)

    @staticmethod
    def _suggestion_text(sheet: Any, row: Any) -> str:
        suggestion = row.suggestion
        if suggestion is None:
            return tr("sheet.no_suggestion")
        if suggestion.verdict is None:
            return tr("sheet.suggestion_documents", explanation=suggestion.explanation)
        return tr("sheet.suggestion_data", verdict=verdict_score_text(sheet, suggestion.verdict, suggestion.score),
                  explanation=suggestion.explanation)

    @staticmethod
    def _evidence_html(row: Any) -> str:
        from qbaudit.report.model import level_text, measured_text, required_text, rule_title, status_text

        suggestion = row.suggestion
        parts = []
        findings = suggestion.findings if suggestion is not None else ()
        if findings:
            head = "".join(f"<th align='left'>{html.escape(tr(f'sheet.ev_{k}'))}</th>"
                           for k in ("rule", "level", "status", "measured", "required"))
            body = []
            for finding in findings:
                colour = {"fail": "#c00000", "warn": "#9c5700"}.get(finding.status.value, "#2e7d32")
                cells = (rule_title(finding.rule), level_text(finding.level), status_text(finding.status),
                         measured_text(finding), required_text(finding))
                tds = "".join(f"<td style='color:{colour}'>{html.escape(str(c))}</td>" if i == 2
                              else f"<td>{html.escape(str(c))}</td>" for i, c in enumerate(cells))
                body.append(f"<tr>{tds}</tr>")
                if finding.message:
                    body.append(f"<tr><td></td><td colspan='4' style='color:#595959'>{html.escape(finding.message)}"
                                "</td></tr>")
            parts.append(f"<p><b>{html.escape(tr('sheet.evidence'))}</b></p>"
                         f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{''.join(body)}</table>")
        items = suggestion.checklist if suggestion is not None and suggestion.verdict is None else ()
        if items:
            lis = "".join(f"<li>{html.escape(item)}</li>" for item in items)
            parts.append(f"<p><b>{html.escape(tr('sheet.checklist'))}</b></p><ul>{lis}</ul>")
        return "".join(parts)

    # --- the editor ----------------------------------------------------------------------------

    def _fill_editor(self, row: Any) -> None:
        widgets = (self.verdict_group, self.score_spin, self.reason_edit)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.verdict_group.setExclusive(False)
            for button in self.verdict_buttons.values():
                button.setChecked(False)
            self.verdict_group.setExclusive(True)
            self.reason_edit.setPlainText("")
            if row is not None:
                decision, suggestion = row.decision, row.suggestion
                verdict = decision.verdict if decision is not None else (suggestion.verdict if suggestion else None)
                score = decision.score if decision is not None else (suggestion.score if suggestion else None)
                if verdict in self.verdict_buttons:
                    self.verdict_buttons[verdict].setChecked(True)
                self._set_score_range(verdict, score)
                if decision is not None and self._reason_worth_editing(row):
                    self.reason_edit.setPlainText(decision.reason)
            else:
                self._set_score_range(None, None)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._update_save_state()

    @staticmethod
    def _reason_worth_editing(row: Any) -> bool:
        """The stored reason is the inspector's own (not the note that a suggestion was taken)."""
        suggestion = row.suggestion
        if suggestion is None or suggestion.verdict is None:
            return True
        decision = row.decision
        return decision.verdict is not suggestion.verdict or (decision.score is not None
                                                              and decision.score != suggestion.score)

    def _checked_verdict(self) -> Any:
        return next((v for v, b in self.verdict_buttons.items() if b.isChecked()), None)

    def _verdict_toggled(self) -> None:
        verdict = self._checked_verdict()
        row = self._current_row()
        score = None
        if row is not None and verdict is not None:
            for source in (row.decision, row.suggestion):
                if source is not None and source.verdict is verdict:
                    score = source.score
                    break
        self.score_spin.blockSignals(True)
        self._set_score_range(verdict, score)
        self.score_spin.blockSignals(False)
        self._update_save_state()

    def _set_score_range(self, verdict: Any, score: float | None) -> None:
        from qbaudit.analysis.sheets import Method, Verdict

        view = self._view()
        row = self._current_row()
        line = row.line if row is not None else None
        if view is None or line is None or view.sheet.method is not Method.POINTS or line.max is None:
            self.score_spin.setEnabled(False)
            self.score_spin.setRange(0, 0)
            self.score_range.setText(tr("sheet.no_score") if view is not None and line is not None else "")
            return
        step = view.sheet.part_step or 0.5
        self.score_spin.setSingleStep(step)
        if verdict is Verdict.PARTLY:
            self.score_spin.setRange(step, line.max - step)
            self.score_spin.setValue(score if score is not None and 0 < score < line.max else line.max / 2)
            self.score_spin.setEnabled(True)
            self.score_range.setText(tr("sheet.score_range", low=number_text(step), high=number_text(line.max - step),
                                        step=number_text(step)))
        else:
            value = line.max if verdict is Verdict.MEETS else 0.0
            self.score_spin.setRange(value, value)
            self.score_spin.setValue(value)
            self.score_spin.setEnabled(False)
            self.score_range.setText(tr("sheet.score_fixed") if verdict is not None else "")

    def _pending(self) -> tuple[Any, float | None, str]:
        """The verdict, score and reason in the editor."""
        from qbaudit.analysis.sheets import Verdict

        verdict = self._checked_verdict()
        score = self.score_spin.value() if verdict is Verdict.PARTLY else None
        return verdict, score, self.reason_edit.toPlainText().strip()

    def _unchanged(self, row: Any, verdict: Any, score: float | None, reason: str) -> bool:
        decision = row.decision
        if decision is None or decision.verdict is not verdict:
            return False
        if score is not None and decision.score != score:
            return False
        return reason == decision.reason or (not reason and not self._reason_worth_editing(row))

    def _refusal(self) -> str | None:
        """Why the editor's decision cannot be saved (None when it can)."""
        from qbaudit.analysis.sheets import DecisionError, make_decision

        view, row = self._view(), self._current_row()
        if view is None or row is None:
            return tr("sheet.pick_line")
        verdict, score, reason = self._pending()
        if verdict is None:
            return tr("sheet.pick_verdict")
        if self._unchanged(row, verdict, score, reason):
            return tr("sheet.unchanged")
        try:
            make_decision(view.sheet, row.line.id, verdict, score, reason, row.suggestion)
        except DecisionError as exc:
            return str(exc)
        return None

    def _update_save_state(self) -> None:
        refusal = self._refusal()
        self.save_button.setEnabled(refusal is None)
        view = self._view()
        if refusal is None and view is not None and view.revision.signed:
            self.save_hint.setText(tr("sheet.opens_revision", number=view.revision.number + 1))
        else:
            self.save_hint.setText("" if refusal == tr("sheet.unchanged") else (refusal or ""))
        self.save_button.setToolTip(refusal or tr("sheet.save_tip"))

    def set_verdict(self, verdict: str, score: float | None = None, reason: str = "") -> None:
        """Put a decision in the editor for the selected line: ``verdict`` as the sheet writes it (符合 …)
        or its id (meets …), the score for 基本符合, the reason."""
        view = self._view()
        if view is None:
            return
        chosen = view.sheet.parse_verdict(str(verdict))
        if chosen is None or chosen not in self.verdict_buttons:
            raise ValueError(f"not a verdict of this sheet: {verdict!r}")
        self.verdict_buttons[chosen].setChecked(True)
        if score is not None:
            self.score_spin.setValue(float(score))
        self.reason_edit.setPlainText(reason)
        self._update_save_state()

    def save(self) -> bool:
        """Save the editor's decision for the selected line (Ctrl+S); True when it was stored.

        A decision the store refuses (no reason where one is needed, a score out of range) is shown as its
        Chinese message and nothing is stored.
        """
        bench, row = self.ctx.workbench, self._current_row()
        if bench is None or row is None:
            return False
        verdict, score, reason = self._pending()
        if verdict is None or self._unchanged(row, verdict, score, reason):
            return False
        try:
            bench.decide(row.line.id, verdict.value, score, reason)
        except _errors() as exc:
            self.ctx.error(str(exc))
            return False
        self.ctx.status.emit(tr("sheet.saved", line=row.line.name))
        self.ctx.changed.emit("decision")
        return True

    def accept_all(self) -> int:
        """Take every data suggestion not yet decided (采纳全部建议); returns how many lines were taken."""
        bench = self.ctx.workbench
        if bench is None:
            return 0
        try:
            taken = bench.accept_suggestions()
        except _errors() as exc:
            self.ctx.error(str(exc))
            return 0
        self.ctx.status.emit(tr("sheet.accepted", count=taken))
        if taken:
            self.ctx.changed.emit("decision")
        return taken

    # --- vetoes --------------------------------------------------------------------------------

    def _veto_row_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            veto_id = self.veto_model.veto_row(current.row())[0].id
            if veto_id != self._veto_id:
                self._veto_id = veto_id
                self._show_veto(veto_id)

    def _show_veto(self, veto_id: str | None) -> None:
        row = self.veto_model.row_of(veto_id) if veto_id is not None else -1
        has = row >= 0
        for widget in (self.veto_occurred, self.veto_description):
            widget.blockSignals(True)
        if has:
            veto, decision = self.veto_model.veto_row(row)
            self.veto_occurred.setChecked(bool(decision is not None and decision.occurred))
            self.veto_description.setText(decision.description if decision is not None else "")
            self.veto_description.setPlaceholderText(tr("sheet.veto_describe", label=veto.describe
                                                        or tr("sheet.veto_description_label")))
        else:
            self.veto_occurred.setChecked(False)
            self.veto_description.clear()
            self.veto_description.setPlaceholderText(tr("sheet.pick_veto"))
        for widget in (self.veto_occurred, self.veto_description):
            widget.blockSignals(False)
        self.veto_occurred.setEnabled(has)
        self.veto_description.setEnabled(has)
        self._update_veto_state()

    def _update_veto_state(self) -> None:
        row = self.veto_model.row_of(self._veto_id) if self._veto_id is not None else -1
        if row < 0:
            self.veto_save.setEnabled(False)
            self.veto_save.setToolTip(tr("sheet.pick_veto"))
        else:
            veto, decision = self.veto_model.veto_row(row)
            occurred, description = self.veto_occurred.isChecked(), self.veto_description.text().strip()
            if occurred and not description:
                reason = tr("sheet.veto_needs_text", label=veto.describe or tr("sheet.veto_description_label"))
            elif decision is not None and decision.occurred == occurred and decision.description == description:
                reason = tr("sheet.unchanged")
            else:
                reason = None
            self.veto_save.setEnabled(reason is None)
            self.veto_save.setToolTip(reason or "")
        view = self._view()
        self.veto_none.setEnabled(view is not None and any(d is None for _, d in view.result.vetoes))

    def set_veto(self, veto_id: str, occurred: bool, description: str = "") -> bool:
        """Decide veto item ``veto_id`` (``V2``): whether it occurred, and its description; True when stored."""
        row = self.veto_model.row_of(veto_id)
        if row < 0:
            return False
        self._veto_id = veto_id
        self._select_row(self.veto_table, row)
        self._show_veto(veto_id)
        self.veto_occurred.setChecked(occurred)
        self.veto_description.setText(description)
        return self.save_veto()

    def save_veto(self) -> bool:
        """Store the veto editor's decision; the store's refusal is shown as its message."""
        bench = self.ctx.workbench
        if bench is None or self._veto_id is None:
            return False
        try:
            bench.decide_veto(self._veto_id, self.veto_occurred.isChecked(), self.veto_description.text().strip())
        except _errors() as exc:
            self.ctx.error(str(exc))
            return False
        self.ctx.changed.emit("decision")
        return True

    def clear_vetoes(self) -> int:
        """Record every veto item not yet judged as not occurred; returns how many."""
        bench, view = self.ctx.workbench, self._view()
        if bench is None or view is None:
            return 0
        waiting = [veto.id for veto, decision in view.result.vetoes if decision is None]
        try:
            for veto_id in waiting:
                bench.decide_veto(veto_id, False, "")
        except _errors() as exc:
            self.ctx.error(str(exc))
        if waiting:
            self.ctx.changed.emit("decision")
        return len(waiting)

    # --- signing -------------------------------------------------------------------------------

    def sign(self, confirm: bool = False) -> bool:
        """Sign the audit's latest revision; with ``confirm`` ask first (naming inspector, total, grade)."""
        bench, view = self.ctx.workbench, self._view()
        if bench is None or view is None:
            return False
        refusal = self._sign_refusal(view)
        if refusal is not None:
            self.ctx.error(refusal)
            return False
        if confirm:
            undecided = sum(1 for _, d in view.result.vetoes if d is None)
            text = tr("sheet.sign_confirm", inspector=bench.inspector, number=view.revision.number,
                      total=self.total_text(), max=number_text(view.sheet.total), grade=self.grade_text())
            if view.result.total is None:
                text = tr("sheet.sign_confirm_noes", inspector=bench.inspector, number=view.revision.number,
                          count=self.no_count_text(), grade=self.grade_text())
            if undecided:
                from qbaudit.report.model import veto_label

                text += "\n\n" + tr("sheet.sign_vetoes_open", label=veto_label(view.sheet), count=undecided)
            answer = QMessageBox.question(self.ctx.window or self, tr("sheet.sign_title"), text,
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                          QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            info = bench.sign()
        except _errors() as exc:
            self.ctx.error(str(exc))
            return False
        self.ctx.status.emit(tr("sheet.signed_status", number=info.number, grade=info.signed_grade or ""))
        self.ctx.changed.emit("signed")
        return True

    # --- 总体评价 -------------------------------------------------------------------------------

    def _fill_assessment(self, view: Any) -> None:
        label = view.sheet.layout.assessment
        self.assessment_box.setTitle(label or tr("sheet.assessment"))
        self.assessment_hint.setText(tr("sheet.assessment_required", label=label) if label
                                     else tr("sheet.assessment_optional"))
        self.assessment_edit.blockSignals(True)
        self.assessment_edit.setPlainText(view.assessment)
        self.assessment_edit.blockSignals(False)
        self._update_assessment_state()

    def _update_assessment_state(self) -> None:
        view = self._view()
        changed = view is not None and self.assessment_edit.toPlainText().strip() != view.assessment
        self.assessment_save.setEnabled(changed)
        if changed and view.revision.signed:
            self.assessment_save.setToolTip(tr("sheet.opens_revision", number=view.revision.number + 1))
        else:
            self.assessment_save.setToolTip("")

    def save_assessment(self) -> bool:
        """Store the 总体评价 in the editor (a new revision after signing); the store's refusal is shown."""
        bench = self.ctx.workbench
        if bench is None:
            return False
        try:
            bench.set_assessment(self.assessment_edit.toPlainText())
        except _errors() as exc:
            self.ctx.error(str(exc))
            return False
        self.ctx.status.emit(tr("sheet.assessment_saved"))
        self.ctx.changed.emit("decision")
        return True

    def revision_text(self) -> str:
        """The revision state as shown (草稿/已签署 …)."""
        return self.revision_label.text()


def _short(sheet: Any, line: Any) -> str:
    """A line as a title names it: its own name, else the start of its criterion."""
    if sheet.layout.line_heading is not None and line.named:
        return line.name
    text = line.criterion.rstrip("。")
    return text if len(text) <= 24 else text[:23] + "…"


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(SheetPage))
