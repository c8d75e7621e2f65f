"""Compiled inner loops (numba) of the similarity search; no Qt, no I/O.

Chosen by measurement (see ``bench/bench_similarity.py``): datasketch takes ~29 s per 100 000 items;
rensa computes MinHash quickly but hands its matrix back as Python lists (~5 s per 100 000 rows);
these kernels keep the whole candidate search in compiled code over NumPy arrays.

Compiled code is cached on disk in the user's cache folder, so only the first run pays for it.
"""

from __future__ import annotations

import os
from pathlib import Path


def _cache_dir() -> str:
    try:
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("qbaudit", appauthor=False)) / "numba"
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)
    except OSError:  # no writable cache folder: numba then compiles in memory each run
        return ""


if "NUMBA_CACHE_DIR" not in os.environ and (_folder := _cache_dir()):
    os.environ["NUMBA_CACHE_DIR"] = _folder

import numba as nb  # noqa: E402  (the cache folder must be set first)
import numpy as np  # noqa: E402

_EMPTY = np.uint32(0xFFFFFFFF)


@nb.njit(cache=True, inline="always")
def _bigram_hash(first: np.uint32, second: np.uint32) -> np.uint32:
    h = (np.uint64(first) << np.uint64(21)) | np.uint64(second)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    return np.uint32(h >> np.uint64(32))


@nb.njit(cache=True, parallel=True)
def minhash_bigrams(codes, offsets, a, b):  # pragma: no cover - compiled
    """MinHash signatures of the character-bigram sets of many texts.

    Args:
        codes: uint32 code points of all texts, concatenated.
        offsets: int64, text ``d`` is ``codes[offsets[d]:offsets[d + 1]]``.
        a, b: uint32 arrays of the permutations ``x ↦ a·x + b (mod 2³²)``.

    Returns:
        uint32 array (texts × permutations); a text of one character uses that character.
    """
    n = offsets.shape[0] - 1
    permutations = a.shape[0]
    signatures = np.empty((n, permutations), dtype=np.uint32)
    for d in nb.prange(n):
        row = np.full(permutations, _EMPTY, dtype=np.uint32)
        scratch = np.empty(permutations, dtype=np.uint32)
        start, end = offsets[d], offsets[d + 1]
        count = end - start
        for t in range(start, max(start + 1, end - 1)):
            if count >= 2:
                x = _bigram_hash(codes[t], codes[t + 1])
            elif count == 1:
                x = _bigram_hash(codes[t], np.uint32(0))
            else:
                break
            for p in range(permutations):
                scratch[p] = a[p] * x + b[p]  # stored as uint32: the multiplication wraps mod 2³²
            for p in range(permutations):
                row[p] = min(row[p], scratch[p])
        signatures[d, :] = row
    return signatures


@nb.njit(cache=True, parallel=True)
def band_keys(signatures, bands, rows):  # pragma: no cover - compiled
    """One 64-bit key per text and band, hashing the band's ``rows`` signature values."""
    n = signatures.shape[0]
    keys = np.empty((bands, n), dtype=np.uint64)
    for d in nb.prange(n):
        for band in range(bands):
            h = np.uint64(0x9E3779B97F4A7C15) * np.uint64(band + 1)
            for c in range(band * rows, (band + 1) * rows):
                h ^= np.uint64(signatures[d, c])
                h *= np.uint64(0x100000001B3)
                h ^= h >> np.uint64(29)
            keys[band, d] = h
    return keys


@nb.njit(cache=True)
def _grow(array, size):  # pragma: no cover - compiled
    bigger = np.empty(max(16, size * 2), dtype=array.dtype)
    bigger[:size] = array[:size]
    return bigger


@nb.njit(cache=True, parallel=True)
def band_candidates(signatures, keys, orders, lengths, min_agree, min_length_ratio):  # pragma: no cover
    """Pairs of texts that share a band key, filtered before anything leaves compiled code.

    A pair is kept once, in the first band where it collides; only if the shorter text is at least
    ``min_length_ratio`` of the longer (a bound of the similarity criterion) and the signatures
    agree in at least ``min_agree`` places (an estimate of the bigram Jaccard).

    Returns:
        int32 arrays ``(first, second)`` with ``first < second``.
    """
    bands, n = keys.shape
    permutations = signatures.shape[1]
    out_first = [np.empty(0, dtype=np.int32) for _ in range(bands)]
    out_second = [np.empty(0, dtype=np.int32) for _ in range(bands)]
    for band in nb.prange(bands):
        order = orders[band]
        firsts = np.empty(1024, dtype=np.int32)
        seconds = np.empty(1024, dtype=np.int32)
        m = 0
        s = 0
        while s < n:
            key = keys[band, order[s]]
            e = s + 1
            while e < n and keys[band, order[e]] == key:
                e += 1
            for x in range(s, e - 1):
                i = order[x]
                for y in range(x + 1, e):
                    j = order[y]
                    earlier = False
                    for q in range(band):
                        if keys[q, i] == keys[q, j]:
                            earlier = True
                            break
                    if earlier:
                        continue
                    li, lj = lengths[i], lengths[j]
                    if min(li, lj) < min_length_ratio * max(li, lj):
                        continue
                    agree = 0
                    for p in range(permutations):
                        agree += signatures[i, p] == signatures[j, p]
                    if agree < min_agree:
                        continue
                    if m == firsts.shape[0]:
                        firsts = _grow(firsts, m)
                        seconds = _grow(seconds, m)
                    firsts[m] = min(i, j)
                    seconds[m] = max(i, j)
                    m += 1
            s = e
        out_first[band] = firsts[:m].copy()
        out_second[band] = seconds[:m].copy()
    total = 0
    for band in range(bands):
        total += out_first[band].shape[0]
    first = np.empty(total, dtype=np.int32)
    second = np.empty(total, dtype=np.int32)
    k = 0
    for band in range(bands):
        size = out_first[band].shape[0]
        first[k:k + size] = out_first[band]
        second[k:k + size] = out_second[band]
        k += size
    return first, second


@nb.njit(cache=True)
def set_similarity_join(members, offsets, ranks, min_jaccard):  # pragma: no cover - compiled
    """All pairs of sets with Jaccard ≥ ``min_jaccard``, exactly (prefix filtering, AllPairs).

    Args:
        members: int32 element ids of all sets, each set sorted by ``ranks`` (rarest first),
            concatenated; sets must not repeat an element.
        offsets: int64, set ``s`` is ``members[offsets[s]:offsets[s + 1]]``.
        ranks: int64 global rank of each element id (rarest element = 0).
        min_jaccard: the threshold.

    Returns:
        ``(first, second, overlap)`` int32 arrays for every qualifying pair, ``first < second``.
    """
    n = offsets.shape[0] - 1
    n_elements = ranks.shape[0]
    # Inverted index of prefix elements, filled as sets are visited in order of size.
    sizes = offsets[1:] - offsets[:-1]
    order = np.argsort(sizes, kind="mergesort")
    head = np.full(n_elements, -1, dtype=np.int64)
    next_entry = np.empty(members.shape[0], dtype=np.int64)
    entry_set = np.empty(members.shape[0], dtype=np.int64)
    entries = 0
    last_seen = np.full(n, -1, dtype=np.int64)
    firsts = np.empty(1024, dtype=np.int32)
    seconds = np.empty(1024, dtype=np.int32)
    overlaps = np.empty(1024, dtype=np.int32)
    m = 0
    for visit in range(n):
        x = order[visit]
        size_x = sizes[x]
        if size_x == 0:
            continue
        prefix = size_x - int(np.ceil(min_jaccard * size_x - 1e-9)) + 1
        for k in range(prefix):
            element = members[offsets[x] + k]
            entry = head[element]
            while entry != -1:
                y = entry_set[entry]
                entry = next_entry[entry]
                if last_seen[y] == x:
                    continue
                last_seen[y] = x
                size_y = sizes[y]
                if size_y < min_jaccard * size_x:
                    continue
                # exact overlap of two rank-sorted sets
                a, b, overlap = 0, 0, 0
                while a < size_x and b < size_y:
                    ra = ranks[members[offsets[x] + a]]
                    rb = ranks[members[offsets[y] + b]]
                    if ra == rb:
                        overlap += 1
                        a += 1
                        b += 1
                    elif ra < rb:
                        a += 1
                    else:
                        b += 1
                if overlap >= min_jaccard * (size_x + size_y - overlap) - 1e-9:
                    if m == firsts.shape[0]:
                        firsts = _grow(firsts, m)
                        seconds = _grow(seconds, m)
                        overlaps = _grow(overlaps, m)
                    firsts[m] = min(x, y)
                    seconds[m] = max(x, y)
                    overlaps[m] = overlap
                    m += 1
        for k in range(prefix):
            element = members[offsets[x] + k]
            entry_set[entries] = x
            next_entry[entries] = head[element]
            head[element] = entries
            entries += 1
    return firsts[:m], seconds[:m], overlaps[:m]
