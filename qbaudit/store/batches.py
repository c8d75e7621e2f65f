"""The audits of one review (``qbaudit batch``) as the batch's driver reads them back: which row each belongs to
and the fingerprint its run was recorded with, so that a second run skips the rows that did not change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qbaudit.store.models import Audit


@dataclass(frozen=True)
class BatchAudit:
    """One audit of a review: who and what, and the fingerprint of its last recorded run (None: none yet)."""

    id: int
    institution: str
    registration: str | None
    occupation: str
    key: str | None
    checked: bool  # a run is recorded


def batch_audits(store: Any, name: str) -> list[BatchAudit]:
    """The audits of the review named ``name``, oldest first."""
    with store._session() as session:
        audits = session.scalars(select(Audit).where(Audit.batch_name == name).order_by(Audit.id)).all()
        return [BatchAudit(a.id, a.institution.name, a.institution.registration_number, a.occupation,
                           a.batch_key if a.runs else None, bool(a.runs)) for a in audits]


def batch_date(store: Any, name: str) -> Any:
    """The date the review named ``name`` was first recorded with (None: no audit of it yet)."""
    with store._session() as session:
        return session.scalars(select(Audit.batch_date).where(Audit.batch_name == name).order_by(Audit.id)).first()


def batch_names(store: Any) -> list[tuple[str, Any, int]]:
    """The reviews (``qbaudit batch``) in the record: name, date and how many audits, newest first."""
    import datetime as dt

    from sqlalchemy import func

    with store._session() as session:
        rows = session.execute(select(Audit.batch_name, func.max(Audit.batch_date), func.count(Audit.id))
                               .where(Audit.batch_name.is_not(None)).group_by(Audit.batch_name)).all()
    return sorted(((name, date, count) for name, date, count in rows),
                  key=lambda row: (row[1] or dt.date.min, row[0]), reverse=True)
