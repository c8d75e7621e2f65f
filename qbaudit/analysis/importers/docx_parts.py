"""How a Word file is taken apart before its paragraphs are read as items: whether it is one, which XML part of a
broken one is broken, its automatic list numbering (the numbers Word shows but does not store), its tables' cells."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from qbaudit.i18n import tr

DECIMAL_FORMATS = {"decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth", "decimalEnclosedParen",
                    "decimalEnclosedFullstop", "decimalEnclosedCircle", "decimalEnclosedCircleChinese"}
LETTER_FORMATS = {"upperLetter", "lowerLetter"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def broken_part(name: str, content: bytes) -> str | None:
    """The message naming the first XML part of the Word file ``content`` that is not well-formed XML (and the
    line of the error), or None when every part parses."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                try:
                    etree.fromstring(archive.read(info), parser=parser)
                except etree.XMLSyntaxError as exc:
                    line = exc.lineno if getattr(exc, "lineno", None) else "?"
                    return tr("guard.xml_part_broken", file=name, part=info.filename, line=line)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        return None
    return None


@dataclass
class Numbering:
    """Word's automatic numbering: the format of each list level, and the running counters."""

    formats: dict[tuple[str, int], tuple[str, int]]  # (numId, ilvl) → (numFmt, start)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        formats: dict[tuple[str, int], tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls(formats)
        abstract = {}
        for node in numbering.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                start = lvl.find(f"{_W}start")
                ilvl = list_number(lvl.get(f"{_W}ilvl", "0"))
                if ilvl is None:  # a level Word could not show either: its paragraphs read as level 0
                    continue
                levels[ilvl] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    (list_number(start.get(f"{_W}val", "1")) if start is not None else 1) or 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in numbering.findall(f"{_W}num"):
            link = num.find(f"{_W}abstractNumId")
            linked = abstract.get(link.get(f"{_W}val")) if link is not None else None
            for ilvl, entry in (linked or {}).items():
                formats[(num.get(f"{_W}numId", ""), ilvl)] = entry
        return cls(formats)

    def step(self, num_id: str, ilvl: int) -> tuple[str, int]:
        """The format and the number Word shows for the next paragraph of list ``num_id`` at ``ilvl``."""
        fmt, start = self.formats.get((num_id, ilvl), ("decimal", 1))
        levels = self.counters.setdefault(num_id, {})
        levels[ilvl] = levels.get(ilvl, start - 1) + 1
        for deeper in [lvl for lvl in levels if lvl > ilvl]:
            del levels[deeper]
        return fmt, levels[ilvl]


_MAX_LIST_LEVEL = 8  # Word's list levels are 0 to 8


def list_number(text: str | None) -> int | None:
    """An integer attribute of the document's XML (a list level, a start number), or None when it is not one."""
    text = (text or "").strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 9:
        return None
    return int(text)


def numbering_of(paragraph: Any) -> tuple[str, int, str | None] | None:
    """``(numId, ilvl, unreadable)`` of a paragraph's automatic numbering (its own, or its style's), if any;
    ``unreadable`` is the level as written when it is not a list level (the paragraph is then read at level 0)."""
    for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        ppr = holder if holder is None or holder.tag.endswith("pPr") else holder.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = num_pr.find(f"{_W}numId")
            ilvl = num_pr.find(f"{_W}ilvl")
            if num_id is not None and num_id.get(f"{_W}val") != "0":
                written = ilvl.get(f"{_W}val", "0") if ilvl is not None else "0"
                level = list_number(written)
                if level is None or not 0 <= level <= _MAX_LIST_LEVEL:
                    return num_id.get(f"{_W}val", ""), 0, written
                return num_id.get(f"{_W}val", ""), level, None
    return None


def table_cells(element: Any, number: int) -> tuple[list[list[str | None]], list[int], list[list[tuple[int, bool]]], int]:
    """The cells of a Word table row by row, the paragraph each row starts at, per row (paragraph, has text) of
    each of its paragraphs, and the number of the table's last paragraph."""
    rows: list[list[str | None]] = []
    starts: list[int] = []
    spans: list[list[tuple[int, bool]]] = []  # per row: (paragraph, has text)
    for tr_element in element.iter(f"{_W}tr"):
        starts.append(number + 1)
        cells = []
        span = []
        for cell in tr_element.iter(f"{_W}tc"):
            paragraphs = cell.findall(f".//{_W}p")
            texts = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in paragraphs]
            for text in texts:
                number += 1
                span.append((number, bool(text.strip())))
            cells.append("\n".join(texts).strip() or None)
        rows.append(cells)
        spans.append(span)
    return rows, starts, spans, number
