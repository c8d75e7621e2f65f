"""The 评分表 page: the audit's sheet as on paper — the proposition sheet, the on-site sheet, Shandong's
yes/no tables or a custom one — with the checks' suggestions where checks inform it, the inspector's
decisions and reasons (备注), the veto items, the running total (or count of 否 against its limit) and
grade, the 总体评价, and signing.

This is the page's controller; its widgets are built in :mod:`qbaudit.views.pages.sheet_view`. Decisions go
straight to the workbench (they are quick) and the window hears what changed; every refusal of the store is
shown as its Chinese message. The editor checks a decision with the same rule as the store
(:func:`~qbaudit.analysis.sheets.make_decision`), and the 签署 button with the same rule as signing
(:func:`~qbaudit.analysis.sheets.sign_refusal`), so each button says why it is disabled.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from qbaudit.i18n import tr
from qbaudit.views.models.sheet import local_time, number_text
from qbaudit.views.pages.sheet_view import (
    GRADE_COLOURS,
    SheetView,
    evidence_html,
    grade_colour,
    select_row,
    short_name,
    suggestion_text,
)


class SheetPage(SheetView):
    """The score sheet of the open audit: judge each line, the veto items, and sign."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._line_id: str | None = None
        self._veto_id: str | None = None
        self._connect()
        self.audit_opened()

    def _connect(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.accept_button.clicked.connect(self.accept_all)
        self.sign_button.clicked.connect(lambda: self.sign(confirm=True))
        self.veto_table.selectionModel().currentRowChanged.connect(self._veto_row_changed)
        self.veto_save.clicked.connect(self.save_veto)
        self.veto_none.clicked.connect(self.clear_vetoes)
        self.veto_occurred.toggled.connect(self._update_veto_state)
        self.veto_description.textChanged.connect(self._update_veto_state)
        self.assessment_edit.textChanged.connect(self._update_assessment_state)
        self.assessment_save.clicked.connect(self.save_assessment)
        self.save_button.clicked.connect(self.save)
        self.verdict_group.idToggled.connect(lambda _id, checked: checked and self._verdict_toggled())
        self.score_spin.valueChanged.connect(self._update_save_state)
        self.reason_edit.textChanged.connect(self._update_save_state)

    # --- hooks ---------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the sheet of the audit just opened (or nothing)."""
        self._line_id = None
        self._veto_id = None
        view = self._view()
        self.build_verdicts(view.sheet if view is not None else None)
        self._reload()

    def audit_changed(self, changes: Any) -> None:
        """Decisions, signatures and check runs change the sheet (and the acting inspector its hints)."""
        if changes.touches("decision", "signed", "run", "info"):
            self._reload()

    def _view(self) -> Any:
        bench = self.ctx.workbench
        return bench.view if bench is not None else None

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
            select_row(self.table, self.model.row_of(self._line_id))
        self._show_line(self._line_id)
        if self._veto_id is not None and self.veto_model.row_of(self._veto_id) >= 0:
            select_row(self.veto_table, self.veto_model.row_of(self._veto_id))
        self._show_veto(self._veto_id)

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
        """Why the revision cannot be signed now, in the page's words (the rule is the core's), or None."""
        refusal = self.ctx.workbench.sign_refusal()
        if refusal is None:
            return None
        if refusal.reason == "signed":
            return tr("sheet.already_signed", number=view.revision.number)
        if refusal.reason == "no_run":
            return tr("sheet.no_run")
        if refusal.reason == "undecided":
            waiting = refusal.lines
            names = "、".join(short_name(view.sheet, line) for line in waiting[:5]) + ("……" if len(waiting) > 5 else "")
            key = "sheet.sign_waiting" if self.ctx.workbench.needs_run else "sheet.sign_waiting_plain"
            return tr(key, count=len(waiting), lines=names)
        return tr("sheet.assessment_missing", label=refusal.label)

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
        select_row(self.table, row)
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
            self.line_title.setText(tr("sheet.line_title", group=path, id=line.id, name=short_name(sheet, line),
                                       max=number_text(line.max)))
        else:
            self.line_title.setText(tr("sheet.line_title_plain", group=path, id=line.id, name=short_name(sheet, line)))
        self.criterion_label.setText(tr("sheet.criterion_full", criterion=line.criterion))
        self.suggestion_label.setText(suggestion_text(sheet, row))
        self.evidence_label.setText(evidence_html(row))
        self._fill_editor(row)

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
        if self.ctx.step(bench.decide, row.line.id, verdict.value, score, reason) is None:
            return False
        self.ctx.status.emit(tr("sheet.saved", line=row.line.name))
        return True

    def accept_all(self) -> int:
        """Take every data suggestion not yet decided (采纳全部建议); returns how many lines were taken."""
        bench = self.ctx.workbench
        if bench is None:
            return 0
        changes = self.ctx.step(bench.accept_suggestions)
        if changes is None:
            return 0
        self.ctx.status.emit(tr("sheet.accepted", count=changes.result))
        return changes.result

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
        select_row(self.veto_table, row)
        self._show_veto(veto_id)
        self.veto_occurred.setChecked(occurred)
        self.veto_description.setText(description)
        return self.save_veto()

    def save_veto(self) -> bool:
        """Store the veto editor's decision; the store's refusal is shown as its message."""
        bench = self.ctx.workbench
        if bench is None or self._veto_id is None:
            return False
        return self.ctx.step(bench.decide_veto, self._veto_id, self.veto_occurred.isChecked(),
                             self.veto_description.text().strip()) is not None

    def clear_vetoes(self) -> int:
        """Record every veto item not yet judged as not occurred; returns how many."""
        bench = self.ctx.workbench
        if bench is None:
            return 0
        changes = self.ctx.step(bench.decide_open_vetoes)
        return changes.result if changes is not None else 0

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
        changes = self.ctx.step(bench.sign)
        if changes is None:
            return False
        info = changes.result
        self.ctx.status.emit(tr("sheet.signed_status", number=info.number, grade=info.signed_grade or ""))
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
        if self.ctx.step(bench.set_assessment, self.assessment_edit.toPlainText()) is None:
            return False
        self.ctx.status.emit(tr("sheet.assessment_saved"))
        return True

    def revision_text(self) -> str:
        """The revision state as shown (草稿/已签署 …)."""
        return self.revision_label.text()


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(SheetPage))
