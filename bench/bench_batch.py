"""A province's special review in one run: ``qbaudit batch`` on a generated province, in this process (the naive
way: one row after another, no Dask) and on a local Dask cluster of 1 and 2 workers, each into its own store.

    ./dev bench batch                                    # 200 institutions × 5 000 items (1 000 000 items)
    ./dev bench batch --institutions 20 --items 2000     # smaller
    ./dev bench batch --runs 0,1,2 --no-documents

Prints, per run: the whole batch's time (rows audited and recorded, cross-institution duplicates, the summary
workbook and report, and each institution's quick report and problem list), rows per minute, the per-row time
(median, 90th percentile, max, as measured where the row ran) and the scaling of 2 workers over 1; and, when the
cross-institution comparison is part of this build, its time and the recall and precision of the planted copies.
Target (issue 14): the 1 000 000-item province with documents in ≤ 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.province import write_province  # noqa: E402


class _Quiet:
    """A progress display that shows nothing (the bench prints its own table)."""

    class _Task:
        def set_progress(self, fraction: float, text: str = "") -> None:
            pass

        def advance(self, count: int = 1, text: str = "") -> None:
            pass

        def done(self, text: str = "") -> None:
            pass

        def is_cancelled(self) -> bool:
            return False

    def task(self, title: str, total: int | None = None) -> _Task:
        return self._Task()


def run_once(province, workers: int, folder: Path, documents: bool) -> dict:
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.batch.command import run_batch, write_documents
    from qbaudit.batch.manifest import Inspector, read_manifest
    from qbaudit.batch.row import BatchPlan
    from qbaudit.store import AuditStore
    from qbaudit.visible import console

    started = time.perf_counter()
    manifest = read_manifest(province.manifest)
    date = dt.date(2026, 12, 10)
    plan = BatchPlan(name=f"bench-{workers}", date=date, profile=load_profile(None), sheet=load_sheet(None),
                     as_of=date, out=folder / f"out-{workers}", inspectors=(Inspector("王建华", "组长"),),
                     documents=documents)
    with AuditStore(f"sqlite:///{folder / f'bench-{workers}.sqlite3'}") as store:
        summary, run = run_batch(manifest, plan, store, _Quiet(), workers=workers)
        if documents:
            write_documents(console(), summary, plan, _Quiet())
    total = time.perf_counter() - started
    figures = {"workers": workers, "seconds": total, "rows": len(run.done), "reported": len(run.problems),
               "items": summary.items, "row_seconds": run.row_seconds, "cross": summary.cross}
    return figures


def recall_precision(province, cross) -> tuple[float, float]:
    """Recall and precision of the planted copies among the cross-institution groups (item pairs)."""
    found = set()
    for group in cross.groups:
        members = [(m.institution, str(m.item_id)) for m in group.members]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a[0] != b[0]:
                    found.add(frozenset((a, b)))
    by_name = dict(zip(province.institutions, province.registrations, strict=True))
    planted = set()
    for a, id_a, b, id_b in province.copies:
        for key_a, key_b in ((a, b), (by_name[a], by_name[b])):
            planted.add(frozenset(((key_a, id_a), (key_b, id_b))))
    hits = sum(1 for pair in found if pair in planted)
    recall = min(1.0, hits / len(province.copies)) if province.copies else 1.0
    return recall, (hits / len(found) if found else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--institutions", type=int, default=200)
    parser.add_argument("--items", type=int, default=5000, help="items per institution's bank")
    parser.add_argument("--copies", type=int, default=25, help="items each copying institution took from another")
    parser.add_argument("--runs", default="1,2", help="worker counts to run, 0 = in this process without Dask")
    parser.add_argument("--no-documents", action="store_true")
    parser.add_argument("--folder", type=Path, help="where to write the province (default: a temporary folder)")
    args = parser.parse_args()

    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    pairs = tuple((i, i + 1) for i in range(0, args.institutions - 1, 10))  # every tenth copies from its neighbour
    started = time.perf_counter()
    province = write_province(folder, institutions=args.institutions, items=args.items, copied_pairs=pairs,
                              copies=min(args.copies, args.items), broken=(args.institutions - 1,))
    print(f"province: {args.institutions} institutions × {args.items} items "
          f"({sum(province.items.values()):,} items, {len(province.copies)} planted copies, 1 broken bank), "
          f"written in {time.perf_counter() - started:.1f} s to {folder}")
    results = []
    for workers in (int(w) for w in args.runs.split(",")):
        figures = run_once(province, workers, folder, not args.no_documents)
        results.append(figures)
        rows = figures["row_seconds"] or [0.0]
        where = "in process (no Dask)" if workers == 0 else f"LocalCluster, {workers} worker(s)"
        print(f"\n{where}: {figures['seconds']:.1f} s whole batch, {figures['rows']} rows audited, "
              f"{figures['reported']} reported, {figures['items']:,} items, "
              f"{figures['rows'] / figures['seconds'] * 60:.1f} rows/min")
        print(f"  per row: median {statistics.median(rows):.2f} s, 90th percentile "
              f"{sorted(rows)[int(0.9 * (len(rows) - 1))]:.2f} s, max {max(rows):.2f} s")
        cross = figures["cross"]
        quality = recall_precision(province, cross)
        print(f"  cross-institution duplicates: {len(cross.groups)} groups in {cross.seconds:.1f} s, "
              f"recall {quality[0]:.3f}, precision {quality[1]:.3f}")
    by_workers = {r["workers"]: r["seconds"] for r in results}
    if 1 in by_workers and 2 in by_workers:
        print(f"\nscaling: 2 workers take {by_workers[2] / by_workers[1]:.2f} × the time of 1 "
              f"(speed-up {by_workers[1] / by_workers[2]:.2f})")
    if 0 in by_workers and 1 in by_workers:
        print(f"Dask overhead, 1 worker vs in process: {by_workers[1] / by_workers[0]:.2f} ×")


if __name__ == "__main__":
    main()
