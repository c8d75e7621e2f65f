"""Report speed: the documents of the defective sample bank, step by step, and the CLI end to end.

    python bench/bench_report.py [--repeat 3] [--sample defective|compliant]

Each step is timed in one fresh process per repeat, so the first-use costs a user pays (matplotlib's
import, the CJK font's glyphs) are counted every time: the audit run itself, the report model, the
Word report with its charts, the problem list, the findings export. The last line times
``qbaudit check … --report`` as a user runs it (interpreter start-up and imports included).
Writes to bench/out/report/. Prints a table; the closing figure is "report" (the Word report).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "report"

STEPS = """
import json, sys, time
started = time.perf_counter()
from qbaudit.analysis.profile import load_profile
from qbaudit.operations import run_audit
from qbaudit.report import report_from_run, write_findings_export, write_problem_list, write_report
sample, out = sys.argv[1], sys.argv[2]
times = {"imports": time.perf_counter() - started}
mark = time.perf_counter()
run = run_audit(f"sample_banks/{sample}/bank.xlsx", [f"sample_banks/{sample}/blueprint.xlsx"], load_profile(),
                standard=f"sample_banks/{sample}/standard.xlsx")
times["check"] = time.perf_counter() - mark
mark = time.perf_counter()
data = report_from_run(run, institution="某职业技能等级认定中心")
times["model"] = time.perf_counter() - mark
mark = time.perf_counter()
outcome = write_report(data, f"{out}/report.docx")
times["report"] = time.perf_counter() - mark
mark = time.perf_counter()
write_problem_list(data, f"{out}/problems.xlsx")
times["problems"] = time.perf_counter() - mark
mark = time.perf_counter()
write_findings_export(data, f"{out}/findings.xlsx")
times["findings"] = time.perf_counter() - mark
print(json.dumps(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", default="defective", choices=("defective", "compliant"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        result = subprocess.run([sys.executable, "-c", STEPS, args.sample, str(OUT)], cwd=ROOT, capture_output=True,
                                text=True, check=True)
        for step, seconds in json.loads(result.stdout.strip().splitlines()[-1]).items():
            runs.setdefault(step, []).append(seconds)
        sample = ROOT / "sample_banks" / args.sample
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("qbaudit")), "check", "--bank", str(sample / "bank.xlsx"),
                        "--blueprint", str(sample / "blueprint.xlsx"), "--standard", str(sample / "standard.xlsx"),
                        "--report", str(OUT / "cli-report.docx")], cwd=ROOT, capture_output=True, check=True)
        runs.setdefault("cli: check --report (whole command)", []).append(time.perf_counter() - started)
    print(f"sample: {args.sample}, {args.repeat} runs, each in a fresh process")
    print(f"{'step':<38}{'median s':>10}{'min s':>9}{'max s':>9}")
    for step, values in runs.items():
        print(f"{step:<38}{statistics.median(values):>10.2f}{min(values):>9.2f}{max(values):>9.2f}")
    print(f"Word report (with charts) in {statistics.median(runs['report']):.2f} s (median); the limit is 5 s.")


if __name__ == "__main__":
    main()
