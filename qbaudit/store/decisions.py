"""Deciding the sheet of an audit in the record: a line, a veto item, the 总体评价, the notice's grounds, the
data suggestions taken, the signature. Part of :class:`~qbaudit.store.AuditStore` (its transactions, locks
and frozen signed revisions are the store's; see :mod:`qbaudit.store.audits`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from qbaudit.analysis.sheets import (
    Basis,
    Decision,
    DecisionError,
    SignRefusal,
    Suggestion,
    Verdict,
    make_decision,
    make_veto_decision,
    sheet_from_text,
    sign_refusal,
)
from qbaudit.i18n import tr
from qbaudit.store.database import StoreError
from qbaudit.store.models import (
    Audit,
    ChangeRecord,
    DecisionRecord,
    Inspector,
    NoticeDecisionRecord,
    Revision,
    VetoRecord,
    now,
)
from qbaudit.store.records import (
    AuditView,
    NoticeDecision,
    RevisionInfo,
    _content_hash,
    _decimal,
    _revision_info,
    _score,
    _suggestion,
)
from qbaudit.visible import has_control, visible

LINE, VETO, ASSESSMENT = "line", "veto", "assessment"


def _typed(text: str | None, field: str) -> None:
    """Refuse typed text with control characters: no terminal, report or record should carry them."""
    if text and has_control(text):
        raise StoreError(tr("store.control_characters", field=tr(f"store.field_{field}"), text=visible(text, 30)))


class SheetDecisions:
    """The store's decisions on an audit's sheet (mixed into :class:`~qbaudit.store.AuditStore`)."""

    if TYPE_CHECKING:  # the store's own, defined in qbaudit.store.audits
        def _session(self, write: bool = False) -> AbstractContextManager[Session]: ...
        def _audit(self, session: Session, audit_id: int, lock: bool = False) -> Audit: ...
        def _by(self, audit: Audit, who: str) -> Inspector: ...
        def _editable(self, session: Session, audit: Audit, by: Inspector) -> Revision: ...
        def _view(self, session: Session, audit: Audit, revision: Revision) -> AuditView: ...

    def decide(self, audit_id: int, line: str, verdict: str, score: float | None, reason: str, by: str) -> int:
        """Decide one line (by id or name); returns the revision number the decision went into."""
        _typed(reason, "reason")
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            sheet = sheet_from_text(audit.sheet_text, audit.sheet_id)
            target = sheet.find_line(line)
            if target is None:
                raise StoreError(tr("store.no_line", line=line, sheet=sheet.name))
            chosen = sheet.parse_verdict(verdict)
            if chosen is None:
                allowed = "、".join(sheet.label(v) for v in sheet.verdicts)
                raise StoreError(tr("sheet.verdict_not_allowed", line=target.name, allowed=allowed))
            revision = self._editable(session, audit, inspector)
            suggestion = self._suggestion_of(revision, target.id)
            try:
                decision = make_decision(sheet, target.id, chosen, score, reason, suggestion)
            except DecisionError as exc:
                raise StoreError(str(exc)) from exc
            self._write_decision(revision, decision, inspector)
            return revision.number

    def _suggestion_of(self, revision: Revision, line_id: str) -> Suggestion | None:
        if revision.run is None:
            return None
        record = next((s for s in revision.run.suggestions if s.line_id == line_id), None)
        return _suggestion(record, ()) if record is not None else None

    def _write_decision(self, revision: Revision, decision: Decision, by: Inspector) -> None:
        current = next((d for d in revision.decisions if d.line_id == decision.line_id), None)
        new_score = _decimal(decision.score)
        if current is not None and current.verdict == decision.verdict.value and _score(current.score) == decision.score \
                and current.reason == decision.reason:
            return
        revision.changes.append(ChangeRecord(
            target=LINE, target_id=decision.line_id, old_verdict=current.verdict if current else None,
            old_score=current.score if current else None, new_verdict=decision.verdict.value, new_score=new_score,
            reason=decision.reason, changed_by_id=by.id, changed_at=now()))
        if current is None:
            revision.decisions.append(DecisionRecord(line_id=decision.line_id, verdict=decision.verdict.value,
                                                     score=new_score, reason=decision.reason, decided_by_id=by.id,
                                                     decided_at=now()))
        else:
            current.verdict, current.score, current.reason = decision.verdict.value, new_score, decision.reason
            current.decided_by_id, current.decided_at = by.id, now()

    def decide_veto(self, audit_id: int, veto: str, occurred: bool, description: str, by: str) -> int:
        """Record whether a veto item occurred; returns the revision number."""
        _typed(description, "description")
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            sheet = sheet_from_text(audit.sheet_text, audit.sheet_id)
            try:
                decision = make_veto_decision(sheet, veto, occurred, description)
            except DecisionError as exc:
                raise StoreError(str(exc)) from exc
            revision = self._editable(session, audit, inspector)
            current = next((v for v in revision.vetoes if v.veto_id == decision.veto_id), None)
            old = None if current is None else ("yes" if current.occurred else "no")
            revision.changes.append(ChangeRecord(
                target=VETO, target_id=decision.veto_id, old_verdict=old, new_verdict="yes" if occurred else "no",
                reason=decision.description, changed_by_id=inspector.id, changed_at=now()))
            if current is None:
                revision.vetoes.append(VetoRecord(veto_id=decision.veto_id, occurred=occurred,
                                                  description=decision.description, decided_by_id=inspector.id,
                                                  decided_at=now()))
            else:
                current.occurred, current.description = occurred, decision.description
                current.decided_by_id, current.decided_at = inspector.id, now()
            return revision.number

    def set_assessment(self, audit_id: int, text: str, by: str) -> int:
        """Write the 总体评价 of the audit's latest revision (a new revision after signing); returns its number.

        The change is kept in the history like a decision's (who, when, the text).
        """
        text = text.strip()
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            current = audit.revisions[-1]
            if (current.assessment or "") == text:
                return current.number
            revision = self._editable(session, audit, inspector)
            old = revision.assessment
            revision.assessment = text or None
            revision.changes.append(ChangeRecord(
                target=ASSESSMENT, target_id="", old_verdict="written" if old else None,
                new_verdict="written" if text else "cleared", reason=text, changed_by_id=inspector.id,
                changed_at=now()))
            return revision.number

    def decide_notice(self, audit_id: int, *, grounds: list[tuple[str, str]], suspend: bool | None,
                      suspension_months: int | None, supervision_file: bool | None, publish: bool | None,
                      by: str) -> NoticeDecision:
        """Record the notice's grounds (Shandong 第二十二条 behaviours, with notes) and the consequences decided.

        Allowed on a signed audit (the department decides after the supervision): it changes no decision of
        the sheet. A suspension needs its period in months.
        """
        from qbaudit.bundled import load_toml

        known = {g["id"]: g for g in load_toml("report/notice.toml")["grounds"]}
        cleaned: list[dict[str, str]] = []
        for ground_id, note in grounds:
            ground_id = str(ground_id).strip()
            if ground_id not in known:
                raise StoreError(tr("store.unknown_ground", value=ground_id, known="、".join(known)))
            if ground_id not in [g["id"] for g in cleaned]:
                cleaned.append({"id": ground_id, "note": (note or "").strip()})
        cleaned.sort(key=lambda g: list(known).index(g["id"]))
        if suspend and not suspension_months:
            raise StoreError(tr("store.suspension_months_needed"))
        if suspension_months is not None and suspension_months <= 0:
            raise StoreError(tr("store.bad_suspension_months", value=suspension_months))
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            record = session.scalars(select(NoticeDecisionRecord)
                                     .where(NoticeDecisionRecord.audit_id == audit.id)).first()
            if record is None:
                record = NoticeDecisionRecord(audit_id=audit.id)
                session.add(record)
            record.grounds = cleaned
            record.suspend = suspend
            record.suspension_months = suspension_months if suspend else None
            record.supervision_file, record.publish = supervision_file, publish
            record.decided_by_id, record.decided_at = inspector.id, now()
            session.flush()
            return NoticeDecision(tuple((g["id"], g["note"]) for g in cleaned), suspend, record.suspension_months,
                                  supervision_file, publish, inspector.name, record.decided_at)

    def accept_suggestions(self, audit_id: int, by: str) -> int:
        """Take every data suggestion not yet decided as the decision; returns how many were taken."""
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            revision = self._editable(session, audit, inspector)
            return self._accept(revision, inspector)

    def _accept(self, revision: Revision, by: Inspector) -> int:
        if revision.run is None:
            return 0
        decided = {d.line_id for d in revision.decisions}
        taken = 0
        for record in revision.run.suggestions:
            if record.basis == Basis.DATA.value and record.line_id not in decided and record.verdict is not None:
                self._write_decision(revision, Decision(record.line_id, Verdict(record.verdict), _score(record.score),
                                                        tr("store.accepted_suggestion")), by)
                taken += 1
        return taken

    def sign(self, audit_id: int, by: str, accept_suggestions: bool = False) -> RevisionInfo:
        """Sign the latest revision: every line must be decided. The signed revision is frozen from then on."""
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            revision = audit.revisions[-1]
            if revision.signed:
                raise StoreError(tr("store.already_signed", id=audit.id, number=revision.number))
            if accept_suggestions:
                self._accept(revision, inspector)
                session.flush()
            view = self._view(session, audit, revision)
            refusal = sign_refusal(view.result, signed=False, checked=view.run is not None,
                                   assessment=revision.assessment or "")
            if refusal is not None:
                raise StoreError(_sign_refusal_text(audit.id, refusal))
            revision.signed_at = now().replace(microsecond=0)
            revision.signed_by_id = inspector.id
            revision.signed_by = inspector
            revision.signed_total = _decimal(view.result.total)
            revision.signed_grade = view.result.grade
            revision.signed_sha256 = _content_hash(audit, revision)
            return _revision_info(revision, {r.id: r.number for r in audit.revisions})


def _sign_refusal_text(audit_id: int, refusal: SignRefusal) -> str:
    """The store's words for why a revision cannot be signed (the rule is :func:`~qbaudit.analysis.sheets.sign_refusal`)."""
    if refusal.reason == "no_run":
        return tr("store.no_run", id=audit_id)
    if refusal.reason == "undecided":
        waiting = [line.name if line.name else line.id for line in refusal.lines]
        shown = "、".join(waiting[:8]) + ("……" if len(waiting) > 8 else "")
        return tr("store.not_final", count=len(waiting), lines=shown)
    return tr("store.assessment_needed", label=refusal.label)
