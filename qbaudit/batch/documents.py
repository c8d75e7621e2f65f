"""The province's two documents of a review: the summary workbook (one row per institution × level with every
rule's status and measured value, one sheet per rule; cells never formulas, :mod:`qbaudit.report.xlsx`) and the
summary report (.docx in the official style of :mod:`qbaudit.report.official`, charts drawn as the report's are).

Cross-institution duplicates are a province-level finding to review (泄露风险), never a failure of either
institution; the rows that could not be audited are listed with their reasons; the history's warnings quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbaudit.analysis.vocabulary import level_name
from qbaudit.batch.summary import BatchSummary, RowResult
from qbaudit.i18n import tr
from qbaudit.report.model import measured_text, required_text, rule_title, status_text
from qbaudit.report.xlsx import WorkSheet, write_workbook

EXCERPT_LIMIT = 30


def _status(result: RowResult, rule: str, level: int) -> tuple[str, str]:
    finding = result.finding(rule, level)
    if finding is None:
        return tr("batch.not_run"), ""
    return status_text(finding.status), measured_text(finding)


def _cross_rows(summary: BatchSummary) -> list[list[Any]]:
    # The groups name institutions by their key (registration number, else name); the table shows the name.
    names = {r.row.institution_key: r.institution for r in summary.results}
    rows: list[list[Any]] = []
    for number, group in enumerate(summary.cross.groups, start=1):
        level = int(group.level) if str(group.level).isdigit() else None
        for member in group.members:
            rows.append([number, group.occupation, level_name(level) if level else str(group.level or ""),
                         tr(f"batch.cross_{group.kind}"), round(float(group.score), 3),
                         names.get(member.institution, member.institution),
                         str(member.item_id), str(member.excerpt)[:EXCERPT_LIMIT]])
    return rows


def _headline(result: RowResult, level: int) -> list[Any]:
    return [result.institution, result.row.registration or "", result.occupation, level_name(level), result.items,
            result.grade_text, result.score_text, result.open_lines,
            "、".join(rule for rule in result.failed_rules if _fails(result, rule, level)),
            tr(f"batch.status_{result.status}")]


def _fails(result: RowResult, rule: str, level: int) -> bool:
    finding = result.finding(rule, level)
    return finding is not None and finding.failed


def short_level(level: int) -> str:
    """``四级`` of ``四级/中级工`` (for narrow columns)."""
    return level_name(level).split("/")[0]


def summary_sheets(summary: BatchSummary) -> list[WorkSheet]:
    """The worksheets of the summary workbook."""
    rules = summary.rules
    head = [tr(f"batch.col_{key}") for key in ("institution", "registration", "occupation", "level", "items",
                                                "grade", "score", "open", "failed", "row_status")]
    headings = head + [h for rule in rules for h in (tr("batch.col_rule_status", rule=rule),
                                                      tr("batch.col_rule_measured", rule=rule))]
    rows = []
    for result, level in summary.level_rows():
        cells = _headline(result, level)
        for rule in rules:
            cells.extend(_status(result, rule, level))
        rows.append(cells)
    title = (tr("batch.workbook_title", name=summary.name), tr("batch.workbook_subtitle", date=summary.date.isoformat(),
                                                             sheet=summary.sheet.name, profile=summary.profile.name))
    sheets = [WorkSheet(tr("batch.sheet_overview"), headings, rows, [26, 12, 12, 8, 8, 14, 14, 8, 24, 10]
                        + [9, 12] * len(rules), titles=title)]
    rule_heads = [tr(f"batch.col_{key}") for key in ("institution", "registration", "occupation", "level", "status",
                                                      "measured", "required", "message")]
    for rule in rules:
        rule_rows = []
        for result, level in summary.level_rows():
            finding = result.finding(rule, level)
            if finding is None:
                rule_rows.append([result.institution, result.row.registration or "", result.occupation,
                                  level_name(level), tr("batch.not_run"), "", "", ""])
                continue
            rule_rows.append([result.institution, result.row.registration or "", result.occupation, level_name(level),
                              status_text(finding.status), measured_text(finding), required_text(finding),
                              finding.message])
        sheets.append(WorkSheet(rule, rule_heads, rule_rows, [26, 12, 12, 8, 10, 14, 14, 60],
                                titles=(rule_title(rule),)))
    sheets.append(WorkSheet(tr("batch.sheet_cross"), [tr(f"batch.col_{k}") for k in (
        "group", "occupation", "level", "kind", "similarity", "institution", "item", "excerpt")], _cross_rows(summary),
        [6, 12, 8, 8, 8, 26, 12, 36], titles=(tr("batch.cross_title"), tr("batch.cross_note"))))
    sheets.append(WorkSheet(tr("batch.sheet_history"), [tr("batch.col_institution"), tr("batch.col_occupation"),
                                                         tr("batch.col_history")],
                            [[r.institution, r.occupation, text] for r in summary.history_rows()
                             for text in _history_texts(r)], [26, 12, 100]))
    sheets.append(WorkSheet(tr("batch.sheet_problems"), [tr("batch.col_where"), tr("batch.col_institution"),
                                                          tr("batch.col_occupation"), tr("batch.col_reason")],
                            [[p.where, p.institution, p.occupation or "", p.reason] for p in summary.problems],
                            [30, 26, 12, 80]))
    sheets.append(WorkSheet(tr("batch.sheet_about"), [tr("batch.col_item_name"), tr("batch.col_value")],
                            about_rows(summary), [20, 90], filters=False))
    return sheets




def _history_texts(result: RowResult) -> list[str]:
    return [str(w) for w in result.warnings] + ([result.pending] if result.pending else [])


def about_rows(summary: BatchSummary) -> list[list[Any]]:
    """What the review was: name, date, sheet, profile, source, counts, where it ran."""
    audited = sum(1 for r in summary.results if r.status == "audited")
    return [[tr("batch.about_name"), summary.name], [tr("batch.about_date"), summary.date.isoformat()],
            [tr("batch.about_sheet"), summary.sheet.name], [tr("batch.about_profile"), summary.profile.name],
            [tr("batch.about_as_of"), summary.as_of.isoformat()], [tr("batch.about_source"), summary.source],
            [tr("batch.about_rows"), tr("batch.rows_line", read=summary.rows_read, audited=audited,
                                        unchanged=len(summary.results) - audited, reported=len(summary.problems))],
            [tr("batch.about_items"), summary.items], [tr("batch.about_workers"), summary.workers]]


def write_summary_workbook(summary: BatchSummary, path: str | Path) -> Path:
    """The summary workbook at ``path``."""
    return write_workbook(path, summary_sheets(summary))


# --- the report ------------------------------------------------------------------------------------------------


def _bar_chart(labels: Sequence[str], values: Sequence[int], ylabel: str, font: str | None) -> bytes | None:
    """A plain bar chart in the report's painter (its font, size and margins)."""
    import matplotlib

    from qbaudit.report.charts import _Painter

    if not values:
        return None
    painter = _Painter(font, 150, 150)
    with matplotlib.rc_context(painter.rc()):
        figure, axes = painter.figure(2.4, bottom=0.7)
        ax = axes[0][0]
        bars = ax.bar(list(labels), list(values), width=0.55, color="#4472C4")
        ax.bar_label(bars, fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, max(values) * 1.15 or 1)
        ax.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0)
        if len(labels) < 4:  # a few bars stay bars, not a wall
            ax.set_xlim(-1.5, len(labels) + 0.5)
        return painter.png(figure)


def write_summary_report(summary: BatchSummary, path: str | Path, *, state: Any = None) -> Path:
    """The summary report (.docx) at ``path``."""
    from qbaudit.report.charts import cjk_font
    from qbaudit.report.model import date_text
    from qbaudit.report.official import Column, OfficialDocument

    document = OfficialDocument()
    document.title(tr("batch.report_title", name=summary.name))
    document.paragraph(tr("batch.report_subtitle", date=date_text(summary.date)), document.subtitle_style)
    audited = sum(1 for r in summary.results if r.status == "audited")
    document.heading(tr("batch.report_h_overview"))
    document.paragraph(tr("batch.report_overview", rows=summary.rows_read, institutions=summary.institutions,
                          audited=audited, unchanged=len(summary.results) - audited, reported=len(summary.problems),
                          items=summary.items, sheet=summary.sheet.name, profile=summary.profile.name,
                          as_of=date_text(summary.as_of)))
    document.note(tr("batch.report_grade_note"))
    font = cjk_font()
    _grades(document, summary, font, Column)
    if state is not None:
        state.set_progress(0.5, tr("batch.report_h_rules"))
    _rules(document, summary, font, Column)
    _ranking(document, summary, Column)
    _cross(document, summary, Column)
    _history(document, summary)
    _problems(document, summary, Column)
    return document.save(path)


def _grades(document: Any, summary: BatchSummary, font: str | None, column: Any) -> None:
    document.heading(tr("batch.report_h_grades"))
    distribution = summary.grade_distribution()
    png = _bar_chart([g for g, _ in distribution], [n for _, n in distribution], tr("batch.chart_rows"), font)
    if png is not None:
        document.picture(png, 150, tr("batch.chart_grades"))
    document.caption(tr("batch.table_grades"))
    document.table([column(tr("batch.col_grade"), 80), column(tr("batch.col_count"), 40)],
                   [[grade, str(count)] for grade, count in distribution])


def _rules(document: Any, summary: BatchSummary, font: str | None, column: Any) -> None:
    document.heading(tr("batch.report_h_rules"))
    counts = summary.failed_rule_counts()
    if not counts:
        document.paragraph(tr("batch.report_no_failures"))
        return
    png = _bar_chart([rule for rule, _, _ in counts[:12]], [failed for _, failed, _ in counts[:12]],
                     tr("batch.chart_failed"), font)
    if png is not None:
        document.picture(png, 150, tr("batch.chart_rules"))
    document.caption(tr("batch.table_rules"))
    document.table([column(tr("batch.col_rule"), 80), column(tr("batch.col_failed"), 35), column(tr("batch.col_judged"), 35)],
                   [[rule_title(rule), str(failed), str(judged)] for rule, failed, judged in counts])


def _ranking(document: Any, summary: BatchSummary, column: Any) -> None:
    document.heading(tr("batch.report_h_ranking"))
    document.caption(tr("batch.table_ranking"))
    rows = [[str(index), r.institution, r.occupation, "、".join(short_level(lv) for lv in r.levels), r.score_text,
             r.grade_text, str(r.open_lines)] for index, r in enumerate(summary.ranked(), start=1)]
    document.table([column(tr("batch.col_rank"), 10), column(tr("batch.col_institution"), 42),
                    column(tr("batch.col_occupation"), 22), column(tr("batch.col_level"), 18),
                    column(tr("batch.col_score"), 22), column(tr("batch.col_grade"), 22), column(tr("batch.col_open"), 14)],
                   rows, small=True)


def _cross(document: Any, summary: BatchSummary, column: Any) -> None:
    document.heading(tr("batch.report_h_cross"))
    groups = summary.cross.groups
    institutions = {m.institution for g in groups for m in g.members}
    document.paragraph(tr("batch.report_cross", groups=len(groups), institutions=len(institutions)))
    document.note(tr("batch.cross_note"))
    if groups:
        document.caption(tr("batch.table_cross"))
        document.table([column(tr("batch.col_group"), 10), column(tr("batch.col_occupation"), 20),
                        column(tr("batch.col_level"), 14), column(tr("batch.col_kind"), 12),
                        column(tr("batch.col_institution"), 40), column(tr("batch.col_item"), 18),
                        column(tr("batch.col_excerpt"), 46)],
                       [[str(r[0]), r[1], r[2], r[3], r[5], r[6], r[7]] for r in _cross_rows(summary)[:300]],
                       small=True)


def _history(document: Any, summary: BatchSummary) -> None:
    document.heading(tr("batch.report_h_history"))
    rows = summary.history_rows()
    if not rows:
        document.paragraph(tr("batch.report_no_history"))
        return
    for result in rows:
        for text in _history_texts(result):
            document.paragraph(tr("batch.report_history_line", institution=result.institution, text=text))


def _problems(document: Any, summary: BatchSummary, column: Any) -> None:
    document.heading(tr("batch.report_h_problems"))
    if not summary.problems:
        document.paragraph(tr("batch.report_no_problems"))
        return
    document.caption(tr("batch.table_problems"))
    document.table([column(tr("batch.col_where"), 45), column(tr("batch.col_institution"), 40),
                    column(tr("batch.col_reason"), 75)],
                   [[p.where, p.institution, p.reason] for p in summary.problems], small=True)
