"""The guarded door on hostile inputs: how long a refusal takes and how much memory it uses, against what the
reader would spend without the guard (calamine reading the same file), in one run.

    python bench/bench_guard.py [--rows 3000000] [--identical 2000] [--naive]

Cases: an .xlsx with ``--rows`` one-cell rows (true dimension, lying dimension, no dimension), the R11
check of a bank of ``--identical`` identical items, and the hint search over 150 stems for a key of one repeated
word (10 000 and 32 767 characters) against polars' overlapping ``extract_many`` (the search R11 used before). Each case runs in a fresh Python process (peak resident
memory from ``getrusage`` of that process alone). ``--naive`` also reads the workbook with calamine directly
(slow, and several GB at 3 million rows: off by default) and runs the old hint search at 32 767 characters. The issue's targets: the workbook refused in under
5 s and 1 GB with a Chinese message; 2 000 identical items checked in under 10 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_IMPORT = """
import json, resource, sys, time
from qbaudit.analysis.inputs import import_input
start = time.perf_counter()
result = import_input("bank", [sys.argv[1]])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": (result.error or "")[:120], "ok": result.ok}, ensure_ascii=False))
"""

_NAIVE = """
import json, resource, sys, time
import fastexcel
start = time.perf_counter()
try:
    reader = fastexcel.read_excel(sys.argv[1])
    rows = sum(reader.load_sheet(n, header_row=None, dtypes="string").height for n in reader.sheet_names)
    message = f"read {rows} rows"
except Exception as exc:
    message = type(exc).__name__
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": message, "ok": True}, ensure_ascii=False))
"""

_IDENTICAL = """
import datetime as dt, json, resource, sys, time
import pandas as pd
from qbaudit.analysis.checks import run_checks
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Bank, Blueprint
from qbaudit.analysis.profile import load_profile
count = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from tests.identical import identical_bank
bank = identical_bank(count)
start = time.perf_counter()
report = run_checks(AuditInput(bank=bank, blueprint=Blueprint(scopes=[], points=[]), as_of=dt.date(2026, 11, 1)),
                    profile=load_profile(None))
elapsed = time.perf_counter() - start
r11 = [f for f in report.findings if f.rule == "R11"]
rows = sum(len(e.rows) for f in r11 for e in f.evidence)
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": f"R11 evidence rows: {rows}", "ok": True}, ensure_ascii=False))
"""


_HINTS = """
import json, resource, sys, time
import polars as pl
from qbaudit.analysis.substrings import contained_keys
how, length = sys.argv[1], int(sys.argv[2])
key = "电流" * (length // 2)
stems = ["题干中写出了答案：" + key, "另一道题", key[: length // 2] + "。"] * 50
start = time.perf_counter()
if how == "naive":
    hits = pl.Series(stems).str.extract_many([key, key[:200]], overlapping=True).to_list()
    found = sum(1 for h in hits if key in (h or []))
else:
    found = sum(1 for h in contained_keys(stems, [key, key[:200]]) if key in h)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": f"{found} of {len(stems)} stems hold the key", "ok": True}))
"""


def _run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=3600)
    if done.returncode != 0:
        return {"seconds": float("nan"), "peak_mib": float("nan"), "message": done.stderr.strip()[-120:], "ok": False}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the hostile inputs, run each case in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--identical", type=int, default=2000)
    parser.add_argument("--naive", action="store_true", help="also read the workbook with calamine directly")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.hostile import many_rows_xlsx

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for dimension in ("true", "lying", None):
            path = many_rows_xlsx(Path(folder) / f"rows_{dimension}.xlsx", args.rows, dimension)
            label = f"{args.rows:,} one-cell rows, dimension {dimension or 'absent'}"
            rows.append((f"qbaudit import: {label}", _run(_IMPORT, str(path))))
            if args.naive and dimension == "true":
                rows.append((f"calamine alone: {label}", _run(_NAIVE, str(path))))
    rows.append((f"qbaudit check: {args.identical:,} identical items", _run(_IDENTICAL, str(args.identical), str(ROOT))))
    for length in (10_000, 32_767):
        label = f"hint search, one key of {length:,} repeated characters"
        rows.append((f"qbaudit: {label}", _run(_HINTS, "qbaudit", str(length))))
        if args.naive or length <= 10_000:
            rows.append((f"polars extract_many(overlapping): {label}", _run(_HINTS, "naive", str(length))))
    print(f"{'case':<62} {'seconds':>8} {'peak MiB':>9}  answer")
    for label, result in rows:
        print(f"{label:<62} {result['seconds']:>8.2f} {result['peak_mib']:>9.0f}  {result['message']}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(total {time.perf_counter() - start:.0f} s)")
