"""The domain's words and codes: levels, item types, importance, difficulty, answers, codes.

Synonyms are data (``resources/vocabulary.toml``); this module normalises a cell and looks it up.
Each function takes one distinct value; importers call them once per distinct value of a column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from qbaudit.bundled import load_toml

# Dash-like characters that people type into codes instead of "-".
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2500\u30fc\ufe58\ufe63\uff0d]")
_SPACE = re.compile(r"\s+")
_CODE_SEPARATORS = re.compile(r"[-._/\\·•]")
_NUMBERING = re.compile(r"^([(（]?[一二三四五六七八九十0-9]+[)）]?[、.．\s]*)+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width), no whitespace anywhere, upper case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


def normalise_code(text: str) -> str:
    """A code as the checks compare it: folded, with every dash-like character as ``-``."""
    return _DASHES.sub("-", fold(text))


def code_key(code: str) -> str:
    """A normalised code without separators: ``A-B-001`` and ``AB001`` share the key ``AB001``."""
    return _CODE_SEPARATORS.sub("", code)


@dataclass(frozen=True)
class Vocabulary:
    """The lookup tables built from ``resources/vocabulary.toml``."""

    level_names: dict[str, int]
    level_display: dict[int, str]
    item_types: dict[str, str]
    choice_types: dict[str, tuple[int, int]]
    true_answers: frozenset[str]
    false_answers: frozenset[str]
    importance: dict[str, str]
    difficulty_labels: dict[str, int]
    parts: dict[str, str]
    total_rows: frozenset[str]
    not_applicable: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    """Load the vocabulary once."""
    data = load_toml("vocabulary.toml")
    level_names: dict[str, int] = {}
    level_display: dict[int, str] = {}
    for number, entry in data["levels"].items():
        level_display[int(number)] = entry["display"]
        for name in entry["names"]:
            level_names[fold(name)] = int(number)
    item_types = {fold(name): canonical for canonical, names in data["item_types"].items() for name in names}
    choice_types = {name: (e["min_answers"], e["max_answers"]) for name, e in data["choice_types"].items()}
    importance = {fold(name): canonical for canonical, names in data["importance"].items() for name in names}
    parts = {fold(name): canonical for canonical, names in data["parts"].items() for name in names}
    return Vocabulary(
        level_names=level_names,
        level_display=level_display,
        item_types=item_types,
        choice_types=choice_types,
        true_answers=frozenset(fold(a) for a in data["true_false"]["true"]),
        false_answers=frozenset(fold(a) for a in data["true_false"]["false"]),
        importance=importance,
        difficulty_labels={fold(k): v for k, v in data["difficulty_labels"].items()},
        parts=parts,
        total_rows=frozenset(fold(w) for w in data["total_rows"]["words"]),
        not_applicable=frozenset(fold(w) for w in data["not_applicable"]["words"]),
    )


def level_name(level: int | None) -> str:
    """Display name of a level number (``4`` → ``四级/中级工``)."""
    if level is None:
        return "—"
    return vocabulary().level_display.get(level, str(level))


@cache
def parse_level(text: str) -> int | None:
    """The level a cell or sheet name names, or None.

    Accepts any synonym (``四级``, ``中级工``, ``4``), combinations that agree (``四级（中级工）``)
    and names inside longer text (``理论知识-四级``). Conflicting names give None.
    """
    folded = fold(text)
    vocab = vocabulary()
    if folded in vocab.level_names:
        return vocab.level_names[folded]
    if folded.isdigit() and 1 <= int(folded) <= 5:
        return int(folded)
    found: set[int] = set()
    rest = folded
    # Longest names first, so that 高级技师 is not read as 技师 and 高级.
    for name in sorted(vocab.level_names, key=len, reverse=True):
        if len(name) >= 2 and name in rest:
            found.add(vocab.level_names[name])
            rest = rest.replace(name, "|")
    return found.pop() if len(found) == 1 else None


@cache
def parse_item_type(text: str) -> str | None:
    """Canonical item type of a cell (``单项选择题`` → ``单选``), or None."""
    folded = fold(text)
    types = vocabulary().item_types
    if folded in types:
        return types[folded]
    # Strip a leading section number ("一、单项选择题") or trailing notes ("单选题(每题1分)").
    stripped = re.sub(r"^[(（]?[一二三四五六七八九十0-9]+[)）、.．]?", "", folded)
    stripped = re.sub(r"[(（].*$", "", stripped)
    return types.get(stripped)


@cache
def parse_importance(text: str) -> str | None:
    """``X``/``Y``/``Z`` of a cell (lower case and full width accepted), or None."""
    return vocabulary().importance.get(fold(text))


@cache
def parse_part(text: str) -> str | None:
    """``theory`` or ``skill`` of a cell, or None."""
    return vocabulary().parts.get(fold(text))


@cache
def parse_difficulty(text: str) -> tuple[float, str] | None:
    """A difficulty cell as ``(value, kind)`` with kind ``grade`` or ``proportion``, or None.

    Integers (``3``, ``3.0``) are grades, numbers strictly between 0 and 1 are proportions
    (facility), and the labels of the vocabulary (``较难``) are grades. Range checks belong to R7.
    """
    folded = fold(text)
    labels = vocabulary().difficulty_labels
    if folded in labels:
        return float(labels[folded]), "grade"
    try:
        value = float(folded.rstrip("%")) / (100 if folded.endswith("%") else 1)
    except ValueError:
        return None
    if not usable_number(value):  # inf, NaN, 1e308
        return None
    if 0 < value < 1 or folded.endswith("%"):
        return value, "proportion"
    return value, "grade"


def is_total(text: str | None) -> bool:
    """True for the words of a summary row (合计, 总计 …)."""
    return text is not None and fold(text) in vocabulary().total_rows


def is_not_applicable(text: str) -> bool:
    """True for a weight cell that says the scope does not apply at that level (—, /, 不适用 …)."""
    return fold(text) in vocabulary().not_applicable


@cache
def parse_weight(text: str) -> float | None:
    """A weight cell in percent (``20``, ``20%``, ``２０％``) or None."""
    folded = fold(text).rstrip("%")
    try:
        value = float(folded)
    except ValueError:
        return None
    return value if usable_number(value) else None


def usable_number(value: float) -> bool:
    """True for a number a cell may hold: not inf or NaN, and within ``[limits] max_number`` of ``formats.toml``."""
    from qbaudit.analysis.importers.guard import finite

    return finite(value)


def out_of_range(text: str | None) -> bool:
    """True when ``text`` is written as a number that is not usable (``inf``, ``NaN``, ``1e308``, ``1e9999``)."""
    if text is None:
        return False
    try:
        value = float(fold(text).rstrip("%"))
    except ValueError:
        return False
    return not usable_number(value)


@cache
def normalise_answer(text: str, item_type: str | None) -> str:
    """An answer as the checks compare it.

    Choice answers become their letters in order without separators (``A、C，D`` → ``ACD``);
    true/false answers become ``√`` or ``×``; anything else is returned folded.
    """
    folded = fold(text)
    vocab = vocabulary()
    if item_type == "判断":
        if folded in vocab.true_answers:
            return "√"
        if folded in vocab.false_answers:
            return "×"
        return folded
    if item_type in vocab.choice_types:
        letters = re.sub(r"[,，、;；/|和及与]", "", folded)
        if re.fullmatch(r"[A-Z]+", letters):
            return "".join(sorted(letters))
        return folded
    return unicodedata.normalize("NFKC", text).strip()


_RATIO = re.compile(r"^(\d+)\s*[:：]\s*(\d+)(?:\s*[:：]\s*(\d+))?$")
# A duration as calamine gives it: days counted from 1899-12-31 (Excel's day 0), then h:m:s.
_DURATION = re.compile(r"^(1899-12-31|1900-\d\d-\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.0+)?$")


@cache
def parse_ratio(text: str) -> tuple[int, int, int] | None:
    """An X:Y:Z ratio of point counts (``132:21:7``), also when Excel turned it into a time
    (``132:21:00`` shown, ``1900-01-05 12:21:00`` stored); None for anything else."""
    folded = fold(text)
    match = _RATIO.match(folded)
    if match:
        return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    match = _DURATION.match(unicodedata.normalize("NFKC", text).strip())
    if match:
        import datetime as dt

        days = (dt.date.fromisoformat(match.group(1)) - dt.date(1899, 12, 31)).days
        return days * 24 + int(match.group(2)), int(match.group(3)), int(match.group(4))
    return None


def name_key(name: str) -> str:
    """A name as compared for duplicates: NFKC, without whitespace and punctuation."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def scope_name_key(name: str) -> str:
    """A scope name as matched against the standard: NFKC, no numbering, spaces or punctuation."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _NUMBERING.sub("", text)
    return name_key(text)
