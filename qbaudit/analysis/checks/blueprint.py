"""Blueprint checks: key points (R4), codes (R8), weights (R9), point names (R17),
importance spread (R19) and points per scope against its weight (R20)."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from functools import partial

from qbaudit.analysis.checks.context import CheckContext, excerpt, percent, sheet_name
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Point, Scope, StandardWeight, Status
from qbaudit.analysis.vocabulary import name_key, scope_name_key
from qbaudit.i18n import tr


def importance_counts(points: list[Point]) -> Counter[str]:
    """How many points carry X, Y, Z, or none/an unreadable value (``"?"``)."""
    return Counter(p.importance.value if p.importance else "?" for p in points)


def _importance_evidence(counts: Counter[str], total: int) -> Evidence:
    rows = [
        {"importance": name, "points": counts.get(name, 0), "share": percent(counts.get(name, 0) / total) if total else 0.0}
        for name in ("X", "Y", "Z", "?")
        if name != "?" or counts.get("?")
    ]
    for row in rows:
        if row["importance"] == "?":
            row["importance"] = tr("evidence.importance_missing")
    return Evidence.of(
        tr("evidence.importance_spread"),
        [("importance", tr("evidence.importance")), ("points", tr("evidence.points")), ("share", tr("evidence.share"))],
        rows,
    )


def check_key_points(ctx: CheckContext) -> list[Finding]:
    """R4: the share of key points (X by default) among a level's points is at least ``min_key_share``."""
    minimum = ctx.profile.rule("R4")["min_key_share"]
    keys = ctx.profile.key_importances
    findings = []
    for level in ctx.levels:
        points = ctx.points(level)
        limits = {"threshold": percent(minimum), "comparator": "≥", "unit": "%"}
        unjudged = _no_points(ctx, "R4", level, points, **limits) or _no_importance(ctx, "R4", level, points, **limits)
        if unjudged is not None:
            findings.append(unjudged)
            continue
        counts = importance_counts(points)
        total = len(points)
        key_share = sum(counts.get(k, 0) for k in keys) / total
        x_share = counts.get("X", 0) / total
        xy_share = (counts.get("X", 0) + counts.get("Y", 0)) / total
        ok = key_share >= minimum
        message = tr(
            "R4.pass" if ok else "R4.fail",
            level=ctx.level_label(level),
            keys="+".join(sorted(keys)),
            share=percent(key_share),
            minimum=percent(minimum),
            x=counts.get("X", 0), y=counts.get("Y", 0), z=counts.get("Z", 0), total=total,
            x_share=percent(x_share), xy_share=percent(xy_share),
        )
        evidence = [_importance_evidence(counts, total)]
        unknown = [p for p in points if p.importance is None]
        if unknown:
            evidence.append(_points_table(ctx, tr("evidence.points_without_importance"), unknown, "importance_raw"))
        findings.append(
            ctx.finding("R4", level, Status.PASS if ok else Status.FAIL, message, measured=percent(key_share),
                        threshold=percent(minimum), comparator="≥", unit="%", evidence=evidence,
                        breached=("min_key_share",))
        )
    return findings


def _no_points(ctx: CheckContext, rule_id: str, level: int, points: list[Point], **limits) -> Finding | None:
    """无法判断 when there is no blueprint (at this level) or it lists no theory points; else None."""
    absent = ctx.no_blueprint(rule_id, level, **limits)
    if absent is not None or points:
        return absent
    label = ctx.level_label(level)
    return ctx.cannot_judge(rule_id, level, tr("checks.na.no_theory_points", level=label),
                            tr("checks.supply.theory_blueprint", level=label), **limits)


def _no_importance(ctx: CheckContext, rule_id: str, level: int, points: list[Point], **limits) -> Finding | None:
    """无法判断 when no point of the level has a readable importance (X/Y/Z); else None."""
    if any(p.importance is not None for p in points):
        return None
    label = ctx.level_label(level)
    written = [p for p in points if p.importance_raw]
    if not written:
        reason = tr("checks.na.no_importance", level=label, points=len(points))
        evidence: list[Evidence] = []
    else:
        reason = tr("checks.na.importance_unreadable", level=label, points=len(points),
                    examples="、".join(sorted({p.importance_raw or "" for p in written})[:5]))
        evidence = [_points_table(ctx, tr("evidence.points_without_importance"), written, "importance_raw")]
    return ctx.cannot_judge(rule_id, level, reason, tr("checks.supply.importance"), evidence=evidence, **limits)


def check_importance_spread(ctx: CheckContext) -> list[Finding]:
    """R19 (advisory): X ≥ min_x_share, Y ≤ max_y_share, Z ≤ max_z_share."""
    settings = ctx.profile.rule("R19")
    findings = []
    for level in ctx.levels:
        points = ctx.points(level)
        unjudged = _no_points(ctx, "R19", level, points) or _no_importance(ctx, "R19", level, points)
        if unjudged is not None:
            findings.append(unjudged)
            continue
        counts = importance_counts(points)
        total = len(points)
        shares = {name: counts.get(name, 0) / total for name in "XYZ"}
        breaches, breached = [], []
        if shares["X"] < settings["min_x_share"]:
            breaches.append(tr("R19.x_low", share=percent(shares["X"]), limit=percent(settings["min_x_share"])))
            breached.append("min_x_share")
        if shares["Y"] > settings["max_y_share"]:
            breaches.append(tr("R19.y_high", share=percent(shares["Y"]), limit=percent(settings["max_y_share"])))
            breached.append("max_y_share")
        if shares["Z"] > settings["max_z_share"]:
            breaches.append(tr("R19.z_high", share=percent(shares["Z"]), limit=percent(settings["max_z_share"])))
            breached.append("max_z_share")
        spread = f"X {percent(shares['X'])}% / Y {percent(shares['Y'])}% / Z {percent(shares['Z'])}%"
        message = (
            tr("R19.pass", level=ctx.level_label(level), spread=spread)
            if not breaches
            else tr("R19.warn", level=ctx.level_label(level), spread=spread, breaches="；".join(breaches))
        )
        threshold = f"X≥{percent(settings['min_x_share'])}% Y≤{percent(settings['max_y_share'])}% Z≤{percent(settings['max_z_share'])}%"
        findings.append(
            ctx.finding("R19", level, Status.FAIL if breaches else Status.PASS, message, measured=spread,
                        threshold=threshold, evidence=[_importance_evidence(counts, total)], breached=breached)
        )
    return findings


def _points_table(ctx: CheckContext, title: str, points: list[Point], extra: str | None = None,
                  problems: dict[int, str] | None = None) -> Evidence:
    columns = [("code", tr("evidence.point_code")), ("name", tr("evidence.point_name"))]
    if extra == "importance_raw":
        columns.append(("importance", tr("evidence.importance_as_written")))
    if problems is not None:
        columns.append(("problem", tr("evidence.problem")))
    columns += [("sheet", tr("evidence.blueprint_sheet")), ("row", tr("evidence.blueprint_row"))]
    rows = []
    for index, point in enumerate(points):
        row = {"code": point.code or "—", "name": point.name or "", "sheet": ctx.sheet_of(point) or "",
               "row": ctx.row_of(point)}
        if extra == "importance_raw":
            row["importance"] = point.importance_raw or ""
        if problems is not None:
            row["problem"] = problems[index]
        rows.append(row)
    return Evidence.of(title, columns, rows)


def check_point_names(ctx: CheckContext) -> list[Finding]:
    """R17: every point has a name, and no two points of a level share one."""
    findings = []
    for level in ctx.levels:
        points = ctx.points(level)
        unjudged = _no_points(ctx, "R17", level, points, threshold=0, comparator="=", unit=tr("unit.points"))
        if unjudged is not None:
            findings.append(unjudged)
            continue
        flagged: list[Point] = []
        problems: list[str] = []
        for point in points:
            if not point.name or not name_key(point.name):
                flagged.append(point)
                problems.append(tr("R17.missing"))
        groups: dict[str, list[Point]] = defaultdict(list)
        for point in points:
            if point.name and name_key(point.name):
                groups[name_key(point.name)].append(point)
        duplicate_groups = [g for g in groups.values() if len(g) > 1]
        for group in duplicate_groups:
            codes = "、".join(p.code or "—" for p in group)
            for point in group:
                flagged.append(point)
                problems.append(tr("R17.duplicate", codes=codes))
        missing = sum(1 for p in problems if p == tr("R17.missing"))
        ok = not flagged
        message = (
            tr("R17.pass", level=ctx.level_label(level), total=len(points))
            if ok
            else tr("R17.fail", level=ctx.level_label(level), missing=missing, groups=len(duplicate_groups))
        )
        evidence = [_points_table(ctx, tr("evidence.point_name_problems"), flagged, problems=dict(enumerate(problems)))] if flagged else []
        findings.append(
            ctx.finding("R17", level, Status.PASS if ok else Status.FAIL, message, measured=len(flagged), threshold=0,
                        comparator="=", unit=tr("unit.points"), evidence=evidence)
        )
    return findings


def _add_code_problem(rows: list[dict], kind: str, code: str, name: str | None, problem: str, source) -> None:
    rows.append({"kind": kind, "code": code or "—", "name": name or "", "problem": problem,
                 "sheet": source.sheet if source else "", "row": source.row if source else None})


def check_codes(ctx: CheckContext) -> list[Finding]:
    """R8: scope and point codes present, well formed, unique and hierarchical; every item code resolves."""
    profile = ctx.profile
    findings = []
    all_keys = {level: set(ctx.point_index(level)) for level in ctx.levels}
    limits = {"threshold": 0, "comparator": "=", "unit": tr("unit.problems")}
    for level in ctx.levels:
        if not ctx.has_blueprint:
            findings.append(ctx.no_blueprint("R8", level, **limits))
            continue
        code_rows: list[dict] = []
        add = partial(_add_code_problem, code_rows)
        malformed: list[str] = []  # a code pattern not met, once per problem (the tool's own: see codes.basis)

        scopes = ctx.scopes(level)
        by_code: dict[str, list[Scope]] = defaultdict(list)
        for scope in scopes:
            if not scope.own_code:
                add(tr("evidence.scope"), "", scope.name, tr("R8.scope_code_missing"), scope.source)
                continue
            if not profile.scope_code_pattern.match(scope.own_code):
                add(tr("evidence.scope"), scope.code, scope.name, tr("R8.scope_code_malformed", code=scope.own_code),
                    scope.source)
                malformed.append("codes.scope_code_pattern")
            if scope.code:
                by_code[scope.code].append(scope)
        for code, group in by_code.items():
            if len({name_key(s.name or "") for s in group}) > 1:
                for scope in group:
                    add(tr("evidence.scope"), code, scope.name, tr("R8.scope_code_duplicate"), scope.source)
        points = ctx.points(level)
        key_count = Counter(p.key for p in points if p.key)
        for point in points:
            if not point.code:
                add(tr("evidence.point"), "", point.name, tr("R8.point_code_missing"), point.source)
                continue
            if not profile.point_code_pattern.match(point.code):
                add(tr("evidence.point"), point.code, point.name, tr("R8.point_code_malformed"), point.source)
                malformed.append("codes.point_code_pattern")
            if key_count[point.key] > 1:
                add(tr("evidence.point"), point.code, point.name, tr("R8.point_code_duplicate", count=key_count[point.key]),
                    point.source)
            scope = point.scope
            if scope is not None and scope.code:
                scope_key = re.sub(r"[-._/\\·•]", "", scope.code)
                if not point.key.startswith(scope_key):
                    add(tr("evidence.point"), point.code, point.name,
                        tr("R8.point_outside_scope", scope=scope.code, scope_name=scope.name or ""), point.source)
        items = ctx.items(level)
        coded = items[items[C.POINT_KEY].notna()]
        unresolved = coded[~coded[C.POINT_KEY].isin(all_keys[level])]
        item_rows = []
        for item in unresolved.itertuples(index=False):
            elsewhere = [ctx.level_label(other) for other in ctx.levels if other != level and getattr(item, C.POINT_KEY) in all_keys[other]]
            note = tr("R8.code_in_other_level", levels="、".join(elsewhere)) if elsewhere else tr("R8.code_not_in_blueprint")
            item_rows.append({"item_id": getattr(item, C.ITEM_ID), "code": excerpt(getattr(item, C.POINT_CODE_RAW)),
                              "sheet": sheet_name(getattr(item, C.SOURCE_SHEET)), "row": int(getattr(item, C.SOURCE_ROW)),
                              "problem": note})
        problems = len(code_rows) + len(item_rows)
        # Problems other than a code pattern breach what the text says (设计合理，标注正确) itself.
        breached: list[str | None] = sorted(set(malformed))
        if problems > len(malformed):
            breached.append(None)
        evidence = []
        if code_rows:
            evidence.append(Evidence.of(
                tr("evidence.code_problems"),
                [("kind", tr("evidence.kind")), ("code", tr("evidence.code")), ("name", tr("evidence.name")),
                 ("problem", tr("evidence.problem")), ("sheet", tr("evidence.blueprint_sheet")),
                 ("row", tr("evidence.blueprint_row"))],
                code_rows,
            ))
        if item_rows:
            evidence.append(Evidence.of(
                tr("evidence.unresolved_items"),
                [("item_id", tr("evidence.item_id")), ("code", tr("evidence.point_code")), ("problem", tr("evidence.problem")),
                 ("sheet", tr("evidence.sheet")), ("row", tr("evidence.row"))],
                item_rows,
            ))
        ok = problems == 0
        label = ctx.level_label(level)
        if not ctx.in_blueprint(level):
            # The items' codes cannot be looked up in a blueprint of their level; where they belong is shown.
            findings.append(ctx.cannot_judge("R8", level, tr("checks.na.level_not_in_blueprint", level=label),
                                             tr("checks.supply.blueprint_of_level", level=label), evidence=evidence,
                                             **limits))
            continue
        if ok and coded.empty:
            reason = tr("checks.na.R8_items_uncoded", level=label, scopes=len(scopes), points=len(points))
            supply = tr("checks.supply.point_codes") if not items.empty else tr("checks.supply.bank_of_level",
                                                                                  level=label)
            findings.append(ctx.cannot_judge("R8", level, reason, supply, measured=0, **limits))
            continue
        message = (
            tr("R8.pass", level=label, scopes=len(scopes), points=len(points), items=len(coded))
            if ok
            else tr("R8.fail" if code_rows and item_rows else "R8.fail_blueprint" if code_rows else "R8.fail_items",
                    level=label, blueprint=len(code_rows), items=len(item_rows))
        )
        if not ok and coded.empty:
            message += tr("checks.R8.items_uncoded_note")
        findings.append(
            ctx.finding("R8", level, Status.PASS if ok else Status.FAIL, message, measured=problems, evidence=evidence,
                        breached=breached, **limits)
        )
    return findings


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _children(scopes: list[Scope]) -> dict[str | None, list[Scope]]:
    children: dict[str | None, list[Scope]] = defaultdict(list)
    index = {s.path_names: s for s in scopes}
    for scope in scopes:
        parent = index.get(scope.path_names[:-1]) if scope.tier > 1 else None
        children[parent.path_names if parent else None].append(scope)
    return children


def effective_weights(scopes: list[Scope]) -> tuple[dict[tuple[str, ...], float | None], set[tuple[str, ...]]]:
    """Each scope's weight, by its path of names: its own, or — when the blueprint leaves a tier without
    a weight — the sum of its children's (when they all have one, theirs taken the same way).
    Returns the weights and the scopes whose weight was so derived."""
    children = _children(scopes)
    weights: dict[tuple[str, ...], float | None] = {}
    derived: set[tuple[str, ...]] = set()

    def weight(scope: Scope) -> float | None:
        if scope.path_names in weights:
            return weights[scope.path_names]
        weights[scope.path_names] = None  # a guard against a cycle of names
        if scope.weight is not None:
            value: float | None = scope.weight
        else:
            kids = [weight(k) for k in children.get(scope.path_names, []) if k is not scope]
            value = sum(k for k in kids if k is not None) if kids and all(k is not None for k in kids) else None
            if value is not None:
                derived.add(scope.path_names)
        weights[scope.path_names] = value
        return value

    for scope in scopes:
        weight(scope)
    return weights, derived


def _item_share_by_scope(ctx: CheckContext, level: int) -> dict[tuple[str, ...], float]:
    """Share of a level's items under each scope (by the blueprint point each item resolves to)."""
    index = ctx.point_index(level)
    counts: Counter[tuple[str, ...]] = Counter()
    total = len(ctx.items(level))
    for key, items in ctx.items_per_point(level).items():  # each point key once, with its count
        point = index.get(key)
        if point is None or point.scope is None:
            continue
        names = point.scope.path_names
        for depth in range(1, len(names) + 1):
            counts[names[:depth]] += items
    return {path: n / total for path, n in counts.items()} if total else {}


def check_weights(ctx: CheckContext) -> list[Finding]:
    """R9: scope weights add up (top tier to ``total``, children to their parent) and match the standard."""
    settings = ctx.profile.rule("R9")
    tolerance, total_target = settings["tolerance"], settings["total"]
    standard = ctx.data.standard
    findings = []
    limits = {"threshold": tolerance, "comparator": "≤", "unit": tr("unit.percentage_points")}
    for level in ctx.levels:
        scopes = ctx.scopes(level)
        absent = ctx.no_blueprint("R9", level, **limits)
        if absent is not None:
            findings.append(absent)
            continue
        label = ctx.level_label(level)
        if not scopes:
            findings.append(ctx.cannot_judge("R9", level, tr("checks.na.no_scopes", level=label),
                                             tr("checks.supply.theory_blueprint", level=label), **limits))
            continue
        weights, derived = effective_weights(scopes)
        if all(w is None for w in weights.values()):
            findings.append(ctx.cannot_judge("R9", level, tr("checks.na.no_weights", level=label),
                                             tr("checks.supply.weights"), **limits))
            continue
        problems: list[str] = []
        children = _children(scopes)
        top = children.get(None, [])
        weighted_top = [s for s in top if weights[s.path_names] is not None]
        top_sum = sum(weights[s.path_names] or 0.0 for s in weighted_top)
        if not weighted_top:
            problems.append(tr("R9.no_weights"))
        elif abs(top_sum - total_target) > tolerance + 1e-9:
            problems.append(tr("R9.top_sum", total=_fmt(top_sum), target=_fmt(total_target)))
        for scope in scopes:
            # A weight of the blueprint's own against its children's (a derived one is their sum).
            kids = [weights[k.path_names] for k in children.get(scope.path_names, [])]
            if scope.weight is not None and kids and all(k is not None for k in kids):
                kid_sum = sum(k for k in kids if k is not None)
                if abs(kid_sum - scope.weight) > tolerance + 1e-9:
                    problems.append(tr("R9.child_sum", scope=scope.name or scope.code, total=_fmt(kid_sum),
                                       weight=_fmt(scope.weight)))
        shares = _item_share_by_scope(ctx, level)
        rows: dict[tuple[str, ...], dict] = {}
        source = {True: tr("checks.R9.source_derived"), False: tr("checks.R9.source_written")}
        for scope in scopes:
            if weights[scope.path_names] is None:
                continue
            rows[scope.path_names] = {
                "code": scope.code or "—", "name": scope.name or "", "tier": scope.tier,
                "blueprint": weights[scope.path_names], "source": source[scope.path_names in derived], "standard": None,
                "difference": None, "bank": percent(shares.get(scope.path_names, 0.0)), "status": "",
            }
        entries = standard.of(level) if standard is not None else []
        compared = False
        if entries:
            compared = True
            matched = _match_standard(scopes, entries)
            matched_tiers = {s.tier for s in matched.values() if s is not None}
            for entry, scope in matched.items():
                if scope is None:
                    guess = difflib.get_close_matches(scope_name_key(entry.scope_name),
                                                      [scope_name_key(s.name or "") for s in scopes], n=1)
                    problems.append(tr("R9.missing_in_blueprint", scope=entry.scope_name, weight=_fmt(entry.weight),
                                       guess=tr("R9.did_you_mean", name=guess[0]) if guess else ""))
                    rows[("__std__", entry.scope_name)] = {
                        "code": entry.scope_code or "—", "name": entry.scope_name, "tier": None, "blueprint": None,
                        "standard": entry.weight, "difference": None, "bank": None, "status": tr("R9.status_missing"),
                    }
                    continue
                weight = weights[scope.path_names]
                row = rows.setdefault(scope.path_names, {
                    "code": scope.code or "—", "name": scope.name or "", "tier": scope.tier, "blueprint": weight,
                    "source": "", "standard": None, "difference": None,
                    "bank": percent(shares.get(scope.path_names, 0.0)), "status": "",
                })
                row["standard"] = entry.weight
                if weight is None:
                    problems.append(tr("R9.blueprint_no_weight", scope=scope.name or scope.code, weight=_fmt(entry.weight)))
                    row["status"] = tr("R9.status_no_weight")
                    continue
                difference = weight - entry.weight
                row["difference"] = round(difference, 2)
                if abs(difference) > tolerance + 1e-9:
                    problems.append(tr("R9.mismatch", scope=scope.name or scope.code, blueprint=_fmt(weight),
                                       standard=_fmt(entry.weight)))
                    row["status"] = tr("R9.status_mismatch")
                else:
                    row["status"] = tr("R9.status_ok")
            matched_paths = {s.path_names for s in matched.values() if s is not None}
            for scope in scopes:
                weight = weights[scope.path_names]
                if scope.tier in matched_tiers and weight is not None and scope.path_names not in matched_paths:
                    problems.append(tr("R9.extra_in_blueprint", scope=scope.name or scope.code, weight=_fmt(weight)))
                    rows[scope.path_names]["status"] = tr("R9.status_extra")
        evidence = Evidence.of(
            tr("evidence.weights"),
            [("code", tr("evidence.code")), ("name", tr("evidence.scope")), ("tier", tr("evidence.tier")),
             ("blueprint", tr("evidence.weight_blueprint")), ("source", tr("checks.R9.col_source")),
             ("standard", tr("evidence.weight_standard")),
             ("difference", tr("evidence.difference")), ("bank", tr("evidence.weight_bank")),
             ("status", tr("evidence.status"))],
            list(rows.values()),
        )
        deviations = [abs(r["difference"]) for r in rows.values() if r["difference"] is not None]
        measured = max(deviations) if deviations else None
        if problems:
            status = Status.FAIL
            message = tr("R9.fail", level=label, count=len(problems), problems="；".join(problems))
        elif compared:
            status = Status.PASS
            message = tr("R9.pass", level=label, count=len(entries), total=_fmt(top_sum))
        else:
            status = Status.NA
            message = tr("R9.no_standard", level=label, total=_fmt(top_sum))
        if derived:
            names = "、".join(s.name or s.code for s in scopes if s.path_names in derived)
            message += tr("checks.R9.derived_note", count=len(derived), scopes=names)
        findings.append(ctx.finding("R9", level, status, message, measured=measured, evidence=[evidence],
                                    breached=("tolerance", "total"), **limits))
    return findings


def _match_standard(scopes: list[Scope], entries: list[StandardWeight]) -> dict[StandardWeight, Scope | None]:
    """Each standard entry's blueprint scope: by code when both have one, else by name."""
    by_code = {s.code: s for s in scopes if s.code}
    by_own = defaultdict(list)
    for s in scopes:
        if s.own_code:
            by_own[s.own_code].append(s)
    by_name: dict[str, list[Scope]] = defaultdict(list)
    for s in scopes:
        if s.name:
            by_name[scope_name_key(s.name)].append(s)
    result: dict[StandardWeight, Scope | None] = {}
    for entry in entries:
        scope = None
        if entry.scope_code:
            scope = by_code.get(entry.scope_code) or (by_own[entry.scope_code][0] if len(by_own[entry.scope_code]) == 1 else None)
        if scope is None:
            candidates = by_name.get(scope_name_key(entry.scope_name), [])
            scope = min(candidates, key=lambda s: s.tier) if candidates else None
        result[entry] = scope
    return result


def check_points_per_weight(ctx: CheckContext) -> list[Finding]:
    """R20 (advisory): each weighted scope without weighted children has ≥ factor × weight points."""
    factor = ctx.profile.rule("R20")["min_points_per_weight_percent"]
    findings = []
    limits = {"threshold": 0, "comparator": "=", "unit": tr("unit.scopes")}
    for level in ctx.levels:
        scopes = ctx.scopes(level)
        points = ctx.points(level)
        unjudged = _no_points(ctx, "R20", level, points, **limits)
        if unjudged is not None:
            findings.append(unjudged)
            continue
        label = ctx.level_label(level)
        if not scopes or all(p.scope is None for p in points):
            findings.append(ctx.cannot_judge("R20", level, tr("checks.na.no_scopes", level=label),
                                             tr("checks.supply.theory_blueprint", level=label), **limits))
            continue
        children = _children(scopes)
        per_scope: Counter[tuple[str, ...]] = Counter()
        for point in points:
            if point.scope is None:
                continue
            names = point.scope.path_names
            for depth in range(1, len(names) + 1):
                per_scope[names[:depth]] += 1
        rows = []
        short = 0
        for scope in scopes:
            if scope.weight is None:
                continue
            if any(k.weight is not None for k in children.get(scope.path_names, [])):
                continue
            required = factor * scope.weight
            count = per_scope.get(scope.path_names, 0)
            ok = count + 1e-9 >= required
            short += not ok
            rows.append({"code": scope.code or "—", "name": scope.name or "", "weight": scope.weight, "points": count,
                         "required": round(required, 1), "status": tr("R20.status_ok") if ok else tr("R20.status_short")})
        if not rows:
            findings.append(ctx.cannot_judge("R20", level, tr("checks.na.no_weights", level=label),
                                             tr("checks.supply.weights"), **limits))
            continue
        evidence = Evidence.of(
            tr("evidence.points_per_weight", factor=f"{factor:g}"),
            [("code", tr("evidence.code")), ("name", tr("evidence.scope")), ("weight", tr("evidence.weight_blueprint")),
             ("points", tr("evidence.points")), ("required", tr("evidence.required")), ("status", tr("evidence.status"))],
            rows,
        )
        message = (
            tr("R20.pass", level=ctx.level_label(level), count=len(rows), factor=f"{factor:g}")
            if not short
            else tr("R20.warn", level=ctx.level_label(level), short=short, count=len(rows), factor=f"{factor:g}")
        )
        findings.append(
            ctx.finding("R20", level, Status.FAIL if short else Status.PASS, message, measured=short, threshold=0,
                        comparator="=", unit=tr("unit.scopes"), evidence=[evidence],
                        breached=("min_points_per_weight_percent",))
        )
    return findings
