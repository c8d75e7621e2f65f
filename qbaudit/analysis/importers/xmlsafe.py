"""XML from outside, parsed safely: no entity expansion, no external resources (``defusedxml``),
namespaces dropped so that QTI 2.1 files with or without a default namespace read alike."""

from __future__ import annotations

import re
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qbaudit.i18n import tr

_POSITION = re.compile(r"line (\d+)")


class XmlError(Exception):
    """An XML file that cannot be used; the message is for the user (Chinese)."""


def parse_xml(name: str, content: bytes) -> Any:
    """The root element of ``content`` with every tag and attribute name stripped of its namespace."""
    try:
        root = fromstring(content)
    except DefusedXmlException as exc:
        raise XmlError(tr("formats.xml_forbidden", file=name)) from exc
    except ParseError as exc:
        where = _POSITION.search(str(exc))
        raise XmlError(tr("formats.xml_broken", file=name, line=where.group(1) if where else "?")) from exc
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
        for key in [k for k in element.attrib if "}" in k]:
            element.attrib[key.rsplit("}", 1)[1]] = element.attrib.pop(key)
    return root

