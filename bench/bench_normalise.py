"""Normalisation and exact grouping of a whole bank, beside plain polars, in one run.

    python bench/bench_normalise.py [--sizes 100000 1000000] [--fresh 3]

What R11 does before it looks for near-duplicates: every item's stem and options normalised
(:func:`qbaudit.analysis.textnorm.normalised_texts`: NFKC, punctuation and spaces dropped, the marks of
numbers kept, options sorted) and identical texts grouped (:func:`qbaudit.analysis.similarity.exact_groups`:
the distinct texts and the positions of each, as flat arrays). Beside it, in the same run and on the same
generated items (bench/itemgen.py, written once to bench/out/ by bench_similarity.py's ``prepare``):

* plain polars — the least a polars user would write: stem and options joined, NFKC, punctuation and
  spaces dropped, hashed, grouped by the hash (options not sorted, the marks of numbers not kept: not the
  same result, the floor to compare with);
* per-row lists — the way qbaudit did it before (issue 16): each option column cleaned in full, the
  options sorted through polars lists, the groups turned into Python lists.

Each figure is the median of ``--fresh`` new processes timing their first call (what a user's run pays),
wall and CPU seconds; the machine's load average is printed beside, as the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

METHODS = ("qbaudit", "plain_polars", "per_row_lists")


def _qbaudit(frame):  # noqa: ANN001, ANN202 - a polars DataFrame; the timing's parts
    from qbaudit.analysis.similarity import exact_groups
    from qbaudit.analysis.textnorm import normalised_texts

    start = time.perf_counter()
    texts = normalised_texts(frame)
    normalised = time.perf_counter() - start
    groups = exact_groups(texts.get_column("text"))
    return {"normalise": normalised, "group": time.perf_counter() - start - normalised, "groups": len(groups.distinct)}


def _plain_polars(frame):  # noqa: ANN001, ANN202
    import polars as pl

    from qbaudit.analysis.columns import ItemColumns as C

    start = time.perf_counter()
    key = pl.concat_str([pl.col(C.STEM), *[pl.col(c) for c in C.OPTIONS]], separator="|", ignore_nulls=True)
    keys = frame.select(key.str.normalize("NFKC").str.replace_all(r"[\p{P}\s]+", "").alias("key"))
    normalised = time.perf_counter() - start
    groups = (keys.with_columns(pl.col("key").hash().alias("hash")).with_row_index("position")
              .group_by("hash").agg(pl.col("position")))
    return {"normalise": normalised, "group": time.perf_counter() - start - normalised, "groups": groups.height}


def _per_row_lists(frame):  # noqa: ANN001, ANN202 - the former implementation, kept here as the reference
    import polars as pl

    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.textnorm import SEPARATOR, as_list, clean, items_frame

    start = time.perf_counter()
    items = items_frame(frame)
    options = pl.concat_list([clean(pl.col(c)) for c in C.OPTIONS]).list.drop_nulls()
    options = options.list.eval(pl.element().filter(pl.element() != "")).list.sort().list.join(SEPARATOR)
    out = items.select(clean(pl.col(C.STEM)).fill_null("").alias("stem"), options.alias("options"))
    text = pl.when(pl.col("options") == "").then(pl.col("stem")).otherwise(
        pl.concat_str([pl.col("stem"), pl.col("options")], separator=SEPARATOR))
    texts = out.with_columns(text.alias("text"))
    normalised = time.perf_counter() - start
    positions = texts.select("text").with_row_index("position").filter(pl.col("text") != "")
    groups = positions.group_by("text", maintain_order=True).agg(pl.col("position"))
    distinct = as_list(groups.get_column("text"))
    as_list(groups.get_column("position"))
    return {"normalise": normalised, "group": time.perf_counter() - start - normalised, "groups": len(distinct)}


def run_one(method: str, size: int) -> dict:
    """In this process: read the items, then time ``method``'s first call (wall and CPU)."""
    import polars as pl
    from bench_similarity import _items_file

    frame = pl.read_parquet(_items_file(size))
    cpu, wall = time.process_time(), time.perf_counter()
    parts = {"qbaudit": _qbaudit, "plain_polars": _plain_polars, "per_row_lists": _per_row_lists}[method](frame)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, **parts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--fresh", type=int, default=3, help="new processes per figure (median kept)")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0
    from bench_similarity import OUT, prepare

    OUT.mkdir(parents=True, exist_ok=True)
    rows, loads = [], []
    for size in args.sizes:
        prepare(size)
        for method in METHODS:
            runs = []
            for _ in range(args.fresh):
                loads.append(os.getloadavg()[0])
                out = subprocess.run([sys.executable, __file__, "--one", method, str(size)], capture_output=True,
                                     text=True, check=True, cwd=ROOT)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            median = {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "normalise", "group")}
            rows.append((size, method, median, runs[0]["groups"]))
    print(f"\nnormalisation + exact grouping, median of {args.fresh} fresh processes; {os.cpu_count()} cores, "
          f"load average {min(loads):.1f}–{max(loads):.1f} while measuring\n")
    header = f"{'items':>9} {'method':<16} {'wall s':>7} {'cpu s':>7} {'normalise':>9} {'group':>7} {'groups':>9}"
    print(header)
    print("-" * len(header))
    for size, method, m, groups in rows:
        print(f"{size:>9} {method:<16} {m['wall']:>7.2f} {m['cpu']:>7.2f} {m['normalise']:>9.2f} {m['group']:>7.2f} "
              f"{groups:>9}")
    print("\nqbaudit: normalised_texts + exact_groups (the distinct texts as an Arrow column, the groups as flat "
          "arrays). plain polars: stem and options joined, NFKC, punctuation and spaces dropped, hashed and grouped "
          "(options unsorted, marks of numbers not kept; a floor, not the same result). per_row_lists: the former "
          "implementation (every column through NFKC, options sorted through polars lists, groups as Python lists).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
