"""The 评分表 page's view: its layout and how a line, a suggestion and a grade look. No workbench call is made
here; the page (:mod:`qbaudit.views.pages.sheet`) fills these widgets and acts on them (TagStudio's views and
controllers)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
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
from qbaudit.views.models.sheet import SheetModel, VetoModel, verdict_score_text
from qbaudit.views.pages.base import Page
from qbaudit.views.tables import record_table

GRADE_COLOURS = {"top": "#2e7d32", "pass": "#1f4e79", "fail": "#c00000", "pending": "#7f7f7f"}


def grade_colour(sheet: Any, grade: str | None) -> str:
    """The colour a grade is shown in: green for the best band, red for a failing grade (the core's
    :func:`~qbaudit.analysis.sheets.grade_fails`), blue between."""
    from qbaudit.analysis.sheets import grade_fails

    if grade is None:
        return GRADE_COLOURS["pending"]
    if grade_fails(sheet, grade):
        return GRADE_COLOURS["fail"]
    return GRADE_COLOURS["top"] if sheet.bands and grade == sheet.bands[0].grade else GRADE_COLOURS["pass"]


def short_name(sheet: Any, line: Any) -> str:
    """A line as a title names it: its own name, else the start of its criterion."""
    if sheet.layout.line_heading is not None and line.named:
        return line.name
    text = line.criterion.rstrip("。")
    return text if len(text) <= 24 else text[:23] + "…"


def suggestion_text(sheet: Any, row: Any) -> str:
    """What the checks suggest for a line, and why (or that the inspector judges it from documents)."""
    suggestion = row.suggestion
    if suggestion is None:
        return tr("sheet.no_suggestion")
    if suggestion.verdict is None:
        return tr("sheet.suggestion_documents", explanation=suggestion.explanation)
    return tr("sheet.suggestion_data", verdict=verdict_score_text(sheet, suggestion.verdict, suggestion.score),
              explanation=suggestion.explanation)


def evidence_html(row: Any) -> str:
    """The findings a line's suggestion rests on as a small table, and the checklist of a line judged from
    documents."""
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


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` of ``table`` the current, selected row and scroll to it."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


class SheetView(Page):
    """The sheet page's widgets: the summary (total, grade, 采纳全部建议, 签署), the lines' table, the veto items,
    the 总体评价, and one line in full with the editor of its decision."""

    key = "sheet"
    title_key = "sheet.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build()

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
        self.table = record_table("sheetTable", self.model, row_height=24)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        widths = (104, 124, 200, 40, 86, 86, 120)
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
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
        self.sign_button = QPushButton(tr("sheet.sign"))
        self.sign_button.setObjectName("signButton")
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
        self.veto_table = record_table("vetoTable", self.veto_model, row_height=22)
        header = self.veto_table.horizontalHeader()
        for column, width in enumerate((44, 420, 70)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.veto_table)
        editor = QHBoxLayout()
        self.veto_occurred = QCheckBox(tr("sheet.veto_occurred"))
        self.veto_occurred.setObjectName("vetoOccurred")
        self.veto_description = QLineEdit()
        self.veto_description.setObjectName("vetoDescription")
        self.veto_save = QPushButton(tr("sheet.veto_save"))
        self.veto_save.setObjectName("vetoSave")
        self.veto_none = QPushButton(tr("sheet.veto_none"))
        self.veto_none.setObjectName("vetoNone")
        self.veto_none.setToolTip(tr("sheet.veto_none_tip"))
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
        layout.addWidget(self.assessment_edit)
        row = QHBoxLayout()
        row.addStretch(1)
        self.assessment_save = QPushButton(tr("sheet.assessment_save"))
        self.assessment_save.setObjectName("assessmentSave")
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
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons, 4, 0, 1, 2)
        layout.setColumnStretch(1, 1)
        return self.editor


    def build_verdicts(self, sheet: Any) -> None:
        """One radio button per verdict of ``sheet`` (none when no audit is open)."""
        for button in self.verdict_buttons.values():
            self.verdict_group.removeButton(button)
        while self.verdict_row.count():
            item = self.verdict_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once: deleteLater waits for the event loop
                item.widget().deleteLater()
        self.verdict_buttons = {}
        if sheet is None:
            return
        for number, verdict in enumerate(sheet.verdicts):
            button = QRadioButton(sheet.label(verdict))
            button.setObjectName(f"verdict_{verdict.value}")
            self.verdict_group.addButton(button, number)
            self.verdict_row.addWidget(button)
            self.verdict_buttons[verdict] = button
        self.verdict_row.addStretch(1)
