"""One audit open for work: its record in the store, its inputs in memory, its last check run.

The window drives an audit through a :class:`Workbench` and nothing else; every step is a plain call
that a test (or a script) can make without Qt, and returns :class:`~qbaudit.operations.Changes` — what it
changed, so that each view refreshes what it shows of that (Anki's ``OpChanges``). The work itself is done by
the operations every door calls (:mod:`qbaudit.operations`); the workbench adds only what the window keeps
in memory between steps (the inputs read this session, the last run, the profile and date of the next check).

The workbench belongs to one thread (the window's). A long step is split in two so that it can run on
another thread without touching it: ``bench.<step>_job(...)`` takes what the work needs now and returns a
function ``job(state)`` that runs anywhere (it reads its own copies and writes only to the store) and
returns an outcome; :meth:`Workbench.apply` takes that outcome back on the workbench's own thread. The
plain calls (:meth:`Workbench.check`, :meth:`Workbench.export`, :meth:`Workbench.reopen`) do both at once.
Long steps take a :class:`~qbaudit.analysis.progress.TaskState` so the window can show progress and
cancel them.

Reading an input never changes the workbench: :meth:`Workbench.read` returns the result and
:meth:`Workbench.accept` takes it. A cancelled or refused import therefore leaves the audit as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbaudit import operations
from qbaudit.analysis.importers.outcome import ImportResult
from qbaudit.analysis.inputs import KINDS, NEEDS_BANK, REQUIRED, ImportOptions, kind_label
from qbaudit.analysis.profile import Profile, load_profile
from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr
from qbaudit.operations import Changes, Source
from qbaudit.operations import sheet as sheet_ops

__all__ = ["Changes", "Checked", "Dismissed", "Exported", "Reopened", "Source", "Workbench", "WorkbenchError"]
_log = logging.getLogger(__name__)


class WorkbenchError(QbauditError):
    """A step that cannot be done now; ``str()`` is a Chinese sentence saying what to do."""


@dataclass(frozen=True)
class Checked:
    """The outcome of a check job: the run (recorded in the store) and the inputs read again against the bank."""

    run: Any
    dependents: dict[str, ImportResult]
    generation: int  # the workbench's inputs generation the run was made from


@dataclass(frozen=True)
class Exported:
    """The outcome of an export job: the :class:`~qbaudit.report.ReportOutcome` (recorded in the store)."""

    outcome: Any


@dataclass(frozen=True)
class Reopened:
    """The outcome of a reopen job: the inputs read again, and kind → Chinese problem for those that were not."""

    sources: dict[str, Source]
    imports: dict[str, ImportResult]
    problems: dict[str, str]
    generation: int  # the workbench's inputs generation when the job started


@dataclass(frozen=True)
class Dismissed:
    """The outcome of a dismissal job: the pair dismissed (recorded in the store)."""

    first: str
    second: str


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
        self._generation = 0  # counts the changes of what a check reads (inputs, profile, date, dismissals)

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

    @property
    def needs_run(self) -> bool:
        """True when the audit's sheet is informed by the checks (a check run comes before signing and export)."""
        from qbaudit.analysis.sheets import uses_checks

        return uses_checks(self.view.sheet)

    def refresh(self) -> Any:
        """Read the audit's record again (after a change) and return it."""
        self.view = self.store.load(self.audit_id)
        return self.view

    def remembered(self) -> dict[str, Source]:
        """The inputs the store remembers for this audit (from an earlier session)."""
        return {kind: Source(tuple(Path(p) for p in info.paths), ImportOptions.from_dict(info.options))
                for kind, info in self.store.sources(self.audit_id).items() if kind in KINDS}

    def _inputs_changed(self) -> None:
        """What the next check reads changed: the last run no longer reflects it."""
        self._generation += 1
        self.stale = True

    # --- the checks' settings ------------------------------------------------------------------

    def set_profile(self, profile: Profile | str) -> Changes:
        """Judge with rule profile ``profile`` (an id, or a profile read from a file) from the next check on.

        Raises :class:`~qbaudit.analysis.profile.ProfileError` when the profile cannot be loaded."""
        chosen = profile if isinstance(profile, Profile) else load_profile(profile)
        if chosen.id == self.profile.id and chosen.origin == self.profile.origin:
            return Changes()
        self.profile = chosen
        self._inputs_changed()
        return Changes(info=True)

    def set_as_of(self, as_of: dt.date) -> Changes:
        """Judge the bank at ``as_of`` from the next check on."""
        if as_of == self.as_of:
            return Changes()
        self.as_of = as_of
        self._inputs_changed()
        return Changes(info=True)

    def set_inspector(self, name: str) -> Changes:
        """Act as ``name``, one of the audit's inspectors, from now on (decisions and signatures are theirs)."""
        if name not in [n for n, _, _ in self.view.inspectors]:
            raise WorkbenchError(tr("workbench.not_an_inspector", name=name))
        if name == self.inspector:
            return Changes()
        self.inspector = name
        return Changes(info=True)

    # --- inputs --------------------------------------------------------------------------------

    def read_job(self, kind: str, paths: Sequence[str | Path],
                 options: ImportOptions | None = None) -> Callable[[TaskState | None], ImportResult]:
        """The import of ``kind`` from ``paths`` as a job (the bank it is matched against taken now); its
        :class:`ImportResult` is taken by :meth:`accept`, or not."""
        bank = self.bank if kind in NEEDS_BANK else None
        occupation = self.view.occupation
        paths = list(paths)

        source = Source(tuple(Path(p) for p in paths), options or ImportOptions())

        def job(state: TaskState | None = None) -> ImportResult:
            return operations.read_input(kind, source, bank=bank, occupation=occupation, state=state)

        return job

    def read(self, kind: str, paths: Sequence[str | Path], options: ImportOptions | None = None,
             state: TaskState | None = None) -> ImportResult:
        """Import ``kind`` from ``paths`` and return the result, without taking it (see :meth:`accept`)."""
        return self.read_job(kind, paths, options)(state)

    def accept(self, kind: str, paths: Sequence[str | Path], options: ImportOptions | None,
               result: ImportResult) -> Changes:
        """Take an import result as the audit's ``kind`` input and remember where it came from."""
        source = Source(tuple(Path(p) for p in paths), options or ImportOptions())
        operations.take_input(self.store, self.audit_id, kind, source, result)
        self.sources[kind] = source
        self.imports[kind] = result
        self._inputs_changed()
        if kind == "bank":  # papers are matched against the bank: read them again against the new one
            for dependent in NEEDS_BANK & set(self.sources):
                self.imports.pop(dependent, None)
        return Changes(inputs=True)

    def forget(self, kind: str) -> Changes:
        """Drop an input (the checks run without it)."""
        operations.forget_input(self.store, self.audit_id, kind)
        self.sources.pop(kind, None)
        self.imports.pop(kind, None)
        self._inputs_changed()
        return Changes(inputs=True)

    def reopen_job(self) -> Callable[[TaskState | None], Reopened]:
        """Reading again the inputs remembered for this audit, as a job (see :meth:`reopen`)."""
        remembered = self.remembered()
        stored = self.store.sources(self.audit_id)
        occupation, bank_now, generation = self.view.occupation, self.bank, self._generation

        def job(state: TaskState | None = None) -> Reopened:
            state = state or NullState()
            problems: dict[str, str] = {}
            sources: dict[str, Source] = {}
            imports: dict[str, ImportResult] = {}
            ordered = sorted(remembered, key=lambda k: (k in NEEDS_BANK, KINDS.index(k)))
            for index, kind in enumerate(ordered):
                source = remembered[kind]
                checkpoint(state, index / max(len(ordered), 1), tr("inputs.reading", kind=kind_label(kind)))
                absent = [p for p in source.paths if not p.exists()]
                if absent:
                    problems[kind] = tr("workbench.file_gone", kind=kind_label(kind), file=str(absent[0]))
                    continue
                bank = (imports["bank"].data if "bank" in imports else bank_now) if kind in NEEDS_BANK else None
                result = operations.read_input(kind, source, bank=bank, occupation=occupation)
                if not result.ok:
                    problems[kind] = result.error or ""
                    continue
                before = tuple(stored[kind].sha256)
                after = tuple(f.sha256 for f in result.inputs)
                if before and before != after:
                    problems[kind] = tr("workbench.file_changed", kind=kind_label(kind))
                sources[kind] = source
                imports[kind] = result
            return Reopened(sources, imports, problems, generation)

        return job

    def reopen(self, state: TaskState | None = None) -> Changes:
        """Read again the inputs remembered for this audit; ``result`` is kind → Chinese problem for each that
        could not be read (a moved file, a file changed since, an import error). The rest are taken."""
        return self.apply(self.reopen_job()(state))

    # --- checks --------------------------------------------------------------------------------

    def check_job(self, by: str | None = None) -> Callable[[TaskState | None], Checked]:
        """The checks on the inputs taken now, as a job: it reads again the inputs matched against the bank where
        the bank changed, runs the checks and records the run in the audit (its suggestions refresh; the
        inspector's decisions stay). Raises :class:`WorkbenchError` at once when a required input is missing."""
        if self.missing:
            raise WorkbenchError(tr("workbench.missing", kinds="、".join(kind_label(k) for k in self.missing)))
        profile, as_of, imports, generation = self.profile, self.as_of, dict(self.imports), self._generation
        pending = {kind: self.sources[kind] for kind in sorted(NEEDS_BANK & set(self.sources) - set(self.imports))}
        store, audit_id, who, occupation = self.store, self.audit_id, by or self.inspector, self.view.occupation

        def job(state: TaskState | None = None) -> Checked:
            state = state or NullState()
            dependents = {}
            for kind, source in pending.items():
                result = operations.read_input(kind, source, bank=imports["bank"].data, occupation=occupation,
                                               state=state)
                if not result.ok:
                    raise WorkbenchError(result.error or tr("workbench.not_imported", kind=kind_label(kind)))
                dependents[kind] = result
            changes = operations.check_audit(store, audit_id, {**imports, **dependents}, profile, as_of, who, state)
            return Checked(changes.result, dependents, generation)

        return job

    def check(self, state: TaskState | None = None, by: str | None = None) -> Changes:
        """Run the checks on the inputs taken and record the run in the audit; ``result`` is the
        :class:`~qbaudit.analysis.run.AuditRun`."""
        return self.apply(self.check_job(by)(state))

    # --- the sheet -----------------------------------------------------------------------------

    def decide(self, line: str, verdict: str, score: float | None, reason: str, by: str | None = None) -> Changes:
        """Decide one line of the sheet (a reason is required where it differs from the suggestion)."""
        changes = sheet_ops.decide(self.store, self.audit_id, line, verdict, score, reason, by or self.inspector)
        self.refresh()
        return changes

    def decide_veto(self, veto: str, occurred: bool, description: str, by: str | None = None) -> Changes:
        """Decide one veto item."""
        changes = sheet_ops.decide_veto(self.store, self.audit_id, veto, occurred, description, by or self.inspector)
        self.refresh()
        return changes

    def decide_open_vetoes(self, by: str | None = None) -> Changes:
        """Record every veto item not judged yet as not occurred; ``result`` is how many."""
        changes = sheet_ops.clear_open_vetoes(self.store, self.audit_id, by or self.inspector)
        if changes:
            self.refresh()
        return changes

    def accept_suggestions(self, by: str | None = None) -> Changes:
        """Take every data suggestion not yet decided; ``result`` is how many lines were taken."""
        changes = sheet_ops.accept_suggestions(self.store, self.audit_id, by or self.inspector)
        if changes:
            self.refresh()
        return changes

    def set_assessment(self, text: str, by: str | None = None) -> Changes:
        """Write the 总体评价 of the latest revision (a new revision after signing)."""
        changes = sheet_ops.set_assessment(self.store, self.audit_id, text, by or self.inspector)
        self.refresh()
        return changes

    def decide_notice(self, *, grounds: Sequence[tuple[str, str]], suspend: bool | None, suspension_months: int | None,
                      supervision_file: bool | None, publish: bool | None, by: str | None = None) -> Changes:
        """Record the notice's grounds (第二十二条 behaviours) and the consequences decided."""
        changes = sheet_ops.decide_notice(self.store, self.audit_id, grounds=grounds, suspend=suspend,
                                          suspension_months=suspension_months, supervision_file=supervision_file,
                                          publish=publish, by=by or self.inspector)
        self.refresh()
        return changes

    def sign_refusal(self) -> Any:
        """Why the latest revision cannot be signed now (a :class:`~qbaudit.analysis.sheets.SignRefusal`), or None."""
        return sheet_ops.sign_refusal(self.view)

    def sign(self, by: str | None = None) -> Changes:
        """Sign the latest revision; ``result`` is its :class:`~qbaudit.store.RevisionInfo`."""
        changes = sheet_ops.sign(self.store, self.audit_id, by or self.inspector)
        self.refresh()
        return changes

    def dismiss_job(self, first: str, second: str, reason: str,
                    by: str | None = None) -> Callable[[TaskState | None], Dismissed]:
        """Dismissing a similar pair, as a job (it no longer counts from the next check on)."""
        store, audit_id, who = self.store, self.audit_id, by or self.inspector

        def job(_state: TaskState | None = None) -> Dismissed:
            sheet_ops.dismiss_pair(store, audit_id, first, second, reason, who)
            return Dismissed(first, second)

        return job

    def dismiss_pair(self, first: str, second: str, reason: str, by: str | None = None) -> Changes:
        """Dismiss a similar pair (it no longer counts from the next check on)."""
        return self.apply(self.dismiss_job(first, second, reason, by)())

    # --- documents -----------------------------------------------------------------------------

    def report_data(self) -> Any:
        """The report model of the audit's latest revision."""
        from qbaudit.report import report_from_view

        return report_from_view(self.view)

    def export_job(self, kind: str, path: str | Path, by: str | None = None,
                   authority: str | None = None) -> Callable[[TaskState | None], Exported]:
        """Writing one document (report, problems, notice, findings) of the latest revision and recording it in
        the audit, as a job. Raises :class:`WorkbenchError` at once when the document does not apply (a notice
        for an audit that is not 不合格, no check run); the job raises it when the file cannot be written."""
        refusal = operations.export_refusal(self.view, kind, require_run=True)
        if refusal:
            raise WorkbenchError(refusal)
        path = Path(path)
        store, audit_id, who, revision = self.store, self.audit_id, by or self.inspector, self.view.revision.number

        def job(state: TaskState | None = None) -> Exported:
            changes = operations.export_documents(store, audit_id, [(kind, path)], revision=revision, by=who,
                                                  authority=authority, require_run=True, state=state)
            return Exported(changes.result[0][1])

        return job

    def export(self, kind: str, path: str | Path, state: TaskState | None = None, by: str | None = None,
               authority: str | None = None) -> Changes:
        """Write one document and record it in the audit; ``result`` is the :class:`~qbaudit.report.ReportOutcome`."""
        return self.apply(self.export_job(kind, path, by, authority)(state))

    # --- outcomes of jobs ----------------------------------------------------------------------

    def apply(self, outcome: Any) -> Changes:
        """Take the outcome of a job (run elsewhere) into the workbench, on the workbench's own thread."""
        if isinstance(outcome, Checked):
            current = outcome.generation == self._generation
            if current:  # dependents read against the bank that is still the audit's
                self.imports.update(outcome.dependents)
            self.run, self.stale = outcome.run, not current
            self.refresh()
            return Changes(run=True, inputs=bool(outcome.dependents) and current, result=outcome.run)
        if isinstance(outcome, Exported):
            self.refresh()
            return Changes(export=True, result=outcome.outcome)
        if isinstance(outcome, Reopened):
            taken_meanwhile = outcome.generation != self._generation
            for kind, result in outcome.imports.items():
                if not (taken_meanwhile and kind in self.imports):  # an input the user took meanwhile is newer
                    self.sources[kind], self.imports[kind] = outcome.sources[kind], result
            self._inputs_changed()
            return Changes(inputs=True, result=outcome.problems)
        if isinstance(outcome, Dismissed):
            self._inputs_changed()
            return Changes(dismissal=True, result=outcome)
        raise TypeError(f"not the outcome of a workbench job: {outcome!r}")
