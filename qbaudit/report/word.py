"""The audit report (.docx): header block, conclusion, the score sheet laid out as its form is, the group
totals at every level, findings by rule with their evidence, charts, and an appendix of inputs,
fingerprints, profile and waivers.

Everything that differs between kinds of audit is data: the title and fixed sentences come from the
kind's entry in ``resources/report/kinds.toml`` (:mod:`qbaudit.report.kinds`), the columns, grouping
levels, header fields, notes and 总体评价 from the sheet (``[documents]``, ``header``, ``notes``). A
sheet no check informs (on-site, Shandong's daily tables) has no findings, charts or inputs to show.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.profile import setting_label, setting_value_text, value_label
from qbaudit.analysis.progress import NullState, ScaledState, TaskState, checkpoint
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets import Method, Verdict, uses_checks
from qbaudit.i18n import tr
from qbaudit.report.kinds import header_extras, header_field, header_wide, supervision_label, wording
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
    veto_label,
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
    """The document's title: the kind's (``kinds.toml`` report_title), or the quick check's."""
    if data.kind is ReportKind.QUICK:
        return tr("report.title_quick", occupation=data.occupation or "")
    return wording(data, "report_title")


class _Numbers:
    """一、二、三 … for the headings, in the order they are written."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return chinese_number(self.count)


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


def write_report(data: ReportData, path: str | Path, *, charts: bool = True, font: str | None = None,
                 state: TaskState | None = None) -> ReportOutcome:
    """Write the audit report of ``data`` to ``path`` (.docx) and say what came of it.

    ``font`` overrides the CJK font of the charts (see :func:`qbaudit.report.charts.render_charts`);
    ``state`` takes the progress of its parts (and may stop it: the file is then not written).
    """
    state = state or NullState()
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
    numbers = _Numbers()
    checked = uses_checks(data.sheet)
    _conclusion(doc, data, numbers.next())
    _score_sheet(doc, data, counter, numbers.next())
    if checked:
        checkpoint(state, 0.1, tr("report.progress_findings"))
        _findings(doc, data, counter, layout["max_evidence_rows"], numbers.next())
    outcome = ReportOutcome(Path(path))
    if charts and checked:
        _charts(doc, data, counter, numbers.next(), layout, outcome, font, ScaledState(state, 0.3, 0.5))
    _closing(doc, data)
    doc.page_break()
    checkpoint(state, 0.8, tr("report.progress_appendix"))
    _appendix(doc, data, counter)
    checkpoint(state, 0.9, tr("report.progress_saving"))
    outcome.path = doc.save(path)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _charts(doc: OfficialDocument, data: ReportData, counter: _Counter, number: str, layout: dict[str, Any],
            outcome: ReportOutcome, font: str | None, state: TaskState) -> None:
    from qbaudit.report.charts import render_charts

    chart_set = render_charts(data.findings, width_mm=layout["chart_width_mm"], dpi=layout["chart_dpi"], font=font,
                              state=state)
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


def _field_value(data: ReportData, field: str) -> str | None:
    """The value of an audit field named by a sheet's header or a kind's extras (None: not recorded)."""
    if field == "institution":
        return data.institution
    if field == "registration":
        return data.registration_number
    if field == "occupation":
        return data.occupation
    if field == "levels":
        return levels_text(data.levels) or None
    if field == "date":
        return date_text(data.audit_date) or None
    if field == "time":
        return data.supervision_time
    if field == "inspectors":
        return _people(data) or None
    if field == "place":
        return data.place
    if field == "head_count":
        return tr("report.head_count", count=data.head_count) if data.head_count is not None else None
    if field == "supervision":
        return supervision_label(data.supervision)
    if field == "batch":
        return data.batch_number
    if field == "as_of":
        return date_text(data.as_of) or None
    return None


_FIELD_LABELS = {"institution": "report.f_institution", "registration": "report.f_registration",
                 "occupation": "report.f_occupation", "levels": "report.f_levels", "date": "report.f_audit_date",
                 "time": "report.f_time", "inspectors": "report.f_inspectors", "place": "report.f_place",
                 "head_count": "report.f_head_count", "supervision": "report.f_supervision",
                 "batch": "report.f_batch", "as_of": "report.f_as_of"}


def header_fields(data: ReportData) -> list[tuple[str, str, bool]]:
    """The header block as ``(label, value, wide)``: the sheet's own header fields in its order (a field
    not recorded reads 未填写; one the audit does not hold is left blank to fill in by hand), then what
    the kind's report adds when recorded, then the sheet and the record."""
    missing = tr("report.not_given")
    wide = header_wide(data)
    rows: list[tuple[str, str, bool]] = []
    shown: set[str] = set()
    for label in data.sheet.header:
        field = header_field(label)
        if field is not None:
            shown.add(field)
        value = _field_value(data, field) if field is not None else ""
        rows.append((label, missing if value is None else value, field in wide))
    extras = header_extras(data)
    if data.sheet.layout.batch and "batch" not in extras:
        extras.append("batch")
    for field in extras:
        if field in shown or (field == "as_of" and not uses_checks(data.sheet)):
            continue
        value = _field_value(data, field)
        if value is None and not (field == "batch" and data.sheet.layout.batch):
            continue
        rows.append((tr(_FIELD_LABELS[field]), value or missing, field in wide))
    rows.append((tr("report.f_sheet"), f"{data.sheet.name}（{data.sheet.source}）", True))
    rows.append((tr("report.f_record"), _record_text(data), True))
    return rows


def _header(doc: OfficialDocument, data: ReportData) -> None:
    fields = header_fields(data)
    rows: list[list[str]] = []
    wide_rows: list[int] = []
    pending: list[tuple[str, str]] = []

    def flush() -> None:
        if pending:
            (a, b), (c, d) = pending[0], (pending[1] if len(pending) > 1 else ("", ""))
            rows.append([a, b, c, d])
            pending.clear()

    for label, value, wide in fields:
        if wide:
            flush()
            wide_rows.append(len(rows))
            rows.append([label, value, "", ""])
            continue
        pending.append((label, value))
        if len(pending) == 2:
            flush()
    flush()
    columns = [Column("", 34, CENTER), Column("", 46), Column("", 30, CENTER), Column("", 46)]
    label = doc.head_style
    table = doc.table(columns, rows, header=False, styles=[label, None, label, None])
    for index in wide_rows:
        row = table.rows[index]
        first = row.cells[1]
        merged = first.merge(row.cells[3])
        merge_text(merged, first.text, doc.cell_style, LEFT)


# --- conclusion -----------------------------------------------------------------------------------------------


def _conclusion(doc: OfficialDocument, data: ReportData, number: str) -> None:
    doc.heading(tr("report.h_conclusion" if uses_checks(data.sheet) else "report.h_conclusion_plain", n=number))
    result, sheet = data.result, data.sheet
    subject = wording(data, "subject") if data.kind is not ReportKind.QUICK else tr(
        "report.subject", institution=data.institution or tr("report.the_institution"),
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
        activity, lead = wording(data, "activity"), wording(data, "lead")
        grade = result.grade or tr("report.grade_pending")
        if sheet.method is Method.POINTS:
            total = number_text(result.total) if result.total is not None else ""
            key = "report.total_signed" if data.kind is ReportKind.SIGNED else "report.total_draft"
            doc.runs([(tr(key, lead=lead, subject=subject, activity=activity, total=total, max=maximum), False),
                      (tr("report.grade_is", grade=grade), True)])
        else:
            doc.runs([(_no_share_text(data, lead, subject, activity), False),
                      (tr("report.grade_is", grade=grade), True)])
        if data.kind is ReportKind.DRAFT:
            doc.paragraph(tr("report.draft_notice", revision=data.revision,
                             open=len(result.open_lines), unconfirmed=len(result.unconfirmed)))
    label = veto_label(sheet)
    vetoed = result.vetoed
    if vetoed:
        for veto, decision in vetoed:
            description = decision.description.strip()
            description += "" if not description or description.endswith(("。", "；")) else "。"
            doc.runs([(tr("report.veto_occurred", label=label, id=veto.id, text=veto.text.rstrip("。")), True),
                      (tr("report.veto_description", description=description), False)])
    elif data.kind is not ReportKind.QUICK:
        doc.paragraph(tr("report.no_veto", label=label))
    if data.kind is ReportKind.QUICK:
        lost = data.lost_lines()
        if lost:
            items = "；".join(f"{sheet.line_text(row.line)}（{verdict_text(sheet, row.verdict, row.score)}"
                             + (f"/{number_text(row.line.max)}" if row.line.max is not None else "") + "）" for row in lost)
            doc.paragraph(tr("report.lost_lines", count=len(lost), lines=items))
    else:
        _group_totals(doc, data)
    if uses_checks(sheet):
        _rules_in_brief(doc, data)
    _assessment(doc, data)
    _notice_grounds(doc, data)


def _no_share_text(data: ReportData, lead: str, subject: str, activity: str) -> str:
    """“否”共 N 项（共 M 项，占 x%），达到（未达到）20% 的不合格线，"""
    result, sheet = data.result, data.sheet
    share = float(result.no_share) if result.no_share is not None else 0.0
    limit = sheet.no_share_limit
    reached = limit is not None and result.no_share is not None and result.no_share >= limit
    return tr("report.no_share", lead=lead, subject=subject, activity=activity, label=sheet.label(Verdict.NO),
              count=result.no_count, lines=len(result.lines), share=f"{share * 100:.1f}",
              limit=f"{float(limit or 0) * 100:g}",
              reached=tr("report.limit_reached" if reached else "report.limit_not_reached"))


def _rules_in_brief(doc: OfficialDocument, data: ReportData) -> None:
    """One paragraph per rule not met, then the advisories and the waivers."""
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
    advisory = _by_rule([f for f in data.findings if f.status is Status.WARN and f.advisory])
    if advisory:
        doc.paragraph(tr("thresholds.report_advisory_rules", rules="、".join(rule_title(r) for r in advisory),
                         numbers="；".join(_breached_numbers(findings) for findings in advisory.values())))
    warned = _by_rule([f for f in data.findings if f.status is Status.WARN and not f.advisory])
    if warned:
        doc.paragraph(tr("report.warned_rules", rules="、".join(rule_title(r) for r in warned)))
    waived = [f for f in data.findings if f.status is Status.WAIVED]
    if waived:
        doc.paragraph(tr("report.waived_rules", items="；".join(
            f"{f.rule}·{level_text(f.level)}（{f.waiver_reason}{_waiver_values_text(f.waiver_values)}）"
            for f in waived)))


def _breached_numbers(findings: Sequence[Finding]) -> str:
    """The tool's numbers a rule's 提示 rest on, with the clause each interprets (「与考核时长相匹配」)."""
    uses = {}
    for finding in findings:
        for use in finding.practice_breaches:
            uses.setdefault(use.setting, use)
    return "；".join(tr("thresholds.report_number", setting=setting_label(u.setting),
                        value=setting_value_text(u.setting, u.value), clause=u.clause.rstrip("。"))
                     for u in uses.values())


def _waiver_values_text(values: Sequence[tuple[str, Any]]) -> str:
    return "".join(tr("thresholds.report_waiver_value", setting=setting_label(name), value=value)
                   for name, value in values)


def _value_text(name: str, value: Any) -> str:
    """A threshold's value in full, for the report (a table of seconds, a pattern, a switch included)."""
    if isinstance(value, bool):
        return tr("report.yes") if value else tr("report.no")
    if isinstance(value, dict):
        return "、".join(f"{k} {number_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(map(value_label, value))
    if isinstance(value, str):
        return value
    return setting_value_text(name, value)


def _basis_text(basis: Any) -> str:
    """文件规定 / 本工具的参考值（提示）/ 本配置的数值（计分）."""
    if basis.kind == "regulation":
        return tr("thresholds.report_basis_regulation")
    return tr("thresholds.report_basis_binding" if basis.binding else "thresholds.report_basis_practice")


def _assessment(doc: OfficialDocument, data: ReportData) -> None:
    """The inspector's 总体评价 (where the form asks for one, a blank one is said to be missing)."""
    label = data.sheet.layout.assessment or tr("report.assessment")
    if data.assessment:
        doc.runs([(f"{label}：", True), (data.assessment, False)])
    elif data.sheet.layout.assessment and data.kind is not ReportKind.QUICK:
        doc.runs([(f"{label}：", True), (tr("report.not_given"), False)])


def _notice_grounds(doc: OfficialDocument, data: ReportData) -> None:
    """The 第二十二条 behaviours recorded and the consequences decided."""
    from qbaudit.report.notice import decided_consequences, ground_texts

    grounds = ground_texts(data)
    if grounds:
        doc.paragraph(tr("report.grounds", items="；".join(grounds)))
    decided = decided_consequences(data.notice)
    if decided:
        doc.paragraph(tr("report.consequences", text="、".join(decided)))


def _group_totals(doc: OfficialDocument, data: ReportData) -> None:
    """The totals of the groups at every level (环节, 一级指标 …), then the lines judged 不符合 (or 否)."""
    sheet, result = data.sheet, data.result
    for level, name in enumerate(sheet.layout.levels, 1):
        groups = sheet.groups_at(level)
        if sheet.method is Method.POINTS:
            parts = [_points_of(data, g) for g in groups]
            doc.paragraph(tr("report.group_totals", level=name, groups="；".join(parts)))
        else:
            parts = [tr("report.group_no", name=g.name, label=sheet.label(Verdict.NO), count=_noes(data, g.id),
                        lines=len(sheet.lines_under(g.id))) for g in groups]
            doc.paragraph(tr("report.group_noes", level=name, groups="；".join(parts)))
    failing = [sheet.line_text(row.line) for row in result.lines if row.verdict in (Verdict.FAILS, Verdict.NO)]
    if failing:
        separator = "；" if any(ch in text for text in failing for ch in "、，；") else "、"
        points = sheet.method is Method.POINTS
        doc.paragraph(tr("report.failed_lines" if points else "report.failed_lines_noes",
                         label=sheet.label(Verdict.FAILS if points else Verdict.NO),
                         count=len(failing), lines=separator.join(failing)))


def _points_of(data: ReportData, group: Any) -> str:
    score = number_text(data.result.group_totals.get(group.id))
    if group.points is None:
        return tr("report.group_total_plain", name=group.name, score=score)
    return tr("report.group_total", name=group.name, score=score, max=number_text(group.points))


def _noes(data: ReportData, group_id: str) -> int:
    inside = {line.id for line in data.sheet.lines_under(group_id)}
    return sum(1 for row in data.result.lines if row.line.id in inside and row.verdict is Verdict.NO)


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


def sheet_columns(data: ReportData) -> list[Column]:
    """The score sheet's columns as its form has them: one per grouping level (环节, 一级指标 …), the lines'
    own names (二级指标) where the form names them, the criterion, the points, the checks' suggestion
    where checks inform the sheet, the result and the remarks."""
    sheet, layout = data.sheet, data.sheet.layout
    points = sheet.method is Method.POINTS
    checked = uses_checks(sheet)
    spanning = layout.heading
    depth = len(layout.levels)
    columns = [Column(spanning or level, 11 if depth > 1 and index == 0 else 14, CENTER)
               for index, level in enumerate(layout.levels)]
    if layout.line_heading is not None:
        columns.append(Column(spanning or layout.line_heading, 17, CENTER))
    columns.append(Column(spanning or sheet.criterion_heading or tr("report.c_criterion"), 50))
    if points:
        columns.append(Column(tr("report.c_max"), 9, CENTER))
    if checked:
        columns.append(Column(tr("report.c_suggested"), 21, CENTER))
    columns.append(Column(layout.result_heading or tr("report.c_decided"), (21 if checked else 17) if points else 14,
                          CENTER))
    columns.append(Column(layout.remarks_heading or tr("report.c_reason"), 24))
    return columns


def _score_sheet(doc: OfficialDocument, data: ReportData, counter: _Counter, number: str) -> None:
    doc.heading(tr("report.h_sheet", n=number))
    sheet, result, layout = data.sheet, data.result, data.sheet.layout
    checked = uses_checks(sheet)
    doc.paragraph(tr("report.sheet_intro" if checked else "report.sheet_intro_plain", name=sheet.name,
                     source=sheet.source))
    points = sheet.method is Method.POINTS
    doc.caption(tr("report.table_caption", n=counter.table(), caption=sheet.name))
    columns = sheet_columns(data)
    text_columns = len(layout.levels) + (1 if layout.line_heading is not None else 0) + 1  # grouping … criterion
    rows: list[list[str]] = []
    group_ids: list[list[str | None]] = []  # per row, the group of each grouping column (merged when equal)

    def add(cells: list[str], groups: list[str | None] | None = None) -> int:
        rows.append(cells + [""] * (len(columns) - len(cells)))
        group_ids.append(groups or [None] * len(layout.levels))
        return len(rows) - 1

    veto_rows: list[int] = []

    def add_vetoes() -> None:
        long_heading = sheet.veto_heading and sheet.veto_heading != veto_label(sheet)
        for index, veto in enumerate(sheet.vetoes, 1):
            text = f"{index}. {veto.text}" if len(sheet.vetoes) > 1 else veto.text
            if index == 1 and long_heading:
                text = f"{sheet.veto_heading}\n{text}"
            decision = next((d for v, d in result.vetoes if v.id == veto.id), None)
            cells = [veto_label(sheet)] + [""] * (text_columns - 2) + [text]
            cells += [""] * (int(points) + int(checked))
            cells += [_veto_state(data, veto.id), _veto_described(veto, decision)]
            veto_rows.append(add(cells))

    if sheet.vetoes and layout.vetoes_first:  # above the lines, as a table of its own (Shandong's tables)
        _veto_table(doc, data, columns)
    first_line = len(rows)
    for row in result.lines:
        path = sheet.path(row.line)
        groups: list[str | None] = [g.id for g in path] + [None] * (len(layout.levels) - len(path))
        cells = [_group_label(g) for g in path] + [""] * (len(layout.levels) - len(path))
        if layout.line_heading is not None:
            cells.append(row.line.name)
        cells.append(sheet.criterion_text(row.line))
        if points:
            cells.append(number_text(row.line.max))
        if checked:
            cells.append(_suggested(data, row))
        reason = row.decision.reason if row.decision is not None and (overridden(row) or not checked) else ""
        cells += [_decided(data, row), reason]
        add(cells, groups)
    last_line = len(rows)
    total_label = tr("report.total_row" if points else "report.total_row_noes")
    total_cells = [total_label] + [""] * (text_columns - 1)
    if points:
        total_cells += [number_text(sheet.total)] + ([""] if checked else []) + [number_text(result.total), ""]
    else:
        total_cells += ([""] if checked else []) + [_no_count_text(data), ""]
    total_row = add(total_cells)
    if sheet.vetoes and not layout.vetoes_first:
        add_vetoes()
    opinion_row = None
    if layout.assessment:
        opinion_row = add([tr("report.opinion"), _opinion_text(data)])
    table = doc.table(columns, rows, small=True)
    header_rows = 1
    if layout.heading:  # one heading over the grouping and criterion columns, as the form prints it
        head = table.rows[0].cells
        merge_text(head[0].merge(head[text_columns - 1]), layout.heading, doc.small_head_style)
    for column in range(len(layout.levels)):
        _merge_runs(doc, table, column, [g[column] for g in group_ids[first_line:last_line]], first_line + header_rows,
                    [r[column] for r in rows[first_line:last_line]])
    cells = table.rows[total_row + header_rows].cells
    merge_text(cells[0].merge(cells[text_columns - 1]), total_label, doc.small_head_style)
    if not points:  # the count of 否 and its limit take the result and remarks columns
        merge_text(cells[-2].merge(cells[-1]), _no_count_text(data), doc.small_cell_style, LEFT)
    if veto_rows:
        top, bottom = table.rows[veto_rows[0] + header_rows].cells[0], table.rows[veto_rows[-1] + header_rows].cells[0]
        merged = top.merge(table.rows[veto_rows[-1] + header_rows].cells[text_columns - 2]) if text_columns > 2 \
            else top.merge(bottom)
        merge_text(merged, veto_label(sheet), doc.small_head_style)
    if opinion_row is not None:
        cells = table.rows[opinion_row + header_rows].cells
        merge_text(cells[1].merge(cells[-1]), _opinion_text(data), doc.small_cell_style, LEFT)
    if checked:
        doc.note(tr("report.sheet_legend"))
    _sheet_notes(doc, data)
    _group_table(doc, data, counter)


def _veto_table(doc: OfficialDocument, data: ReportData, columns: Sequence[Column]) -> None:
    """The veto items before the lines: label, item, 是/否, description."""
    sheet = data.sheet
    label = veto_label(sheet)
    result_column, remarks_column = columns[-2], columns[-1]
    table_columns = [Column(label, 28, CENTER), Column(tr("report.c_veto_item"), 100),
                     Column(result_column.heading, 21, CENTER), Column(remarks_column.heading, 40)]
    rows = []
    for veto, decision in data.result.vetoes:
        rows.append([label, veto.text, _veto_state(data, veto.id), _veto_described(veto, decision)])
    table = doc.table(table_columns, rows, small=True, header=False, styles=[doc.small_head_style, None, None, None])
    doc.paragraph(style=doc.note_style)  # apart, or Word and LibreOffice join it to the next table
    if len(rows) > 1:  # the form writes the label once, over all the items
        merge_text(table.rows[0].cells[0].merge(table.rows[len(rows) - 1].cells[0]), label, doc.small_head_style)


def _veto_described(veto: Any, decision: Any) -> str:
    """What the inspector wrote of a veto item that occurred, under the form's label (行为描述) where it has one."""
    if decision is None or not decision.occurred:
        return ""
    return f"{veto.describe}：{decision.description}" if veto.describe else decision.description


def _no_count_text(data: ReportData) -> str:
    result, sheet = data.result, data.sheet
    share = float(result.no_share) * 100 if result.no_share is not None else 0.0
    return tr("report.no_count", label=sheet.label(Verdict.NO), count=result.no_count, share=f"{share:.1f}",
              limit=f"{float(sheet.no_share_limit or 0) * 100:g}")


def _opinion_text(data: ReportData) -> str:
    """The form's 意见 cell: the 总体评价, then the signature line."""
    label = data.sheet.layout.assessment or tr("report.assessment")
    signed = tr("report.opinion_signed", by=data.signed_by or "　" * 4, date=date_text(data.signed_at)
                or tr("report.date_blank"))
    return f"{label}：{data.assessment or tr('report.not_given')}\n{signed}"


def _sheet_notes(doc: OfficialDocument, data: ReportData) -> None:
    """The form's notes (备注) under the table, as the form prints them."""
    notes, heading = data.sheet.notes, data.sheet.layout.notes_heading
    if not notes:
        return
    if heading:
        doc.note(f"{heading}：")
        for index, note in enumerate(notes, 1):
            doc.note(f"{index}. {note}")
    else:
        for note in notes:
            doc.note(note)


def _group_table(doc: OfficialDocument, data: ReportData, counter: _Counter) -> None:
    """Every group at every level with its total (points) or its count of 否 (yes/no), in the sheet's order."""
    sheet, layout = data.sheet, data.sheet.layout
    points = sheet.method is Method.POINTS
    caption = tr("report.group_caption" if points else "report.group_caption_noes", levels="、".join(layout.levels))
    doc.caption(tr("report.table_caption", n=counter.table(), caption=caption))
    columns = [Column(tr("report.c_group_level"), 24, CENTER), Column(tr("report.c_group_name"), 60)]
    if points:
        columns += [Column(tr("report.c_max"), 20, CENTER), Column(tr("report.c_group_score"), 20, CENTER)]
    else:
        no = sheet.label(Verdict.NO)
        columns += [Column(tr("report.c_group_lines"), 20, CENTER), Column(tr("report.c_group_noes", label=no), 20, CENTER)]
    rows = []
    for group in _tree(sheet):
        depth = sheet.depth(group.id)
        name = "　" * (depth - 1) + group.name
        if points:
            rows.append([layout.levels[depth - 1], name, number_text(group.points) if group.points is not None else "",
                         number_text(data.result.group_totals.get(group.id))])
        else:
            rows.append([layout.levels[depth - 1], name, str(len(sheet.lines_under(group.id))), str(_noes(data, group.id))])
    if points:
        rows.append([tr("report.total_row"), "", number_text(sheet.total), number_text(data.result.total)])
    else:
        rows.append([tr("report.total_row_noes"), "", str(len(data.result.lines)), str(data.result.no_count)])
    doc.table(columns, rows, small=True)


def _tree(sheet: Any) -> list[Any]:
    """The groups depth first, each followed by the groups inside it."""
    ordered: list[Any] = []

    def visit(parent: str | None) -> None:
        for group in sheet.groups:
            if group.parent == parent:
                ordered.append(group)
                visit(group.id)

    visit(None)
    return ordered


def _group_label(group: Any) -> str:
    return f"{group.name}\n（{number_text(group.points)}分）" if group.points is not None else group.name


def _veto_state(data: ReportData, veto_id: str) -> str:
    for veto, decision in data.result.vetoes:
        if veto.id == veto_id:
            if decision is None:
                return tr("report.veto_unjudged") if data.kind is not ReportKind.QUICK else tr("report.veto_quick")
            if data.sheet.method is Method.YES_NO:  # the form asks 是/否 of each veto item
                return tr("report.yes") if decision.occurred else tr("report.no")
            return tr("report.veto_yes") if decision.occurred else tr("report.veto_no")
    return ""


def _merge_runs(doc: OfficialDocument, table: Any, column: int, keys: Sequence[str | None], first_row: int,
                labels: Sequence[str]) -> None:
    """Merge the cells of ``column`` over consecutive lines of one group, as the forms do."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1 and keys[start] is not None:
                top, bottom = table.rows[first_row + start].cells[column], table.rows[first_row + index - 1].cells[column]
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
            uses = [u for f in findings for u in f.thresholds]
            if entry.advisory and not any(u.binding for u in uses):  # a profile may make the convention count
                doc.paragraph(tr("report.advisory"))
            _rule_thresholds(doc, findings)
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


def _rule_thresholds(doc: OfficialDocument, findings: Sequence[Finding]) -> None:
    """One paragraph under a rule's heading: each threshold it applied, with its number and its basis — the text's
    number quoted, or the tool's own and the clause it interprets (said to be advisory unless made binding)."""
    uses = next((f.thresholds for f in findings if f.thresholds), ())
    if not uses:
        return
    groups: dict[tuple[str, bool, str], list[str]] = {}  # the settings of one basis and clause said together
    for use in uses:
        value = _value_text(use.setting, use.value)
        shown = f"{setting_label(use.setting)} {value}".strip() if len(value) <= 24 else setting_label(use.setting)
        groups.setdefault((use.basis, use.binding, use.clause.rstrip("。")), []).append(shown)
    parts = []
    for (basis, binding, clause), settings in groups.items():
        key = ("thresholds.report_use_regulation" if basis == "regulation" else
               "thresholds.report_use_binding" if binding else "thresholds.report_use_practice")
        parts.append(tr(key, settings="、".join(settings), clause=clause))
    doc.runs([(tr("thresholds.report_thresholds_label"), True), ("；".join(parts) + "。", False)])


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
    checked = uses_checks(data.sheet)
    numbers = _Numbers()
    doc.paragraph(tr("report.appendix"), doc.h1_style).paragraph_format.first_line_indent = None
    doc.paragraph(tr("report.appendix_title" if checked else "report.appendix_title_plain"), doc.title_style)
    if checked:
        doc.heading(tr("report.h_inputs", n=numbers.next()))
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
        doc.heading(tr("report.h_profile", n=numbers.next()))
        doc.paragraph(tr("report.profile_used", name=data.profile_name or tr("report.not_given"),
                         id=data.profile_id or ""))
        _threshold_table(doc, data, counter)
    else:
        doc.heading(tr("report.h_sheet_file", n=numbers.next()))
    doc.paragraph(tr("report.sheet_used", name=data.sheet.name, source=data.sheet.source, sha=data.sheet.sha256))
    if checked and data.waivers:
        doc.caption(tr("report.table_caption", n=counter.table(), caption=tr("report.waivers_caption")))
        columns = [Column(tr("report.c_rule"), 28), Column(tr("report.c_levels"), 20),
                   Column(tr("thresholds.report_c_waiver_scope"), 46), Column(tr("report.c_reason"), 40),
                   Column(tr("report.c_applied"), 22)]
        rows = []
        catalogue = rule_catalogue()
        for waiver in data.waivers:
            levels = levels_text(waiver.levels) if waiver.levels else tr("report.all_levels")
            applied = "、".join(level_text(lv) for lv in waiver.applied) if waiver.applied else tr("report.not_applied")
            terms = catalogue[waiver.rule].waiver if waiver.rule in catalogue else None
            scope = tr("thresholds.report_waiver_scope", clause=terms.clause.rstrip("。")) if terms else ""
            scope += _waiver_values_text(waiver.values)
            rows.append([rule_title(waiver.rule), levels, scope, waiver.reason, applied])
        doc.table(columns, rows, small=True)
        doc.paragraph(tr("thresholds.report_waiver_note"))
    elif checked:
        doc.paragraph(tr("report.no_waivers"))
    doc.heading(tr("report.h_record", n=numbers.next()))
    doc.paragraph(tr("report.generated", date=date_text(data.generated_at),
                     time=data.generated_at.strftime("%H:%M"), version=data.version))
    if data.kind is ReportKind.SIGNED and data.record_sha256:
        doc.paragraph(tr("report.record_fingerprint", revision=data.revision, sha=data.record_sha256))
    elif data.kind is ReportKind.QUICK:
        doc.paragraph(tr("report.quick_record"))
    doc.paragraph(tr("report.confidential" if checked else "report.confidential_plain"))


def _threshold_table(doc: OfficialDocument, data: ReportData, counter: Any) -> None:
    """Every threshold of the profile with its number and basis: the text's numbers quoted, the tool's own with the
    clause each interprets and whether it counts (binding) or only advises."""
    if not data.thresholds:
        doc.paragraph(tr("thresholds.report_no_thresholds"))
        return
    advisory = sum(1 for s in data.thresholds if s.basis.advisory)
    doc.paragraph(tr("thresholds.report_thresholds_intro", total=len(data.thresholds), advisory=advisory,
                     regulation=sum(1 for s in data.thresholds if s.basis.kind == "regulation")))
    doc.caption(tr("report.table_caption", n=counter.table(), caption=tr("thresholds.report_thresholds_caption")))
    columns = [Column(tr("report.c_rule"), 14, CENTER), Column(tr("thresholds.report_c_setting"), 36),
               Column(tr("thresholds.report_c_value"), 30), Column(tr("thresholds.report_c_basis"), 24, CENTER),
               Column(tr("thresholds.report_c_clause"), 52)]
    rows = []
    for setting in data.thresholds:
        clause = f"「{setting.basis.clause.rstrip('。')}」" + (f"{setting.basis.note}" if setting.basis.note else "")
        rows.append([setting.rule or tr("thresholds.report_shared"), setting_label(setting.key if setting.rule is None
                                                                                    else setting.name),
                     _value_text(setting.name, setting.value), _basis_text(setting.basis), clause])
    doc.table(columns, rows, small=True)


_KINDS = ("bank", "blueprint", "standard", "responses", "papers", "plan")
