"""Score sheets as data: lines with criteria and maxima, groups, veto items, verdicts and grading.

A sheet is a TOML file: the bundled ones live in ``resources/sheets/`` (the proposition-quality sheet,
the on-site activity sheet, Shandong's three daily record tables); a region's or a scenario's own
sheet is a new file of the same shape, checked by ``resources/schemas/sheet.schema.json`` and by
:func:`_problems` (ids unique, references resolve, maxima add up to the total, grade bands ordered).
Two methods: ``points`` (符合 full marks / 基本符合 part marks / 不符合 0, a total and grade bands) and
``yes_no`` (是/否 lines, unqualified when the share of "no" reaches a limit).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

from qbaudit.analysis.datafile import parse_toml, schema_problem
from qbaudit.analysis.sheets.catalogue import DEFAULT_CATALOGUE, IndicatorCatalogue, SheetError, load_catalogue
from qbaudit.bundled import resource
from qbaudit.i18n import pick, tr

DEFAULT_SHEET = "proposition-2024"


class Method(StrEnum):
    """How a sheet is scored."""

    POINTS = "points"
    YES_NO = "yes_no"


class Verdict(StrEnum):
    """A verdict on one line; the words a user reads come from the sheet (``[verdicts]``)."""

    MEETS = "meets"
    PARTLY = "partly"
    FAILS = "fails"
    YES = "yes"
    NO = "no"


VERDICTS_OF = {Method.POINTS: (Verdict.MEETS, Verdict.PARTLY, Verdict.FAILS), Method.YES_NO: (Verdict.YES, Verdict.NO)}


@dataclass(frozen=True)
class Group:
    """A heading of the sheet (一级指标, or a stage such as 考前), possibly inside another group."""

    id: str
    name: str
    parent: str | None
    points: float | None
    first_level: int | None


@dataclass(frozen=True)
class Line:
    """One line the inspector judges."""

    id: str
    group: str
    name: str
    criterion: str
    max: float | None
    indicator: int
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Veto:
    """A veto item (不合格项 / 一票否决项): any one that occurred makes the sheet unqualified."""

    id: str
    text: str
    describe: str | None  # the label of the description the inspector must write, e.g. 行为描述


@dataclass(frozen=True)
class Band:
    """A grade reached from ``min`` points upwards."""

    grade: str
    min: float


@dataclass(frozen=True)
class Sheet:
    """A validated score sheet."""

    id: str
    name: str
    source: str
    method: Method
    total: float | None
    header: tuple[str, ...]
    criterion_heading: str
    notes: tuple[str, ...]
    verdict_labels: dict[Verdict, str]
    part_step: float | None
    bands: tuple[Band, ...]
    veto_heading: str
    veto_grade: str
    no_share_limit: Fraction | None
    pass_grade: str | None
    fail_grade: str | None
    vetoes: tuple[Veto, ...]
    groups: tuple[Group, ...]
    lines: tuple[Line, ...]
    indicators: IndicatorCatalogue
    origin: str
    sha256: str  # of the file's text, so a stored audit names the exact sheet it used
    text: str  # the file's text, kept so a stored audit can be re-read with the sheet it was scored on

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """The verdicts a line of this sheet can take."""
        return VERDICTS_OF[self.method]

    def label(self, verdict: Verdict | None) -> str:
        """The sheet's word for ``verdict`` (empty for None)."""
        return self.verdict_labels[verdict] if verdict is not None else ""

    def line(self, line_id: str) -> Line:
        """The line with id ``line_id``."""
        return next(line for line in self.lines if line.id == line_id)

    def find_line(self, key: str) -> Line | None:
        """The line named by its id or, when the name is unique on the sheet, by its name."""
        key = key.strip()
        by_id = [line for line in self.lines if line.id == key]
        if by_id:
            return by_id[0]
        by_name = [line for line in self.lines if line.name == key]
        return by_name[0] if len(by_name) == 1 else None

    def veto(self, veto_id: str) -> Veto | None:
        """The veto item with id ``veto_id`` (``V2`` or just ``2``)."""
        key = veto_id.strip().upper()
        return next((v for v in self.vetoes if v.id.upper() in (key, f"V{key}")), None)

    def group(self, group_id: str) -> Group:
        """The group with id ``group_id``."""
        return next(g for g in self.groups if g.id == group_id)

    def ancestry(self, group_id: str) -> list[Group]:
        """The group and its parents, innermost first."""
        chain = []
        current: str | None = group_id
        while current is not None:
            group = self.group(current)
            chain.append(group)
            current = group.parent
        return chain

    def lines_under(self, group_id: str) -> list[Line]:
        """The lines inside ``group_id`` or any group nested in it."""
        return [line for line in self.lines if any(g.id == group_id for g in self.ancestry(line.group))]

    def parse_verdict(self, text: str) -> Verdict | None:
        """A verdict from what a user typed: the sheet's word (符合, 是 …) or the id (meets, yes …)."""
        text = text.strip()
        for verdict in self.verdicts:
            if text in (verdict.value, self.verdict_labels[verdict]):
                return verdict
        return None

    def grade_for(self, total: float) -> str:
        """The grade of a points sheet at ``total`` points (no veto)."""
        return next(band.grade for band in self.bands if total >= band.min)


def bundled_sheets() -> list[tuple[str, str]]:
    """``(id, name)`` of the sheets shipped with qbaudit."""
    found = []
    for entry in sorted(resource("sheets").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            found.append((data.get("id", entry.name[:-5]), pick(data, "name") or ""))
    return found


def load_sheet(name_or_path: str | Path | None = None) -> Sheet:
    """Load a bundled sheet by id (default ``proposition-2024``) or a sheet file by path."""
    target = str(name_or_path) if name_or_path else DEFAULT_SHEET
    path = Path(target)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.is_file():
            raise SheetError(tr("sheet.not_found", file=target))
        return sheet_from_text(path.read_text(encoding="utf-8"), str(path))
    entry = resource(f"sheets/{target}.toml")
    if not entry.is_file():
        known = "、".join(sheet_id for sheet_id, _ in bundled_sheets())
        raise SheetError(tr("sheet.unknown", name=target, known=known))
    return sheet_from_text(entry.read_text(encoding="utf-8"), target)


def sheet_from_text(text: str, origin: str) -> Sheet:
    """Parse and validate a sheet from its TOML text; ``origin`` names it in messages."""
    data = parse_toml(text, origin, "sheet.syntax", SheetError)
    problem = schema_problem(data, "sheet.schema.json")
    if problem:
        raise SheetError(tr("sheet.refused", file=origin, reason=problem))
    catalogue_id = data.get("indicators", DEFAULT_CATALOGUE)
    if not resource(f"indicators/{catalogue_id}.toml").is_file():
        raise SheetError(tr("sheet.refused", file=origin, reason=tr("sheet.unknown_reference", field="indicators",
                                                                    value=catalogue_id)))
    catalogue = load_catalogue(catalogue_id)
    problems = _problems(data, catalogue)
    if problems:
        raise SheetError(tr("sheet.refused", file=origin, reason=problems[0]))
    return _build(data, catalogue, origin, text)


def _number(value: float) -> str:
    return f"{value:g}"


def _problems(data: dict[str, Any], catalogue: IndicatorCatalogue) -> list[str]:
    """What the schema cannot say: uniqueness, references, sums, bands; each naming its field."""
    problems: list[str] = []
    method = Method(data["method"])
    for table in ("groups", "lines", "vetoes"):
        seen: dict[str, int] = {}
        for index, entry in enumerate(data.get(table, [])):
            if entry["id"] in seen:
                problems.append(tr("sheet.duplicate", field=f"{table}[{index}].id", value=entry["id"],
                                   other=f"{table}[{seen[entry['id']]}]"))
            seen.setdefault(entry["id"], index)
    if problems:
        return problems
    groups = {g["id"]: g for g in data["groups"]}
    for index, group in enumerate(data["groups"]):
        if "parent" in group and group["parent"] not in groups:
            problems.append(tr("sheet.unknown_reference", field=f"groups[{index}].parent", value=group["parent"]))
        elif _cycles(group["id"], groups):
            problems.append(tr("sheet.group_cycle", field=f"groups[{index}].parent", value=group["id"]))
        if "first_level" in group and group["first_level"] not in catalogue.first_level:
            problems.append(tr("sheet.unknown_indicator", field=f"groups[{index}].first_level",
                               value=group["first_level"], catalogue=catalogue.name))
        if "name" not in group and "first_level" not in group:
            problems.append(tr("profile.missing_field", field=f"groups[{index}].name"))
    for index, line in enumerate(data["lines"]):
        if line["group"] not in groups:
            problems.append(tr("sheet.unknown_reference", field=f"lines[{index}].group", value=line["group"]))
            continue
        indicator = catalogue.second_level.get(line["indicator"])
        if indicator is None:
            problems.append(tr("sheet.unknown_indicator", field=f"lines[{index}].indicator", value=line["indicator"],
                               catalogue=catalogue.name))
            continue
        first = _first_level_of(line["group"], groups)
        if first is not None and indicator.first_level != first:
            problems.append(tr("sheet.indicator_outside", field=f"lines[{index}].indicator", value=line["indicator"],
                               name=indicator.name, first=catalogue.first_level[first].name))
    if problems:
        return problems
    return problems + (_points_problems(data) if method is Method.POINTS else _yes_no_problems(data))


def _cycles(group_id: str, groups: dict[str, dict[str, Any]]) -> bool:
    seen = set()
    current: str | None = group_id
    while current is not None and current in groups:
        if current in seen:
            return True
        seen.add(current)
        current = groups[current].get("parent")
    return False


def _first_level_of(group_id: str, groups: dict[str, dict[str, Any]]) -> int | None:
    current: str | None = group_id
    while current is not None:
        if "first_level" in groups[current]:
            return groups[current]["first_level"]
        current = groups[current].get("parent")
    return None


def _points_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in ("total",):
        if key not in data:
            problems.append(tr("sheet.needed_for_points", field=key))
    for key in ("meets", "partly", "fails"):
        if key not in data["verdicts"]:
            problems.append(tr("sheet.needed_for_points", field=f"verdicts.{key}"))
    if "scoring" not in data:
        problems.append(tr("sheet.needed_for_points", field="scoring.part_step"))
    if "bands" not in data["grading"]:
        problems.append(tr("sheet.needed_for_points", field="grading.bands"))
    for index, line in enumerate(data["lines"]):
        if "max" not in line:
            problems.append(tr("sheet.needed_for_points", field=f"lines[{index}].max"))
    if problems:
        return problems
    lines_total = sum(line["max"] for line in data["lines"])
    if abs(lines_total - data["total"]) > 1e-9:
        problems.append(tr("sheet.total_mismatch", field="total", total=_number(data["total"]),
                           sum=_number(lines_total)))
    groups = {g["id"]: g for g in data["groups"]}
    for index, group in enumerate(data["groups"]):
        if "points" not in group:
            continue
        inside = sum(line["max"] for line in data["lines"] if _inside(line["group"], group["id"], groups))
        if abs(inside - group["points"]) > 1e-9:
            problems.append(tr("sheet.group_mismatch", field=f"groups[{index}].points", name=group.get("name", group["id"]),
                               points=_number(group["points"]), sum=_number(inside)))
    step = data["scoring"]["part_step"]
    for index, line in enumerate(data["lines"]):
        if line["max"] <= step:
            problems.append(tr("sheet.max_below_step", field=f"lines[{index}].max", value=_number(line["max"]),
                               step=_number(step)))
    bands = data["grading"]["bands"]
    for index in range(1, len(bands)):
        if bands[index]["min"] >= bands[index - 1]["min"]:
            problems.append(tr("sheet.bands_order", field=f"grading.bands[{index}].min"))
    if bands[-1]["min"] != 0:
        problems.append(tr("sheet.bands_floor", field=f"grading.bands[{len(bands) - 1}].min"))
    if bands[0]["min"] > data["total"]:
        problems.append(tr("sheet.bands_ceiling", field="grading.bands[0].min", total=_number(data["total"])))
    return problems


def _inside(group_id: str, ancestor: str, groups: dict[str, dict[str, Any]]) -> bool:
    current: str | None = group_id
    while current is not None:
        if current == ancestor:
            return True
        current = groups[current].get("parent")
    return False


def _yes_no_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in ("yes", "no"):
        if key not in data["verdicts"]:
            problems.append(tr("sheet.needed_for_yes_no", field=f"verdicts.{key}"))
    for key in ("no_share_limit", "pass_grade", "fail_grade"):
        if key not in data["grading"]:
            problems.append(tr("sheet.needed_for_yes_no", field=f"grading.{key}"))
    if "total" in data:
        problems.append(tr("sheet.not_for_yes_no", field="total"))
    for index, line in enumerate(data["lines"]):
        if "max" in line:
            problems.append(tr("sheet.not_for_yes_no", field=f"lines[{index}].max"))
    return problems


def _build(data: dict[str, Any], catalogue: IndicatorCatalogue, origin: str, text: str) -> Sheet:
    grading = data["grading"]
    method = Method(data["method"])
    groups = tuple(
        Group(id=g["id"], name=pick(g, "name") or catalogue.first_level[g["first_level"]].name, parent=g.get("parent"),
              points=g.get("points"), first_level=g.get("first_level"))
        for g in data["groups"]
    )
    lines = tuple(
        Line(id=line["id"], group=line["group"], name=pick(line, "name") or catalogue.second_level[line["indicator"]].name,
             criterion=line["criterion"], max=line.get("max"), indicator=line["indicator"],
             documents=tuple(line.get("documents", ())))
        for line in data["lines"]
    )
    limit = grading.get("no_share_limit")
    return Sheet(
        id=data["id"],
        name=pick(data, "name"),
        source=data.get("source", ""),
        method=method,
        total=data.get("total"),
        header=tuple(data.get("header", ())),
        criterion_heading=data.get("criterion_heading", ""),
        notes=tuple(data.get("notes", ())),
        verdict_labels={Verdict(key): label for key, label in data["verdicts"].items()},
        part_step=data.get("scoring", {}).get("part_step"),
        bands=tuple(Band(b["grade"], b["min"]) for b in grading.get("bands", ())),
        veto_heading=grading.get("veto_heading", ""),
        veto_grade=grading["veto_grade"],
        no_share_limit=Fraction(str(limit)) if limit is not None else None,
        pass_grade=grading.get("pass_grade"),
        fail_grade=grading.get("fail_grade"),
        vetoes=tuple(Veto(v["id"], v["text"], v.get("describe")) for v in data.get("vetoes", ())),
        groups=groups,
        lines=lines,
        indicators=catalogue,
        origin=origin,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
    )


_SENTENCE_END = re.compile(r"(?<=[。；;])")


def criterion_points(line: Line) -> list[str]:
    """The criterion cut into its sentences: each is one thing to see for the line."""
    return [part.strip() for part in _SENTENCE_END.split(line.criterion) if part.strip()]
