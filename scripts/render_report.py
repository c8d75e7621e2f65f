"""The sample documents for scripts/render_report: a quick check, two signed audits of the sample banks, and
a signed audit on each of the other sheets (on-site, Shandong's three daily records) with its report,
problem list and notice (see that script)."""

from __future__ import annotations

import argparse
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(out: Path) -> None:
    from qbaudit.report import (
        report_from_run,
        report_from_view,
        write_findings_export,
        write_notice,
        write_problem_list,
        write_report,
    )
    from qbaudit.store import AuditStore

    samples = runpy.run_path(str(ROOT / "sample_banks" / "sample_audit.py"))
    out.mkdir(parents=True, exist_ok=True)
    database = out / "audits.sqlite3"
    database.unlink(missing_ok=True)
    run = samples["run_sample"]("defective")
    started = time.perf_counter()
    outcome = write_report(report_from_run(run, institution=samples["INSTITUTION"]), out / "quick-defective.docx")
    print(f"quick-defective.docx：{time.perf_counter() - started:.2f} 秒，{outcome.charts} 幅图", *outcome.warnings)
    with AuditStore(f"sqlite:///{database}") as store:
        for sample in ("defective", "compliant"):
            audit_id = samples["record_sample_audit"](store, sample, run=run if sample == "defective" else None)
            data = report_from_view(store.load(audit_id))
            started = time.perf_counter()
            write_report(data, out / f"audit-{sample}.docx")
            print(f"audit-{sample}.docx：{time.perf_counter() - started:.2f} 秒，{data.result.total:g} 分，{data.result.grade}")
            if sample == "defective":
                write_problem_list(data, out / f"problems-{sample}.xlsx")
                write_problem_list(data, out / f"problems-{sample}.docx")
                write_notice(data, out / f"notice-{sample}.docx")
                write_findings_export(data, out / f"findings-{sample}.xlsx")
        for sheet_id in samples["SHEET_DECISIONS"]:
            data = report_from_view(store.load(samples["record_sheet_audit"](store, sheet_id)))
            write_report(data, out / f"sheet-{sheet_id}.docx")
            write_problem_list(data, out / f"sheet-{sheet_id}-problems.docx")
            write_notice(data, out / f"sheet-{sheet_id}-notice.docx")
            result = f"{data.result.total:g} 分" if data.result.total is not None else f"“否”{data.result.no_count} 项"
            print(f"sheet-{sheet_id}.docx：{result}，{data.result.grade}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "test-output" / "report",
                        help="folder the documents are written to (default: test-output/report)")
    main(parser.parse_args().out)
