"""Cross-institution duplicates of a generated province, on a local Dask cluster of 1 and 2 workers, against
the single-machine detector over the same items in one process.

    python bench/bench_crossdup.py [--institutions 200] [--items 5000] [--copies 0.01] [--workers 1 2]

A province of ``institutions`` banks of ``items`` items each (one occupation, one level; bench/itemgen.py,
each bank with its own planted near-duplicates inside it) is written once to bench/out/ as one Parquet file
per institution. Into each bank, ``copies`` of its items are copied from other institutions' banks: half
exactly, half edited once (a character, two clauses swapped, options shuffled, a number: itemgen's edits).

For each cluster size, a fresh ``LocalCluster`` (processes, one thread each, memory_limit 4 GB, its web
server on loopback only) reads each institution's file on a worker and makes its signature there (bank_signature), then
runs cross_duplicates; the table gives both times, their sum and the peak resident memory of each worker
process. The single-machine detector (similarity.distinct_pairs over all the items' normalised texts) runs
in a fresh process with its time and peak memory. Recall: the planted cross-institution copies whose two
items are found in one group (for the detector: the same text or a verified pair). Precision: the groups
found that hold at least one planted copy (the others are honest look-alikes at R11's criterion across
institutions, which the generator's templates make; they are listed, not wrong).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
OPTION_COUNT = 4


def _folder(institutions: int, items: int, copies: float) -> Path:
    return OUT / f"province_{institutions}x{items}_{copies:g}"


def _write_bank(path: Path, rows: list) -> None:
    import polars as pl

    from qbaudit.analysis.columns import ItemColumns as C

    columns = {"item_id": [r[0] for r in rows], C.STEM: [r[1] for r in rows]}
    for index, column in enumerate(C.OPTIONS[:OPTION_COUNT]):
        columns[column] = [r[2][index] if index < len(r[2]) else None for r in rows]
    pl.DataFrame(columns).write_parquet(path)


def prepare(institutions: int, items: int, copies: float) -> Path:
    """The province's files (one per institution) and planted.json: (source id, copy id, kind) per copy."""
    folder = _folder(institutions, items, copies)
    if (folder / "planted.json").exists():
        return folder
    sys.path.insert(0, str(ROOT / "bench"))
    from itemgen import generate, plant

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(14)
    pools = [generate(items, seed=1000 + i)[0] for i in range(institutions)]  # each with its own look-alikes
    banks = [[(f"J{i:03d}-{n:05d}", it.stem, it.options) for n, it in enumerate(pool)] for i, pool in enumerate(pools)]
    planted = []
    per_bank = int(items * copies)
    for i in range(institutions):
        for n in range(per_bank):
            j = rng.choice([x for x in range(institutions) if x != i]) if institutions > 1 else i
            source = rng.randrange(items - per_bank)  # an original, never a copy
            item_id, stem, options = banks[j][source]
            target = items - 1 - n
            copy_id = banks[i][target][0]
            if n % 2 == 0:
                banks[i][target] = (copy_id, stem, list(options))
                planted.append((item_id, copy_id, "exact"))
            else:
                edited, kind = plant(rng, pools[j][source], copy_id)
                banks[i][target] = (copy_id, edited.stem, edited.options)
                planted.append((item_id, copy_id, kind))
    for i, rows in enumerate(banks):
        _write_bank(folder / f"J{i:03d}.parquet", rows)
    (folder / "planted.json").write_text(json.dumps(planted), encoding="utf-8")
    return folder


def load_bank(path: str):  # noqa: ANN201 - a Bank
    """One institution's bank from its file (what a batch's worker does when it reads a bank)."""
    import pandas as pd

    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.model import Bank

    frame = pd.read_parquet(path)
    for column in C.OPTIONS[OPTION_COUNT:]:
        frame[column] = None
    frame[C.LEVEL] = 4
    frame[C.OCCUPATION] = "焊工"
    return Bank(frame, "焊工")


@functools.cache
def _profile():  # noqa: ANN202 - a Profile, loaded once per worker as a batch would
    from qbaudit.analysis.profile import load_profile

    return load_profile(None)


def sign(path: str) -> list:
    """The signatures of one institution's bank, made on the worker that reads it."""
    from qbaudit.batch.crossdup import bank_signature

    return bank_signature(load_bank(path), institution=Path(path).stem, profile=_profile())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_kernels() -> None:
    """Load (or compile) the kernels and call each once, so that no first call is timed."""
    from qbaudit.analysis.similarity import candidate_pairs

    candidate_pairs(["焊接电流过大容易产生咬边", "焊接电流过大容易产生焊瘤", "气孔"], 88.0)


def run_cluster(folder: Path, workers: int) -> dict:
    """Signatures on the workers, then the cross search, on a fresh LocalCluster of ``workers`` processes."""
    import dask
    from distributed import Client, LocalCluster

    from qbaudit.analysis.profile import load_profile
    from qbaudit.batch.crossdup import cross_duplicates

    files = sorted(str(p) for p in folder.glob("J*.parquet"))
    # The workers neither spill, pause nor stop at the limit: the peak is measured, not capped.
    quiet = {f"distributed.worker.memory.{k}": False for k in ("target", "spill", "pause", "terminate")}
    with dask.config.set(quiet), LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit="4GB",
                      dashboard_address="127.0.0.1:0", host="127.0.0.1") as cluster, Client(cluster) as client:
        client.run(_warm_kernels)
        started = time.perf_counter()
        signatures = [client.submit(sign, path, pure=False) for path in files]
        client.gather(signatures, errors="raise") and None
        signed = time.perf_counter()
        groups = cross_duplicates(signatures, load_profile(None), client=client)
        finished = time.perf_counter()
        peaks = client.run(_peak_mib)
    return {"sign": signed - started, "cross": finished - signed, "peaks": sorted(peaks.values()), "groups": groups}


def single_machine(folder: Path) -> dict:
    """The single-bank detector over every item of the province in this process."""
    import numpy as np
    import polars as pl

    from qbaudit.analysis.similarity import distinct_pairs
    from qbaudit.analysis.textnorm import as_list, normalised_texts

    _warm_kernels()
    from qbaudit.analysis.columns import ItemColumns as C

    frame = pl.concat([pl.read_parquet(p) for p in sorted(folder.glob("J*.parquet"))])
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in C.OPTIONS[OPTION_COUNT:]])
    baseline = _peak_mib()
    started = time.perf_counter()
    texts = as_list(normalised_texts(frame).get_column("text"))
    found = distinct_pairs(texts, 88.0)
    elapsed = time.perf_counter() - started
    ids = frame.get_column("item_id").to_list()
    groups = found.groups
    owner = np.repeat(np.arange(len(groups.sizes)), groups.sizes)
    distinct = dict(zip((ids[p] for p in groups.members.tolist()), owner.tolist(), strict=True))
    linked = set(zip(found.pairs.first.tolist(), found.pairs.second.tolist(), strict=True))
    planted = reachable(folder)
    hits = 0
    for source, copy, _ in planted:
        a, b = distinct.get(source), distinct.get(copy)
        hits += a is not None and b is not None and (a == b or (min(a, b), max(a, b)) in linked)
    return {"seconds": elapsed, "peak_mib": _peak_mib(), "input_mib": baseline, "recall": hits / max(1, len(planted))}


def reachable(folder: Path) -> list:
    """The planted copies that meet R11's criterion (an edit may take a short item below it): these are the
    ones a search at the criterion must find."""
    import polars as pl
    from rapidfuzz import fuzz

    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.similarity import Criterion
    from qbaudit.analysis.textnorm import normalised_texts

    planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    wanted = {x for a, b, _ in planted for x in (a, b)}
    frame = pl.concat([pl.read_parquet(p) for p in sorted(folder.glob("J*.parquet"))])
    frame = frame.filter(pl.col("item_id").is_in(list(wanted)))
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in C.OPTIONS[OPTION_COUNT:]])
    texts = normalised_texts(frame)
    by_id = dict(zip(frame.get_column("item_id").to_list(),
                     zip(texts.get_column("text").to_list(), texts.get_column("stem").to_list(), strict=True),
                     strict=True))
    criterion = Criterion.of(load_profile(None))
    out = []
    for a, b, kind in planted:
        (text_a, stem_a), (text_b, stem_b) = by_id[a], by_id[b]
        ratio = fuzz.ratio(text_a, text_b)
        short = min(len(stem_a), len(stem_b)) < criterion.short_chars
        if ratio >= (criterion.short_threshold if short else criterion.threshold) - 1e-7:
            out.append((a, b, kind))
    return out


def score(folder: Path, groups: list) -> tuple[float, float]:
    """Recall of the planted copies that meet the criterion (both items in one group) and the share of groups
    holding a planted copy."""
    planted = reachable(folder)
    group_of = {m.item_id: n for n, g in enumerate(groups) for m in g.members}
    hits = [group_of.get(a) is not None and group_of.get(a) == group_of.get(b) for a, b, _ in planted]
    with_copy = {group_of[a] for (a, b, _), hit in zip(planted, hits, strict=True) if hit}
    return sum(hits) / max(1, len(planted)), len(with_copy) / max(1, len(groups))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--institutions", type=int, default=200)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--copies", type=float, default=0.01, help="share of each bank copied from others")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--single", action="store_true", help="(internal) run the single-machine detector")
    args = parser.parse_args()
    os.environ.setdefault("QBAUDIT_KERNEL_CACHE", str(OUT / "kernels"))
    folder = prepare(args.institutions, args.items, args.copies)
    if args.single:
        print(json.dumps(single_machine(folder)))
        return 0
    total = args.institutions * args.items
    planted = len(json.loads((folder / "planted.json").read_text(encoding="utf-8")))
    print(f"province: {args.institutions} institutions × {args.items} items = {total:,} items; {planted} planted "
          f"cross-institution copies, {len(reachable(folder))} of them at R11's criterion (the recall's base)")
    print(f"{'run':<32}{'sign s':>9}{'cross s':>9}{'total s':>9}{'peak MiB/worker':>22}{'recall':>8}{'groups w/ copy':>16}")
    for workers in args.workers:
        result = run_cluster(folder, workers)
        recall, precision = score(folder, result["groups"])
        peaks = "/".join(f"{p:.0f}" for p in result["peaks"])
        print(f"{f'cross_duplicates, {workers} worker(s)':<32}{result['sign']:>9.1f}{result['cross']:>9.1f}"
              f"{result['sign'] + result['cross']:>9.1f}{peaks:>22}{recall:>8.3f}{precision:>16.3f}"
              f"   ({len(result['groups'])} groups)")
    single = json.loads(subprocess.run([sys.executable, __file__, "--single", "--institutions", str(args.institutions),
                                        "--items", str(args.items), "--copies", str(args.copies)],
                                       check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    print(f"{'single-machine distinct_pairs':<32}{'':>9}{'':>9}{single['seconds']:>9.1f}"
          f"{single['peak_mib']:>16.0f} (1 proc){single['recall']:>8.3f}{'':>16}")
    print(f"(single-machine peak includes the {single['input_mib']:.0f} MiB process with the items loaded; "
          "targets: cross ≤ 60 s, ≤ 4 GB per worker, recall ≥ 0.95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
