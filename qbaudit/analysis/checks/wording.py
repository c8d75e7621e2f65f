"""R12: stems, options and explanations screened with a reviewed word list (``resources/sensitive_words.toml``)
for wording that may discriminate against a group of people; a hit is a prompt to review, never a failure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from qbaudit.analysis.checks.context import CheckContext, excerpt
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr


@dataclass(frozen=True)
class WordList:
    """The reviewed word list of R12."""

    window: int
    judgements: tuple[str, ...]
    allow: tuple[str, ...]
    categories: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]  # id → (name, groups, phrases)

    @property
    def screen_words(self) -> list[str]:
        """Every word that makes an item worth a closer look."""
        words = {w for _, groups, phrases in self.categories.values() for w in (*groups, *phrases)}
        return sorted(words)


@cache
def word_list(name: str) -> WordList:
    """Load the R12 word list named by the profile."""
    data = load_toml(name)
    return WordList(
        window=int(data["window"]),
        judgements=tuple(data["judgements"]),
        allow=tuple(data["allow"]),
        categories={key: (entry["name"], tuple(entry["groups"]), tuple(entry["phrases"]))
                    for key, entry in data["categories"].items()},
    )


def _positions(text: str, word: str) -> list[int]:
    found, start = [], text.find(word)
    while start >= 0:
        found.append(start)
        start = text.find(word, start + 1)
    return found


def screen_text(text: str, words: WordList) -> list[tuple[str, str, int]]:
    """Hits in one text: ``(category name, words matched, position)``."""
    masked = text
    for phrase in words.allow:
        masked = masked.replace(phrase, "□" * len(phrase))
    hits = []
    for name, groups, phrases in words.categories.values():
        for phrase in phrases:
            position = masked.find(phrase)
            if position >= 0:
                hits.append((name, phrase, position))
        for group in groups:
            for start in _positions(masked, group):
                end = start + len(group)
                near = [j for j in words.judgements
                        if any(max(js - end, start - (js + len(j))) <= words.window for js in _positions(masked, j))]
                if near:
                    hits.append((name, f"{group}＋{near[0]}", start))
                    break
    return hits


def check_sensitive_wording(ctx: CheckContext) -> list[Finding]:
    """R12: flag stems, options and explanations that may discriminate, for a person to review."""
    words = word_list(ctx.profile.rule("R12")["word_list"])
    items = ctx.bank.items
    columns = [C.STEM, *C.OPTIONS, C.EXPLANATION]
    frame = pl.from_pandas(items[columns]).select(
        pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" ")
        .str.normalize("NFKC").str.replace_all(r"\s+", "").alias("text")
    )
    candidates = frame.with_row_index("position").filter(pl.col("text").str.contains_any(words.screen_words))
    flagged: dict[int, list[dict[str, Any]]] = defaultdict(list)
    levels = items[C.LEVEL].to_numpy()
    ids = items[C.ITEM_ID].to_numpy(dtype=object)
    source_rows = items[C.SOURCE_ROW].to_numpy()
    for position, text in candidates.iter_rows():
        for category, matched, at in screen_text(text, words):
            item = {C.ITEM_ID: ids[position], C.SOURCE_ROW: source_rows[position]}
            context = text[max(0, at - 10): at + 20]
            flagged[int(levels[position])].append({
                "item_id": item[C.ITEM_ID], "row": int(item[C.SOURCE_ROW]), "category": category,
                "words": matched, "excerpt": excerpt(context),
            })
    has_text = (frame.get_column("text") != "").to_numpy()
    findings = []
    for level in ctx.levels:
        if ctx.items(level).empty:
            continue
        if not has_text[levels == level].any():
            findings.append(ctx.cannot_judge("R12", level, tr("checks.na.no_text", level=ctx.level_label(level)),
                                             tr("checks.supply.stems"), threshold=0, comparator="=",
                                             unit=tr("unit.items")))
            continue
        rows = flagged.get(level, [])
        evidence = [Evidence.of(tr("R12.evidence"), [
            ("item_id", tr("evidence.item_id")), ("row", tr("evidence.row")), ("category", tr("R12.col_category")),
            ("words", tr("R12.col_words")), ("excerpt", tr("R12.col_context"))], rows)] if rows else []
        if rows:
            status = Status.WARN
            message = tr("R12.warn", level=ctx.level_label(level), count=len({r["item_id"] for r in rows}),
                         categories="、".join(sorted({r["category"] for r in rows})))
        else:
            status, message = Status.PASS, tr("R12.pass", level=ctx.level_label(level), items=len(ctx.items(level)))
        findings.append(ctx.finding("R12", level, status, message, measured=len(rows), threshold=0, comparator="=",
                                    unit=tr("unit.items"), evidence=evidence))
    return findings
