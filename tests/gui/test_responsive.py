"""The window never freezes: while the checks run on a 100 000-item bank in the task pool, a timer on the
GUI thread keeps firing; the longest gap between its ticks is the longest the user would wait."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 100_000
LIMIT_MS = 200


def _big_bank(bank):
    """The sample's items' levels, points, types and difficulties, cycled to 100 000 items, with the
    generated welding stems and options of bench/itemgen.py (2 % planted near-duplicate partners)."""
    import numpy as np
    import pandas as pd

    from qbaudit.analysis.columns import ItemColumns as C

    sys.path.insert(0, str(ROOT / "bench"))
    from itemgen import generate

    generated, _ = generate(ITEMS, seed=7)
    frame = bank.items
    rows = frame.iloc[np.arange(ITEMS) % len(frame)].reset_index(drop=True).copy()
    rows[C.ITEM_ID] = [g.item_id for g in generated]
    rows[C.STEM] = [g.stem for g in generated]
    for index, column in enumerate(C.OPTIONS):
        rows[column] = pd.array([g.options[index] if index < len(g.options) else None for g in generated],
                                dtype=frame[column].dtype)
    rows[C.SOURCE_ROW] = np.arange(ITEMS) + 2
    return replace(bank, items=rows)


def test_the_gui_thread_is_never_blocked_over_200_ms_while_checks_run_on_100k_items(qtbot, checked_bench):
    from PySide6.QtCore import QElapsedTimer, QThreadPool, QTimer

    from qbaudit.views.workers import TaskRunner

    big = _big_bank(checked_bench.bank)
    checked_bench.imports["bank"] = replace(checked_bench.imports["bank"], data=big)
    checked_bench.imports.pop("papers", None)  # matched against the small bank; not what this measures
    checked_bench.sources.pop("papers", None)
    runner = TaskRunner(QThreadPool())
    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]
    step = [""]
    worst = [0, ""]  # the longest gap and the step of the checks during it
    runner.progress.connect(lambda fraction, text: step.__setitem__(0, text))

    def tick():
        now = clock.elapsed()
        gaps.append(now - last[0])
        if gaps[-1] > worst[0]:
            worst[:] = [gaps[-1], step[0]]
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    results = []
    clock.start()
    timer.start()
    started = time.perf_counter()
    with qtbot.waitSignal(runner.ended, timeout=300_000):
        runner.start("检查", checked_bench.check, done=results.append,
                     failed=lambda message, details: results.append((message, details)))
    timer.stop()
    seconds = time.perf_counter() - started
    run = results[0]
    assert not isinstance(run, tuple), run
    assert len(big.items) == ITEMS and run.report is not None
    assert any(f.rule == "R11" for f in run.report.findings)
    longest = max(gaps)
    print(f"checks on {ITEMS} items: {seconds:.1f} s, {len(gaps)} ticks, longest GUI gap {longest} ms ({worst[1]})")
    assert len(gaps) > seconds * 20  # the timer really ran throughout
    assert longest <= LIMIT_MS, f"the GUI thread was blocked for {longest} ms during “{worst[1]}”"
