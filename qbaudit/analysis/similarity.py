"""Duplicate and near-duplicate items: which pairs, how similar, how they cluster, what differs.

The criterion is ``rapidfuzz.fuzz.ratio`` (normalised Indel similarity, 0–100) of the whole item —
its normalised stem with its sorted options (:mod:`qbaudit.analysis.textnorm`) — so that a generic
stem shared by honest items (“下列说法正确的是”) never makes them alike by itself.

The search (all pairs at or above the threshold) runs in three steps:

1. identical normalised texts are grouped (exact duplicates, whatever the width, punctuation,
   spacing or option order);
2. candidates among the distinct texts come from MinHash over character bigrams with LSH banding;
   inside the compiled kernel, a candidate is dropped unless the lengths allow the threshold and the
   signatures agree in enough places (estimated bigram Jaccard ≥ ``min_jaccard``);
3. every candidate is verified with the exact criterion (``rapidfuzz.process.cpdist``).

Recall against brute force and the speed are measured by ``bench/bench_similarity.py``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.i18n import tr

# MinHash/LSH settings, chosen by measurement on generated banks (bench/bench_similarity.py; recall
# against brute force at 1 000 000 items: 40×6 0.957, 50×6 0.975, 60×6 0.996 with the signature
# filter at 0.55, 1.000 at 0.52 for 5 s more). 60 bands of 6 rows pass a pair of bigram Jaccard 0.55
# with probability 0.81, 0.6 with 0.94, 0.7 with 0.9995; pairs at fuzz.ratio ≥ 88 rarely fall below
# 0.55 (the lowest measured: 0.52, templated look-alikes). The signature filter (estimated Jaccard
# ≥ 0.52) drops most of the templated items that collide in a band before the exact check.
BANDS = 60
ROWS = 6
MIN_JACCARD = 0.52
SEED = 20261121
_VERIFY_BATCH = 2_000_000
# A pair exactly at the threshold counts ("不低于 88"). fuzz.ratio is 100·(1 − d/L) in floating point,
# so a score that is exactly the threshold in fractions can come out a hair below it (93 as
# 92.99999999999999). Scores are compared with this slack, far below the gap between two distinct
# scores of real items (100/L² with L, the two texts' length, in the thousands). rapidfuzz's own cutoff
# (its batch function turns it into a distance with some rounding of its own) only pre-filters, with a
# wider margin; the exact comparison is ours.
SCORE_SLACK = 1e-7
_CUTOFF_MARGIN = 0.01


@dataclass(frozen=True)
class PairArrays:
    """Similar pairs as parallel arrays of positions into the input, and their similarity."""

    first: np.ndarray  # int64
    second: np.ndarray  # int64
    score: np.ndarray  # float32, 0–100

    def __len__(self) -> int:
        return int(self.first.shape[0])


@dataclass(frozen=True)
class Criterion:
    """R11's criterion as the profile sets it: two items are alike when ``fuzz.ratio`` of their normalised
    texts is at least ``threshold``, or ``short_threshold`` when either stem has fewer than ``short_chars``
    characters (a pair exactly at a threshold counts)."""

    threshold: float
    short_chars: int
    short_threshold: float

    @classmethod
    def of(cls, profile: Any) -> Criterion:
        """The criterion of ``profile``'s R11 settings."""
        settings = profile.rule("R11")
        return cls(float(settings["near_duplicate_threshold"]), int(settings["short_stem_chars"]),
                   float(settings["short_stem_threshold"]))

    def passes(self, score: np.ndarray, stem_first: np.ndarray, stem_second: np.ndarray) -> np.ndarray:
        """Which pairs (already at or above ``threshold``, stems' lengths given) pass the short-stem rule."""
        short = np.minimum(stem_first, stem_second) < self.short_chars
        return ~short | (score >= np.float32(self.short_threshold - SCORE_SLACK))


def _permutations(count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    a = (rng.integers(1, 2**32, count, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
    b = rng.integers(0, 2**32, count, dtype=np.uint64).astype(np.uint32)
    return a, b


def code_points(texts: Sequence[str] | pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one uint32 array of code points, with their offsets (int64).

    From a polars column the texts are joined in Arrow and cross into Python as one string, not one each.
    """
    if isinstance(texts, pl.Series):
        lengths = texts.str.len_chars().fill_null(0).to_numpy().astype(np.int64)
        joined = texts.str.join("").item() if len(texts) else ""
    else:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        joined = "".join(texts)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    return codes, offsets


def _band_orders(keys: np.ndarray) -> np.ndarray:
    """Each band's texts in order of their keys; the bands are sorted on all cores.

    NumPy's sort lets go of the interpreter lock, so threads run the bands side by side.
    """
    from concurrent.futures import ThreadPoolExecutor

    orders = np.empty(keys.shape, dtype=np.int32)

    def sort_band(band: int) -> None:
        orders[band] = np.argsort(keys[band])  # positions fit in 32 bits

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(sort_band, range(keys.shape[0])))
    return orders


@dataclass(frozen=True)
class SignatureArrays:
    """What the band search needs of a list of texts: a 64-bit key per band and text (bands × texts), the
    low bytes of each text's MinHash signature packed eight to a word (texts × words), and the lengths."""

    keys: np.ndarray  # uint64, bands × texts
    packed: np.ndarray  # uint64, texts × words
    lengths: np.ndarray  # int64

    def __len__(self) -> int:
        return int(self.lengths.shape[0])


def signature_arrays(texts: Sequence[str] | pl.Series, bands: int = BANDS, rows: int = ROWS) -> SignatureArrays:
    """The band keys and packed signature bytes of ``texts`` (computed apart so that the texts of several
    banks, on several machines, can be searched together by joining their arrays)."""
    from qbaudit.analysis.kernel_cache import load_kernels

    kernels = load_kernels()  # compiled once, announced; then from the cache
    codes, offsets = code_points(texts)
    a, b = _permutations(bands * rows)
    signatures = kernels.minhash_bigrams(codes, offsets, a, b)
    del codes
    keys = kernels.band_keys(signatures, bands, rows)
    # b-bit MinHash: the low byte of each value agrees with probability J + (1 − J)/256; only the
    # low bytes are kept (a quarter of the signatures' memory), packed eight to a word.
    permutations = bands * rows
    words = -(-permutations // 8)
    low_bytes = np.zeros((len(texts), words * 8), dtype=np.uint8)
    np.copyto(low_bytes[:, :permutations], signatures, casting="unsafe")  # keeps x mod 256
    del signatures
    packed = low_bytes.view(np.uint64)  # the padding bytes are zero in both texts: they agree
    return SignatureArrays(keys, packed, np.diff(offsets))


def band_pairs(arrays: SignatureArrays, threshold: float, min_jaccard: float = MIN_JACCARD,
               permutations: int = BANDS * ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of texts that share a key in one of the bands of ``arrays.keys`` (all bands, or some of them)
    and pass the length and signature filters; ``permutations`` is the signatures' full length."""
    from qbaudit.analysis.kernel_cache import load_kernels

    kernels = load_kernels()
    padding = arrays.packed.shape[1] * 8 - permutations
    min_agree = int(np.floor(permutations * (min_jaccard + (1 - min_jaccard) / 256))) + padding
    orders = _band_orders(arrays.keys)
    ratio = threshold / 100.0
    # fuzz.ratio ≤ 2·min/(la+lb); lowered a hair so that a pair whose lengths allow exactly the
    # threshold is not dropped by rounding (at 93: 93 < 0.869…·107 in floating point).
    min_length_ratio = ratio / (2.0 - ratio) * (1.0 - 1e-12)
    first, second = kernels.band_candidates(arrays.packed, arrays.keys, orders, arrays.lengths, min_agree,
                                            min_length_ratio)
    return first.astype(np.int64), second.astype(np.int64)


def candidate_pairs(texts: Sequence[str] | pl.Series, threshold: float, min_jaccard: float = MIN_JACCARD,
                    bands: int = BANDS, rows: int = ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of distinct ``texts`` that may reach ``threshold`` (MinHash LSH, filtered)."""
    if len(texts) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    return band_pairs(signature_arrays(texts, bands, rows), threshold, min_jaccard, bands * rows)


def verify(texts: Sequence[str] | pl.Series | np.ndarray, first: np.ndarray, second: np.ndarray,
           threshold: float) -> PairArrays:
    """Keep the pairs whose exact similarity reaches ``threshold`` (a pair exactly at it included).

    Of a polars column only the texts that take part in a pair become Python strings (rapidfuzz needs them).
    """
    from rapidfuzz import fuzz, process

    if len(first) == 0:
        return PairArrays(first, second, np.empty(0, dtype=np.float32))
    if isinstance(texts, pl.Series):
        involved = np.unique(np.concatenate([first, second]))
        array = np.array(texts.gather(involved).to_list(), dtype=object)
        left, right = np.searchsorted(involved, first), np.searchsorted(involved, second)
    else:
        array = texts if isinstance(texts, np.ndarray) else np.array(texts, dtype=object)
        left, right = first, second
    scores = np.empty(len(first), dtype=np.float32)
    keep = np.empty(len(first), dtype=bool)
    for start in range(0, len(first), _VERIFY_BATCH):
        stop = start + _VERIFY_BATCH
        batch = process.cpdist(array[left[start:stop]], array[right[start:stop]], scorer=fuzz.ratio,
                               score_cutoff=threshold - _CUTOFF_MARGIN, dtype=np.float64, workers=-1)
        keep[start:stop] = batch >= threshold - SCORE_SLACK  # compared before rounding to 32 bits
        scores[start:stop] = batch
    return PairArrays(first[keep], second[keep], scores[keep])


@dataclass(frozen=True)
class ExactGroups:
    """The distinct non-empty texts, in order of first appearance, and the positions holding each.

    ``members[offsets[g]:offsets[g + 1]]`` are the positions (ascending) of the texts equal to
    ``distinct[g]``: the groups as flat arrays, never a Python list per group.
    """

    distinct: pl.Series
    members: np.ndarray  # int64
    offsets: np.ndarray  # int64, one more than there are groups

    @property
    def sizes(self) -> np.ndarray:
        """How many positions each distinct text has."""
        return np.diff(self.offsets)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every pair of positions inside a group (identical texts), ``first < second``, group by group."""
        sizes = self.sizes
        twos = np.flatnonzero(sizes == 2)  # the usual duplicate: one pair, vectorised
        firsts, seconds, order = [self.members[self.offsets[twos]]], [self.members[self.offsets[twos] + 1]], [twos]
        for group in np.flatnonzero(sizes > 2):
            positions = self.members[self.offsets[group]:self.offsets[group + 1]]
            i, j = np.triu_indices(len(positions), 1)
            firsts.append(positions[i])
            seconds.append(positions[j])
            order.append(np.full(len(i), group))
        by_group = np.argsort(np.concatenate(order), kind="stable")
        return np.concatenate(firsts)[by_group], np.concatenate(seconds)[by_group]

    def expand(self, first: np.ndarray, second: np.ndarray, score: np.ndarray) -> PairArrays:
        """Pairs of groups as pairs of positions: every member of one with every member of the other (in the
        order of the pairs given)."""
        sizes = self.sizes
        single = (sizes[first] == 1) & (sizes[second] == 1)  # the usual case, vectorised
        firsts = [self.members[self.offsets[first[single]]]]
        seconds = [self.members[self.offsets[second[single]]]]
        scores = [score[single].astype(np.float32)]
        order = [np.flatnonzero(single)]
        for index in np.flatnonzero(~single).tolist():
            a, b = first[index], second[index]
            left = self.members[self.offsets[a]:self.offsets[a + 1]]
            right = self.members[self.offsets[b]:self.offsets[b + 1]]
            firsts.append(np.repeat(left, len(right)))
            seconds.append(np.tile(right, len(left)))
            scores.append(np.full(len(left) * len(right), score[index], dtype=np.float32))
            order.append(np.full(len(left) * len(right), index))
        by_pair = np.argsort(np.concatenate(order), kind="stable")
        return PairArrays(np.concatenate(firsts)[by_pair], np.concatenate(seconds)[by_pair],
                          np.concatenate(scores)[by_pair])


def exact_groups(texts: Sequence[str] | pl.Series) -> ExactGroups:
    """Identical non-empty texts grouped (hashing in polars; the groups come back as flat arrays)."""
    column = texts.rename("text") if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    frame = column.to_frame().with_row_index("position").filter(pl.col("text") != "")
    groups = frame.group_by("text", maintain_order=True).agg(pl.col("position"))
    positions = groups.get_column("position")
    offsets = np.zeros(groups.height + 1, dtype=np.int64)
    np.cumsum(positions.list.len().to_numpy(), out=offsets[1:])
    members = positions.explode().to_numpy().astype(np.int64) if groups.height else np.empty(0, dtype=np.int64)
    return ExactGroups(groups.get_column("text"), members, offsets)


@dataclass(frozen=True)
class DistinctPairs:
    """The similar pairs among the distinct texts: who holds each distinct text (``groups``), and which distinct
    texts are alike (``pairs`` index the groups). Identical texts are one group, never a pair."""

    groups: ExactGroups
    pairs: PairArrays


def distinct_pairs(texts: Sequence[str] | pl.Series, threshold: float, state: TaskState | None = None,
                   min_jaccard: float = MIN_JACCARD, bands: int = BANDS, rows: int = ROWS) -> DistinctPairs:
    """The distinct non-empty texts of ``texts`` with their holders, and the pairs of distinct texts whose
    ``fuzz.ratio`` is at least ``threshold``: the work and the result grow with the distinct texts, not with
    how often a text repeats (a group of n identical items is one group, not n² pairs)."""
    state = state or NullState()
    checkpoint(state, 0.0, tr("similarity.grouping"))
    groups = exact_groups(texts)
    checkpoint(state, 0.1, tr("similarity.searching", count=len(groups.distinct)))
    first, second = candidate_pairs(groups.distinct, threshold, min_jaccard, bands, rows)
    checkpoint(state, 0.7, tr("similarity.verifying", count=len(first)))
    verified = verify(groups.distinct, first, second, threshold)
    checkpoint(state, 0.9, tr("similarity.collecting"))
    return DistinctPairs(groups, verified)


def similar_pairs(texts: Sequence[str] | pl.Series, threshold: float, state: TaskState | None = None,
                  min_jaccard: float = MIN_JACCARD, bands: int = BANDS, rows: int = ROWS) -> PairArrays:
    """All pairs of ``texts`` (positions) whose ``fuzz.ratio`` is at least ``threshold``.

    Identical texts are paired with a score of 100. Empty texts are never paired. Every pair is listed: a group
    of n identical texts gives n(n−1)/2 pairs (R11 uses :func:`distinct_pairs` and lists groups instead).
    """
    found = distinct_pairs(texts, threshold, state, min_jaccard, bands, rows)
    groups, verified = found.groups, found.pairs
    same_first, same_second = groups.pairs()
    near = groups.expand(verified.first, verified.second, verified.score)
    first_all = np.concatenate([same_first, near.first])
    second_all = np.concatenate([same_second, near.second])
    score_all = np.concatenate([np.full(len(same_first), 100.0, dtype=np.float32), near.score])
    low, high = np.minimum(first_all, second_all), np.maximum(first_all, second_all)
    return PairArrays(low, high, score_all)


def clusters(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Connected components of the pair graph: a cluster id per position (−1 when alone)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    labels = np.full(count, -1, dtype=np.int64)
    if len(first) == 0:
        return labels
    graph = coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(count, count))
    _, components = connected_components(graph, directed=False)
    involved = np.zeros(count, dtype=bool)
    involved[first] = True
    involved[second] = True
    # Renumber the components that have pairs, 0…k−1 in order of first appearance.
    seen: dict[int, int] = {}
    for position in np.flatnonzero(involved):
        labels[position] = seen.setdefault(int(components[position]), len(seen))
    return labels
