"""Item independence: duplicates, near-duplicates and hints between items (R11); the same item with
different keys (R21, 同题异答).

R11 compares whole items (normalised stem with sorted options, :mod:`qbaudit.analysis.similarity`).
Each pair at or above the profile's threshold (stricter when a stem is short) is classed:

* 重复题 — identical after normalisation (width, punctuation, spacing, option order; letter case is
  kept, see :mod:`qbaudit.analysis.textnorm`);
* 疑似重复题 — alike but for a few characters, a number, or clauses in another order;
* 相似题（关键词不同） — what differs is a whole domain term (a point or scope name of the blueprint,
  or a word of it), or only letter case (``mA``/``MA``: milli and mega), as in templated honest items;
  shown for review, not counted as duplicates.

Two items that read the same but have different keys are not duplicates: one of the keys is wrong,
which is R21's finding (同题异答), and R11 leaves them out. Pairs within a level decide the level's
finding; pairs across levels are reported apart (the same item in two levels is worth knowing, not
always wrong). Pairs the inspector dismissed are listed
as dismissed and no longer count. Hints — an item whose stem contains the correct answer of
another item of the same level (the two may meet in one paper) — are listed for a person to review.

R12 (wording that may discriminate) is in :mod:`qbaudit.analysis.checks.wording`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from qbaudit.analysis.checks.context import EXCERPT_CHARS, CheckContext, excerpt, sheet_name
from qbaudit.analysis.columns import OPTION_LETTERS
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.progress import tick
from qbaudit.analysis.similarity import Criterion, PairArrays, clusters, distinct_pairs
from qbaudit.analysis.substrings import contained_keys
from qbaudit.analysis.textnorm import SEPARATOR, as_list, clean, fold, normalised_texts
from qbaudit.analysis.vocabulary import vocabulary
from qbaudit.i18n import tr

DUPLICATE, NEAR_DUPLICATE, KEYWORD = "duplicate", "near_duplicate", "keyword"
_TERM_SPLIT = re.compile(r"[的与和及、，,（）()/\s]+")
# Generic endings of point names that are not terms by themselves ("焊接电流的选择原则" → 焊接电流).
_MIN_TERM_CHARS = 2


def pair_key(first: str, second: str) -> tuple[str, str]:
    """The order-free key of a pair of item ids (how dismissals are remembered)."""
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True)
class ItemPair:
    """Two similar items (positions in the items table) and how they are alike."""

    first: int
    second: int
    score: float
    kind: str  # DUPLICATE | NEAR_DUPLICATE | KEYWORD
    difference: str  # e.g. "压力 → 电压"
    dismissed: bool
    cluster: int


def domain_terms(names: list[str | None]) -> frozenset[str]:
    """Terms of the blueprint's point and scope names, normalised as items are."""
    parts = [part for name in names if name for part in [name, *_TERM_SPLIT.split(name)]]
    return frozenset(text for text in fold(parts) if text and len(text) >= _MIN_TERM_CHARS)


def _covered(text: str, terms_pattern: re.Pattern[str] | None) -> np.ndarray:
    mask = np.zeros(len(text), dtype=bool)
    if terms_pattern is None:
        return mask
    for match in terms_pattern.finditer(text):
        mask[match.start():match.end()] = True
    return mask


def classify(a: str, b: str, score: float, terms_pattern: re.Pattern[str] | None) -> tuple[str, str]:
    """The kind of a similar pair and a short description of what differs."""
    from rapidfuzz.distance import Levenshtein

    if score >= 100.0:
        return DUPLICATE, ""
    ops = [op for op in Levenshtein.opcodes(a, b) if op.tag != "equal"]
    # What differs is item text: each side an excerpt of a third, the whole an excerpt.
    side = EXCERPT_CHARS // 3 - 1
    pieces = [f"{excerpt(a[op.src_start:op.src_end], side) or '∅'}→{excerpt(b[op.dest_start:op.dest_end], side) or '∅'}"
              for op in ops[:3]]
    difference = excerpt("；".join(pieces) + ("…" if len(ops) > 3 else ""))
    covered_a, covered_b = _covered(a, terms_pattern), _covered(b, terms_pattern)

    def meaningful(op) -> bool:  # noqa: ANN001 - a rapidfuzz Opcode
        source, target = a[op.src_start:op.src_end], b[op.dest_start:op.dest_end]
        if source != target and source.lower() == target.lower():
            return True  # letter case is meaning in technical items: m (milli) is not M (mega)
        return bool(covered_a[op.src_start:op.src_end].all() and covered_b[op.dest_start:op.dest_end].all())

    return (KEYWORD if ops and all(meaningful(op) for op in ops) else NEAR_DUPLICATE), difference


class SimilarityAnalysis:
    """The similar pairs of a bank, computed once and shared by the R11 findings."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.items = ctx.bank.items
        self.criterion = criterion = Criterion.of(ctx.profile)
        self.threshold, self.short_chars = criterion.threshold, criterion.short_chars
        self.short_threshold = criterion.short_threshold
        self.hint_min_chars = int(ctx.profile.rule("R11")["hint_min_chars"])
        self._aside: Counter[int | None] = Counter()  # 同题异答 pairs per level, counted by _linked

    @cached_property
    def texts(self) -> pl.DataFrame:
        """Normalised stem, options and whole text of every item, in table order."""
        return normalised_texts(self.items)

    @cached_property
    def terms_pattern(self) -> re.Pattern[str] | None:
        names = [p.name for p in self.ctx.blueprint.points] + [s.name for s in self.ctx.blueprint.scopes]
        terms = sorted(domain_terms(names), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, terms))) if terms else None

    @cached_property
    def keys(self) -> np.ndarray:
        """Every item's correct answer as 同题异答 compares it (object array, None without an answer).

        Letters name options, so the key is the folded text of the options they name, sorted (the same
        item with its options reordered has other letters but the same key); a true/false answer is
        √ or ×, however it is written; any other answer is its folded text.
        """
        vocab = vocabulary()
        frame = pl.from_pandas(self.items[[C.ANSWER, *C.OPTIONS]]).with_columns(
            [pl.col(c).cast(pl.String) for c in (C.ANSWER, *C.OPTIONS)])
        answer = pl.col(C.ANSWER).str.normalize("NFKC").str.strip_chars()
        letters = answer.str.replace_all(r"[\s,，、;；/|]", "").str.to_uppercase()
        has_options = pl.any_horizontal([pl.col(c).is_not_null() for c in C.OPTIONS])
        is_letters = has_options & letters.str.contains(r"^[A-H]+$").fill_null(False)
        pieces = [pl.when(letters.str.contains(letter, literal=True))
                  .then(pl.coalesce(pl.when(clean(pl.col(column)) != "").then(clean(pl.col(column))),
                                    pl.lit(f"#{letter}")))
                  for letter, column in zip(OPTION_LETTERS, C.OPTIONS, strict=True)]
        by_letters = pl.concat_list(pieces).list.drop_nulls().list.sort().list.join(SEPARATOR)
        folded = answer.str.replace_all(r"\s", "").str.to_uppercase()
        truth = (pl.when(folded.is_in(list(vocab.true_answers))).then(pl.lit("√"))
                 .when(folded.is_in(list(vocab.false_answers))).then(pl.lit("×")))
        text = clean(pl.col(C.ANSWER))
        key = (pl.when(pl.col(C.ANSWER).is_null() | (answer == "")).then(None)
               .when(is_letters).then(by_letters)
               .otherwise(pl.coalesce(truth, pl.when(text != "").then(text), answer)))
        return frame.select(key.alias("key")).to_series().to_numpy().astype(object)

    @cached_property
    def conflicts(self) -> list[list[int]]:
        """同题异答: groups of items (positions, ascending) that read the same — the same normalised stem
        and options — but whose keys differ. Items without an answer take no part."""
        frame = pl.DataFrame({"text": self.texts.get_column("text"), "key": list(self.keys)},
                             schema={"text": pl.String, "key": pl.String}).with_row_index("position")
        groups = (frame.filter((pl.col("text") != "") & pl.col("key").is_not_null())
                  .group_by("text").agg(pl.col("position"), pl.col("key").n_unique().alias("keys"))
                  .filter(pl.col("keys") > 1))
        return sorted(sorted(int(p) for p in group) for group in groups.get_column("position").to_list())

    @cached_property
    def _passing(self) -> tuple[PairArrays, np.ndarray]:
        """The pairs at or above the (short-stem) threshold, and which of them are 同题异答."""
        found = self._linked
        stem_lengths = self.texts.get_column("stem").str.len_chars().to_numpy()
        keep = self.criterion.passes(found.score, stem_lengths[found.first], stem_lengths[found.second])
        found = PairArrays(found.first[keep], found.second[keep], found.score[keep])
        key_a, key_b = self.keys[found.first], self.keys[found.second]
        answered = np.fromiter((a is not None and b is not None for a, b in zip(key_a, key_b, strict=True)),
                               dtype=bool, count=len(found))
        return found, (found.score >= 100.0) & answered & (key_a != key_b)

    @cached_property
    def _linked(self) -> PairArrays:
        """Every pair to list, grown with the items rather than with their square.

        Items that read the same (normalised stem and options) are not paired two by two. Within one level,
        those with the same key are one group: its first item paired with each other member (n − 1 pairs for n
        items, one cluster). The groups of one text with another key or in another level are linked through
        their first items, one after the other (same key in two levels next to each other). Two distinct texts
        that are alike are paired once for each level both have (through the first item of each there), else
        once across levels.
        """
        found = distinct_pairs(self.texts.get_column("text"), self.threshold, state=self.ctx.progress)
        held = found.groups  # the distinct texts and who holds each, as flat arrays
        levels = self.items[C.LEVEL].to_numpy()
        keys = self.keys
        self._aside.clear()
        first: list[int] = []
        second: list[int] = []
        score: list[float] = []
        # A text only one item holds (most texts) makes no pair by itself: only the texts several items hold are
        # gone through one by one (a text's first item at each level kept for the alike texts below).
        firsts_by_level: dict[int, dict[int, int]] = {}
        for count, index in enumerate(np.flatnonzero(held.sizes > 1).tolist()):
            if count % 4096 == 0:
                tick()
            members = held.members[held.offsets[index]:held.offsets[index + 1]].tolist()
            groups: dict[tuple[str, int], list[int]] = {}
            for position in members:
                key = keys[position]
                marker = "" if key is None else "\x01" + str(key)
                groups.setdefault((marker, int(levels[position])), []).append(position)
            self._count_aside(groups)
            leaders = []
            by_level: dict[int, int] = {}
            for (_, level), group in sorted(groups.items()):
                first += [group[0]] * (len(group) - 1)
                second += group[1:]
                score += [100.0] * (len(group) - 1)
                leaders.append(group[0])
                by_level.setdefault(level, group[0])
            first += leaders[:-1]
            second += leaders[1:]
            score += [100.0] * (len(leaders) - 1)
            firsts_by_level[index] = by_level

        def firsts(index: int) -> dict[int, int]:
            if index in firsts_by_level:
                return firsts_by_level[index]
            position = int(held.members[held.offsets[index]])  # the text's only item
            return {int(levels[position]): position}

        pairs = found.pairs
        for a, b, value in zip(pairs.first.tolist(), pairs.second.tolist(), pairs.score.tolist(), strict=True):
            left, right = firsts(a), firsts(b)
            common: list[int | None] = [level for level in left if level in right] or [None]
            for level in common:  # type: ignore[assignment]  # None: the pair shares no level
                first.append(left[level] if level is not None else next(iter(left.values())))
                second.append(right[level] if level is not None else next(iter(right.values())))
                score.append(value)
        # In the order similar_pairs listed them before: identical items by group, then the alike texts.
        one, two = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
        return PairArrays(np.minimum(one, two), np.maximum(one, two), np.asarray(score, dtype=np.float32))

    def _count_aside(self, groups: dict[tuple[str, int], list[int]]) -> None:
        """Add the pairs of one text's items whose keys differ (同题异答) to the count of their level (None across
        levels), as if every pair were listed: the sizes of the groups give it without listing them."""
        by_level: dict[int, Counter[str]] = defaultdict(Counter)
        for (marker, level), group in groups.items():
            if marker:  # items without an answer take no part
                by_level[level][marker] += len(group)
        levels = sorted(by_level)
        for index, level in enumerate(levels):
            sizes = by_level[level]
            total = sum(sizes.values())
            self._aside[level] += (total * total - sum(s * s for s in sizes.values())) // 2
            for other in levels[index + 1:]:
                other_sizes = by_level[other]
                same = sum(count * other_sizes.get(marker, 0) for marker, count in sizes.items())
                self._aside[None] += total * sum(other_sizes.values()) - same

    @cached_property
    def aside_counts(self) -> Counter[int | None]:
        """How many pairs of identical items with different keys each level has (None: across levels)."""
        _ = self._linked
        return Counter({level: count for level, count in self._aside.items() if count})

    @cached_property
    def set_aside(self) -> list[tuple[int, int]]:
        """Pairs of identical items with different keys: 同题异答 (R21), not counted as duplicates."""
        found, conflicting = self._passing
        return list(zip(found.first[conflicting].tolist(), found.second[conflicting].tolist(), strict=True))

    @cached_property
    def pairs(self) -> list[ItemPair]:
        """Every similar pair that passes the (short-stem) threshold, classed and clustered.

        Identical items with different keys are not duplicates but 同题异答 (R21): they are left out.
        """
        found, conflicting = self._passing
        first, second, score = found.first[~conflicting], found.second[~conflicting], found.score[~conflicting]
        labels = clusters(self.texts.height, first, second)
        involved = np.unique(np.concatenate([first, second]))  # only these texts become Python strings
        texts = dict(zip(involved.tolist(), self.texts.get_column("text").gather(involved).to_list(), strict=True))
        ids = self.items[C.ITEM_ID].to_numpy()
        dismissed = self.ctx.data.dismissed_pairs
        result = []
        for i, j, s in zip(first.tolist(), second.tolist(), score.tolist(), strict=True):
            kind, difference = classify(texts[i], texts[j], s, self.terms_pattern)
            result.append(ItemPair(i, j, round(s, 1), kind, difference,
                                   pair_key(str(ids[i]), str(ids[j])) in dismissed, int(labels[i])))
        return result

    def _answer_texts(self, item_types: list[Any], answers: list[Any], stems: list[str],
                      options: list[tuple]) -> dict[str, list[int]]:
        """The texts that give an item's answer away (a true statement, the options its key names, long enough to
        mean something), each with the items whose answer it is."""
        keys: dict[str, list[int]] = defaultdict(list)
        for position, (kind, answer) in enumerate(zip(item_types, answers, strict=True)):
            if not answer:
                continue
            if kind == "判断" and answer == "√":
                statement = stems[position]
                if len(statement) >= self.hint_min_chars:
                    keys[statement].append(position)
                continue
            if not re.fullmatch(r"[A-H]+", answer):
                continue
            for letter in answer:
                text = options[position][OPTION_LETTERS.index(letter)]
                # Short answers ("以上都对", "350℃") reveal nothing by appearing elsewhere.
                if text and len(text) >= self.hint_min_chars:
                    keys[text].append(position)
        return keys

    @cached_property
    def hints(self) -> list[tuple[int, int, str]]:
        """``(revealed, revealing, key text)``: the correct answer of one item inside another's stem."""
        frame = pl.from_pandas(self.items[[C.ITEM_TYPE, C.ANSWER, *C.OPTIONS]]).with_columns(
            self.texts.get_column("stem").alias("__stem")
        )
        cleaned = frame.select([clean(pl.col(c)).alias(c) for c in C.OPTIONS])
        stems = as_list(frame.get_column("__stem"))
        options = [row for start in range(0, cleaned.height, 4096) for row in cleaned.slice(start, 4096).rows()]
        keys = self._answer_texts(as_list(frame.get_column(C.ITEM_TYPE)), as_list(frame.get_column(C.ANSWER)), stems,
                                  options)
        if not keys:
            return []
        # Items that read the same give one hint, not one per copy: each key keeps the first item of each stem.
        for text, positions in keys.items():
            seen: dict[str, int] = {}
            keys[text] = [seen.setdefault(stems[p], p) for p in positions if stems[p] not in seen]
        matches = contained_keys(stems, list(keys))  # linear in the stems, however long or repetitive
        similar = {(p.first, p.second) for p in self.pairs}
        levels = self.items[C.LEVEL].to_numpy()
        found: set[tuple[int, int, str]] = set()
        for revealing, hits in enumerate(matches):
            for text in hits or ():
                for revealed in keys[text]:
                    if revealed == revealing or (min(revealed, revealing), max(revealed, revealing)) in similar:
                        continue
                    if levels[revealed] != levels[revealing]:
                        continue  # items of two levels never meet in one paper
                    if stems[revealed] == stems[revealing]:
                        continue
                    found.add((revealed, revealing, text))
        return sorted(found)


def similarity_analysis(ctx: CheckContext) -> SimilarityAnalysis:
    """The similarity analysis of this run (computed once, shared by every check that needs it)."""
    if "similarity" not in ctx.shared:
        ctx.shared["similarity"] = SimilarityAnalysis(ctx)
    return ctx.shared["similarity"]


def _display_text(item: Any) -> str:
    options = "；".join(f"{letter}.{item[col]}" for letter, col in zip(OPTION_LETTERS, C.OPTIONS, strict=True)
                       if isinstance(item[col], str))
    stem = item[C.STEM] if isinstance(item[C.STEM], str) else ""
    return f"{stem} {options}".strip()


_DISPLAY = [C.ITEM_ID, C.LEVEL, C.SOURCE_ROW, C.STEM, *C.OPTIONS]


def _records(items: Any, positions: list[int]) -> list[dict[str, Any]]:
    """The rows at ``positions`` as dicts, gathered at once (row-by-row iloc is slow on Arrow columns)."""
    return items.iloc[np.asarray(positions, dtype=np.int64)][_DISPLAY].to_dict("records") if positions else []


def _pair_rows(ctx: CheckContext, pairs: list[ItemPair]) -> list[dict[str, Any]]:
    items = ctx.bank.items
    firsts = _records(items, [p.first for p in pairs])
    seconds = _records(items, [p.second for p in pairs])
    rows = []
    for pair, a, b in zip(pairs, firsts, seconds, strict=True):
        rows.append({
            "cluster": pair.cluster + 1,
            "item_a": a[C.ITEM_ID], "level_a": ctx.level_label(int(a[C.LEVEL])), "row_a": int(a[C.SOURCE_ROW]),
            "item_b": b[C.ITEM_ID], "level_b": ctx.level_label(int(b[C.LEVEL])), "row_b": int(b[C.SOURCE_ROW]),
            "score": pair.score,
            "kind": tr(f"R11.kind_{pair.kind}") + (tr("R11.dismissed_mark") if pair.dismissed else ""),
            "excerpt_difference": pair.difference,
            "excerpt_a": excerpt(_display_text(a)), "excerpt_b": excerpt(_display_text(b)),
        })
    return rows


def _pair_columns() -> list[tuple[str, str]]:
    return [
        ("cluster", tr("R11.col_cluster")), ("item_a", tr("R11.col_item_a")), ("level_a", tr("R11.col_level_a")),
        ("row_a", tr("R11.col_row_a")), ("item_b", tr("R11.col_item_b")), ("level_b", tr("R11.col_level_b")),
        ("row_b", tr("R11.col_row_b")), ("score", tr("R11.col_score")), ("kind", tr("R11.col_kind")),
        ("excerpt_difference", tr("R11.col_difference")), ("excerpt_a", tr("R11.col_excerpt_a")),
        ("excerpt_b", tr("R11.col_excerpt_b")),
    ]


def check_independence(ctx: CheckContext) -> list[Finding]:
    """R11: duplicates, near-duplicates and look-alikes within each level and across levels; hints."""
    analysis = similarity_analysis(ctx)
    levels = ctx.bank.items[C.LEVEL].to_numpy()
    by_level: dict[int, list[ItemPair]] = defaultdict(list)
    across: list[ItemPair] = []
    for pair in analysis.pairs:
        level_a, level_b = int(levels[pair.first]), int(levels[pair.second])
        (by_level[level_a] if level_a == level_b else across).append(pair)
    hints_by_level: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for hint in analysis.hints:
        hints_by_level[int(levels[hint[0]])].append(hint)
    aside_by_level = analysis.aside_counts
    threshold_text = tr("R11.threshold", threshold=f"{analysis.threshold:g}", short=analysis.short_chars,
                        short_threshold=f"{analysis.short_threshold:g}")
    texts = analysis.texts.get_column("text")
    findings = []
    for level in ctx.levels:
        if ctx.items(level).empty:
            continue
        if not _has_text(texts, levels == level):
            findings.append(ctx.cannot_judge("R11", level, tr("checks.na.no_text", level=ctx.level_label(level)),
                                             tr("checks.supply.stems"), threshold=0, comparator="=",
                                             unit=tr("unit.pairs")))
            continue
        pairs = by_level.get(level, [])
        active = [p for p in pairs if not p.dismissed]
        duplicates = [p for p in active if p.kind in (DUPLICATE, NEAR_DUPLICATE)]
        lookalikes = [p for p in active if p.kind == KEYWORD]
        dismissed = [p for p in pairs if p.dismissed]
        hints = hints_by_level.get(level, [])
        evidence = []
        if duplicates:
            evidence.append(Evidence.of(tr("R11.evidence_duplicates"), _pair_columns(), _pair_rows(ctx, duplicates)))
        if lookalikes:
            evidence.append(Evidence.of(tr("R11.evidence_lookalikes"), _pair_columns(), _pair_rows(ctx, lookalikes)))
        if hints:
            evidence.append(_hint_evidence(ctx, hints))
        if dismissed:
            evidence.append(Evidence.of(tr("R11.evidence_dismissed"), _pair_columns(), _pair_rows(ctx, dismissed)))
        status, message = _independence_verdict(ctx, level, duplicates, lookalikes, hints, dismissed,
                                                aside_by_level.get(level, 0))
        # Items the same once folded are 「重复」 by the text; near-duplicates only by the tool's similarity number.
        breached: list[str | None] = [None] if any(p.kind == DUPLICATE for p in duplicates) else []
        if any(p.kind == NEAR_DUPLICATE for p in duplicates):
            breached.append("near_duplicate_threshold")
        findings.append(ctx.finding("R11", level, status, message + threshold_text, measured=len(duplicates),
                                    threshold=0, comparator="=", unit=tr("unit.pairs"), evidence=evidence,
                                    breached=breached))
    active_across = [p for p in across if not p.dismissed]
    if active_across:
        findings.append(ctx.finding(
            "R11", None, Status.WARN, tr("R11.across", pairs=len(active_across)) + threshold_text,
            measured=len(active_across), threshold=0, comparator="=", unit=tr("unit.pairs"),
            evidence=[Evidence.of(tr("R11.evidence_across"), _pair_columns(), _pair_rows(ctx, active_across))],
        ))
    return findings


def _independence_verdict(ctx: CheckContext, level: int, duplicates: list[ItemPair], lookalikes: list[ItemPair],
                          hints: list[tuple[int, int, str]], dismissed: list[ItemPair], aside: int) -> tuple[Status, str]:
    """R11's status and message at one level."""
    clusters_count = len({p.cluster for p in duplicates})
    if duplicates:
        status, message = Status.FAIL, tr(
            "R11.fail", level=ctx.level_label(level), pairs=len(duplicates), clusters=clusters_count,
            exact=sum(p.kind == DUPLICATE for p in duplicates), lookalikes=len(lookalikes), hints=len(hints))
    elif lookalikes or hints:
        status, message = Status.WARN, tr("R11.warn", level=ctx.level_label(level), lookalikes=len(lookalikes),
                                          hints=len(hints))
    else:
        status, message = Status.PASS, tr("R11.pass", level=ctx.level_label(level), items=len(ctx.items(level)))
    if dismissed:
        message += tr("R11.dismissed_note", count=len(dismissed))
    largest = max(Counter(p.cluster for p in duplicates if p.kind == DUPLICATE).values(), default=0) + 1
    if largest > 2:  # a group of three or more identical items: listed as a star, not every pair
        message += tr("R11.grouped_note", size=largest)
    if aside:
        message += tr("checks.R21.set_aside_note", count=aside)
    return status, message


def _has_text(texts: pl.Series, mask: np.ndarray) -> bool:
    """True when some item under ``mask`` has a stem or options to compare."""
    return bool((texts.to_numpy()[mask] != "").any()) if mask.any() else False


def _key_text(item: dict[str, Any]) -> str:
    """The correct answer of an item as written: the options its letters name, else the answer."""
    answer = item[C.ANSWER] if isinstance(item[C.ANSWER], str) else ""
    letters = [letter for letter in answer if letter in OPTION_LETTERS]
    options = [item[column] if isinstance(item[column], str) else "" for column in C.OPTIONS]
    if answer and len(letters) == len(answer) and any(options):
        return "；".join(f"{letter}.{options[OPTION_LETTERS.index(letter)]}" for letter in letters)
    return answer


def _conflict_rows(ctx: CheckContext, groups: list[list[int]]) -> list[dict[str, Any]]:
    positions = [p for group in groups for p in group]
    columns = [C.ITEM_ID, C.LEVEL, C.SOURCE_SHEET, C.SOURCE_ROW, C.STEM, C.ANSWER, *C.OPTIONS]
    records = ctx.bank.items.iloc[np.asarray(positions, dtype=np.int64)][columns].to_dict("records")
    rows, at = [], 0
    for number, group in enumerate(groups, start=1):
        for item in records[at:at + len(group)]:
            answer = item[C.ANSWER] if isinstance(item[C.ANSWER], str) else ""
            short_key = answer if re.fullmatch(r"[A-H]+|√|×", answer) else ""  # letters are no item text
            rows.append({"group": number, "item_id": item[C.ITEM_ID], "level": ctx.level_label(int(item[C.LEVEL])),
                         "sheet": sheet_name(item[C.SOURCE_SHEET]), "row": int(item[C.SOURCE_ROW]),
                         "answer": short_key, "excerpt_key": excerpt(_key_text(item)),
                         "excerpt": excerpt(item[C.STEM])})
        at += len(group)
    return rows


def _conflict_evidence(ctx: CheckContext, groups: list[list[int]]) -> Evidence:
    columns = [("group", tr("checks.R21.col_group")), ("item_id", tr("evidence.item_id")),
               ("level", tr("checks.R21.col_level")), ("answer", tr("checks.R21.col_answer")),
               ("excerpt_key", tr("checks.R21.col_key")), ("excerpt", tr("evidence.excerpt")),
               ("sheet", tr("evidence.sheet")), ("row", tr("evidence.row"))]
    return Evidence.of(tr("checks.R21.evidence"), columns, _conflict_rows(ctx, groups))


def check_answer_conflicts(ctx: CheckContext) -> list[Finding]:
    """R21 同题异答: items that read the same (normalised stem and options) but have different keys.

    Worse than a duplicate: one of the keys is wrong. Per level, and apart for groups that span levels.
    """
    analysis = similarity_analysis(ctx)
    levels = ctx.bank.items[C.LEVEL].to_numpy()
    answered = np.fromiter((k is not None for k in analysis.keys), dtype=bool, count=len(analysis.keys))
    by_level: dict[int | None, list[list[int]]] = defaultdict(list)
    for group in analysis.conflicts:
        group_levels = {int(levels[p]) for p in group}
        by_level[group_levels.pop() if len(group_levels) == 1 else None].append(group)
    findings = []
    for level in ctx.levels:
        own = levels == level
        if not own.any():
            continue
        label = ctx.level_label(level)
        count = int((answered & own).sum())
        if not count:
            findings.append(ctx.cannot_judge("R21", level, tr("checks.na.no_answers", level=label),
                                             tr("checks.supply.answers"), threshold=0, comparator="=",
                                             unit=tr("checks.R21.unit")))
            continue
        groups = by_level.get(level, [])
        if groups:
            status = Status.FAIL
            message = tr("checks.R21.fail", level=label, groups=len(groups), items=sum(map(len, groups)))
        else:
            status, message = Status.PASS, tr("checks.R21.pass", level=label, items=count)
        findings.append(ctx.finding("R21", level, status, message, measured=len(groups), threshold=0, comparator="=",
                                    unit=tr("checks.R21.unit"),
                                    evidence=[_conflict_evidence(ctx, groups)] if groups else []))
    across = by_level.get(None, [])
    if across:
        findings.append(ctx.finding("R21", None, Status.FAIL, tr("checks.R21.across", groups=len(across),
                                                                  items=sum(map(len, across))),
                                    measured=len(across), threshold=0, comparator="=", unit=tr("checks.R21.unit"),
                                    evidence=[_conflict_evidence(ctx, across)]))
    return findings


def _hint_evidence(ctx: CheckContext, hints: list[tuple[int, int, str]]) -> Evidence:
    items = ctx.bank.items
    firsts = _records(items, [h[0] for h in hints])
    seconds = _records(items, [h[1] for h in hints])
    rows = []
    for (_, _, text), a, b in zip(hints, firsts, seconds, strict=True):
        rows.append({"revealed": a[C.ITEM_ID], "row_revealed": int(a[C.SOURCE_ROW]), "revealing": b[C.ITEM_ID],
                     "row_revealing": int(b[C.SOURCE_ROW]), "excerpt_key": excerpt(text),
                     "excerpt_revealing": excerpt(b[C.STEM])})
    columns = [("revealed", tr("R11.col_revealed")), ("row_revealed", tr("R11.col_row_a")),
               ("revealing", tr("R11.col_revealing")), ("row_revealing", tr("R11.col_row_b")),
               ("excerpt_key", tr("R11.col_key")), ("excerpt_revealing", tr("R11.col_excerpt_b"))]
    return Evidence.of(tr("R11.evidence_hints"), columns, rows)
