"""Quantities: points per level (R1), items per point (R2), items per level (R3)."""

from __future__ import annotations

from collections import Counter

from qbaudit.analysis.checks.context import CheckContext
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.i18n import tr


def _points_by_top_scope(ctx: CheckContext, level: int) -> Evidence:
    counts: Counter[str] = Counter()
    for point in ctx.points(level):
        top = point.scope.path_names[0] if point.scope and point.scope.path_names else tr("evidence.no_scope")
        counts[top] += 1
    rows = [{"scope": name, "points": count} for name, count in counts.items()]
    return Evidence.of(tr("evidence.points_by_scope"), [("scope", tr("evidence.scope")), ("points", tr("evidence.points"))], rows)


def check_point_count(ctx: CheckContext) -> list[Finding]:
    """R1: a level's blueprint has at least ``min_points`` theory points."""
    minimum = ctx.profile.rule("R1")["min_points"]
    findings = []
    for level in ctx.levels:
        count = len(ctx.points(level))
        ok = count >= minimum
        key = "R1.pass" if ok else "R1.fail"
        message = tr(key, level=ctx.level_label(level), count=count, minimum=minimum, gap=minimum - count)
        findings.append(
            ctx.finding("R1", level, Status.PASS if ok else Status.FAIL, message, measured=count, threshold=minimum,
                        comparator="≥", unit=tr("unit.points"), evidence=[_points_by_top_scope(ctx, level)])
        )
    return findings


def items_per_point_distribution(counts: list[int]) -> Evidence:
    """How many points carry 0, 1, 2 … items: the whole spread behind R2 (the report draws it)."""
    spread = Counter(counts)
    rows = [{"items": n, "points": spread[n]} for n in sorted(spread)]
    return Evidence.of(tr("distribution.items_per_point"),
                       [("items", tr("distribution.items_of_a_point")), ("points", tr("evidence.points"))], rows)


def check_items_per_point(ctx: CheckContext) -> list[Finding]:
    """R2: every theory point of a level has at least ``min_items_per_point`` items."""
    minimum = ctx.profile.rule("R2")["min_items_per_point"]
    findings = []
    for level in ctx.levels:
        points = ctx.points(level)
        counts = ctx.items_per_point(level)
        if not points:
            findings.append(ctx.finding("R2", level, Status.NA, tr("R2.no_points", level=ctx.level_label(level)),
                                        threshold=minimum, comparator="≥", unit=tr("unit.items")))
            continue
        seen: set[str] = set()
        short = []
        fewest = None
        per_point: list[int] = []
        for point in points:
            if point.key in seen:
                continue  # a duplicated code is R8's finding; count its items once
            seen.add(point.key)
            count = counts.get(point.key, 0) if point.key else 0
            per_point.append(count)
            fewest = count if fewest is None else min(fewest, count)
            if count < minimum:
                short.append({"code": point.code or "—", "name": point.name or "", "items": count,
                              "sheet": ctx.sheet_of(point) or "", "row": ctx.row_of(point)})
        ok = not short
        message = (
            tr("R2.pass", level=ctx.level_label(level), minimum=minimum, fewest=fewest)
            if ok
            else tr("R2.fail", level=ctx.level_label(level), count=len(short), minimum=minimum, fewest=fewest)
        )
        evidence = Evidence.of(
            tr("evidence.points_short_of_items", minimum=minimum),
            [("code", tr("evidence.point_code")), ("name", tr("evidence.point_name")), ("items", tr("evidence.items")),
             ("sheet", tr("evidence.blueprint_sheet")), ("row", tr("evidence.blueprint_row"))],
            sorted(short, key=lambda r: (r["items"], r["code"])),
        )
        spread = items_per_point_distribution(per_point)
        findings.append(
            ctx.finding("R2", level, Status.PASS if ok else Status.FAIL, message, measured=fewest, threshold=minimum,
                        comparator="≥", unit=tr("unit.items"), evidence=[evidence, spread] if short else [spread])
        )
    return findings


def check_item_count(ctx: CheckContext) -> list[Finding]:
    """R3: a level has at least ``min_items_per_level`` items."""
    minimum = ctx.profile.rule("R3")["min_items_per_level"]
    findings = []
    for level in ctx.levels:
        items = ctx.items(level)
        count = len(items)
        ok = count >= minimum
        by_type = items["item_type"].fillna(tr("evidence.type_unknown")).value_counts()
        evidence = Evidence.of(
            tr("evidence.items_by_type"),
            [("type", tr("evidence.item_type")), ("items", tr("evidence.items"))],
            [{"type": str(t), "items": int(n)} for t, n in by_type.items()],
        )
        key = "R3.pass" if ok else "R3.fail"
        message = tr(key, level=ctx.level_label(level), count=count, minimum=minimum, gap=minimum - count)
        findings.append(
            ctx.finding("R3", level, Status.PASS if ok else Status.FAIL, message, measured=count, threshold=minimum,
                        comparator="≥", unit=tr("unit.items"), evidence=[evidence])
        )
    return findings
