"""How the CLI shows an audit run in a terminal (rich tables; wide Chinese characters aligned)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from qbaudit.analysis.importers import Severity
from qbaudit.analysis.importers.outcome import accounting_line
from qbaudit.analysis.inputs import kind_label
from qbaudit.analysis.model import Finding, Status
from qbaudit.analysis.profile import setting_label
from qbaudit.analysis.rules import rule
from qbaudit.analysis.run import AuditRun
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr
from qbaudit.visible import styled

MAX_ISSUES_SHOWN = 50
MAX_EVIDENCE_ROWS = 20
_STYLE = {
    Status.PASS: ("✓", "green"),
    Status.FAIL: ("✗", "bold red"),
    Status.WARN: ("!", "yellow"),
    Status.NA: ("—", "dim"),
    Status.WAIVED: ("豁", "cyan"),
}
# ✓ and ✗ are not in GBK (a Chinese Windows console's code page, or output redirected there): √ and × are.
_GBK_SAFE = str.maketrans({"✓": "√", "✗": "×"})


def _shown(console: Console, text: str) -> str:
    """``text`` with the marks the console's encoding lacks replaced by ones it has."""
    try:
        text.encode(console.encoding)
    except (UnicodeEncodeError, LookupError):
        return text.translate(_GBK_SAFE)
    return text


def _value(value: Any, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if len(text) > 16:
        text = text[:15] + "…"
    return f"{text}{unit}" if unit in ("%",) else text


def _threshold(finding: Finding) -> str:
    if finding.threshold is None or finding.threshold == "":
        return ""
    if isinstance(finding.threshold, str):
        return finding.threshold
    unit = finding.unit if finding.unit == "%" else f" {finding.unit}" if finding.unit else ""
    return f"{finding.comparator} {finding.threshold:g}{unit}".strip()


def print_run(console: Console, run: AuditRun, details: bool = False) -> None:
    """Print inputs, import issues, the per-level summary and the problems of one run."""
    title = tr("cli.title", occupation=run.occupation or tr("cli.occupation_unknown"))
    console.print(styled(title, style="bold"))
    console.print(tr("cli.profile_line", name=run.profile.name, id=run.profile.id, as_of=run.as_of.isoformat()))
    for waiver in run.profile.waivers:
        levels = "、".join(level_name(lv) for lv in waiver.levels) if waiver.levels else tr("cli.all_levels")
        values = "".join(tr("thresholds.report_waiver_value", setting=setting_label(name), value=value)
                         for name, value in waiver.values)
        console.print(tr("cli.waiver_line", rule=waiver.rule, levels=levels + values, reason=waiver.reason))
    _print_inputs(console, run)
    if not run.errors and "bank" in run.imports and "blueprint" not in run.imports:
        console.print(styled(tr("cli_inputs.no_blueprint"), "yellow"))
    _print_issues(console, run)
    if run.errors:
        console.print()
        for message in run.errors:
            console.print(styled(message, style="bold red"))
        console.print(tr("cli.not_checked"))
        return
    assert run.report is not None
    _print_summary(console, run)
    _print_problems(console, run, details)


def _print_inputs(console: Console, run: AuditRun) -> None:
    if not run.inputs:
        return
    table = Table(title=tr("cli.inputs_title"), title_justify="left", show_lines=False)
    for header in ("cli.col_file", "cli.col_kind", "cli.col_rows", "cli.col_rejected", "cli.col_encoding", "cli.col_sha"):
        table.add_column(tr(header))
    for f in run.inputs:
        table.add_row(f.name, kind_label(f.kind), str(f.rows_taken), str(f.rows_rejected),
                      f.encoding or "Excel", f.sha256[:16] + "…")
    console.print(table)
    for f in run.inputs:  # files without rows: their paragraphs (or records) read, taken and unread
        if f.accounting is not None:
            console.print(styled(accounting_line(f.name, f.accounting), "dim"))


def _print_issues(console: Console, run: AuditRun) -> None:
    issues = [i for result in run.imports.values() for i in result.issues]
    if not issues:
        return
    counts = {s: sum(1 for i in issues if i.severity is s) for s in Severity}
    console.print(tr("cli.issues_line", rejected=counts[Severity.REJECTED], warnings=counts[Severity.WARNING],
                     notes=counts[Severity.INFO]))
    order = {Severity.REJECTED: 0, Severity.WARNING: 1, Severity.INFO: 2}
    shown = sorted(issues, key=lambda i: order[i.severity])[:MAX_ISSUES_SHOWN]
    styles = {Severity.REJECTED: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
    for issue in shown:
        label = tr(f"cli.severity_{issue.severity.value}")
        console.print(styled(f"  [{label}] {issue}", style=styles[issue.severity]))
    if len(issues) > len(shown):
        console.print(tr("cli.issues_more", count=len(issues) - len(shown)))


def _print_summary(console: Console, run: AuditRun) -> None:
    report = run.report
    assert report is not None
    table = Table(title=tr("cli.summary_title"), title_justify="left")
    table.add_column(tr("cli.col_rule"))
    table.add_column(tr("cli.col_rule_name"))
    table.add_column(tr("cli.col_threshold"))
    for level in report.levels:
        table.add_column(level_name(level), justify="left")
    for rule_id in report.rules:
        findings = report.of(rule_id)
        if not findings:
            continue
        cells = []
        for level in report.levels:
            finding = report.get(rule_id, level)
            if finding is None:
                cells.append(styled(""))
                continue
            symbol, style = _STYLE[finding.status]
            symbol = _shown(console, symbol)
            cells.append(styled(f"{symbol} {_value(finding.measured, finding.unit)}", style=style))
        table.add_row(rule_id, rule(rule_id).name, _threshold(findings[0]), *cells)
    console.print(table)
    console.print(_shown(console, tr("cli.legend")))
    console.print(tr("cli.totals", total=len(report.findings), passed=report.count(Status.PASS),
                     failed=report.count(Status.FAIL), warned=report.count(Status.WARN), na=report.count(Status.NA),
                     waived=report.count(Status.WAIVED)))


def _print_problems(console: Console, run: AuditRun, details: bool) -> None:
    report = run.report
    assert report is not None
    problems = [f for f in report.findings if f.status is not Status.PASS]
    if not problems:
        return
    console.print()
    console.print(styled(tr("cli.problems_title"), style="bold"))
    for finding in problems:
        symbol, style = _STYLE[finding.status]
        head = _shown(console, f"{symbol} {finding.rule}·{level_name(finding.level)}")
        console.print(styled(head, style=style), finding.message)
        if finding.waiver_reason:
            console.print(f"    {tr('cli.waived_because', reason=finding.waiver_reason)}")
        console.print(styled(f"    {tr('cli.clause', line=finding.sheet_line, source=finding.source)}", style="dim"))
        rows = sum(len(e) for e in finding.evidence)
        if details:
            for evidence in finding.evidence:
                _print_evidence(console, evidence)
        elif rows:
            console.print(styled(f"    {tr('cli.evidence_hint', rows=rows)}", style="dim"))


def _print_evidence(console: Console, evidence) -> None:
    if not evidence.rows:
        return
    table = Table(title=evidence.title, title_justify="left", show_edge=False, pad_edge=False)
    for _, label in evidence.columns:
        table.add_column(label)
    for row in evidence.rows[:MAX_EVIDENCE_ROWS]:
        table.add_row(*("" if row.get(key) is None else str(row.get(key)) for key, _ in evidence.columns))
    console.print(table)
    if len(evidence.rows) > MAX_EVIDENCE_ROWS:
        console.print(styled(f"    {tr('cli.evidence_more', count=len(evidence.rows) - MAX_EVIDENCE_ROWS)}", style="dim"))
