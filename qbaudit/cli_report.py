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

from qbaudit.i18n import tr

EXIT_OK, EXIT_INPUT = 0, 3


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


def _write(console: Any, data: Any, args: argparse.Namespace, notice: bool) -> list[tuple[str, Path]]:
    """Write the documents asked for; returns ``(kind, path)`` of each written. Raises OSError."""
    from qbaudit.report import write_document

    out = getattr(args, "out", None) or getattr(args, "report", None)
    wanted = [("report", out), ("problems", args.problems), ("findings", args.findings)]
    if notice:
        wanted.append(("notice", args.notice))
    written = []
    for kind, path in wanted:
        if path is None:
            continue
        outcome = write_document(kind, data, path, authority=getattr(args, "authority", None))
        _print_outcome(console, f"cli_report.{kind}_written", outcome)
        written.append((kind, path))
    return written


def _failed(console: Any, message: str) -> int:
    from qbaudit.visible import styled

    console.print(styled(message, style="red"), soft_wrap=True)
    return EXIT_INPUT


def _unwritable(exc: OSError) -> str:
    return tr("cli_report.write_failed", file=str(exc.filename or ""), reason=exc.strerror or str(exc))


def write_quick_documents(console: Any, run: Any, args: argparse.Namespace) -> int:
    """``check --report …``: the documents of a quick check from the run just made."""
    from qbaudit.report import report_from_run

    if not run.ok:
        return _failed(console, tr("cli_report.no_run"))
    data = report_from_run(run, institution=args.institution, registration_number=args.registration)
    try:
        _write(console, data, args, notice=False)
    except OSError as exc:
        return _failed(console, _unwritable(exc))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from qbaudit.cli_audit import _console, _expected_errors, _store
    from qbaudit.report import document_refusal, report_from_view

    console = _console()
    try:
        with _store(args) as store:
            view = store.load(args.audit_id, args.revision)
            data = report_from_view(view)
            for kind, path in (("notice", args.notice), ("findings", args.findings)):
                refusal = document_refusal(kind, data) if path is not None else None
                if refusal:
                    return _failed(console, refusal)
            try:
                written = _write(console, data, args, notice=True)
            except OSError as exc:
                return _failed(console, _unwritable(exc))
            for kind, path in written:
                store.record_export(view.id, path, kind, by=args.by, revision=view.revision.number)
            if written:
                console.print(tr("cli_report.recorded", count=len(written), id=view.id, revision=view.revision.number))
    except _expected_errors() as exc:
        return _failed(console, str(exc))
    return EXIT_OK
