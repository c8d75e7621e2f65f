"""Compiled inner loops (numba) of the similarity search; no Qt, no I/O.

Chosen by measurement (see ``bench/bench_similarity.py``): datasketch takes ~29 s per 100 000 items;
rensa computes MinHash quickly but hands its matrix back as Python lists (~5 s per 100 000 rows);
these kernels keep the whole candidate search in compiled code over NumPy arrays.

Compiled code is cached on disk (:mod:`qbaudit.analysis.kernel_cache` says where, and tells the user
when the kernels compile); callers get them through :func:`~qbaudit.analysis.kernel_cache.load_kernels`.
"""

from __future__ import annotations

from qbaudit.analysis.kernel_cache import configure

_CACHE = configure().folder is not None  # before the first compilation: the cache folder, the processor

import numba as nb  # noqa: E402
import numpy as np  # noqa: E402

_EMPTY = np.uint32(0xFFFFFFFF)


@nb.njit(cache=_CACHE, nogil=True, inline="always")
def _bigram_hash(first: np.uint32, second: np.uint32) -> np.uint32:
    h = (np.uint64(first) << np.uint64(21)) | np.uint64(second)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    return np.uint32(h >> np.uint64(32))


@nb.njit(cache=_CACHE, nogil=True, parallel=True)
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


@nb.njit(cache=_CACHE, nogil=True, parallel=True)
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


@nb.njit(cache=_CACHE, nogil=True)
def _grow(array, size):  # pragma: no cover - compiled
    bigger = np.empty(max(16, size * 2), dtype=array.dtype)
    bigger[:size] = array[:size]
    return bigger


_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_ONES = np.uint64(0x0101010101010101)


@nb.njit(cache=_CACHE, nogil=True, inline="always")
def _equal_bytes(x: np.uint64) -> np.int64:
    """How many of the eight bytes of ``x`` are zero."""
    y = (x & _LOW7) + _LOW7  # high bit set where the low seven bits are not all zero
    y = ~(y | x | _LOW7)  # high bit set exactly where the byte is zero
    return np.int64(((y >> np.uint64(7)) * _ONES) >> np.uint64(56))


@nb.njit(cache=_CACHE, nogil=True, parallel=True)
def band_candidates(packed, keys, orders, lengths, min_agree, min_length_ratio):  # pragma: no cover  # noqa: C901 - one compiled prange loop nest (bench/bench_similarity.py times it); split, numba would not fuse it
    """Pairs of texts that share a band key, filtered before anything leaves compiled code.

    A pair is kept once, in the first band where it collides; only if the shorter text is at least
    ``min_length_ratio`` of the longer (a bound of the similarity criterion) and their signatures'
    low bytes (b-bit MinHash) agree in at least ``min_agree`` places (an estimate of the bigram
    Jaccard). ``packed`` holds those low bytes eight to a word (texts × words, uint64), so a word
    pair is compared at once and its equal bytes counted with bit operations.

    Returns:
        int32 arrays ``(first, second)`` with ``first < second``.
    """
    bands, n = keys.shape
    words = packed.shape[1]
    fingerprints = np.empty((n, bands), dtype=np.uint32)  # a text's band keys side by side (32 bits)
    for d in nb.prange(n):
        for q in range(bands):
            fingerprints[d, q] = np.uint32(keys[q, d] >> np.uint64(32))
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
                    li, lj = lengths[i], lengths[j]
                    if min(li, lj) < min_length_ratio * max(li, lj):
                        continue
                    # Most colliding pairs fail here, so this test comes before the one for a
                    # repeat; it stops as soon as the remaining words cannot make up the shortfall.
                    agree = 0
                    for w in range(words):
                        agree += _equal_bytes(packed[i, w] ^ packed[j, w])
                    if agree < min_agree:
                        continue
                    earlier = False
                    for q in range(band):
                        if fingerprints[i, q] == fingerprints[j, q]:
                            earlier = True
                            break
                    if earlier:
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


@nb.njit(cache=_CACHE, nogil=True, inline="always")
def _mix64(value: np.uint64) -> np.uint64:
    value ^= value >> np.uint64(31)
    value *= np.uint64(0x7FB5D329728EA185)
    value ^= value >> np.uint64(27)
    value *= np.uint64(0x81DADEF4BC2DD44D)
    value ^= value >> np.uint64(33)
    return value


@nb.njit(cache=_CACHE, nogil=True)
def _overlap(members, start_x, size_x, start_y, size_y, need):  # pragma: no cover - compiled
    """Shared elements of two ascending sets, stopping once ``need`` is out of reach (then < need)."""
    a, b, overlap = 0, 0, 0
    while a < size_x and b < size_y:
        if overlap + min(size_x - a, size_y - b) < need:
            break
        ea = members[start_x + a]
        eb = members[start_y + b]
        if ea == eb:
            overlap += 1
            a += 1
            b += 1
        elif ea < eb:
            a += 1
        else:
            b += 1
    return overlap


@nb.njit(cache=_CACHE, nogil=True)
def set_similarity_join(members, offsets, min_jaccard):  # noqa: C901  # pragma: no cover - compiled: one loop nest kept whole for numba
    """All pairs of sets with Jaccard ≥ ``min_jaccard``, exactly, by the pigeonhole principle.

    Two sets with Jaccard ≥ t differ in at most ``d = ⌊(|x| + |y|)(1 − t)/(1 + t)⌋`` elements. With
    the elements hashed into ``G = d_max + 1`` groups, some group holds exactly the same elements in
    both sets; so every qualifying pair agrees on the hash of at least one group's sub-set. Such
    candidates are verified by merging the sets; each pair is taken at the first group it agrees on.

    Args:
        members: int32 element ids, ascending within each set, concatenated; no repeats in a set.
        offsets: int64, set ``s`` is ``members[offsets[s]:offsets[s + 1]]``.
        min_jaccard: the threshold (> 0).

    Returns:
        ``(first, second, overlap)`` int32 arrays for every qualifying pair, ``first < second``.
    """
    n = offsets.shape[0] - 1
    sizes = offsets[1:] - offsets[:-1]
    largest = 0
    for s in range(n):
        largest = max(largest, sizes[s])
    groups = int(np.floor(2.0 * largest * (1.0 - min_jaccard) / (1.0 + min_jaccard) + 1e-9)) + 1
    keys = np.zeros(n * groups, dtype=np.uint64)
    for s in range(n):
        for k in range(offsets[s], offsets[s + 1]):
            h = _mix64(np.uint64(members[k]) + np.uint64(0x9E3779B97F4A7C15))
            g = h % np.uint64(groups)
            keys[s * groups + g] += h  # the sum of the hashed elements of the group's sub-set
        for g in range(groups):
            keys[s * groups + g] = _mix64(keys[s * groups + g] ^ (np.uint64(g) << np.uint64(56)))
    order = np.argsort(keys)
    firsts = np.empty(1024, dtype=np.int32)
    seconds = np.empty(1024, dtype=np.int32)
    overlaps = np.empty(1024, dtype=np.int32)
    m = 0
    ratio = min_jaccard / (1.0 + min_jaccard)
    total = n * groups
    start = 0
    while start < total:
        key = keys[order[start]]
        end = start + 1
        while end < total and keys[order[end]] == key:
            end += 1
        for p in range(start, end - 1):
            x = order[p] // groups
            group = order[p] % groups
            for q in range(p + 1, end):
                y = order[q] // groups
                if x == y:
                    continue
                earlier = False
                for g in range(group):
                    if keys[x * groups + g] == keys[y * groups + g]:
                        earlier = True
                        break
                if earlier:
                    continue
                small, large = min(sizes[x], sizes[y]), max(sizes[x], sizes[y])
                if small < min_jaccard * large - 1e-9:
                    continue
                need = int(np.ceil(ratio * (sizes[x] + sizes[y]) - 1e-9))
                overlap = _overlap(members, offsets[x], sizes[x], offsets[y], sizes[y], need)
                if overlap >= need:
                    if m == firsts.shape[0]:
                        firsts = _grow(firsts, m)
                        seconds = _grow(seconds, m)
                        overlaps = _grow(overlaps, m)
                    firsts[m] = min(x, y)
                    seconds[m] = max(x, y)
                    overlaps[m] = overlap
                    m += 1
        start = end
    return firsts[:m], seconds[:m], overlaps[:m]
