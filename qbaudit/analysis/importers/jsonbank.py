"""JSON and JSON Lines exports of web exam systems: one object per item, its keys mapped onto bank fields.

What is read:

* a JSON array of objects, or an object wrapping one (``{"data": [...]}``, ``{"questions": [...]}``,
  ``{"code": 0, "data": {"list": [...]}}``: the largest array of objects found within three levels);
  or JSON Lines, one object per line;
* keys through the header synonyms of ``columns.toml`` (``id``, ``type``, ``stem``/``question``/``title``/
  ``content``, ``answer``, ``analysis``/``Parsing``/``explanation``, ``level``, ``difficulty`` … and the
  Chinese headers), compared without case, spaces, ``_`` or ``-`` (``" answer "``, ``question_id``);
* options as a list of ``{key, text}``/``{label, content}``/``{option, value}`` objects or of plain strings
  (``"A. 伏特"`` or ``"伏特"``), or as a dict ``{"A": "伏特", …}``, or as keys ``A``/``optionA`` of the item; an
  option object's ``isCorrect``/``correct``/``right`` flag gives the key when no answer is written;
* the answer as a letter string (``"AB"``, ``"A,B"``), a list (``["A", "C"]``) or a boolean (true/false items);
* HTML in texts (``<p>…</p>``) is read as text, pictures kept as references;
* an item whose type is missing or not recognised gets the type its shape shows (see
  :func:`~qbaudit.analysis.importers.exchange.infer_item_type`), said in a note.

Every object is accounted for: taken, or reported with its number (array) or line (JSON Lines) and why.
The file is parsed with the standard library, after a size check (``formats.toml`` ``[json]``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.importers.exchange import html_text, infer_item_type
from qbaudit.analysis.importers.headers import kind_spec, match_header
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.reading import guess_encoding
from qbaudit.analysis.importers.records import FormatError, Parsed, Record
from qbaudit.analysis.model import Accounting
from qbaudit.analysis.progress import ticking
from qbaudit.analysis.vocabulary import parse_item_type
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr

_KEY_NOISE = re.compile(r"[\s_\-]+")
_HTML = re.compile(r"<\s*(?:p|div|span|br|img|b|i|u|strong|em|sub|sup|table|font)\b", re.I)
_OPTION_TEXT = re.compile(r"^\s*(?:[(（]\s*([A-Ha-hＡ-Ｈ])\s*[)）]|([A-Ha-hＡ-Ｈ])\s*[.．、:：)）])\s*(.*)$", re.S)
_LETTER_KEYS = ("key", "label", "option", "letter", "name", "code", "prefix", "no", "id", "index", "flag")
_TEXT_KEYS = ("text", "content", "value", "title", "desc", "description", "optioncontent", "optiontext", "answer",
              "body", "label")
_CORRECT_KEYS = ("iscorrect", "correct", "isright", "right", "isanswer", "istrue", "checked", "isrightanswer")
_WRAPPER_DEPTH = 3


@cache
def _limits() -> dict[str, int]:
    return dict(load_toml("formats.toml")["json"])


def _key(name: str) -> str:
    return _KEY_NOISE.sub("", str(name)).lower()


_JSON_START = re.compile(r'^(?:\[\s*[{\]]|\{\s*["}])')


def is_json(content: bytes) -> str | None:
    """``json`` or ``jsonl`` when ``content`` (sniffed from its start) is a JSON document or JSON Lines: it opens
    an array of objects (``[{``) or an object (``{"``); JSON Lines when its first line is a whole object and the
    next line opens another."""
    from qbaudit.analysis.importers.reading import sniff_text

    text = sniff_text(content).lstrip(" \t\r\n")
    if not _JSON_START.match(text):
        return None
    first, _, rest = text.partition("\n")
    if text.startswith("{") and rest.lstrip().startswith("{"):
        try:
            json.loads(first)
        except ValueError:
            return "json"
        return "jsonl"
    return "json"


def _text(value: Any) -> tuple[str | None, list[str]]:
    """A value as cell text, with the pictures it shows (HTML) as references."""
    if value is None:
        return None, []
    if isinstance(value, bool):
        return ("√" if value else "×"), []
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), []
    if isinstance(value, int | float):
        return str(value), []
    if isinstance(value, list):
        parts = [_text(v) for v in value]
        texts = [t for t, _ in parts if t]
        return ("；".join(texts) or None), [r for _, refs in parts for r in refs]
    if isinstance(value, dict):
        return None, []
    text = str(value)
    if _HTML.search(text):
        parsed = html_text(text)
        return parsed.text or None, parsed.references()
    return text.strip() or None, []


def _letter(value: Any) -> str | None:
    if isinstance(value, str):
        folded = value.strip().upper().translate(str.maketrans("ＡＢＣＤＥＦＧＨ", "ABCDEFGH"))
        folded = folded.strip(".．、:：)）(（ ")
        return folded if len(folded) == 1 and folded in OPTION_LETTERS else None
    return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "是", "对", "正确", "√")
    return bool(value)


class _Item:
    """One object's options and key, read from whichever shape the export uses."""

    def __init__(self) -> None:
        self.options: dict[str, str | None] = {}
        self.correct: list[str] = []
        self.references: list[str] = []

    def read_options(self, value: Any) -> bool:
        """Options from a list or a dict; False when ``value`` is not a shape of options."""
        if isinstance(value, dict):
            entries = list(value.items())
            if all(_letter(k) for k, _ in entries):
                for key, text in entries:
                    self.put(_letter(key), text)
                return True
            return self.read_options(list(value.values()))
        if not isinstance(value, list):
            return False
        for position, entry in enumerate(value):
            letter = OPTION_LETTERS[position] if position < len(OPTION_LETTERS) else None
            if isinstance(entry, dict):
                keys = {_key(k): v for k, v in entry.items()}
                letter_key = next((k for k in _LETTER_KEYS if k in keys and _letter(keys[k])), None)
                named = _letter(keys[letter_key]) if letter_key else None
                text_key = next((k for k in _TEXT_KEYS if k in keys and k != letter_key), None)
                self.put(named or letter, keys.get(text_key) if text_key else None)
                if any(_truthy(keys[k]) for k in _CORRECT_KEYS if k in keys):
                    self.correct.append(named or letter or "?")
            else:
                text, _ = _text(entry)
                marked = _OPTION_TEXT.match(text or "")
                if marked:
                    self.put(_letter(marked.group(1) or marked.group(2)), marked.group(3))
                else:
                    self.put(letter, entry)
        return True

    def put(self, letter: str | None, value: Any) -> None:
        text, references = _text(value)
        self.references += references
        self.options[letter or f"?{len(self.options) + 1}"] = text


class _Reader:
    def __init__(self, name: str, unit: str) -> None:
        self.parsed = Parsed(unit=unit, file=name)
        self.spec = kind_spec("bank")
        self.unused: dict[str, None] = {}
        self.inferred = 0

    def item(self, number: int, value: Any) -> bool:
        """Take the object ``value`` (the ``number``-th) as a record; False (reported) when it is not an item."""
        if not isinstance(value, dict):
            self.parsed.note(Severity.REJECTED, tr("jsonbank.not_an_object", value=json.dumps(value, ensure_ascii=False)[:20]), number)
            return False
        fields: dict[str, str | None] = {}
        ranks: dict[str, int] = {}
        item = _Item()
        answer: Any = None
        for key, raw in value.items():
            hit = match_header(_key(key), self.spec)
            if hit is None or hit.rank >= 100:
                self.unused.setdefault(str(key).strip(), None)
                continue
            if hit.field in ranks and ranks[hit.field] <= hit.rank:
                self.unused.setdefault(str(key).strip(), None)
                continue
            ranks[hit.field] = hit.rank
            if hit.field == "options":
                if not item.read_options(raw):
                    fields["options"], _ = _text(raw)
            elif hit.field == "answer":
                answer = raw
            elif hit.field.startswith("option_"):
                item.put(hit.field[-1].upper(), raw)
            else:
                fields[hit.field], references = _text(raw)
                item.references += references
        if not fields.get("stem"):
            self.parsed.note(Severity.REJECTED, tr("jsonbank.no_stem"), number)
            return False
        strays = [k for k in item.options if k.startswith("?")]
        if strays or len(item.options) > len(OPTION_LETTERS):
            self.parsed.note(Severity.REJECTED, tr("jsonbank.options_unreadable", count=len(item.options)), number)
            return False
        fields.update({option_column(letter): text for letter, text in sorted(item.options.items())})
        fields["answer"] = self.answer(answer) if answer is not None else ("".join(item.correct) or None)
        self.item_type(number, fields, bool(item.options))
        if item.references:
            fields["attachments"] = "；".join(item.references)
        self.parsed.records.append(Record(number, fields))
        return True

    @staticmethod
    def answer(value: Any) -> str | None:
        if isinstance(value, list):
            letters = [_letter(v) for v in value]
            if value and all(letters):
                return "".join(letters)  # type: ignore[arg-type]
        text, _ = _text(value)
        return text

    def item_type(self, number: int, fields: dict[str, str | None], has_options: bool) -> None:
        written = fields.get("item_type")
        if written and parse_item_type(written):
            return
        inferred = infer_item_type(has_options, fields.get("answer"))
        if written:
            if inferred:
                self.parsed.note(Severity.WARNING, tr("jsonbank.type_inferred", value=written[:20], inferred=inferred),
                                 number)
                fields["item_type"] = inferred
            return
        if inferred:
            self.inferred += 1
            fields["item_type"] = inferred

    def finish(self, read: int, unread: list[int], blank: int = 0) -> Parsed:
        if self.unused:
            keys = list(self.unused)
            shown = "、".join(keys[:10]) + (tr("jsonbank.more_keys", count=len(keys) - 10) if len(keys) > 10 else "")
            self.parsed.note(Severity.INFO, tr("jsonbank.unused_keys", keys=shown))
        if self.inferred:
            self.parsed.note(Severity.INFO, tr("jsonbank.types_inferred", count=self.inferred))
        self.parsed.accounting = Accounting(self.parsed.unit, read=read, taken=read - len(unread),
                                            unread=tuple(unread), blank=blank)
        return self.parsed


def _objects(data: Any, depth: int = 0) -> list[Any] | None:
    """The array of items: the document itself, or the largest array of objects in its wrappers."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or depth >= _WRAPPER_DEPTH:
        return None
    found: list[list[Any]] = []
    for value in data.values():
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            found.append(value)
        elif isinstance(value, dict):
            inner = _objects(value, depth + 1)
            if inner is not None:
                found.append(inner)
    if found:
        return max(found, key=len)
    if any(match_header(_key(k), kind_spec("bank")) for k in data):
        return [data]  # a single item
    return None


def _decode(name: str, content: bytes) -> tuple[str, str, bool]:
    limit = _limits()["max_bytes"]
    if len(content) > limit:
        raise FormatError(tr("jsonbank.too_large", file=name, limit=f"{limit // 1048576} MiB"))
    decoding = guess_encoding(content)
    if decoding.encoding is None:
        raise FormatError(tr("read.encoding_unknown", file=name))
    try:
        return content.decode(decoding.encoding), decoding.encoding, decoding.guessed
    except (UnicodeDecodeError, LookupError) as exc:  # detection looks at the start of the file only
        raise FormatError(tr("read.encoding_unknown", file=name)) from exc


def parse_json(name: str, content: bytes) -> Parsed:
    """Read a JSON export (an array of item objects, possibly wrapped) into records."""
    text, encoding, guessed = _decode(name, content)
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise FormatError(tr("jsonbank.broken", file=name, line=exc.lineno, column=exc.colno)) from exc
    except RecursionError as exc:
        raise FormatError(tr("jsonbank.too_deep", file=name)) from exc
    objects = _objects(data)
    if objects is None:
        raise FormatError(tr("jsonbank.no_items", file=name))
    reader = _Reader(name, "record")
    reader.parsed.encoding = encoding
    if guessed:
        reader.parsed.note(Severity.INFO, tr("read.encoding_guessed", encoding=encoding))
    unread = [number for number, value in enumerate(ticking(objects), start=1) if not reader.item(number, value)]
    return reader.finish(len(objects), unread)


def parse_jsonl(name: str, content: bytes) -> Parsed:
    """Read JSON Lines (one item object per line) into records; a broken line is reported, not fatal."""
    text, encoding, guessed = _decode(name, content)
    reader = _Reader(name, "line")
    reader.parsed.encoding = encoding
    if guessed:
        reader.parsed.note(Severity.INFO, tr("read.encoding_guessed", encoding=encoding))
    read = blank = 0
    unread: list[int] = []
    for number, line in enumerate(ticking(text.lstrip("\ufeff").splitlines()), start=1):
        if not line.strip():
            blank += 1
            continue
        read += 1
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            column = exc.colno if isinstance(exc, json.JSONDecodeError) else "?"
            reader.parsed.note(Severity.REJECTED, tr("jsonbank.line_broken", column=column), number)
            unread.append(number)
            continue
        if not reader.item(number, value):
            unread.append(number)
    return reader.finish(read, unread, blank)
