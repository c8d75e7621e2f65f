"""Scoring the sheet of an audit: decide a line, a veto item, the 总体评价, the notice; dismiss a pair; sign.

Each is one call on the store (which refuses what the sheet does not allow, with a message that says what
to do) and returns what changed. Whether a revision can be signed is decided by
:func:`qbaudit.analysis.sheets.sign_refusal`, here read over a loaded audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbaudit.operations.changes import Changes


def decide(store: Any, audit_id: int, line: str, verdict: str, score: float | None, reason: str, by: str) -> Changes:
    """Decide one line of the sheet (by id or name; a reason is required where it differs from the suggestion);
    ``result`` is the revision number the decision went into."""
    return Changes(decision=True, result=store.decide(audit_id, line, verdict, score, reason, by=by))


def decide_veto(store: Any, audit_id: int, veto: str, occurred: bool, description: str, by: str) -> Changes:
    """Decide one veto item; ``result`` is the revision number."""
    return Changes(decision=True, result=store.decide_veto(audit_id, veto, occurred, description, by=by))


def clear_open_vetoes(store: Any, audit_id: int, by: str) -> Changes:
    """Record every veto item not judged yet as not occurred; ``result`` is how many."""
    waiting = [veto.id for veto, decision in store.load(audit_id).result.vetoes if decision is None]
    for veto_id in waiting:
        store.decide_veto(audit_id, veto_id, False, "", by=by)
    return Changes(decision=bool(waiting), result=len(waiting))


def accept_suggestions(store: Any, audit_id: int, by: str) -> Changes:
    """Take every data suggestion not yet decided; ``result`` is how many lines were taken."""
    taken = store.accept_suggestions(audit_id, by=by)
    return Changes(decision=bool(taken), result=taken)


def set_assessment(store: Any, audit_id: int, text: str, by: str) -> Changes:
    """Write the 总体评价 of the latest revision (a new revision after signing); ``result`` is its number."""
    return Changes(decision=True, result=store.set_assessment(audit_id, text, by=by))


def decide_notice(store: Any, audit_id: int, *, grounds: Sequence[tuple[str, str]], suspend: bool | None,
                  suspension_months: int | None, supervision_file: bool | None, publish: bool | None,
                  by: str) -> Changes:
    """Record the notice's grounds (第二十二条 behaviours) and the consequences decided; ``result`` is the
    :class:`~qbaudit.store.NoticeDecision`."""
    decision = store.decide_notice(audit_id, grounds=list(grounds), suspend=suspend,
                                   suspension_months=suspension_months, supervision_file=supervision_file,
                                   publish=publish, by=by)
    return Changes(info=True, result=decision)


def sign_refusal(view: Any) -> Any:
    """Why the latest revision of a loaded audit (an :class:`~qbaudit.store.AuditView`) cannot be signed now
    (a :class:`~qbaudit.analysis.sheets.SignRefusal`), or None. The store asks the same when it signs."""
    from qbaudit.analysis.sheets import sign_refusal as refusal

    return refusal(view.result, signed=view.revision.signed, checked=view.run is not None,
                   assessment=view.assessment)


def sign(store: Any, audit_id: int, by: str, accept_suggestions: bool = False) -> Changes:
    """Sign the latest revision (taking the open data suggestions first when asked); ``result`` is its
    :class:`~qbaudit.store.RevisionInfo`."""
    info = store.sign(audit_id, by=by, accept_suggestions=accept_suggestions)
    return Changes(signed=True, decision=accept_suggestions, result=info)


def dismiss_pair(store: Any, audit_id: int, first: str, second: str, reason: str, by: str) -> Changes:
    """Dismiss a similar pair (R11): it no longer counts from the next check on."""
    store.dismiss_pair(audit_id, first, second, reason, by=by)
    return Changes(dismissal=True, result=(first, second))


def undo_dismissal(store: Any, audit_id: int, first: str, second: str, by: str) -> Changes:
    """Let a dismissed pair count again from the next check on."""
    store.undo_dismissal(audit_id, first, second, by=by)
    return Changes(dismissal=True, result=(first, second))
