"""``qbaudit batch``: a province's (city's) special review in one run — the centre's command.

    qbaudit batch 清单.xlsx [--name 2026年专项督导] [--date 2026-12-10] [--sheet 评分表] [--profile 档案]
                  [--inspector 姓名:角色[:卡号] …] [--out 结果文件夹] [--database URL]
                  [--workers N | --scheduler tcp://主机:8786] [--no-documents]
    qbaudit batch 机构文件夹/ …                    (one sub-folder per institution: see the README)
    qbaudit batch --template 清单.xlsx             (a manifest template to fill in)

Exit status: 0 when every row was audited (or skipped as unchanged), 3 when some row was reported or the
manifest cannot be used, 130 when stopped by Ctrl+C (a second run resumes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from qbaudit import plumbing
from qbaudit.i18n import tr
from qbaudit.plumbing import EXIT_INPUT, EXIT_OK, EXIT_USAGE
from qbaudit.plumbing import EXIT_INTERRUPTED as EXIT_STOPPED


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("batch.bad_date", value=text)) from None


def _workers(text: str) -> int:
    if not re.fullmatch(r"\d{1,3}", text.strip()):
        raise argparse.ArgumentTypeError(tr("batch.bad_workers", value=text))
    return int(text)


def _inspector(text: str) -> Any:
    from qbaudit.batch.manifest import parse_inspectors

    people, bad = parse_inspectors(text)
    if bad is not None or len(people) != 1:
        raise argparse.ArgumentTypeError(tr("batch.bad_inspector", value=text))
    return people[0]


def add_batch_command(commands: Any) -> argparse.ArgumentParser:
    """Add ``batch`` to the subcommands of ``qbaudit``."""
    batch = commands.add_parser("batch", help=tr("batch.help"), description=tr("batch.description"))
    batch.add_argument("source", nargs="?", type=Path, metavar=tr("batch.metavar_source"), help=tr("batch.help_source"))
    batch.add_argument("--template", type=Path, metavar=tr("batch.metavar_file"), help=tr("batch.help_template"))
    batch.add_argument("--name", metavar=tr("batch.metavar_name"), help=tr("batch.help_name"))
    batch.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help=tr("batch.help_date"))
    batch.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=tr("batch.help_as_of"))
    batch.add_argument("--profile", metavar=tr("batch.metavar_profile"), help=tr("batch.help_profile"))
    batch.add_argument("--sheet", metavar=tr("batch.metavar_sheet"), help=tr("batch.help_sheet"))
    batch.add_argument("--inspector", action="append", type=_inspector, default=[],
                       metavar=tr("batch.metavar_inspector"), help=tr("batch.help_inspector"))
    batch.add_argument("--out", type=Path, metavar=tr("batch.metavar_folder"), help=tr("batch.help_out"))
    batch.add_argument("--database", metavar="URL", help=tr("batch.help_database"))
    where = batch.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_workers, metavar="N", help=tr("batch.help_workers"))
    where.add_argument("--scheduler", metavar="tcp://…", help=tr("batch.help_scheduler"))
    batch.add_argument("--no-documents", action="store_true", help=tr("batch.help_no_documents"))
    batch.set_defaults(func=run_batch_command)
    return batch


def _console() -> Any:
    return plumbing.console()


def run_batch_command(args: argparse.Namespace) -> int:
    """``qbaudit batch``."""
    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.batch.manifest import read_rows, write_template
    from qbaudit.errors import QbauditError
    from qbaudit.visible import styled

    console = _console()
    if args.template is not None:
        try:
            path = write_template(args.template)
        except OSError as exc:
            console.print(styled(tr("batch.template_failed", file=str(args.template), reason=exc.strerror or str(exc)),
                                 "red"))
            return EXIT_INPUT
        console.print(tr("batch.template_written", file=str(path)))
        return EXIT_OK
    if args.source is None:
        console.print(styled(tr("batch.no_source"), "red"))
        return EXIT_USAGE
    try:
        manifest = read_rows(args.source)
        profile = load_profile(args.profile)
        sheet = load_sheet(args.sheet)
    except QbauditError as exc:  # a manifest, profile or sheet that cannot be used
        console.print(styled(exc.user_message(), "red"))
        return EXIT_INPUT
    plan = _plan(args, manifest, profile, sheet)
    for note in manifest.notes:
        console.print(styled(note, "yellow"))
    unnamed = [row for row in manifest.rows if not row.inspectors and not plan.inspectors]
    if unnamed:
        console.print(styled(tr("batch.inspectors_needed", where=unnamed[0].where, count=len(unnamed)), "red"))
        return EXIT_USAGE
    return _run(args, console, manifest, plan)


def _plan(args: argparse.Namespace, manifest: Any, profile: Any, sheet: Any) -> Any:
    from qbaudit.batch.row import BatchPlan

    source = Path(args.source)
    date = args.date or dt.date.today()
    name = (args.name or tr("batch.default_name", year=date.year, source=source.stem or source.name)).strip()
    out = args.out or source.resolve().parent / tr("batch.out_folder", name=name)
    return BatchPlan(name=name, date=date, profile=profile, sheet=sheet, as_of=args.as_of or date, out=out,
                     inspectors=tuple(args.inspector), documents=not args.no_documents)


def _run(args: argparse.Namespace, console: Any, manifest: Any, plan: Any) -> int:
    from qbaudit.batch.report import print_outcome
    from qbaudit.console_progress import ConsoleProgress
    from qbaudit.settings import load_settings
    from qbaudit.store import AuditStore, StoreError
    from qbaudit.visible import styled

    try:
        store = AuditStore.open(args.database, load_settings().database_url)
    except StoreError as exc:
        console.print(styled(str(exc), "red"))
        return EXIT_INPUT
    with store, ConsoleProgress() as progress:
        console.print(tr("batch.starting", name=plan.name, rows=len(manifest.rows), reported=len(manifest.problems),
                         sheet=plan.sheet.name, profile=plan.profile.name))
        try:
            summary, run = run_batch(manifest, plan, store, progress, workers=args.workers, scheduler=args.scheduler)
        except OSError as exc:  # the centre's scheduler cannot be reached (or a local cluster cannot start)
            console.print(styled(tr("batch.no_cluster", reason=str(exc) or type(exc).__name__), "red"))
            return EXIT_INPUT
        if summary is None:
            audited, unchanged, reported = run.counts()
            console.print(styled(tr("batch.stopped", audited=audited, unchanged=unchanged, reported=reported,
                                    left=len(manifest.rows) - len(run.done) - (reported - len(manifest.problems))),
                                 "yellow"))
            return EXIT_STOPPED
        written = write_documents(console, summary, plan, progress)
    print_outcome(console, summary, written)
    return EXIT_INPUT if summary.problems else EXIT_OK


def run_batch(manifest: Any, plan: Any, store: Any, progress: Any, *, workers: int | None = None,
              scheduler: str | None = None) -> tuple[Any, Any]:
    """Audit and record every row, compare the institutions' banks, and read the results back: returns the
    :class:`~qbaudit.batch.summary.BatchSummary` (None when stopped by Ctrl+C) and the rows' run."""
    from qbaudit.batch.runner import cross_institution, dask_client, run_rows

    with dask_client(workers, scheduler) as client:
        task = progress.task(tr("batch.progress_title", name=plan.name), total=len(manifest.rows))
        run = run_rows(manifest, plan, store, client=client, task=task)
        if run.cancelled:
            task.done(tr("batch.stopped_short"))
            return None, run
        task.done()
        cross_task = progress.task(tr("batch.progress_cross"))
        groups, seconds = cross_institution(run, plan, client, cross_task)
        cross_task.done()
    return _summary(store, plan, manifest, run, groups, seconds), run


def _summary(store: Any, plan: Any, manifest: Any, run: Any, groups: list[Any], seconds: float) -> Any:
    from qbaudit.batch.summary import BatchSummary, CrossFigures, summarise_row

    results = [summarise_row(store, plan, d.row, d.status, d.audit_id, d.outcome.documents, d.outcome.warnings)
               for d in sorted(run.done, key=lambda d: d.row.number)]
    cross = CrossFigures(groups, seconds=seconds,
                         where="cluster" if run.workers != tr("batch.in_process") else "process")
    return BatchSummary(plan.name, plan.date, plan.profile, plan.sheet, plan.as_of, str(manifest.source), results,
                        run.problems, cross, notes=list(manifest.notes), rows_read=manifest.rows_read,
                        seconds=run.seconds, workers=run.workers, row_seconds=run.row_seconds)


def write_documents(console: Any, summary: Any, plan: Any, progress: Any) -> list[Path]:
    """The summary workbook and report, written whole and moved into place together."""
    from qbaudit.atomic import StagedFiles
    from qbaudit.batch.documents import write_summary_report, write_summary_workbook
    from qbaudit.batch.manifest import batch_settings
    from qbaudit.visible import styled

    if not plan.documents:
        return []
    names = batch_settings()["documents"]
    workbook, report = plan.out / names["summary_workbook"], plan.out / names["summary_report"]
    task = progress.task(tr("batch.progress_documents"))
    try:
        with StagedFiles() as staged:
            write_summary_workbook(summary, staged.path(workbook))
            task.set_progress(0.3, names["summary_workbook"])
            write_summary_report(summary, staged.path(report), state=task)
            staged.commit()
    except OSError as exc:
        console.print(styled(tr("batch.documents_failed", folder=str(plan.out), reason=exc.strerror or str(exc)), "red"))
        return []
    task.done()
    return [workbook, report]
