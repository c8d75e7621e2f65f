"""The rule catalogue (``resources/rules.toml``): each rule's name, clause, source and sheet line(s), the numbers
the regulation itself states, and whether (and how far) the text lets a profile waive the rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qbaudit.bundled import load_toml
from qbaudit.i18n import language, pick


@dataclass(frozen=True)
class StatedNumber:
    """A number the regulation states for one setting of a rule (``不低于85%``), and which way is stricter."""

    value: Any
    stricter: str  # "higher" | "lower" | "superset" | "equal"
    quote: str  # the words of the regulation

    def allows(self, value: Any) -> bool:
        """True when ``value`` is the stated number or stricter than it."""
        if self.stricter == "higher":
            return value >= self.value
        if self.stricter == "lower":
            return value <= self.value
        if self.stricter == "superset":
            return set(value) >= set(self.value)
        return _same(value, self.value)

    def equals(self, value: Any) -> bool:
        """True when ``value`` is the stated number itself."""
        return _same(value, self.value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


@dataclass(frozen=True)
class WaiverTerms:
    """Where the text says 原则上: the clause, the settings a waiver covers (empty: the whole rule) and the
    settings a waiver may set to another number (R1's point count for a new occupation)."""

    clause: str
    covers: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()

    def covered(self, setting: str | None) -> bool:
        """True when a waiver covers a breach of ``setting`` (None: a breach not tied to one setting)."""
        return not self.covers or setting in self.covers


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue. Thresholds are not here but in the profile."""

    id: str
    name: str
    sheet_lines: tuple[str, ...]  # the lines of the proposition sheet the rule informs
    source: str
    clause: str
    advisory: bool = False  # the whole rule is a blueprint-writing convention, not the regulation's
    numbers: dict[str, StatedNumber] = field(default_factory=dict)
    waiver: WaiverTerms | None = None  # None: the text leaves no room (no 原则上): a waiver is refused
    uses: tuple[str, ...] = ()  # settings outside ``rules.<id>`` the rule applies ("codes.point_code_pattern")
    review: bool = False  # a screen listing items for a person to review; never moves a suggestion
    thresholds_only: bool = False  # judges nothing but the profile's numbers (no requirement of the text's own)

    @property
    def sheet_line(self) -> str:
        """The sheet line(s) as one label (“试卷编排规范、题量时长适宜”)."""
        return "、".join(self.sheet_lines)

    @property
    def binding_quote(self) -> str:
        """The words that bind without exception: the stated numbers' quotes, else the clause."""
        quotes = list(dict.fromkeys(n.quote for n in self.numbers.values()))
        return "；".join(quotes) if quotes else self.clause.rstrip("。")


def rule_catalogue() -> dict[str, Rule]:
    """All rules by id, in catalogue order (R1 … R22), named in the current UI language."""
    return dict(_catalogue(language()))


@cache
def _catalogue(lang: str) -> dict[str, Rule]:
    return {rule_id: _rule(rule_id, entry) for rule_id, entry in load_toml("rules.toml").items()}


def _rule(rule_id: str, entry: dict[str, Any]) -> Rule:
    waiver = entry.get("waiver")
    return Rule(
        id=rule_id,
        name=pick(entry, "name"),
        sheet_lines=(entry["sheet_line"],) if isinstance(entry["sheet_line"], str) else tuple(entry["sheet_line"]),
        source=entry["source"],
        clause=entry["clause"],
        advisory=entry.get("advisory", False),
        numbers={name: StatedNumber(n["value"], n["stricter"], n["quote"])
                 for name, n in entry.get("numbers", {}).items()},
        waiver=WaiverTerms(waiver["clause"], tuple(waiver.get("covers", ())), tuple(waiver.get("settings", ())))
        if waiver else None,
        uses=tuple(entry.get("uses", ())),
        review=entry.get("review", False),
        thresholds_only=entry.get("thresholds_only", False),
    )


def rule(rule_id: str) -> Rule:
    """The catalogue entry of ``rule_id``."""
    return _catalogue(language())[rule_id]
