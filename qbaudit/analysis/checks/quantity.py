"""Quantities: points per level (R1), items per point (R2), items per level (R3)."""

from __future__ import annotations

from collections import Counter

from qbaudit.analysis.checks.context import CheckContext
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import ColumnKind, Evidence, Finding, Status
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
        absent = ctx.no_blueprint("R1", level, threshold=minimum, comparator="≥", unit=tr("unit.points"))
        if absent is not None:
            findings.append(absent)
            continue
        count = len(ctx.points(level))
        if not count and not ctx.scopes(level):  # the level's blueprint has a skill part only
            findings.append(ctx.cannot_judge("R1", level, tr("checks.na.no_theory_part", level=ctx.level_label(level)),
                                             tr("checks.supply.theory_blueprint", level=ctx.level_label(level)),
                                             threshold=minimum, comparator="≥", unit=tr("unit.points")))
            continue
        # A new occupation's waiver may set another count (「可结合国家职业标准有关要求合理确定考评点数量」).
        lowered = ctx.waived_value("R1", "min_points", level)
        ok = count >= minimum
        key = "R1.pass" if ok else "R1.fail"
        message = tr(key, level=ctx.level_label(level), count=count, minimum=minimum, gap=minimum - count)
        required = minimum
        if not ok and lowered is not None:
            required = lowered
            waiver = ctx.profile.waiver("R1", level)
            message += tr("thresholds.R1_waived_count", count=count, lowered=lowered,
                          reason=waiver.reason if waiver is not None else "",
                          verdict=tr("thresholds.reached") if count >= lowered else
                          tr("thresholds.not_reached", gap=lowered - count))
        findings.append(
            ctx.finding("R1", level, Status.PASS if ok else Status.FAIL, message, measured=count, threshold=required,
                        comparator="≥", unit=tr("unit.points"), evidence=[_points_by_top_scope(ctx, level)],
                        breached=() if ok else ("min_points",),
                        waivable=lowered is None or count >= lowered)
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
        limits = {"threshold": minimum, "comparator": "≥", "unit": tr("unit.items")}
        absent = ctx.no_blueprint("R2", level, **limits)
        if absent is not None:
            findings.append(absent)
            continue
        label = ctx.level_label(level)
        if not points:
            findings.append(ctx.cannot_judge("R2", level, tr("checks.na.no_theory_points", level=label),
                                             tr("checks.supply.theory_blueprint", level=label), **limits))
            continue
        if ctx.items(level).empty:
            findings.append(ctx.cannot_judge("R2", level, tr("checks.na.no_items", level=label),
                                             tr("checks.supply.bank_of_level", level=label), **limits))
            continue
        if ctx.items(level)[C.POINT_KEY].isna().all():
            findings.append(ctx.cannot_judge("R2", level, tr("checks.na.no_point_codes", level=label),
                                             tr("checks.supply.point_codes"), **limits))
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
            kinds={"code": ColumnKind.POINT},
        )
        spread = items_per_point_distribution(per_point)
        findings.append(
            ctx.finding("R2", level, Status.PASS if ok else Status.FAIL, message, measured=fewest, threshold=minimum,
                        comparator="≥", unit=tr("unit.items"), evidence=[evidence, spread] if short else [spread],
                        breached=("min_items_per_point",))
        )
    return findings


def check_item_count(ctx: CheckContext) -> list[Finding]:
    """R3: a level has at least ``min_items_per_level`` items."""
    minimum = ctx.profile.rule("R3")["min_items_per_level"]
    findings = []
    for level in ctx.levels:
        items = ctx.items(level)
        count = len(items)
        if not count:  # a level of the blueprint that the bank given does not hold
            label = ctx.level_label(level)
            findings.append(ctx.cannot_judge("R3", level, tr("checks.na.no_items", level=label),
                                             tr("checks.supply.bank_of_level", level=label), threshold=minimum,
                                             comparator="≥", unit=tr("unit.items")))
            continue
        ok = count >= minimum
        by_type = items[C.ITEM_TYPE].fillna(tr("evidence.type_unknown")).value_counts()
        evidence = Evidence.of(
            tr("evidence.items_by_type"),
            [("type", tr("evidence.item_type")), ("items", tr("evidence.items"))],
            [{"type": str(t), "items": int(n)} for t, n in by_type.items()],
        )
        key = "R3.pass" if ok else "R3.fail"
        message = tr(key, level=ctx.level_label(level), count=count, minimum=minimum, gap=minimum - count)
        findings.append(
            ctx.finding("R3", level, Status.PASS if ok else Status.FAIL, message, measured=count, threshold=minimum,
                        comparator="≥", unit=tr("unit.items"), evidence=[evidence], breached=("min_items_per_level",))
        )
    return findings
