"""The checks: pure functions ``(context) -> findings``, one module per family of rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qbaudit.analysis.checks.blueprint import (
    check_codes,
    check_importance_spread,
    check_key_points,
    check_point_names,
    check_points_per_weight,
    check_weights,
)
from qbaudit.analysis.checks.context import AuditInput, CheckContext
from qbaudit.analysis.checks.independence import (
    check_answer_conflicts,
    check_independence,
    check_sensitive_wording,
)
from qbaudit.analysis.checks.items import check_objective_items, check_parameters, check_subjective
from qbaudit.analysis.checks.papers import (
    check_difficulty_equivalence,
    check_key_share_per_paper,
    check_paper_fields,
    check_paper_length,
    check_repeated_papers,
)
from qbaudit.analysis.checks.quantity import check_item_count, check_items_per_point, check_point_count
from qbaudit.analysis.checks.statistics import check_statistics
from qbaudit.analysis.checks.update import check_revision
from qbaudit.analysis.model import Finding, Status
from qbaudit.analysis.profile import Profile
from qbaudit.analysis.progress import NullState, ScaledState, TaskState, checkpoint
from qbaudit.i18n import tr

Check = Callable[[CheckContext], list[Finding]]

# (rule id, check) in the order of the rule catalogue.
CHECKS: list[tuple[str, Check]] = [
    ("R1", check_point_count),
    ("R2", check_items_per_point),
    ("R3", check_item_count),
    ("R4", check_key_points),
    ("R5", check_key_share_per_paper),
    ("R6", check_repeated_papers),
    ("R7", check_parameters),
    ("R8", check_codes),
    ("R9", check_weights),
    ("R10", check_subjective),
    ("R11", check_independence),
    ("R12", check_sensitive_wording),
    ("R13", check_objective_items),
    ("R14", check_revision),
    ("R15", check_paper_length),
    ("R16", check_difficulty_equivalence),
    ("R17", check_point_names),
    ("R18", check_statistics),
    ("R19", check_importance_spread),
    ("R20", check_points_per_weight),
    ("R21", check_answer_conflicts),
    ("R22", check_paper_fields),
]


@dataclass
class CheckReport:
    """All findings of one run, with the profile and the levels they cover."""

    findings: list[Finding]
    profile: Profile
    levels: list[int]
    rules: list[str] = field(default_factory=list)

    def of(self, rule_id: str, level: int | None = None) -> list[Finding]:
        """Findings of ``rule_id`` (at ``level`` if given)."""
        return [f for f in self.findings if f.rule == rule_id and (level is None or f.level == level)]

    def get(self, rule_id: str, level: int | None) -> Finding | None:
        """The one finding of ``rule_id`` at ``level`` (None: the finding about the whole bank), if any."""
        return next((f for f in self.findings if f.rule == rule_id and f.level == level), None)

    def count(self, status: Status) -> int:
        """How many findings have ``status``."""
        return sum(1 for f in self.findings if f.status is status)


def run_checks(data: AuditInput, profile: Profile, state: TaskState | None = None,
               rules: list[str] | None = None) -> CheckReport:
    """Run the checks (all, or those of ``rules``) and return their findings.

    Reports progress to ``state`` and stops with :class:`~qbaudit.analysis.progress.Cancelled`
    when it is cancelled.
    """
    state = state or NullState()
    context = CheckContext(data, profile)
    selected = [(rule_id, check) for rule_id, check in CHECKS if rules is None or rule_id in rules]
    findings: list[Finding] = []
    for index, (rule_id, check) in enumerate(selected):
        checkpoint(state, index / len(selected), tr("progress.checking", rule=rule_id, index=index + 1,
                                                     total=len(selected)))
        context.progress = ScaledState(state, index / len(selected), 1 / len(selected))
        findings.extend(check(context))
    checkpoint(state, 1.0, tr("progress.done"))
    return CheckReport(findings=findings, profile=profile, levels=context.levels, rules=[r for r, _ in selected])
