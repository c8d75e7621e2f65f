"""The document's font table: each official-document font with the fonts Word tries when it is missing.

A Chinese Windows has 宋体 (SimSun), 黑体 (SimHei), 仿宋 (FangSong) and 楷体 (KaiTi) but not 方正小标宋简体,
and 仿宋_GB2312/楷体_GB2312 only where someone installed them. For each font the document names,
``resources/report/style.toml`` lists the alternates (``[font_alternates]``); they are written to the
font table as ``w:altName`` (ISO/IEC 29500-1 §17.8.3.1: tried in turn before substituting by metrics),
with the GB2312 character set, so a missing font is replaced by a Chinese face of the same kind and
never by a Western one.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

GB2312_CHARSET = "86"  # hexadecimal, as the font table writes it (GB2312_CHARSET = 134)


def declare_fonts(document: Any, layout: dict[str, Any]) -> None:
    """Write every East Asian font of ``layout["fonts"]`` into ``document``'s font table with its
    alternates from ``layout["font_alternates"]``."""
    alternates: dict[str, list[str]] = layout.get("font_alternates", {})
    names = [name for name in dict.fromkeys(layout["fonts"].values()) if name in alternates]
    if not names:
        return
    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    table = parse_xml(part.blob)
    for font in table.findall(qn("w:font")):
        if font.get(qn("w:name")) in names:
            table.remove(font)
    for name in names:
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), ",".join(alternates[name]))
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), GB2312_CHARSET)
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "auto")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
