"""How soon `qbaudit check` says something, on a large bank, with its output in a pipe.

    python bench/bench_console.py [--items 100000] [--fresh 3] [--against 219f685]

A user running ``qbaudit check`` on a big bank watches the terminal: this measures, in fresh processes,
the time to the first line the command prints (standard output and standard error into one pipe, as
``qbaudit check … 2>&1 | tee log`` does), the time to the summary's first line, the whole run, and how
many progress lines came before the summary. ``--against COMMIT`` runs the same command from that
commit's source tree too (exported with ``git archive`` into bench/out/), in the same run, for a
before/after table.

The bank: ``--items`` generated items (bench/itemgen.py: templated welding items, 2 % planted
near-duplicates; all different, as a real bank's are), spread over the three levels and the points of
the compliant sample's blueprint, written once as a workbook to bench/out/; checked with that sample's
blueprint and standard.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SAMPLE = ROOT / "sample_banks" / "compliant"
SUMMARY = ("各等级检查结果", "Results per level")


def build_bank(path: Path, items: int) -> None:
    """``items`` generated items with levels and point codes of the compliant sample's blueprint."""
    import xlsxwriter

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from itemgen import generate

    from qbaudit.analysis.importers import import_blueprint

    blueprint = import_blueprint(SAMPLE / "blueprint.xlsx").data
    levels = sorted({p.level for p in blueprint.points}, reverse=True)
    codes = {level: [p.code for p in blueprint.points if p.level == level] for level in levels}
    generated, _ = generate(items, seed=16)
    rng = random.Random(16)
    names = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("题库")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["试题编号", "等级", "鉴定点代码", "试题类型", "难度", "题干", "A", "B", "C", "D", "正确答案",
                           "修订日期"])
    for row, item in enumerate(generated, start=1):
        level = levels[row % len(levels)]
        sheet.write_string(row, 0, item.item_id)
        sheet.write_string(row, 1, names[level])
        sheet.write_string(row, 2, rng.choice(codes[level]))
        sheet.write_string(row, 3, item.item_type)
        sheet.write_number(row, 4, rng.randint(1, 5))
        sheet.write_string(row, 5, item.stem)
        for column, option in enumerate(item.options[:4], start=6):
            sheet.write_string(row, column, option)
        sheet.write_string(row, 10, item.answer)
        sheet.write_datetime(row, 11, dt.datetime(2025, 1, 1) + dt.timedelta(days=rng.randrange(600)), dates)
    workbook.close()


def source_tree(commit: str) -> Path:
    """The source tree of ``commit`` (exported once into bench/out/), runnable with PYTHONPATH."""
    tree = OUT / f"tree-{commit}"
    if not (tree / "qbaudit").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        (tree / "qbaudit" / "resources").symlink_to(tree / "resources")  # what the install maps
    return tree


def run_once(bank: Path, tree: Path | None) -> dict:
    """One fresh ``qbaudit check`` into a pipe: when its first line came, when the summary came, the end."""
    env = {**os.environ, "QBAUDIT_LANG": "zh_CN", "PYTHONUNBUFFERED": "1"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    argv = [sys.executable, "-m", "qbaudit", "check", "--bank", str(bank), "--blueprint", str(SAMPLE / "blueprint.xlsx"),
            "--standard", str(SAMPLE / "standard.xlsx")]
    start = time.perf_counter()
    first = summary = None
    before_summary = 0
    # Run from the tree itself: `python -m` puts the working folder first on the path.
    with subprocess.Popen(argv, cwd=tree or ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env) as process:
        assert process.stdout is not None
        for raw in process.stdout:
            now = time.perf_counter() - start
            line = raw.decode("utf-8", "replace").strip()
            first = now if first is None else first
            if summary is None and line in SUMMARY:
                summary = now
            elif summary is None and line.startswith("["):
                before_summary += 1
        status = process.wait()
    if status != 0:
        raise SystemExit(f"qbaudit check failed with status {status}")
    return {"first": first, "summary": summary, "total": time.perf_counter() - start, "lines": before_summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[100_000])
    parser.add_argument("--fresh", type=int, default=3, help="fresh runs per figure (median kept)")
    parser.add_argument("--against", metavar="COMMIT", help="also run the command from this commit's source")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    trees: list[tuple[str, Path | None]] = [("this tree", None)]
    if args.against:
        trees.insert(0, (args.against, source_tree(args.against)))
    rows, loads = [], []
    for items in args.items:
        bank = OUT / f"console_bank_{items}.xlsx"
        if not bank.exists():
            started = time.perf_counter()
            build_bank(bank, items)
            print(f"wrote {bank.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for name, tree in trees:
            runs = []
            for _ in range(args.fresh):
                loads.append(os.getloadavg()[0])
                runs.append(run_once(bank, tree))
            rows.append((items, name, {key: statistics.median(r[key] for r in runs) for key in runs[0]}))
    print(f"\n`qbaudit check` into a pipe, median of {args.fresh} fresh runs; {os.cpu_count()} cores, load average "
          f"{min(loads):.1f}–{max(loads):.1f} while measuring\n")
    header = f"{'items':>8} {'source':<12} {'first line s':>12} {'summary s':>10} {'total s':>8} {'lines before summary':>21}"
    print(header)
    print("-" * len(header))
    for items, name, m in rows:
        print(f"{items:>8} {name:<12} {m['first']:>12.1f} {m['summary']:>10.1f} {m['total']:>8.1f} {m['lines']:>21.0f}")
    print("\nfirst line: the first line on standard output or standard error; summary: the summary table's title; "
          "lines before summary: progress lines ([ 45%] …) printed before it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
