"""How long the window takes to appear, against loading everything up front, in one run.

    python bench/bench_startup.py [--repeat 5]

Each run is a fresh process (offscreen Qt, a fresh settings folder and an SQLite store with the sample
audit in it): the time from the interpreter's start to the main window shown with the audit list
filled, as the user sees it. "Eager" is the naive way measured in the same run: the same window, but
with the libraries the checks and the charts use (pandas, polars, numpy, matplotlib, the checks and
every page) imported before the window is built.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
eager = sys.argv[1] == "eager"
if eager:
    import pandas, polars, numpy, matplotlib.pyplot  # noqa: F401
    import qbaudit.analysis.run, qbaudit.report  # noqa: F401
    from qbaudit.views.main_window import PAGES
    import importlib
    for _, module, _ in PAGES:
        importlib.import_module(module)
from qbaudit.views.app import create_app
app = create_app()
from qbaudit.views.main_window import MainWindow
window = MainWindow(database=sys.argv[2])
window.show()
app.processEvents()
assert window.start.model.rowCount() >= 1
print(time.perf_counter() - float(sys.argv[3]))
"""


def _run(mode: str, database: str, env: dict[str, str]) -> float:
    import time

    start = time.perf_counter()
    # perf_counter is per-boot monotonic on Linux: the child reads the same clock
    out = subprocess.run([sys.executable, "-c", CHILD, mode, database, repr(start)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qbaudit-startup-"))
    database = f"sqlite:///{folder / 'audits.db'}"
    sys.path.insert(0, str(ROOT))
    from qbaudit.samples import open_sample_audit
    from qbaudit.store import AuditStore

    with AuditStore(database) as store:
        open_sample_audit(store)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QBAUDIT_CONFIG_DIR": str(folder / "config")}
    _run("lazy", database, env)  # warm the file cache and the compiled bytecode once
    rows = []
    for mode in ("lazy", "eager"):
        times = [_run(mode, database, env) for _ in range(args.repeat)]
        rows.append((mode, statistics.median(times), min(times), max(times)))
    print(f"{'window start':<28}{'median s':>10}{'min s':>10}{'max s':>10}")
    labels = {"lazy": "qbaudit (lazy imports)", "eager": "naive (everything up front)"}
    for mode, median, low, high in rows:
        print(f"{labels[mode]:<28}{median:>10.2f}{low:>10.2f}{high:>10.2f}")
    print(f"target: < 2 s; {args.repeat} runs each, fresh process, offscreen, sample audit in the list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
