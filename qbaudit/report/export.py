"""The findings export (.xlsx) for people who sort and filter: the findings, every evidence row in one
long table, the score sheet and the inputs. Numbers stay numbers; no cell is ever a formula."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import ColumnKind, Finding
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.i18n import tr
from qbaudit.report.model import (
    ReportData,
    ReportKind,
    ReportOutcome,
    cell_text,
    date_text,
    evidence_tables,
    level_text,
    levels_text,
    overridden,
    status_text,
    verdict_text,
)
from qbaudit.report.xlsx import WorkSheet, write_workbook


def _plain(value: Any) -> Any:
    """A value for a cell: numbers as numbers (they sort), anything else as text."""
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return str(value)


def evidence_sheet(name: str, numbered: Sequence[tuple[int, Finding]], number_heading: str) -> WorkSheet:
    """Every evidence row of the numbered findings in one table: the finding's number, rule, level and
    table, then the union of the tables' columns (by label, in order of first appearance)."""
    labels: list[str] = []
    for _, finding in numbered:
        for evidence in evidence_tables(finding):
            for _, label in evidence.columns:
                if label not in labels:
                    labels.append(label)
    position = {label: index for index, label in enumerate(labels)}
    rows = []
    for number, finding in numbered:
        for evidence in evidence_tables(finding):
            for row in evidence.rows:
                values: list[Any] = [None] * len(labels)
                for key, label in evidence.columns:
                    value = row.get(key)
                    kind = evidence.kind(key)
                    values[position[label]] = cell_text(kind, value) if kind is ColumnKind.EXCERPT else _plain(value)
                rows.append([number, finding.rule, level_text(finding.level), evidence.title, *values])
    headings = [number_heading, tr("export.c_rule"), tr("export.c_level"), tr("export.c_table"), *labels]
    widths = [8, 7, 12, 26] + [min(max(len(label) * 2 + 2, 10), 34) for label in labels]
    return WorkSheet(name, headings, rows, widths)


def _about(data: ReportData) -> WorkSheet:
    kind = {ReportKind.QUICK: tr("report.record_quick"), ReportKind.DRAFT: tr("report.record_draft", id=data.audit_id,
                                                                             revision=data.revision),
            ReportKind.SIGNED: tr("report.record_signed", id=data.audit_id, revision=data.revision,
                                  by=data.signed_by or "", date=date_text(data.signed_at))}[data.kind]
    rows = [
        [tr("report.f_institution"), data.institution or ""],
        [tr("report.f_registration"), data.registration_number or ""],
        [tr("report.f_occupation"), data.occupation or ""],
        [tr("report.f_levels"), levels_text(data.levels)],
        [tr("report.f_as_of"), data.as_of.isoformat() if data.as_of else ""],
        [tr("report.f_record"), kind],
        [tr("report.f_profile"), f"{data.profile_name or ''}（{data.profile_id or ''}）"],
        [tr("report.f_sheet"), data.sheet.name],
        [tr("export.generated"), data.generated_at.strftime("%Y-%m-%d %H:%M")],
        [tr("export.total"), data.result.total],
        [tr("export.grade"), data.result.grade or tr("report.grade_pending")],
    ]
    return WorkSheet(tr("export.sheet_about"), [tr("export.c_item"), tr("export.c_value")], rows, [18, 70], filters=False)


def _findings(data: ReportData) -> WorkSheet:
    catalogue = rule_catalogue()
    rows = []
    for number, f in enumerate(data.findings, 1):
        entry = catalogue.get(f.rule)
        rows.append([number, f.rule, entry.name if entry else "", level_text(f.level), status_text(f.status), f.message,
                     _plain(f.measured), f.comparator, _plain(f.threshold), f.unit, f.sheet_line, f.source, f.clause,
                     f.waiver_reason or "", sum(len(e) for e in f.evidence)])
    headings = [tr(f"export.c_{key}") for key in ("number", "rule", "rule_name", "level", "status", "message", "measured",
                                                  "comparator", "threshold", "unit", "sheet_line", "source", "clause",
                                                  "waiver", "evidence_rows")]
    widths = [6, 6, 22, 12, 8, 60, 10, 5, 10, 8, 14, 30, 40, 20, 8]
    return WorkSheet(tr("export.sheet_findings"), headings, rows, widths)


def _sheet(data: ReportData) -> WorkSheet:
    sheet = data.sheet
    rows = []
    for row in data.result.lines:
        suggestion, decision = row.suggestion, row.decision
        suggested = (verdict_text(sheet, suggestion.verdict, None) if suggestion and suggestion.verdict
                     else tr("report.from_documents") if suggestion else "")
        rows.append([row.line.id, sheet.group(row.line.group).name, row.line.name, row.line.max, suggested,
                     suggestion.score if suggestion else None,
                     sheet.label(decision.verdict) if decision else "", decision.score if decision else None,
                     row.score, decision.reason if decision and overridden(row) else "",
                     suggestion.explanation if suggestion else ""])
    rows.append(["", tr("report.total_row"), "", sheet.total, "", None, "", None, data.result.total, "", ""])
    headings = [tr(f"export.c_{key}") for key in ("line", "group", "line_name", "max", "suggested", "suggested_score",
                                                  "decided", "decided_score", "counted_score", "reason", "basis")]
    return WorkSheet(tr("export.sheet_sheet"), headings, rows, [5, 16, 14, 6, 10, 8, 10, 8, 8, 30, 50])


def _inputs(data: ReportData) -> WorkSheet:
    rows = [[i.kind, i.name, i.rows_taken, i.rows_rejected, i.size, i.sha256] for i in data.inputs]
    headings = [tr(f"export.c_{key}") for key in ("kind", "file", "rows", "rejected", "size", "sha256")]
    return WorkSheet(tr("export.sheet_inputs"), headings, rows, [10, 30, 10, 10, 12, 70])


def write_findings_export(data: ReportData, path: str | Path) -> ReportOutcome:
    """Write the findings export of ``data`` to ``path`` (.xlsx)."""
    started = time.perf_counter()
    numbered = list(enumerate(data.findings, 1))
    sheets = [_about(data), _findings(data), evidence_sheet(tr("export.sheet_evidence"), numbered, tr("export.c_number")),
              _sheet(data), _inputs(data)]
    saved = write_workbook(path, sheets)
    return ReportOutcome(saved, [], time.perf_counter() - started)
