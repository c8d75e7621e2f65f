"""Scheduling a review's rows: on Dask (a local cluster sized to the machine, or a centre's scheduler) or in this
process, with the driver the only one that writes to the audit record.

Each row goes to :func:`~qbaudit.batch.row.audit_row` where its files are read; the driver takes the outcomes as
they come, records them (:func:`~qbaudit.batch.row.record_row`), counts them on the progress bar, and stops
cleanly on Ctrl+C (what is recorded stays recorded; the rows not yet done are cancelled and a second run does
them). Every row read ends in exactly one of: audited, skipped as unchanged, reported — asserted.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from qbaudit.batch.manifest import BatchRow, Manifest, RowProblem
from qbaudit.batch.row import BatchPlan, RowOutcome, audit_row, find_row_audit, record_row
from qbaudit.i18n import tr

_log = logging.getLogger(__name__)
ENV_SCHEDULER = "QBAUDIT_DASK_SCHEDULER"  # a centre's scheduler (tcp://host:8786) when --scheduler is not given
MEMORY_PER_WORKER = 2 * 1024**3  # the tool's own figure: one row's bank, its checks and its documents
# One worker process per core, each single-threaded: the libraries' own thread pools would fight over the cores.
WORKER_ENV = {"POLARS_MAX_THREADS": "1", "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1"}


@dataclass
class Done:
    """A row done: how, its audit in the record, its documents and notes."""

    row: BatchRow
    status: str  # audited / unchanged
    audit_id: int
    outcome: RowOutcome
    warnings: list[Any] = field(default_factory=list)


@dataclass
class BatchRun:
    """What the rows came to: done (audited or unchanged), reported, and the signatures (or their futures)."""

    done: list[Done] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)
    cancelled: bool = False
    workers: str = ""
    seconds: float = 0.0
    row_seconds: list[float] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int]:
        """(audited, unchanged, reported)."""
        audited = sum(1 for d in self.done if d.status == "audited")
        return audited, len(self.done) - audited, len(self.problems)


def machine_workers() -> int:
    """Workers for a local cluster sized to this machine: one per core, no more than its memory holds."""
    import psutil

    cores = os.cpu_count() or 1
    by_memory = max(1, int(psutil.virtual_memory().available // MEMORY_PER_WORKER))
    return max(1, min(cores, by_memory))


@contextmanager
def dask_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: of the centre's scheduler at ``scheduler`` (or ``QBAUDIT_DASK_SCHEDULER``), else of a local
    cluster of ``workers`` processes (None: sized to the machine), one thread each, no dashboard. ``workers == 0``
    and no scheduler: no Dask at all (yields None)."""
    if workers == 0 and not scheduler:
        yield None
        return
    scheduler = scheduler or (os.environ.get(ENV_SCHEDULER) if workers is None else None) or None
    from distributed import Client, LocalCluster  # a dependency of qbaudit (pyproject.toml), as of the app bundle

    if scheduler is not None:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    count = workers if workers is not None else machine_workers()
    # The local workers share this machine's kernel cache: compile them here, once and said once, rather than
    # in every worker at the same time (each would compile and say so).
    from qbaudit.analysis.kernel_cache import load_kernels

    load_kernels()
    # No dashboard; the scheduler's own small HTTP server (health, metrics) listens on this machine only, on
    # another port when 8787 is taken (Dask's warning about it is not for the inspector).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1", silence_logs=logging.CRITICAL, env=WORKER_ENV)
    with cluster, Client(cluster) as client:
        yield client


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _second(pair: tuple[Any, Any]) -> Any:
    return pair[1]


def run_rows(manifest: Manifest, plan: BatchPlan, store: Any, *, client: Any, task: Any,
             on_done: Callable[[str], None] | None = None) -> BatchRun:
    """Audit every row of ``manifest`` (on ``client``'s workers, or in this process when None) and record each on
    this process. ``task`` is the progress bar (a counted :class:`~qbaudit.console_progress.ConsoleTask`); its
    ``is_cancelled()`` stops the run at the next row."""
    started = time.perf_counter()
    result = BatchRun(problems=list(manifest.problems))
    recorded = {row.number: _recorded_key(store, plan, row) for row in manifest.rows}
    if client is None:
        result.workers = tr("batch.in_process")
        _run_here(manifest.rows, plan, store, recorded, task, result)
    else:
        result.workers = _describe(client)
        _run_on(client, manifest.rows, plan, store, recorded, task, result)
    result.seconds = time.perf_counter() - started
    if not result.cancelled:
        audited, unchanged, reported = result.counts()
        assert manifest.rows_read == audited + unchanged + reported, "rows in = audited + unchanged + reported"
    return result


def _recorded_key(store: Any, plan: BatchPlan, row: BatchRow) -> str | None:
    found = find_row_audit(store, plan, row, row.occupation)
    return found[1] if found else None


def _describe(client: Any) -> str:
    info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 1) for w in workers.values())
    return tr("batch.on_cluster", address=info.get("address", ""), workers=len(workers), threads=threads)


class _Stopper:
    """The batch's Ctrl+C for a row run in this process: the row stops at its next checkpoint (its own steps are
    not shown; the bar counts rows)."""

    def __init__(self, task: Any) -> None:
        self.task = task

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Steps within a row are not shown."""

    def is_cancelled(self) -> bool:
        """True once the user pressed Ctrl+C."""
        return bool(self.task.is_cancelled())


def _run_here(rows: list[BatchRow], plan: BatchPlan, store: Any, recorded: dict[int, str | None], task: Any,
              result: BatchRun) -> None:
    from qbaudit.analysis.progress import Cancelled

    for row in rows:
        if task.is_cancelled():
            result.cancelled = True
            return
        try:
            outcome, signature = audit_row(row, plan, recorded[row.number], state=_Stopper(task))
        except Cancelled:
            result.cancelled = True
            return
        except Exception as exc:  # noqa: BLE001 - one row's surprise is that row's problem; the batch goes on
            outcome, signature = _crashed(row, exc), None
        _take(row, outcome, signature, plan, store, task, result)


def _run_on(client: Any, rows: list[BatchRow], plan: BatchPlan, store: Any, recorded: dict[int, str | None],
            task: Any, result: BatchRun) -> None:
    from distributed import wait

    plan_future = client.scatter(plan, broadcast=True)
    pairs = {row.number: client.submit(audit_row, row, plan_future, recorded[row.number], pure=False,
                                       key=f"row-{row.number}-{os.getpid()}-{time.monotonic_ns()}") for row in rows}
    outcomes = {client.submit(_first, pair, pure=False): number for number, pair in pairs.items()}
    by_number = {row.number: row for row in rows}
    pending = set(outcomes)
    while pending:
        if task.is_cancelled():
            result.cancelled = True
            client.cancel(list(pending) + list(pairs.values()))
            return
        try:
            finished, pending = wait(pending, timeout=0.5, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished in the half second: look at Ctrl+C again
            continue
        for future in finished:
            number = outcomes[future]
            row = by_number[number]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker's surprise is that row's problem
                outcome = _crashed(row, exc)
            signature = client.submit(_second, pairs[number], pure=False) if outcome.status != "failed" else None
            _take(row, outcome, signature, plan, store, task, result)


def _crashed(row: BatchRow, exc: BaseException) -> RowOutcome:
    # The exception's type only: its text may quote the bank.
    _log.error("batch row %d failed unexpectedly: %s", row.number, type(exc).__name__,
               exc_info=(type(exc), exc, exc.__traceback__))
    return RowOutcome(row.number, "failed", reason=tr("batch.row_crashed", kind=type(exc).__name__))


def _take(row: BatchRow, outcome: RowOutcome, signature: Any, plan: BatchPlan, store: Any, task: Any,
          result: BatchRun) -> None:
    """Record one row's outcome on the driver and count it."""
    from qbaudit.store import StoreError

    result.row_seconds.append(outcome.seconds)
    text = tr("batch.progress_row", row=row.label)
    if outcome.status == "failed":
        result.problems.append(RowProblem(row.where, row.institution, row.occupation, outcome.reason))
        task.advance(1, text)
        return
    try:
        if outcome.status == "unchanged":
            found = find_row_audit(store, plan, row, row.occupation)
            assert found is not None
            done = Done(row, "unchanged", found[0], outcome)
        else:
            audit_id, warnings = record_row(store, plan, row, outcome)
            done = Done(row, "audited", audit_id, outcome, warnings)
    except StoreError as exc:
        result.problems.append(RowProblem(row.where, row.institution, row.occupation,
                                          tr("batch.not_recorded", reason=str(exc))))
        task.advance(1, text)
        return
    result.done.append(done)
    if signature is not None:
        result.signatures.append(signature)
    task.advance(1, text)


def cross_institution(run: BatchRun, plan: BatchPlan, client: Any, state: Any) -> tuple[list[Any], float]:
    """The cross-institution duplicate groups of the rows' signatures, on the cluster when there is one, and the
    seconds it took."""
    from qbaudit.batch import crossdup

    started = time.perf_counter()
    groups = crossdup.cross_duplicates(run.signatures, plan.profile, client=client, state=state)
    return list(groups), time.perf_counter() - started
