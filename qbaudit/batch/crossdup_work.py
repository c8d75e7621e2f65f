"""The steps of the cross-institution duplicate search that run where the data lies (a Dask worker, or this
process): each takes and returns plain objects, so that the same functions serve both ways.

The entries searched are the distinct normalised texts of each bank (one occupation and level of one
institution); ``global`` positions number the entries of all banks of one occupation and level in the order
the banks were given, block after block. No step here logs or returns item text except :func:`take_texts`,
whose texts go from one worker to another (the centre's own machines) and never to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qbaudit.analysis.similarity import Criterion, SignatureArrays, band_pairs, verify


@dataclass(frozen=True)
class Block:
    """A few banks' signatures of one occupation and level, searched as one piece (references, not copies)."""

    signatures: tuple  # BankSignature, in the order given
    codes: tuple[int, ...]  # each signature's institution as a number shared by all blocks

    @property
    def sizes(self) -> list[int]:
        return [len(s.texts) for s in self.signatures]

    def institutions(self) -> np.ndarray:
        """The institution number of every entry of the block (int32)."""
        return np.repeat(np.asarray(self.codes, dtype=np.int32), self.sizes)

    def locate(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For positions within the block: which signature and which entry of it."""
        starts = np.concatenate([[0], np.cumsum(self.sizes)])
        which = np.searchsorted(starts, positions, side="right") - 1
        return which, positions - starts[which]


def make_block(codes: list[int], picks: list[int | None], *inputs: object) -> Block:
    """A block of the signatures ``inputs`` (each a BankSignature, or a list of them with ``picks`` choosing)."""
    signatures = tuple(x if pick is None else x[pick] for x, pick in zip(inputs, picks, strict=True))
    return Block(signatures, tuple(codes))


@dataclass(frozen=True)
class BandSlice:
    """What the band search needs of a block's signatures, for some bands: no text. The arrays are views of
    the signatures' (no copy on the worker that holds them; only these bands travel to another)."""

    hashes: tuple[np.ndarray, ...]  # uint64 per entry, one array per signature
    institutions: np.ndarray  # int32 per entry
    keys: tuple[np.ndarray, ...]  # the chosen bands' keys (bands × entries) per signature
    packed: tuple[np.ndarray, ...]
    lengths: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.institutions)


def band_slice(block: Block, low: int, high: int) -> BandSlice:
    """Bands ``low``…``high − 1`` of a block's entries, with their hashes, institutions, lengths and bytes."""
    sigs = block.signatures
    return BandSlice(tuple(s.hashes for s in sigs), block.institutions(), tuple(s.arrays.keys[low:high] for s in sigs),
                     tuple(s.arrays.packed for s in sigs), tuple(s.arrays.lengths for s in sigs))


def _join(slices: tuple[BandSlice, ...], keep: np.ndarray) -> SignatureArrays:
    """The arrays of the kept entries of all slices, copied once."""
    keys = [k for s in slices for k in s.keys]
    packed = [p for s in slices for p in s.packed]
    lengths = [n for s in slices for n in s.lengths]
    cuts = np.cumsum([0, *(len(n) for n in lengths)])
    masks = [keep[cuts[i]:cuts[i + 1]] for i in range(len(lengths))]
    # A column mask leaves the keys in Fortran order: the kernel is compiled for (and fast with) C order.
    return SignatureArrays(np.ascontiguousarray(np.hstack([k[:, m] for k, m in zip(keys, masks, strict=True)])),
                           np.vstack([p[m] for p, m in zip(packed, masks, strict=True)]),
                           np.concatenate([n[m] for n, m in zip(lengths, masks, strict=True)]))


def _exact_pairs(inverse: np.ndarray, representative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every entry paired with the representative of its text (the first entry holding it), itself left out."""
    members = np.flatnonzero(representative[inverse] != np.arange(len(inverse)))
    return representative[inverse[members]], members


def band_part(low: int, high: int, threshold: float, min_jaccard: float, permutations: int, exact: bool,
              *slices: BandSlice) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (global positions, first < second) among all banks, from bands ``low``…``high − 1``.

    Entries with the same text (by hash) are one representative in the band search; with ``exact`` the
    entries are also paired with their representative (verified later: a hash collision cannot pass). A pair
    of representatives is dropped when both texts stand only in the same one institution (R11's business).
    """
    hashes = np.concatenate([h for s in slices for h in s.hashes]) if sum(map(len, slices)) else np.empty(0)
    if len(hashes) == 0:
        empty = np.empty(0, np.int64)
        return empty, empty
    institutions = np.concatenate([s.institutions for s in slices])
    _, representative, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    representative = representative.astype(np.int64)  # ascending: np.unique sorts by hash, so sort them
    order = np.argsort(representative)
    representative, rank = representative[order], np.empty_like(order)
    rank[order] = np.arange(len(order))
    inverse = rank[inverse.ravel()]
    lowest = np.full(len(representative), np.iinfo(np.int32).max, np.int32)
    highest = np.full(len(representative), -1, np.int32)
    np.minimum.at(lowest, inverse, institutions)
    np.maximum.at(highest, inverse, institutions)
    alone = lowest == highest  # the text stands in one institution only
    keep = np.zeros(len(hashes), dtype=bool)
    keep[representative] = True
    reps = _join(slices, keep)  # in the order of the representatives (ascending positions)
    first, second = band_pairs(reps, threshold, min_jaccard, permutations) if len(reps) > 1 else (
        np.empty(0, np.int64), np.empty(0, np.int64))
    keep = ~(alone[first] & alone[second] & (lowest[first] == lowest[second]))
    first, second = representative[first[keep]], representative[second[keep]]
    if exact:
        extra_first, extra_second = _exact_pairs(inverse, representative)
        first, second = np.concatenate([first, extra_first]), np.concatenate([second, extra_second])
    return np.minimum(first, second), np.maximum(first, second)


def route(starts: list[int], part: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """A part's candidate pairs split by the block that holds their first entry (rows: first, second)."""
    first, second = part
    order = np.argsort(first, kind="stable")
    first, second = first[order], second[order]
    cuts = np.searchsorted(first, starts)
    return [np.stack([first[a:b], second[a:b]]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def pairs_of_block(*pieces: np.ndarray) -> np.ndarray:
    """One block's candidate pairs from every part (rows: first, second), each pair once."""
    pairs = np.hstack(pieces) if pieces else np.empty((2, 0), np.int64)
    if len(pieces) < 2 or pairs.shape[1] == 0:
        return pairs  # one part lists a pair once
    width = int(pairs[1].max()) + 1
    low = int(pairs[0].min())
    codes = np.unique((pairs[0] - low) * width + pairs[1])
    return np.stack([codes // width + low, codes % width])


@dataclass(frozen=True)
class Taken:
    """Texts of some entries on their way to the worker that verifies them (a repr without the texts, so that
    a failed task's log line never quotes them)."""

    positions: np.ndarray  # global positions, ascending
    texts: list[str] = field(repr=False)
    stems: np.ndarray = field(repr=False)


def take_texts(block: Block, start: int, pairs: np.ndarray) -> Taken:
    """The texts and stem lengths of the second entries of ``pairs`` that lie in ``block`` (which starts at
    global position ``start``): global positions, texts, stem lengths."""
    stop = start + sum(block.sizes)
    wanted = np.unique(pairs[1][(pairs[1] >= start) & (pairs[1] < stop)]) if pairs.shape[1] else np.empty(0, np.int64)
    which, entry = block.locate(wanted - start)
    texts = [block.signatures[w].texts[e] for w, e in zip(which.tolist(), entry.tolist(), strict=True)]
    stems = np.fromiter((block.signatures[w].stem_lengths[e] for w, e in zip(which.tolist(), entry.tolist(),
                                                                             strict=True)), np.int64, len(wanted))
    return Taken(wanted, texts, stems)


def _not_keyword(texts: np.ndarray, first: np.ndarray, second: np.ndarray, score: np.ndarray) -> np.ndarray:
    """False for the pairs R11 shows as 相似题（关键词不同） and does not count: those that differ only in
    letter case (``mA``/``MA``); the province has no blueprint, so no domain term decides."""
    from qbaudit.analysis.checks.independence import KEYWORD, classify

    return np.fromiter((s >= 100.0 or classify(texts[a], texts[b], s, None)[0] != KEYWORD
                        for a, b, s in zip(first.tolist(), second.tolist(), score.tolist(), strict=True)),
                       dtype=bool, count=len(first))


def verify_block(block: Block, start: int, pairs: np.ndarray, criterion: Criterion,
                 *taken: Taken) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of ``pairs`` (first entries in ``block``) that meet R11's criterion: global positions, score."""
    if pairs.shape[1] == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    own = take_texts(block, start, np.stack([pairs[0], pairs[0]]))
    positions = np.concatenate([own.positions, *(t.positions for t in taken)])
    texts = np.array([*own.texts, *(text for t in taken for text in t.texts)], dtype=object)
    stems = np.concatenate([own.stems, *(t.stems for t in taken)])
    order = np.argsort(positions, kind="stable")
    local_first = order[np.searchsorted(positions, pairs[0], sorter=order)]
    local_second = order[np.searchsorted(positions, pairs[1], sorter=order)]
    found = verify(texts, local_first, local_second, criterion.threshold)
    keep = criterion.passes(found.score, stems[found.first], stems[found.second])
    keep &= _not_keyword(texts, found.first, found.second, found.score)
    return positions[found.first[keep]], positions[found.second[keep]], found.score[keep]


def describe(block: Block, start: int, positions: np.ndarray) -> list[list[tuple[str, str]]]:
    """For each entry (global positions in ``block``): its items as (item id, excerpt)."""
    which, entry = block.locate(np.asarray(positions, np.int64) - start)
    out = []
    for w, e in zip(which.tolist(), entry.tolist(), strict=True):
        signature = block.signatures[w]
        items = np.flatnonzero(signature.entry_of_item == e)
        out.append([(signature.item_ids[i], signature.excerpts[i]) for i in items.tolist()])
    return out
