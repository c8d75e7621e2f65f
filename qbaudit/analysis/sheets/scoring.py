"""Scoring a sheet: suggestions from the checks' findings, the inspector's decisions, totals, vetoes, grade.

The checks only advise. For each line the engine suggests a verdict and a score from the findings of
the rules that inform it (``sheet_line`` in ``resources/rules.toml`` names the line), with the
findings as evidence; a line no data can judge gets a checklist of what to see instead. The inspector
decides; a decision that departs from a data suggestion needs a reason. Pure functions, no storage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from qbaudit.analysis.model import Finding, Status
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets.catalogue import SheetError
from qbaudit.analysis.sheets.definition import Line, Method, Sheet, Verdict, Veto, criterion_points
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr


class DecisionError(SheetError):
    """A decision the sheet does not allow; ``str()`` says why and what to do, in Chinese."""


class Basis(StrEnum):
    """What a suggestion rests on."""

    DATA = "data"  # findings of the automatic checks
    DOCUMENTS = "documents"  # nothing in the data: the inspector judges from documents seen


@dataclass(frozen=True)
class Suggestion:
    """What the checks suggest for one line, and why."""

    line_id: str
    basis: Basis
    verdict: Verdict | None
    score: float | None
    explanation: str
    findings: tuple[Finding, ...] = ()  # every finding of the line's rules, the advisory ones too
    checklist: tuple[str, ...] = ()  # what to see: the criterion's sentences, then the documents


@dataclass(frozen=True)
class Decision:
    """The inspector's verdict on one line (score for points sheets), and the reason when it departs."""

    line_id: str
    verdict: Verdict
    score: float | None
    reason: str = ""


@dataclass(frozen=True)
class VetoDecision:
    """Whether a veto item occurred, with the inspector's description when it did."""

    veto_id: str
    occurred: bool
    description: str = ""


def rules_of(line: Line) -> list[str]:
    """Ids of the rules whose sheet lines include this line's name."""
    return [rule.id for rule in rule_catalogue().values() if line.name in rule.sheet_lines]


def uses_checks(sheet: Sheet) -> bool:
    """True when the checks of a bank inform some line of ``sheet`` (the proposition sheet): its audit needs a
    check run before it is signed or reported. The on-site and daily sheets are judged by the inspector alone."""
    return any(rules_of(line) for line in sheet.lines)


def checklist(line: Line) -> tuple[str, ...]:
    """What an inspector looks at for ``line``: each sentence of its criterion, then the documents."""
    return (*criterion_points(line), *(tr("sheet.see_document", document=d) for d in line.documents))


def _finding_label(finding: Finding) -> str:
    return f"{finding.rule}·{level_name(finding.level)}" if finding.level is not None else finding.rule


def suggest(sheet: Sheet, findings: Iterable[Finding]) -> dict[str, Suggestion]:
    """A suggestion for every line of ``sheet`` from ``findings`` (those of other sheets' lines are ignored).

    No verdict without evidence. Counted are the findings that judged their rule by the text (or by a number the
    profile makes binding): pass and waived count as met, fail as not met. All met gives 符合 with full marks,
    none met 不符合 with 0, anything between 基本符合 with the line's maximum times the met share, rounded down to
    the sheet's step and kept strictly between 0 and the maximum. A waived finding counts as met, and the
    explanation says that it rests on a waiver and gives the waiver's reason.

    Not counted, either way:

    - 无法判断 (na) and 提示 (warn) — a number of the tool's not met, or a result a person must look at. They never
      lower a suggestion, but what was checked cannot earn full marks while one stands: if everything counted was
      met, the line is left to the documents (查阅材料) with the reasons; if something failed, the suggestion stands
      on what was counted and names them.
    - the findings of a rule that judges nothing but the tool's own numbers (``thresholds_only`` in the catalogue,
      every threshold of it ``practice`` and not ``binding`` in the profile: R15, R16, R18, R19, R20 by default):
      pass or not, the regulation gives no number to judge by, so they are shown as evidence and named, and
      neither count nor hold back full marks. Made binding in a profile, they count like any other.
    - a review screen (R12, ``review`` in the catalogue): its list is named for a person to go through.
    """
    findings = list(findings)
    catalogue = rule_catalogue()
    suggestions = {}
    for line in sheet.lines:
        rules = rules_of(line)
        own = tuple(f for f in findings if f.rule in rules)
        review = [f for f in own if catalogue[f.rule].review and f.status is Status.WARN]
        practice = [f for f in own if not catalogue[f.rule].review and tool_numbers_only(f)]
        considered = [f for f in own if not catalogue[f.rule].review and not tool_numbers_only(f)]
        counted = [f for f in considered if f.status in (Status.PASS, Status.FAIL, Status.WAIVED)]
        unjudged = [f for f in considered if f.status is Status.NA]
        advised = [f for f in considered if f.status is Status.WARN]
        if sheet.method is not Method.POINTS or not counted:
            judged_by_tool = [f for f in practice if f.status is not Status.NA]
            key = ("sheet.basis_documents" if not own else "thresholds.sheet_documents_practice"
                   if judged_by_tool and not considered else "sheet.basis_documents_na")
            explanation = tr(key) + _notes(counted, [], advised, review, practice)
            suggestions[line.id] = Suggestion(line.id, Basis.DOCUMENTS, None, None, explanation, own, checklist(line))
            continue
        met = sum(1 for f in counted if f.status in (Status.PASS, Status.WAIVED))
        failed = [f for f in counted if f.status is Status.FAIL]
        if (unjudged or advised) and not failed:
            which = "、".join(_finding_label(f) for f in (*unjudged, *advised))
            explanation = (tr("thresholds.sheet_withheld", counted=len(counted), which=which) if advised
                           else tr("checks.sheet.basis_partial", counted=len(counted), which=which))
            suggestions[line.id] = Suggestion(line.id, Basis.DOCUMENTS, None, None,
                                              explanation + _notes(counted, [], [], review, practice),
                                              own, checklist(line))
            continue
        assert line.max is not None and sheet.part_step is not None
        if met == len(counted):
            verdict, score = Verdict.MEETS, line.max
        elif met == 0:
            verdict, score = Verdict.FAILS, 0.0
        else:
            verdict, score = Verdict.PARTLY, part_score(line.max, sheet.part_step, met / len(counted))
        explanation = tr("sheet.basis_data", counted=len(counted), met=_count(met), failed=len(failed),
                         which="、".join(_finding_label(f) for f in failed) or tr("sheet.none"))
        suggestions[line.id] = Suggestion(line.id, Basis.DATA, verdict, score,
                                          explanation + _notes(counted, unjudged, advised, review, practice), own,
                                          checklist(line))
    return suggestions


def tool_numbers_only(finding: Finding) -> bool:
    """True when ``finding`` judged nothing but the tool's own numbers: its rule has no requirement of the text's
    own (``thresholds_only``) and every threshold it applied is ``practice`` and not ``binding``."""
    entry = rule_catalogue().get(finding.rule)
    return bool(entry is not None and entry.thresholds_only and finding.thresholds
                and not any(t.binding for t in finding.thresholds))


def _notes(counted: list[Finding], unjudged: list[Finding], advised: list[Finding], review: list[Finding],
           practice: list[Finding]) -> str:
    """What a suggestion's explanation adds: the findings not counted (无法判断, 提示, the tool's numbers only),
    the waivers a 符合 rests on, and the review lists that do not move it."""
    notes = []
    if unjudged:
        notes.append(tr("checks.sheet.unjudged_note", which="、".join(_finding_label(f) for f in unjudged)))
    if advised:
        notes.append(tr("thresholds.sheet_advised_note", which="、".join(_finding_label(f) for f in advised)))
    shown = [f for f in practice if f.status is not Status.NA]
    if shown:
        notes.append(tr("thresholds.sheet_practice_note", which="、".join(
            f"{_finding_label(f)}（{tr('report.status_' + f.status.value)}）" for f in shown)))
    waived = [f for f in counted if f.status is Status.WAIVED]
    if waived:
        notes.append(tr("thresholds.sheet_waived_note", which="；".join(
            tr("thresholds.sheet_waived_item", finding=_finding_label(f), reason=f.waiver_reason or "")
            for f in waived)))
    if review:
        notes.append(tr("thresholds.sheet_review_note", which="、".join(_finding_label(f) for f in review)))
    return "".join(notes)


def _count(value: float) -> str:
    return f"{value:g}"


def part_score(maximum: float, step: float, share: float) -> float:
    """``maximum × share`` rounded down to ``step``, kept strictly between 0 and ``maximum``."""
    steps = math.floor(maximum * share / step + 1e-9)
    top = math.ceil(maximum / step - 1e-9) - 1
    return round(min(max(steps, 1), top) * step, 6)


def _on_step(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-9


def make_decision(sheet: Sheet, line_id: str, verdict: Verdict, score: float | None = None, reason: str = "",
                  suggestion: Suggestion | None = None) -> Decision:
    """Check a decision against the sheet and the suggestion, and return it (or raise :class:`DecisionError`).

    符合 takes the line's maximum and 不符合 0 (a score given must agree); 基本符合 needs a score on the
    sheet's step, above 0 and below the maximum. A yes/no line takes no score. Departing from a data
    suggestion (another verdict or another score) needs a reason.
    """
    line = sheet.line(line_id)
    reason = reason.strip()
    if verdict not in sheet.verdicts:
        allowed = "、".join(sheet.label(v) for v in sheet.verdicts)
        raise DecisionError(tr("sheet.verdict_not_allowed", line=line.name, allowed=allowed))
    if sheet.method is Method.YES_NO:
        if score is not None:
            raise DecisionError(tr("sheet.no_score_on_yes_no", line=line.name))
    else:
        score = _checked_score(sheet, line, verdict, score)
    if suggestion is not None and suggestion.basis is Basis.DATA and not reason and _departs(verdict, score, suggestion):
        direction = "sheet.raised" if (score or 0) > (suggestion.score or 0) else "sheet.lowered"
        raise DecisionError(tr("sheet.reason_needed", line=line.name, direction=tr(direction),
                               suggested=f"{sheet.label(suggestion.verdict)} {_count(suggestion.score or 0)}",
                               decided=f"{sheet.label(verdict)} {_count(score or 0)}"))
    return Decision(line_id, verdict, score, reason)


def _departs(verdict: Verdict, score: float | None, suggestion: Suggestion) -> bool:
    return verdict is not suggestion.verdict or (score is not None and score != suggestion.score)


def _checked_score(sheet: Sheet, line: Line, verdict: Verdict, score: float | None) -> float:
    assert line.max is not None and sheet.part_step is not None
    if verdict is Verdict.MEETS:
        if score is not None and score != line.max:
            raise DecisionError(tr("sheet.meets_full", line=line.name, max=_count(line.max), value=_count(score)))
        return line.max
    if verdict is Verdict.FAILS:
        if score is not None and score != 0:
            raise DecisionError(tr("sheet.fails_zero", line=line.name, value=_count(score)))
        return 0.0
    if score is None:
        raise DecisionError(tr("sheet.part_needs_score", line=line.name, max=_count(line.max)))
    if not 0 < score < line.max or not _on_step(score, sheet.part_step):
        raise DecisionError(tr("sheet.part_out_of_range", line=line.name, value=_count(score), max=_count(line.max),
                               step=_count(sheet.part_step)))
    return float(score)


def make_veto_decision(sheet: Sheet, veto_id: str, occurred: bool, description: str = "") -> VetoDecision:
    """Check a veto decision (one that occurred needs a description) and return it."""
    veto = sheet.veto(veto_id)
    if veto is None:
        known = "、".join(v.id for v in sheet.vetoes) or tr("sheet.none")
        raise DecisionError(tr("sheet.unknown_veto", veto=veto_id, known=known))
    description = description.strip()
    if occurred and not description:
        raise DecisionError(tr("sheet.veto_needs_description", veto=veto.id,
                               label=veto.describe or tr("sheet.description")))
    return VetoDecision(veto.id, occurred, description)


@dataclass(frozen=True)
class LineResult:
    """One line with what counts for it: the decision if there is one, else a data suggestion."""

    line: Line
    suggestion: Suggestion | None
    decision: Decision | None

    @property
    def verdict(self) -> Verdict | None:
        """The verdict that counts (None while the line is open)."""
        if self.decision is not None:
            return self.decision.verdict
        return self.suggestion.verdict if self.suggestion is not None else None

    @property
    def score(self) -> float | None:
        """The score that counts (None while the line is open or on a yes/no sheet)."""
        if self.decision is not None:
            return self.decision.score
        return self.suggestion.score if self.suggestion is not None else None

    @property
    def state(self) -> str:
        """``decided``, ``suggested`` (a data suggestion not yet confirmed) or ``open``."""
        if self.decision is not None:
            return "decided"
        return "suggested" if self.verdict is not None else "open"


@dataclass(frozen=True)
class SheetResult:
    """Totals, vetoes and grade of one sheet."""

    sheet: Sheet
    lines: tuple[LineResult, ...]
    vetoes: tuple[tuple[Veto, VetoDecision | None], ...]
    total: float | None  # points sheets: sum of the scores that count
    no_count: int
    no_share: Fraction | None  # yes/no sheets: share of "no" among all lines
    grade: str | None  # None while lines are open and no veto occurred
    group_totals: dict[str, float] = field(default_factory=dict)

    @property
    def vetoed(self) -> list[tuple[Veto, VetoDecision]]:
        """The veto items that occurred."""
        return [(veto, d) for veto, d in self.vetoes if d is not None and d.occurred]

    @property
    def open_lines(self) -> list[Line]:
        """Lines with neither a decision nor a data suggestion."""
        return [r.line for r in self.lines if r.state == "open"]

    @property
    def unconfirmed(self) -> list[Line]:
        """Lines that count a data suggestion the inspector has not confirmed."""
        return [r.line for r in self.lines if r.state == "suggested"]

    @property
    def final(self) -> bool:
        """True when every line is decided by the inspector (the result can be signed)."""
        return all(r.state == "decided" for r in self.lines)


def score_sheet(sheet: Sheet, suggestions: Mapping[str, Suggestion], decisions: Mapping[str, Decision],
                vetoes: Mapping[str, VetoDecision]) -> SheetResult:
    """Totals, vetoes and grade of ``sheet`` from the suggestions, decisions and veto decisions."""
    results = tuple(LineResult(line, suggestions.get(line.id), decisions.get(line.id)) for line in sheet.lines)
    veto_rows = tuple((veto, vetoes.get(veto.id)) for veto in sheet.vetoes)
    vetoed = any(d is not None and d.occurred for _, d in veto_rows)
    complete = all(r.verdict is not None for r in results)
    no_count = sum(1 for r in results if r.verdict is Verdict.NO)
    if sheet.method is Method.POINTS:
        total = round(sum(r.score or 0.0 for r in results), 6)
        group_totals = {g.id: round(sum(r.score or 0.0 for r in results if r.line in sheet.lines_under(g.id)), 6)
                        for g in sheet.groups}
        grade = sheet.grade_for(total) if complete else None
        no_share = None
    else:
        total, group_totals = None, {}
        no_share = Fraction(no_count, len(results))
        assert sheet.no_share_limit is not None
        grade = (sheet.fail_grade if no_share >= sheet.no_share_limit else sheet.pass_grade) if complete else None
    if vetoed:
        grade = sheet.veto_grade
    return SheetResult(sheet, results, veto_rows, total, no_count, no_share, grade, group_totals)


def grade_fails(sheet: Sheet, grade: str | None) -> bool:
    """True when ``grade`` is a failing grade of ``sheet``: its veto grade, its fail grade (yes/no sheets) or
    its lowest band (points sheets). None (lines still open) does not fail."""
    if grade is None:
        return False
    failing = {sheet.veto_grade, sheet.fail_grade}
    if sheet.bands:
        failing.add(sheet.bands[-1].grade)
    return grade in failing


def grade_bounds(result: SheetResult) -> tuple[str | None, str | None]:
    """The worst and the best grade ``result`` can still come to, whatever the lines still open turn out to be
    (the same grade twice once the lines that count decide it; a veto that occurred decides it at once).

    Points sheets: the open lines at 0 and at their maximum; yes/no sheets: the open lines all 否 and all 是.
    """
    sheet = result.sheet
    if result.vetoed:
        return sheet.veto_grade, sheet.veto_grade
    open_lines = [row.line for row in result.lines if row.verdict is None]
    if sheet.method is Method.POINTS:
        counted = result.total or 0.0
        reachable = round(counted + sum(line.max or 0.0 for line in open_lines), 6)
        return sheet.grade_for(counted), sheet.grade_for(reachable)
    assert sheet.no_share_limit is not None
    lines = len(result.lines)
    worst = Fraction(result.no_count + len(open_lines), lines) >= sheet.no_share_limit
    best = Fraction(result.no_count, lines) >= sheet.no_share_limit
    return (sheet.fail_grade if worst else sheet.pass_grade), (sheet.fail_grade if best else sheet.pass_grade)


@dataclass(frozen=True)
class SignRefusal:
    """Why a revision cannot be signed: ``signed`` (it already is), ``no_run`` (checks inform the sheet and none
    has run), ``undecided`` (``lines`` not decided by the inspector) or ``assessment`` (the sheet asks for its
    ``label``, the 总体评价, and it is empty). Each door words it its own way."""

    reason: str
    lines: tuple[Line, ...] = ()
    label: str = ""


def sign_refusal(result: SheetResult, *, signed: bool, checked: bool, assessment: str) -> SignRefusal | None:
    """Whether a revision can be signed (None) or why not — the one rule the window and the store apply.

    Args:
        result: the revision's scored sheet.
        signed: the revision is signed already.
        checked: a check run is recorded in the audit (needed where checks inform the sheet).
        assessment: the revision's 总体评价.
    """
    if signed:
        return SignRefusal("signed")
    if not checked and uses_checks(result.sheet):
        return SignRefusal("no_run")
    waiting = (*result.unconfirmed, *result.open_lines)
    if waiting:
        return SignRefusal("undecided", tuple(waiting))
    label = result.sheet.layout.assessment
    if label and not assessment.strip():
        return SignRefusal("assessment", label=label)
    return None
