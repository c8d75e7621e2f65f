"""R18: item statistics exist (difficulty, discrimination from answer data) and flagged items are
shown for revision — the evidence of the 反馈机制健全 line.

Answers are grouped by paper when the data names papers, else by the level of the items in the
bank; each group is analysed by :func:`qbaudit.analysis.stats.analyse` and flagged with the
profile's thresholds. A small sample is said to be small, never hidden; items the bank lacks are
listed too.
"""

from __future__ import annotations

import math

import pandas as pd

from qbaudit.analysis.checks.context import CheckContext, excerpt, sheet_name
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.stats import MISSING_OPTION, PaperStats, Thresholds, analyse, flags
from qbaudit.i18n import tr

_BANDS = ((0.90, "high"), (0.80, "good"), (0.70, "moderate"))


def reliability_band(value: float) -> str:
    """The band of a KR-20/α value (PEERS: ≥ .90 high, .80–.89 good, .70–.79 moderate, else low)."""
    if math.isnan(value):
        return tr("R18.band_none")
    return tr(f"R18.band_{next((name for limit, name in _BANDS if value >= limit), 'low')}")


def _round(value: float, digits: int = 3) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def check_statistics(ctx: CheckContext) -> list[Finding]:
    """R18: per level, whether answer data was analysed, which items are flagged and why."""
    responses = ctx.data.responses
    limits = Thresholds.of(ctx.profile.rule("R18"))
    if responses is None:
        return [ctx.finding("R18", level, Status.NA, tr("R18.no_data", level=ctx.level_label(level)))
                for level in ctx.levels]
    bank = ctx.bank.items
    ids = bank[C.ITEM_ID].astype(str)
    first = ~ids.duplicated()
    level_of = dict(zip(ids[first], bank[C.LEVEL][first].astype(int), strict=True))
    answer_of = {i: a for i, a in zip(ids[first], bank[C.ANSWER][first], strict=True) if isinstance(a, str) and a}
    type_of = {i: t for i, t in zip(ids[first], bank[C.ITEM_TYPE][first], strict=True) if isinstance(t, str)}
    data = responses.frame.copy()
    data["item_id"] = data["item_id"].astype(str).str.strip()
    unknown = sorted(set(data["item_id"]) - set(level_of))
    data = data[data["item_id"].isin(level_of)]
    data["__level"] = data["item_id"].map(level_of)
    findings = []
    for level in ctx.levels:
        own = data[data["__level"] == level]
        if own.empty:
            findings.append(ctx.finding("R18", level, Status.NA, tr("R18.no_data_level", level=ctx.level_label(level))))
            continue
        papers = own["paper"].fillna("") if "paper" in own.columns else pd.Series("", index=own.index)
        results: list[tuple[PaperStats, pd.DataFrame]] = []
        for paper, group in own.groupby(papers, sort=False):
            stats = analyse(group, key={i: answer_of[i] for i in group["item_id"].unique() if i in answer_of},
                            item_types=type_of, group_fraction=limits.group_fraction,
                            name=str(paper) or ctx.level_label(level))
            results.append((stats, flags(stats, limits)))
        findings.append(_finding(ctx, level, results, limits, unknown))
    return findings


def _finding(ctx: CheckContext, level: int, results: list[tuple[PaperStats, pd.DataFrame]], limits: Thresholds,
             unknown: list[str]) -> Finding:
    items = ctx.items(level)
    where = {str(i): (s, r, t) for i, s, r, t in zip(items[C.ITEM_ID], items[C.SOURCE_SHEET], items[C.SOURCE_ROW],
                                                      items[C.STEM], strict=True)}
    all_flags = pd.concat([f for _, f in results], ignore_index=True)
    flagged = sorted(set(all_flags["item_id"]))
    counts = all_flags.drop_duplicates(["item_id", "flag"])["flag"].value_counts()
    candidates = max(s.candidates for s, _ in results)
    analysed = sum(len(s.items) for s, _ in results)
    small = candidates < limits.min_sample
    low_reliability = [s for s, _ in results if not math.isnan(s.alpha) and s.alpha < limits.min_reliability]
    unscored = sorted({i for s, _ in results for i in s.unscored})
    reasons = "、".join(tr(f"R18.count_{flag}", count=int(n)) for flag, n in counts.items())
    reliability = "；".join(f"{s.name} {s.reliability_name} = {_round(s.alpha, 2)}（{reliability_band(s.alpha)}）"
                            for s, _ in results)
    parts = [tr("R18.analysed", level=ctx.level_label(level), papers=len(results), candidates=candidates,
                items=analysed, reliability=reliability)]
    parts.append(tr("R18.flagged", count=len(flagged), reasons=reasons) if flagged else tr("R18.none_flagged"))
    if low_reliability:
        parts.append(tr("R18.low_reliability", limit=limits.min_reliability))
    if small:
        parts.append(tr("R18.small_sample", candidates=candidates, minimum=limits.min_sample))
    if unscored:
        parts.append(tr("R18.unscored", count=len(unscored)))
    if unknown:
        parts.append(tr("R18.unknown_items", count=len(unknown), examples="、".join(unknown[:5])))
    # Flags against the profile's numbers (all the tool's own: the text asks for an analysis, not for limits) go
    # through the finding's basis: 提示 unless the profile makes them binding. The others need a person's look.
    breached = [_FLAG_SETTINGS[f] for f in counts.index if f in _FLAG_SETTINGS]
    if low_reliability:
        breached.append("min_reliability")
    status = Status.FAIL if breached else Status.WARN if flagged or small else Status.PASS
    return ctx.finding("R18", level, status, "".join(parts), measured=len(flagged), threshold=0, comparator="=",
                       unit=tr("unit.items"), evidence=_evidence(results, all_flags, where, unknown),
                       breached=breached)


_FLAG_SETTINGS = {"p_low": "min_p", "p_high": "max_p", "r_pb_low": "min_discrimination", "d_low": "min_upper_lower"}


def _evidence(results: list[tuple[PaperStats, pd.DataFrame]], all_flags: pd.DataFrame,
              where: dict[str, tuple], unknown: list[str]) -> list[Evidence]:
    papers = Evidence.of(tr("R18.papers_title"), [
        ("paper", tr("R18.col_paper")), ("candidates", tr("R18.col_candidates")), ("items", tr("R18.col_items")),
        ("index", tr("R18.col_index")), ("reliability", tr("R18.col_reliability")), ("band", tr("R18.col_band")),
        ("sem", "SEM"), ("mean", tr("R18.col_mean")), ("sd", tr("R18.col_sd")), ("group", tr("R18.col_group")),
    ], [{"paper": s.name, "candidates": s.candidates, "items": len(s.items), "index": s.reliability_name,
         "reliability": _round(s.alpha), "band": reliability_band(s.alpha), "sem": _round(s.sem),
         "mean": _round(s.mean, 2), "sd": _round(s.sd, 2), "group": s.group_size} for s, _ in results])
    names = {flag: tr(f"R18.flag_{flag}") for flag in all_flags["flag"].unique()}
    item_rows = []
    for stats, found in results:
        for item in stats.items.itertuples(index=False):
            own = found[found["item_id"] == item.item_id]
            sheet, row, stem = where.get(item.item_id, ("", None, None))
            item_rows.append({
                "item_id": item.item_id, "paper": stats.name, "excerpt": excerpt(stem), "n": item.n,
                "missing": item.missing, "p": _round(item.p), "r_pb": _round(item.r_pb), "d": _round(item.d),
                "alpha_if_deleted": _round(item.alpha_if_deleted),
                "flags": "；".join(names[f] + (f"（{excerpt(o, 10)}）" if isinstance(o, str) else "")
                                  for f, o in zip(own["flag"], own["option"], strict=True)),
                "sheet": sheet_name(sheet), "row": int(row) if row is not None else None,
            })
    item_table = Evidence.of(tr("R18.items_title"), [
        ("item_id", tr("evidence.item_id")), ("paper", tr("R18.col_paper")), ("excerpt", tr("evidence.excerpt")),
        ("n", tr("R18.col_n")), ("missing", tr("R18.col_missing")), ("p", tr("R18.col_p")),
        ("r_pb", tr("R18.col_r_pb")), ("d", tr("R18.col_d")), ("alpha_if_deleted", tr("R18.col_alpha_if_deleted")),
        ("flags", tr("R18.col_flags")), ("sheet", tr("evidence.sheet")), ("row", tr("evidence.row")),
    ], sorted(item_rows, key=lambda r: (r["flags"] == "", r["item_id"])))
    flagged = set(all_flags["item_id"])
    option_rows = [
        {"item_id": o.item_id, "paper": stats.name, "option": excerpt(o.option) or tr("R18.no_answer"),
         "key": tr("evidence.yes") if o.is_key else "", "count": int(o.count), "share": round(o.share * 100, 1),
         "upper": int(o.upper), "lower": int(o.lower)}
        for stats, _ in results for o in stats.options.itertuples(index=False)
        if o.item_id in flagged and (o.option != MISSING_OPTION or o.count)
    ]
    options = Evidence.of(tr("R18.options_title"), [
        ("item_id", tr("evidence.item_id")), ("paper", tr("R18.col_paper")), ("option", tr("R18.col_option")),
        ("key", tr("R18.col_key")), ("count", tr("R18.col_count")), ("share", tr("evidence.share")),
        ("upper", tr("R18.col_upper")), ("lower", tr("R18.col_lower")),
    ], option_rows)
    evidence = [papers, item_table, options]
    if unknown:
        evidence.append(Evidence.of(tr("R18.unknown_title"), [("item_id", tr("evidence.item_id"))],
                                    [{"item_id": i} for i in unknown]))
    return evidence
