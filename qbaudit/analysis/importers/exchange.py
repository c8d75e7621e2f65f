"""What the exchange formats (Moodle XML, GIFT, Aiken, QTI) share: HTML to plain text with the
pictures kept as references, choice questions as option columns and answer letters, and
``key:value`` tags mapped onto bank fields through the header synonyms of ``columns.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.importers.headers import kind_spec, match_header
from qbaudit.analysis.vocabulary import fold, parse_level, vocabulary
from qbaudit.i18n import tr

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_TAG_SPLIT = re.compile(r"\s*[:：=]\s*")
# Bank fields a tag, a metadata line or a Word "key：value" line may set.
TAGGABLE = {"item_id", "level", "occupation", "scope_code", "point_code", "item_type", "difficulty", "answer",
            "explanation", "revised"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pictures: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "table":
            self.tables += 1
        if tag in ("img", "object", "embed"):
            source = dict(attrs).get("src") or dict(attrs).get("data") or ""
            self.pictures.append(source.replace("@@PLUGINFILE@@/", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@dataclass
class Text:
    """Plain text of an HTML fragment, with the pictures and tables it showed."""

    text: str
    pictures: list[str] = field(default_factory=list)
    tables: int = 0

    def references(self) -> list[str]:
        """The pictures and tables as references for the attachments column."""
        found = [tr("formats.attachment_picture", name=name) for name in self.pictures if name]
        found += [tr("formats.attachment_table_html")] * self.tables
        return found


def html_text(fragment: str | None, is_html: bool = True) -> Text:
    """The text of an HTML fragment (or plain text) with whitespace tidied, lines kept."""
    if not fragment:
        return Text("")
    if not is_html:
        return Text(tidy(fragment))
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return Text(tidy("".join(collector.parts)), collector.pictures, collector.tables)


def tidy(text: str) -> str:
    """Runs of spaces as one, blank lines dropped; full-width spaces kept (``（　　）`` is a blank)."""
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.replace("\xa0", " ").splitlines()]
    return "\n".join(line for line in lines if line).strip()


@dataclass
class Choice:
    """One option of a choice question and whether it is (part of) the key."""

    text: str
    correct: bool


def choice_fields(choices: list[Choice], single: bool | None = None) -> dict[str, str | None] | str:
    """Option columns, answer letters and type (单选/多选) of a choice question, or why it cannot be taken.

    ``single`` is what the format declares (Moodle ``<single>``, QTI ``maxChoices=1``); None lets the
    number of correct options decide.
    """
    if len(choices) > len(OPTION_LETTERS):
        return tr("formats.too_many_options", count=len(choices), limit=len(OPTION_LETTERS))
    fields: dict[str, str | None] = {option_column(letter): c.text for letter, c in zip(OPTION_LETTERS, choices, strict=False)}
    letters = "".join(letter for letter, c in zip(OPTION_LETTERS, choices, strict=False) if c.correct)
    fields["answer"] = letters or None
    is_single = single if single is not None else len(letters) <= 1
    fields["item_type"] = "单选" if is_single else "多选"
    return fields


def tag_fields(tags: list[str]) -> dict[str, str]:
    """Bank fields named by tags such as ``考评点:A-B-001``, ``难度=3`` or a bare level (``四级``)."""
    spec = kind_spec("bank")
    found: dict[str, str] = {}
    for tag in tags:
        parts = _TAG_SPLIT.split(tag.strip(), maxsplit=1)
        if len(parts) == 2 and parts[1]:
            hit = match_header(parts[0], spec)
            if hit is not None and hit.field in TAGGABLE:
                found.setdefault(hit.field, parts[1])
                continue
        if parse_level(tag) is not None and "level" not in found and len(tag.strip()) <= 12:
            found["level"] = tag.strip()
    return found


def joined(values: list[str]) -> str | None:
    """Several accepted answers of a fill-in item, in one cell."""
    values = [v for v in values if v]
    return "；".join(values) if values else None


_KEY_LETTERS = re.compile(r"^[A-H](?:[,，、;；/|和及与]?[A-H]){0,7}$")
_JUDGEMENT_TAIL = re.compile(r"^[\s，,。.；;：:、!！(（\[【]")


def infer_item_type(has_options: bool, answer: str | None) -> str | None:
    """The type an item's shape shows when nothing names it: options and a letter key give 单选 (one letter)
    or 多选 (several); no options and a true/false key (√, ×, 对, 错 …) give 判断; anything else None."""
    if not answer:
        return None
    folded = fold(answer)
    if has_options and _KEY_LETTERS.match(folded):
        return "单选" if len(re.sub(r"[^A-H]", "", folded)) == 1 else "多选"
    vocab = vocabulary()
    if not has_options and (folded in vocab.true_answers or folded in vocab.false_answers):
        return "判断"
    return None


def split_judgement(text: str) -> tuple[str | None, str | None]:
    """A true/false answer line that says more than √/× (``×。改正：电流……``): the mark, and the rest
    (the corrected statement); ``(None, None)`` when the text does not start with a mark."""
    stripped = text.strip()
    vocab = vocabulary()
    for mark in sorted({*vocab.true_answers, *vocab.false_answers}, key=len, reverse=True):
        head, rest = stripped[: len(mark)], stripped[len(mark) :]
        if fold(head) != mark or (rest and not _JUDGEMENT_TAIL.match(rest)):
            continue  # "错误的做法是……" is a sentence, not a mark
        return head, rest.lstrip(" \t，,。.；;：:、").strip() or None
    return None, None
