"""The bank browser's table model at scale, beside the naive QSortFilterProxyModel, in one run.

    python bench/bench_bank_view.py [--size 100000] [--repeat 3] [--no-naive]

Generates ``size`` items (bench/itemgen.py: templated Chinese stems with four options) as the importer
lays them out (ItemColumns, Arrow-backed columns), builds the browser's
:class:`qbaudit.views.models.bank.BankTableModel` (which shows the row order the core's search,
:mod:`qbaudit.analysis.search`, returns) and times what the user does: open the bank, click each header (the first sort of a column computes
its order; a second click on the same column reuses it), type a search, choose a level, and paint one
screen of rows. The naive way — the same source model under a ``QSortFilterProxyModel``, which calls
``data()`` for every comparison and every row — is timed on the same frame. Each time is the best of
``--repeat`` runs (the first sort of a column is timed on a fresh model each run).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
SCREEN_ROWS = 40  # rows of a full-height table on a 1080p screen
TARGET_MS = 200.0


def make_frame(size: int, seed: int = 1):
    """``size`` generated items as the bank importer gives them (Arrow-backed ItemColumns)."""
    import pandas as pd
    import pyarrow as pa

    from qbaudit.analysis.columns import ItemColumns as C

    sys.path.insert(0, str(ROOT / "bench"))
    from itemgen import generate

    items, _pairs = generate(size, seed=seed)
    rng = random.Random(seed)
    levels = [rng.choice((5, 4, 3, 2, 1)) for _ in items]
    scopes = [f"{rng.choice('AB')}-{rng.choice('ABCDEF')}" for _ in items]
    codes = [f"{scope}-{rng.randrange(1, 60):03d}" for scope in scopes]
    difficulty = [None if rng.random() < 0.002 else float(rng.randrange(1, 6)) for _ in items]
    types = [None if rng.random() < 0.001 else rng.choice(("单选", "单选", "多选", "判断")) for _ in items]
    columns = {
        C.ITEM_ID: [i.item_id for i in items], C.LEVEL: levels, C.POINT_CODE: codes,
        C.POINT_KEY: [c.replace("-", "") for c in codes], C.ITEM_TYPE: types, C.DIFFICULTY: difficulty,
        C.STEM: [i.stem for i in items],
    }
    for index, column in enumerate(C.OPTIONS):
        columns[column] = [i.options[index] if index < len(i.options) else None for i in items]
    columns[C.ANSWER] = [i.answer for i in items]
    columns[C.SOURCE_FILE] = ["bank.xlsx"] * size
    columns[C.SOURCE_SHEET] = [f"{level}级" for level in levels]
    columns[C.SOURCE_ROW] = list(range(2, size + 2))
    types_of = {C.LEVEL: pa.int64(), C.DIFFICULTY: pa.float64(), C.SOURCE_ROW: pa.int64()}
    return pd.DataFrame({name: pd.array(values, dtype=pd.ArrowDtype(types_of.get(name, pa.large_string())))
                         for name, values in columns.items()})


def best(fn, repeat: int, setup=None) -> float:
    """Best wall time of ``fn()`` in milliseconds (``setup()`` before each run, not timed)."""
    times = []
    for _ in range(repeat):
        state = setup() if setup else None
        start = time.perf_counter()
        fn(state) if setup else fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def screen(model, rows: int = SCREEN_ROWS) -> None:
    """Ask the model for what one screen of the table paints (display text and alignment of each cell)."""
    from PySide6.QtCore import Qt

    for row in range(min(rows, model.rowCount())):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            model.data(index, Qt.ItemDataRole.DisplayRole)
            model.data(index, Qt.ItemDataRole.TextAlignmentRole)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the QSortFilterProxyModel baseline")
    args = parser.parse_args()

    from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QApplication

    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.search import BankFilter
    from qbaudit.views.models.bank import BANK_COLUMNS, BankTableModel

    app = QApplication.instance() or QApplication([])
    start = time.perf_counter()
    frame = make_frame(args.size)
    print(f"{args.size} generated items ready ({time.perf_counter() - start:.1f} s); "
          f"best of {args.repeat}; {os.cpu_count()} cores\n", file=sys.stderr)
    word = "焊接"  # appears in many items: the filter keeps a large share (the slow case for the view)
    level = 3
    rows: list[tuple[str, float, float | None]] = []

    rows.append(("model build (open the bank)", best(lambda: BankTableModel(frame), args.repeat), None))
    model = BankTableModel(frame)
    for column, name in enumerate(BANK_COLUMNS):
        first = best(lambda m, column=column: m.sort(column, Qt.SortOrder.AscendingOrder), args.repeat,
                     setup=lambda: BankTableModel(frame))
        rows.append((f"sort by {name} (first click)", first, None))
    again = best(lambda: model.sort(BANK_COLUMNS.index(C.STEM), Qt.SortOrder.DescendingOrder), 1)
    again = best(lambda: model.sort(BANK_COLUMNS.index(C.STEM), Qt.SortOrder.DescendingOrder), args.repeat)
    rows.append(("sort again (order cached)", again, None))
    model.sort(-1)
    first_text = best(lambda m: m.set_filter(BankFilter(text=word)), args.repeat, setup=lambda: BankTableModel(frame))
    rows.append(("free-text filter (first: builds the search text)", first_text, None))
    text_ms = best(lambda: (model.set_filter(BankFilter()), model.set_filter(BankFilter(text=word))), args.repeat)
    rows.append(("free-text filter (next searches)", text_ms, None))
    shown = model.rowCount()
    level_ms = best(lambda: (model.set_filter(BankFilter()), model.set_filter(BankFilter(level=level))), args.repeat)
    rows.append((f"level filter ({level})", level_ms, None))
    both_ms = best(lambda: (model.set_filter(BankFilter()),
                            model.set_filter(BankFilter(level=level, text=word, item_type="单选"))), args.repeat)
    rows.append(("level + type + text filter", both_ms, None))
    model.set_filter(BankFilter())
    model.sort(BANK_COLUMNS.index(C.STEM), Qt.SortOrder.AscendingOrder)
    rows.append((f"data() for one screen ({SCREEN_ROWS} rows × {len(BANK_COLUMNS)} columns)",
                 best(lambda: screen(model), args.repeat), None))

    if not args.no_naive:
        def proxy_over_fresh_source():
            source = BankTableModel(frame)
            proxy = QSortFilterProxyModel()
            proxy.setSourceModel(source)
            proxy._source = source  # keep the source alive
            return proxy

        naive = {}
        naive["sort"] = best(lambda p: p.sort(BANK_COLUMNS.index(C.STEM), Qt.SortOrder.AscendingOrder), 1,
                             setup=proxy_over_fresh_source)
        naive["sort_id"] = best(lambda p: p.sort(BANK_COLUMNS.index(C.ITEM_ID), Qt.SortOrder.AscendingOrder), 1,
                                setup=proxy_over_fresh_source)

        def text_filter(proxy):
            proxy.setFilterKeyColumn(BANK_COLUMNS.index(C.STEM))  # the stem only: less than ours searches
            proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            proxy.setFilterFixedString(word)
            proxy.rowCount()  # the proxy filters lazily: asking for the rows makes it do the work

        naive["text"] = best(text_filter, 1, setup=proxy_over_fresh_source)

        def level_filter(proxy):
            proxy.setFilterKeyColumn(BANK_COLUMNS.index(C.LEVEL))
            proxy.setFilterRegularExpression(QRegularExpression("^三级"))
            proxy.rowCount()

        naive["level"] = best(level_filter, 1, setup=proxy_over_fresh_source)
        proxy = proxy_over_fresh_source()
        proxy.sort(BANK_COLUMNS.index(C.STEM))
        naive["screen"] = best(lambda: screen(proxy), args.repeat)
        rows = [
            (label, ms, naive["sort"] if label.startswith(f"sort by {C.STEM}") else
             naive["sort_id"] if label.startswith(f"sort by {C.ITEM_ID}") else
             naive["text"] if label.startswith("free-text filter") and "next" in label else
             naive["level"] if label.startswith("level filter") else
             naive["screen"] if label.startswith("data()") else None)
            for label, ms, _ in rows
        ]

    print(f"bank browser at {args.size:,} items (filter '{word}' keeps {shown:,}; target < {TARGET_MS:g} ms)\n")
    width = max(len(label) for label, _, _ in rows)
    print(f"{'operation':<{width}}  {'BankTableModel':>15}  {'QSortFilterProxyModel':>22}")
    print(f"{'-' * width}  {'-' * 15}  {'-' * 22}")
    for label, ms, naive_ms in rows:
        flag = "" if ms < TARGET_MS else "  (over target)"
        naive_text = f"{naive_ms:,.0f} ms" if naive_ms is not None else ""
        print(f"{label:<{width}}  {ms:>12,.1f} ms  {naive_text:>22}{flag}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
