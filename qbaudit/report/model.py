"""The one report model both paths fill: a stored audit (:func:`report_from_view`) or a one-shot
check (:func:`report_from_run`). Every document of :mod:`qbaudit.report` is rendered from it, so the
Word report, the problem list, the notice and the findings export always say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from qbaudit import __version__
from qbaudit.analysis.checks.context import excerpt
from qbaudit.analysis.model import ColumnKind, Evidence, Finding, InputFile, Status
from qbaudit.analysis.profile import WAIVER_VALUES, Setting, settings_of
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets import LineResult, Method, Sheet, SheetResult, load_sheet, score_sheet, suggest
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr


class ReportKind(StrEnum):
    """What the report rests on."""

    QUICK = "quick"  # a one-shot check: suggestions only, nothing decided or signed
    DRAFT = "draft"  # a stored audit whose revision is not signed
    SIGNED = "signed"  # a signed revision of a stored audit


@dataclass(frozen=True)
class WaiverNote:
    """A waiver of the profile, and the levels where it turned a finding into "waived"."""

    rule: str
    levels: tuple[int, ...] | None  # None: every level
    reason: str
    applied: tuple[int | None, ...] = ()
    values: tuple[tuple[str, Any], ...] = ()  # numbers the waiver sets (R1's point count for a new occupation)
    setting: str | None = None  # the one setting the waiver names, if it names one


@dataclass(frozen=True)
class ReportData:
    """Everything a report says, from either path."""

    kind: ReportKind
    institution: str | None
    registration_number: str | None
    occupation: str | None
    levels: tuple[int, ...]
    inspectors: tuple[tuple[str, str, str | None], ...]  # (name, role, card code), as the record keeps them
    audit_id: int | None
    revision: int | None
    audit_date: dt.date | None  # when the audit was opened (督导日期)
    as_of: dt.date | None  # the date the checks judged the bank at
    signed_at: dt.datetime | None
    signed_by: str | None
    record_sha256: str | None  # the signed revision's content fingerprint
    generated_at: dt.datetime
    sheet: Sheet
    result: SheetResult
    findings: tuple[Finding, ...]
    inputs: tuple[InputFile, ...]
    profile_id: str | None
    profile_name: str | None
    waivers: tuple[WaiverNote, ...]
    item_text_kept: bool  # False: the record holds no excerpts, the evidence shows none
    thresholds: tuple[Setting, ...] = ()  # the profile's thresholds with their basis (empty: not recorded)
    version: str = __version__
    supervision_kind: str | None = None  # daily / special (None: the sheet's own kind)
    batch_number: str | None = None
    place: str | None = None
    head_count: int | None = None
    supervision_time: str | None = None
    assessment: str = ""  # the inspector's 总体评价
    notice: Any = None  # the store's NoticeDecision: 第二十二条 grounds and consequences, or None

    @property
    def unqualified(self) -> bool:
        """True when the grade that counts is the sheet's failing grade (a rectification notice applies)."""
        from qbaudit.analysis.sheets import grade_fails

        return grade_fails(self.sheet, self.result.grade)

    @property
    def supervision(self) -> str:
        """``daily`` or ``special``: the audit's, else the sheet's."""
        return self.supervision_kind or self.sheet.layout.supervision

    @property
    def grounds(self) -> tuple[tuple[str, str], ...]:
        """The 第二十二条 behaviours recorded for the notice: (ground id, note)."""
        return tuple(self.notice.grounds) if self.notice is not None else ()

    @property
    def failed_findings(self) -> list[Finding]:
        """Findings whose rule is not met, in the order of the checks."""
        return [f for f in self.findings if f.status is Status.FAIL]

    def lost_lines(self) -> list[LineResult]:
        """Lines scored below their maximum (or judged 否), decided or suggested."""
        lost = []
        for row in self.result.lines:
            if row.verdict is None:
                continue
            if self.sheet.method is Method.POINTS:
                if row.score is not None and row.line.max is not None and row.score < row.line.max:
                    lost.append(row)
            elif row.verdict.value == "no":
                lost.append(row)
        return lost


@dataclass
class ReportOutcome:
    """What writing a document produced: the file, warnings for the user, and how long it took."""

    path: Path
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    charts: int = 0


# --- formatting shared by the documents --------------------------------------------------------------


def number_text(value: Any) -> str:
    """A number as people write it (``4.0`` → ``4``); other values as text; None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("report.yes") if value else tr("report.no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def measured_text(finding: Finding) -> str:
    """The measured value with its unit."""
    if finding.measured is None or finding.measured == "":
        return "—"
    if isinstance(finding.measured, str):  # a verdict in words (容量不足) takes no unit
        return finding.measured
    return f"{number_text(finding.measured)}{_unit(finding)}"


def required_text(finding: Finding) -> str:
    """The threshold with its comparator and unit (``≥ 5 道``)."""
    if finding.threshold is None or finding.threshold == "":
        return "—"
    if isinstance(finding.threshold, str):
        return finding.threshold
    return f"{finding.comparator} {number_text(finding.threshold)}{_unit(finding)}".strip()


def _unit(finding: Finding) -> str:
    if not finding.unit:
        return ""
    return finding.unit if finding.unit == "%" else f" {finding.unit}"


def status_text(status: Status) -> str:
    """The report's word for a finding's status."""
    return tr(f"report.status_{status.value}")


def level_text(level: int | None) -> str:
    """A level's name, or "all levels" for a finding over the whole bank."""
    return level_name(level) if level is not None else tr("report.all_levels")


def levels_text(levels: Iterable[int]) -> str:
    """Levels joined for a sentence."""
    return "、".join(level_name(level) for level in levels)


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date in the Chinese official form (``2026年11月1日``); empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone().date() if value.tzinfo else value.date()
    return tr("report.date", year=value.year, month=value.month, day=value.day)


def cell_text(kind: ColumnKind, value: Any) -> str:
    """An evidence cell of a column of ``kind`` as text; item text is cut to the excerpt length again."""
    if kind is ColumnKind.EXCERPT:
        return excerpt(value)
    return number_text(value)


def rule_title(rule_id: str) -> str:
    """``R2 每个考评点的试题数量``."""
    entry = rule_catalogue().get(rule_id)
    return f"{rule_id} {entry.name}" if entry else rule_id


def verdict_text(sheet: Sheet, verdict: Any, score: float | None) -> str:
    """``基本符合 2`` on a points sheet, ``否`` on a yes/no sheet."""
    if verdict is None:
        return ""
    label = sheet.label(verdict)
    return f"{label} {number_text(score)}".strip() if sheet.method is Method.POINTS else label


def veto_label(sheet: Sheet) -> str:
    """What the sheet calls its veto items (一票否决项, 不合格项): its heading when that is a name, not a sentence."""
    heading = sheet.veto_heading.strip()
    return heading if heading and len(heading) <= 10 and not heading.endswith(("：", ":")) else tr("report.veto_row")


def overridden(row: LineResult) -> bool:
    """True when the inspector's decision departs from a data suggestion (the reason must show)."""
    decision, suggestion = row.decision, row.suggestion
    if decision is None:
        return False
    if suggestion is None or suggestion.verdict is None:
        return bool(decision.reason)
    return decision.verdict is not suggestion.verdict or (decision.score is not None and decision.score != suggestion.score)


def evidence_tables(finding: Finding) -> list[Evidence]:
    """The finding's evidence tables that have rows."""
    return [e for e in finding.evidence if e.rows]


# --- the two paths ---------------------------------------------------------------------------------------


def report_from_run(run: Any, *, sheet: Sheet | None = None, institution: str | None = None,
                    registration_number: str | None = None, generated_at: dt.datetime | None = None) -> ReportData:
    """A quick-check report from an :class:`~qbaudit.analysis.run.AuditRun`: the proposition sheet scored
    with the checks' suggestions only (nothing decided, nothing signed)."""
    if not run.ok or run.report is None:
        raise ValueError("the run has no findings")
    sheet = sheet or load_sheet()
    findings = tuple(run.report.findings)
    result = score_sheet(sheet, suggest(sheet, findings), {}, {})
    applied = _waived_levels(findings)
    waivers = tuple(WaiverNote(w.rule, w.levels, w.reason, applied.get((w.rule, w.reason), ()), w.values, w.setting)
                    for w in run.profile.waivers)
    return ReportData(
        kind=ReportKind.QUICK, institution=institution, registration_number=registration_number,
        occupation=run.occupation, levels=tuple(run.report.levels), inspectors=(), audit_id=None, revision=None,
        audit_date=None, as_of=run.as_of, signed_at=None, signed_by=None, record_sha256=None,
        generated_at=generated_at or dt.datetime.now().astimezone(), sheet=sheet, result=result, findings=findings,
        inputs=tuple(run.inputs),
        profile_id=run.profile.id, profile_name=run.profile.name, waivers=waivers, item_text_kept=True,
        thresholds=tuple(run.profile.settings()),
    )


def report_from_view(view: Any, *, generated_at: dt.datetime | None = None) -> ReportData:
    """A report from one revision of a stored audit (:class:`~qbaudit.store.AuditView`): institution,
    inspectors, findings, suggestions and decisions, inputs and fingerprints, profile and the waivers
    that applied, exactly as recorded."""
    revision = view.revision
    run = view.run
    findings = tuple(view.findings)
    applied = _waived_levels(findings)
    document = run.profile_document if run else None
    if document is not None:  # the profile as the run loaded it: every waiver, applied or not, with its numbers
        waivers = tuple(
            WaiverNote(w["rule"], tuple(w["levels"]) if w.get("levels") else None, w["reason"],
                       applied.get((w["rule"], w["reason"]), ()),
                       tuple((name, w[name]) for name in WAIVER_VALUES if name in w), w.get("setting"))
            for w in document.get("waivers", []))
    else:  # recorded before the profile was kept: the waivers that applied
        waivers = tuple(WaiverNote(rule, tuple(sorted({lv for lv in levels if lv is not None}, reverse=True)) or None,
                                   reason, levels)
                        for (rule, reason), levels in applied.items())
    facts = view.facts
    return ReportData(
        kind=ReportKind.SIGNED if revision.signed else ReportKind.DRAFT, institution=view.institution,
        registration_number=view.registration_number, occupation=view.occupation, levels=tuple(view.levels),
        inspectors=tuple(view.inspectors), audit_id=view.id,
        revision=revision.number, audit_date=facts.date or view.created_at.astimezone().date(),
        as_of=run.as_of if run else None, signed_at=revision.signed_at, signed_by=revision.signed_by,
        record_sha256=revision.signed_sha256, generated_at=generated_at or dt.datetime.now().astimezone(),
        sheet=view.sheet, result=view.result, findings=findings,
        inputs=tuple(InputFile(i.name, i.kind, i.sha256, i.size, i.rows_taken, i.rows_rejected)
                     for i in (run.inputs if run else ())),
        profile_id=run.profile_id if run else None, profile_name=run.profile_name if run else None,
        waivers=waivers, item_text_kept=view.keep_item_text,
        thresholds=tuple(settings_of(document)) if document is not None else (),
        supervision_kind=facts.kind, batch_number=facts.batch_number, place=facts.place, head_count=facts.head_count,
        supervision_time=facts.time, assessment=view.assessment, notice=view.notice,
    )


def _waived_levels(findings: Iterable[Finding]) -> dict[tuple[str, str], tuple[int | None, ...]]:
    """(rule, reason) → the levels where a waiver turned the finding into "waived"."""
    applied: dict[tuple[str, str], list[int | None]] = {}
    for finding in findings:
        if finding.status is Status.WAIVED and finding.waiver_reason:
            applied.setdefault((finding.rule, finding.waiver_reason), []).append(finding.level)
    return {key: tuple(levels) for key, levels in applied.items()}
