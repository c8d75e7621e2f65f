"""The audit report (.docx): header block, conclusion, the score sheet laid out like 附件2, findings by
rule with their evidence, charts, and an appendix of inputs, fingerprints, profile and waivers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets import Method, Verdict
from qbaudit.i18n import tr
from qbaudit.report.model import (
    ITEM_TEXT_PREFIX,
    ReportData,
    ReportKind,
    ReportOutcome,
    cell_text,
    date_text,
    evidence_tables,
    level_text,
    levels_text,
    measured_text,
    number_text,
    overridden,
    required_text,
    rule_title,
    status_text,
    verdict_text,
)
from qbaudit.report.official import CENTER, LEFT, RIGHT, Column, OfficialDocument, merge_text, style_sheet

_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二 (headings count in Chinese numerals)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (_NUMERALS[ones - 1] if ones else "")


def report_title(data: ReportData) -> str:
    """The document's title."""
    occupation = data.occupation or ""
    return tr("report.title_quick" if data.kind is ReportKind.QUICK else "report.title", occupation=occupation)


class _Counter:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def write_report(data: ReportData, path: str | Path, *, charts: bool = True, font: str | None = None) -> ReportOutcome:
    """Write the audit report of ``data`` to ``path`` (.docx) and say what came of it.

    ``font`` overrides the CJK font of the charts (see :func:`qbaudit.report.charts.render_charts`).
    """
    started = time.perf_counter()
    layout = style_sheet()["report"]
    doc = OfficialDocument()
    doc.doc.core_properties.title = report_title(data)
    doc.doc.core_properties.author = "qbaudit"
    counter = _Counter()
    doc.title(report_title(data))
    if data.kind is ReportKind.QUICK:
        doc.paragraph(tr("report.quick_subtitle"), doc.subtitle_style)
    _header(doc, data)
    _conclusion(doc, data, chinese_number(1))
    _score_sheet(doc, data, counter, chinese_number(2))
    _findings(doc, data, counter, layout["max_evidence_rows"], chinese_number(3))
    outcome = ReportOutcome(Path(path))
    if charts:
        _charts(doc, data, counter, chinese_number(4), layout, outcome, font)
    _closing(doc, data)
    doc.page_break()
    _appendix(doc, data, counter)
    outcome.path = doc.save(path)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _charts(doc: OfficialDocument, data: ReportData, counter: _Counter, number: str, layout: dict[str, Any],
            outcome: ReportOutcome, font: str | None) -> None:
    from qbaudit.report.charts import render_charts

    chart_set = render_charts(data.findings, width_mm=layout["chart_width_mm"], dpi=layout["chart_dpi"], font=font)
    outcome.warnings.extend(chart_set.warnings)
    doc.heading(tr("report.h_charts", n=number))
    if chart_set.font is None:
        doc.note(tr("charts.no_cjk_font"))
    for chart in chart_set.charts:
        if chart.png is None:
            doc.paragraph(tr("report.chart_left_out", caption=chart.caption, note=chart.note))
            continue
        doc.picture(chart.png, layout["chart_width_mm"], tr("report.figure_caption", n=counter.figure(),
                                                            caption=chart.caption))
        outcome.charts += 1
        if chart.note:
            doc.note(chart.note)


# --- header block ---------------------------------------------------------------------------------------------


def _people(data: ReportData) -> str:
    return "、".join(f"{name}（{role}{'，' + code if code else ''}）" for name, role, code in data.inspectors)


def _record_text(data: ReportData) -> str:
    if data.kind is ReportKind.QUICK:
        return tr("report.record_quick")
    if data.kind is ReportKind.SIGNED:
        return tr("report.record_signed", id=data.audit_id, revision=data.revision, by=data.signed_by or "",
                  date=date_text(data.signed_at))
    return tr("report.record_draft", id=data.audit_id, revision=data.revision)


def _header(doc: OfficialDocument, data: ReportData) -> None:
    missing = tr("report.not_given")
    rows = [
        (tr("report.f_institution"), data.institution or missing, tr("report.f_registration"),
         data.registration_number or missing),
        (tr("report.f_occupation"), data.occupation or missing, tr("report.f_levels"), levels_text(data.levels) or missing),
        (tr("report.f_audit_date"), date_text(data.audit_date) or missing, tr("report.f_as_of"), date_text(data.as_of)),
        (tr("report.f_inspectors"), _people(data) or missing, "", ""),
        (tr("report.f_sheet"), f"{data.sheet.name}（{data.sheet.source}）", "", ""),
        (tr("report.f_record"), _record_text(data), "", ""),
    ]
    columns = [Column("", 34, CENTER), Column("", 46), Column("", 30, CENTER), Column("", 46)]
    label = doc.head_style
    table = doc.table(columns, rows, header=False, styles=[label, None, label, None])
    for row in table.rows[3:]:
        first = row.cells[1]
        merged = first.merge(row.cells[3])
        merge_text(merged, first.text, doc.cell_style, LEFT)


# --- conclusion -----------------------------------------------------------------------------------------------


def _conclusion(doc: OfficialDocument, data: ReportData, number: str) -> None:
    doc.heading(tr("report.h_conclusion", n=number))
    result, sheet = data.result, data.sheet
    subject = tr("report.subject", institution=data.institution or tr("report.the_institution"),
                 occupation=data.occupation or "", levels=levels_text(data.levels))
    maximum = number_text(sheet.total)
    if data.kind is ReportKind.QUICK:
        doc.paragraph(tr("report.quick_notice"))
        open_lines = result.open_lines
        open_points = sum(line.max or 0 for line in open_lines)
        judged = len(result.lines) - len(open_lines)
        if result.grade is not None:
            doc.paragraph(tr("report.quick_total_graded", subject=subject, total=number_text(result.total), max=maximum,
                             grade=result.grade))
        else:
            best = (result.total or 0) + open_points
            reachable = sheet.grade_for(best) if sheet.method is Method.POINTS and sheet.bands else ""
            doc.paragraph(tr("report.quick_total", subject=subject, judged=judged, total=number_text(result.total),
                             open=len(open_lines), open_points=number_text(float(open_points)),
                             best=number_text(float(best)), reachable=reachable))
    else:
        total = number_text(result.total) if result.total is not None else ""
        grade = result.grade or tr("report.grade_pending")
        if sheet.method is Method.POINTS:
            key = "report.total_signed" if data.kind is ReportKind.SIGNED else "report.total_draft"
            doc.runs([(tr(key, subject=subject, total=total, max=maximum), False),
                      (tr("report.grade_is", grade=grade), True)])
        else:
            share = f"{float(result.no_share) * 100:.1f}" if result.no_share is not None else "0"
            doc.runs([(tr("report.no_share", subject=subject, count=result.no_count, lines=len(result.lines),
                          share=share), False), (tr("report.grade_is", grade=grade), True)])
        if data.kind is ReportKind.DRAFT:
            doc.paragraph(tr("report.draft_notice", revision=data.revision,
                             open=len(result.open_lines), unconfirmed=len(result.unconfirmed)))
    vetoed = result.vetoed
    if vetoed:
        for veto, decision in vetoed:
            doc.runs([(tr("report.veto_occurred", id=veto.id, text=veto.text), True),
                      (tr("report.veto_description", description=decision.description), False)])
    elif data.kind is not ReportKind.QUICK:
        doc.paragraph(tr("report.no_veto"))
    if data.kind is ReportKind.QUICK:
        lost = data.lost_lines()
        if lost:
            items = "；".join(f"{row.line.name}（{verdict_text(sheet, row.verdict, row.score)}"
                             + (f"/{number_text(row.line.max)}" if row.line.max is not None else "") + "）" for row in lost)
            doc.paragraph(tr("report.lost_lines", count=len(lost), lines=items))
    else:
        _group_totals(doc, data)
    failed = _by_rule(data.failed_findings)
    if failed:
        doc.paragraph(tr("report.failed_rules", count=len(failed)))
        for rule_id, findings in failed.items():
            entry = rule_catalogue().get(rule_id)
            messages = "".join(_sentence(f.message) for f in findings)
            doc.runs([(f"{rule_title(rule_id)}：", True), (messages, False),
                      (tr("report.basis", source=entry.source if entry else findings[0].source), False)])
    else:
        doc.paragraph(tr("report.no_failed_rules"))
    warned = _by_rule([f for f in data.findings if f.status is Status.WARN])
    if warned:
        doc.paragraph(tr("report.warned_rules", rules="、".join(rule_title(r) for r in warned)))
    waived = [f for f in data.findings if f.status is Status.WAIVED]
    if waived:
        doc.paragraph(tr("report.waived_rules", items="；".join(
            f"{f.rule}·{level_text(f.level)}（{f.waiver_reason}）" for f in waived)))


def _group_totals(doc: OfficialDocument, data: ReportData) -> None:
    """Each first-level indicator's score, then the lines judged 不符合 (or 否)."""
    sheet, result = data.sheet, data.result
    parts = [tr("report.group_total", name=g.name, score=number_text(result.group_totals.get(g.id)),
                max=number_text(g.points))
             for g in sheet.groups if g.parent is None and g.points is not None and g.id in result.group_totals]
    if parts:
        doc.paragraph(tr("report.group_totals", groups="；".join(parts)))
    failing = [row.line.name for row in result.lines if row.verdict in (Verdict.FAILS, Verdict.NO)]
    if failing:
        doc.paragraph(tr("report.failed_lines", label=sheet.label(Verdict.FAILS if sheet.method is Method.POINTS
                                                                   else Verdict.NO),
                         count=len(failing), lines="、".join(failing)))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "；", "！", "？", ".")) else text + "。"


def _by_rule(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.rule, []).append(finding)
    order = list(rule_catalogue())
    return dict(sorted(grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


# --- the score sheet ------------------------------------------------------------------------------------------


def _suggested(data: ReportData, row: Any) -> str:
    suggestion = row.suggestion
    if suggestion is None:
        return ""
    if suggestion.verdict is None:
        return tr("report.from_documents")
    return verdict_text(data.sheet, suggestion.verdict, suggestion.score)


def _decided(data: ReportData, row: Any) -> str:
    if row.decision is None:
        return tr("report.not_decided") if data.kind is not ReportKind.QUICK else "—"
    return verdict_text(data.sheet, row.decision.verdict, row.decision.score)


def _score_sheet(doc: OfficialDocument, data: ReportData, counter: _Counter, number: str) -> None:
    doc.heading(tr("report.h_sheet", n=number))
    sheet, result = data.sheet, data.result
    doc.paragraph(tr("report.sheet_intro", name=sheet.name, source=sheet.source))
    points = sheet.method is Method.POINTS
    doc.caption(tr("report.table_caption", n=counter.table(), caption=sheet.name))
    columns = [Column(tr("report.c_group"), 15, CENTER), Column(tr("report.c_line"), 16, CENTER),
               Column(tr("report.c_criterion"), 50)]
    if points:
        columns.append(Column(tr("report.c_max"), 9, CENTER))
    columns += [Column(tr("report.c_suggested"), 21, CENTER), Column(tr("report.c_decided"), 21, CENTER),
                Column(tr("report.c_reason"), 24)]
    rows = []
    for row in result.lines:
        group = sheet.group(row.line.group)
        cells = [_group_label(sheet, group), row.line.name, row.line.criterion]
        if points:
            cells.append(number_text(row.line.max))
        reason = row.decision.reason if row.decision is not None and overridden(row) else ""
        cells += [_suggested(data, row), _decided(data, row), reason]
        rows.append(cells)
    total_row = [tr("report.total_row"), "", ""] + ([number_text(sheet.total)] if points else []) + \
        ["", number_text(result.total) if points else tr("report.no_count", count=result.no_count), ""]
    rows.append(total_row)
    vetoes = sheet.vetoes
    if vetoes:
        text = sheet.veto_heading + "\n" + "\n".join(f"{i}. {v.text}" for i, v in enumerate(vetoes, 1))
        state = "\n".join(f"{v.id}：{_veto_state(data, v.id)}" for v in vetoes)
        rows.append([sheet.veto_heading and tr("report.veto_row"), "", text] + ([""] if points else []) + ["", state, ""])
    table = doc.table(columns, rows, small=True)
    _merge_groups(doc, table, [r[0] for r in rows[: len(result.lines)]])
    offset = 1 + len(result.lines)
    total_cells = table.rows[offset].cells
    merge_text(total_cells[0].merge(total_cells[2]), tr("report.total_row"), doc.small_head_style)
    if vetoes:
        veto_cells = table.rows[offset + 1].cells
        merge_text(veto_cells[0].merge(veto_cells[1]), tr("report.veto_row"), doc.small_head_style)
        last = len(columns) - 1
        state_text = veto_cells[last - 1].text
        merge_text(veto_cells[last - 1].merge(veto_cells[last]), state_text, doc.small_cell_style, LEFT)
    doc.note(tr("report.sheet_legend"))


def _group_label(sheet: Any, group: Any) -> str:
    return f"{group.name}\n（{number_text(group.points)}分）" if group.points is not None else group.name


def _veto_state(data: ReportData, veto_id: str) -> str:
    for veto, decision in data.result.vetoes:
        if veto.id == veto_id:
            if decision is None:
                return tr("report.veto_unjudged") if data.kind is not ReportKind.QUICK else tr("report.veto_quick")
            return tr("report.veto_yes") if decision.occurred else tr("report.veto_no")
    return ""


def _merge_groups(doc: OfficialDocument, table: Any, labels: Sequence[str]) -> None:
    """Merge the first-level cells of consecutive lines of one group, as 附件2 does."""
    start = 0
    for index in range(1, len(labels) + 1):
        if index == len(labels) or labels[index] != labels[start]:
            if index - start > 1:
                top, bottom = table.rows[1 + start].cells[0], table.rows[index].cells[0]
                merge_text(top.merge(bottom), labels[start], doc.small_cell_style)
            start = index


# --- findings by rule ---------------------------------------------------------------------------------------


def _findings(doc: OfficialDocument, data: ReportData, counter: _Counter, max_rows: int, number: str) -> None:
    doc.heading(tr("report.h_findings", n=number))
    doc.paragraph(tr("report.findings_intro", as_of=date_text(data.as_of), profile=data.profile_name or ""))
    if not data.item_text_kept:
        doc.paragraph(tr("report.no_item_text"))
    grouped = _by_rule(list(data.findings))
    catalogue = rule_catalogue()
    for number, (rule_id, findings) in enumerate(grouped.items(), 1):
        entry = catalogue.get(rule_id)
        doc.heading(f"（{chinese_number(number)}）{rule_title(rule_id)}", level=2)
        if entry is not None:
            key = "report.clause" if entry.sheet_line in entry.source else "report.clause_line"
            doc.runs([(tr("report.clause_label"), True),
                      (tr(key, source=entry.source, line=entry.sheet_line, clause=entry.clause), False)])
            if entry.advisory:
                doc.paragraph(tr("report.advisory"))
        columns = [Column(tr("report.c_level"), 20, CENTER), Column(tr("report.c_status"), 13, CENTER),
                   Column(tr("report.c_measured"), 22, CENTER), Column(tr("report.c_required"), 24, CENTER),
                   Column(tr("report.c_message"), 77)]
        rows = []
        for f in findings:
            message = f.message + (tr("report.waiver_reason", reason=f.waiver_reason) if f.waiver_reason else "")
            rows.append([level_text(f.level), status_text(f.status), measured_text(f), required_text(f), message])
        doc.table(columns, rows, small=True)
        for finding in findings:
            if finding.status is Status.PASS or finding.status is Status.NA:
                continue
            for evidence in evidence_tables(finding):
                _evidence(doc, finding, evidence, counter, max_rows)


_MM_PER_CHAR = 3.3  # a CJK character at 9 pt, in mm
_CELL_PADDING_MM = 3.5


def _evidence_widths(evidence: Evidence, rows: Sequence[dict[str, Any]]) -> list[float]:
    """Natural column widths in mm: the longest text of each column, within bounds (excerpts wrap)."""
    widths = []
    for key, label in evidence.columns:
        longest = max([_display_len(label)] + [_display_len(cell_text(key, r.get(key))) for r in rows[:80]])
        cap = 16 if key.startswith(ITEM_TEXT_PREFIX) else 18
        widths.append(min(max(longest, 3), cap) * _MM_PER_CHAR + _CELL_PADDING_MM)
    return widths


def _display_len(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def _evidence(doc: OfficialDocument, finding: Finding, evidence: Evidence, counter: Any, max_rows: int) -> None:
    rows = list(evidence.rows)
    shown = rows[:max_rows]
    doc.caption(tr("report.evidence_caption", n=counter.table(), level=level_text(finding.level), title=evidence.title,
                   rows=len(rows)))
    widths = _evidence_widths(evidence, shown)
    numeric = {key for key, _ in evidence.columns
               if all(isinstance(r.get(key), int | float) or r.get(key) is None for r in shown)}
    columns = [Column(label, width, RIGHT if key in numeric else LEFT)
               for (key, label), width in zip(evidence.columns, widths, strict=True)]
    cells = [[cell_text(key, row.get(key)) for key, _ in evidence.columns] for row in shown]
    doc.table(columns, cells, small=True, fill=False)
    if len(rows) > len(shown):
        doc.note(tr("report.evidence_more", shown=len(shown), total=len(rows)))


# --- closing and appendix -------------------------------------------------------------------------------------


def _closing(doc: OfficialDocument, data: ReportData) -> None:
    doc.paragraph()
    if data.inspectors:
        doc.paragraph(tr("report.closing_inspectors", people="、".join(name for name, _, _ in data.inspectors)),
                      doc.plain_style, align=RIGHT)
    if data.kind is ReportKind.SIGNED:
        doc.paragraph(tr("report.closing_signed", by=data.signed_by or ""), doc.plain_style, align=RIGHT)
        doc.paragraph(date_text(data.signed_at), doc.plain_style, align=RIGHT)
    else:
        doc.paragraph(tr("report.closing_generated", date=date_text(data.generated_at)), doc.plain_style, align=RIGHT)


def _appendix(doc: OfficialDocument, data: ReportData, counter: Any) -> None:
    doc.paragraph(tr("report.appendix"), doc.h1_style).paragraph_format.first_line_indent = None
    doc.paragraph(tr("report.appendix_title"), doc.title_style)
    doc.heading(tr("report.h_inputs"))
    if data.inputs:
        doc.caption(tr("report.table_caption", n=counter.table(), caption=tr("report.inputs_caption")))
        columns = [Column(tr("report.c_kind"), 20, CENTER), Column(tr("report.c_file"), 34),
                   Column(tr("report.c_rows"), 16, RIGHT), Column(tr("report.c_rejected"), 14, RIGHT),
                   Column("SHA-256", 72)]
        rows = [[tr(f"report.kind_{i.kind}") if i.kind in _KINDS else i.kind, i.name, str(i.rows_taken),
                 str(i.rows_rejected), i.sha256] for i in data.inputs]
        doc.table(columns, rows, small=True, styles=[None, None, None, None, doc.fingerprint_style])
    else:
        doc.paragraph(tr("report.no_inputs"))
    doc.paragraph(tr("report.fingerprint_note"))
    doc.heading(tr("report.h_profile"))
    doc.paragraph(tr("report.profile_used", name=data.profile_name or tr("report.not_given"),
                     id=data.profile_id or ""))
    doc.paragraph(tr("report.sheet_used", name=data.sheet.name, source=data.sheet.source, sha=data.sheet.sha256))
    if data.waivers:
        doc.caption(tr("report.table_caption", n=counter.table(), caption=tr("report.waivers_caption")))
        columns = [Column(tr("report.c_rule"), 30), Column(tr("report.c_levels"), 30), Column(tr("report.c_reason"), 70),
                   Column(tr("report.c_applied"), 26)]
        rows = []
        for waiver in data.waivers:
            levels = levels_text(waiver.levels) if waiver.levels else tr("report.all_levels")
            applied = "、".join(level_text(lv) for lv in waiver.applied) if waiver.applied else tr("report.not_applied")
            rows.append([rule_title(waiver.rule), levels, waiver.reason, applied])
        doc.table(columns, rows, small=True)
    else:
        doc.paragraph(tr("report.no_waivers"))
    doc.heading(tr("report.h_record"))
    doc.paragraph(tr("report.generated", date=date_text(data.generated_at),
                     time=data.generated_at.strftime("%H:%M"), version=data.version))
    if data.kind is ReportKind.SIGNED and data.record_sha256:
        doc.paragraph(tr("report.record_fingerprint", revision=data.revision, sha=data.record_sha256))
    elif data.kind is ReportKind.QUICK:
        doc.paragraph(tr("report.quick_record"))
    doc.paragraph(tr("report.confidential"))


_KINDS = ("bank", "blueprint", "standard", "responses", "papers", "plan")
