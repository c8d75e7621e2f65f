"""Import speed: a 100 000-item workbook through qbaudit's importer and the naive way, in one run.

    python bench/bench_import.py [--items 100000] [--repeat 3]

The workbook is built from the sample generator's realistic items (stems, options, answers,
dates, codes with the odd full-width character), written once to bench/out/ and reused.
qbaudit's importer is measured end to end: reading, header detection and mapping, NFKC
normalisation, parsing of levels, types, difficulty, answers and dates, and row validation.
The naive way is ``pandas.read_excel(engine="openpyxl", dtype=str)``, which only reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def build_workbook(path: Path, items: int) -> None:
    """Write ``items`` realistic items (cycled from the sample generator) to one sheet."""
    import xlsxwriter

    generator = runpy.run_path(str(ROOT / "sample_banks" / "generate.py"))
    sample = generator["build_compliant"](random.Random(7))
    source = [item for level in (4, 3, 2) for item in sample.items[level]]
    rng = random.Random(11)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("题库")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    header = ["试题编号", "等级", "鉴定点代码", "试题类型", "难度", "题干", "A", "B", "C", "D", "E", "正确答案", "解析",
              "修订日期"]
    sheet.write_row(0, 0, header)
    levels = {4: "四级", 3: "三级", 2: "二级"}
    for row in range(1, items + 1):
        item = source[(row - 1) % len(source)]
        code = item.code_text
        if rng.random() < 0.02:  # the odd full-width code, as real files have
            code = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() or c == "-" else c for c in code)
        sheet.write_string(row, 0, f"Q{row:07d}")
        sheet.write_string(row, 1, levels[item.level])
        sheet.write_string(row, 2, code)
        sheet.write_string(row, 3, item.item_type)
        sheet.write_number(row, 4, int(item.difficulty))
        sheet.write_string(row, 5, item.stem)
        for column, letter in enumerate("ABCDE", start=6):
            if letter in item.options:
                sheet.write_string(row, column, item.options[letter])
        sheet.write_string(row, 11, item.answer)
        sheet.write_string(row, 12, item.explanation)
        sheet.write_datetime(row, 13, dt.datetime.combine(item.revised, dt.time()), date_format)
    workbook.close()


def timed(function, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast readers (best is kept)")
    parser.add_argument("--fresh", action="store_true", help="rewrite the workbook even if it exists")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bank_{args.items}.xlsx"
    if args.fresh or not path.exists():
        start = time.perf_counter()
        build_workbook(path, args.items)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")

    import pandas as pd

    from qbaudit.analysis.importers import import_bank

    rows: list[tuple[str, float, int, str]] = []
    seconds, result = timed(lambda: import_bank(path), args.repeat)
    assert result.ok, result.error
    rows.append(("qbaudit import_bank (fastexcel + polars, end to end)", seconds, len(result.data.items),
                 f"{len(result.issues)} issues"))
    seconds, frame = timed(lambda: pd.read_excel(path, engine="calamine", dtype=str), 1)
    rows.append(("pandas.read_excel(engine='calamine', dtype=str), read only", seconds, len(frame), "reference"))
    seconds, frame = timed(lambda: pd.read_excel(path, engine="openpyxl", dtype=str), 1)
    rows.append(("pandas.read_excel(engine='openpyxl', dtype=str), read only", seconds, len(frame), "naive"))

    ours = rows[0][1]
    width = max(len(r[0]) for r in rows)
    print(f"\n{args.items} items, Python {sys.version.split()[0]}, best of {args.repeat} for qbaudit\n")
    print(f"{'method':<{width}}  {'seconds':>8}  {'rows':>7}  {'× qbaudit':>9}  note")
    print("-" * (width + 40))
    for name, seconds, count, note in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {count:7d}  {seconds / ours:9.1f}  {note}")
    naive = rows[-1][1]
    print(f"\nqbaudit end to end is {naive / ours:.1f}× faster than pandas+openpyxl reading alone (target ≥ 5×).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
