"""The two plain-text exchange formats: GIFT (Moodle) and Aiken. Questions are located by the line
where they start; ``$CATEGORY:`` lines of GIFT act like sheets, and Moodle's ``// [id:…] [tag:…]``
comments carry the item number and ``key:value`` metadata.
"""

from __future__ import annotations

import re

from qbaudit.analysis.importers.exchange import Choice, choice_fields, html_text, joined, tag_fields
from qbaudit.analysis.importers.outcome import Severity
from qbaudit.analysis.importers.reading import detect_encoding
from qbaudit.analysis.importers.records import FormatError, Parsed, Record
from qbaudit.analysis.progress import ticking
from qbaudit.analysis.vocabulary import fold
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr

_GIFT_ESCAPED = re.compile(r"\\([~=#{}:\\n])")
_GIFT_TITLE = re.compile(r"^::(.*?)::", re.S)
_GIFT_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
_GIFT_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_GIFT_META = re.compile(r"\[(id|tag):([^\]]*)\]")
_TRUE = {"T", "TRUE"}
_FALSE = {"F", "FALSE"}
_AIKEN_OPTION = re.compile(r"^\s*([A-Z])\s*[.．、)）]\s*(.*)$")


def decode_text(name: str, content: bytes) -> tuple[str, str]:
    """Text of a plain-text file with its detected encoding; raises ``ValueError`` when none fits."""
    encoding = detect_encoding(content)
    if encoding is None:
        raise FormatError(tr("read.encoding_unknown", file=name))
    try:
        return content.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:  # detection looks at the start of the file only
        raise FormatError(tr("read.encoding_unknown", file=name)) from exc


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


# --- GIFT ------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    return _GIFT_ESCAPED.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _split_unescaped(text: str, marks: str) -> list[str]:
    """Split before each unescaped character of ``marks``, keeping the mark at the start of its part."""
    parts: list[str] = []
    current = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current += text[index : index + 2]
            index += 2
            continue
        if char in marks:
            if current.strip():
                parts.append(current)
            current = char
        else:
            current += char
        index += 1
    if current.strip():
        parts.append(current)
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def _without_feedback(text: str) -> str:
    cut = _find_unescaped(text, "#")
    return text if cut < 0 else text[:cut]


def _gift_answers(block: str) -> dict[str, str | None] | str:
    """Fields from the answer block between braces, or the reason it cannot be read."""
    body = block.strip()
    if not body:
        return {"item_type": "简答", "answer": None}
    if body.startswith("#"):
        return {"item_type": "填空", "answer": _unescape(_without_feedback(body[1:]))}
    head = fold(_without_feedback(body))
    if head in _TRUE or head in _FALSE:
        return {"item_type": "判断", "answer": "√" if head in _TRUE else "×"}
    parts = _split_unescaped(body, "=~")
    if any("->" in p for p in parts):
        return tr("formats.type_not_read", kind="matching")
    if not parts or any(p[0] not in "=~" for p in parts):
        return tr("formats.gift_answers_unreadable")
    choices: list[Choice] = []
    weighted = False
    for part in parts:
        mark, text = part[0], _without_feedback(part[1:]).strip()
        weight = _GIFT_WEIGHT.match(text)
        if weight:
            weighted = True
            text = text[weight.end() :]
            correct = float(weight.group(1)) > 0
        else:
            correct = mark == "="
        choices.append(Choice(_unescape(text), correct))
    if all(part[0] == "=" for part in parts):  # short answer: every listed answer is accepted
        return {"item_type": "填空", "answer": joined([c.text for c in choices])}
    return choice_fields(choices, single=None if weighted else True)


def parse_gift(name: str, content: bytes) -> Parsed:
    """Read a GIFT file into records."""
    text, encoding = decode_text(name, content)
    parsed = Parsed(unit="line", file=name, encoding=encoding)
    lines = text.splitlines()
    category: str | None = None
    meta: dict[str, list[str]] = {}
    for start, block in ticking(_blocks(lines)):
        body_lines: list[str] = []
        body_start = start
        for offset, line in enumerate(block):
            stripped = line.strip()
            if stripped.startswith("//"):
                for key, value in _GIFT_META.findall(stripped):
                    meta.setdefault(key, []).append(value.strip())
                continue
            if stripped.upper().startswith("$CATEGORY:"):
                category = "/".join(p for p in stripped.split(":", 1)[1].strip().split("/")
                                    if p and not p.startswith("$") and p.lower() != "top") or None
                continue
            if not body_lines:
                body_start = start + offset
            body_lines.append(line)
        if not body_lines:
            continue
        record = _gift_question("\n".join(body_lines), meta, parsed, body_start, category)
        meta = {}
        if record is not None:
            parsed.records.append(record)
    return parsed


def _gift_question(question: str, meta: dict[str, list[str]], parsed: Parsed, row: int,
                   category: str | None) -> Record | None:
    title = None
    match = _GIFT_TITLE.match(question.strip())
    body = question.strip()
    if match:
        title, body = _unescape(match.group(1)), body[match.end() :].strip()
    is_html = False
    form = _GIFT_FORMAT.match(body)
    if form:
        is_html = form.group(1).lower() in ("html", "moodle", "markdown")
        body = body[form.end() :]
    opening = _find_unescaped(body, "{")
    closing = _find_unescaped(body, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        parsed.note(Severity.REJECTED, tr("formats.gift_no_answers"), row, category)
        return None
    before, after = body[:opening], body[closing + 1 :]
    answers = _gift_answers(body[opening + 1 : closing])
    if isinstance(answers, str):
        parsed.note(Severity.REJECTED, answers, row, category)
        return None
    stem_text = _unescape(before) + ("（　　）" + _unescape(after) if after.strip() else "")
    stem = html_text(stem_text, is_html)
    first_id: list[str | None] = [*meta.get("id", [])] or [title]
    fields: dict[str, str | None] = {"item_id": first_id[0], "stem": stem.text, **answers,
                                     "attachments": "；".join(stem.references()) or None}
    fields.update({k: v for k, v in tag_fields(meta.get("tag", [])).items() if not fields.get(k)})
    return Record(row, fields, category)


# --- Aiken -----------------------------------------------------------------------------------


def _answer_markers() -> tuple[str, ...]:
    words = load_toml("formats.toml")["answer_markers"]["words"]
    return tuple(fold(w) for w in words)


def aiken_answer(line: str) -> str | None:
    """The letters of an Aiken answer line (``ANSWER: B``, ``答案：B``), or None if it is not one."""
    head, separator, value = line.replace("：", ":").partition(":")
    if separator and fold(head) in _answer_markers():
        return fold(value)
    return None


def parse_aiken(name: str, content: bytes) -> Parsed:
    """Read an Aiken file into records (single-answer choice questions)."""
    text, encoding = decode_text(name, content)
    parsed = Parsed(unit="line", file=name, encoding=encoding)
    for start, block in ticking(_blocks(text.splitlines())):
        stem: list[str] = []
        choices: list[Choice] = []
        answer = None
        for line in block:
            option = _AIKEN_OPTION.match(line)
            marked = aiken_answer(line)
            if marked is not None:
                answer = marked
            elif option and (choices or stem):
                choices.append(Choice(option.group(2).strip(), False))
            elif not choices:
                stem.append(line.strip())
        if answer is None:
            parsed.note(Severity.REJECTED, tr("formats.aiken_no_answer"), start)
            continue
        if not choices:
            parsed.note(Severity.REJECTED, tr("formats.aiken_no_options"), start)
            continue
        fields = choice_fields(choices, single=True)  # more options than letters: the reason, this question only
        if isinstance(fields, str):
            parsed.note(Severity.REJECTED, fields, start)
            continue
        fields["answer"] = answer  # as written: a letter outside the options is for R13 to report
        parsed.records.append(Record(start, {"stem": "\n".join(stem), **fields}))
    return parsed
