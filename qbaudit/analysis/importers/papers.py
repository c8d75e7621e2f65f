"""Import exam papers and paper plans.

Papers come as a list (``.xlsx``/``.csv``: one row per item with 试卷编号 and 试题编号; the header
fields 机构名称, 职业（工种）, 等级, 考试时长, 场次 on those rows or on rows of their own) or as one Word
document per paper (header lines such as ``考试时长：120分钟`` above the numbered items, whose texts
are matched to the bank). An item of a paper that is not in the bank is reported and kept.

A paper plan (组卷计划书) lists, per level, how many items of a scope (and item type) go into one paper.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import polars as pl

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers.cells import ensure_columns, resolve_levels
from qbaudit.analysis.importers.headers import kind_spec, match_header
from qbaudit.analysis.importers.outcome import ImportResult, RowIssue, Severity
from qbaudit.analysis.importers.reading import ROW, ReadError, fingerprint, read_bytes
from qbaudit.analysis.importers.records import Record
from qbaudit.analysis.importers.table import SHEET, load_table
from qbaudit.analysis.model import Bank, InputFile, Paper, PaperPlan, PlanEntry, RowRef
from qbaudit.analysis.vocabulary import fold, normalise_code, parse_item_type, parse_level, usable_number
from qbaudit.i18n import tr

HEADER_FIELDS = ("institution", "occupation", "level", "duration", "session")
_MINUTES = re.compile(r"(\d+(?:\.\d+)?)\s*(分钟|分|min|minutes?|小时|h|hours?)?", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^\s*([^：:]{1,12})\s*[：:]\s*(.+?)\s*$")
_FUZZY_MATCH = 92.0  # a Word item whose text is this close to one bank item is taken as that item


def parse_minutes(text: str) -> float | None:
    """A duration cell in minutes: ``120``, ``120分钟``, ``2小时``, ``1.5 h``."""
    match = _MINUTES.search(fold(text).lower())
    if not match:
        return None
    value = float(match.group(1))
    if not usable_number(value):
        return None
    unit = (match.group(2) or "").lower()
    return value * 60 if unit in ("小时", "h", "hour", "hours") else value


@dataclass
class _Draft:
    paper_id: str
    source: RowRef
    fields: dict[str, str] = field(default_factory=dict)
    items: list[tuple[float, int, str, RowRef]] = field(default_factory=list)  # (position, order, item id, where)


def _bank_ids(bank: Bank | None) -> set[str] | None:
    return None if bank is None else set(bank.items[C.ITEM_ID].astype(str).tolist())


def import_papers(paths: str | Path | Sequence[str | Path], bank: Bank | None = None,
                  default_level: int | None = None) -> ImportResult[list[Paper]]:
    """Import papers from lists (``.xlsx``/``.csv``) and Word documents (one paper each).

    Args:
        paths: files, or folders whose ``.xlsx``/``.xls``/``.csv``/``.docx`` files are read.
        bank: the bank the papers were drawn from; required for Word papers (their items are
            matched to it by text) and used to report list items that are not in it.
        default_level: the level of papers that name none.
    """
    files = _expand([paths] if isinstance(paths, str | Path) else list(paths))
    result: ImportResult[list[Paper]] = ImportResult(data=[])
    known = _bank_ids(bank)
    for path in files:
        if path.suffix.lower() == ".docx":
            part = _import_word_paper(path, bank, default_level)
        else:
            part = _import_paper_list(path, known, default_level)
        if part.error:
            result.error = part.error if result.error is None else f"{result.error}\n{part.error}"
        result.issues += part.issues
        result.inputs += part.inputs
        result.mapping += part.mapping
        result.rows_taken += part.rows_taken
        result.data = (result.data or []) + (part.data or [])
    seen: dict[str, str] = {}
    for paper in result.data or []:
        if paper.paper_id in seen:
            result.issues.append(RowIssue(paper.source.file if paper.source else "", None, None, None,
                                          tr("papers.duplicate_id", paper=paper.paper_id, other=seen[paper.paper_id]),
                                          Severity.WARNING))
        seen[paper.paper_id] = paper.source.file if paper.source else ""
    if result.error:
        result.data = None
    elif not result.data:
        result.error = tr("papers.none", files="、".join(p.name for p in files) or str(paths))
        result.data = None
    return result


def _expand(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            files += sorted(p for p in entry.iterdir()
                            if p.suffix.lower() in (".xlsx", ".xls", ".csv", ".docx") and not p.name.startswith("~$"))
        else:
            files.append(entry)
    return files


def _import_paper_list(path: Path, known: set[str] | None, default_level: int | None) -> ImportResult[list[Paper]]:
    table = load_table(path, "papers")
    if isinstance(table, str):
        return ImportResult.failure(table)
    frame = ensure_columns(table.frame, ["paper_id", "item_id", "position", *HEADER_FIELDS])
    drafts: dict[str, _Draft] = {}
    rejected = 0
    for order, row in enumerate(frame.iter_rows(named=True)):
        ref = RowRef(table.file, row[SHEET], row[ROW])
        if row["paper_id"] is None:
            table.issue(Severity.REJECTED, tr("papers.no_paper_id"), ref.sheet, ref.row, "paper_id")
            rejected += 1
            continue
        draft = drafts.setdefault(row["paper_id"], _Draft(row["paper_id"], ref))
        for name in HEADER_FIELDS:
            value = row[name]
            if value is None:
                continue
            if name in draft.fields and fold(draft.fields[name]) != fold(value):
                table.issue(Severity.WARNING, tr("papers.field_conflict", field=table.spec.fields[name].label,
                                                 first=draft.fields[name], value=value), ref.sheet, ref.row, name)
                continue
            draft.fields.setdefault(name, value)
        if row["item_id"] is not None:
            try:
                position = float(row["position"]) if row["position"] is not None else float("inf")
            except ValueError:
                position = float("inf")
            draft.items.append((position, order, row["item_id"], ref))
    papers = [_paper(draft, table.issue, default_level, known) for draft in drafts.values()]
    table.rows_rejected += rejected
    rows = frame.height - rejected
    return ImportResult(data=papers, issues=table.sorted_issues(), mapping=table.mapping,
                        inputs=[table.input_file(rows)], rows_taken=rows)


def _paper(draft: _Draft, issue, default_level: int | None, known: set[str] | None) -> Paper:
    """A paper from its draft; reports bad header fields and items not in the bank."""
    level = None
    if "level" in draft.fields:
        level = parse_level(draft.fields["level"])
        if level is None:
            issue(Severity.WARNING, tr("papers.level_unknown", value=draft.fields["level"]), draft.source.sheet,
                  draft.source.row, "level")
    level = level or default_level
    duration = None
    if "duration" in draft.fields:
        duration = parse_minutes(draft.fields["duration"])
        if duration is None:
            issue(Severity.WARNING, tr("papers.duration_unknown", value=draft.fields["duration"]), draft.source.sheet,
                  draft.source.row, "duration")
    ordered = sorted(draft.items)
    seen: set[str] = set()
    item_ids: list[str] = []
    for _, _, item_id, ref in ordered:
        if item_id in seen:
            issue(Severity.WARNING, tr("papers.item_twice", item=item_id, paper=draft.paper_id), ref.sheet, ref.row,
                  "item_id")
            continue
        seen.add(item_id)
        item_ids.append(item_id)
        if known is not None and item_id not in known:
            issue(Severity.WARNING, tr("papers.item_not_in_bank", item=item_id, paper=draft.paper_id), ref.sheet,
                  ref.row, "item_id")
    return Paper(paper_id=draft.paper_id, level=level, item_ids=tuple(item_ids),
                 institution=draft.fields.get("institution"), occupation=draft.fields.get("occupation"),
                 duration_minutes=duration, session=draft.fields.get("session"), source=draft.source)


def _import_word_paper(path: Path, bank: Bank | None, default_level: int | None) -> ImportResult[list[Paper]]:
    import io

    import docx

    from qbaudit.analysis.importers.archive import ArchiveError
    from qbaudit.analysis.importers.docx import parse_docx
    from qbaudit.analysis.importers.records import FormatError

    try:
        _, content = read_bytes(path)
    except ReadError as exc:
        return ImportResult.failure(str(exc))
    if bank is None:
        return ImportResult.failure(tr("papers.word_needs_bank", file=path.name))
    try:  # read_bytes refused a zip bomb already (the guarded door)
        parsed = parse_docx(path.name, content)
        document = docx.Document(io.BytesIO(content))
    except (ArchiveError, FormatError) as exc:
        return ImportResult.failure(str(exc))
    spec = kind_spec("papers")
    header: dict[str, str] = {}
    consumed: set[int] = set()
    first_item = min((r.row for r in parsed.records), default=10**9)
    for number, paragraph in enumerate(document.paragraphs, start=1):
        if number >= first_item:
            break
        text = paragraph.text.strip()
        for piece in re.split(r"\s{2,}|\t", text):
            match = _KEY_VALUE.match(piece)
            hit = match_header(match.group(1), spec) if match else None
            if match is not None and hit is not None and hit.field in (*HEADER_FIELDS, "paper_id"):
                header.setdefault(hit.field, match.group(2))
                consumed.add(number)
        if "level" not in header and parse_level(text) is not None and number not in consumed:
            header["level_from_title"] = text
    if "level" not in header and "level_from_title" in header:
        header["level"] = header["level_from_title"]
    header.pop("level_from_title", None)
    issues = [i for i in parsed.issues if i.row not in consumed]
    paper_id = header.pop("paper_id", path.stem)
    ref = RowRef(path.name, None, 1)
    draft = _Draft(paper_id, ref, fields=header)

    def issue(severity: Severity, reason: str, sheet, row, column=None) -> None:
        issues.append(RowIssue(path.name, sheet, row, spec.fields[column].label if column in spec.fields else None,
                               reason, severity, parsed.unit))

    level = parse_level(header["level"]) if "level" in header else default_level
    matched = _match_items(parsed.records, bank, level)
    for order, (record, item_id, score) in enumerate(matched):
        record = cast(Record, record)
        where = RowRef(path.name, None, record.row)
        if item_id is None:
            issue(Severity.WARNING, tr("papers.word_item_unmatched", number=order + 1), None, record.row)
            item_id = tr("papers.unmatched_id", paper=paper_id, number=order + 1)
        elif score < 100:
            issue(Severity.INFO, tr("papers.word_item_close", number=order + 1, item=item_id, score=f"{score:.0f}"),
                  None, record.row)
        draft.items.append((float(order), order, item_id, where))
    paper = _paper(draft, issue, default_level, None)
    input_file = InputFile(name=path.name, kind="papers", sha256=fingerprint(content), size=len(content),
                           rows_taken=len(matched), rows_rejected=parsed.rows_rejected)
    return ImportResult(data=[paper], issues=issues, inputs=[input_file], rows_taken=len(matched))


def _match_items(records, bank: Bank, level: int | None) -> list[tuple[object, str | None, float]]:
    """Each record's bank item: the same normalised text (same level first), else a close one."""
    from rapidfuzz import fuzz, process

    from qbaudit.analysis.textnorm import normalised_texts

    columns: dict[str, list[Any]] = {C.STEM: [], **{c: [] for c in C.OPTIONS}}
    for record in records:
        columns[C.STEM].append(record.fields.get("stem"))
        for letter in OPTION_LETTERS:
            columns[option_column(letter)].append(record.fields.get(option_column(letter)))
    wanted = normalised_texts(pl.DataFrame(columns, schema={k: pl.String for k in columns})).get_column("text").to_list()
    items = bank.items
    texts = normalised_texts(items).get_column("text").to_list()
    ids = items[C.ITEM_ID].astype(str).tolist()
    levels = items[C.LEVEL].tolist()
    by_text: dict[str, list[int]] = defaultdict(list)
    for position, text in enumerate(texts):
        by_text[text].append(position)
    same_level = [p for p in range(len(texts)) if level is None or levels[p] == level]
    candidates = [texts[p] for p in same_level]
    result = []
    for record, text in zip(records, wanted, strict=True):
        exact = by_text.get(text, [])
        if exact:
            best = next((p for p in exact if level is None or levels[p] == level), exact[0])
            result.append((record, ids[best], 100.0))
            continue
        found = process.extractOne(text, candidates, scorer=fuzz.ratio, score_cutoff=_FUZZY_MATCH) if text else None
        result.append((record, ids[same_level[found[2]]], float(found[1])) if found else (record, None, 0.0))
    return result


def import_plan(path: str | Path, default_level: int | None = None) -> ImportResult[PaperPlan]:
    """Import a paper plan: per level, items per scope (and type) in one paper."""
    table = load_table(path, "plan")
    if isinstance(table, str):
        return ImportResult.failure(table)
    frame = ensure_columns(table.frame, ["level", "scope_code", "scope_name", "item_type", "items"])
    frame = resolve_levels(table, frame, default_level)
    entries: list[PlanEntry] = []
    rejected = 0
    for row in frame.iter_rows(named=True):
        ref = RowRef(table.file, row[SHEET], row[ROW])
        try:
            number = float(fold(row["items"]))
            if not usable_number(number):
                raise ValueError(row["items"])
            count = int(number)
        except (TypeError, ValueError, OverflowError):
            table.issue(Severity.REJECTED, tr("plan.items_unreadable", value=row["items"]), ref.sheet, ref.row, "items")
            rejected += 1
            continue
        if row["scope_code"] is None and row["scope_name"] is None:
            table.issue(Severity.REJECTED, tr("plan.no_scope"), ref.sheet, ref.row)
            rejected += 1
            continue
        item_type = None
        if row["item_type"] is not None:
            item_type = parse_item_type(row["item_type"])
            if item_type is None:
                table.issue(Severity.WARNING, tr("plan.type_unknown", value=row["item_type"]), ref.sheet, ref.row,
                            "item_type")
        entries.append(PlanEntry(level=row["level"], items=count,
                                 scope_code=normalise_code(row["scope_code"]) if row["scope_code"] else None,
                                 scope_name=row["scope_name"], item_type=item_type, source=ref))
    table.rows_rejected += rejected
    plan = PaperPlan(entries=entries, sources=[table.input_file(frame.height - rejected)])
    return ImportResult(data=plan, issues=table.sorted_issues(), mapping=table.mapping, inputs=plan.sources,
                        rows_taken=frame.height - rejected)
