"""The rectification notice (整改通知书) in the layout of Shandong's 附件4, filled with the institution and
the items that failed: the sheet's lines scored below their maximum (or judged 否) in the form's own
words, the veto items that occurred, and the behaviours of Shandong's 第二十二条 recorded on the audit;
then the requirement, and the consequences decided (暂停评价活动 and its period, 列入监管档案, 对社会公布).

Offered for a signed revision that is unqualified or has a 第二十二条 behaviour recorded
(:func:`notice_refusal` says why not otherwise). The wording is data: ``resources/report/notice.toml``
for the form, the kind's opening sentence and measures in ``resources/report/kinds.toml``.
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
from qbaudit.report.kinds import wording as kind_wording
from qbaudit.report.model import ReportData, ReportKind, ReportOutcome, date_text, number_text, veto_label


@cache
def wording() -> dict[str, Any]:
    """The notice's wording (``resources/report/notice.toml``)."""
    return load_toml("report/notice.toml")


def grounds_catalogue() -> list[dict[str, str]]:
    """The eight behaviours of Shandong 第二十二条 (id, number, text), in the article's order."""
    return list(wording()["grounds"])


def notice_refusal(data: ReportData) -> str | None:
    """Why no notice can be issued for ``data`` (None when it can)."""
    if data.kind is ReportKind.QUICK:
        return tr("notice.not_for_quick")
    if data.kind is not ReportKind.SIGNED:
        return tr("notice.not_signed", revision=data.revision)
    if not data.unqualified and not data.grounds:
        return tr("notice.not_unqualified", grade=data.result.grade or tr("report.grade_pending"))
    return None


def ground_texts(data: ReportData) -> list[str]:
    """The recorded behaviours as ``（七）进行评价“包过”“保过”等虚假宣传的（note）``."""
    known = {g["id"]: g for g in grounds_catalogue()}
    texts = []
    for ground_id, note in data.grounds:
        ground = known.get(ground_id)
        if ground is not None:
            texts.append(f"{ground['number']}{ground['text']}" + (f"（{note}）" if note else ""))
    return texts


def notice_items(data: ReportData) -> list[str]:
    """The numbered problems of the notice: lost lines in the form's words, vetoes, 第二十二条 behaviours."""
    words, sheet = wording(), data.sheet
    items = []
    for row in data.lost_lines():
        line = row.line
        failed = [f.message for f in (row.suggestion.findings if row.suggestion else ()) if f.status is Status.FAIL]
        detail = "；".join(m.rstrip("。") for m in failed)
        if row.decision is not None and row.decision.reason and not failed:
            detail = row.decision.reason
        detail = _sentence(detail)
        values = dict(line=sheet.line_text(line), group="·".join(g.name for g in sheet.path(line)),
                      verdict=sheet.label(row.verdict), detail=detail)
        if sheet.method is Method.POINTS:
            items.append(words["line_item"].format(score=number_text(row.score), max=number_text(line.max), **values))
        else:
            items.append(words["line_item_yes_no"].format(**values))
    for veto, decision in data.result.vetoed:
        items.append(words["veto_item"].format(heading=veto_label(sheet), text=veto.text.rstrip("。"),
                                               description=_sentence(decision.description)))
    known = {g["id"]: g for g in grounds_catalogue()}
    for ground_id, note in data.grounds:
        ground = known[ground_id]
        items.append(words["ground_item"].format(source=words["grounds_source_short"], number=ground["number"],
                                                 text=ground["text"], note=_sentence(note)))
    return items


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (empty stays empty)."""
    text = text.strip()
    return text + "。" if text and not text.endswith(("。", "！", "？", "；")) else text


def decided_consequences(decision: Any) -> list[str]:
    """The consequences decided, in words (暂停评价活动 3 个月, 列入监管档案, 对社会公布); empty when none."""
    if decision is None:
        return []
    parts = []
    if decision.suspend:
        parts.append(tr("notice.suspended", months=decision.suspension_months))
    if decision.supervision_file:
        parts.append(tr("notice.filed"))
    if decision.publish:
        parts.append(tr("notice.published"))
    return parts


def consequences_text(data: ReportData) -> str:
    """The notice's sentences of the consequences: the suspension, the supervision file and publication,
    as decided; nothing recorded: the form's own text (which suspends evaluation while rectifying)."""
    words = wording()
    decision = data.notice
    if decision is None or not decision.consequences_decided:
        return words["suspension"]
    parts = []
    if decision.suspend:
        parts.append(words["suspension"])
    if decision.supervision_file and decision.publish:
        parts.append(words["consequences"]["file_and_publish"])
    elif decision.supervision_file:
        parts.append(words["consequences"]["file"])
    elif decision.publish:
        parts.append(words["consequences"]["publish"])
    return "".join(parts)


def _months(data: ReportData) -> int:
    decision = data.notice
    if decision is not None and decision.suspend and decision.suspension_months:
        return decision.suspension_months
    return wording()["months"]


def opening(data: ReportData, authority: str | None = None) -> str:
    """The notice's first sentence, in the words of the audit's kind (附件4's for a batch)."""
    words = wording()
    return kind_wording(data, "notice_opening", chinese=True, date=date_text(data.audit_date) or words["date_blank"],
                        authority=authority or words["authority"], batch=data.batch_number or words["batch_placeholder"])


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
    doc.paragraph(opening(data, authority))
    for number, item in enumerate(notice_items(data), 1):
        doc.paragraph(f"{number}. {item}")
    measures = kind_wording(data, "notice_measures", chinese=True)
    closing = [doc.paragraph(words["requirement"].format(measures=measures, months=_months(data)) + consequences_text(data)),
               doc.paragraph(), doc.paragraph(authority or words["signature"], doc.plain_style, align=RIGHT)]
    for paragraph in closing:  # the signature and date never stand alone on the last page
        paragraph.paragraph_format.keep_with_next = True
    doc.paragraph(words["date_blank"], doc.plain_style, align=RIGHT)  # the issuing office dates it
    saved = doc.save(path)
    return ReportOutcome(saved, [], time.perf_counter() - started)
