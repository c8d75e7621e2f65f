"""The audit record's operations: open an audit, record a check run, decide lines and vetoes, sign,
record exports, and read an audit back as plain data.

Every change of a decision is kept (who, when, old, new, why). A signed revision is frozen: a change
after signing opens the next revision, which starts from the signed one's decisions, and a flush that
would touch a signed revision's decisions is refused (:func:`_refuse_changes_to_signed`).

Every change runs in one write transaction that first locks the audit's row (``SELECT … FOR UPDATE``
on PostgreSQL; on SQLite the transaction holds the database's write lock from its ``BEGIN
IMMEDIATE``) and only then reads the revisions: a decision and a signature on the same audit, or two
decisions, are applied one after the other, each seeing what the other wrote. A decision that comes
after a signature goes into the next revision, as any later change does; the signed one stays as signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from qbaudit import __version__
from qbaudit.analysis.cards import check_card_code, normalise_card_code
from qbaudit.analysis.model import Finding
from qbaudit.analysis.sheets import (
    Decision,
    Sheet,
    Verdict,
    VetoDecision,
    score_sheet,
    sheet_from_text,
    suggest,
)
from qbaudit.i18n import tr
from qbaudit.store.database import (
    StoreError,
    failure_message,
    make_engine,
    migrate,
    normalise_url,
    reader,
    resolve_url,
    writer,
)
from qbaudit.store.decisions import ASSESSMENT, LINE, VETO, SheetDecisions, _sign_refusal_text, _typed
from qbaudit.store.models import (
    Audit,
    AuditInspector,
    AuditLevel,
    ChangeRecord,
    DecisionRecord,
    DismissalRecord,
    ExportRecord,
    InputRecord,
    InputSourceRecord,
    Inspector,
    Institution,
    NoticeDecisionRecord,
    Revision,
    Run,
    SuggestionRecord,
    VetoRecord,
    now,
)
from qbaudit.store.records import (  # the store's public types (re-exported) and the row conversions
    ITEM_TEXT_PREFIX,
    AuditSummary,
    AuditView,
    BatchMark,
    Change,
    DismissalInfo,
    ExportInfo,
    InputInfo,
    InspectorInput,
    NoticeDecision,
    RevisionInfo,
    RunInfo,
    SourceInfo,
    SupervisionFacts,
    _content_hash,
    _decimal,
    _facts,
    _finding,
    _finding_record,
    _revision_info,
    _score,
    _suggestion,
)

__all__ = [  # importable from here as before the split into records.py and decisions.py
    "ASSESSMENT", "ITEM_TEXT_PREFIX", "LINE", "VETO", "AuditStore", "AuditSummary", "AuditView", "BatchMark", "Change",
    "DismissalInfo", "ExportInfo", "InputInfo", "InspectorInput", "NoticeDecision", "RevisionInfo", "RunInfo",
    "SheetDecisions", "SourceInfo", "SupervisionFacts", "_sign_refusal_text", "_typed",
]

if TYPE_CHECKING:  # the run's module pulls in the checks and their libraries; the store needs only its shape
    from qbaudit.analysis.run import AuditRun


def _refuse_changes_to_signed(session: Session, _context: Any, _instances: Any) -> None:
    """A signed revision is frozen: its decisions, veto decisions and changes cannot be written again."""
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, DecisionRecord | VetoRecord | ChangeRecord):
            touched = record in session.new or record in session.deleted or session.is_modified(record)
            if record.revision is not None and record.revision.signed and touched:
                raise StoreError(tr("store.signed_frozen", number=record.revision.number))
        elif isinstance(record, Revision) and record in session.dirty and session.is_modified(record):
            history = inspect(record).attrs.signed_at.history
            was_signed = [v for v in (*history.unchanged, *history.deleted) if v is not None]
            if was_signed:
                raise StoreError(tr("store.signed_frozen", number=record.number))


class AuditStore(SheetDecisions):
    """The audit record in one database (SQLite file or PostgreSQL), with its schema migrated on open."""

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        if migrate_schema:
            migrate(self.engine)
        self._sessions = sessionmaker(reader(self.engine), expire_on_commit=False)
        self._writes = sessionmaker(writer(self.engine), expire_on_commit=False)
        for sessions in (self._sessions, self._writes):
            event.listen(sessions, "before_flush", _refuse_changes_to_signed)

    @classmethod
    def open(cls, explicit: str | None = None, setting: str | None = None) -> AuditStore:
        """Open the store at the given URL, ``QBAUDIT_DATABASE_URL``, the setting, or the default file."""
        return cls(resolve_url(explicit, setting))

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> AuditStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """A transaction: a snapshot to read, or (``write``) one that holds the write lock from its start."""
        try:
            with (self._writes if write else self._sessions).begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(failure_message(self.engine.url, exc, action="write" if write else "read")) from exc

    # --- opening an audit --------------------------------------------------------------------

    def create_audit(self, *, institution: str, registration_number: str | None, occupation: str, levels: list[int],
                     inspectors: list[InspectorInput], sheet: Sheet, keep_item_text: bool = False,
                     facts: SupervisionFacts | None = None, batch: BatchMark | None = None) -> int:
        """Open an audit (with its first, unsigned revision) and return its id.

        ``facts`` are the supervision's kind, batch number, place, head count, date and time (the kind
        defaults to the sheet's). Card codes are checked by the rules the sheet names (none: as written).
        ``batch`` names the province's review the audit belongs to (``qbaudit batch``).
        """
        facts = self._checked_facts(facts or SupervisionFacts(), sheet)
        institution, occupation = institution.strip(), occupation.strip()
        registration_number = (registration_number or "").strip() or None
        _typed(institution, "institution")
        _typed(registration_number, "registration")
        _typed(occupation, "occupation")
        for person in inspectors:
            _typed(person.name, "inspector")
            _typed(person.role, "inspector")
        if batch is not None:
            _typed(batch.name, "batch")
        if not institution:
            raise StoreError(tr("store.institution_missing"))
        if not occupation:
            raise StoreError(tr("store.occupation_missing"))
        if not levels:
            raise StoreError(tr("store.levels_missing"))
        if not inspectors:
            raise StoreError(tr("store.inspectors_missing"))
        for person in inspectors:
            if not person.name.strip() or not person.role.strip():
                raise StoreError(tr("store.inspector_incomplete", name=person.name))
            if person.card_code and sheet.card_rules:
                check = check_card_code(person.card_code, sheet.card_rules, year=(facts.date or dt.date.today()).year)
                if not check.ok:
                    raise StoreError(tr("store.card_refused", name=person.name, problem=check.problem))
        with self._session(write=True) as session:
            audit = Audit(institution=self._institution(session, institution, registration_number),
                          occupation=occupation, sheet_id=sheet.id, sheet_name=sheet.name, sheet_sha256=sheet.sha256,
                          sheet_text=sheet.text, keep_item_text=keep_item_text, created_at=now(),
                          supervision_kind=facts.kind, batch_number=facts.batch_number, place=facts.place,
                          head_count=facts.head_count, supervision_date=facts.date, supervision_time=facts.time,
                          batch_name=batch.name if batch else None, batch_date=batch.date if batch else None)
            audit.levels = [AuditLevel(level=level) for level in sorted(set(levels), reverse=True)]
            audit.inspectors = [
                AuditInspector(inspector=self._inspector(session, person, sheet.card_rules), role=person.role.strip(),
                               position=index)
                for index, person in enumerate(inspectors)
            ]
            session.add(audit)
            session.flush()
            session.add(Revision(audit_id=audit.id, number=1, created_at=now()))
            return audit.id

    def _institution(self, session: Session, name: str, registration_number: str | None) -> Institution:
        if registration_number is not None:
            found = session.scalars(select(Institution).where(Institution.registration_number == registration_number)).first()
            if found is not None:
                if found.name != name:
                    raise StoreError(tr("store.registration_taken", number=registration_number, name=found.name))
                return found
        else:
            found = session.scalars(select(Institution).where(Institution.name == name,
                                                              Institution.registration_number.is_(None))).first()
            if found is not None:
                return found
        institution = Institution(name=name, registration_number=registration_number, created_at=now())
        session.add(institution)
        return institution

    @staticmethod
    def _checked_facts(facts: SupervisionFacts, sheet: Sheet) -> SupervisionFacts:
        """The facts cleaned (blank → None), the kind defaulted to the sheet's; refused when they cannot be."""
        from qbaudit.analysis.sheets.definition import SUPERVISION_KINDS

        def text(value: str | None) -> str | None:
            return (value or "").strip() or None

        kind = facts.kind or sheet.layout.supervision
        if kind not in SUPERVISION_KINDS:
            raise StoreError(tr("store.bad_supervision_kind", value=kind))
        batch = text(facts.batch_number)
        if batch is not None and not sheet.layout.batch:
            raise StoreError(tr("store.no_batch_on_sheet", sheet=sheet.name))
        if facts.head_count is not None and facts.head_count < 0:
            raise StoreError(tr("store.bad_head_count", value=facts.head_count))
        return SupervisionFacts(kind, batch, text(facts.place), facts.head_count, facts.date, text(facts.time))

    def _inspector(self, session: Session, person: InspectorInput, card_rules: str | None) -> Inspector:
        name = person.name.strip()
        if person.card_code:
            code = normalise_card_code(person.card_code)
            kind = check_card_code(code, card_rules).kind if card_rules else None
            found = session.scalars(select(Inspector).where(Inspector.card_code == code)).first()
            if found is not None:
                if found.name != name:
                    raise StoreError(tr("store.card_taken", code=code, name=found.name))
                return found
            inspector = Inspector(name=name, card_code=code, card_kind=kind, created_at=now())
        else:
            found = session.scalars(select(Inspector).where(Inspector.name == name, Inspector.card_code.is_(None))).first()
            if found is not None:
                return found
            inspector = Inspector(name=name, created_at=now())
        session.add(inspector)
        return inspector

    # --- reading ---------------------------------------------------------------------------------

    def list_audits(self, *, batch: str | None = None, institution: str | None = None) -> list[AuditSummary]:
        """All audits, newest first; only those of the review ``batch`` (its name), or of ``institution`` (its
        name or registration number), when given."""
        query = select(Audit).order_by(Audit.id.desc())
        if batch is not None:
            query = query.where(Audit.batch_name == batch)
        if institution is not None:
            query = query.join(Institution).where((Institution.name == institution.strip())
                                                  | (Institution.registration_number == institution.strip()))
        from qbaudit.store.history import signed_result

        sheets: dict[str, Sheet] = {}  # each stored sheet parsed once (by fingerprint)
        with self._session() as session:
            summaries = []
            for audit in session.scalars(query):
                current = audit.revisions[-1]
                signed = [r for r in audit.revisions if r.signed]
                grade, fails = signed_result(audit, sheets)
                summaries.append(AuditSummary(
                    id=audit.id, institution=audit.institution.name, occupation=audit.occupation,
                    levels=tuple(lv.level for lv in audit.levels), sheet_name=audit.sheet_name,
                    revision=current.number, signed=current.signed, grade=grade, created_at=audit.created_at,
                    registration_number=audit.institution.registration_number,
                    supervision_kind=audit.supervision_kind,
                    date=audit.supervision_date or audit.created_at.astimezone().date(),
                    batch_name=audit.batch_name, batch_date=audit.batch_date, fails=fails, sheet_id=audit.sheet_id,
                    signed_at=signed[-1].signed_at if signed else None))
            return summaries

    def revisions(self, audit_id: int) -> tuple[RevisionInfo, ...]:
        """The revisions of audit ``audit_id``, oldest first (nothing scored: cheaper than :meth:`load`)."""
        with self._session() as session:
            audit = self._audit(session, audit_id)
            numbers = {r.id: r.number for r in audit.revisions}
            return tuple(_revision_info(r, numbers) for r in audit.revisions)

    def load(self, audit_id: int, revision: int | None = None) -> AuditView:
        """Audit ``audit_id`` at ``revision`` (default: the latest), scored."""
        with self._session() as session:
            audit = self._audit(session, audit_id)
            chosen = self._revision(audit, revision)
            return self._view(session, audit, chosen)

    def _audit(self, session: Session, audit_id: int, lock: bool = False) -> Audit:
        """The audit; ``lock`` (every change) locks its row first, so changes to one audit never interleave.

        Called before anything else of the audit is read in the transaction: its revisions and decisions
        are then read after the lock, as the previous change left them.
        """
        audit = session.get(Audit, audit_id, with_for_update=lock or None)
        if audit is None:
            raise StoreError(tr("store.no_audit", id=audit_id))
        return audit

    def _revision(self, audit: Audit, number: int | None) -> Revision:
        if number is None:
            return audit.revisions[-1]
        found = [r for r in audit.revisions if r.number == number]
        if not found:
            raise StoreError(tr("store.no_revision", id=audit.id, number=number, latest=audit.revisions[-1].number))
        return found[0]

    def _view(self, session: Session, audit: Audit, revision: Revision) -> AuditView:
        sheet = sheet_from_text(audit.sheet_text, audit.sheet_id)
        findings: tuple[Finding, ...] = ()
        suggestions, run_info = {}, None
        if revision.run is not None:
            findings = tuple(_finding(record) for record in revision.run.findings)
            suggestions = {record.line_id: _suggestion(record, findings) for record in revision.run.suggestions}
            run = revision.run
            run_info = RunInfo(run.profile_id, run.profile_name, run.as_of, run.qbaudit_version, run.created_at,
                               tuple(InputInfo(i.kind, i.name, i.sha256, i.size, i.rows_taken, i.rows_rejected)
                                     for i in run.inputs), run.profile_document)
        decisions = {d.line_id: Decision(d.line_id, Verdict(d.verdict), _score(d.score), d.reason)
                     for d in revision.decisions}
        vetoes = {v.veto_id: VetoDecision(v.veto_id, v.occurred, v.description) for v in revision.vetoes}
        result = score_sheet(sheet, suggestions, decisions, vetoes)
        exports = session.scalars(select(ExportRecord).join(Revision).where(Revision.audit_id == audit.id)
                                  .order_by(ExportRecord.id)).all()
        numbers = {r.id: r.number for r in audit.revisions}
        return AuditView(
            id=audit.id, institution=audit.institution.name,
            registration_number=audit.institution.registration_number, occupation=audit.occupation,
            levels=tuple(lv.level for lv in audit.levels),
            inspectors=tuple((ai.inspector.name, ai.role, ai.inspector.card_code) for ai in audit.inspectors),
            keep_item_text=audit.keep_item_text, created_at=audit.created_at, sheet=sheet,
            revision=_revision_info(revision, numbers), revisions=tuple(_revision_info(r, numbers) for r in audit.revisions),
            run=run_info, findings=findings, suggestions=suggestions,
            decided_by={d.line_id: (d.decided_by.name, d.decided_at) for d in revision.decisions},
            result=result,
            changes=tuple(Change(c.target, c.target_id, c.old_verdict, _score(c.old_score), c.new_verdict,
                                 _score(c.new_score), c.reason, c.changed_by.name, c.changed_at)
                          for c in revision.changes),
            exports=tuple(ExportInfo(numbers[e.revision_id], e.kind, e.file_name, e.sha256, e.size, e.created_at)
                          for e in exports),
            content_sha256=_content_hash(audit, revision),
            facts=_facts(audit), assessment=revision.assessment or "",
            notice=self._notice_decision(session, audit.id),
        )

    @staticmethod
    def _notice_decision(session: Session, audit_id: int) -> NoticeDecision | None:
        record = session.scalars(select(NoticeDecisionRecord).where(NoticeDecisionRecord.audit_id == audit_id)).first()
        if record is None:
            return None
        return NoticeDecision(tuple((g["id"], g.get("note", "")) for g in record.grounds), record.suspend,
                              record.suspension_months, record.supervision_file, record.publish,
                              record.decided_by.name, record.decided_at)

    # --- changing ----------------------------------------------------------------------------------

    def _by(self, audit: Audit, who: str) -> Inspector:
        """The audit's inspector named ``who`` (by name or card code)."""
        who = who.strip()
        for member in audit.inspectors:
            if who in (member.inspector.name, member.inspector.card_code):
                return member.inspector
        names = "、".join(m.inspector.name for m in audit.inspectors)
        raise StoreError(tr("store.not_an_inspector", who=who, id=audit.id, names=names))

    def _editable(self, session: Session, audit: Audit, by: Inspector) -> Revision:
        """The latest revision, or a new one copied from it when it is signed."""
        current = audit.revisions[-1]
        if not current.signed:
            return current
        revision = Revision(audit_id=audit.id, number=current.number + 1, run_id=current.run_id, based_on_id=current.id,
                            created_at=now(), created_by_id=by.id, assessment=current.assessment)
        revision.decisions = [DecisionRecord(line_id=d.line_id, verdict=d.verdict, score=d.score, reason=d.reason,
                                             decided_by_id=d.decided_by_id, decided_at=d.decided_at)
                              for d in current.decisions]
        revision.vetoes = [VetoRecord(veto_id=v.veto_id, occurred=v.occurred, description=v.description,
                                      decided_by_id=v.decided_by_id, decided_at=v.decided_at) for v in current.vetoes]
        session.add(revision)
        audit.revisions.append(revision)
        return revision

    def record_run(self, audit_id: int, run: AuditRun, by: str, *, batch_key: str | None = None) -> int:
        """Store a check run (fingerprints, findings, suggestions) as the basis of the audit's current revision.

        Returns the revision number it went into (a new one when the latest was signed). ``batch_key`` is the
        fingerprint of a review row's inputs, profile, sheet and tool version, kept with the run (``qbaudit batch``).
        """
        if not run.ok or run.report is None:
            raise StoreError(tr("store.run_not_ok"))
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            sheet = sheet_from_text(audit.sheet_text, audit.sheet_id)
            findings = run.report.findings
            record = Run(audit_id=audit.id, profile_id=run.profile.id, profile_name=run.profile.name, as_of=run.as_of,
                         qbaudit_version=__version__, created_at=now(), created_by_id=inspector.id,
                         profile_document=run.profile.data)
            record.inputs = [InputRecord(kind=f.kind, name=f.name, sha256=f.sha256, size=f.size, rows_taken=f.rows_taken,
                                         rows_rejected=f.rows_rejected, encoding=f.encoding, sheets=list(f.sheets))
                             for f in run.inputs]
            record.findings = [_finding_record(position, f, audit.keep_item_text) for position, f in enumerate(findings)]
            positions = {id(f): position for position, f in enumerate(findings)}
            record.suggestions = [
                SuggestionRecord(line_id=line_id, basis=s.basis.value, verdict=s.verdict.value if s.verdict else None,
                                 score=_decimal(s.score), explanation=s.explanation,
                                 finding_positions=[positions[id(f)] for f in s.findings], checklist=list(s.checklist))
                for line_id, s in suggest(sheet, findings).items()
            ]
            session.add(record)
            revision = self._editable(session, audit, inspector)
            revision.run = record
            if batch_key is not None:
                audit.batch_key = batch_key
            return revision.number

    def dismiss_pair(self, audit_id: int, first_item: str, second_item: str, reason: str, by: str) -> None:
        """Dismiss a similar pair (R11) for this audit: later check runs no longer count it.

        A reason is required; dismissing a pair again is refused while the first dismissal stands.
        """
        if not reason.strip():
            raise StoreError(tr("store.dismiss_needs_reason"))
        _typed(reason, "reason")
        first, second = sorted((str(first_item), str(second_item)))
        _typed(first + second, "item")
        if first == second:
            raise StoreError(tr("store.dismiss_same_item", item=first))
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            if self._active_dismissal(session, audit.id, first, second) is not None:
                raise StoreError(tr("store.dismiss_twice", first=first, second=second))
            session.add(DismissalRecord(audit_id=audit.id, first_item=first, second_item=second, reason=reason.strip(),
                                        dismissed_by_id=inspector.id, dismissed_at=now()))

    def undo_dismissal(self, audit_id: int, first_item: str, second_item: str, by: str) -> None:
        """Let a dismissed pair count again (the record keeps who undid it and when)."""
        first, second = sorted((str(first_item), str(second_item)))
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            inspector = self._by(audit, by)
            record = self._active_dismissal(session, audit.id, first, second)
            if record is None:
                raise StoreError(tr("store.dismiss_not_found", first=first, second=second))
            record.undone_by_id, record.undone_at = inspector.id, now()

    @staticmethod
    def _active_dismissal(session: Session, audit_id: int, first: str, second: str) -> DismissalRecord | None:
        return session.scalars(select(DismissalRecord).where(
            DismissalRecord.audit_id == audit_id, DismissalRecord.first_item == first,
            DismissalRecord.second_item == second, DismissalRecord.undone_at.is_(None))).first()

    def dismissals(self, audit_id: int, active_only: bool = True) -> list[DismissalInfo]:
        """The pairs dismissed in this audit (by default only those that still stand)."""
        with self._session() as session:
            audit = self._audit(session, audit_id)
            records = session.scalars(select(DismissalRecord).where(DismissalRecord.audit_id == audit.id)
                                      .order_by(DismissalRecord.id)).all()
            return [DismissalInfo(r.first_item, r.second_item, r.reason, r.dismissed_by.name, r.dismissed_at,
                                  r.undone_by.name if r.undone_by else None, r.undone_at)
                    for r in records if not active_only or r.undone_at is None]

    def set_source(self, audit_id: int, kind: str, paths: list[str | Path], options: dict[str, Any] | None = None,
                   sha256: list[str] | None = None) -> None:
        """Remember where the ``kind`` input of an audit was read from (replacing the previous one).

        Paths and import options (sheets, column mapping) only; the window reads the files again when
        the audit is reopened. Allowed on a signed audit: it changes no decision.
        """
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            record = session.scalars(select(InputSourceRecord).where(InputSourceRecord.audit_id == audit.id,
                                                                     InputSourceRecord.kind == kind)).first()
            if record is None:
                record = InputSourceRecord(audit_id=audit.id, kind=kind)
                session.add(record)
            record.paths = [str(p) for p in paths]
            record.options = dict(options or {})
            record.sha256 = list(sha256 or [])
            record.updated_at = now()

    def remove_source(self, audit_id: int, kind: str) -> None:
        """Forget the ``kind`` input of an audit."""
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            for record in session.scalars(select(InputSourceRecord).where(InputSourceRecord.audit_id == audit.id,
                                                                          InputSourceRecord.kind == kind)):
                session.delete(record)

    def sources(self, audit_id: int) -> dict[str, SourceInfo]:
        """The inputs remembered for an audit, by kind."""
        with self._session() as session:
            audit = self._audit(session, audit_id)
            records = session.scalars(select(InputSourceRecord).where(InputSourceRecord.audit_id == audit.id)
                                      .order_by(InputSourceRecord.id)).all()
            return {r.kind: SourceInfo(r.kind, tuple(r.paths), dict(r.options), tuple(r.sha256), r.updated_at)
                    for r in records}

    def record_export(self, audit_id: int, path: str | Path, kind: str, by: str | None = None,
                      revision: int | None = None) -> ExportInfo:
        """Record a report exported from a revision (default the latest): file name, SHA-256, size, time."""
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise StoreError(tr("store.export_unreadable", file=str(path), reason=exc.strerror or str(exc))) from exc
        with self._session(write=True) as session:
            audit = self._audit(session, audit_id, lock=True)
            chosen = self._revision(audit, revision)
            inspector = self._by(audit, by) if by else None
            record = ExportRecord(revision_id=chosen.id, kind=kind, file_name=path.name,
                                  sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_at=now(),
                                  created_by_id=inspector.id if inspector else None)
            session.add(record)
            return ExportInfo(chosen.number, kind, path.name, record.sha256, record.size, record.created_at)


