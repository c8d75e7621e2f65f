"""Importing inputs into an audit: reading them (anywhere, any thread) and taking them into the record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbaudit.analysis.importers.outcome import ImportResult
from qbaudit.analysis.inputs import KINDS, NEEDS_BANK, import_input, kind_label
from qbaudit.analysis.model import Bank
from qbaudit.analysis.progress import NullState, ScaledState, TaskState, checkpoint
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr
from qbaudit.operations.changes import Changes, Source

# The shares of the whole a kind's import takes, roughly as the time goes on a large bank (the bank itself
# takes 0.0–0.8), and what the progress says while it runs.
_STEPS = {"blueprint": (0.84, "progress.import_blueprint"), "standard": (0.88, "progress.import_standard"),
          "responses": (0.9, "responses.progress"), "plan": (0.92, "progress.import_plan"),
          "papers": (0.96, "progress.import_papers")}
_FIRST_ROUND = ("bank", "blueprint", "standard", "responses")  # a failure among these stops before the rest


class InputError(QbauditError):
    """An input that cannot be taken into the audit (not read, or read against no bank)."""


def read_input(kind: str, source: Source, *, bank: Bank | None = None, occupation: str | None = None,
               state: TaskState | None = None) -> ImportResult:
    """Read the ``kind`` input from ``source`` (papers matched against ``bank``); a refusal is an
    :class:`ImportResult` failure, never an exception. Touches no audit: see :func:`take_input`."""
    if kind in NEEDS_BANK and bank is None:
        return ImportResult.failure(tr("workbench.bank_first", kind=kind_label(kind)))
    return import_input(kind, list(source.paths), options=source.options, bank=bank, occupation=occupation,
                        state=state)


def read_inputs(sources: Mapping[str, Source], *, occupation: str | None = None,
                state: TaskState | None = None) -> dict[str, ImportResult]:
    """Read every input of ``sources`` (the bank first, then the rest in :data:`KINDS` order, papers against the
    bank just read). Stops before the plan and the papers when the bank, the blueprint, the standard or the
    answer data cannot be read; the results say which failed."""
    state = state or NullState()
    results: dict[str, ImportResult] = {}
    for kind in sorted(sources, key=KINDS.index):
        if kind not in _FIRST_ROUND and any(r.error for r in results.values()):
            break
        if kind == "bank":
            checkpoint(state, 0.0, tr("progress.import_bank"))
            results[kind] = read_input(kind, sources[kind], occupation=occupation, state=ScaledState(state, 0.0, 0.8))
            continue
        share, text = _STEPS[kind]
        checkpoint(state, share, tr(text))
        bank = results["bank"].data if "bank" in results and results["bank"].ok else None
        results[kind] = read_input(kind, sources[kind], bank=bank, occupation=occupation)
    return results


def take_input(store: Any, audit_id: int, kind: str, source: Source, result: ImportResult) -> Changes:
    """Take a read input as the audit's ``kind`` input: the record remembers where it came from (paths,
    options, SHA-256 of each file) so that the audit can be read again later. Raises :class:`InputError`
    for a result that failed. (A result whose data stayed where it was read, a batch row's, is taken by its
    fingerprints.)"""
    if result.error is not None or (result.data is None and not result.inputs):
        raise InputError(result.error or tr("workbench.not_imported", kind=kind_label(kind)))
    store.set_source(audit_id, kind, [str(p) for p in source.paths], source.options.to_dict(),
                     [f.sha256 for f in result.inputs])
    return Changes(inputs=True, result=result)


def forget_input(store: Any, audit_id: int, kind: str) -> Changes:
    """Drop the audit's ``kind`` input (the checks run without it)."""
    store.remove_source(audit_id, kind)
    return Changes(inputs=True)
