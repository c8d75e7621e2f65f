"""The indicator system (《技能人才评价质量督导指标体系》): 12 first-level and 33 second-level indicators.

The catalogue is data (``resources/indicators/<id>.toml``). Every line of every score sheet names the
second-level indicator it draws on, and a custom sheet is composed by choosing indicators from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qbaudit.analysis.datafile import parse_toml, schema_problem
from qbaudit.bundled import resource
from qbaudit.errors import QbauditError
from qbaudit.i18n import pick, tr

DEFAULT_CATALOGUE = "mohrss-2024"


class SheetError(QbauditError):
    """A sheet or catalogue that cannot be used; ``str()`` is a Chinese message naming the file and field."""


@dataclass(frozen=True)
class FirstLevel:
    """一级指标: a heading with what it supervises."""

    number: int
    name: str
    description: str


@dataclass(frozen=True)
class SecondLevel:
    """二级指标: the questions a supervisor asks, under one first-level indicator."""

    number: int
    first_level: int
    name: str
    description: str


@dataclass(frozen=True)
class IndicatorCatalogue:
    """A validated indicator system."""

    id: str
    name: str
    source: str
    first_level: dict[int, FirstLevel]
    second_level: dict[int, SecondLevel]
    notes: dict[str, str]

    def under(self, first_level: int) -> list[SecondLevel]:
        """The second-level indicators of one first-level indicator, in order."""
        return [s for s in self.second_level.values() if s.first_level == first_level]


def load_catalogue_file(path: str | Path) -> IndicatorCatalogue:
    """Load and validate an indicator catalogue from a file."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(tr("sheet.not_found", file=str(path)))
    return _parse(path.read_text(encoding="utf-8"), str(path))


@cache
def load_catalogue(catalogue_id: str = DEFAULT_CATALOGUE) -> IndicatorCatalogue:
    """Load a bundled indicator catalogue by id (``mohrss-2024`` by default)."""
    entry = resource(f"indicators/{catalogue_id}.toml")
    if not entry.is_file():
        raise SheetError(tr("sheet.unknown_catalogue", name=catalogue_id))
    return _parse(entry.read_text(encoding="utf-8"), catalogue_id)


def _parse(text: str, origin: str) -> IndicatorCatalogue:
    data = parse_toml(text, origin, "sheet.syntax", SheetError)
    problem = schema_problem(data, "indicators.schema.json") or _problem(data)
    if problem:
        raise SheetError(tr("sheet.catalogue_refused", file=origin, reason=problem))
    return IndicatorCatalogue(
        id=data["id"],
        name=pick(data, "name"),
        source=data.get("source", ""),
        first_level={e["number"]: FirstLevel(e["number"], pick(e, "name"), e["description"])
                     for e in data["first_level"]},
        second_level={e["number"]: SecondLevel(e["number"], e["first_level"], pick(e, "name"), e["description"])
                      for e in data["second_level"]},
        notes=dict(data.get("notes", {})),
    )


def _problem(data: dict) -> str | None:
    for table in ("first_level", "second_level"):
        seen: dict[int, int] = {}
        for index, entry in enumerate(data[table]):
            if entry["number"] in seen:
                return tr("sheet.duplicate", field=f"{table}[{index}].number", value=entry["number"],
                          other=f"{table}[{seen[entry['number']]}]")
            seen[entry["number"]] = index
    firsts = {e["number"] for e in data["first_level"]}
    for index, entry in enumerate(data["second_level"]):
        if entry["first_level"] not in firsts:
            return tr("sheet.unknown_reference", field=f"second_level[{index}].first_level", value=entry["first_level"])
    return None
