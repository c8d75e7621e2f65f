"""Writing the documents of an audit (the Word report, the problem list, the notice, the findings) and
recording each as an export of its revision; the documents of a quick check from a run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qbaudit.analysis.progress import NullState, ScaledState, TaskState, checkpoint
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr
from qbaudit.operations.changes import Changes

_WEIGHT = {"report": 6}  # the Word report draws charts: several times the other documents' time


class ExportError(QbauditError):
    """A document that does not apply to the audit, or a file that cannot be written."""


def export_refusal(view: Any, kind: str, *, require_run: bool = False) -> str | None:
    """Why document ``kind`` cannot be written from a loaded audit now (None when it can). With
    ``require_run`` a sheet informed by the checks needs a check run first (the window asks that)."""
    from qbaudit.analysis.sheets import uses_checks
    from qbaudit.report import DOCUMENTS, document_refusal, report_from_view

    if kind not in DOCUMENTS:
        raise ValueError(f"unknown export kind {kind!r}")
    if require_run and view.run is None and uses_checks(view.sheet):
        return tr("workbench.no_run")
    return document_refusal(kind, report_from_view(view))


def write_documents(data: Any, documents: Sequence[tuple[str, Path]], staged: Any, *, authority: str | None = None,
                    state: TaskState | None = None) -> list[tuple[str, Any]]:
    """Write ``documents`` (kind, final path) from the report model ``data`` to ``staged`` temporary files (see
    :class:`~qbaudit.atomic.StagedFiles`: moved into place by the caller once all are written); returns
    ``(kind, outcome)`` of each, the outcome naming the final path. Raises :class:`ExportError` naming the
    final file when one cannot be written."""
    from qbaudit.report import write_document

    state = state or NullState()
    # Shares of the progress: the Word report (its charts) takes most of the time.
    weights = [_WEIGHT.get(kind, 1) for kind, _ in documents]
    starts = [sum(weights[:index]) / sum(weights) for index in range(len(documents))]
    written = []
    for index, (kind, path) in enumerate(documents):
        path = Path(path)
        checkpoint(state, starts[index], tr("console_progress.writing", kind=tr(f"cli_report.kind_{kind}"),
                                            file=path.name))
        try:
            outcome = write_document(kind, data, staged.path(path), authority=authority,
                                     state=ScaledState(state, starts[index], weights[index] / sum(weights)))
        except OSError as exc:  # name the file the user asked for, not its temporary name
            raise unwritable(exc, path) from exc
        outcome.path = path
        written.append((kind, outcome))
    return written


def unwritable(exc: OSError, path: Path | str | None = None) -> ExportError:
    """The message for a file that cannot be written (the path asked for, else the one the error names)."""
    return ExportError(tr("cli_report.write_failed", file=str(path or exc.filename or ""),
                          reason=exc.strerror or str(exc)))


def export_documents(store: Any, audit_id: int, documents: Sequence[tuple[str, Path]], *,
                     revision: int | None = None, by: str | None = None, authority: str | None = None,
                     require_run: bool = False, state: TaskState | None = None) -> Changes:
    """Write ``documents`` (kind, path) of a revision of the audit (default the latest) and record each as an
    export; ``result`` is ``[(kind, ReportOutcome), …]``. Every document is written to a temporary file first
    and all are moved into place and recorded only once every one is complete: a refusal, a failure or a
    cancel before that leaves the files and the record as they were. Raises :class:`ExportError`."""
    from qbaudit.atomic import StagedFiles
    from qbaudit.report import report_from_view

    state = state or NullState()
    view = store.load(audit_id, revision)
    for kind, _path in documents:
        refusal = export_refusal(view, kind, require_run=require_run)
        if refusal:
            raise ExportError(refusal)
    data = report_from_view(view)
    with StagedFiles() as staged:
        written = write_documents(data, documents, staged, authority=authority, state=ScaledState(state, 0.0, 0.9))
        checkpoint(state, 0.92, tr("console_progress.moving"))
        try:
            staged.commit()
        except OSError as exc:
            raise unwritable(exc) from exc
        state.set_progress(0.95, tr("console_progress.recording"))  # in place now: no stopping halfway
        for kind, outcome in written:
            store.record_export(view.id, outcome.path, kind, by=by, revision=view.revision.number)
    return Changes(export=bool(written), result=written)
