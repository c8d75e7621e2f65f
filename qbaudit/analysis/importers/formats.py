"""Which kind of bank file this is, by its magic bytes first and its extension second, and the one
road from any kind to the mapped :class:`~qbaudit.analysis.importers.table.Table` the bank builder takes.

Kinds: spreadsheets (``.xlsx``/``.xlsm``/``.xls``/``.ods``/``.csv``, through the header mapping),
Word (``.docx``), Moodle XML, QTI 2.1 (a loose item ``.xml`` or a content package ``.zip``), GIFT and
Aiken (``.gift``/``.aiken``, or ``.txt`` recognised by its content), JSON and JSON Lines exports of web exam
systems (``.json``/``.jsonl``, or recognised by their content).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from qbaudit.analysis.importers.archive import ArchiveError
from qbaudit.analysis.importers.reading import CSV_SUFFIXES, ReadError, encoding_label, read_bytes, sniff_text
from qbaudit.analysis.importers.records import FormatError, Parsed, records_table
from qbaudit.analysis.importers.table import Table, load_table
from qbaudit.analysis.importers.xmlsafe import XmlError
from qbaudit.i18n import tr

_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_AIKEN_LINE = re.compile(r"^\s*(ANSWER|答案)\s*[:：]\s*[A-Z]", re.M | re.I)
_OPTION_LINE = re.compile(r"^\s*[A-H]\s*[.．、)）]", re.M)
_GIFT_SIGNS = re.compile(r"\{\s*\}|\{\s*[=~#]|\{\s*(T|F|TRUE|FALSE)\s*\}|^::|^\$CATEGORY:", re.M)


def _xml_root(content: bytes) -> str | None:
    head = content[:4096]
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    match = _XML_ROOT.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def detect_format(path: Path, content: bytes) -> str:
    """The kind of bank file ``content`` is: ``sheet``, ``docx``, ``moodle``, ``qti``, ``qti_package``,
    ``gift``, ``aiken``, ``json`` or ``jsonl`` — or ``doc``/``xml`` for the files refused with a reason."""
    suffix = path.suffix.lower()
    if content.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
            names = set()  # not a zip Python can open (a later zip version …): its reader says so
        if "word/document.xml" in names:
            return "docx"
        if "imsmanifest.xml" in names or suffix == ".zip":
            return "qti_package"
        return "docx" if suffix == ".docx" else "sheet"
    if content.startswith(_CFB):
        return "doc" if suffix in (".doc", ".docx", ".wps") else "sheet"
    if suffix in (".docx", ".zip"):
        return "docx" if suffix == ".docx" else "qti_package"
    if suffix == ".gift":
        return "gift"
    if suffix == ".aiken":
        return "aiken"
    if suffix in (".json", ".jsonl", ".ndjson"):
        from qbaudit.analysis.importers.jsonbank import is_json

        return "jsonl" if suffix != ".json" else (is_json(content) or "json")
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") or suffix == ".xml":
        root = _xml_root(stripped)
        return {"quiz": "moodle", "assessmentItem": "qti"}.get(root or "", "xml")
    if suffix in CSV_SUFFIXES - {".csv"} or not suffix:
        from qbaudit.analysis.importers.jsonbank import is_json

        json_kind = is_json(content)
        if json_kind:
            return json_kind
        text = sniff_text(content)  # a UTF-16 or GBK Aiken/GIFT file is not a CSV
        if _AIKEN_LINE.search(text) and _OPTION_LINE.search(text):
            return "aiken"
        if _GIFT_SIGNS.search(text):
            return "gift"
    return "sheet"


def _parsers() -> dict[str, Callable[[Path, bytes], Parsed]]:
    from qbaudit.analysis.importers.docx import parse_docx
    from qbaudit.analysis.importers.jsonbank import parse_json, parse_jsonl
    from qbaudit.analysis.importers.moodle import parse_moodle
    from qbaudit.analysis.importers.qti import parse_qti_item, parse_qti_package
    from qbaudit.analysis.importers.textformats import parse_aiken, parse_gift

    return {
        "docx": lambda path, content: parse_docx(path.name, content),
        "moodle": lambda path, content: parse_moodle(path.name, content),
        "qti": lambda path, content: parse_qti_item(path.name, content),
        "qti_package": lambda path, content: parse_qti_package(path.name, path),
        "gift": lambda path, content: parse_gift(path.name, content),
        "aiken": lambda path, content: parse_aiken(path.name, content),
        "json": lambda path, content: parse_json(path.name, content),
        "jsonl": lambda path, content: parse_jsonl(path.name, content),
    }


def bank_table(path: str | Path, *, columns: Sequence[str | None] | None = None) -> Table | str:
    """The mapped rows of the bank file at ``path``, whatever its kind, or a Chinese error message."""
    try:
        path, content = read_bytes(path)
    except ReadError as exc:
        return str(exc)
    kind = detect_format(path, content)
    if kind == "sheet":
        table = load_table(path, "bank", columns=list(columns) if columns is not None else None, content=content)
        if isinstance(table, str) and columns is None and path.suffix.lower() in CSV_SUFFIXES | {""}:
            from qbaudit.analysis.importers.templates import offer

            table += offer(path)
        return table
    if kind == "doc":
        return tr("formats.old_word", file=path.name)
    if kind == "xml":
        return tr("formats.xml_unknown", file=path.name)
    try:  # a zip bomb dressed as .docx was refused by read_bytes (the guarded door)
        parsed = _parsers()[kind](path, content)
    except (XmlError, ArchiveError, FormatError) as exc:
        return str(exc)
    if not parsed.records and not parsed.issues:
        return tr("formats.no_items", file=path.name, format=tr(f"formats.name_{kind}"))
    # The inputs table shows how each file was read: the text encoding, or the format of a document.
    parsed.encoding = encoding_label(parsed.encoding) if parsed.encoding else tr(f"formats.name_{kind}")
    return records_table(path, content, parsed)
