"""XML from outside, parsed safely: no entity expansion, no external resources (``defusedxml``), nesting
no deeper than ``[limits] xml_max_depth`` of ``formats.toml``, namespaces dropped so that QTI 2.1 files with or
without a default namespace read alike. Every failure of the parser (broken XML, an unknown declared encoding,
a forbidden DTD, nesting too deep) is an :class:`XmlError` naming the file and what to do."""

from __future__ import annotations

import re
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

_POSITION = re.compile(r"line (\d+)")
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{0,40})")


class XmlError(QbauditError):
    """An XML file that cannot be used; the message is for the user (Chinese)."""


def parse_xml(name: str, content: bytes) -> Any:
    """The root element of ``content`` with every tag and attribute name stripped of its namespace."""
    from qbaudit.analysis.importers.guard import FileLimits

    try:
        root = fromstring(content)
    except DefusedXmlException as exc:
        raise XmlError(tr("formats.xml_forbidden", file=name)) from exc
    except ParseError as exc:
        where = _POSITION.search(str(exc))
        raise XmlError(tr("formats.xml_broken", file=name, line=where.group(1) if where else "?")) from exc
    except LookupError as exc:  # encoding="bogus" in the declaration
        declared = _ENCODING.search(content[:200])
        encoding = declared.group(1).decode("ascii", "replace") if declared else "?"
        raise XmlError(tr("guard.xml_encoding", file=name, encoding=encoding)) from exc
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise XmlError(tr("formats.xml_broken", file=name, line="?")) from exc
    limit = FileLimits.bundled().xml_max_depth
    if _depth(root, limit) > limit:
        raise XmlError(tr("guard.xml_too_deep", file=name, limit=limit))
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
        for key in [k for k in element.attrib if "}" in k]:
            element.attrib[key.rsplit("}", 1)[1]] = element.attrib.pop(key)
    return root



def _depth(root: Any, limit: int) -> int:
    """How deep the elements under ``root`` nest (counted without recursion; stops past ``limit``)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in element)
    return deepest
