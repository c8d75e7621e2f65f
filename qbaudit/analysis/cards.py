"""Supervisor card codes (质量督导员证卡编码), checked against a region's coding rules kept as data.

Shandong's rules (鲁人社字〔2022〕68号 附件1) are ``resources/cards/shandong-2022.toml``: each kind of
card (外督 9 characters, 内督 13) is a row of segments, each with its length and either the values it
may take or a pattern; a segment marked ``year`` is a two-digit year that may not be later than the
audit's. Another region's rules are another file of the same shape. A score sheet names the rules its
audits use (``card_rules``); a sheet that names none (the national ones) records a code as written,
since no national coding rule exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qbaudit.analysis.vocabulary import fold
from qbaudit.bundled import load_toml, resource
from qbaudit.i18n import tr

DEFAULT_CARD_RULES = "shandong-2022"


@dataclass(frozen=True)
class CardCheck:
    """The outcome of checking one card code: the kind it is, what each part means, or the problem."""

    code: str  # as normalised (full-width folded, no spaces, upper case)
    kind: str | None  # e.g. "external"
    kind_name: str | None
    parts: tuple[tuple[str, str, str], ...]  # (segment name, characters, meaning)
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when the code follows the rules."""
        return self.problem is None


@cache
def card_rules(rules_id: str = DEFAULT_CARD_RULES) -> dict:
    """The coding rules ``rules_id`` (a file in ``resources/cards/``)."""
    if not resource(f"cards/{rules_id}.toml").is_file():
        raise KeyError(rules_id)
    return load_toml(f"cards/{rules_id}.toml")


def normalise_card_code(code: str) -> str:
    """A card code as stored and compared: full-width folded, no spaces, upper case."""
    return fold(code)


def check_card_code(code: str, rules_id: str = DEFAULT_CARD_RULES, *, year: int | None = None) -> CardCheck:
    """Check ``code`` against the rules: its length picks the kind, then each segment is checked in turn.

    ``year`` is the audit's year: a year segment (``year = true``) read as 20xx may not be later.
    """
    rules = card_rules(rules_id)
    normalised = normalise_card_code(code)
    kinds = [k for k in rules["kinds"] if k["length"] == len(normalised)]
    if not kinds:
        expected = "、".join(tr("card.kind_length", name=k["name"], length=k["length"]) for k in rules["kinds"])
        problem = tr("card.bad_length", code=normalised, length=len(normalised), expected=expected, rules=rules["name"])
        return CardCheck(normalised, None, None, (), problem)
    kind = kinds[0]
    parts: list[tuple[str, str, str]] = []
    position = 0
    for segment in kind["segments"]:
        chars = normalised[position:position + segment["length"]]
        first, last = position + 1, position + segment["length"]
        where = tr("card.position", first=first) if first == last else tr("card.positions", first=first, last=last)
        values = segment.get("values")
        if values is not None:
            meaning = values.get(chars)
            expected = "、".join(f"{value}（{name}）" for value, name in values.items())
        else:
            meaning = segment.get("meaning", "") if re.fullmatch(segment["pattern"], chars) else None
            expected = segment.get("meaning", segment["pattern"])
        if meaning is None:
            problem = tr("card.bad_segment", code=normalised, kind=kind["name"], where=where, chars=chars,
                         segment=segment["name"], expected=expected, rules=rules["name"])
            return CardCheck(normalised, kind["id"], kind["name"], tuple(parts), problem)
        if segment.get("year") and year is not None and 2000 + int(chars) > year:
            problem = tr("card.future_year", code=normalised, kind=kind["name"], where=where, chars=chars,
                         issued=2000 + int(chars), year=year, rules=rules["name"])
            return CardCheck(normalised, kind["id"], kind["name"], tuple(parts), problem)
        parts.append((segment["name"], chars, meaning))
        position += segment["length"]
    return CardCheck(normalised, kind["id"], kind["name"], tuple(parts), None)
