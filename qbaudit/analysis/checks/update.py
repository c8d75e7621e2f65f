"""R14: the bank is revised every year, fully updated within the cycle, and after a new standard."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qbaudit.analysis.checks.context import CheckContext
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.i18n import tr


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (negative if ``later`` comes first)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _dates(column: pd.Series) -> pa.Array:
    """The revision dates of a column as one Arrow array of dates, the missing ones left out (computed in
    Arrow: no Python date per item)."""
    dates = pa.array(column, from_pandas=True)
    if isinstance(dates, pa.ChunkedArray):
        dates = dates.combine_chunks()
    if pa.types.is_null(dates.type):
        dates = dates.cast(pa.date32())
    return dates.drop_null().cast(pa.date32())


def _before(dates: pa.Array, day: dt.date) -> int:
    """How many of ``dates`` are before ``day``."""
    return int(pc.sum(pc.less(dates, pa.scalar(day, pa.date32()))).as_py() or 0)


def check_revision(ctx: CheckContext) -> list[Finding]:
    """R14: latest revision within ``max_months_since_revision``; oldest within ``full_update_years``;
    nothing older than a standard issued more than ``months_to_update_after_new_standard`` ago."""
    settings = ctx.profile.rule("R14")
    as_of = ctx.data.as_of
    max_months = settings["max_months_since_revision"]
    full_years = settings["full_update_years"]
    standard = ctx.data.standard
    issued = standard.issued if standard is not None else None
    findings = []
    for level in ctx.levels:
        items = ctx.items(level)
        if items.empty:
            continue
        dates = _dates(items[C.REVISED])
        missing = len(items) - len(dates)
        if len(dates) == 0:
            findings.append(ctx.cannot_judge("R14", level, tr("checks.na.no_dates", level=ctx.level_label(level)),
                                             tr("checks.supply.dates"), threshold=max_months, comparator="≤",
                                             unit=tr("unit.months")))
            continue
        latest, oldest = pc.max(dates).as_py(), pc.min(dates).as_py()
        since_latest = months_between(latest, as_of)
        problems = []
        breached: list[str | None] = []
        if since_latest > max_months:
            problems.append(tr("R14.stale", latest=latest.isoformat(), months=since_latest, limit=max_months))
            breached.append("max_months_since_revision")
        cutoff = _add_months(as_of, -round(full_years * 12))
        too_old = _before(dates, cutoff)
        if too_old:
            problems.append(tr("R14.not_fully_updated", count=too_old, years=f"{full_years:g}", cutoff=cutoff.isoformat()))
            breached.append("full_update_years")
        before_standard = 0
        if issued is not None:
            deadline = _add_months(issued, settings["months_to_update_after_new_standard"])
            before_standard = _before(dates, issued)
            if as_of > deadline and before_standard:
                problems.append(tr("R14.before_standard", count=before_standard, issued=issued.isoformat(),
                                   deadline=deadline.isoformat()))
                breached.append("months_to_update_after_new_standard")
        rows = [
            {"what": tr("R14.row_as_of"), "value": as_of.isoformat()},
            {"what": tr("R14.row_latest"), "value": latest.isoformat()},
            {"what": tr("R14.row_oldest"), "value": oldest.isoformat()},
            {"what": tr("R14.row_months"), "value": since_latest},
            {"what": tr("R14.row_older_than", years=f"{full_years:g}"), "value": too_old},
            {"what": tr("R14.row_missing"), "value": missing},
        ]
        if issued is not None:
            rows.append({"what": tr("R14.row_standard"), "value": issued.isoformat()})
            rows.append({"what": tr("R14.row_before_standard"), "value": before_standard})
        years = pc.value_counts(pc.year(dates))
        by_year = sorted(zip(years.field("values").to_pylist(), years.field("counts").to_pylist(), strict=True))
        evidence = [
            Evidence.of(tr("evidence.revision_summary"), [("what", tr("evidence.what")), ("value", tr("evidence.value"))], rows),
            Evidence.of(tr("evidence.revisions_by_year"), [("year", tr("evidence.year")), ("items", tr("evidence.items"))],
                        [{"year": int(y), "items": int(n)} for y, n in by_year]),
        ]
        note = tr("R14.missing_note", count=missing) if missing else ""
        measured: int | str = since_latest
        if problems and since_latest <= max_months:
            # The latest revision is recent; what fails is the full update: show that instead.
            measured = tr("R14.measured_old", count=too_old) if too_old else tr("R14.measured_standard", count=before_standard)
        if problems:
            message = tr("R14.fail", level=ctx.level_label(level), problems="；".join(problems)) + note
            status = Status.FAIL
        else:
            message = tr("R14.pass", level=ctx.level_label(level), latest=latest.isoformat(), months=since_latest,
                         oldest=oldest.isoformat()) + note
            status = Status.PASS
        findings.append(
            ctx.finding("R14", level, status, message, measured=measured, threshold=max_months, comparator="≤",
                        unit=tr("unit.months"), evidence=evidence, breached=breached)
        )
    return findings
