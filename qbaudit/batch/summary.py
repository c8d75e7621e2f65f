"""What a review found, as plain data for its two documents: each row's audit as the record holds it (scored on
the batch's sheet), each rule's status and measured value per institution and level, the grades the rows can
still come to, the institutions ranked, the cross-institution duplicates, the history's warnings and the rows
that could not be audited.

The rows' results are read back from the audit record, so a row skipped as unchanged, a row audited now and a
row whose lines an inspector has since decided in the window all read the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qbaudit.analysis.model import Finding, Status
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets import Method, grade_bounds, grade_fails
from qbaudit.batch.manifest import BatchRow, RowProblem
from qbaudit.i18n import tr


@dataclass
class RowResult:
    """One audited row: the row, its audit in the record, and what the institution's history says."""

    row: BatchRow
    status: str  # audited now, or unchanged since an earlier run
    audit_id: int
    view: Any  # the store's AuditView
    documents: tuple[Any, ...] = ()
    warnings: list[Any] = field(default_factory=list)  # HistoryWarning
    pending: str = ""  # a certain 不合格 would make the year's N-th
    notes: list[str] = field(default_factory=list)

    @property
    def institution(self) -> str:
        """The institution's name."""
        return self.row.institution

    @property
    def occupation(self) -> str:
        """The occupation, as the record holds it."""
        return self.view.occupation

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels of the audit."""
        return tuple(self.view.levels)

    @property
    def items(self) -> int:
        """Items taken from the bank's files."""
        run = self.view.run
        return sum(i.rows_taken for i in run.inputs if i.kind == "bank") if run is not None else 0

    @property
    def result(self) -> Any:
        """The audit's scored sheet (SheetResult)."""
        return self.view.result

    @property
    def bounds(self) -> tuple[str | None, str | None]:
        """The worst and best grade the audit can still come to."""
        return grade_bounds(self.view.result)

    @property
    def grade_text(self) -> str:
        """``不合格`` when settled, ``不合格～优良`` while lines are open."""
        worst, best = self.bounds
        return worst or "" if worst == best else tr("batch.grade_range", worst=worst or "", best=best or "")

    @property
    def certain_failure(self) -> bool:
        """The data alone already settle a failing grade."""
        worst, best = self.bounds
        return worst == best and grade_fails(self.view.sheet, worst)

    @property
    def score(self) -> float:
        """What the ranking orders by: the suggested total on a points sheet, minus the 否 count on a yes/no sheet."""
        result = self.view.result
        return result.total if self.view.sheet.method is Method.POINTS else -float(result.no_count)

    @property
    def score_text(self) -> str:
        """The suggested total (``22 / 26``: of what the lines with a suggestion can earn), or the 否 count."""
        sheet, result = self.view.sheet, self.view.result
        if sheet.method is not Method.POINTS:
            return tr("batch.no_count", count=result.no_count, lines=len(result.lines))
        judged = sum(row.line.max or 0.0 for row in result.lines if row.verdict is not None)
        return tr("batch.score_of", score=f"{result.total:g}", judged=f"{judged:g}")

    @property
    def open_lines(self) -> int:
        """Lines neither decided nor suggested (the inspector judges them from documents)."""
        return len(self.view.result.open_lines)

    def finding(self, rule: str, level: int) -> Finding | None:
        """The finding of ``rule`` at ``level`` (else its finding over the whole bank), or None."""
        found = [f for f in self.view.findings if f.rule == rule]
        return next((f for f in found if f.level == level), None) or next((f for f in found if f.level is None), None)

    @property
    def failed_rules(self) -> list[str]:
        """Rules with a finding 不符合, in catalogue order."""
        failed = {f.rule for f in self.view.findings if f.status is Status.FAIL}
        return [rule for rule in rule_catalogue() if rule in failed]


@dataclass
class CrossFigures:
    """How the cross-institution duplicates were found: groups, items compared, time."""

    groups: list[Any]
    items: int = 0
    seconds: float = 0.0
    where: str = ""  # "cluster" or "process"


@dataclass
class BatchSummary:
    """A review's results, for its summary workbook and report."""

    name: str
    date: dt.date
    profile: Any
    sheet: Any
    as_of: dt.date
    source: str
    results: list[RowResult]
    problems: list[RowProblem]
    cross: CrossFigures
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    seconds: float = 0.0
    workers: str = ""
    row_seconds: list[float] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        """Every rule of the catalogue, in order."""
        return list(rule_catalogue())

    @property
    def items(self) -> int:
        """Items of every audited bank."""
        return sum(r.items for r in self.results)

    @property
    def institutions(self) -> int:
        """Distinct institutions among the rows read."""
        keys = {r.row.institution_key for r in self.results} | {p.institution for p in self.problems if p.institution}
        return len(keys)

    def level_rows(self) -> list[tuple[RowResult, int]]:
        """(row, level) for every level of every audited row, in the batch's order."""
        return [(r, level) for r in self.results for level in r.levels]

    def grade_distribution(self) -> list[tuple[str, int]]:
        """How many rows settle at each grade, then each open range, in the sheet's order of grades."""
        order = [band.grade for band in getattr(self.sheet, "bands", ())] or [self.sheet.pass_grade,
                                                                              self.sheet.fail_grade]
        counts = Counter(r.grade_text for r in self.results)

        def place(text: str) -> tuple[int, int]:
            worst, _, best = text.partition("～")
            return (0 if not best else 1, order.index(worst) if worst in order else len(order))

        return sorted(counts.items(), key=lambda item: place(item[0]))

    def failed_rule_counts(self) -> list[tuple[str, int, int]]:
        """(rule, institution-levels 不符合, institution-levels judged) for each rule that failed somewhere, most
        often failed first."""
        failed: Counter[str] = Counter()
        judged: Counter[str] = Counter()
        for result, level in self.level_rows():
            for rule in self.rules:
                finding = result.finding(rule, level)
                if finding is None or finding.status is Status.NA:
                    continue
                judged[rule] += 1
                if finding.status is Status.FAIL:
                    failed[rule] += 1
        order = {rule: index for index, rule in enumerate(self.rules)}
        return sorted(((rule, failed[rule], judged[rule]) for rule in failed),
                      key=lambda item: (-item[1], order[item[0]]))

    def ranked(self) -> list[RowResult]:
        """The audited rows, best suggested score first."""
        return sorted(self.results, key=lambda r: (-r.score, r.institution, r.occupation))

    def history_rows(self) -> list[RowResult]:
        """Rows the history has something to say about."""
        return [r for r in self.results if r.warnings or r.pending]


def summarise_row(store: Any, plan: Any, row: BatchRow, status: str, audit_id: int,
                  documents: Sequence[Any] = (), notes: Sequence[str] = ()) -> RowResult:
    """Read a row's audit back from the record and ask the institution's history about it."""
    from qbaudit.store.history import history_warnings, institution_history, pending_failure_note

    view = store.load(audit_id)
    supervisors = [(name, code) for name, _role, code in view.inspectors]
    warnings = history_warnings(store, institution=row.institution, registration_number=row.registration,
                                supervisors=supervisors, sheet=plan.sheet, date=plan.date, exclude=audit_id)
    result = RowResult(row, status, audit_id, view, tuple(documents), warnings, notes=list(notes))
    if result.certain_failure:
        history = [a for a in institution_history(store, row.institution, row.registration) if a.id != audit_id]
        result.pending = pending_failure_note(history, plan.sheet, plan.date)
    return result
