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
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from qbaudit import __version__
from qbaudit.analysis.cards import check_card_code, normalise_card_code
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.sheets import (
    Basis,
    Decision,
    DecisionError,
    Sheet,
    SheetResult,
    SignRefusal,
    Suggestion,
    Verdict,
    VetoDecision,
    make_decision,
    make_veto_decision,
    score_sheet,
    sheet_from_text,
    sign_refusal,
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
from qbaudit.store.models import (
    Audit,
    AuditInspector,
    AuditLevel,
    ChangeRecord,
    DecisionRecord,
    DismissalRecord,
    ExportRecord,
    FindingRecord,
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
from qbaudit.visible import has_control, visible

if TYPE_CHECKING:  # the run's module pulls in the checks and their libraries; the store needs only its shape
    from qbaudit.analysis.run import AuditRun

ITEM_TEXT_PREFIX = "excerpt"  # evidence columns whose key starts so quote item text (题干摘录 …)
LINE, VETO, ASSESSMENT = "line", "veto", "assessment"


@dataclass(frozen=True)
class InspectorInput:
    """An inspector named when an audit is opened."""

    name: str
    role: str
    card_code: str | None = None


@dataclass(frozen=True)
class RevisionInfo:
    """One revision of an audit."""

    number: int
    created_at: dt.datetime
    based_on: int | None
    signed_at: dt.datetime | None
    signed_by: str | None
    signed_total: float | None
    signed_grade: str | None
    signed_sha256: str | None

    @property
    def signed(self) -> bool:
        """True when this revision is signed."""
        return self.signed_at is not None


@dataclass(frozen=True)
class Change:
    """One change of a decision."""

    target: str  # "line" or "veto"
    target_id: str
    old_verdict: str | None
    old_score: float | None
    new_verdict: str
    new_score: float | None
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class InputInfo:
    """An input of the run, by fingerprint."""

    kind: str
    name: str
    sha256: str
    size: int
    rows_taken: int
    rows_rejected: int


@dataclass(frozen=True)
class RunInfo:
    """The check run a revision's suggestions come from."""

    profile_id: str
    profile_name: str
    as_of: dt.date
    qbaudit_version: str
    created_at: dt.datetime
    inputs: tuple[InputInfo, ...]
    profile_document: dict[str, Any] | None = None  # the profile as loaded (None: recorded before 0005)


@dataclass(frozen=True)
class ExportInfo:
    """A report exported from a revision."""

    revision: int
    kind: str
    file_name: str
    sha256: str
    size: int
    at: dt.datetime


@dataclass(frozen=True)
class DismissalInfo:
    """A similar pair the inspector dismissed, and whether it still stands."""

    first_item: str
    second_item: str
    reason: str
    by: str
    at: dt.datetime
    undone_by: str | None = None
    undone_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """True while the dismissal stands."""
        return self.undone_at is None


@dataclass(frozen=True)
class SourceInfo:
    """Where one kind of input was read from, and how (see :meth:`AuditStore.set_source`)."""

    kind: str
    paths: tuple[str, ...]
    options: dict[str, Any]
    sha256: tuple[str, ...]
    updated_at: dt.datetime


@dataclass(frozen=True)
class SupervisionFacts:
    """The supervision as the sheet's header names it: kind, batch, place, head count, date and time."""

    kind: str | None = None  # "daily" (日常督导) or "special" (专项督导)
    batch_number: str | None = None
    place: str | None = None
    head_count: int | None = None
    date: dt.date | None = None  # None: the day the audit was opened
    time: str | None = None


@dataclass(frozen=True)
class BatchMark:
    """The province's review (``qbaudit batch``) an audit belongs to: its name and date."""

    name: str
    date: dt.date


@dataclass(frozen=True)
class NoticeDecision:
    """The notice's grounds beyond the grade and the consequences decided (Shandong 第二十二条)."""

    grounds: tuple[tuple[str, str], ...]  # (ground id, note)
    suspend: bool | None  # 暂停评价活动 (None: not decided)
    suspension_months: int | None
    supervision_file: bool | None  # 列入监管档案
    publish: bool | None  # 对社会公布
    by: str
    at: dt.datetime

    @property
    def consequences_decided(self) -> bool:
        """True when any consequence was decided (yes or no)."""
        return any(v is not None for v in (self.suspend, self.supervision_file, self.publish))


@dataclass(frozen=True)
class AuditView:
    """One revision of an audit, read back as plain data with its sheet scored."""

    id: int
    institution: str
    registration_number: str | None
    occupation: str
    levels: tuple[int, ...]
    inspectors: tuple[tuple[str, str, str | None], ...]  # (name, role, card code)
    keep_item_text: bool
    created_at: dt.datetime
    sheet: Sheet
    revision: RevisionInfo
    revisions: tuple[RevisionInfo, ...]
    run: RunInfo | None
    findings: tuple[Finding, ...]
    suggestions: dict[str, Suggestion]
    decided_by: dict[str, tuple[str, dt.datetime]]
    result: SheetResult
    changes: tuple[Change, ...]
    exports: tuple[ExportInfo, ...]
    content_sha256: str  # recomputed from the stored record; equals signed_sha256 while untouched
    facts: SupervisionFacts = SupervisionFacts()
    assessment: str = ""  # the revision's 总体评价
    notice: NoticeDecision | None = None


@dataclass(frozen=True)
class AuditSummary:
    """One line of the list of audits."""

    id: int
    institution: str
    occupation: str
    levels: tuple[int, ...]
    sheet_name: str
    revision: int
    signed: bool
    grade: str | None  # of the latest signed revision
    created_at: dt.datetime
    registration_number: str | None = None
    supervision_kind: str | None = None  # daily / special (None: the sheet's)
    date: dt.date | None = None  # 督导日期: the supervision's date, else the day the audit was opened
    batch_name: str | None = None  # the province's review it belongs to (qbaudit batch)
    batch_date: dt.date | None = None
    fails: bool = False  # the latest signed grade is a failing grade of the audit's sheet
    sheet_id: str = ""
    signed_at: dt.datetime | None = None  # of the latest signed revision


def _score(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _typed(text: str | None, field: str) -> None:
    """Refuse typed text with control characters: no terminal, report or record should carry them."""
    if text and has_control(text):
        raise StoreError(tr("store.control_characters", field=tr(f"store.field_{field}"), text=visible(text, 30)))


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


class AuditStore:
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
        findings, suggestions, run_info = (), {}, None
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


def _sign_refusal_text(audit_id: int, refusal: SignRefusal) -> str:
    """The store's words for why a revision cannot be signed (the rule is :func:`~qbaudit.analysis.sheets.sign_refusal`)."""
    if refusal.reason == "no_run":
        return tr("store.no_run", id=audit_id)
    if refusal.reason == "undecided":
        waiting = [line.name if line.name else line.id for line in refusal.lines]
        shown = "、".join(waiting[:8]) + ("……" if len(waiting) > 8 else "")
        return tr("store.not_final", count=len(waiting), lines=shown)
    return tr("store.assessment_needed", label=refusal.label)


def _facts(audit: Audit) -> SupervisionFacts:
    return SupervisionFacts(audit.supervision_kind, audit.batch_number, audit.place, audit.head_count,
                            audit.supervision_date, audit.supervision_time)


def _revision_info(revision: Revision, numbers: dict[int, int]) -> RevisionInfo:
    return RevisionInfo(number=revision.number, created_at=revision.created_at,
                        based_on=numbers.get(revision.based_on_id) if revision.based_on_id else None,
                        signed_at=revision.signed_at, signed_by=revision.signed_by.name if revision.signed_by else None,
                        signed_total=_score(revision.signed_total), signed_grade=revision.signed_grade,
                        signed_sha256=revision.signed_sha256)


def _without_item_text(evidence: dict[str, Any]) -> dict[str, Any]:
    keep = [c for c in evidence["columns"] if not c["key"].startswith(ITEM_TEXT_PREFIX)]
    keys = {c["key"] for c in keep}
    return {**evidence, "columns": keep, "rows": [{k: v for k, v in row.items() if k in keys} for row in evidence["rows"]]}


def _finding_record(position: int, finding: Finding, keep_item_text: bool) -> FindingRecord:
    from qbaudit.analysis.run import finding_to_dict

    data = finding_to_dict(finding)
    evidence = data["evidence"] if keep_item_text else [_without_item_text(e) for e in data["evidence"]]
    return FindingRecord(position=position, rule=finding.rule, level=finding.level, status=finding.status.value,
                         message=finding.message, measured=data["measured"], threshold=data["threshold"],
                         comparator=finding.comparator, unit=finding.unit, sheet_line=finding.sheet_line,
                         clause=finding.clause, source=finding.source, waiver_reason=finding.waiver_reason,
                         evidence=evidence, basis={"thresholds": data["thresholds"], "advisory": data["advisory"],
                                                   "waiver_values": data["waiver_values"]})


def _finding(record: FindingRecord) -> Finding:
    from qbaudit.analysis.run import threshold_use_from_dict

    evidence = tuple(Evidence.of(e["title"], [(c["key"], c["label"]) for c in e["columns"]], e["rows"])
                     for e in record.evidence)
    basis = record.basis or {}  # None: recorded before the bases were kept (0005)
    return Finding(rule=record.rule, level=record.level, status=Status(record.status), message=record.message,
                   measured=record.measured, threshold=record.threshold, comparator=record.comparator, unit=record.unit,
                   sheet_line=record.sheet_line, clause=record.clause, source=record.source, evidence=evidence,
                   waiver_reason=record.waiver_reason,
                   thresholds=tuple(threshold_use_from_dict(t) for t in basis.get("thresholds", [])),
                   advisory=bool(basis.get("advisory", False)),
                   waiver_values=tuple(basis.get("waiver_values", {}).items()))


def _suggestion(record: SuggestionRecord, findings: tuple[Finding, ...]) -> Suggestion:
    return Suggestion(line_id=record.line_id, basis=Basis(record.basis),
                      verdict=Verdict(record.verdict) if record.verdict else None, score=_score(record.score),
                      explanation=record.explanation,
                      findings=tuple(findings[p] for p in record.finding_positions if p < len(findings)),
                      checklist=tuple(record.checklist))


def _content_hash(audit: Audit, revision: Revision) -> str:
    """SHA-256 of what a signature covers: who and what was audited, the inputs, suggestions, decisions, result."""
    run = revision.run
    content = {
        "audit": audit.id, "institution": [audit.institution.name, audit.institution.registration_number],
        "occupation": audit.occupation, "levels": [lv.level for lv in audit.levels], "sheet": audit.sheet_sha256,
        "revision": revision.number,
        "run": None if run is None else {
            "profile": run.profile_id, "as_of": run.as_of.isoformat(),
            "inputs": sorted([i.kind, i.name, i.sha256, i.rows_taken, i.rows_rejected] for i in run.inputs),
            "suggestions": sorted([s.line_id, s.basis, s.verdict, _score(s.score)] for s in run.suggestions),
        },
        "decisions": sorted([d.line_id, d.verdict, _score(d.score), d.reason, d.decided_by_id] for d in revision.decisions),
        "vetoes": sorted([v.veto_id, v.occurred, v.description, v.decided_by_id] for v in revision.vetoes),
        "signed": [revision.signed_at.isoformat() if revision.signed_at else None, revision.signed_by_id,
                   _score(revision.signed_total), revision.signed_grade],
    }
    # The thresholds and their bases (since 0005): only when kept, so runs recorded before hash alike.
    if run is not None and run.profile_document is not None:
        content["run"]["profile_document"] = run.profile_document
    # Added with the supervision's facts and the 总体评价: only when set, so records signed before hash alike.
    facts = {key: value for key, value in vars(_facts(audit)).items() if value is not None}
    if facts:
        content["facts"] = facts
    if revision.assessment:
        content["assessment"] = revision.assessment
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()

