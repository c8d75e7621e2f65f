"""R8: the blueprint's scope and point codes present, well formed, unique and hierarchical, and every item's
point code found in the blueprint of its level."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import partial
from typing import Any

from qbaudit.analysis.checks.context import CheckContext, excerpt, sheet_name
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import ColumnKind, Evidence, Finding, Scope, Status
from qbaudit.analysis.vocabulary import name_key
from qbaudit.i18n import tr


def _add_code_problem(rows: list[dict], kind: str, code: str, name: str | None, problem: str, source) -> None:
    rows.append({"kind": kind, "code": code or "—", "name": name or "", "problem": problem,
                 "sheet": source.sheet if source else "", "row": source.row if source else None})


def check_codes(ctx: CheckContext) -> list[Finding]:
    """R8: scope and point codes present, well formed, unique and hierarchical; every item code resolves."""
    profile = ctx.profile
    findings: list[Finding] = []
    all_keys = {level: set(ctx.point_index(level)) for level in ctx.levels}
    limits: dict[str, Any] = {"threshold": 0, "comparator": "=", "unit": tr("unit.problems")}
    for level in ctx.levels:
        if not ctx.has_blueprint:
            findings.extend(filter(None, [ctx.no_blueprint("R8", level, **limits)]))
            continue
        code_rows: list[dict] = []
        add = partial(_add_code_problem, code_rows)
        malformed: list[str] = []  # a code pattern not met, once per problem (the tool's own: see codes.basis)

        scopes = ctx.scopes(level)
        _scope_code_problems(scopes, profile, add, malformed)
        points = ctx.points(level)
        _point_code_problems(points, profile, add, malformed)
        items = ctx.items(level)
        coded = items[items[C.POINT_KEY].notna()]
        item_rows = _unresolved_items(ctx, level, coded, all_keys)
        problems = len(code_rows) + len(item_rows)
        # Problems other than a code pattern breach what the text says (设计合理，标注正确) itself.
        breached: list[str | None] = [*sorted(set(malformed))]
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
                item_rows, kinds={"code": ColumnKind.POINT},
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


def _scope_code_problems(scopes: list[Scope], profile: Any, add: Any, malformed: list[str]) -> None:
    """R8 on the scopes: a code present, well formed, and naming one scope only."""
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


def _point_code_problems(points: list[Any], profile: Any, add: Any, malformed: list[str]) -> None:
    """R8 on the points: a code present, well formed, unique, and under its scope's code."""
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
        own = point.scope
        if own is not None and own.code:
            scope_key = re.sub(r"[-._/\\·•]", "", own.code)
            if not point.key.startswith(scope_key):
                add(tr("evidence.point"), point.code, point.name,
                    tr("R8.point_outside_scope", scope=own.code, scope_name=own.name or ""), point.source)


def _unresolved_items(ctx: CheckContext, level: int, coded: Any, all_keys: dict[int, set]) -> list[dict[str, Any]]:
    """R8 on the items: the coded items of ``level`` whose point code the blueprint of their level lacks."""
    unresolved = coded[~coded[C.POINT_KEY].isin(all_keys[level])]
    item_rows = []
    for item in unresolved.itertuples(index=False):
        elsewhere = [ctx.level_label(other) for other in ctx.levels if other != level and getattr(item, C.POINT_KEY) in all_keys[other]]
        note = tr("R8.code_in_other_level", levels="、".join(elsewhere)) if elsewhere else tr("R8.code_not_in_blueprint")
        item_rows.append({"item_id": getattr(item, C.ITEM_ID), "code": excerpt(getattr(item, C.POINT_CODE_RAW)),
                          "sheet": sheet_name(getattr(item, C.SOURCE_SHEET)), "row": int(getattr(item, C.SOURCE_ROW)),
                          "problem": note})
    return item_rows
