"""Moodle XML (``<quiz>``): nested categories, choice, true/false, short-answer, numerical and essay
questions. Each question is located by its ordinal (category questions not counted) and its
category path; tags such as ``考评点:A-B-001`` and ``<idnumber>`` carry the bank's metadata.
"""

from __future__ import annotations

import math
from typing import Any

from qbaudit.analysis.importers.exchange import Choice, Text, choice_fields, html_text, joined, tag_fields
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.records import Parsed, Record
from qbaudit.analysis.importers.xmlsafe import XmlError, parse_xml
from qbaudit.analysis.progress import ticking
from qbaudit.i18n import tr

# Moodle question types qbaudit reads, and the bank's item type of each (choice types decide by <single>).
_READ = {"multichoice", "truefalse", "shortanswer", "numerical", "essay"}
_FILL_IN = {"shortanswer", "numerical"}


def _text(node: Any, path: str = "text") -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "") if found is not None else ""


def _html(node: Any) -> Text:
    if node is None:
        return Text("")
    return html_text(_text(node), is_html=node.get("format", "html") in ("html", "moodle_auto_format", "markdown"))


def _category_path(raw: str) -> str | None:
    parts = [p.strip() for p in raw.split("/") if p.strip()]
    parts = [p for p in parts if not (p.startswith("$") and p.endswith("$")) and p.lower() not in ("top", "默认")]
    return "/".join(parts) or None


def _fraction(answer: Any) -> float | None:
    """The grade share of an answer (``fraction="100"``), or None when it is not a number."""
    written = (answer.get("fraction", "0") or "0").strip()
    try:
        value = float(written)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_moodle(name: str, content: bytes) -> Parsed:
    """Read a Moodle XML export into records (raises :class:`XmlError` for a file that is not XML)."""
    root = parse_xml(name, content)
    parsed = Parsed(unit="question", file=name)
    if root.tag != "quiz":
        raise XmlError(tr("formats.not_moodle", file=name))
    category: str | None = None
    ordinal = 0
    for question in ticking(root.iter("question")):
        kind = question.get("type", "")
        if kind == "category":
            category = _category_path(_text(question.find("category")))
            continue
        ordinal += 1
        if kind == "description":
            parsed.note(Severity.INFO, tr("formats.moodle_description"), ordinal, category)
            continue
        if kind not in _READ:
            parsed.note(Severity.REJECTED, tr("formats.type_not_read", kind=kind or "?"), ordinal, category)
            continue
        stem = _html(question.find("questiontext"))
        fields: dict[str, str | None] = {
            "item_id": (question.findtext("idnumber") or "").strip() or _text(question.find("name")).strip() or None,
            "stem": stem.text,
            "explanation": _html(question.find("generalfeedback")).text or None,
        }
        answers = question.findall("answer")
        fractions = [_fraction(a) for a in answers]
        if any(f is None for f in fractions):
            bad = next(a.get("fraction", "") for a, f in zip(answers, fractions, strict=True) if f is None)
            parsed.note(Severity.REJECTED, tr("guard.moodle_fraction", value=bad[:20]), ordinal, category)
            continue
        if kind == "multichoice":
            single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
            choices = [Choice(_html(a).text, (f or 0) > 0) for a, f in zip(answers, fractions, strict=True)]
            taken = choice_fields(choices, single)
            if isinstance(taken, str):
                parsed.note(Severity.REJECTED, taken, ordinal, category)
                continue
            fields.update(taken)
        elif kind == "truefalse":
            right = [_text(a).strip().lower() for a, f in zip(answers, fractions, strict=True) if (f or 0) >= 100]
            fields.update(item_type="判断", answer={"true": "√", "false": "×"}.get(right[0]) if right else None)
        elif kind in _FILL_IN:
            right = [_text(a).strip() for a, f in zip(answers, fractions, strict=True) if (f or 0) >= 100]
            fields.update(item_type="填空", answer=joined(right))
        else:  # essay: the grader's information is the reference answer
            fields.update(item_type="简答", answer=_html(question.find("graderinfo")).text or None)
        tags = [_text(tag) for tag in question.iter("tag")]
        fields.update({k: v for k, v in tag_fields(tags).items() if not fields.get(k)})
        pictures = [f.get("name", "") for f in question.iter("file")]
        references = stem.references() + [tr("formats.attachment_picture", name=p) for p in pictures
                                          if p and p not in stem.pictures]
        fields["attachments"] = "；".join(references) or None
        parsed.records.append(Record(ordinal, fields, category))
    return parsed
