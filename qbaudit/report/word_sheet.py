"""The score sheet in the Word report, laid out as its form is: grouping columns merged where equal, the
suggested and decided verdicts, the total (points, or the count of 否 and its limit), the veto items, the
总体评价, the sheet's notes and the group totals at every level."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbaudit.analysis.sheets import Method, Verdict, uses_checks
from qbaudit.i18n import tr
from qbaudit.report.model import (
    ReportData,
    ReportKind,
    date_text,
    number_text,
    overridden,
    verdict_text,
    veto_label,
)
from qbaudit.report.official import CENTER, LEFT, Column, OfficialDocument, merge_text

_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二 (headings count in Chinese numerals)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (_NUMERALS[ones - 1] if ones else "")


class HeadingNumbers:
    """一、二、三 … for the headings, in the order they are written."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return chinese_number(self.count)


class Numbering:
    """The numbers of the report's tables and figures, in order."""

    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def noes(data: ReportData, group_id: str) -> int:
    """How many lines under a group are judged 否."""
    inside = {line.id for line in data.sheet.lines_under(group_id)}
    return sum(1 for row in data.result.lines if row.line.id in inside and row.verdict is Verdict.NO)


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


def _line_cells(data: ReportData, row: Any, points: bool, checked: bool) -> tuple[list[str], list[str | None]]:
    """One line of the sheet's table: its cells, and the group of each grouping column (merged when equal)."""
    sheet, layout = data.sheet, data.sheet.layout
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
    return cells, groups


def _total_cells(data: ReportData, points: bool, checked: bool, text_columns: int) -> tuple[str, list[str]]:
    """The sheet table's total row: its label, and its cells (the points, or the count of 否 and its limit)."""
    total_label = tr("report.total_row" if points else "report.total_row_noes")
    total_cells = [total_label] + [""] * (text_columns - 1)
    if points:
        total_cells += [number_text(data.sheet.total)] + ([""] if checked else []) + [number_text(data.result.total), ""]
    else:
        total_cells += ([""] if checked else []) + [_no_count_text(data), ""]
    return total_label, total_cells


def score_sheet(doc: OfficialDocument, data: ReportData, counter: Numbering, number: str) -> None:
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
        add(*_line_cells(data, row, points, checked))
    last_line = len(rows)
    total_label, total_cells = _total_cells(data, points, checked, text_columns)
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


def _group_table(doc: OfficialDocument, data: ReportData, counter: Numbering) -> None:
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
            rows.append([layout.levels[depth - 1], name, str(len(sheet.lines_under(group.id))), str(noes(data, group.id))])
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
