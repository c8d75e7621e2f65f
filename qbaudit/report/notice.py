"""The rectification notice (整改通知书) in the layout of Shandong's 附件4, filled with the institution and
the items that failed: the sheet's lines scored below their maximum, then the veto items that occurred.

Offered only when the grade is unqualified and the revision is signed (:func:`notice_refusal` says why
not otherwise). The wording is data: ``resources/report/notice.toml``.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

from qbaudit.analysis.model import Status
from qbaudit.analysis.sheets import Method
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr
from qbaudit.report.model import ReportData, ReportKind, ReportOutcome, date_text, levels_text, number_text


@cache
def wording() -> dict[str, Any]:
    """The notice's wording (``resources/report/notice.toml``)."""
    return load_toml("report/notice.toml")


def notice_refusal(data: ReportData) -> str | None:
    """Why no notice can be issued for ``data`` (None when it can)."""
    if data.kind is ReportKind.QUICK:
        return tr("notice.not_for_quick")
    if data.kind is not ReportKind.SIGNED:
        return tr("notice.not_signed", revision=data.revision)
    if not data.unqualified:
        return tr("notice.not_unqualified", grade=data.result.grade or tr("report.grade_pending"))
    return None


def notice_items(data: ReportData) -> list[str]:
    """The numbered problems of the notice."""
    words, sheet = wording(), data.sheet
    items = []
    for row in data.lost_lines():
        line = row.line
        failed = [f.message for f in (row.suggestion.findings if row.suggestion else ()) if f.status is Status.FAIL]
        detail = "；".join(m.rstrip("。") for m in failed)
        if row.decision is not None and row.decision.reason and not failed:
            detail = row.decision.reason
        detail = detail + "。" if detail and not detail.endswith("。") else detail
        values = dict(line=line.name, group=sheet.group(line.group).name, verdict=sheet.label(row.verdict),
                      detail=detail)
        if sheet.method is Method.POINTS:
            items.append(words["line_item"].format(score=number_text(row.score), max=number_text(line.max), **values))
        else:
            items.append(words["line_item_yes_no"].format(**values))
    for veto, decision in data.result.vetoed:
        items.append(words["veto_item"].format(text=veto.text, description=decision.description))
    return items


def write_notice(data: ReportData, path: str | Path, *, authority: str | None = None) -> ReportOutcome:
    """Write the rectification notice of ``data`` to ``path`` (.docx).

    Raises ValueError with the reason (in the UI language) when no notice can be issued.
    """
    refusal = notice_refusal(data)
    if refusal:
        raise ValueError(refusal)
    from qbaudit.report.official import RIGHT, OfficialDocument

    started = time.perf_counter()
    words = wording()
    doc = OfficialDocument()
    doc.doc.core_properties.title = words["title"]
    doc.title(words["title"])
    doc.paragraph(words["addressee"].format(institution=data.institution or words["institution_placeholder"]),
                  doc.plain_style)
    doc.paragraph(words["opening"].format(date=date_text(data.audit_date), authority=authority or words["authority"],
                                          occupation=data.occupation or "", levels=levels_text(data.levels)))
    for number, item in enumerate(notice_items(data), 1):
        doc.paragraph(f"{number}. {item}")
    doc.paragraph(words["requirement"].format(measures=words["measures"], months=words["months"]))
    doc.paragraph()
    doc.paragraph(authority or words["signature"], doc.plain_style, align=RIGHT)
    doc.paragraph(words["date_blank"], doc.plain_style, align=RIGHT)  # the issuing office dates it
    saved = doc.save(path)
    return ReportOutcome(saved, [], time.perf_counter() - started)
