"""The 基本信息 page: who and what is audited, by whom, on which sheet; the revisions and their signatures;
the rule profile and as-of date the next check run uses; the inspector acting now; the inputs of the
last run by fingerprint; and every change of a decision (who, when, old → new, why)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qbaudit.i18n import tr
from qbaudit.views.models.records import RecordsTableModel
from qbaudit.views.models.sheet import local_time, number_text
from qbaudit.views.pages.base import Page
from qbaudit.views.tables import record_table

ModelIndex = QModelIndex | QPersistentModelIndex


class RevisionsModel(RecordsTableModel):
    """The audit's revisions: number, created, based on, state, signer, time, total, grade, fingerprint."""

    HEADER_KEY = "info.col_"
    COLUMNS = ("revision", "created", "based_on", "state", "signed_by", "signed_at", "total", "grade", "sha256")

    def records(self, view: Any) -> Any:
        return view.revisions

    def cell(self, record: Any, column: str) -> str:
        if column == "revision":
            return tr("info.revision_number", number=record.number)
        if column == "created":
            return local_time(record.created_at)
        if column == "based_on":
            return tr("info.revision_number", number=record.based_on) if record.based_on else ""
        if column == "state":
            return tr("info.state_signed") if record.signed else tr("info.state_draft")
        if column == "signed_by":
            return record.signed_by or ""
        if column == "signed_at":
            return local_time(record.signed_at)
        if column == "total":
            return number_text(record.signed_total)
        if column == "grade":
            return record.signed_grade or ""
        return (record.signed_sha256 or "")[:12]

    def tooltip(self, record: Any, column: str) -> str | None:
        return record.signed_sha256 if column == "sha256" and record.signed_sha256 else None


class InputsModel(RecordsTableModel):
    """The inputs of the last check run: kind, file, SHA-256, size, rows taken and rejected."""

    HEADER_KEY = "info.col_"
    COLUMNS = ("kind", "file", "sha256", "size", "rows", "rejected")

    def records(self, view: Any) -> Any:
        return view.run.inputs if view.run is not None else ()

    def cell(self, record: Any, column: str) -> str:
        from qbaudit.analysis.inputs import kind_label

        if column == "kind":
            return kind_label(record.kind)
        if column == "file":
            return record.name
        if column == "sha256":
            return record.sha256[:16]
        if column == "size":
            return f"{record.size / 1024:.1f} KB"
        if column == "rows":
            return str(record.rows_taken)
        return str(record.rows_rejected)

    def tooltip(self, record: Any, column: str) -> str | None:
        return record.sha256 if column == "sha256" else None


class ChangesModel(RecordsTableModel):
    """Every change of a decision in the revision: when, who, what, old → new, why."""

    HEADER_KEY = "info.col_"
    COLUMNS = ("time", "by", "target", "old", "new", "reason")

    def records(self, view: Any) -> Any:
        return tuple(reversed(view.changes))  # newest first

    def _verdict(self, record: Any, verdict: str | None, score: float | None) -> str:
        if verdict is None:
            return "—"
        if record.target == "assessment":
            return tr(f"info.assessment_{verdict}")
        if record.target == "veto":
            return tr("info.veto_yes") if verdict == "yes" else tr("info.veto_no")
        sheet = self._view.sheet
        chosen = sheet.parse_verdict(verdict)
        label = sheet.label(chosen) if chosen is not None else verdict
        return f"{label} {number_text(score)}".strip()

    def cell(self, record: Any, column: str) -> str:
        if column == "time":
            return local_time(record.at)
        if column == "by":
            return record.by
        if column == "target":
            if record.target == "veto":
                return tr("info.target_veto", id=record.target_id)
            if record.target == "assessment":
                return self._view.sheet.layout.assessment or tr("info.target_assessment")
            line = self._view.sheet.find_line(record.target_id)
            return f"{record.target_id} {line.name}" if line is not None else record.target_id
        if column == "old":
            return self._verdict(record, record.old_verdict, record.old_score)
        if column == "new":
            return self._verdict(record, record.new_verdict, record.new_score)
        return record.reason

    def tooltip(self, record: Any, column: str) -> str | None:
        return record.reason if column == "reason" and record.reason else None


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    table = record_table(name, model)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class InfoPage(Page):
    """The audit's basic information, the settings of the next check run, and its history."""

    key = "info"
    title_key = "info.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build()
        self.audit_opened()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        self.empty_label = QLabel(tr("info.no_audit"))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty_label)
        self.content = QWidget()
        outer.addWidget(self.content, 1)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        layout.addLayout(top)

        audit_box = QGroupBox(tr("info.audit_heading"))
        form = QFormLayout(audit_box)
        self.fields: dict[str, QLabel] = {}
        for key in ("institution", "registration", "occupation", "levels", "sheet", "supervision", "when", "where",
                    "created", "revision"):
            label = QLabel()
            label.setObjectName(f"info_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(tr(f"info.f_{key}"), label)
            self.fields[key] = label
        top.addWidget(audit_box, 3)

        right = QVBoxLayout()
        people = QGroupBox(tr("info.inspectors_heading"))
        people_form = QFormLayout(people)
        self.inspectors_label = QLabel()
        self.inspectors_label.setObjectName("info_inspectors")
        self.inspectors_label.setWordWrap(True)
        people_form.addRow(tr("info.f_inspectors"), self.inspectors_label)
        self.inspector_combo = QComboBox()
        self.inspector_combo.setObjectName("inspectorCombo")
        self.inspector_combo.currentIndexChanged.connect(self._inspector_chosen)
        people_form.addRow(tr("info.f_acting"), self.inspector_combo)
        right.addWidget(people)

        checks = QGroupBox(tr("info.checks_heading"))
        checks_form = QFormLayout(checks)
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        checks_form.addRow(tr("info.f_profile"), self.profile_combo)
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setObjectName("asOfEdit")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.dateChanged.connect(self._as_of_chosen)
        checks_form.addRow(tr("info.f_as_of"), self.as_of_edit)
        self.checks_note = QLabel()
        self.checks_note.setObjectName("checksNote")
        self.checks_note.setWordWrap(True)
        self.checks_note.setStyleSheet("color: #7f7f7f;")
        checks_form.addRow(self.checks_note)
        right.addWidget(checks)
        right.addStretch(1)
        top.addLayout(right, 2)

        self.tabs = QTabWidget()
        self.revisions_model = RevisionsModel(self)
        self.inputs_model = InputsModel(self)
        self.changes_model = ChangesModel(self)
        self.tabs.addTab(_table(self.revisions_model, "revisionsTable"), tr("info.tab_revisions"))
        self.tabs.addTab(_table(self.inputs_model, "inputsTable"), tr("info.tab_inputs"))
        self.tabs.addTab(_table(self.changes_model, "changesTable"), tr("info.tab_changes"))
        layout.addWidget(self.tabs, 1)

    # --- hooks ---------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the audit just opened (or nothing)."""
        self._refresh()

    def audit_changed(self, changes: Any) -> None:
        """Decisions, signatures, runs and exports change the revisions and the history."""
        self._refresh()

    def _refresh(self) -> None:
        bench = self.ctx.workbench
        view = bench.view if bench is not None else None
        self.empty_label.setVisible(view is None)
        self.content.setVisible(view is not None)
        for model in (self.revisions_model, self.inputs_model, self.changes_model):
            model.set_view(view)
        if view is None:
            return
        from qbaudit.analysis.vocabulary import level_name

        self.fields["institution"].setText(view.institution)
        self.fields["registration"].setText(view.registration_number or tr("info.not_given"))
        self.fields["occupation"].setText(view.occupation)
        self.fields["levels"].setText("、".join(level_name(level) for level in view.levels))
        self.fields["sheet"].setText(view.sheet.name)
        self._fill_facts(view)
        self.fields["created"].setText(local_time(view.created_at))
        revision = view.revision
        if revision.signed:
            state = tr("info.revision_signed", number=revision.number, by=revision.signed_by or "",
                       at=local_time(revision.signed_at), grade=revision.signed_grade or "",
                       count=len(view.revisions))
        else:
            state = tr("info.revision_draft", number=revision.number, count=len(view.revisions))
        self.fields["revision"].setText(state)
        self.inspectors_label.setText("\n".join(
            tr("info.inspector_card", name=name, role=role, card=card) if card else
            tr("info.inspector", name=name, role=role) for name, role, card in view.inspectors))
        self._fill_inspectors(bench, view)
        self._fill_checks(bench, view)
        self.tabs.setTabText(2, tr("info.tab_changes_count", count=len(view.changes)))

    def _fill_facts(self, view: Any) -> None:
        from qbaudit.report.kinds import supervision_label

        facts, missing = view.facts, tr("info.not_given")
        kind = supervision_label(facts.kind or view.sheet.layout.supervision)
        if view.sheet.layout.batch:
            kind = tr("info.supervision_batch", kind=kind, batch=facts.batch_number or missing)
        self.fields["supervision"].setText(kind)
        day = (facts.date or view.created_at.astimezone().date()).isoformat()
        self.fields["when"].setText(tr("info.when_time", date=day, time=facts.time) if facts.time else day)
        where = facts.place or missing
        if facts.head_count is not None:
            where = tr("info.where_count", place=where, count=facts.head_count)
        self.fields["where"].setText(where)

    def _fill_inspectors(self, bench: Any, view: Any) -> None:
        self.inspector_combo.blockSignals(True)
        self.inspector_combo.clear()
        for name, role, _card in view.inspectors:
            self.inspector_combo.addItem(tr("info.inspector", name=name, role=role), name)
        self.inspector_combo.setCurrentIndex(max(self.inspector_combo.findData(bench.inspector), 0))
        self.inspector_combo.blockSignals(False)

    def _fill_checks(self, bench: Any, view: Any) -> None:
        from qbaudit.analysis.profile import bundled_profiles

        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for profile_id, name in bundled_profiles():
            self.profile_combo.addItem(tr("info.profile_item", name=name, id=profile_id), profile_id)
        current = self.profile_combo.findData(bench.profile.id)
        if current < 0:  # a profile read from a file: keep it selectable as it is
            self.profile_combo.addItem(tr("info.profile_item", name=bench.profile.name, id=bench.profile.id),
                                       bench.profile.id)
            current = self.profile_combo.count() - 1
        self.profile_combo.setCurrentIndex(current)
        self.profile_combo.blockSignals(False)
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(QDate(bench.as_of.year, bench.as_of.month, bench.as_of.day))
        self.as_of_edit.blockSignals(False)
        run = view.run
        if run is None:
            self.checks_note.setText(tr("info.checks_no_run"))
        elif run.profile_id != bench.profile.id or run.as_of != bench.as_of:
            self.checks_note.setText(tr("info.checks_differ", profile=run.profile_name, as_of=run.as_of.isoformat()))
            self.checks_note.setStyleSheet("color: #9c5700;")
            return
        else:
            self.checks_note.setText(tr("info.checks_same", at=local_time(run.created_at), version=run.qbaudit_version))
        self.checks_note.setStyleSheet("color: #7f7f7f;")

    # --- changes -------------------------------------------------------------------------------

    def _inspector_chosen(self, index: int) -> None:
        name = self.inspector_combo.itemData(index)
        if name:
            self.set_inspector(name)

    def set_inspector(self, name: str) -> bool:
        """Make ``name`` (one of the audit's inspectors) the inspector acting from now on."""
        bench = self.ctx.workbench
        if bench is None or name not in [n for n, _, _ in bench.view.inspectors]:
            return False
        if self.ctx.step(bench.set_inspector, name):
            self.ctx.status.emit(tr("info.acting_now", name=name))
        return True

    def _profile_chosen(self, index: int) -> None:
        profile_id = self.profile_combo.itemData(index)
        if profile_id:
            self.set_profile(profile_id)

    def set_profile(self, profile_id: str) -> bool:
        """Use rule profile ``profile_id`` from the next check run on."""
        bench = self.ctx.workbench
        if bench is None:
            return False
        if bench.profile.id == profile_id:
            return True
        if self.ctx.step(bench.set_profile, profile_id) is None:  # refused: show the profile still in use
            self._refresh()
            return False
        return True

    def _as_of_chosen(self, date: QDate) -> None:
        self.set_as_of(dt.date(date.year(), date.month(), date.day()))

    def set_as_of(self, as_of: dt.date) -> bool:
        """Judge the bank at ``as_of`` from the next check run on."""
        bench = self.ctx.workbench
        if bench is None:
            return False
        self.ctx.step(bench.set_as_of, as_of)
        return True


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(InfoPage))
