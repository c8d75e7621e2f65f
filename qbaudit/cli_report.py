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
_WEIGHT = {"report": 6}  # the Word report draws charts: several times the other documents' time


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


def _write(data: Any, args: argparse.Namespace, notice: bool, staged: Any, state: Any) -> list[tuple[str, Any]]:
    """Write the documents asked for to ``staged`` temporary files (moved into place by the caller once all
    are written); returns ``(kind, outcome)`` of each, the outcome naming the final path. Raises OSError
    naming the final file."""
    from qbaudit.analysis.progress import NullState, ScaledState, checkpoint
    from qbaudit.report import write_document

    state = state or NullState()
    out = getattr(args, "out", None) or getattr(args, "report", None)
    wanted = [("report", out), ("problems", args.problems), ("findings", args.findings)]
    if notice:
        wanted.append(("notice", args.notice))
    wanted = [(kind, Path(path)) for kind, path in wanted if path is not None]
    # Shares of the progress: the Word report (its charts) takes most of the time.
    weights = [_WEIGHT.get(kind, 1) for kind, _ in wanted]
    starts = [sum(weights[:index]) / sum(weights) for index in range(len(wanted))]
    written = []
    for index, (kind, path) in enumerate(wanted):
        checkpoint(state, starts[index], tr("console_progress.writing", kind=tr(f"cli_report.kind_{kind}"),
                                            file=path.name))
        try:
            outcome = write_document(kind, data, staged.path(path), authority=getattr(args, "authority", None),
                                     state=ScaledState(state, starts[index], weights[index] / sum(weights)))
        except OSError as exc:  # name the file the user asked for, not its temporary name
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        outcome.path = path
        written.append((kind, outcome))
    return written


def _failed(console: Any, message: str) -> int:
    from qbaudit.visible import styled

    console.print(styled(message, style="red"), soft_wrap=True)
    return EXIT_INPUT


def _unwritable(exc: OSError) -> str:
    return tr("cli_report.write_failed", file=str(exc.filename or ""), reason=exc.strerror or str(exc))


def write_quick_documents(console: Any, run: Any, args: argparse.Namespace, staged: Any,
                          state: Any = None) -> list[tuple[str, Any]] | None:
    """``check --report …``: the documents of a quick check from the run just made, written to ``staged``
    temporary files; returns ``(kind, outcome)`` of each, or None (the reason printed) when they cannot be."""
    from qbaudit.report import report_from_run

    if not run.ok:
        _failed(console, tr("cli_report.no_run"))
        return None
    data = report_from_run(run, institution=args.institution, registration_number=args.registration)
    try:
        return _write(data, args, notice=False, staged=staged, state=state)
    except OSError as exc:
        _failed(console, _unwritable(exc))
        return None


def _cmd_report(args: argparse.Namespace) -> int:
    from qbaudit.analysis.progress import ScaledState, checkpoint
    from qbaudit.atomic import StagedFiles
    from qbaudit.cli_audit import _console, _expected_errors, _store
    from qbaudit.console_progress import ConsoleProgress
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
            # Every document is written to a temporary file first; all are moved into place and recorded
            # only once every one is complete (Ctrl+C before that leaves the files and the record as they were).
            with ConsoleProgress() as progress, StagedFiles() as staged:
                task = progress.task(tr("console_progress.documents"))
                try:
                    written = _write(data, args, notice=True, staged=staged, state=ScaledState(task, 0.0, 0.9))
                except OSError as exc:
                    return _failed(console, _unwritable(exc))
                checkpoint(task, 0.92, tr("console_progress.moving"))
                try:
                    staged.commit()
                except OSError as exc:
                    return _failed(console, _unwritable(exc))
                task.set_progress(0.95, tr("console_progress.recording"))  # in place now: no stopping halfway
                for kind, outcome in written:
                    store.record_export(view.id, outcome.path, kind, by=args.by, revision=view.revision.number)
            print_outcomes(console, written)
            if written:
                console.print(tr("cli_report.recorded", count=len(written), id=view.id, revision=view.revision.number))
    except _expected_errors() as exc:
        return _failed(console, str(exc))
    return EXIT_OK
