"""What every check needs: the inputs, the profile, derived tables computed once, and a factory
for findings that fills in the rule's clause and sheet line and applies the profile's waivers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.excerpts import EXCERPT_CHARS, excerpt
from qbaudit.analysis.model import (
    Bank,
    Blueprint,
    Evidence,
    Finding,
    Paper,
    PaperPlan,
    Point,
    Responses,
    Scope,
    StandardWeights,
    Status,
    ThresholdUse,
)
from qbaudit.analysis.profile import Profile, setting_label, setting_value_text
from qbaudit.analysis.progress import NullState, TaskState
from qbaudit.analysis.rules import rule
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr

__all__ = ["EXCERPT_CHARS", "AuditInput", "CheckContext", "excerpt"]


def percent(value: float) -> float:
    """A share as a percentage rounded for display (0.8547 → 85.5)."""
    return round(value * 100, 1)


@dataclass
class AuditInput:
    """The data one audit checks."""

    bank: Bank
    blueprint: Blueprint
    standard: StandardWeights | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    responses: Responses | None = None  # answers of past candidates, for the item statistics (R18)
    papers: list[Paper] = field(default_factory=list)  # assembled papers (R5, R6, R15, R16)
    plan: PaperPlan | None = None  # the paper plan (组卷计划书), for the bank's capacity
    dismissed_pairs: frozenset[tuple[str, str]] = frozenset()  # similar pairs the inspector dismissed (R11)


class CheckContext:
    """Inputs, profile and derived data shared by the checks of one run."""

    def __init__(self, data: AuditInput, profile: Profile) -> None:
        self.data = data
        self.profile = profile
        self.bank = data.bank
        self.blueprint = data.blueprint
        self.shared: dict[str, Any] = {}  # analyses computed once and used by several checks
        # Progress of the check now running (run_checks sets it): long analyses report their steps to it.
        self.progress: TaskState = NullState()

    @cached_property
    def has_blueprint(self) -> bool:
        """True when a blueprint was given: the bank alone comes with an empty one (no scopes, no points)."""
        return bool(self.blueprint.scopes or self.blueprint.points)

    def in_blueprint(self, level: int) -> bool:
        """True when the blueprint has anything (scopes or points, theory or skill) at ``level``."""
        return bool(self.blueprint.scopes_of(level, None) or self.blueprint.points_of(level, None))

    def cannot_judge(self, rule_id: str, level: int | None, reason: str, supply: str, **kwargs: Any) -> Finding:
        """A 无法判断 finding: there was nothing to check. ``reason`` says why (a sentence naming the
        level), ``supply`` what to give so that it can be checked; never a pass."""
        return self.finding(rule_id, level, Status.NA, tr("checks.na.message", reason=reason, supply=supply),
                            **kwargs)

    def no_blueprint(self, rule_id: str, level: int, **kwargs: Any) -> Finding | None:
        """The 无法判断 finding of a rule that needs the blueprint, when none was given or it has nothing at
        ``level``; None when there is a blueprint to check."""
        if not self.has_blueprint:
            return self.cannot_judge(rule_id, level, tr("checks.na.no_blueprint", level=self.level_label(level)),
                                     tr("checks.supply.blueprint"), **kwargs)
        if not self.in_blueprint(level):
            return self.cannot_judge(rule_id, level, tr("checks.na.level_not_in_blueprint",
                                                        level=self.level_label(level)),
                                     tr("checks.supply.blueprint_of_level", level=self.level_label(level)), **kwargs)
        return None

    @cached_property
    def levels(self) -> list[int]:
        """Levels in the bank or the blueprint, from 五级 down to 一级."""
        return sorted(set(self.bank.levels) | set(self.blueprint.levels), reverse=True)

    @cached_property
    def _items_by_level(self) -> dict[int, pd.DataFrame]:
        return {int(level): frame for level, frame in self.bank.items.groupby(C.LEVEL, sort=False)}

    def items(self, level: int) -> pd.DataFrame:
        """The items of ``level`` (an empty frame if there are none)."""
        return self._items_by_level.get(level, self.bank.items.iloc[0:0])

    def points(self, level: int) -> list[Point]:
        """The theory points of ``level``."""
        return self.blueprint.points_of(level)

    def scopes(self, level: int) -> list[Scope]:
        """The theory scopes of ``level``."""
        return self.blueprint.scopes_of(level)

    def point_index(self, level: int) -> dict[str, Point]:
        """Points of ``level`` by code key (the first point of a duplicated code wins)."""
        index: dict[str, Point] = {}
        for point in self.points(level):
            if point.key:
                index.setdefault(point.key, point)
        return index

    @cached_property
    def _items_per_point(self) -> dict[int, Counter[str]]:
        result: dict[int, Counter[str]] = {}
        for level in self.levels:
            keys = self.items(level)[C.POINT_KEY].dropna()
            result[level] = Counter({key: int(n) for key, n in keys.value_counts().items()})  # counted in Arrow
        return result

    def items_per_point(self, level: int) -> Counter[str]:
        """How many items of ``level`` carry each point key."""
        return self._items_per_point.get(level, Counter())

    def resolved(self, level: int) -> pd.Series:
        """Boolean per item of ``level``: its point code names a point of that level's blueprint."""
        keys = set(self.point_index(level))
        return self.items(level)[C.POINT_KEY].isin(keys).fillna(False).astype(bool)

    def finding(
        self,
        rule_id: str,
        level: int | None,
        status: Status,
        message: str,
        *,
        measured: Any = None,
        threshold: Any = None,
        comparator: str = "",
        unit: str = "",
        evidence: tuple[Evidence, ...] | list[Evidence] = (),
        breached: Iterable[str | None] = (),
        waivable: bool = True,
    ) -> Finding:
        """A finding of ``rule_id`` with its clause, sheet line and the thresholds it applied with their basis.

        ``breached`` names the settings a failing finding did not meet; None in it (or nothing at all) stands for
        the rule's own requirement, tied to no number of the profile. A failure that rests only on the tool's own numbers (basis ``practice``, not
        ``binding``) becomes 提示 (warn) and says that the number is the tool's and which clause it interprets. A
        failure the profile waives (only where the text says 原则上, and only the settings the waiver covers)
        becomes waived; ``waivable=False`` when even the waiver's own number is not met.
        """
        entry = rule(rule_id)
        breaches = list(dict.fromkeys(breached))
        notes: list[str] = []
        advisory = False
        waiver_reason = None
        waiver_values: tuple[tuple[str, Any], ...] = ()
        waiver = self.profile.waiver(rule_id, level)
        if waiver is not None and entry.waiver is not None:
            waiver_values = waiver.values
        if status is Status.FAIL:
            hard = [b for b in breaches if b is None or not self.profile.basis(rule_id, b).advisory]
            soft = [b for b in breaches if b is not None and self.profile.basis(rule_id, b).advisory]
            if not breaches:
                hard = [None]
            covered: list[str | None] = []
            if waivable and waiver is not None and entry.waiver is not None:
                covered = [b for b in hard if entry.waiver.covered(b) and (waiver.setting is None or b == waiver.setting)]
                if len(covered) < len(hard):
                    notes.append(tr("thresholds.waiver_partial", clause=entry.waiver.clause.rstrip("。"),
                                    quote="；".join(dict.fromkeys(self._quote(entry, b) for b in hard
                                                                  if b not in covered))))
            binding_practice = [b for b in hard if b is not None and self.profile.basis(rule_id, b).kind == "practice"]
            if binding_practice:
                notes.append(self._practice_sentence(rule_id, binding_practice, "thresholds.binding_note"))
            if [b for b in hard if b not in covered]:
                status = Status.FAIL
                if soft:
                    notes.append(self._practice_sentence(rule_id, soft, "thresholds.also_advisory_note"))
            elif soft:
                status, advisory = Status.WARN, True
                notes.insert(0, self._practice_sentence(rule_id, soft, "thresholds.advisory_note"))
            else:
                status, waiver_reason = Status.WAIVED, waiver.reason if waiver is not None else None
        return Finding(
            rule=rule_id,
            level=level,
            status=status,
            message=message + "".join(notes),
            measured=measured,
            threshold=threshold,
            comparator=comparator,
            unit=unit,
            sheet_line=entry.sheet_line,
            clause=entry.clause,
            source=entry.source,
            evidence=tuple(evidence),
            waiver_reason=waiver_reason,
            thresholds=self._uses(rule_id, {b for b in breaches if b is not None}
                                  if status in (Status.FAIL, Status.WARN, Status.WAIVED) else set()),
            advisory=advisory,
            waiver_values=waiver_values,
        )

    def waived_value(self, rule_id: str, name: str, level: int | None) -> Any:
        """The number a waiver of ``rule_id`` at ``level`` sets for ``name`` in place of the profile's (None: none)."""
        waiver = self.profile.waiver(rule_id, level)
        return waiver.value(name) if waiver is not None else None

    def _uses(self, rule_id: str, breached: set[str]) -> tuple[ThresholdUse, ...]:
        names = [*self.profile.rule(rule_id), *rule(rule_id).uses]
        uses = []
        for name in names:
            basis = self.profile.basis(rule_id, name)
            uses.append(ThresholdUse(name, self.profile.value(rule_id, name), basis.kind, basis.clause,
                                     basis.binding, basis.note, name in breached))
        return tuple(uses)

    @staticmethod
    def _quote(entry: Any, setting: str | None) -> str:
        stated = entry.numbers.get(setting) if setting is not None else None
        return stated.quote if stated is not None else entry.binding_quote

    def _practice_sentence(self, rule_id: str, names: list[str], key: str) -> str:
        """Says that these numbers are the tool's (or this profile's), which clause they interpret, and why."""
        bases = [self.profile.basis(rule_id, name) for name in names]
        settings = tr("thresholds.list_separator").join(
            _setting_text(setting_label(name), name, self.profile.value(rule_id, name)) for name in names)
        clauses = "；".join(dict.fromkeys(b.clause.rstrip("。") for b in bases))
        notes = "".join(dict.fromkeys(b.note for b in bases if b.note))
        return tr(key, settings=settings, clause=clauses, note=notes)

    @staticmethod
    def level_label(level: int | None) -> str:
        """Display name of a level."""
        return level_name(level)

    @staticmethod
    def row_of(point_or_scope: Point | Scope) -> Any:
        """The blueprint row a point or scope came from, for evidence."""
        return point_or_scope.source.row if point_or_scope.source else None

    @staticmethod
    def sheet_of(point_or_scope: Point | Scope) -> Any:
        """The blueprint sheet a point or scope came from, for evidence."""
        return point_or_scope.source.sheet if point_or_scope.source else None


def _setting_text(label: str, name: str, value: Any) -> str:
    """``label（value）``, or the label alone where the value says nothing in a sentence."""
    shown = setting_value_text(name, value)
    return tr("thresholds.setting_with_value", label=label, value=shown) if shown else label


def item_evidence_columns() -> list[tuple[str, str]]:
    """The usual columns of an evidence table about items."""
    return [
        ("item_id", tr("evidence.item_id")),
        ("sheet", tr("evidence.sheet")),
        ("row", tr("evidence.row")),
    ]


def sheet_name(value: Any) -> str:
    """The sheet of an item for evidence: "" for a CSV file or a document without sheets (null cells)."""
    return value if isinstance(value, str) else ""


def item_evidence_row(item: Any, **extra: Any) -> dict[str, Any]:
    """An evidence row for one item (a row of the items table, as a namedtuple or Series)."""
    return {
        "item_id": getattr(item, C.ITEM_ID),
        "sheet": sheet_name(getattr(item, C.SOURCE_SHEET)),
        "row": int(getattr(item, C.SOURCE_ROW)),
        **extra,
    }
