"""IMS QTI 2.1 items (``assessmentItem``), loose or in a content package (a zip with
``imsmanifest.xml``). Choice, extended-text and text-entry interactions are read; each item is
located by its ordinal and the file it came from. Packages are opened through :mod:`.archive`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from qbaudit.analysis.importers.archive import extracted
from qbaudit.analysis.importers.exchange import Choice, Text, choice_fields, joined, tidy
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.records import Parsed, Record
from qbaudit.analysis.importers.xmlsafe import XmlError, parse_xml
from qbaudit.analysis.progress import ticking
from qbaudit.i18n import tr

_READ = {"choiceInteraction", "extendedTextInteraction", "textEntryInteraction"}
_BLOCKS = {"p", "div", "br", "li", "tr", "table", "blockquote", "prompt", "h1", "h2", "h3", "h4"}
_SKIP = {"simpleChoice", "feedbackInline", "feedbackBlock", "modalFeedback", "rubricBlock", "responseProcessing"}
_BLANK = "（　　）"


def _walk(node: Any, out: list[str], pictures: list[str], tables: list[int]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _SKIP:
        return
    if tag in ("img", "object"):
        pictures.append(node.get("src") or node.get("data") or "")
    if tag == "table":
        tables.append(1)
    if tag == "textEntryInteraction":
        out.append(_BLANK)
    if tag in _BLOCKS:
        out.append("\n")
    out.append(node.text or "")
    for child in node:
        _walk(child, out, pictures, tables)
        out.append(child.tail or "")
    if tag in _BLOCKS:
        out.append("\n")


def _text(node: Any) -> Text:
    """Text of what ``node`` holds (its own tag is not looked at, so a choice reads its content)."""
    out: list[str] = [node.text or ""]
    pictures: list[str] = []
    tables: list[int] = []
    for child in node:
        _walk(child, out, pictures, tables)
        out.append(child.tail or "")
    return Text(tidy("".join(out)), [p for p in pictures if p], len(tables))


def _number(text: str | None) -> float:
    """A score attribute (``mappedValue``) as a number; 0 (not a key) when it is not a finite number."""
    try:
        value = float((text or "0").strip() or 0)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _declarations(root: Any) -> dict[str, list[str]]:
    """Correct values of each response: ``correctResponse``, else the positively mapped keys."""
    found: dict[str, list[str]] = {}
    for declaration in root.iter("responseDeclaration"):
        values = [(v.text or "").strip() for v in declaration.iter("value") if v.text]
        if not values:
            values = [e.get("mapKey", "") for e in declaration.iter("mapEntry")
                      if _number(e.get("mappedValue", "0")) > 0]
        found[declaration.get("identifier", "")] = values
    return found


def item_record(name: str, content: bytes, ordinal: int, parsed: Parsed, part: str | None) -> None:
    """Read one ``assessmentItem`` into ``parsed`` (a record, or the reason it was not taken)."""
    try:
        root = parse_xml(name, content)
    except XmlError as exc:
        parsed.note(Severity.REJECTED, str(exc), ordinal, part)
        return
    if root.tag != "assessmentItem":
        parsed.note(Severity.REJECTED, tr("formats.qti_not_item", tag=root.tag), ordinal, part)
        return
    body = root.find("itemBody")
    interactions = [n for n in (body.iter() if body is not None else []) if str(n.tag).endswith("Interaction")]
    other = sorted({n.tag for n in interactions if n.tag not in _READ})
    kinds = {n.tag for n in interactions}
    if other or not interactions or ("choiceInteraction" in kinds and len(interactions) > 1):
        kind = "、".join(other) if other else (tr("formats.qti_composite") if interactions else tr("formats.qti_none"))
        parsed.note(Severity.REJECTED, tr("formats.type_not_read", kind=kind), ordinal, part)
        return
    correct = _declarations(root)
    stem = _text(body)
    fields: dict[str, str | None] = {"item_id": root.get("identifier") or None, "stem": stem.text}
    first = interactions[0]
    keys = correct.get(first.get("responseIdentifier", ""), [])
    if first.tag == "choiceInteraction":
        simple = list(first.iter("simpleChoice"))
        choices = [Choice(_text(c).text, c.get("identifier") in keys) for c in simple]
        taken = choice_fields(choices, single=first.get("maxChoices", "1") == "1")
        if isinstance(taken, str):
            parsed.note(Severity.REJECTED, taken, ordinal, part)
            return
        fields.update(taken)
        for choice in simple:
            picture = _text(choice)
            stem.pictures += picture.pictures
    elif first.tag == "extendedTextInteraction":
        fields.update(item_type="简答", answer=joined(keys))
    else:
        answers = [v for n in interactions for v in correct.get(n.get("responseIdentifier", ""), [])]
        fields.update(item_type="填空", answer=joined(answers))
    fields["attachments"] = "；".join(stem.references()) or None
    parsed.records.append(Record(ordinal, fields, part))


def parse_qti_item(name: str, content: bytes) -> Parsed:
    """Read a loose QTI 2.1 item file."""
    root = parse_xml(name, content)
    if root.tag != "assessmentItem":
        raise XmlError(tr("formats.qti_not_item_file", file=name, tag=root.tag))
    parsed = Parsed(unit="question", file=name)
    item_record(name, content, 1, parsed, None)
    return parsed


def parse_qti_package(name: str, path: Path) -> Parsed:
    """Read the items of a QTI 2.1 content package (raises ``ArchiveError`` for a refused archive)."""
    parsed = Parsed(unit="question", file=name)
    with extracted(path) as folder:
        manifest = folder / "imsmanifest.xml"
        hrefs: list[str] = []
        if manifest.is_file():
            root = parse_xml(f"{name}/imsmanifest.xml", manifest.read_bytes())
            for resource in root.iter("resource"):
                if resource.get("type", "").startswith("imsqti_item") and resource.get("href"):
                    hrefs.append(resource.get("href", ""))
                elif resource.get("type", "").startswith("imsqti_test"):
                    parsed.note(Severity.INFO, tr("formats.qti_test_skipped", href=resource.get("href", "")))
        else:
            hrefs = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.xml"))
            parsed.note(Severity.INFO, tr("formats.qti_no_manifest"))
        for ordinal, href in enumerate(ticking(hrefs, every=16), start=1):
            target = (folder / href).resolve()
            if not target.is_relative_to(folder) or not target.is_file():
                parsed.note(Severity.REJECTED, tr("formats.qti_missing_file", href=href), ordinal, href)
                continue
            item_record(href, target.read_bytes(), ordinal, parsed, href)
    return parsed
