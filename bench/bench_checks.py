"""The item-independence and paper checks (R5, R6, R11, R12, R15, R16) on the sample banks.

    python bench/bench_checks.py [--repeat 5] [--fresh 3]

Imports each sample bank with its blueprint, standard, papers and plan once, then times the checks of
this family (the best of ``--repeat`` runs, compiled kernels loaded before timing), one row per rule.
"Together" is the whole family twice: warm (in this process) and fresh (the median of ``--fresh`` new
processes, each timing its first call: the kernels' loading and the checks' imports included, what a
user's ``qbaudit check`` pays).
Beside R11, the naive way to find its near-duplicates: every pair of items of each level compared
with rapidfuzz (``cdist``, the same criterion), timed in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RULES = ["R5", "R6", "R11", "R12", "R15", "R16"]
FRESH = r"""
import sys, time
from pathlib import Path
from qbaudit.analysis.profile import load_profile
from qbaudit.operations import run_audit
folder = Path(sys.argv[1])
papers = sorted(folder.glob("papers.xlsx")) + sorted(folder.glob("*.docx"))
profile = load_profile()
run = run_audit(folder / "bank.xlsx", folder / "blueprint.xlsx", profile, standard=folder / "standard.xlsx",
                papers=papers, plan=folder / "plan.xlsx")
imports = run.imports
from qbaudit.analysis.checks.context import AuditInput
data = AuditInput(bank=imports["bank"].data, blueprint=imports["blueprint"].data, standard=imports["standard"].data,
                  as_of=run.as_of, papers=imports["papers"].data, plan=imports["plan"].data)
start = time.perf_counter()
from qbaudit.analysis.checks import run_checks
run_checks(data, profile, rules=sys.argv[2].split(","))
print(time.perf_counter() - start)
"""


def fresh(folder: Path, runs: int) -> float:
    """Median seconds of the family's first run in ``runs`` new processes (after importing the inputs)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FRESH, str(folder), ",".join(RULES)], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        times.append(float(out.stdout.split()[-1]))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", type=int, default=3, help="new processes for the fresh figure (median kept)")
    args = parser.parse_args()

    import numpy as np
    from rapidfuzz import fuzz, process

    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.checks.context import AuditInput
    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.similarity import similar_pairs
    from qbaudit.analysis.textnorm import normalised_texts
    from qbaudit.operations import run_audit

    similar_pairs(["焊接电流过大容易产生咬边", "焊接电流过大容易产生咬边缺陷"], 88)  # load the kernels
    profile = load_profile()
    threshold = float(profile.rule("R11")["near_duplicate_threshold"])
    rows = []
    for name in ("defective", "compliant"):
        folder = ROOT / "sample_banks" / name
        papers = sorted(folder.glob("papers.xlsx")) + sorted(folder.glob("*.docx"))
        run = run_audit(folder / "bank.xlsx", folder / "blueprint.xlsx", profile, standard=folder / "standard.xlsx",
                        papers=papers, plan=folder / "plan.xlsx")
        if run.errors:
            print("\n".join(run.errors), file=sys.stderr)
            return 1
        data: AuditInput = AuditInput(
            bank=run.imports["bank"].data, blueprint=run.imports["blueprint"].data,
            standard=run.imports["standard"].data, as_of=run.as_of, papers=run.imports["papers"].data,
            plan=run.imports["plan"].data)
        items = data.bank.items
        times = {}
        for rule in RULES:
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                run_checks(data, profile, rules=[rule])
                best = min(best, time.perf_counter() - start)
            times[rule] = best
        start = time.perf_counter()
        run_checks(data, profile, rules=RULES)
        together = time.perf_counter() - start
        # The naive way for R11: all pairs within each level.
        start = time.perf_counter()
        texts = normalised_texts(items).get_column("text").to_list()
        levels = items[C.LEVEL].to_list()
        naive_pairs = 0
        for level in sorted(set(levels)):
            subset = [t for t, lv in zip(texts, levels, strict=True) if lv == level]
            matrix = process.cdist(subset, subset, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8,
                                   workers=-1)
            naive_pairs += int(np.count_nonzero(np.triu(matrix, 1)))
        naive = time.perf_counter() - start
        rows.append((name, len(items), len(data.papers), times, together, fresh(folder, args.fresh), naive,
                     naive_pairs))

    print(f"\nchecks R5 R6 R11 R12 R15 R16 on the sample banks, best of {args.repeat} (seconds); together fresh: "
          f"median of {args.fresh} new processes, first call\n")
    header = f"{'bank':<10} {'items':>6} {'papers':>6} " + " ".join(f"{r:>6}" for r in RULES) + \
        f" {'together':>9} {'fresh':>7} {'R11 naive':>10}"
    print(header)
    print("-" * len(header))
    for name, count, paper_count, times, together, fresh_s, naive, _ in rows:
        print(f"{name:<10} {count:>6} {paper_count:>6} " + " ".join(f"{times[r]:>6.3f}" for r in RULES)
              + f" {together:>9.3f} {fresh_s:>7.3f} {naive:>10.3f}")
    print("\nR11 naive: rapidfuzz cdist over all pairs of each level with the same criterion "
          f"(pairs it finds within levels: {', '.join(str(r[7]) for r in rows)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
