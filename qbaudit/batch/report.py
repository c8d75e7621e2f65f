"""What ``qbaudit batch`` prints when it is done: the counts (rows in = audited + unchanged + reported), each
row reported with where and why, the history's warnings, the cross-institution finding and the documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qbaudit.i18n import tr


def print_outcome(console: Any, summary: Any, written: list[Path]) -> None:
    """Print the review's outcome on ``console`` (the project's safe console)."""
    from rich.table import Table

    from qbaudit.batch.documents import short_level
    from qbaudit.visible import styled

    audited = sum(1 for r in summary.results if r.status == "audited")
    console.print(tr("batch.done_line", read=summary.rows_read, audited=audited,
                     unchanged=len(summary.results) - audited, reported=len(summary.problems),
                     items=summary.items, workers=summary.workers))
    if summary.results:
        table = Table(title=tr("batch.results_title"), title_justify="left")
        for key in ("institution", "occupation", "level", "grade", "score", "row_status", "audit"):
            table.add_column(tr(f"batch.col_{key}"))
        for r in summary.results:
            table.add_row(r.institution, r.occupation, "、".join(short_level(lv) for lv in r.levels), r.grade_text,
                          r.score_text, tr(f"batch.status_{r.status}"), str(r.audit_id))
        console.print(table)
    for problem in summary.problems:
        console.print(styled(tr("batch.problem_line", where=problem.where, reason=problem.reason), "red"),
                      soft_wrap=True)
    for result in summary.history_rows():
        for warning in result.warnings:
            console.print(styled(tr("batch.report_history_line", institution=result.institution, text=str(warning)),
                                 "yellow"), soft_wrap=True)
        if result.pending:
            console.print(styled(tr("batch.report_history_line", institution=result.institution, text=result.pending),
                                 "yellow"), soft_wrap=True)
    institutions = {m.institution for g in summary.cross.groups for m in g.members}
    console.print(tr("batch.report_cross", groups=len(summary.cross.groups), institutions=len(institutions)))
    for path in written:
        console.print(tr("batch.written", file=str(path)))
