"""An institution's audits over time, and the two rules that act on them (one place for every door).

Shandong's rules (``resources/history.toml``, quoted from 鲁人社字〔2022〕68号): an institution whose overall
result is 不合格 three times or more in one calendar year loses its registration (第二十三条（十）), and the
same external supervisor (外督员) may not be sent to the same institution three times in a row within one
year (第十三条). The command line (``audit new``, ``audit list --institution``), the window's new-audit dialog
and audit list, and ``qbaudit batch`` all ask :func:`history_warnings` and :func:`institution_history`.

What counts as a result is a signed revision's grade that fails on its sheet (the sheet's veto grade, fail grade
or lowest band, :func:`~qbaudit.analysis.sheets.grade_fails`); an unsigned draft is not a result. An audit's date
is its supervision date, else the day it was opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select

from qbaudit.analysis.cards import normalise_card_code
from qbaudit.bundled import load_toml
from qbaudit.i18n import tr
from qbaudit.store.models import Audit, Institution

INTERNAL_CARD = "internal"  # the card kind of an internal supervisor (内督员): not sent by the department


@cache
def history_rules() -> dict[str, Any]:
    """The rules of ``resources/history.toml``."""
    return load_toml("history.toml")


def quotes_region(sheet: Any) -> bool:
    """True when ``sheet`` is one of the region's whose rules :mod:`history.toml <qbaudit.store.history>` quotes."""
    rules = history_rules()
    return sheet is not None and (getattr(sheet, "card_rules", None) == rules["card_rules"]
                                  or getattr(sheet, "id", None) in rules["sheets"])


@dataclass(frozen=True)
class Supervisor:
    """One inspector of a past audit: name, card code and card kind (``external``, ``internal`` or None)."""

    name: str
    card_code: str | None
    card_kind: str | None
    role: str

    @property
    def external(self) -> bool:
        """True unless the card says an internal supervisor (a national sheet checks no cards: all count)."""
        return self.card_kind != INTERNAL_CARD

    def same_person(self, name: str, card_code: str | None) -> bool:
        """True when ``name``/``card_code`` names this supervisor: by card code where both have one, else by name."""
        if self.card_code and card_code:
            return self.card_code == normalise_card_code(card_code)
        return self.name == name.strip()


@dataclass(frozen=True)
class PastAudit:
    """One audit of the institution, as its history lists it."""

    id: int
    date: dt.date
    occupation: str
    sheet_name: str
    grade: str | None  # of the latest signed revision
    fails: bool  # that grade fails on the audit's sheet
    signed: bool  # some revision is signed
    supervisors: tuple[Supervisor, ...]
    batch_name: str | None


@dataclass(frozen=True)
class HistoryWarning:
    """Something the history says about a new audit: ``failures`` or ``same_supervisor``, the sentence, the rule
    quoted (empty when the sheet's region does not state it) and the audits it rests on."""

    kind: str
    text: str
    rule: str
    audits: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.text}{self.rule}"


def signed_result(audit: Audit, sheets: dict[str, Any]) -> tuple[str | None, bool]:
    """The grade of ``audit``'s latest signed revision (None: none signed) and whether it fails on the audit's own
    sheet; ``sheets`` keeps each stored sheet parsed once (by fingerprint) across calls."""
    from qbaudit.analysis.sheets import grade_fails, sheet_from_text

    signed = [r for r in audit.revisions if r.signed]
    grade = signed[-1].signed_grade if signed else None
    if grade is None:
        return None, False
    if audit.sheet_sha256 not in sheets:
        sheets[audit.sheet_sha256] = sheet_from_text(audit.sheet_text, audit.sheet_id)
    return grade, grade_fails(sheets[audit.sheet_sha256], grade)


def institution_history(store: Any, institution: str, registration_number: str | None = None) -> list[PastAudit]:
    """The audits of ``institution`` (by registration number when given, else by name), oldest first."""
    name = institution.strip()
    number = (registration_number or "").strip() or None
    query = select(Audit).join(Institution)
    query = query.where(Institution.registration_number == number) if number else query.where(Institution.name == name)
    sheets: dict[str, Any] = {}
    past = []
    with store._session() as session:
        for audit in session.scalars(query.order_by(Audit.id)):
            signed = [r for r in audit.revisions if r.signed]
            grade, fails = signed_result(audit, sheets)
            supervisors = tuple(Supervisor(member.inspector.name, member.inspector.card_code,
                                           member.inspector.card_kind, member.role) for member in audit.inspectors)
            past.append(PastAudit(audit.id, audit.supervision_date or audit.created_at.astimezone().date(),
                                  audit.occupation, audit.sheet_name, grade, fails, bool(signed), supervisors,
                                  audit.batch_name))
    past.sort(key=lambda a: (a.date, a.id))
    return past


def failures_by_year(history: Iterable[PastAudit]) -> dict[int, list[PastAudit]]:
    """Calendar year → the failing results of that year."""
    years: dict[int, list[PastAudit]] = {}
    for audit in history:
        if audit.fails:
            years.setdefault(audit.date.year, []).append(audit)
    return years


def failure_warning(history: Sequence[PastAudit], sheet: Any, date: dt.date) -> HistoryWarning | None:
    """The warning when the institution has three failing results or more in the calendar year of ``date`` or in
    the year before (an audit early in the next year still hears of it); None otherwise."""
    rules = history_rules()["failures"]
    years = failures_by_year(a for a in history if a.date <= date)
    for year in (date.year, date.year - 1):
        failed = years.get(year, [])
        if len(failed) >= rules["count"]:
            ids = tuple(a.id for a in failed)
            text = tr("history.failures", year=year, count=len(failed),
                      audits="、".join(tr("history.audit_ref", id=a.id, date=a.date.isoformat()) for a in failed))
            return HistoryWarning("failures", text, _failures_rule() if quotes_region(sheet) else "", ids)
    return None


def _failures_rule() -> str:
    rules = history_rules()
    return tr("history.failures_rule", source=rules["source"], clause=rules["failures"]["clause"],
              text=rules["failures"]["text"], consequence=rules["failures"]["consequence"])


def pending_failure_note(history: Sequence[PastAudit], sheet: Any, date: dt.date) -> str:
    """For a draft whose suggested grade fails: the sentence saying that, once signed so, it would be the
    institution's N-th failing result of the year and reach the count of the rule (empty when it would not)."""
    rules = history_rules()["failures"]
    failed = failures_by_year(history).get(date.year, [])
    if len(failed) + 1 < rules["count"]:
        return ""
    text = tr("history.would_reach", year=date.year, count=len(failed) + 1)
    return text + (_failures_rule() if quotes_region(sheet) else "")


def supervisor_warnings(history: Sequence[PastAudit], supervisors: Iterable[tuple[str, str | None]], sheet: Any,
                        date: dt.date) -> list[HistoryWarning]:
    """A warning for each external supervisor of the new audit (``(name, card code)``) who took part in each of
    the institution's last (consecutive − 1) audits before ``date``, all within the rule's period."""
    rules = history_rules()
    rule = rules["same_supervisor"]
    earlier = [a for a in history if a.date <= date][-(rule["consecutive"] - 1):]
    if len(earlier) < rule["consecutive"] - 1:
        return []
    since = date - dt.timedelta(days=rule["period_days"] - 1)
    if any(a.date < since for a in earlier):
        return []
    warnings = []
    for name, code in supervisors:
        found = [next((s for s in a.supervisors if s.same_person(name, code)), None) for a in earlier]
        if all(s is not None and s.external for s in found):
            text = tr("history.same_supervisor", name=name.strip(), count=len(earlier), count_next=len(earlier) + 1,
                      audits="、".join(tr("history.audit_ref", id=a.id, date=a.date.isoformat()) for a in earlier))
            quoted = tr("history.same_supervisor_rule" if quotes_region(sheet) else "history.same_supervisor_elsewhere",
                        region=rules["region"], source=rules["source"], clause=rule["clause"], text=rule["text"])
            warnings.append(HistoryWarning("same_supervisor", text, quoted, tuple(a.id for a in earlier)))
    return warnings


def history_warnings(store: Any, *, institution: str, registration_number: str | None,
                     supervisors: Iterable[tuple[str, str | None]], sheet: Any,
                     date: dt.date | None = None, exclude: int | None = None) -> list[HistoryWarning]:
    """What the institution's history says about opening an audit of it on ``date`` (default today) with
    ``supervisors`` (``(name, card code)``) on ``sheet``: three failing results in a year, a supervisor sent
    a third time in a row. Asked before the audit is created; ``exclude`` leaves out an audit being run again
    (a review's row whose inputs changed)."""
    date = date or dt.date.today()
    history = [a for a in institution_history(store, institution, registration_number) if a.id != exclude]
    warnings = [w for w in (failure_warning(history, sheet, date),) if w is not None]
    warnings += supervisor_warnings(history, supervisors, sheet, date)
    return warnings


def history_lines(history: Sequence[PastAudit], today: dt.date | None = None) -> list[str]:
    """An institution's history as lines to read: its audits by calendar year (how many, how many 不合格), and
    what its history would say of an audit opened ``today`` (default: today). Empty for no history."""
    if not history:
        return []
    years: dict[int, list[PastAudit]] = {}
    for audit in history:
        years.setdefault(audit.date.year, []).append(audit)
    lines = [tr("history.year_line", year=year, audits=len(audits), failed=sum(1 for a in audits if a.fails))
             for year, audits in sorted(years.items())]
    today = today or dt.date.today()
    warning = failure_warning(history, None, today)
    if warning is not None:
        lines.append(tr("history.warning_line", text=str(warning)))
    return lines
