"""The audit record as plain data (what :meth:`~qbaudit.store.AuditStore.load` returns) and the conversions
between the database's rows and the core's types: findings, suggestions, revisions, the signed content's hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qbaudit.analysis.model import EXCERPT_KEY_PREFIX, ColumnKind, Evidence, Finding, Status, column_kind
from qbaudit.analysis.sheets import Basis, Sheet, SheetResult, Suggestion, Verdict
from qbaudit.store.models import Audit, FindingRecord, Revision, SuggestionRecord

ITEM_TEXT_PREFIX = EXCERPT_KEY_PREFIX  # kept for callers; the kind is ColumnKind.EXCERPT (qbaudit.analysis.model)


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
    keep = [c for c in evidence["columns"] if column_kind(c["key"], c.get("kind")) is not ColumnKind.EXCERPT]
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

    evidence = tuple(Evidence.of(e["title"], [(c["key"], c["label"]) for c in e["columns"]], e["rows"],
                                 kinds={c["key"]: c.get("kind") or _legacy_kind(c) for c in e["columns"]})
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
    content: dict[str, Any] = {
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


def _legacy_kind(column: dict[str, Any]) -> ColumnKind | None:
    """The kind of a column recorded before evidence stored its kinds: R2's and R8's ``code`` columns held point
    codes, known then only by their label (in any language); the rest by :data:`~qbaudit.analysis.model.COLUMN_KINDS`."""
    from qbaudit.i18n import LANGUAGES, catalogue

    if column["key"] == "code" and column["label"] in {catalogue(lang).get("evidence.point_code") for lang in LANGUAGES}:
        return ColumnKind.POINT
    return None
