"""One audit open for work: its record in the store, its inputs in memory, its last check run.

The window drives an audit through a :class:`Workbench` and nothing else; every step is a plain call
that a test (or a script) can make without Qt. Long steps take a
:class:`~qbaudit.analysis.progress.TaskState` so the window can show progress and cancel them.

Reading an input never changes the workbench: :meth:`Workbench.read` returns the result and
:meth:`Workbench.accept` takes it. A cancelled or refused import therefore leaves the audit as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbaudit.analysis.importers.outcome import ImportResult
from qbaudit.analysis.inputs import KINDS, NEEDS_BANK, REQUIRED, ImportOptions, import_input, kind_label
from qbaudit.analysis.profile import Profile, load_profile
from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.i18n import tr

_log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Source:
    """Where an input comes from and how it is read."""

    paths: tuple[Path, ...]
    options: ImportOptions = field(default_factory=ImportOptions)


class WorkbenchError(Exception):
    """A step that cannot be done now; ``str()`` is a Chinese sentence saying what to do."""


class Workbench:
    """An audit open in the window (or a script): the store's record plus the inputs read this session.

    Args:
        store: the :class:`~qbaudit.store.AuditStore` holding the audit.
        audit_id: the audit.
        profile: the rule profile (default: the one of the audit's last run, else the national one).
        as_of: the date the checks judge at (default: the last run's, else today).
    """

    def __init__(self, store: Any, audit_id: int, *, profile: Profile | str | None = None,
                 as_of: dt.date | None = None) -> None:
        self.store = store
        self.audit_id = audit_id
        self.view = store.load(audit_id)
        last = self.view.run
        if isinstance(profile, Profile):
            self.profile = profile
        else:
            self.profile = load_profile(profile or (last.profile_id if last else None))
        self.as_of = as_of or (last.as_of if last else dt.date.today())
        self.inspector = self.view.inspectors[0][0] if self.view.inspectors else ""
        self.sources: dict[str, Source] = {}
        self.imports: dict[str, ImportResult] = {}
        self.run: Any = None  # the AuditRun of the last check this session
        self.stale = True  # inputs changed since the last check

    # --- state ---------------------------------------------------------------------------------

    @property
    def signed(self) -> bool:
        """True when the audit's latest revision is signed (a change opens a new revision)."""
        return self.view.revision.signed

    @property
    def missing(self) -> list[str]:
        """The kinds the checks need that are not imported yet."""
        return [kind for kind in REQUIRED if kind not in self.imports]

    @property
    def bank(self) -> Any:
        """The imported :class:`~qbaudit.analysis.model.Bank`, or None."""
        result = self.imports.get("bank")
        return result.data if result is not None and result.ok else None

    def refresh(self) -> Any:
        """Read the audit's record again (after a change) and return it."""
        self.view = self.store.load(self.audit_id)
        return self.view

    def remembered(self) -> dict[str, Source]:
        """The inputs the store remembers for this audit (from an earlier session)."""
        return {kind: Source(tuple(Path(p) for p in info.paths), ImportOptions.from_dict(info.options))
                for kind, info in self.store.sources(self.audit_id).items() if kind in KINDS}

    # --- inputs --------------------------------------------------------------------------------

    def read(self, kind: str, paths: Sequence[str | Path], options: ImportOptions | None = None,
             state: TaskState | None = None) -> ImportResult:
        """Import ``kind`` from ``paths`` and return the result, without taking it (see :meth:`accept`)."""
        bank = self.bank if kind in NEEDS_BANK else None
        if kind in NEEDS_BANK and bank is None:
            return ImportResult.failure(tr("workbench.bank_first", kind=kind_label(kind)))
        return import_input(kind, paths, options=options, bank=bank, occupation=self.view.occupation, state=state)

    def accept(self, kind: str, paths: Sequence[str | Path], options: ImportOptions | None, result: ImportResult) -> None:
        """Take an import result as the audit's ``kind`` input and remember where it came from."""
        if not result.ok:
            raise WorkbenchError(result.error or tr("workbench.not_imported", kind=kind_label(kind)))
        options = options or ImportOptions()
        self.sources[kind] = Source(tuple(Path(p) for p in paths), options)
        self.imports[kind] = result
        self.store.set_source(self.audit_id, kind, [str(p) for p in paths], options.to_dict(),
                              [f.sha256 for f in result.inputs])
        self.stale = True
        if kind == "bank":  # papers are matched against the bank: read them again against the new one
            for dependent in NEEDS_BANK & set(self.sources):
                self.imports.pop(dependent, None)

    def forget(self, kind: str) -> None:
        """Drop an input (the checks run without it)."""
        self.sources.pop(kind, None)
        self.imports.pop(kind, None)
        self.store.remove_source(self.audit_id, kind)
        self.stale = True

    def reopen(self, state: TaskState | None = None) -> dict[str, str]:
        """Read again the inputs remembered for this audit; returns kind → Chinese problem for each that
        could not be read (a moved file, a file changed since, an import error). The rest are taken."""
        state = state or NullState()
        problems: dict[str, str] = {}
        remembered = self.remembered()
        stored = self.store.sources(self.audit_id)
        ordered = sorted(remembered, key=lambda k: (k in NEEDS_BANK, KINDS.index(k)))
        for index, kind in enumerate(ordered):
            source = remembered[kind]
            checkpoint(state, index / max(len(ordered), 1), tr("inputs.reading", kind=kind_label(kind)))
            absent = [p for p in source.paths if not p.exists()]
            if absent:
                problems[kind] = tr("workbench.file_gone", kind=kind_label(kind), file=str(absent[0]))
                continue
            result = self.read(kind, source.paths, source.options)
            if not result.ok:
                problems[kind] = result.error or ""
                continue
            before = tuple(stored[kind].sha256)
            after = tuple(f.sha256 for f in result.inputs)
            if before and before != after:
                problems[kind] = tr("workbench.file_changed", kind=kind_label(kind))
            self.sources[kind] = source
            self.imports[kind] = result
        self.stale = True
        return problems

    def ensure_dependents(self, state: TaskState | None = None) -> None:
        """Read again the inputs matched against the bank (papers) when the bank changed."""
        for kind in sorted(NEEDS_BANK & set(self.sources) - set(self.imports)):
            source = self.sources[kind]
            result = self.read(kind, source.paths, source.options, state)
            if result.ok:
                self.imports[kind] = result
            else:
                raise WorkbenchError(result.error or tr("workbench.not_imported", kind=kind_label(kind)))

    # --- checks --------------------------------------------------------------------------------

    def check(self, state: TaskState | None = None, by: str | None = None) -> Any:
        """Run the checks on the inputs taken and record the run in the audit (its suggestions refresh;
        the inspector's decisions stay). Returns the :class:`~qbaudit.analysis.run.AuditRun`."""
        from qbaudit.analysis.run import AuditRun, check_imports

        if self.missing:
            raise WorkbenchError(tr("workbench.missing", kinds="、".join(kind_label(k) for k in self.missing)))
        state = state or NullState()
        self.ensure_dependents(state)
        run = AuditRun(profile=self.profile, as_of=self.as_of, imports=dict(self.imports))
        dismissed = [(d.first_item, d.second_item) for d in self.store.dismissals(self.audit_id)]
        check_imports(run, dismissed, state)
        checkpoint(state, 1.0, tr("workbench.recording"))
        self.store.record_run(self.audit_id, run, by=by or self.inspector)
        self.run, self.stale = run, False
        self.refresh()
        return run

    # --- the sheet -----------------------------------------------------------------------------

    def decide(self, line: str, verdict: str, score: float | None, reason: str, by: str | None = None) -> Any:
        """Decide one line of the sheet (a reason is required where it differs from the suggestion)."""
        self.store.decide(self.audit_id, line, verdict, score, reason, by=by or self.inspector)
        return self.refresh()

    def decide_veto(self, veto: str, occurred: bool, description: str, by: str | None = None) -> Any:
        """Decide one veto item."""
        self.store.decide_veto(self.audit_id, veto, occurred, description, by=by or self.inspector)
        return self.refresh()

    def accept_suggestions(self, by: str | None = None) -> int:
        """Take every data suggestion not yet decided; returns how many lines were taken."""
        taken = self.store.accept_suggestions(self.audit_id, by=by or self.inspector)
        self.refresh()
        return taken

    def set_assessment(self, text: str, by: str | None = None) -> Any:
        """Write the 总体评价 of the latest revision (a new revision after signing)."""
        self.store.set_assessment(self.audit_id, text, by=by or self.inspector)
        return self.refresh()

    def decide_notice(self, *, grounds: Sequence[tuple[str, str]], suspend: bool | None, suspension_months: int | None,
                      supervision_file: bool | None, publish: bool | None, by: str | None = None) -> Any:
        """Record the notice's grounds (第二十二条 behaviours) and the consequences decided."""
        self.store.decide_notice(self.audit_id, grounds=list(grounds), suspend=suspend,
                                 suspension_months=suspension_months, supervision_file=supervision_file,
                                 publish=publish, by=by or self.inspector)
        return self.refresh()

    @property
    def needs_run(self) -> bool:
        """True when the audit's sheet is informed by the checks (a check run comes before signing and export)."""
        from qbaudit.analysis.sheets import uses_checks

        return uses_checks(self.view.sheet)

    def dismiss_pair(self, first: str, second: str, reason: str, by: str | None = None) -> None:
        """Dismiss a similar pair (it no longer counts from the next check on)."""
        self.store.dismiss_pair(self.audit_id, first, second, reason, by=by or self.inspector)
        self.stale = True

    def sign(self, by: str | None = None) -> Any:
        """Sign the latest revision; returns its :class:`~qbaudit.store.RevisionInfo`."""
        info = self.store.sign(self.audit_id, by=by or self.inspector)
        self.refresh()
        return info

    # --- documents -----------------------------------------------------------------------------

    def report_data(self) -> Any:
        """The report model of the audit's latest revision."""
        from qbaudit.report import report_from_view

        return report_from_view(self.view)

    def export(self, kind: str, path: str | Path, state: TaskState | None = None, by: str | None = None,
               authority: str | None = None) -> Any:
        """Write one document (report, problems, notice, findings) and record it in the audit.

        Returns the :class:`~qbaudit.report.ReportOutcome`. Raises :class:`WorkbenchError` when the
        document does not apply (a notice for an audit that is not 不合格) or the file cannot be written.
        """
        from qbaudit.report import DOCUMENTS, document_refusal, write_document

        if kind not in DOCUMENTS:
            raise ValueError(f"unknown export kind {kind!r}")
        state = state or NullState()
        if self.view.run is None and self.needs_run:
            raise WorkbenchError(tr("workbench.no_run"))
        checkpoint(state, 0.1, tr(f"workbench.writing_{kind}"))
        data = self.report_data()
        path = Path(path)
        refusal = document_refusal(kind, data)
        if refusal:
            raise WorkbenchError(refusal)
        try:
            outcome = write_document(kind, data, path, authority=authority)
        except OSError as exc:
            raise WorkbenchError(tr("cli_report.write_failed", file=str(exc.filename or path),
                                    reason=exc.strerror or str(exc))) from exc
        checkpoint(state, 0.95, tr("workbench.recording"))
        self.store.record_export(self.audit_id, path, kind, by=by or self.inspector,
                                 revision=self.view.revision.number)
        self.refresh()
        return outcome
