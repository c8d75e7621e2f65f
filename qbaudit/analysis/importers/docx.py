"""Word banks (``.docx``) as institutions type them: sections by item type, numbered items, options, answers.

What is read, paragraph by paragraph (python-docx gives the paragraphs, tables and numbering):

* a section heading names the type of the items below it: ``一、单项选择题（每题1分，共60分）``,
  ``（一）选择题``, ``第一部分 判断题``, ``单选题`` (the words are the item types of ``vocabulary.toml``;
  a plain ``选择题`` is resolved to 单选 or 多选 by each item's key). A heading with a score or a count and no
  type (``第一部分（每题1分，共10分）``) starts a section whose types are inferred from each item's shape.
  The count a heading states (``共60题``, or ``每题1分，共60分``) is compared with the items read under it;
* a title naming a level (``焊工（四级）理论知识``) sets the level of what follows;
* an item starts with a typed number (``12.``, ``12、``, ``（12）``, ``第12题``) or with Word's automatic
  numbering in a decimal format; options start with a letter (``A.`` ``A．`` ``A、`` ``A)`` ``（A）`` ``(A)``,
  full-width letters too), several on one line separated by spaces or tabs or one per paragraph, or carry
  automatic letter numbering; options written on the stem's own line are split from it;
* the answer is an answer line (``答案：B``, ``【答案】B``, markers in ``formats.toml``) or sits in the stem's
  brackets (``（ B ）``, ``(AB)``, ``（Ａ）``, ``（√）``, ``（×）``, ``（对）``), which are then emptied to ``（　　）``;
  a judgement mark may also stand before the number (``（×）3．…``);
* a true/false item's corrected statement — a plain line after the stem, an ``改正：``/``解析：`` line, or an
  answer line holding a sentence instead of √/× — is kept as the explanation, never as the answer;
* other ``key：value`` lines (``考评点代码：A-B-001``, ``难度：3``) use the header synonyms of ``columns.toml``;
  a code in square brackets at the end of the stem (``【A-B-001】``) is the point code;
* with no heading giving the type, it is inferred from the item's shape: options and a letter key give 单选 or
  多选 by the number of letters, a √/×/对/错 key without options gives 判断;
* a table whose first row is a bank header is read row by row like a sheet; any other table,
  and every picture, is kept as a reference in the item's attachments.

Every paragraph is accounted for (:class:`~qbaudit.analysis.model.Accounting`): blank, part of an item, a
heading, or unread — and every unread paragraph is reported with its number and why. Paragraphs are numbered
from 1 in document order, counting blank paragraphs and the paragraphs inside table cells and content controls
(so a table row is located by the number of its first paragraph).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.importers.bank import split_options
from qbaudit.analysis.importers.docx_parts import (
    _W,
    DECIMAL_FORMATS,
    LETTER_FORMATS,
    Numbering,
    broken_part,
    numbering_of,
    table_cells,
)
from qbaudit.analysis.importers.docx_text import (
    answer_keys,
    bracket_answer,
    embedded_options,
    judgement,
    judgement_bracket,
    starts_with,
    stated_count,
    words,
)
from qbaudit.analysis.importers.exchange import TAGGABLE, infer_item_type, split_judgement
from qbaudit.analysis.importers.headers import detect_header, kind_spec, match_header
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.reading import RawSheet
from qbaudit.analysis.importers.records import FormatError, Parsed, Record
from qbaudit.analysis.importers.textformats import aiken_answer
from qbaudit.analysis.model import Accounting
from qbaudit.analysis.progress import tick
from qbaudit.analysis.vocabulary import fold, normalise_answer, parse_item_type, parse_level
from qbaudit.i18n import tr

_log = logging.getLogger(__name__)
_NUMERAL = "一二三四五六七八九十百零〇两"
_LETTER = "[A-HＡ-Ｈ]"
_JUDGEMENT_MARK = r"√|×|✓|✗|✔|✘|对|错|X|x|Ｘ"
_TYPED_NUMBER = re.compile(
    r"^\s*(?:第\s*(\d{1,4})\s*题\s*[.．、:：]?|[(（]\s*(\d{1,4})\s*[)）]|(\d{1,4})\s*(?:[.．](?!\d)|[、)）]))\s*(.*)$", re.S)
_LEADING_MARK = re.compile(rf"^\s*[(（]\s*({_JUDGEMENT_MARK})\s*[)）]\s*(?=\d|第|[(（]\s*\d)")
_OPTION = re.compile(rf"^\s*(?:[(（]\s*({_LETTER})\s*[)）]|({_LETTER})\s*[.．、:：)）])\s*(.*)$", re.S)
_KEY_VALUE = re.compile(r"^\s*【?([^：:】]{1,10})】?\s*[：:]\s*(.*)$", re.S)
_BRACKETED_KEY = re.compile(r"^\s*[【\[]\s*([^】\]]{1,10}?)\s*[】\]]\s*[：:]?\s*(.*)$", re.S)
_TRAILING_CODE = re.compile(r"\s*[【\[]\s*([A-Za-z0-9Ａ-Ｚａ-ｚ０-９][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－—–.．]*)\s*[】\]]\s*$")
_SECTION_PREFIX = re.compile(
    rf"^\s*(?:第\s*[{_NUMERAL}\d]+\s*(?P<part>部分|大题|节|章|单元|篇)|[(（]\s*[{_NUMERAL}]+\s*[)）]|[{_NUMERAL}]+\s*[、.．]"
    rf"|(?P<arabic>\d{{1,2}})\s*[、.．](?!\d))\s*[:：]?\s*")
_PAGE_MARK = re.compile(r"^(?:第\s*\d+\s*页(?:\s*[/，,、]?\s*共\s*\d+\s*页)?|[-—]\s*\d+\s*[-—]|\d+\s*/\s*\d+)$")
_SENTENCE_END = re.compile(r"[。？?！!]")
_CHOICE = "选择"  # a section's type when its heading says 选择题 without saying single or multiple
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

# What a paragraph turned out to be.
BLANK, HEADING, ITEM, UNREAD = "blank", "heading", "item", "unread"


@dataclass
class _Section:
    """A part of the document under one heading: its type, and the count its heading states."""

    number: int
    paragraph: int | None  # the heading's paragraph (None: before any heading)
    item_type: str | None  # canonical type, _CHOICE, or None (no heading gives it)
    expected: int | None = None
    taken: int = 0


@dataclass
class _Item:
    start: int
    section: _Section
    number: int | None
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    references: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    mark: str | None = None  # a judgement mark written before the number: （×）3．…
    points: int = 0  # numbered points of its answer met so far (1. … 2. …)

    def append(self, text: str) -> None:
        if self.last.startswith("option_"):
            letter = self.last[-1].upper()
            self.options[letter] = f"{self.options[letter]}\n{text}".strip()
        else:
            self.fields[self.last] = f"{self.fields.get(self.last, '')}\n{text}".strip()

    @property
    def judged(self) -> bool:
        """True once the stem shows a true/false item: a √/× mark in its last bracket or before the number."""
        return not self.options and (self.mark is not None or judgement_bracket(self.fields.get("stem", "")) is not None)

    @property
    def in_answer(self) -> bool:
        return self.last in ("answer", "explanation")


class _Reader:
    def __init__(self, name: str, document: Any) -> None:
        self.document = document
        self.parsed = Parsed(unit="paragraph", file=name)
        self.numbering = Numbering.of(document)
        self.sections = [_Section(0, None, None)]
        self.context: dict[str, str] = {}  # level / occupation of what follows
        self.item: _Item | None = None
        self.inferred = 0
        self.resolved = 0
        self.status: dict[int, str] = {}
        self.items_seen = 0
        self.titled = False
        self.spec = kind_spec("bank")

    @property
    def section(self) -> _Section:
        return self.sections[-1]

    # --- the walk ------------------------------------------------------------------------------

    def read(self) -> Parsed:
        number = self.blocks(self.document.element.body, 0)
        self.close()
        self.end_section()
        if self.inferred:
            self.parsed.note(Severity.INFO, tr("docx.types_inferred", count=self.inferred))
        if self.resolved:
            self.parsed.note(Severity.INFO, tr("docx.choice_resolved", count=self.resolved))
        for missing in sorted(set(range(1, number + 1)) - set(self.status)):  # none expected: never lose one
            self.unread(missing, Severity.WARNING, tr("docx.not_read"))
        unread = tuple(sorted(n for n, s in self.status.items() if s == UNREAD))
        blank = sum(1 for s in self.status.values() if s == BLANK)
        taken = sum(1 for s in self.status.values() if s in (HEADING, ITEM))
        self.parsed.accounting = Accounting("paragraph", read=number - blank, taken=taken, unread=unread, blank=blank)
        return self.parsed

    def blocks(self, parent: Any, number: int) -> int:
        for block in parent.iterchildren():
            if number % 256 == 0:
                tick()  # Cancel and the import's budget reach a long document
            if block.tag == f"{_W}p":
                number += 1
                self.paragraph(number, block)
            elif block.tag == f"{_W}tbl":
                number = self.table(number, block)
            elif block.tag == f"{_W}sdt":  # a content control: its paragraphs and tables are the document's
                content = block.find(f"{_W}sdtContent")
                if content is not None:
                    number = self.blocks(content, number)
        return number

    def paragraph(self, number: int, element: Any) -> None:
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(element, self.document)
        text = paragraph.text.replace("\t", " ").replace("\xa0", " ").strip()
        pictures = self.pictures(element)
        text_box = bool(element.findall(f".//{_W}txbxContent"))
        if text_box:
            self.parsed.note(Severity.WARNING, tr("docx.text_box"), number)
        numbered = numbering_of(paragraph)
        if numbered is not None and numbered[2] is not None:
            self.parsed.note(Severity.WARNING, tr("guard.numbering_level", value=numbered[2][:20]), number)
        fmt, shown = self.numbering.step(numbered[0], numbered[1]) if numbered else (None, None)
        if not text:
            if pictures:
                self.attach(number, [tr("docx.picture", name=p, paragraph=number) for p in pictures])
            else:
                self.status[number] = UNREAD if text_box else BLANK
            return
        if (self.note(number, text) or self.heading(number, text) or self.key_value(number, text)
                or self.option(number, text, fmt)):
            if pictures and self.item is not None:
                self.item.references += [tr("docx.picture", name=p, paragraph=number) for p in pictures]
            return
        mark = _LEADING_MARK.match(text)
        typed = _TYPED_NUMBER.match(text[mark.end() :] if mark else text)
        shown_typed = int(typed.group(1) or typed.group(2) or typed.group(3)) if typed else None
        if typed is not None and shown_typed is not None and self.starts_item(shown_typed):
            self.start(number, shown_typed, typed.group(4), mark.group(1) if mark else None)
        elif fmt in DECIMAL_FORMATS and numbered is not None and numbered[1] == 0:
            self.start(number, shown, text)
        elif self.item is not None:
            if shown_typed is not None:
                self.item.points = shown_typed
            self.continue_item(number, text)
        else:
            self.unread(number, Severity.INFO, tr("docx.not_an_item", text=text[:20]))
            return
        if pictures and self.item is not None:
            self.item.references += [tr("docx.picture", name=p, paragraph=number) for p in pictures]

    def starts_item(self, shown: int) -> bool:
        """Whether a typed number starts an item, or numbers a point of the current item's answer (1. … 2. …)."""
        item = self.item
        if item is None or item.number is None or not item.in_answer:
            return True  # numbering may restart or go back: never glue an item onto the one before
        if item.points and shown == item.points + 1:
            return False  # the answer's next point ("2." after "1.")
        if shown == item.number + 1:
            return True
        return not (shown == 1 or shown <= item.number)

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
            self.item.paragraphs.append(number)
        else:
            self.unread(number, Severity.INFO, tr("docx.reference_outside"))

    def unread(self, number: int, severity: Severity, reason: str) -> None:
        self.status[number] = UNREAD
        self.parsed.note(severity, reason, number)

    def take(self, number: int) -> None:
        """``number`` belongs to the current item (taken if the item is, unread if it is not)."""
        assert self.item is not None
        self.item.paragraphs.append(number)

    # --- what a paragraph can be ---------------------------------------------------------------

    def note(self, number: int, text: str) -> bool:
        """Page numbers and notes about the whole document: not part of any item, listed as unread."""
        if _PAGE_MARK.match(text):
            self.unread(number, Severity.INFO, tr("docx.page_mark", text=text[:20]))
            return True
        if starts_with(text, "docx_notes") and not _TYPED_NUMBER.match(text):
            self.close()
            self.unread(number, Severity.INFO, tr("docx.note", text=text[:20]))
            return True
        return False

    def heading(self, number: int, text: str) -> bool:
        if len(text) > 150 or _OPTION.match(text):
            return False
        prefix = _SECTION_PREFIX.match(text)
        rest = text[prefix.end():] if prefix else text
        item_type = self.type_of(rest)
        if prefix and prefix.group("arabic") and item_type is None:
            return False  # "3. …" is an item, unless it names a type ("1、单项选择题")
        expected = stated_count(text)
        if item_type is not None:
            self.new_section(number, item_type, expected)
            return True
        # A heading that names no type (第一部分 基础知识（每题1分，共10分）): the types are inferred below it.
        # Inside an answer, "一、……" without a score is a point of the answer.
        in_answer = self.item is not None and self.item.in_answer and expected is None and prefix is not None and (
            prefix.group("part") is None)
        if (prefix is not None and len(rest) <= 40 and not in_answer
                and not _SENTENCE_END.search(re.sub(r"[(（].*?[)）]", "", rest))):
            self.new_section(number, None, expected)
            return True
        if self.level_title(text):
            self.close()
            self.context["level"] = text
            self.status[number] = HEADING
            return True
        if self.item is None and self.items_seen == 0 and not self.titled and len(text) <= 40 and (
                any(word in fold(text) for word in words("docx_title_words"))) and not _SENTENCE_END.search(text):
            self.status[number] = HEADING  # the document's title
            self.titled = True
            return True
        return False

    @staticmethod
    def type_of(rest: str) -> str | None:
        """The item type a heading's words name (after its numbering): 单选, 判断 …, _CHOICE, or None."""
        word = re.split(r"[(（:：\s　,，。;；]", rest.strip(), maxsplit=1)[0]
        if not word:
            return None
        if fold(word) in words("docx_choice_headings"):
            return _CHOICE
        return parse_item_type(word)

    def level_title(self, text: str) -> bool:
        """A title naming a level (``焊工（四级）理论知识``, ``四级``): sets the level of what follows."""
        if (parse_level(text) is None or _KEY_VALUE.match(text) or len(text) > 40 or _SENTENCE_END.search(text)
                or _TYPED_NUMBER.match(text) or _LEADING_MARK.match(text)):
            return False
        if self.item is None:
            return True
        folded = fold(text)
        return any(word in folded for word in words("docx_title_words")) or (
            len(folded) <= 10 and not self.item.in_answer)

    def new_section(self, number: int, item_type: str | None, expected: int | None) -> None:
        self.close()
        self.end_section()
        self.sections.append(_Section(len(self.sections), number, item_type, expected))
        self.status[number] = HEADING

    def end_section(self) -> None:
        section = self.section
        if section.expected is not None and section.expected != section.taken and section.paragraph is not None:
            self.parsed.note(Severity.WARNING, tr("docx.count_differs", expected=section.expected, found=section.taken),
                             section.paragraph)

    def key_value(self, number: int, text: str) -> bool:
        answer = aiken_answer(text)
        if answer is not None:
            target, value = "answer", text.replace("：", ":").partition(":")[2].strip()
        else:
            bracketed = _BRACKETED_KEY.match(text)
            match = bracketed if bracketed and not _TRAILING_CODE.fullmatch(text) else _KEY_VALUE.match(text)
            if match is None:
                return False
            key, value = match.group(1), match.group(2).strip()
            if fold(key) in answer_keys():
                target = "answer"
            elif any(fold(key).startswith(word) for word in words("correction_markers")):
                target, value = "correction", text
            else:
                hit = match_header(key, self.spec)
                if hit is None or hit.field not in TAGGABLE or hit.rank >= 100:  # exact synonyms only
                    return False
                target = hit.field
        if self.item is None:
            if target in ("level", "occupation"):
                self.context[target] = value
                self.status[number] = HEADING
                return True
            if target in ("explanation", "correction"):
                self.unread(number, Severity.INFO, tr("docx.not_an_item", text=text[:20]))
                return True
            self.unread(number, Severity.REJECTED, tr("docx.orphan_line", text=text[:20]))
            return True
        self.take(number)
        if target == "correction":
            self.item.fields["explanation"] = "\n".join(
                v for v in (self.item.fields.get("explanation"), value) if v)
            self.item.last = "explanation"
            return True
        if target == "explanation" and self.item.fields.get("explanation"):
            value = f"{self.item.fields['explanation']}\n{value}"
        self.item.fields[target] = value
        self.item.last = target
        return True

    def option(self, number: int, text: str, fmt: str | None) -> bool:
        if fmt in LETTER_FORMATS:
            if self.item is None:
                self.unread(number, Severity.REJECTED, tr("docx.orphan_option", text=text[:20]))
                return True
            letter = OPTION_LETTERS[min(len(self.item.options), len(OPTION_LETTERS) - 1)]
            self.item.options[letter] = text
            self.item.last = option_column(letter)
            self.take(number)
            return True
        several = split_options(text)
        single = _OPTION.match(text)
        if not several and not single:
            return False
        if self.item is not None and self.item.judged and not several:
            return False  # a corrected statement that happens to start with a letter
        if self.item is None:
            self.unread(number, Severity.REJECTED, tr("docx.orphan_option", text=text[:20]))
            return True
        found = several or ({unicodedata.normalize("NFKC", single.group(1) or single.group(2)): single.group(3).strip()}
                             if single else {})
        self.item.options.update(found)
        self.item.last = option_column(list(found)[-1])
        self.take(number)
        return True

    def continue_item(self, number: int, text: str) -> None:
        assert self.item is not None
        item = self.item
        if item.last == "stem" and item.judged:
            item.last = "explanation"  # the corrected statement after a true/false stem
        item.append(text)
        self.take(number)

    def start(self, number: int, shown: int | None, stem: str, mark: str | None = None) -> None:
        self.close()
        self.items_seen += 1
        self.item = _Item(start=number, section=self.section, number=shown, mark=mark)
        self.item.paragraphs.append(number)
        stem, options = embedded_options(stem.strip())
        self.item.fields["stem"] = stem
        if options:
            self.item.options.update(options)
            self.item.last = option_column(list(options)[-1])

    # --- tables --------------------------------------------------------------------------------

    def table(self, number: int, element: Any) -> int:
        import polars as pl

        rows, starts, spans, number = table_cells(element, number)
        width = max((len(r) for r in rows), default=0)
        for span in spans:
            for paragraph, _ in span:
                self.status[paragraph] = BLANK
        if not rows or not width:
            return number
        filled_paragraphs = [p for span in spans for p, filled in span if filled]
        grid = [r + [None] * (width - len(r)) for r in rows]
        frame = pl.DataFrame(grid, schema={f"c{i}": pl.String for i in range(width)}, orient="row")
        frame = frame.with_columns(pl.Series("__row", starts, dtype=pl.Int64))
        sheet = RawSheet(name=None, frame=frame, column_labels=[str(i + 1) for i in range(width)])
        match = detect_header(sheet, self.spec)
        if match is None or "stem" not in match.fields:
            if not filled_paragraphs:
                return number
            if self.item is not None:
                self.item.references.append(tr("docx.table", paragraph=starts[0]))
                self.item.paragraphs += filled_paragraphs
            else:
                self.parsed.note(Severity.INFO, tr("docx.reference_outside"), starts[0])
                for paragraph in filled_paragraphs:
                    self.status[paragraph] = UNREAD
            return number
        self.close()
        for index in range(match.row_index + 1):
            for paragraph, filled in spans[index]:
                if filled:
                    self.status[paragraph] = HEADING
        self.table_items(match, grid, spans, starts)
        return number

    def table_items(self, match: Any, grid: list[list[str | None]], spans: list[list[tuple[int, bool]]],
                    starts: list[int]) -> None:
        """Take the rows under a table's header as items (a row holding only unmapped cells is reported)."""
        for index, cells in enumerate(grid[match.row_index + 1 :], start=match.row_index + 1):
            fields = {target: cells[int(column[1:])] for column, target in match.targets.items()}
            taken = any(fields.values())
            for paragraph, filled in spans[index]:
                if filled:
                    self.status[paragraph] = ITEM if taken else UNREAD
            if not taken:
                if any(filled for _, filled in spans[index]):
                    self.parsed.note(Severity.REJECTED, tr("docx.table_row_unmapped"), starts[index])
                continue
            if self.section.item_type and self.section.item_type != _CHOICE and not fields.get("item_type"):
                fields["item_type"] = self.section.item_type
            self.section.taken += 1
            self.items_seen += 1
            self.parsed.records.append(Record(starts[index], {**self.context, **fields}))

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
        stem, bracketed = bracket_answer(stem, has_options=bool(item.options))
        bracketed = bracketed or item.mark
        section_type = fields.get("item_type") and parse_item_type(fields["item_type"]) or item.section.item_type
        judged = not item.options and (
            (bracketed is not None and judgement(bracketed)) or section_type == "判断")
        if judged and fields.get("answer") and not judgement(fields["answer"]):
            # A sentence where √/× belongs: the corrected statement, kept as the explanation.
            mark, rest = split_judgement(fields["answer"])
            corrected = rest if mark is not None else fields["answer"]
            if mark is None:
                del fields["answer"]
            else:
                fields["answer"] = mark
            fields["explanation"] = "\n".join(v for v in (corrected, fields.get("explanation")) if v)
            if not fields["explanation"]:
                del fields["explanation"]
        if bracketed is not None:
            kind = "判断" if judged else "多选"
            if fields.get("answer") and normalise_answer(fields["answer"], kind) != normalise_answer(bracketed, kind):
                self.parsed.note(Severity.WARNING, tr("docx.answers_differ", bracket=bracketed[:20], line=fields["answer"][:20]),
                                 item.start, column=tr("docx.answer_column"))
            fields.setdefault("answer", bracketed)
        if not stem.strip():
            self.parsed.note(Severity.REJECTED, tr("docx.no_stem") + self.spanned(item), item.start)
            for paragraph in item.paragraphs:
                self.status[paragraph] = UNREAD
            return
        for paragraph in item.paragraphs:
            self.status[paragraph] = ITEM
        fields["stem"] = stem.strip()
        fields.update({option_column(letter): text for letter, text in item.options.items()})
        fields["item_type"] = self.item_type(item, fields) or ""
        if not fields["item_type"]:
            del fields["item_type"]
        if not fields.get("item_id") and item.number is not None:
            fields["item_id"] = f"{item.section.number}-{item.number}"
        if item.references:
            fields["attachments"] = "；".join(item.references)
        item.section.taken += 1
        self.parsed.records.append(Record(item.start, {**self.context, **fields}))

    @staticmethod
    def spanned(item: _Item) -> str:
        others = [p for p in item.paragraphs if p != item.start]
        return tr("docx.with_paragraphs", paragraphs="、".join(map(str, others))) if others else ""

    def item_type(self, item: _Item, fields: dict[str, str]) -> str | None:
        """The type a line gives, else the section's (选择题 resolved by the key), else the item's shape."""
        if fields.get("item_type"):
            return fields["item_type"]
        section_type = item.section.item_type
        inferred = infer_item_type(bool(item.options), fields.get("answer"))
        if section_type == _CHOICE:
            if inferred in ("单选", "多选"):
                self.resolved += 1
                return inferred
            return "选择题"  # left for the checks to report: the key does not tell single from multiple
        if section_type is not None:
            return section_type
        if inferred is not None:
            self.inferred += 1
        return inferred


def parse_docx(name: str, content: bytes) -> Parsed:
    """Read a Word bank into records (raises ``ValueError`` with a Chinese message for a broken file)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(content))
        # Parts that are well-formed XML but not what their names promise (a renamed root element, a content
        # type changed in [Content_Types].xml) make python-docx hand back plain parts: reach them now.
        if getattr(document.element, "body", None) is None:
            raise FormatError(tr("docx.broken", file=name))
        document.styles  # noqa: B018 — the styles part, which paragraphs' styles are read from
    except etree.LxmlError as exc:
        raise FormatError(broken_part(name, content) or tr("docx.broken", file=name)) from exc
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, OSError) as exc:
        raise FormatError(tr("docx.broken", file=name)) from exc
    except (AttributeError, TypeError, IndexError, LookupError) as exc:
        # python-docx meets a part that is well-formed XML but not the element it expects (a relationships
        # part whose root was renamed …): the package is broken.
        _log.info("python-docx could not open %s: %s", name, type(exc).__name__)
        raise FormatError(tr("docx.broken", file=name)) from exc
    return _Reader(name, document).read()
