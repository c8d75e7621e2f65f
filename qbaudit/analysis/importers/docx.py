"""Word banks (``.docx``): sections by item type, numbered items, options, answers, codes.

What is read, paragraph by paragraph (python-docx gives the paragraphs, tables and numbering):

* a section heading names the type of the items below it (``一、单项选择题（每题1分）``; the
  words are the item types of ``vocabulary.toml``); a title naming a level (``焊工（四级）理论知识``)
  sets the level of what follows;
* an item starts with a typed number (``12.``, ``12、``, ``（12）``) or with Word's automatic
  numbering in a decimal format; options start with a letter (``A.``, ``B、``, several on one line
  or one per paragraph) or carry automatic letter numbering;
* the answer is an answer line (``答案：B``, markers in ``formats.toml``) or sits in the stem's
  brackets (``（ B ）``, ``（√）``), which are then emptied to ``（　　）``; other ``key：value`` lines
  (``考评点代码：A-B-001``, ``难度：3``, ``解析：…``) use the header synonyms of ``columns.toml``;
  a code in square brackets at the end of the stem (``【A-B-001】``) is the point code;
* a table whose first row is a bank header is read row by row like a sheet; any other table,
  and every picture, is kept as a reference in the item's attachments.

Locations: paragraphs are numbered from 1 in document order, counting blank paragraphs and the
paragraphs inside table cells (so a table row is located by the number of its first paragraph).
Paragraphs that belong to no item, text boxes and anything else not read are reported.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.importers.bank import split_options
from qbaudit.analysis.importers.exchange import TAGGABLE
from qbaudit.analysis.importers.headers import detect_header, kind_spec, match_header
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.reading import RawSheet
from qbaudit.analysis.importers.records import Parsed, Record
from qbaudit.analysis.importers.textformats import aiken_answer
from qbaudit.analysis.vocabulary import fold, parse_item_type, parse_level
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr

_TYPED_NUMBER = re.compile(r"^\s*(?:[(（]\s*(\d{1,4})\s*[)）]|(\d{1,4})\s*[.．、)）](?!\d))\s*(.*)$", re.S)
_OPTION = re.compile(r"^\s*([A-H])\s*[.．、:：)）]\s*(.*)$", re.S)
_KEY_VALUE = re.compile(r"^\s*【?([^：:】]{1,10})】?\s*[：:]\s*(.*)$", re.S)
_BRACKETS = re.compile(r"[（(]\s*([^（）()]{1,12}?)\s*[）)]")
_LETTERS = re.compile(r"^[A-H](?:\s*[,，、]?\s*[A-H]){0,7}$")
_TRAILING_CODE = re.compile(r"\s*[【\[]\s*([A-Za-z0-9Ａ-Ｚａ-ｚ０-９][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－—–.．]*)\s*[】\]]\s*$")
_BLANK = "（　　）"
_DECIMAL_FORMATS = {"decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth", "decimalEnclosedParen",
                    "decimalEnclosedFullstop", "decimalEnclosedCircle", "decimalEnclosedCircleChinese"}
_LETTER_FORMATS = {"upperLetter", "lowerLetter"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@cache
def _words(section: str) -> frozenset[str]:
    return frozenset(fold(w) for w in load_toml("formats.toml")[section]["words"])


@dataclass
class _Numbering:
    """Word's automatic numbering: the format of each list level, and the running counters."""

    formats: dict[tuple[str, int], tuple[str, int]]  # (numId, ilvl) → (numFmt, start)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
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
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in numbering.findall(f"{_W}num"):
            link = num.find(f"{_W}abstractNumId")
            levels = abstract.get(link.get(f"{_W}val")) if link is not None else None
            for ilvl, entry in (levels or {}).items():
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


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """``(numId, ilvl)`` of a paragraph's automatic numbering (its own, or its style's), if any."""
    for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        ppr = holder if holder is None or holder.tag.endswith("pPr") else holder.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = num_pr.find(f"{_W}numId")
            ilvl = num_pr.find(f"{_W}ilvl")
            if num_id is not None and num_id.get(f"{_W}val") != "0":
                return num_id.get(f"{_W}val", ""), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
    return None


@dataclass
class _Item:
    start: int
    section: int
    number: int | None
    item_type: str | None
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    references: list[str] = field(default_factory=list)

    def append(self, text: str) -> None:
        if self.last.startswith("option_"):
            letter = self.last[-1].upper()
            self.options[letter] = f"{self.options[letter]}\n{text}".strip()
        else:
            self.fields[self.last] = f"{self.fields.get(self.last, '')}\n{text}".strip()


class _Reader:
    def __init__(self, name: str, document: Any) -> None:
        self.document = document
        self.parsed = Parsed(unit="paragraph", file=name)
        self.numbering = _Numbering.of(document)
        self.section_type: str | None = None
        self.section = 0
        self.context: dict[str, str] = {}  # level / occupation of what follows
        self.item: _Item | None = None
        self.inferred = 0
        self.spec = kind_spec("bank")

    # --- the walk ------------------------------------------------------------------------------

    def read(self) -> Parsed:
        number = 0
        for block in self.document.element.body.iterchildren():
            if block.tag == f"{_W}p":
                number += 1
                self.paragraph(number, block)
            elif block.tag == f"{_W}tbl":
                number = self.table(number, block)
        self.close()
        if self.inferred:
            self.parsed.note(Severity.INFO, tr("docx.types_inferred", count=self.inferred))
        return self.parsed

    def paragraph(self, number: int, element: Any) -> None:
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(element, self.document)
        text = paragraph.text.replace("\t", " ").strip()
        pictures = self.pictures(element)
        if element.findall(f".//{_W}txbxContent"):
            self.parsed.note(Severity.WARNING, tr("docx.text_box"), number)
        numbered = _num_pr(paragraph)
        fmt, shown = self.numbering.step(*numbered) if numbered else (None, None)
        if not text:
            if pictures:
                self.attach(number, [tr("docx.picture", name=p, paragraph=number) for p in pictures])
            return
        if self.heading(number, text):
            return
        if self.key_value(number, text):
            return
        if self.option(number, text, fmt):
            return
        typed = _TYPED_NUMBER.match(text)
        shown_typed = int(typed.group(1) or typed.group(2)) if typed else None
        # A typed number not above the current item's is a numbered point of its answer ("1. …").
        if shown_typed is not None and (self.item is None or self.item.number is None or shown_typed > self.item.number):
            self.start(number, shown_typed, typed.group(3))
        elif fmt in _DECIMAL_FORMATS and numbered[1] == 0:
            self.start(number, shown, text)
        elif self.item is not None:
            self.item.append(text)
        else:
            self.parsed.note(Severity.INFO, tr("docx.not_an_item", text=text[:20]), number)
            return
        if pictures and self.item is not None:
            self.item.references += [tr("docx.picture", name=p, paragraph=number) for p in pictures]

    def pictures(self, element: Any) -> list[str]:
        names = []
        for blip in element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
                                 "{urn:schemas-microsoft-com:vml}imagedata"):
            rel = blip.get(f"{_R}embed") or blip.get(f"{_R}id")
            part = self.document.part.related_parts.get(rel) if rel else None
            names.append(str(part.partname).lstrip("/").removeprefix("word/") if part is not None else "?")
        return names

    def attach(self, number: int, references: list[str]) -> None:
        if self.item is not None:
            self.item.references += references
        else:
            self.parsed.note(Severity.INFO, tr("docx.reference_outside"), number)

    # --- what a paragraph can be ---------------------------------------------------------------

    def heading(self, number: int, text: str) -> bool:
        if len(text) > 60 or _OPTION.match(text) or (_TYPED_NUMBER.match(text) and not parse_item_type(text)):
            return False
        item_type = parse_item_type(text)
        if item_type is not None:
            self.close()
            self.section_type = item_type
            self.section += 1
            return True
        if self.item is None and parse_level(text) is not None and not _KEY_VALUE.match(text):
            self.context["level"] = text
            return True
        return False

    def key_value(self, number: int, text: str) -> bool:
        answer = aiken_answer(text)
        target, value = ("answer", text.replace("：", ":").partition(":")[2].strip()) if answer is not None else (None, "")
        if target is None:
            match = _KEY_VALUE.match(text)
            hit = match_header(match.group(1), self.spec) if match else None
            if hit is None or hit.field not in TAGGABLE or hit.rank >= 100:  # exact synonyms only
                return False
            target, value = hit.field, match.group(2).strip()
        if self.item is None:
            if target in ("level", "occupation"):
                self.context[target] = value
                return True
            self.parsed.note(Severity.REJECTED, tr("docx.orphan_line", text=text[:20]), number)
            return True
        self.item.fields[target] = value
        self.item.last = target
        return True

    def option(self, number: int, text: str, fmt: str | None) -> bool:
        if fmt in _LETTER_FORMATS:
            if self.item is None:
                self.parsed.note(Severity.REJECTED, tr("docx.orphan_option", text=text[:20]), number)
                return True
            letter = OPTION_LETTERS[min(len(self.item.options), len(OPTION_LETTERS) - 1)]
            self.item.options[letter] = text
            self.item.last = option_column(letter)
            return True
        several = split_options(text)
        single = _OPTION.match(text)
        if not several and not single:
            return False
        if self.item is None:
            self.parsed.note(Severity.REJECTED, tr("docx.orphan_option", text=text[:20]), number)
            return True
        found = several or {single.group(1): single.group(2).strip()}
        self.item.options.update(found)
        self.item.last = option_column(list(found)[-1])
        return True

    def start(self, number: int, shown: int | None, stem: str) -> None:
        self.close()
        self.item = _Item(start=number, section=self.section, number=shown, item_type=self.section_type)
        self.item.fields["stem"] = stem.strip()

    # --- tables --------------------------------------------------------------------------------

    def table(self, number: int, element: Any) -> int:
        import polars as pl

        rows: list[list[str | None]] = []
        starts: list[int] = []
        for tr_element in element.iter(f"{_W}tr"):
            starts.append(number + 1)
            cells = []
            for cell in tr_element.iter(f"{_W}tc"):
                paragraphs = cell.findall(f".//{_W}p")
                number += len(paragraphs)
                cells.append("\n".join("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in paragraphs).strip() or None)
            rows.append(cells)
        width = max((len(r) for r in rows), default=0)
        if not rows or not width:
            return number
        grid = [r + [None] * (width - len(r)) for r in rows]
        frame = pl.DataFrame(grid, schema={f"c{i}": pl.String for i in range(width)}, orient="row")
        frame = frame.with_columns(pl.Series("__row", starts, dtype=pl.Int64))
        sheet = RawSheet(name=None, frame=frame, column_labels=[str(i + 1) for i in range(width)])
        match = detect_header(sheet, self.spec)
        if match is None or "stem" not in match.fields:
            self.attach(starts[0], [tr("docx.table", paragraph=starts[0])])
            return number
        self.close()
        for index, cells in enumerate(grid[match.row_index + 1 :], start=match.row_index + 1):
            fields = {target: cells[int(column[1:])] for column, target in match.targets.items()}
            if not any(fields.values()):
                continue
            if self.section_type and not fields.get("item_type"):
                fields["item_type"] = self.section_type
            self.parsed.records.append(Record(starts[index], {**self.context, **fields}))
        return number

    # --- closing an item -----------------------------------------------------------------------

    def close(self) -> None:
        item, self.item = self.item, None
        if item is None:
            return
        fields = dict(item.fields)
        stem = fields.get("stem", "")
        code = _TRAILING_CODE.search(stem)
        if code:
            stem = stem[: code.start()]
            fields.setdefault("point_code", code.group(1))
        stem, bracketed = self.bracket_answer(stem, has_options=bool(item.options))
        if bracketed is not None:
            if fields.get("answer") and fold(fields["answer"]) != fold(bracketed):
                self.parsed.note(Severity.WARNING, tr("docx.answers_differ", bracket=bracketed, line=fields["answer"]),
                                 item.start, column=tr("docx.answer_column"))
            fields.setdefault("answer", bracketed)
        if not stem.strip():
            self.parsed.note(Severity.REJECTED, tr("docx.no_stem"), item.start)
            return
        fields["stem"] = stem.strip()
        fields.update({option_column(letter): text for letter, text in item.options.items()})
        item_type = fields.get("item_type") or item.item_type or self.infer_type(item, fields.get("answer"))
        fields["item_type"] = item_type
        if not fields.get("item_id") and item.number is not None:
            fields["item_id"] = f"{item.section or 0}-{item.number}"
        if item.references:
            fields["attachments"] = "；".join(item.references)
        self.parsed.records.append(Record(item.start, {**self.context, **fields}))

    @staticmethod
    def bracket_answer(stem: str, has_options: bool) -> tuple[str, str | None]:
        """The stem with its answer bracket emptied, and the answer found there (or None)."""
        for match in reversed(list(_BRACKETS.finditer(stem))):
            inside = fold(match.group(1))
            if (has_options and _LETTERS.match(inside)) or (not has_options and inside in _words("bracket_answers")):
                return stem[: match.start()] + _BLANK + stem[match.end() :], match.group(1).strip()
        return stem, None

    def infer_type(self, item: _Item, answer: str | None) -> str | None:
        folded = fold(answer or "")
        inferred = None
        if item.options and _LETTERS.match(folded):
            inferred = "单选" if len(re.sub(r"[^A-H]", "", folded)) == 1 else "多选"
        elif not item.options and folded in _words("bracket_answers"):
            inferred = "判断"
        if inferred:
            self.inferred += 1
        return inferred


def is_docx(content: bytes) -> bool:
    """True for a Word document (a zip holding ``word/document.xml``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def parse_docx(name: str, content: bytes) -> Parsed:
    """Read a Word bank into records (raises ``ValueError`` with a Chinese message for a broken file)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValueError(tr("docx.broken", file=name)) from exc
    return _Reader(name, document).read()
