"""Score sheets as data: lines with criteria and maxima, groups, veto items, verdicts and grading.

A sheet is a TOML file: the bundled ones live in ``resources/sheets/`` (the proposition-quality sheet,
the on-site activity sheet, Shandong's three daily record tables); a region's or a scenario's own
sheet is a new file of the same shape, checked by ``resources/schemas/sheet.schema.json`` and by
:func:`_problems` (ids unique, references resolve, maxima add up to the total, grade bands ordered).
Two methods: ``points`` (符合 full marks / 基本符合 part marks / 不符合 0, a total and grade bands) and
``yes_no`` (是/否 lines, unqualified when the share of "no" reaches a limit).

A sheet also says how its documents look (``[documents]``: the kind of audit whose wording the report,
problem list and notice take from ``resources/report/kinds.toml``, the names of its grouping levels,
the form's column headings, whether it names a 批次编号 and has a 总体评价) and which supervisor card
rules its audits follow (``card_rules``). Users add sheets of their own as ``.toml`` files in the
user sheets folder (:func:`user_sheets_dir`); they are loaded and validated like the bundled ones.
"""

from __future__ import annotations

import hashlib
import os
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
ENV_SHEETS_DIR = "QBAUDIT_SHEETS_DIR"
SUPERVISION_KINDS = ("daily", "special")  # 日常督导 / 专项督导 (鲁人社字〔2022〕68号 第十五条)


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
    named: bool = True  # False: the sheet gives no name, ``name`` is the indicator's (the tool's inference)
    rules: tuple[str, ...] = ()  # the rules whose findings suggest this line's verdict (``rules`` in the sheet file)


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
class DocumentSpec:
    """How the documents of an audit on this sheet look (``[documents]`` of the sheet, defaults from the kind).

    ``kind`` picks the wording in ``resources/report/kinds.toml`` (proposition, onsite, shandong-daily,
    custom); the rest is the form's own layout.
    """

    kind: str
    scene: str  # a word the kind's wording takes, e.g. 理论考核
    supervision: str  # the supervision kind a new audit on the sheet starts with: daily or special
    batch: bool  # the audit names the 批次编号 it supervised
    levels: tuple[str, ...]  # the names of the grouping levels, outermost first (环节, 一级指标 …)
    line_heading: str | None  # the column of the lines' own names (二级指标); None: lines have no name
    heading: str | None  # one heading over the grouping and criterion columns, as the form prints it
    result_heading: str | None  # the form's result column (评分, 督导结果); None: the report's own words
    remarks_heading: str | None  # the form's remarks column (备注); None: the report's own words
    number_lines: bool  # the form numbers its lines (1. 2. …) in front of the criterion
    vetoes_first: bool  # the veto items stand above the lines, as on Shandong's tables
    assessment: str | None  # the label of the 总体评价 the form asks for (required before signing)
    notes_heading: str | None  # the word in front of the form's notes (备注); None: the notes speak for themselves


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
    documents: DocumentSpec | None = None
    card_rules: str | None = None  # the supervisor card rules its audits follow (resources/cards/); None: none

    @property
    def layout(self) -> DocumentSpec:
        """The documents' layout (always set on a loaded sheet)."""
        assert self.documents is not None
        return self.documents

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

    def depth(self, group_id: str) -> int:
        """1 for an outermost group, 2 for a group inside it …"""
        return len(self.ancestry(group_id))

    def groups_at(self, level: int) -> list[Group]:
        """The groups at grouping level ``level`` (1 = outermost), in the sheet's order."""
        return [g for g in self.groups if self.depth(g.id) == level]

    def path(self, line: Line) -> list[Group]:
        """The groups of ``line`` outermost first (环节, 一级指标 …)."""
        return list(reversed(self.ancestry(line.group)))

    def criterion_text(self, line: Line) -> str:
        """The criterion as the form prints it (numbered where the form numbers its lines)."""
        return f"{line.id}. {line.criterion}" if self.layout.number_lines else line.criterion

    def line_text(self, line: Line) -> str:
        """The form's own words for ``line``, never shared with another line of the sheet: its name when
        the form names lines and the name is unique, the name with its criterion when several lines
        share it, and the (numbered) criterion when the form gives lines no name of their own."""
        if self.layout.line_heading is None or not line.named:
            return self.criterion_text(line).rstrip("。")
        if sum(1 for other in self.lines if other.name == line.name) == 1:
            return line.name
        return f"{line.name}：{line.criterion.rstrip('。')}"


def bundled_sheets() -> list[tuple[str, str]]:
    """``(id, name)`` of the sheets shipped with qbaudit."""
    found = []
    for entry in sorted(resource("sheets").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            found.append((data.get("id", entry.name[:-5]), pick(data, "name") or ""))
    return found


def user_sheets_dir() -> Path:
    """The folder of the user's own sheets: ``QBAUDIT_SHEETS_DIR``, else ``sheets`` in the user's data folder
    (next to the audit record's SQLite file)."""
    folder = os.environ.get(ENV_SHEETS_DIR)
    if folder:
        return Path(folder)
    from platformdirs import user_data_dir

    return Path(user_data_dir("qbaudit", appauthor=False)) / "sheets"


@dataclass(frozen=True)
class SheetEntry:
    """A sheet a new audit can use: bundled or the user's own; a user's file that does not load is listed
    with its problem (and cannot be chosen)."""

    id: str
    name: str
    path: Path | None  # the user's file; None for a bundled sheet
    problem: str | None = None

    @property
    def usable(self) -> bool:
        """True when the sheet loads."""
        return self.problem is None


def available_sheets() -> list[SheetEntry]:
    """The bundled sheets, then the user's (in file-name order), each checked by the same loader."""
    entries = [SheetEntry(sheet_id, name, None) for sheet_id, name in bundled_sheets()]
    bundled = {entry.id for entry in entries}
    folder = user_sheets_dir()
    files = sorted(folder.glob("*.toml"), key=lambda p: p.name) if folder.is_dir() else []
    taken: set[str] = set()
    for path in files:
        try:
            sheet = sheet_from_text(path.read_text(encoding="utf-8"), str(path))
        except (SheetError, OSError, UnicodeDecodeError) as exc:
            reason = str(exc) if isinstance(exc, SheetError) else tr("sheet.unreadable", file=str(path))
            entries.append(SheetEntry(path.stem, path.name, path, reason))
            continue
        if sheet.id in bundled or sheet.id in taken:
            entries.append(SheetEntry(sheet.id, sheet.name, path, tr("sheet.id_taken", file=str(path), id=sheet.id)))
            continue
        taken.add(sheet.id)
        entries.append(SheetEntry(sheet.id, sheet.name, path))
    return entries


def load_sheet(name_or_path: str | Path | None = None) -> Sheet:
    """Load a sheet by id — bundled (default ``proposition-2024``) or one of the user's sheets folder — or
    a sheet file by path."""
    target = str(name_or_path) if name_or_path else DEFAULT_SHEET
    path = Path(target)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.is_file():
            raise SheetError(tr("sheet.not_found", file=target))
        return sheet_from_text(path.read_text(encoding="utf-8"), str(path))
    entry = resource(f"sheets/{target}.toml")
    if entry.is_file():
        return sheet_from_text(entry.read_text(encoding="utf-8"), target)
    for candidate in available_sheets():
        if candidate.id == target and candidate.path is not None:
            if candidate.problem:
                raise SheetError(candidate.problem)
            return sheet_from_text(candidate.path.read_text(encoding="utf-8"), str(candidate.path))
    known = "、".join(candidate.id for candidate in available_sheets() if candidate.usable)
    raise SheetError(tr("sheet.unknown", name=target, known=known))


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
    if "documents" not in data and "card_rules" not in data and origin == data["id"]:
        # Read by id (the store passes the audit's sheet id), not from a user's file: a record stored before
        # sheets carried their documents' layout takes the bundled sheet's (its lines, stored text and
        # fingerprint are unchanged).
        data = {**data, **_bundled_layout(data["id"])}
    problems = _problems(data, catalogue) or _document_problems(data)
    if problems:
        raise SheetError(tr("sheet.refused", file=origin, reason=problems[0]))
    return _build(data, catalogue, origin, text)


def _bundled_layout(sheet_id: str) -> dict[str, Any]:
    entry = resource(f"sheets/{sheet_id}.toml") if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", sheet_id) else None
    if entry is None or not entry.is_file():
        return {}
    bundled = tomllib.loads(entry.read_text(encoding="utf-8"))
    return {key: bundled[key] for key in ("documents", "card_rules") if key in bundled}


def document_kinds() -> dict[str, Any]:
    """The kinds of audit whose documents' wording is data (``resources/report/kinds.toml``)."""
    from qbaudit.bundled import load_toml

    return load_toml("report/kinds.toml")["kinds"]


def _depth_of(group_id: str, groups: dict[str, dict[str, Any]]) -> int:
    depth, current = 0, group_id
    while current is not None:
        depth += 1
        current = groups[current].get("parent")  # type: ignore[assignment]  # None ends the walk at the top
    return depth


def _document_problems(data: dict[str, Any]) -> list[str]:
    """The documents' layout and the card rules name things that exist and fit the sheet's groups."""
    documents = data.get("documents", {})
    kinds = document_kinds()
    kind = documents.get("kind", "custom")
    if kind not in kinds:
        return [tr("sheet.unknown_kind", field="documents.kind", value=kind, known="、".join(kinds))]
    if "levels" in documents:
        groups = {g["id"]: g for g in data["groups"]}
        depth = max(_depth_of(g, groups) for g in groups)
        if len(documents["levels"]) != depth:
            return [tr("sheet.levels_mismatch", field="documents.levels", count=len(documents["levels"]), depth=depth)]
    rules = data.get("card_rules")
    if rules is not None and not resource(f"cards/{rules}.toml").is_file():
        return [tr("sheet.unknown_reference", field="card_rules", value=rules)]
    return []


def _document_spec(data: dict[str, Any]) -> DocumentSpec:
    documents = data.get("documents", {})
    kind = documents.get("kind", "custom")

    def value(key: str, fallback: Any = None) -> Any:
        return documents.get(key, fallback)

    by_id = {g["id"]: g for g in data["groups"]}
    depth = max(_depth_of(g, by_id) for g in by_id)
    levels = value("levels")
    if levels is None or len(levels) != depth:  # a sheet that names no levels: the usual names of the forms
        usual = {1: [tr("sheet.level_first")], 2: [tr("sheet.level_stage"), tr("sheet.level_first")]}
        levels = usual.get(depth) or [tr("sheet.level_n", n=n) for n in range(1, depth + 1)]
    line_names = value("line_names", True)
    return DocumentSpec(
        kind=kind, scene=value("scene", ""), supervision=value("supervision", "special"), batch=value("batch", False),
        levels=tuple(levels), line_heading=value("line_heading", tr("sheet.level_second")) if line_names else None,
        heading=value("heading"), result_heading=value("result_heading"), remarks_heading=value("remarks_heading"),
        number_lines=value("number_lines", False), vetoes_first=value("vetoes_first", False),
        assessment=value("assessment"), notes_heading=value("notes_heading"),
    )




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
    from qbaudit.analysis.sheets.validation import points_problems, rule_problems, yes_no_problems

    return rule_problems(data) + (points_problems(data) if method is Method.POINTS else yes_no_problems(data))


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
             documents=tuple(line.get("documents", ())), named="name" in line, rules=tuple(line.get("rules", ())))
        for line in data["lines"]
    )
    if not any("rules" in line for line in data["lines"]):
        lines = _rules_by_name(lines)
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
        documents=_document_spec(data),
        card_rules=data.get("card_rules"),
    )


def _rules_by_name(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """A sheet written before lines named their rules (an audit recorded then keeps its sheet's text): each line
    informed by the rules whose ``sheet_line`` in ``resources/rules.toml`` is its name, as it was then."""
    from dataclasses import replace

    from qbaudit.analysis.rules import rule_catalogue

    catalogue = rule_catalogue().values()
    return tuple(replace(line, rules=tuple(r.id for r in catalogue if line.name in r.sheet_lines)) for line in lines)


_SENTENCE_END = re.compile(r"(?<=[。；;])")


def criterion_points(line: Line) -> list[str]:
    """The criterion cut into its sentences: each is one thing to see for the line."""
    return [part.strip() for part in _SENTENCE_END.split(line.criterion) if part.strip()]
