"""The problem list (问题清单) of an institution's self-check, as Tianjin asks institutions to report it:
one row per problem with the rule and the evidence, and empty columns for 整改措施, 责任人, 完成时限 and
整改进展. Written as .xlsx (with every evidence row on a second sheet) or as .docx.

A problem is a rule not met at a level, a result to be checked (warn), a line scored below its
maximum (or judged 否) with no failed rule behind it (the inspector's reason says why), a veto item
that occurred, or a behaviour of Shandong's 第二十二条 recorded on the audit. The fixed wording (column
headings) is data: ``resources/report/problems.toml``; the title and the heading of the sheet's column
are the audit kind's (``resources/report/kinds.toml``), the lines named in the form's own words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr
from qbaudit.report.kinds import wording as kind_wording
from qbaudit.report.model import (
    ReportData,
    ReportOutcome,
    cell_text,
    evidence_tables,
    level_text,
    levels_text,
    number_text,
    rule_title,
    verdict_text,
    veto_label,
)

IDENTIFYING_KEYS = ("item_id", "code", "scope", "name", "type", "importance")  # columns that name what a row is about
SHOWN_IDS = 6


@cache
def wording() -> dict[str, Any]:
    """The problem list's fixed wording (``resources/report/problems.toml``)."""
    return load_toml("report/problems.toml")


@dataclass(frozen=True)
class Problem:
    """One row of the problem list."""

    number: int
    indicator: str  # 一级指标 · 二级指标 of the sheet
    rule: str  # "R2 每个考评点的试题数量", or "" when the inspector's verdict stands alone
    level: str
    kind: str
    description: str
    basis: str
    evidence: str  # a summary; the rows are on the evidence sheet
    finding: Finding | None = None


def evidence_summary(finding: Finding) -> str:
    """The evidence of a finding in a line or two: each table's title, its row count and the first ids."""
    parts = []
    for evidence in evidence_tables(finding):
        key = _identifying_key(evidence)
        ids = [cell_text(evidence.kind(key), row.get(key)) for row in evidence.rows[:SHOWN_IDS]] if key else []
        ids = [text for text in ids if text]
        more = tr("problems.and_more") if len(evidence.rows) > SHOWN_IDS else ""
        listed = tr("problems.ids", ids="、".join(ids), more=more) if ids else ""
        parts.append(tr("problems.table_summary", title=evidence.title, rows=len(evidence.rows), ids=listed))
    return "\n".join(parts)


def _identifying_key(evidence: Evidence) -> str | None:
    keys = [key for key, _ in evidence.columns]
    return next((key for key in IDENTIFYING_KEYS if key in keys), None)


def _kind(finding: Finding) -> str:
    if finding.status is Status.FAIL:
        return tr("problems.kind_fail")
    return tr("problems.kind_advisory") if finding.advisory else tr("problems.kind_warn")


def problems_of(data: ReportData) -> list[Problem]:
    """The problems of ``data`` in the order of the sheet's lines, then the other rules, then vetoes."""
    sheet = data.sheet
    catalogue = rule_catalogue()
    order = list(catalogue)
    level_order = {level: index for index, level in enumerate(data.levels)}
    flagged = sorted((f for f in data.findings if f.status in (Status.FAIL, Status.WARN)),
                     key=lambda f: (order.index(f.rule) if f.rule in order else len(order),
                                    level_order.get(f.level, len(level_order))))
    rows: list[dict[str, Any]] = []
    placed: set[int] = set()
    lost_lines = {row.line.id for row in data.lost_lines()}
    for line_row in data.result.lines:
        line = line_row.line
        own = line.name if sheet.layout.line_heading is not None and line.named else tr("problems.line_number", id=line.id)
        indicator = "·".join([*(g.name for g in sheet.path(line)), own])
        informing = [f for f in flagged if f.sheet_line == line.name]
        for finding in informing:
            placed.add(id(finding))
            rows.append(_finding_row(finding, indicator))
        if line.id in lost_lines and not any(f.status is Status.FAIL for f in informing):
            reason = line_row.decision.reason if line_row.decision is not None else ""
            if line.max is not None:
                description = tr("problems.line_lost", line=sheet.line_text(line),
                                 verdict=verdict_text(sheet, line_row.verdict, line_row.score), max=number_text(line.max))
            else:
                description = tr("problems.line_no", line=sheet.line_text(line), verdict=sheet.label(line_row.verdict))
            rows.append(dict(indicator=indicator, rule="", level=tr("report.all_levels"), kind=tr("problems.kind_line" if line.max is not None else "problems.kind_line_no",
                                                         label=sheet.label(line_row.verdict)),
                             description=description + (tr("problems.reason", reason=reason) if reason else ""),
                             basis=line.criterion, evidence="", finding=None))
    for finding in flagged:
        if id(finding) not in placed:
            rows.append(_finding_row(finding, finding.sheet_line))
    for veto, decision in data.result.vetoed:
        rows.append(dict(indicator=veto_label(sheet), rule="", level=tr("report.all_levels"),
                         kind=tr("problems.kind_veto"), description=f"{veto.id} {veto.text}：{decision.description}",
                         basis=sheet.source, evidence="", finding=None))
    from qbaudit.report.notice import grounds_catalogue
    from qbaudit.report.notice import wording as notice_wording

    known = {g["id"]: g for g in grounds_catalogue()}
    for ground_id, note in data.grounds:
        ground = known[ground_id]
        rows.append(dict(indicator=f"{notice_wording()['grounds_source_short']}{ground['number']}", rule="",
                         level=tr("report.all_levels"), kind=tr("problems.kind_ground"),
                         description=ground["text"] + (f"：{note}" if note else ""),
                         basis=notice_wording()["grounds_source"], evidence="", finding=None))
    return [Problem(number=index, **row) for index, row in enumerate(rows, 1)]


def _finding_row(finding: Finding, indicator: str) -> dict[str, Any]:
    entry = rule_catalogue().get(finding.rule)
    basis = f"{entry.source}：{entry.clause}" if entry else finding.source
    description = finding.message + (tr("report.waiver_reason", reason=finding.waiver_reason)
                                     if finding.waiver_reason else "")
    return dict(indicator=indicator, rule=rule_title(finding.rule), level=level_text(finding.level),
                kind=_kind(finding), description=description, basis=basis, evidence=evidence_summary(finding),
                finding=finding)


def _title(data: ReportData) -> str:
    return kind_wording(data, "problems_title", chinese=True)


def _headings(data: ReportData) -> dict[str, str]:
    """The column headings; the sheet's column is named as the kind names it (评分表指标, 督导内容)."""
    return {**wording()["columns"], "indicator": kind_wording(data, "problems_indicator", chinese=True)}


def _subtitles(data: ReportData) -> tuple[str, str]:
    from qbaudit.analysis.sheets import uses_checks
    from qbaudit.report.model import date_text

    values = dict(institution=data.institution or "", occupation=data.occupation or "",
                  levels=levels_text(data.levels), as_of=data.as_of.isoformat() if data.as_of else "",
                  date=date_text(data.audit_date))
    second = "subtitle2" if uses_checks(data.sheet) else "subtitle2_plain"
    return wording()["subtitle"].format(**values), wording()[second].format(**values)


_COLUMNS = ("number", "indicator", "rule", "level", "kind", "description", "basis", "evidence", "measures", "owner",
            "deadline", "progress")
_FILL_IN = ("measures", "owner", "deadline", "progress")


def write_problem_list(data: ReportData, path: str | Path) -> ReportOutcome:
    """Write the problem list to ``path``: .docx for a Word table, anything else as .xlsx."""
    if Path(path).suffix.lower() == ".docx":
        return write_problem_list_docx(data, path)
    return write_problem_list_xlsx(data, path)


def write_problem_list_xlsx(data: ReportData, path: str | Path) -> ReportOutcome:
    """The problem list as a workbook: the list, then every evidence row by problem number."""
    from qbaudit.report.export import evidence_sheet
    from qbaudit.report.xlsx import WorkSheet, write_workbook

    started = time.perf_counter()
    words = wording()
    problems = problems_of(data)
    columns = _headings(data)
    headings = [columns[key] for key in _COLUMNS]
    rows = [[p.number, p.indicator, p.rule, p.level, p.kind, p.description, p.basis, p.evidence, None, None, None, None]
            for p in problems]
    widths = [5, 18, 16, 11, 9, 44, 30, 34, 24, 9, 10, 20]
    listing = WorkSheet(words["sheet_name"], headings, rows, widths, titles=(_title(data), *_subtitles(data)),
                        blank_columns=tuple(_COLUMNS.index(key) for key in _FILL_IN))
    numbered = [(p.number, p.finding) for p in problems if p.finding is not None]
    details = evidence_sheet(words["evidence_sheet_name"], numbered, columns["number"])
    saved = write_workbook(path, [listing, details])
    return ReportOutcome(saved, [], time.perf_counter() - started)


def write_problem_list_docx(data: ReportData, path: str | Path) -> ReportOutcome:
    """The problem list as a landscape Word table (the evidence summarised in its column)."""
    from qbaudit.report.official import CENTER, LEFT, Column, OfficialDocument

    started = time.perf_counter()
    from qbaudit.analysis.sheets import uses_checks

    checked = uses_checks(data.sheet)  # a sheet no check informs has no evidence to summarise
    columns_used = ("number", "indicator", "description", *(("evidence",) if checked else ()), "measures", "owner",
                    "deadline", "progress")
    widths = {"number": 9, "indicator": 26, "description": 58 if checked else 80, "evidence": 40, "measures": 38,
              "owner": 16, "deadline": 18, "progress": 20}
    doc = OfficialDocument(landscape=True)
    doc.doc.core_properties.title = _title(data)
    doc.title(_title(data))
    for line in _subtitles(data):
        doc.paragraph(line, doc.note_style, align=LEFT)
    headings = _headings(data)
    columns = [Column(headings[key], widths[key], CENTER if key == "number" else LEFT) for key in columns_used]
    rows = []
    for p in problems_of(data):
        description = "\n".join(part for part in (p.rule and f"{p.rule}（{p.level}）", p.kind + "：" + p.description) if part)
        rows.append([str(p.number), p.indicator, description, *([p.evidence] if checked else []), "", "", "", ""])
    if rows:
        doc.table(columns, rows, small=True)
    else:
        doc.paragraph(tr("problems.none"))
    saved = doc.save(path)
    return ReportOutcome(saved, [], time.perf_counter() - started)
