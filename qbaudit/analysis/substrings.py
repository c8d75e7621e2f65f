"""Which of many key texts each of many texts contains, in time linear in the texts.

A naive search for every occurrence of every key (``str.extract_many(..., overlapping=True)``) copies each match,
and a long key repeated in a long text (a 10 000-character option of one repeated word, a stem pasted many times)
matches at almost every position: the work grows with the text's length times the key's. Here the search runs on
the first :data:`PREFIX_CHARS` characters of each key only (so each match costs a bounded copy), keeps each text's
distinct hits, and then confirms the whole key with Python's substring search (linear: two-way for long needles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import polars as pl

PREFIX_CHARS = 32


def contained_keys(texts: Sequence[str | None], keys: Sequence[str]) -> list[list[str]]:
    """For each of ``texts``, the distinct ``keys`` it contains (in the order of ``keys``)."""
    if not keys or not texts:
        return [[] for _ in texts]
    by_prefix: dict[str, list[str]] = defaultdict(list)
    order = {key: index for index, key in enumerate(keys)}
    for key in order:
        by_prefix[key[:PREFIX_CHARS]].append(key)
    prefixes = list(by_prefix)
    hits = pl.Series("text", list(texts), dtype=pl.String).str.extract_many(prefixes, overlapping=True).list.unique()
    found: list[list[str]] = []
    for text, prefixes_hit in zip(texts, hits.to_list(), strict=True):
        if not text or not prefixes_hit:
            found.append([])
            continue
        matched = {key for prefix in prefixes_hit for key in by_prefix[prefix]
                   if len(key) <= PREFIX_CHARS or key in text}
        found.append(sorted(matched, key=order.__getitem__))
    return found
