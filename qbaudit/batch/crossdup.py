"""Items that stand in more than one institution's bank (same occupation and level): a province's finding.

The criterion is R11's (:mod:`qbaudit.analysis.similarity`, profile thresholds, a pair exactly at the
threshold counts): identical normalised texts are exact copies; alike texts are near copies (but for pairs
that differ only in letter case, which R11 shows as 相似题（关键词不同） and does not count). Pairs inside
one institution are R11's business and are left out; only groups spanning two or more institutions are
returned, each to be reviewed as an exposure risk (待核查（泄露风险）), not a failure of either institution.

The work is divided so that no machine ever holds every item's text:

1. :func:`bank_signature` runs where a bank is read: per occupation and level, the bank's distinct
   normalised texts, a hash of each, their MinHash band keys and signature bytes (the same as R11's search);
2. the signatures are put in blocks (references on the worker that holds them);
3. the band search is split by bands: each part receives, from every block, only the keys of its bands,
   the signature bytes, lengths, hashes and institutions (no text), and lists candidate pairs;
4. the candidates are routed to the block that holds their first entry; the texts of the second entries
   travel there from the blocks that hold them, and the pairs are verified by R11's ratio;
5. only the verified pairs (positions and scores) and, for the groups found, item ids and excerpts of at most
   30 characters come back to the caller.

With ``client=None`` the same steps run in this process one after the other.
"""

from __future__ import annotations

import hashlib
import math
import operator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.excerpts import excerpt
from qbaudit.analysis.model import Evidence
from qbaudit.analysis.progress import Cancelled, NullState, TaskState, checkpoint
from qbaudit.analysis.similarity import (
    BANDS,
    MIN_JACCARD,
    ROWS,
    Criterion,
    SignatureArrays,
    clusters,
    exact_groups,
    signature_arrays,
)
from qbaudit.analysis.textnorm import as_list, normalised_texts
from qbaudit.batch import crossdup_work as work
from qbaudit.i18n import tr

BLOCK_ENTRIES = 100_000  # entries per block at most, unless fewer blocks than workers would result
Kind = Literal["exact", "near"]


@dataclass(frozen=True)
class BankSignature:
    """What the cross-institution search needs of one institution's bank at one occupation and level.

    ``item_ids`` and ``excerpts`` (≤ 30 characters) are per item; ``texts`` are the bank's distinct normalised
    texts (the entries), ``entry_of_item`` which entry each item has; per entry its shortest normalised stem's
    length, a 64-bit hash of the text and the MinHash arrays. Items with no text take no part.
    """

    institution: str
    occupation: str
    level: str
    item_ids: list[str]
    excerpts: list[str]
    entry_of_item: np.ndarray = field(repr=False)  # int64 per item
    texts: list[str] = field(repr=False)  # never logged: item text
    stem_lengths: np.ndarray = field(repr=False)  # int64 per entry
    hashes: np.ndarray = field(repr=False)  # uint64 per entry
    arrays: SignatureArrays = field(repr=False)

    def __len__(self) -> int:
        return len(self.item_ids)


def _text_hashes(texts: list[str]) -> np.ndarray:
    return np.fromiter((int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
                        for t in texts), dtype=np.uint64, count=len(texts))


def _signature(institution: str, occupation: str, level: str, frame: pl.DataFrame) -> BankSignature:
    """The signature of one occupation and level; ``frame`` has item_id, raw stem, stem and text columns."""
    frame = frame.filter(pl.col("text") != "")
    groups = exact_groups(frame.get_column("text"))  # R11's grouping: entries in order of first appearance
    texts = as_list(groups.distinct)
    entry_of_item = np.empty(frame.height, dtype=np.int64)
    entry_of_item[groups.members] = np.repeat(np.arange(len(texts)), groups.sizes)
    stems = frame.get_column("stem").str.len_chars().to_numpy().astype(np.int64)
    shortest = np.minimum.reduceat(stems[groups.members], groups.offsets[:-1]) if len(texts) else stems[:0]
    return BankSignature(
        institution=institution, occupation=occupation, level=level,
        item_ids=[str(v) for v in as_list(frame.get_column("item_id"))],
        excerpts=[excerpt(v) for v in as_list(frame.get_column("raw_stem"))],
        entry_of_item=entry_of_item, texts=texts,
        stem_lengths=shortest,
        hashes=_text_hashes(texts), arrays=signature_arrays(texts, BANDS, ROWS))


def _strings(series: Any) -> list[str | None]:
    import pandas as pd

    return [None if pd.isna(v) else str(v) for v in series.tolist()]


def bank_signature(bank: Any, *, institution: str, profile: Any = None) -> list[BankSignature]:
    """One signature per occupation and level of ``bank`` (a :class:`~qbaudit.analysis.model.Bank`), normalised
    as R11 normalises. ``profile`` is accepted for symmetry with :func:`cross_duplicates` (which applies its
    thresholds); the signature itself does not depend on it."""
    items = bank.items
    texts = normalised_texts(items)
    occupations = (items[C.OCCUPATION] if C.OCCUPATION in items.columns else None)
    fallback = bank.occupation or ""
    frame = pl.DataFrame({
        "item_id": [str(v) for v in items[C.ITEM_ID].tolist()],
        "raw_stem": _strings(items[C.STEM]),
        "occupation": [o.strip() or fallback if o else fallback
                       for o in (_strings(occupations) if occupations is not None else [None] * len(items))],
        "level": [str(int(float(v))) if v else "" for v in _strings(items[C.LEVEL])],
    }, schema={"item_id": pl.String, "raw_stem": pl.String, "occupation": pl.String, "level": pl.String})
    frame = frame.with_columns(texts.get_column("stem"), texts.get_column("text"))
    out = []
    for (occupation, level), part in frame.group_by(["occupation", "level"], maintain_order=True):
        out.append(_signature(institution, str(occupation), str(level), part))
    return sorted(out, key=lambda s: (s.occupation, s.level))


@dataclass(frozen=True)
class CrossMember:
    """One item of a cross-institution group."""

    institution: str
    item_id: str
    excerpt: str  # at most 30 characters


@dataclass(frozen=True)
class CrossGroup:
    """Items of one occupation and level, in two or more institutions' banks, that meet R11's criterion."""

    occupation: str
    level: str
    kind: Kind  # exact: all the same normalised text; near: linked by pairs at or above the threshold
    members: tuple[CrossMember, ...]
    score: float  # the lowest pair ratio that linked the group (100 for exact)

    @property
    def institutions(self) -> list[str]:
        return sorted({m.institution for m in self.members})


# --- running the steps here or on a cluster ----------------------------------------------------


class _Here:
    """Runs each step at once in this process."""

    workers = 1

    def __init__(self, state: TaskState) -> None:
        self.state = state

    def submit(self, fn: Any, *args: Any) -> Any:
        if self.state.is_cancelled():
            raise Cancelled
        return fn(*args)

    def results(self, futures: list[Any], start: float, span: float, text: str, gather: bool = True) -> list[Any]:
        checkpoint(self.state, start + span, tr("crossdup.progress", step=text, done=len(futures),
                                                total=len(futures)))
        return futures

    def release(self, *futures: Any) -> None:
        """Nothing to release here."""


class _Cluster:
    """Runs each step as a task of a Dask cluster; results stay on the workers until asked for."""

    def __init__(self, client: Any, state: TaskState) -> None:
        self.client, self.state = client, state
        self.workers = max(1, len(client.nthreads()))
        self.pending: list[Any] = []

    def submit(self, fn: Any, *args: Any) -> Any:
        if self.state.is_cancelled():
            self.cancel()
        future = self.client.submit(fn, *args, pure=False)
        self.pending.append(future)
        return future

    def cancel(self) -> None:
        self.client.cancel(self.pending)
        raise Cancelled

    def results(self, futures: list[Any], start: float, span: float, text: str, gather: bool = True) -> list[Any]:
        """Wait for ``futures`` with progress by count; their values when ``gather``."""
        from distributed import as_completed

        for done, _ in enumerate(as_completed(futures), start=1):
            if self.state.is_cancelled():
                self.cancel()
            self.state.set_progress(start + span * done / max(1, len(futures)),
                                    tr("crossdup.progress", step=text, done=done, total=len(futures)))
        return self.client.gather(futures) if gather else []

    def release(self, *futures: Any) -> None:
        self.pending = [f for f in self.pending if all(f is not g for g in futures)]
        for future in futures:
            future.release()


def _is_future(value: Any) -> bool:
    return hasattr(value, "key") and hasattr(value, "result") and not isinstance(value, (list, BankSignature))


def _meta(value: Any) -> tuple[bool, list[tuple[str, str, str, int]]]:
    """Whether ``value`` is one signature (else a list of them), and the institution, occupation, level and
    entry count of each."""
    single = isinstance(value, BankSignature)
    signatures = [value] if single else list(value)
    return single, [(s.institution, s.occupation, s.level, len(s.texts)) for s in signatures]


@dataclass
class _Bank:
    """One signature of the inputs, as the driver knows it (no data)."""

    source: int  # which input
    pick: int | None  # which element of it, when it is a list
    institution: str
    entries: int


@dataclass
class _Search:
    """The tasks of one occupation and level."""

    occupation: str
    level: str
    banks: list[_Bank]
    blocks: list[Any] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # each block's first global position, and the end
    parts: list[Any] = field(default_factory=list)
    verified: list[Any] = field(default_factory=list)


def _describe_inputs(runner: Any, values: list[Any]) -> tuple[list[Any], dict[tuple[str, str], list[_Bank]]]:
    """The inputs (scattered to the cluster when given as objects) and their signatures by occupation and
    level, in the order given."""
    if isinstance(runner, _Cluster):
        values = [v if _is_future(v) else runner.client.scatter([v])[0] for v in values]
        metas = runner.client.gather([runner.client.submit(_meta, v, pure=False) for v in values])
    else:
        values = [v.result() if _is_future(v) else v for v in values]
        metas = [_meta(v) for v in values]
    by_key: dict[tuple[str, str], list[_Bank]] = {}
    for source, (single, meta) in enumerate(metas):
        for pick, (institution, occupation, level, entries) in enumerate(meta):
            bank = _Bank(source, None if single else pick, institution, entries)
            by_key.setdefault((occupation, level), []).append(bank)
    return values, by_key


def _split(banks: list[_Bank], count: int) -> list[list[_Bank]]:
    """``banks`` in ``count`` runs of about equal entries, in order."""
    total = sum(b.entries for b in banks) or 1
    runs: list[list[_Bank]] = [[] for _ in range(count)]
    seen = 0
    for bank in banks:
        runs[min(count - 1, seen * count // total)].append(bank)
        seen += bank.entries
    return [run for run in runs if run]


def _plan(runner: Any, values: list[Any], search: _Search, codes: dict[str, int], criterion: Criterion) -> None:
    """Submit the band search and the verification of one occupation and level."""
    total = sum(b.entries for b in search.banks)
    count = min(len(search.banks), max(math.ceil(total / BLOCK_ENTRIES), runner.workers))
    search.starts = [0]
    for run in _split(search.banks, count):
        inputs = [values[b.source] for b in run]
        search.blocks.append(runner.submit(work.make_block, [codes[b.institution] for b in run],
                                           [b.pick for b in run], *inputs))
        search.starts.append(search.starts[-1] + sum(b.entries for b in run))
    edges = np.linspace(0, BANDS, min(BANDS, runner.workers) + 1).astype(int).tolist()
    for part, (low, high) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        slices = [runner.submit(work.band_slice, block, low, high) for block in search.blocks]
        search.parts.append(runner.submit(work.band_part, low, high, criterion.threshold, MIN_JACCARD,
                                          BANDS * ROWS, part == 0, *slices))
        runner.release(*slices)


def _verify(runner: Any, search: _Search, criterion: Criterion) -> None:
    """Submit the routing of the candidates to their blocks and their verification there."""
    starts, blocks = search.starts, search.blocks
    routed = [runner.submit(work.route, starts, part) for part in search.parts]
    for index, block in enumerate(blocks):
        pieces = [runner.submit(operator.getitem, r, index) for r in routed]
        pairs = runner.submit(work.pairs_of_block, *pieces)
        taken = [runner.submit(work.take_texts, other, starts[c], pairs) for c, other in enumerate(blocks)]
        search.verified.append(runner.submit(work.verify_block, block, starts[index], pairs, criterion, *taken))
        runner.release(pairs, *pieces, *taken)
    runner.release(*search.parts, *routed)


def _groups_of(search: _Search, verified: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
               codes: dict[str, int]) -> list[tuple[np.ndarray, float]]:
    """The linked entries spanning two or more institutions (global positions, ascending) with the lowest
    score that linked each, in order of their first entry."""
    first = np.concatenate([v[0] for v in verified]) if verified else np.empty(0, np.int64)
    second = np.concatenate([v[1] for v in verified]) if verified else np.empty(0, np.int64)
    score = np.concatenate([v[2] for v in verified]) if verified else np.empty(0, np.float32)
    count = search.starts[-1]
    labels = clusters(count, first, second)
    if len(first) == 0:
        return []
    institutions = np.repeat(np.asarray([codes[b.institution] for b in search.banks], np.int64),
                             [b.entries for b in search.banks])
    lowest = np.full(labels.max() + 1, np.inf)
    np.minimum.at(lowest, labels[first], score.astype(np.float64))
    involved = np.flatnonzero(labels >= 0)
    by_label = involved[np.argsort(labels[involved], kind="stable")]
    bounds = np.flatnonzero(np.diff(labels[by_label])) + 1
    out = []
    for entries in np.split(by_label, bounds):
        if len(np.unique(institutions[entries])) >= 2:
            out.append((entries, float(lowest[labels[entries[0]]])))
    return sorted(out, key=lambda g: int(g[0][0]))


def _members(search: _Search, groups: list[tuple[np.ndarray, float]], described: dict[int, list]) -> list[CrossGroup]:
    names = [b.institution for b in search.banks]
    owner = np.repeat(np.arange(len(names)), [b.entries for b in search.banks])
    out = []
    for entries, score in groups:
        members = [CrossMember(names[owner[e]], item_id, text)
                   for e in entries.tolist() for item_id, text in described[e]]
        kind: Kind = "exact" if score >= 100.0 else "near"
        out.append(CrossGroup(search.occupation, search.level, kind,
                              tuple(sorted(members, key=lambda m: (m.institution, m.item_id))), score))
    return out


def _describe(runner: Any, search: _Search, groups: list[tuple[np.ndarray, float]], done: float) -> list[CrossGroup]:
    """Item ids and excerpts of the groups' entries, from the blocks that hold them."""
    wanted = np.unique(np.concatenate([g[0] for g in groups])) if groups else np.empty(0, np.int64)
    starts = np.asarray(search.starts)
    tasks, positions = [], []
    for index, block in enumerate(search.blocks):
        mine = wanted[(wanted >= starts[index]) & (wanted < starts[index + 1])]
        if len(mine):
            tasks.append(runner.submit(work.describe, block, int(starts[index]), mine))
            positions.append(mine)
    found = runner.results(tasks, done, 0.0, tr("crossdup.describing"))
    described = {int(p): items for mine, items in zip(positions, found, strict=True)
                 for p, items in zip(mine.tolist(), items, strict=True)}
    return _members(search, groups, described)


def cross_duplicates(signatures_or_futures: list[Any], profile: Any, *, client: Any = None,
                     state: TaskState | None = None) -> list[CrossGroup]:
    """The groups of items of the same occupation and level, in two or more institutions' banks, that meet
    R11's criterion of ``profile`` (exact and near copies).

    ``signatures_or_futures`` holds :class:`BankSignature` objects or lists of them (what :func:`bank_signature`
    returns), or Dask futures of either. With ``client`` (a ``dask.distributed.Client``) the work runs on its
    cluster and item text moves only between its workers; without, it runs here. Progress and cancellation go
    through ``state`` (:class:`~qbaudit.analysis.progress.Cancelled` is raised when it is cancelled).
    """
    state = state or NullState()
    criterion = Criterion.of(profile)
    runner: Any = _Cluster(client, state) if client is not None else _Here(state)
    checkpoint(state, 0.0, tr("crossdup.preparing", banks=len(signatures_or_futures)))
    values, by_key = _describe_inputs(runner, list(signatures_or_futures))
    institutions = sorted({b.institution for banks in by_key.values() for b in banks})
    codes = {name: code for code, name in enumerate(institutions)}
    searches = [_Search(occupation, level, banks) for (occupation, level), banks in sorted(by_key.items())
                if len({b.institution for b in banks}) >= 2]
    for search in searches:
        _plan(runner, values, search, codes, criterion)
    runner.results([p for s in searches for p in s.parts], 0.05, 0.45, tr("crossdup.bands"), gather=False)
    for search in searches:
        _verify(runner, search, criterion)
    verified = runner.results([v for s in searches for v in s.verified], 0.5, 0.4, tr("crossdup.verifying"))
    out: list[CrossGroup] = []
    offset = 0
    for search in searches:
        mine = verified[offset:offset + len(search.verified)]
        offset += len(search.verified)
        out += _describe(runner, search, _groups_of(search, mine, codes), 0.9)
    checkpoint(state, 1.0, tr("crossdup.done", groups=len(out)))
    return out


def _level_text(level: str) -> str:
    from qbaudit.analysis.vocabulary import level_name

    return level_name(int(level)) if level.isdigit() else (level or "—")


def _group_rows(number: int, group: CrossGroup) -> list[dict[str, Any]]:
    kind = tr(f"crossdup.kind_{group.kind}")
    return [{"group": number, "kind": kind, "score": round(group.score, 1), "institution": m.institution,
             "item_id": m.item_id, "excerpt": excerpt(m.excerpt), "occupation": group.occupation,
             "level": _level_text(group.level), "review": tr("crossdup.review")} for m in group.members]


def cross_evidence(groups: list[CrossGroup], profile: Any) -> Evidence:
    """The groups as one province-level evidence table (one row per item; groups numbered from 1), captioned
    as a finding to review for exposure risk (待核查（泄露风险）), not a failure of any institution."""
    criterion = Criterion.of(profile)
    columns = [(key, tr(f"crossdup.column.{key}")) for key in
               ("group", "kind", "score", "institution", "item_id", "excerpt", "occupation", "level", "review")]
    if not groups:
        return Evidence.of(tr("crossdup.title_none"), columns, [])
    rows = [row for number, group in enumerate(groups, start=1) for row in _group_rows(number, group)]
    scopes = sorted({(g.occupation, g.level) for g in groups})
    occupation = "、".join(sorted({o for o, _ in scopes if o})) or "—"
    level = "、".join(_level_text(v) for v in sorted({v for _, v in scopes}))
    title = tr("crossdup.title", occupation=occupation, level=level, groups=len(groups),
               institutions=len({r["institution"] for r in rows}), items=len(rows),
               threshold=f"{criterion.threshold:g}", short=criterion.short_chars,
               short_threshold=f"{criterion.short_threshold:g}")
    return Evidence.of(title, columns, rows)
