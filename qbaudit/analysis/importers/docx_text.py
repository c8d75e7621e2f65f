"""The shapes of text in a hand-typed Word bank: a judgement mark, the answer in a stem's brackets, an answer
line's marker, the item count a heading states, options typed on the stem's own line."""

from __future__ import annotations

import re
from functools import cache

from qbaudit.analysis.importers.bank import split_options
from qbaudit.analysis.vocabulary import fold
from qbaudit.bundled import load_toml

_LETTERS = re.compile(r"^[A-H](?:\s*[,，、]?\s*[A-H]){0,7}$")
BLANK_BRACKETS = "（　　）"  # a stem's answer bracket, emptied
BRACKETS = re.compile(r"[（(]\s*([^（）()]{1,12}?)\s*[）)]")
_COUNT = re.compile(r"共\s*(\d+)\s*(?:道|个)?\s*(?:小)?题")
_EACH_SCORE = re.compile(r"每(?:小|道)?题\s*(\d+(?:\.\d+)?)\s*分")
_EMBEDDED_MARK = re.compile(r"(?:[(（]\s*[AＡ]\s*[)）]|(?<=[\s。？?；;])[AＡ]\s*[.．、:：)）])")
_PUNCTUATION_START = re.compile(r"^[。.，,；;：:、)）]")
_TOTAL_SCORE = re.compile(r"共\s*(\d+(?:\.\d+)?)\s*分")


@cache
def words(section: str) -> frozenset[str]:
    """The words of a section of ``formats.toml`` (answer markers, heading words …), folded."""
    return frozenset(fold(w) for w in load_toml("formats.toml")[section]["words"])


def starts_with(text: str, section: str) -> bool:
    """True when ``text`` starts with one of the words of ``section``."""
    folded = fold(text)
    return any(folded.startswith(word) for word in words(section))


def judgement(text: str) -> bool:
    """True for a true/false mark (√, ×, 对, 错 …) as written in a stem's brackets or on an answer line."""
    return fold(text) in words("bracket_answers")


def judgement_bracket(stem: str) -> re.Match[str] | None:
    """The stem's last bracket when it holds a true/false mark (an ``X`` only at the very end of the stem)."""
    brackets = list(BRACKETS.finditer(stem))
    if not brackets:
        return None
    last = brackets[-1]
    inside = fold(last.group(1))
    if not judgement(inside):
        return None
    if inside == "X" and stem[last.end() :].strip(" 。.；;！!　"):
        return None
    return last


@cache
def answer_keys() -> frozenset[str]:
    return frozenset(fold(w) for w in load_toml("formats.toml")["answer_markers"]["words"])


def stated_count(text: str) -> int | None:
    """The number of items a heading states: ``共60题``, or ``每题1分，共60分`` (60 ÷ 1)."""
    count = _COUNT.search(text)
    if count:
        return int(count.group(1))
    each, total = _EACH_SCORE.search(text), _TOTAL_SCORE.search(text)
    if each and total and float(each.group(1)) > 0:
        ratio = float(total.group(1)) / float(each.group(1))
        if ratio == int(ratio):
            return int(ratio)
    return None


def embedded_options(stem: str) -> tuple[str, dict[str, str]]:
    """Options typed on the stem's own line (``电流的单位是（ B ）。A.伏特 B.安培 …``), split from it.

    The stem's answer bracket (``（A）。``) is not an option: every option found must have text that does not
    start with punctuation."""
    for mark in _EMBEDDED_MARK.finditer(stem):
        if mark.start() == 0:
            continue
        options = split_options(stem[mark.start():])
        if (len(options) >= 2 and list(options)[0] == "A"
                and all(text and not _PUNCTUATION_START.match(text) for text in options.values())):
            return stem[: mark.start()].rstrip(), options
    return stem, {}


def bracket_answer(stem: str, has_options: bool) -> tuple[str, str | None]:
    """The stem with its answer bracket emptied, and the answer found there (or None)."""
    if has_options:
        for match in reversed(list(BRACKETS.finditer(stem))):
            if _LETTERS.match(fold(match.group(1))):
                return stem[: match.start()] + BLANK_BRACKETS + stem[match.end() :], fold(match.group(1))
        return stem, None
    judged = judgement_bracket(stem)
    if judged is None:
        return stem, None
    return stem[: judged.start()] + BLANK_BRACKETS + stem[judged.end() :], judged.group(1).strip()
