"""How long the window can freeze while the checks run on a 100 000-item bank in the task pool, in one run.

    python bench/bench_responsive.py [--items 100000] [--no-naive]

The sample audit (the defective sample bank, imported and checked) gets a bank of ``--items`` items: the
sample's levels, points, types and difficulties cycled, with the generated welding stems and options of
bench/itemgen.py (2 % planted near-duplicate partners). The checks then run as the window runs them — a job on
a real ``QThreadPool`` through :meth:`~qbaudit.views.context.AppContext.run_job`, its outcome applied to the
workbench on the GUI thread — while a 10 ms timer on the GUI thread keeps firing. The longest gap between two
ticks is the longest the user would wait for the window to answer; it is printed beside the work's time and
the step of the checks it fell in.

"collector paused" is the window's way (``qbaudit.views.workers.collector_paused``: the objects alive when a
task starts are kept out of the cyclic collector's full passes while it runs); "collector left alone" is the
naive way, measured in the same run. The ~200 ms a user notices is the yardstick, not a pass mark: on a busy
machine every figure grows.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
NOTICEABLE_MS = 200


def big_bank(bank, items: int):
    """The sample's items cycled to ``items`` items with generated stems and options (unique ids)."""
    import numpy as np
    import pandas as pd

    from qbaudit.analysis.columns import ItemColumns as C

    sys.path.insert(0, str(ROOT / "bench"))
    from itemgen import generate

    generated, _ = generate(items, seed=7)
    frame = bank.items
    rows = frame.iloc[np.arange(items) % len(frame)].reset_index(drop=True).copy()
    rows[C.ITEM_ID] = [g.item_id for g in generated]
    rows[C.STEM] = [g.stem for g in generated]
    for index, column in enumerate(C.OPTIONS):
        rows[column] = pd.array([g.options[index] if index < len(g.options) else None for g in generated],
                                dtype=frame[column].dtype)
    rows[C.SOURCE_ROW] = np.arange(items) + 2
    return replace(bank, items=rows)


def measure(ctx, bench) -> tuple[float, int, int, str]:
    """Run the checks as the window does and return (seconds, ticks, longest gap in ms, the step during it)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]
    step = [""]
    worst = [0, ""]
    ctx.tasks.progress.connect(lambda _fraction, text: step.__setitem__(0, text))

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        if gaps[-1] > worst[0]:
            worst[:] = [gaps[-1], step[0]]
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    outcome: list = []
    loop = QEventLoop()
    ctx.tasks.ended.connect(loop.quit)
    clock.start()
    timer.start()
    started = time.perf_counter()
    ctx.run_job("checks", bench.check_job(), done=outcome.append,
                failed=lambda message, details: outcome.append(RuntimeError(f"{message} {details}")))
    loop.exec()
    seconds = time.perf_counter() - started
    timer.stop()
    ctx.tasks.ended.disconnect(loop.quit)
    if not outcome or isinstance(outcome[0], Exception):
        raise SystemExit(f"the checks failed: {outcome}")
    return seconds, len(gaps), max(gaps), worst[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--no-naive", action="store_true", help="skip the run with the collector left alone")
    args = parser.parse_args()

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from qbaudit.samples import open_sample_audit
    from qbaudit.settings import Settings
    from qbaudit.store import AuditStore
    from qbaudit.views import workers
    from qbaudit.views.context import AppContext
    from qbaudit.views.workers import TaskRunner

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        store = AuditStore(f"sqlite:///{Path(folder) / 'audits.db'}")
        started = time.perf_counter()
        bench = open_sample_audit(store, "defective")
        big = big_bank(bench.bank, args.items)
        bench.imports["bank"] = replace(bench.imports["bank"], data=big)
        bench.imports.pop("papers", None)  # matched against the small bank; not what this measures
        bench.sources.pop("papers", None)
        print(f"{args.items:,} items ready ({time.perf_counter() - started:.1f} s); {os.cpu_count()} cores\n",
              file=sys.stderr)
        ctx = AppContext(TaskRunner(QThreadPool()), store, Settings())
        ctx.set_workbench(bench)
        rows = [("collector paused while tasks run", *measure(ctx, bench))]
        if not args.no_naive:
            paused = workers.collector_paused
            workers.collector_paused = contextlib.nullcontext()
            try:
                rows.append(("collector left alone (naive)", *measure(ctx, bench)))
            finally:
                workers.collector_paused = paused
        store.close()

    print(f"checks on {args.items:,} items in the task pool, a GUI timer every 10 ms "
          f"(a user notices ~{NOTICEABLE_MS} ms)\n")
    width = max(len(label) for label, *_ in rows)
    print(f"{'configuration':<{width}}  {'work':>8}  {'ticks':>6}  {'longest GUI gap':>15}  during")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 6}  {'-' * 15}  {'-' * 20}")
    for label, seconds, ticks, longest, during in rows:
        print(f"{label:<{width}}  {seconds:>6.1f} s  {ticks:>6}  {longest:>12,} ms  {during}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
