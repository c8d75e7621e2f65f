"""The rule catalogue (``resources/rules.toml``): each rule's name, clause, source and sheet line(s)."""

from __future__ import annotations

from dataclasses import dataclass

from qbaudit.bundled import load_toml
from qbaudit.i18n import pick


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue. Thresholds are not here but in the profile."""

    id: str
    name: str
    sheet_lines: tuple[str, ...]  # the lines of the proposition sheet the rule informs
    source: str
    clause: str
    advisory: bool = False

    @property
    def sheet_line(self) -> str:
        """The sheet line(s) as one label (“试卷编排规范、题量时长适宜”)."""
        return "、".join(self.sheet_lines)


def rule_catalogue() -> dict[str, Rule]:
    """All rules by id, in catalogue order (R1 … R21), named in the current UI language."""
    return {
        rule_id: Rule(
            id=rule_id,
            name=pick(entry, "name"),
            sheet_lines=(entry["sheet_line"],) if isinstance(entry["sheet_line"], str) else tuple(entry["sheet_line"]),
            source=entry["source"],
            clause=entry["clause"],
            advisory=entry.get("advisory", False),
        )
        for rule_id, entry in load_toml("rules.toml").items()
    }


def rule(rule_id: str) -> Rule:
    """The catalogue entry of ``rule_id``."""
    return rule_catalogue()[rule_id]
