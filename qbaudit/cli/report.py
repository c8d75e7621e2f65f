"""``qbaudit report`` and the report options of ``qbaudit check``.

    qbaudit report AUDIT --out 报告.docx [--problems 问题清单.xlsx|.docx] [--notice 整改通知书.docx]
                   [--findings 结论.xlsx] [--revision N] [--authority 发文机关] [--by 督导员]
    qbaudit check … --report 报告.docx [--problems 问题清单.xlsx] [--findings 结论.xlsx]
                    [--institution 机构] [--registration 备案号]

``report`` renders the stored audit (the latest revision, or ``--revision``) and records every file it
writes as an export of that revision (file name, SHA-256, time). ``check --report`` renders the run it
just made, scored on the proposition sheet with the checks' suggestions only — a quick check, and
the documents say so.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qbaudit import plumbing
from qbaudit.cli.common import failed as _failed
from qbaudit.cli.common import open_store
from qbaudit.i18n import tr
from qbaudit.plumbing import EXIT_OK


def add_report_command(commands: Any) -> None:
    """Add ``report`` to the subcommands of ``qbaudit``."""
    report = commands.add_parser("report", help=tr("cli_report.help"), description=tr("cli_report.description"))
    report.add_argument("audit_id", type=int, metavar=tr("cli_audit.metavar_id"), help=tr("cli_audit.help_id"))
    report.add_argument("--out", required=True, type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_report.help_out"))
    _document_options(report)
    report.add_argument("--notice", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_report.help_notice"))
    report.add_argument("--authority", metavar=tr("cli_audit.metavar_name"), help=tr("cli_report.help_authority"))
    report.add_argument("--revision", type=int, metavar="N", help=tr("cli_audit.help_revision"))
    report.add_argument("--by", metavar=tr("cli_audit.metavar_name"), help=tr("cli_report.help_by"))
    report.add_argument("--database", metavar="URL", help=tr("cli_audit.help_database"))
    report.set_defaults(func=_cmd_report)


def _document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--problems", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_report.help_problems"))
    parser.add_argument("--findings", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_report.help_findings"))


def add_check_report_options(check: argparse.ArgumentParser) -> None:
    """Add ``--report``, ``--problems``, ``--findings``, ``--institution`` and ``--registration`` to ``check``."""
    check.add_argument("--report", type=Path, metavar=tr("cli.metavar_file"), help=tr("cli_report.help_report"))
    _document_options(check)
    check.add_argument("--institution", metavar=tr("cli_audit.metavar_name"), help=tr("cli_report.help_institution"))
    check.add_argument("--registration", metavar=tr("cli_audit.metavar_number"), help=tr("cli_audit.help_registration"))


def wants_documents(args: argparse.Namespace) -> bool:
    """True when ``check`` was asked for any document."""
    return any(getattr(args, name, None) is not None for name in ("report", "problems", "findings"))


def _print_outcome(console: Any, key: str, outcome: Any) -> None:
    from qbaudit.visible import styled

    console.print(tr(key, file=str(outcome.path), seconds=f"{outcome.seconds:.1f}", charts=outcome.charts))
    for warning in outcome.warnings:
        console.print(styled(warning, style="bold yellow"), soft_wrap=True)


def print_outcomes(console: Any, outcomes: list[tuple[str, Any]]) -> None:
    """Say what was written (once it is in place): one line per document, with its warnings."""
    for kind, outcome in outcomes:
        _print_outcome(console, f"cli_report.{kind}_written", outcome)


def _documents(args: argparse.Namespace, notice: bool) -> list[tuple[str, Path]]:
    """The documents asked for, (kind, path), in the order they are written."""
    out = getattr(args, "out", None) or getattr(args, "report", None)
    wanted = [("report", out), ("problems", args.problems), ("findings", args.findings)]
    if notice:
        wanted.append(("notice", args.notice))
    return [(kind, Path(path)) for kind, path in wanted if path is not None]


def write_quick_documents(console: Any, run: Any, args: argparse.Namespace, staged: Any,
                          state: Any = None) -> list[tuple[str, Any]] | None:
    """``check --report …``: the documents of a quick check from the run just made, written to ``staged``
    temporary files; returns ``(kind, outcome)`` of each, or None (the reason printed) when they cannot be."""
    from qbaudit.operations import ExportError, write_documents
    from qbaudit.report import report_from_run

    if not run.ok:
        _failed(console, tr("cli_report.no_run"))
        return None
    data = report_from_run(run, institution=args.institution, registration_number=args.registration)
    try:
        return write_documents(data, _documents(args, notice=False), staged, state=state)
    except ExportError as exc:
        _failed(console, exc.user_message())
        return None


def _cmd_report(args: argparse.Namespace) -> int:
    from qbaudit.console_progress import ConsoleProgress
    from qbaudit.operations import export_documents

    console = plumbing.console()
    with open_store(args) as store, ConsoleProgress() as progress:
        # Written whole to temporary files, moved into place and recorded only once every one is complete
        # (a refusal, a failure or Ctrl+C before that leaves the files and the record as they were).
        changes = export_documents(store, args.audit_id, _documents(args, notice=True), revision=args.revision,
                                   by=args.by, authority=args.authority,
                                   state=progress.task(tr("console_progress.documents")))
        view = store.load(args.audit_id, args.revision)
    written = changes.result
    print_outcomes(console, written)
    if written:
        console.print(tr("cli_report.recorded", count=len(written), id=view.id, revision=view.revision.number))
    return EXIT_OK
