"""Running the checks: on inputs read (the window, ``audit score``), on files (``check``, the batch), and
recording a run in an audit.

:func:`run_checks` is the one place the checks are run; every door comes here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qbaudit.analysis.checks import run_checks as run_rules
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.checks.independence import pair_key
from qbaudit.analysis.importers.outcome import ImportResult
from qbaudit.analysis.inputs import ImportOptions
from qbaudit.analysis.model import Blueprint
from qbaudit.analysis.profile import Profile, load_profile
from qbaudit.analysis.progress import Budget, NullState, ScaledState, TaskState, checkpoint
from qbaudit.analysis.run import AuditRun
from qbaudit.i18n import tr
from qbaudit.operations.changes import Changes, Source
from qbaudit.operations.inputs import read_inputs, take_input


def run_checks(imports: Mapping[str, ImportResult], profile: Profile, as_of: dt.date,
               dismissed: Iterable[tuple[str, str]] = (), state: TaskState | None = None) -> AuditRun:
    """Run the checks on inputs already read (a bank at least) and return the run with its report. Without a
    blueprint the checks get an empty one (the rules that need it say 无法判断); ``dismissed`` lists the similar
    item pairs the inspector dismissed (R11)."""
    run = AuditRun(profile=profile, as_of=as_of, imports=dict(imports))
    bank = imports["bank"].data
    if bank is None:
        raise ValueError("the checks need a bank that was read")
    data = AuditInput(
        bank=bank,
        blueprint=imports["blueprint"].data or Blueprint(scopes=[], points=[]) if "blueprint" in imports
        else Blueprint(scopes=[], points=[]),
        standard=imports["standard"].data if "standard" in imports else None,
        as_of=as_of,
        responses=imports["responses"].data if "responses" in imports else None,
        papers=imports["papers"].data or [] if "papers" in imports else [],
        plan=imports["plan"].data if "plan" in imports else None,
        dismissed_pairs=frozenset(pair_key(a, b) for a, b in dismissed),
    )
    with Budget(state, "check").running() as budget:
        run.report = run_rules(data, profile=profile, state=budget)
    return run


def check_files(sources: Mapping[str, Source], profile: Profile | None = None, *, as_of: dt.date | None = None,
                occupation: str | None = None, dismissed: Iterable[tuple[str, str]] = (),
                state: TaskState | None = None) -> AuditRun:
    """Read the inputs of ``sources`` and run the checks on them. Inputs that cannot be read are reported in
    :attr:`AuditRun.errors`; the checks then do not run."""
    state = state or NullState()
    profile = profile or load_profile(None)
    as_of = as_of or dt.date.today()
    imports = read_inputs(sources, occupation=occupation, state=ScaledState(state, 0.0, 0.5))
    run = AuditRun(profile=profile, as_of=as_of, imports=imports)
    if run.errors:
        return run
    return run_checks(imports, profile, as_of, dismissed, ScaledState(state, 0.5, 0.5))


def run_audit(
    bank: str | Path | Sequence[str | Path],
    blueprint: str | Path | Sequence[str | Path] | None = None,
    profile: Profile | None = None,
    *,
    standard: str | Path | None = None,
    responses: str | Path | None = None,
    as_of: dt.date | None = None,
    default_level: int | None = None,
    occupation: str | None = None,
    bank_columns: Sequence[str | None] | None = None,
    bank_options: ImportOptions | None = None,
    papers: Sequence[str | Path] | None = None,
    plan: str | Path | None = None,
    dismissed: Iterable[tuple[str, str]] = (),
    state: TaskState | None = None,
) -> AuditRun:
    """Import the bank (one file, or several files and folders), the blueprint if given (one file, or one per
    level), and optionally the standard, the answer data, the papers and the paper plan, then run the checks
    (``qbaudit check`` and each row of a batch).

    Without a blueprint the checks run on an empty one: the rules that need it say 无法判断 and what to supply.
    ``bank_options`` are the import options of the bank (levels per file, header row, columns mapped by header
    name; see :class:`~qbaudit.analysis.inputs.ImportOptions`); ``bank_columns`` maps the columns of a bank
    without a header row; ``default_level`` is the level of files that do not say theirs; ``dismissed`` lists
    similar item pairs the inspector dismissed (R11). Inputs that cannot be imported are reported in
    :attr:`AuditRun.errors`; the checks then do not run.
    """
    sources = file_sources(bank, blueprint, standard=standard, responses=responses, default_level=default_level,
                           bank_columns=bank_columns, bank_options=bank_options, papers=papers, plan=plan)
    return check_files(sources, profile, as_of=as_of, occupation=occupation, dismissed=dismissed, state=state)


def file_sources(
    bank: str | Path | Sequence[str | Path] | None,
    blueprint: str | Path | Sequence[str | Path] | None = None,
    *,
    standard: str | Path | None = None,
    responses: str | Path | None = None,
    default_level: int | None = None,
    bank_columns: Sequence[str | None] | None = None,
    bank_options: ImportOptions | None = None,
    papers: Sequence[str | Path] | None = None,
    plan: str | Path | None = None,
) -> dict[str, Source]:
    """The inputs named on a command line (or a batch manifest's row) as kind → :class:`Source`: the bank with
    its options, the others with ``default_level`` as the level of files that do not say theirs."""
    options = bank_options or ImportOptions()
    if bank_columns is not None:
        options = replace(options, columns=tuple(bank_columns))
    if default_level is not None and options.default_level is None:
        options = replace(options, default_level=default_level)
    leveled = ImportOptions(default_level=default_level)
    named: dict[str, tuple[Any, ImportOptions]] = {
        "bank": (bank, options), "blueprint": (blueprint, leveled), "standard": (standard, leveled),
        "responses": (responses, ImportOptions()), "plan": (plan, leveled), "papers": (papers or None, leveled)}
    return {kind: Source(tuple(Path(p) for p in _paths(given)), kind_options)
            for kind, (given, kind_options) in named.items() if given is not None}


def _paths(given: str | Path | Sequence[str | Path]) -> list[str | Path]:
    return [given] if isinstance(given, str | Path) else list(given)


def record_check(store: Any, audit_id: int, run: AuditRun, by: str, state: TaskState | None = None, *,
                 batch_key: str | None = None) -> Changes:
    """Record a run in the audit (one transaction: its fingerprints, findings and the sheet's suggestions; the
    inspector's decisions stay; a new revision opens when the latest was signed). ``result`` is the run;
    ``batch_key`` is a review row's fingerprint (``qbaudit batch``)."""
    checkpoint(state or NullState(), 1.0, tr("workbench.recording"))  # the last moment to stop: nothing recorded
    store.record_run(audit_id, run, by=by, batch_key=batch_key)
    return Changes(run=True, result=run)


def check_audit(store: Any, audit_id: int, imports: Mapping[str, ImportResult], profile: Profile, as_of: dt.date,
                by: str, state: TaskState | None = None) -> Changes:
    """Run the checks on the audit's inputs read (``imports``), counting the pairs dismissed in the audit, and
    record the run; ``result`` is the :class:`~qbaudit.analysis.run.AuditRun`."""
    dismissed = [(d.first_item, d.second_item) for d in store.dismissals(audit_id)]
    run = run_checks(imports, profile, as_of, dismissed, ScaledState(state or NullState(), 0.0, 0.97))
    return record_check(store, audit_id, run, by, state)


def score_from_files(store: Any, audit_id: int, sources: Mapping[str, Source], profile: Profile, as_of: dt.date,
                     by: str, state: TaskState | None = None) -> Changes:
    """Read the inputs of ``sources`` into an audit (the record remembers each) and run and record the checks.

    When an input cannot be read nothing is recorded: ``result`` is the run with its errors and no change."""
    state = state or NullState()
    occupation = store.load(audit_id).occupation
    imports = read_inputs(sources, occupation=occupation, state=ScaledState(state, 0.0, 0.5))
    if any(result.error for result in imports.values()):
        return Changes(result=AuditRun(profile=profile, as_of=as_of, imports=imports))
    changes = check_audit(store, audit_id, imports, profile, as_of, by, ScaledState(state, 0.5, 0.5))
    for kind, result in imports.items():
        take_input(store, audit_id, kind, sources[kind], result)
    return changes | Changes(inputs=True, result=changes.result)
