"""Rule profiles: every threshold of R1–R22 as data with its basis, validated, with waivers that carry a reason.

Profiles are TOML files. The bundled ones live in ``resources/profiles/`` (``national-2024`` is the
default, ``premium-2024`` the 精品题库 profile); a user's own profile is any file that passes the
schema ``resources/schemas/profile.schema.json``. A profile may ``extends`` another and change only
what differs. A malformed profile is refused with a Chinese message that names the field.

Every threshold states its basis (a ``basis`` table beside it): ``regulation`` — the number the text states,
quoted, and it must be that number (``resources/rules.toml`` records the stated numbers) — or ``practice`` — the
tool's own number for a clause that gives none, advisory unless the profile makes it ``binding``. A profile may
be stricter than the text, never looser; the only way below a stated number is a waiver, and waivers are taken
only where the text says 原则上 (``[Rn.waiver]`` in ``resources/rules.toml``), refused elsewhere with the clause
quoted. Profiles of schema version 1 (no bases) are upgraded on load.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbaudit.analysis.datafile import parse_toml, schema_problem
from qbaudit.analysis.rules import Rule, rule_catalogue
from qbaudit.analysis.vocabulary import vocabulary
from qbaudit.bundled import resource
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

DEFAULT_PROFILE = "national-2024"


class ProfileError(QbauditError):
    """A profile that cannot be used; ``str()`` is a Chinese message naming the file and field."""


SCHEMA_VERSION = 2
REGULATION, PRACTICE = "regulation", "practice"
# Settings outside ``rules.<id>`` that carry a basis (the rules that use them name them in rules.toml).
# Settings a waiver may give another number, where the rule's [Rn.waiver] lists it (R1: min_points).
WAIVER_VALUES = ("min_points",)
SECTION_SETTINGS = {"key_points": ("importances",), "difficulty": ("grade_min", "grade_max", "allow_proportion"),
                    "codes": ("scope_code_pattern", "point_code_pattern")}


@dataclass(frozen=True)
class ThresholdBasis:
    """What a threshold rests on: the regulation's number (quoting the clause) or the tool's own (practice)."""

    kind: str  # REGULATION | PRACTICE
    clause: str  # the clause quoted (regulation) or the clause the tool's number interprets (practice)
    note: str = ""  # where a practice number comes from
    binding: bool = True  # a practice number counts as 不符合 only when the profile says so

    @property
    def advisory(self) -> bool:
        """True for the tool's own number that only advises (提示)."""
        return self.kind == PRACTICE and not self.binding


@dataclass(frozen=True)
class Setting:
    """One threshold of a profile with its value and basis, for the report's appendix."""

    key: str  # "R15.seconds_per_item" or "codes.point_code_pattern"
    rule: str | None  # the rule it belongs to (None for a shared section)
    name: str
    value: Any
    basis: ThresholdBasis


@dataclass(frozen=True)
class Waiver:
    """A rule the profile does not enforce (at some levels or all), and why; it may set another number where the
    text allows it (R1's point count for a new occupation) and may name the one setting it covers."""

    rule: str
    reason: str
    levels: tuple[int, ...] | None = None
    values: tuple[tuple[str, Any], ...] = ()  # settings given another number: (("min_points", 150),)
    setting: str | None = None  # the setting the waiver names, if it names one

    def applies(self, rule: str, level: int | None) -> bool:
        """True when this waiver covers ``rule`` at ``level``."""
        return rule == self.rule and (self.levels is None or level in self.levels)

    def value(self, name: str) -> Any:
        """The number this waiver sets for ``name`` (None: it sets none)."""
        return dict(self.values).get(name)


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
    bases: dict[str, ThresholdBasis] = field(default_factory=dict)  # by key: "R1.min_points", "codes.…"
    code_separators: str = "-."  # the characters between the tiers of a code (``codes.separators``)

    def rule(self, rule_id: str) -> dict[str, Any]:
        """The settings of ``rule_id`` (empty for rules without thresholds), without their bases."""
        return {k: v for k, v in self.rules.get(rule_id, {}).items() if k != "basis"}

    def waiver(self, rule_id: str, level: int | None) -> Waiver | None:
        """The waiver of ``rule_id`` at ``level``, if the profile has one."""
        return next((w for w in self.waivers if w.applies(rule_id, level)), None)

    def basis(self, rule_id: str, name: str) -> ThresholdBasis:
        """The basis of setting ``name`` of ``rule_id`` (a dotted ``name`` is a shared section's setting)."""
        return self.bases[name if "." in name else f"{rule_id}.{name}"]

    def value(self, rule_id: str, name: str) -> Any:
        """The value of setting ``name`` of ``rule_id`` (a dotted ``name``: a shared section's setting)."""
        if "." in name:
            section, key = name.split(".", 1)
            return self.data[section][key]
        return self.rules[rule_id][name]

    def settings(self) -> list[Setting]:
        """Every threshold with its value and basis: the shared sections, then the rules in catalogue order."""
        return settings_of(self.data)


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
    unstated: list[str] = []
    data, origin = _load_document(target, seen=(), unstated=unstated)
    _validate(data, origin, unstated)
    return _build(data, origin)


def settings_of(data: dict[str, Any]) -> list[Setting]:
    """The thresholds of a profile document (as loaded, or as an audit record keeps it) with their bases."""
    found = []
    for section, names in SECTION_SETTINGS.items():
        table = data.get(section, {})
        for name in names:
            if name in table and name in table.get("basis", {}):
                found.append(Setting(f"{section}.{name}", None, name, table[name], _basis(table["basis"][name])))
    rules = data.get("rules", {})
    for rule_id in rule_catalogue():
        table = rules.get(rule_id, {})
        for name, value in table.items():
            if name != "basis" and name in table.get("basis", {}):
                found.append(Setting(f"{rule_id}.{name}", rule_id, name, value, _basis(table["basis"][name])))
    return found


def setting_label(name: str) -> str:
    """A setting as a user reads it (``seconds_per_item`` → 各题型每题的参考用时; ``codes.point_code_pattern`` too)."""
    return tr(f"thresholds.setting.{name.replace('.', '_')}")


def setting_value_text(name: str, value: Any) -> str:
    """A setting's value as a user reads it in a sentence: shares in percent, lists joined; "" for a table, a
    pattern or a switch (the label says enough)."""
    if isinstance(value, dict | bool | str):
        return ""
    if isinstance(value, list | tuple):
        return "、".join(map(value_label, value))
    if name.rsplit(".", 1)[-1] in _PERCENT_SETTINGS:
        return f"{value * 100:g}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def value_label(value: Any) -> str:
    """One value of a list setting as a user reads it (``institution`` → 机构名称; a level 2 stays 2)."""
    from qbaudit.i18n import catalogue, language

    key = f"thresholds.value.{value}"
    return tr(key) if isinstance(value, str) and key in catalogue(language()) else str(value)


# Settings kept as shares (0–1) in a profile and read as percentages.
_PERCENT_SETTINGS = frozenset({"min_key_share", "min_key_share_per_paper", "duration_tolerance", "group_fraction",
                               "min_x_share", "max_y_share", "max_z_share"})


def _basis(entry: dict[str, Any]) -> ThresholdBasis:
    kind = entry["basis"]
    return ThresholdBasis(kind, entry["clause"], entry.get("note", ""),
                          True if kind == REGULATION else bool(entry.get("binding", False)))


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


def _load_document(target: str, seen: tuple[str, ...], unstated: list[str]) -> tuple[dict[str, Any], str]:
    """The profile document at ``target`` merged over the ones it extends; the settings a document changes without
    stating their basis are added to ``unstated`` (said after the schema's problems: a wrong type first)."""
    text, origin, folder = _read(target)
    data = parse_toml(text, origin, "profile.syntax", ProfileError)
    if data.get("schema_version") == 1:
        data = _upgrade(data)
    unstated.extend(_unstated_bases(data))
    parent = data.get("extends")
    if isinstance(parent, str):
        parent_target = parent
        if folder is not None and (folder / f"{parent}.toml").is_file():
            parent_target = str(folder / f"{parent}.toml")
        elif folder is not None and (folder / parent).is_file():
            parent_target = str(folder / parent)
        if parent_target in seen or parent_target == origin:
            raise ProfileError(tr("profile.extends_loop", file=origin, parent=parent))
        base, _ = _load_document(parent_target, (*seen, origin), unstated)
        base.pop("waivers", None)  # waivers are never inherited: each profile states its own
        data = _merge(base, data)
    return data, origin


def _merge(base: dict[str, Any], override: dict[str, Any], *, bases: bool = False) -> dict[str, Any]:
    """``override`` over ``base``, table by table; a basis entry is replaced whole (a child's basis is its own)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not bases:
            merged[key] = _merge(merged[key], value, bases=key == "basis")
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _tables(data: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(field prefix, rule id or None, table) of every table whose settings carry a basis."""
    tables: list[tuple[str, str | None, dict[str, Any]]] = [
        (section, None, data[section]) for section in SECTION_SETTINGS if isinstance(data.get(section), dict)]
    rules = data.get("rules")
    if isinstance(rules, dict):
        tables += [(f"rules.{rule_id}", rule_id, table) for rule_id, table in rules.items() if isinstance(table, dict)]
    return tables


def _unstated_bases(data: dict[str, Any]) -> list[str]:
    """A profile states the basis of every threshold it sets itself: one that ``extends`` another and changes a
    number must say what the new number rests on (the parent's basis was for the parent's number)."""
    problems = []
    for prefix, rule_id, table in _tables(data):
        names = SECTION_SETTINGS.get(prefix, ()) if rule_id is None else [k for k in table if k != "basis"]
        bases = table.get("basis", {})
        for name in names:
            if name in table and (not isinstance(bases, dict) or name not in bases):
                problems.append(tr("thresholds.basis_missing", field=f"{prefix}.{name}", table=f"{prefix}.basis",
                                   name=name))
    return problems


def _validate(data: dict[str, Any], origin: str, unstated: list[str]) -> None:
    problem = schema_problem(data, "profile.schema.json")
    if problem:
        raise ProfileError(tr("profile.refused", file=origin, reason=problem))
    problems = unstated + _semantic_problems(data) + _basis_problems(data) + _waiver_problems(data)
    if problems:
        raise ProfileError(tr("profile.refused", file=origin, reason=problems[0]))


def _basis_problems(data: dict[str, Any]) -> list[str]:
    """Bases that do not hold: a number said to be the regulation's that is not, a number looser than the text's,
    ``binding`` on a regulation number (it always binds), a basis for a setting the profile does not have."""
    problems: list[str] = []
    catalogue = rule_catalogue()
    for prefix, rule_id, table in _tables(data):
        for name, entry in table.get("basis", {}).items():
            field_name = f"{prefix}.{name}"
            if name not in table:
                problems.append(tr("thresholds.basis_without_setting", field=f"{prefix}.basis.{name}"))
                continue
            if entry["basis"] == REGULATION and "binding" in entry:
                problems.append(tr("thresholds.binding_on_regulation", field=f"{prefix}.basis.{name}"))
            stated = catalogue[rule_id].numbers.get(name) if rule_id in catalogue else None
            value = table[name]
            if stated is not None and not stated.allows(value):
                problems.append(tr("thresholds.looser_than_text", field=field_name, value=_shown(value),
                                   stated=_shown(stated.value), quote=stated.quote,
                                   waiver=tr("thresholds.looser_waivable") if catalogue[str(rule_id)].waiver
                                   else tr("thresholds.looser_not_waivable")))
            elif entry["basis"] == REGULATION and stated is None:
                problems.append(tr("thresholds.no_stated_number", field=field_name))
            elif entry["basis"] == REGULATION and stated is not None and not stated.equals(value):
                problems.append(tr("thresholds.stricter_is_practice", field=field_name, value=_shown(value),
                                   stated=_shown(stated.value), quote=stated.quote))
    return problems


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def waivable_rules() -> str:
    """The rules a waiver may name, as a user reads them: ``R1、R2、R10、R14（仅“原则上每3-5年更新一次”）``."""
    parts = []
    for entry in rule_catalogue().values():
        if entry.waiver is None:
            continue
        parts.append(entry.id if not entry.waiver.covers else tr(
            "thresholds.waivable_part", rule=entry.id, quote=entry.waiver.clause.rstrip("。")))
    return "、".join(parts)


def _waiver_problems(data: dict[str, Any]) -> list[str]:
    """Waivers the text does not allow, refused with its words; another number only where the text lets it be set."""
    problems: list[str] = []
    catalogue = rule_catalogue()
    for index, waiver in enumerate(data.get("waivers", [])):
        where = f"waivers[{index}]"
        entry: Rule | None = catalogue.get(waiver["rule"])
        if entry is None:
            continue  # said by _semantic_problems
        terms = entry.waiver
        if terms is None:
            problems.append(tr("thresholds.waiver_refused", where=where, rule=entry.id, name=entry.name,
                               quote=entry.binding_quote, allowed=waivable_rules()))
            continue
        setting = waiver.get("setting")
        if setting is not None and setting not in data["rules"].get(entry.id, {}):
            problems.append(tr("profile.unknown_field", field=f"{where}.setting = {setting}"))
            continue
        if setting is not None and not terms.covered(setting):
            stated = entry.numbers.get(setting)
            quote = stated.quote if stated is not None else entry.clause.rstrip("。")
            problems.append(tr("thresholds.waiver_setting_refused", where=where, rule=entry.id, setting=setting,
                               quote=quote, covers="、".join(terms.covers), clause=terms.clause.rstrip("。")))
            continue
        for name in WAIVER_VALUES:
            if name not in waiver:
                continue
            if name not in terms.settings:
                problems.append(tr("thresholds.waiver_value_refused", where=where, rule=entry.id, setting=name))
                continue
            current = data["rules"][entry.id].get(name)
            if current is not None and waiver[name] >= current:
                problems.append(tr("thresholds.waiver_value_not_lower", where=where, setting=name,
                                   value=waiver[name], current=current))
    return problems


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
            Waiver(rule=w["rule"], reason=w["reason"], levels=tuple(w["levels"]) if "levels" in w else None,
                   values=tuple((name, w[name]) for name in WAIVER_VALUES if name in w), setting=w.get("setting"))
            for w in data.get("waivers", [])
        ),
        origin=origin,
        data=data,
        bases={s.key: s.basis for s in settings_of(data)},
        code_separators=data["codes"].get("separators", "-."),
    )


# --- schema version 1 (no bases) ------------------------------------------------------------------------------


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A profile of schema version 1 as version 2: ``rules.R15.required_fields`` moves to ``rules.R22``; every
    setting gets a basis — the bundled national profile's where the value is its value, ``regulation`` where it is
    the number the text states, else ``practice`` and binding (version 1 held every threshold binding)."""
    data = copy.deepcopy(data)
    data["schema_version"] = SCHEMA_VERSION
    rules = data.get("rules")
    if isinstance(rules, dict) and isinstance(rules.get("R15"), dict) and "required_fields" in rules["R15"]:
        rules.setdefault("R22", {})["required_fields"] = rules["R15"].pop("required_fields")
    national = tomllib.loads(resource(f"profiles/{DEFAULT_PROFILE}.toml").read_text(encoding="utf-8"))
    if "extends" not in data:  # settings added after version 1, taken from the national profile
        for rule_id, table in national["rules"].items():
            if isinstance(rules, dict) and isinstance(rules.get(rule_id), dict):
                for name, value in table.items():
                    if name != "basis" and name not in rules[rule_id]:
                        rules[rule_id][name] = copy.deepcopy(value)
                        rules[rule_id].setdefault("basis", {})[name] = copy.deepcopy(table["basis"][name])
            elif isinstance(rules, dict) and rule_id not in rules:
                rules[rule_id] = copy.deepcopy(table)
    catalogue = rule_catalogue()
    reference = {prefix: table for prefix, _, table in _tables(national)}
    for prefix, rule_id, table in _tables(data):
        names = SECTION_SETTINGS.get(prefix, ()) if rule_id is None else [k for k in table if k != "basis"]
        bases = table.setdefault("basis", {})
        for name in names:
            if name not in table or name in bases:
                continue
            known = reference.get(prefix, {})
            stated = catalogue[rule_id].numbers.get(name) if rule_id in catalogue else None
            if name in known and known[name] == table[name]:
                bases[name] = copy.deepcopy(known["basis"][name])
            elif stated is not None and stated.equals(table[name]):
                bases[name] = {"basis": REGULATION, "clause": stated.quote}
            else:
                clause = catalogue[rule_id].clause if rule_id in catalogue else known.get("basis", {}).get(
                    name, {}).get("clause", tr("thresholds.upgraded_clause"))
                bases[name] = {"basis": PRACTICE, "binding": True, "clause": clause,
                               "note": tr("thresholds.upgraded_note")}
        if not bases:
            del table["basis"]
    return data
