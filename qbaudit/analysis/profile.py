"""Rule profiles: every threshold of R1–R21 as data, validated, with waivers that carry a reason.

Profiles are TOML files. The bundled ones live in ``resources/profiles/`` (``national-2024`` is the
default, ``premium-2024`` the 精品题库 profile); a user's own profile is any file that passes the
schema ``resources/schemas/profile.schema.json``. A profile may ``extends`` another and change only
what differs. A malformed profile is refused with a Chinese message that names the field.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbaudit.analysis.datafile import parse_toml, schema_problem
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.vocabulary import vocabulary
from qbaudit.bundled import resource
from qbaudit.i18n import tr

DEFAULT_PROFILE = "national-2024"


class ProfileError(Exception):
    """A profile that cannot be used; ``str()`` is a Chinese message naming the file and field."""


@dataclass(frozen=True)
class Waiver:
    """A rule the profile does not enforce (at some levels or all), and why."""

    rule: str
    reason: str
    levels: tuple[int, ...] | None = None

    def applies(self, rule: str, level: int | None) -> bool:
        """True when this waiver covers ``rule`` at ``level``."""
        return rule == self.rule and (self.levels is None or level in self.levels)


@dataclass(frozen=True)
class Profile:
    """A validated rule profile."""

    id: str
    name: str
    source: str
    key_importances: frozenset[str]
    objective_types: tuple[str, ...]
    subjective_types: tuple[str, ...]
    grade_min: int
    grade_max: int
    allow_proportion: bool
    scope_code_pattern: re.Pattern[str]
    point_code_pattern: re.Pattern[str]
    rules: dict[str, dict[str, Any]]
    waivers: tuple[Waiver, ...]
    origin: str  # where it was loaded from: a bundled id or a file path
    data: dict[str, Any]  # the merged, validated document
    code_separators: str = "-."  # the characters between the tiers of a code (``codes.separators``)

    def rule(self, rule_id: str) -> dict[str, Any]:
        """The settings of ``rule_id`` (empty for rules without thresholds)."""
        return self.rules.get(rule_id, {})

    def waiver(self, rule_id: str, level: int | None) -> Waiver | None:
        """The waiver of ``rule_id`` at ``level``, if the profile has one."""
        return next((w for w in self.waivers if w.applies(rule_id, level)), None)


def bundled_profiles() -> list[tuple[str, str]]:
    """``(id, name)`` of the profiles shipped with qbaudit."""
    found = []
    for entry in sorted(resource("profiles").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            found.append((data.get("id", entry.name[:-5]), data.get("name", "")))
    return found


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a bundled profile by id (default ``national-2024``) or a profile file by path."""
    target = str(name_or_path) if name_or_path else DEFAULT_PROFILE
    data, origin = _load_document(target, seen=())
    _validate(data, origin)
    return _build(data, origin)


def _read(target: str) -> tuple[str, str, Path | None]:
    path = Path(target)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError(tr("profile.not_found", file=target))
        return path.read_text(encoding="utf-8"), str(path), path.parent
    bundled = resource(f"profiles/{target}.toml")
    if not bundled.is_file():
        known = "、".join(pid for pid, _ in bundled_profiles())
        raise ProfileError(tr("profile.unknown", name=target, known=known))
    return bundled.read_text(encoding="utf-8"), target, None


def _load_document(target: str, seen: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    text, origin, folder = _read(target)
    data = parse_toml(text, origin, "profile.syntax", ProfileError)
    parent = data.get("extends")
    if isinstance(parent, str):
        parent_target = parent
        if folder is not None and (folder / f"{parent}.toml").is_file():
            parent_target = str(folder / f"{parent}.toml")
        elif folder is not None and (folder / parent).is_file():
            parent_target = str(folder / parent)
        if parent_target in seen or parent_target == origin:
            raise ProfileError(tr("profile.extends_loop", file=origin, parent=parent))
        base, _ = _load_document(parent_target, (*seen, origin))
        base.pop("waivers", None)  # waivers are never inherited: each profile states its own
        data = _merge(base, data)
    return data, origin


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _validate(data: dict[str, Any], origin: str) -> None:
    problem = schema_problem(data, "profile.schema.json")
    if problem:
        raise ProfileError(tr("profile.refused", file=origin, reason=problem))
    problems = _semantic_problems(data)
    if problems:
        raise ProfileError(tr("profile.refused", file=origin, reason=problems[0]))


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    known_types = set(vocabulary().item_types.values())
    for group in ("objective", "subjective"):
        for name in data["item_types"][group]:
            if name not in known_types:
                problems.append(tr("profile.unknown_item_type", field=f"item_types.{group}", value=name,
                                   known="、".join(sorted(known_types))))
    both = set(data["item_types"]["objective"]) & set(data["item_types"]["subjective"])
    if both:
        problems.append(tr("profile.type_both", value="、".join(sorted(both))))
    if data["difficulty"]["grade_min"] >= data["difficulty"]["grade_max"]:
        problems.append(tr("profile.grade_range", field="difficulty.grade_min"))
    if data["rules"]["R18"]["min_p"] >= data["rules"]["R18"]["max_p"]:
        problems.append(tr("profile.p_range", field="rules.R18.min_p"))
    catalogue = rule_catalogue()
    for index, waiver in enumerate(data.get("waivers", [])):
        if waiver["rule"] not in catalogue:
            problems.append(tr("profile.unknown_rule", field=f"waivers[{index}].rule", value=waiver["rule"]))
    for name in data["rules"]["R15"]["seconds_per_item"]:
        if name not in known_types:
            problems.append(tr("profile.unknown_item_type", field="rules.R15.seconds_per_item", value=name,
                               known="、".join(sorted(known_types))))
    return problems


def _build(data: dict[str, Any], origin: str) -> Profile:
    return Profile(
        id=data["id"],
        name=data["name"],
        source=data.get("source", ""),
        key_importances=frozenset(data["key_points"]["importances"]),
        objective_types=tuple(data["item_types"]["objective"]),
        subjective_types=tuple(data["item_types"]["subjective"]),
        grade_min=data["difficulty"]["grade_min"],
        grade_max=data["difficulty"]["grade_max"],
        allow_proportion=data["difficulty"]["allow_proportion"],
        scope_code_pattern=re.compile(data["codes"]["scope_code_pattern"]),
        point_code_pattern=re.compile(data["codes"]["point_code_pattern"]),
        rules=data["rules"],
        waivers=tuple(
            Waiver(rule=w["rule"], reason=w["reason"], levels=tuple(w["levels"]) if "levels" in w else None)
            for w in data.get("waivers", [])
        ),
        origin=origin,
        data=data,
        code_separators=data["codes"].get("separators", "-."),
    )
