"""The Word report's appendix: the inputs with their fingerprints, the rule profile with every threshold, its
basis and the waivers; and how a threshold's value and a waiver's numbers are written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbaudit.analysis.profile import setting_label, setting_value_text, value_label
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.analysis.sheets import uses_checks
from qbaudit.i18n import tr
from qbaudit.report.model import ReportData, ReportKind, date_text, level_text, levels_text, number_text, rule_title
from qbaudit.report.official import CENTER, RIGHT, Column, OfficialDocument
from qbaudit.report.word_sheet import HeadingNumbers


def waiver_values_text(values: Sequence[tuple[str, Any]]) -> str:
    return "".join(tr("thresholds.report_waiver_value", setting=setting_label(name), value=value)
                   for name, value in values)


def value_text(name: str, value: Any) -> str:
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


def appendix(doc: OfficialDocument, data: ReportData, counter: Any) -> None:
    checked = uses_checks(data.sheet)
    numbers = HeadingNumbers()
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
            scope += waiver_values_text(waiver.values)
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
                     value_text(setting.name, setting.value), _basis_text(setting.basis), clause])
    doc.table(columns, rows, small=True)


_KINDS = ("bank", "blueprint", "standard", "responses", "papers", "plan")
