"""Paper checks: key points per paper (R5), repeated and overlapping papers with the bank's capacity
(R6), length against duration (R15), difficulty equivalence (R16), header fields (R22)."""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qbaudit.analysis.capacity import Capacity, compute_capacity
from qbaudit.analysis.checks.context import CheckContext, percent
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Evidence, Finding, Paper, Status
from qbaudit.analysis.vocabulary import level_name
from qbaudit.i18n import tr


@dataclass(frozen=True)
class PaperItems:
    """A paper with its items looked up in the bank (positions; −1 for an item not in the bank)."""

    paper: Paper
    level: int | None
    positions: tuple[int, ...]

    @property
    def missing(self) -> list[str]:
        """Items of the paper that are not in the bank."""
        return [i for i, p in zip(self.paper.item_ids, self.positions, strict=True) if p < 0]


class PaperAnalysis:
    """The papers of one run, resolved against the bank once and shared by the paper checks."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        items = ctx.bank.items
        self.position_of: dict[str, int] = {}
        for position, item_id in enumerate(items[C.ITEM_ID].astype(str).to_numpy(dtype=object)):
            self.position_of.setdefault(item_id, position)
        self.item_levels = items[C.LEVEL].to_numpy()

    @cached_property
    def papers(self) -> list[PaperItems]:
        """Every paper with its level (as written, else the level most of its items have)."""
        resolved = []
        for paper in self.ctx.data.papers:
            positions = tuple(self.position_of.get(str(i), -1) for i in paper.item_ids)
            level = paper.level
            if level is None:
                known = [int(self.item_levels[p]) for p in positions if p >= 0]
                level = Counter(known).most_common(1)[0][0] if known else None
            resolved.append(PaperItems(paper, level, positions))
        return resolved

    def of(self, level: int) -> list[PaperItems]:
        """The papers of ``level``."""
        return [p for p in self.papers if p.level == level]

    @cached_property
    def levels(self) -> list[int]:
        """Levels checked: those of the bank and blueprint, and those the papers name."""
        extra = {p.level for p in self.papers if p.level is not None}
        return sorted(set(self.ctx.levels) | extra, reverse=True)


def paper_analysis(ctx: CheckContext) -> PaperAnalysis:
    """The paper analysis of this run (computed once)."""
    if "papers" not in ctx.shared:
        ctx.shared["papers"] = PaperAnalysis(ctx)
    return ctx.shared["papers"]


def _no_papers(ctx: CheckContext, rule_id: str, level: int) -> Finding:
    return ctx.finding(rule_id, level, Status.NA, tr("papers.no_papers", level=level_name(level)))


def _papers_by_level(ctx: CheckContext, rule_id: str, findings: list[Finding]) -> Iterator[tuple[int, list[PaperItems]]]:
    """Each level with its papers; a level without papers gets its 无法判断 finding of ``rule_id`` instead."""
    analysis = paper_analysis(ctx)
    for level in analysis.levels:
        papers = analysis.of(level)
        if papers:
            yield level, papers
        else:
            findings.append(_no_papers(ctx, rule_id, level))


def check_key_share_per_paper(ctx: CheckContext) -> list[Finding]:
    """R5: in every paper, items testing key points make at least ``min_key_share_per_paper``."""
    minimum = ctx.profile.rule("R5")["min_key_share_per_paper"]
    keys = ctx.profile.key_importances
    analysis = paper_analysis(ctx)
    findings = []
    point_keys = ctx.bank.items[C.POINT_KEY].to_numpy(dtype=object, na_value=None)
    limits = {"threshold": percent(minimum), "comparator": "≥", "unit": "%"}
    for level in analysis.levels:
        papers = analysis.of(level)
        if not papers:
            findings.append(_no_papers(ctx, "R5", level))
            continue
        label = level_name(level)
        absent = ctx.no_blueprint("R5", level, **limits)
        if absent is not None:
            findings.append(absent)
            continue
        index = ctx.point_index(level)
        if not index:
            findings.append(ctx.cannot_judge("R5", level, tr("checks.na.no_theory_points", level=label),
                                             tr("checks.supply.theory_blueprint", level=label), **limits))
            continue
        if not any(p.importance is not None for p in index.values()):
            findings.append(ctx.cannot_judge("R5", level, tr("checks.na.no_importance", level=label,
                                                             points=len(index)),
                                             tr("checks.supply.importance"), **limits))
            continue
        rows, low, judged = [], 0, 0
        worst = None
        uncounted = 0  # items of judged papers not shown to test a key point: not in the bank, or no point
        for paper in papers:
            known = [p for p in paper.positions if p >= 0]
            points = [index.get(point_keys[p]) if isinstance(point_keys[p], str) else None for p in known]
            resolved = [p for p in points if p is not None]
            key = sum(1 for p in resolved if p.importance is not None and p.importance.value in keys)
            # Every item of the paper counts: one not in the bank, or whose code names no point of the blueprint,
            # is not shown to test a key point (「体现重要考评点的试题占比」 is over all the paper's items).
            share = key / len(paper.positions) if paper.positions else 0.0
            if resolved:  # a paper none of whose items names a point of the blueprint cannot be judged
                judged += 1
                uncounted += len(paper.positions) - len(resolved)
                ok = share >= minimum
                low += not ok
                worst = share if worst is None else min(worst, share)
                status = tr("papers.ok") if ok else tr("papers.short")
            else:
                status = tr("checks.R5.unresolved")
            rows.append({"paper": paper.paper.paper_id, "items": len(paper.positions), "resolved": len(resolved),
                         "key": key, "share": percent(share) if resolved else None, "missing": len(paper.missing),
                         "status": status})
        evidence = [Evidence.of(tr("R5.evidence", minimum=percent(minimum)), [
            ("paper", tr("papers.col_paper")), ("items", tr("papers.col_items")), ("resolved", tr("R5.col_resolved")),
            ("key", tr("R5.col_key")), ("share", tr("R5.col_share")), ("missing", tr("papers.col_missing")),
            ("status", tr("evidence.status"))], rows)]
        missing = _missing_rows(papers)
        if missing:
            evidence.append(missing)
        if not judged:
            findings.append(ctx.cannot_judge("R5", level, tr("checks.na.papers_unresolved", level=label,
                                                             papers=len(papers)),
                                             tr("checks.supply.point_codes"), evidence=evidence, **limits))
            continue
        message = (tr("R5.pass", level=label, papers=judged, minimum=percent(minimum),
                      worst=percent(worst or 0.0)) if not low else
                   tr("R5.fail", level=label, low=low, papers=judged, minimum=percent(minimum),
                      worst=percent(worst or 0.0)))
        if uncounted:
            message += tr("thresholds.R5_uncounted", count=uncounted)
        if judged < len(papers):
            message += tr("checks.R5.unresolved_note", count=len(papers) - judged)
        findings.append(ctx.finding("R5", level, Status.FAIL if low else Status.PASS, message,
                                    measured=percent(worst or 0.0), evidence=evidence,
                                    breached=("min_key_share_per_paper",), **limits))
    return findings


def _missing_rows(papers: list[PaperItems]) -> Evidence | None:
    rows = [{"paper": p.paper.paper_id, "item_id": item} for p in papers for item in p.missing]
    if not rows:
        return None
    return Evidence.of(tr("papers.evidence_missing"), [("paper", tr("papers.col_paper")),
                                                        ("item_id", tr("evidence.item_id"))], rows)


def item_sets(papers: list[PaperItems]) -> tuple[np.ndarray, np.ndarray]:
    """The papers' item sets as the set-similarity join takes them: int32 item numbers (positions in
    the bank; items not in the bank numbered after them), ascending and without repeats within a set,
    concatenated, with the sets' offsets (int64)."""
    lengths = np.fromiter((len(p.positions) for p in papers), dtype=np.int64, count=len(papers))
    codes = np.fromiter(itertools.chain.from_iterable(p.positions for p in papers), dtype=np.int64,
                        count=int(lengths.sum()))
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        base = int(codes.max()) + 1
        ids = list(itertools.chain.from_iterable(p.paper.item_ids for p in papers))
        numbers: dict[str, int] = {}
        for index in missing.tolist():
            codes[index] = base + numbers.setdefault(str(ids[index]), len(numbers))
    owners = np.repeat(np.arange(len(papers), dtype=np.int64), lengths)
    keyed = np.sort(owners << np.int64(32) | codes)  # by paper, then item (np.unique's hashing is slower)
    keyed = keyed[np.concatenate(([True], keyed[1:] != keyed[:-1]))] if len(keyed) else keyed
    members = (keyed & np.int64(0xFFFFFFFF)).astype(np.int32)
    offsets = np.zeros(len(papers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keyed >> np.int64(32), minlength=len(papers)), out=offsets[1:])
    return members, offsets


@dataclass(frozen=True)
class Overlaps:
    """Pairs of papers with Jaccard at or above a threshold, and the papers with the same items."""

    pairs: list[tuple[int, int, int]]  # (first, second, shared items), first < second
    identical: list[list[int]]  # groups of papers whose item sets are equal (any order)


def overlapping_papers(papers: list[PaperItems], min_jaccard: float) -> Overlaps:
    """Every pair of papers with Jaccard ≥ ``min_jaccard`` (exact), and the identical ones among them
    (the pairs whose shared items are all the items of both)."""
    from qbaudit.analysis.kernel_cache import load_kernels

    if len(papers) < 2:
        return Overlaps([], [])
    kernels = load_kernels()  # compiled once, announced; then from the cache
    members, offsets = item_sets(papers)
    first, second, shared = kernels.set_similarity_join(members, offsets, float(min_jaccard))
    pairs = sorted(zip(first.tolist(), second.tolist(), shared.tolist(), strict=True))
    sizes = np.diff(offsets)
    parent = list(range(len(papers)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b, common in pairs:
        if common == sizes[a] == sizes[b]:
            parent[root(b)] = root(a)
    groups: dict[int, list[int]] = defaultdict(list)
    for a, b, common in pairs:
        if common == sizes[a] == sizes[b]:
            groups[root(a)] += [a, b]
    return Overlaps(pairs, [sorted(set(g)) for g in groups.values()])


def _capacity(ctx: CheckContext, level: int) -> Capacity | None:
    """The bank's capacity at ``level``; None when it cannot be estimated: no blueprint scopes for the
    level, or no item of the level names a point of it (every scope would seem empty)."""
    settings = ctx.profile.rule("R6")
    if not ctx.scopes(level) or not ctx.resolved(level).any():
        return None
    return compute_capacity(ctx.bank, ctx.blueprint, level, sessions=settings["update_cycle_sessions"],
                            paper_items=settings["paper_items"], plan=ctx.data.plan)


def _capacity_evidence(capacity: Capacity) -> list[Evidence]:
    summary = [
        {"what": tr("capacity.source"), "value": tr("capacity.from_plan") if capacity.from_plan else
         tr("capacity.from_weights", items=capacity.paper_items)},
        {"what": tr("capacity.paper_items"), "value": capacity.paper_items},
        {"what": tr("capacity.distinct"), "value": tr("capacity.power", exponent=f"{capacity.distinct_papers_log10:.1f}")
         if capacity.feasible else tr("capacity.none")},
        {"what": tr("capacity.shared"), "value": f"{capacity.expected_shared:.1f}"},
        {"what": tr("capacity.jaccard"), "value": f"{capacity.expected_jaccard * 100:.1f}%"},
        {"what": tr("capacity.sessions"), "value": capacity.sessions},
        {"what": tr("capacity.repeat"), "value": f"{capacity.repeat_probability:.2g}"},
    ]
    cells = [{"code": c.scope_code or "—", "name": c.scope_name, "type": c.item_type or tr("capacity.any_type"),
              "per_paper": c.per_paper, "available": c.available,
              "usage": "∞" if not c.available else f"{c.usage * 100:.0f}%",
              "status": tr("capacity.cannot") if not c.feasible else tr("capacity.heavy") if c in capacity.limiting
              else tr("papers.ok")} for c in capacity.cells]
    return [
        Evidence.of(tr("capacity.title"), [("what", tr("evidence.what")), ("value", tr("evidence.value"))], summary),
        Evidence.of(tr("capacity.cells_title"), [
            ("code", tr("evidence.code")), ("name", tr("evidence.scope")), ("type", tr("evidence.item_type")),
            ("per_paper", tr("capacity.col_per_paper")), ("available", tr("capacity.col_available")),
            ("usage", tr("capacity.col_usage")), ("status", tr("evidence.status"))], cells),
    ]


def check_repeated_papers(ctx: CheckContext) -> list[Finding]:
    """R6: no two papers of a level are identical; pairs above the overlap threshold are listed; and
    the bank's capacity says whether the papers of an update cycle can all differ."""
    settings = ctx.profile.rule("R6")
    threshold = settings["overlap_warn_jaccard"]
    analysis = paper_analysis(ctx)
    findings = []
    for level in analysis.levels:
        papers = analysis.of(level)
        capacity = _capacity(ctx, level)
        evidence = _capacity_evidence(capacity) if capacity is not None else []
        overlaps = overlapping_papers(papers, threshold)
        pairs = overlaps.pairs
        repeats = [[papers[i].paper.paper_id for i in group] for group in overlaps.identical]
        overlap_rows = []
        for a, b, shared in pairs:
            first, second = papers[a].paper, papers[b].paper
            union = len(set(first.item_ids) | set(second.item_ids))
            common = sorted(set(map(str, first.item_ids)) & set(map(str, second.item_ids)))
            overlap_rows.append({"paper_a": first.paper_id, "paper_b": second.paper_id, "shared": shared,
                                 "jaccard": round(shared / union, 3) if union else 0.0,
                                 "items": "、".join(common[:12]) + ("…" if len(common) > 12 else "")})
        if overlap_rows:
            evidence.insert(0, Evidence.of(tr("R6.evidence_overlap", threshold=f"{threshold:g}"), [
                ("paper_a", tr("R6.col_paper_a")), ("paper_b", tr("R6.col_paper_b")), ("shared", tr("R6.col_shared")),
                ("jaccard", tr("R6.col_jaccard")), ("items", tr("R6.col_items"))], overlap_rows))
        if repeats:
            evidence.insert(0, Evidence.of(tr("R6.evidence_identical"), [("papers", tr("R6.col_papers"))],
                                           [{"papers": "、".join(ids)} for ids in repeats]))
        problems: list[str] = []
        breached: list[str | None] = []
        allowed = settings["max_repeated_papers"]  # 「不出现重复试卷」: 0, and no waiver lowers it
        if len(repeats) > allowed:
            breached.append("max_repeated_papers")
            problems.append(tr("R6.identical", groups=len(repeats), papers=sum(len(r) for r in repeats)))
        if capacity is not None and not capacity.can_avoid_repeats():
            names = "、".join(c.scope_name or c.scope_code for c in capacity.limiting[:5]) or tr("capacity.none")
            if not capacity.feasible and capacity.from_plan:
                # The bank cannot fill even one paper of the institution's own plan: short of the text's
                # 「试题数量能够满足开展评价工作需要」 whatever the cycle.
                problems.append(tr("thresholds.R6_plan_unfilled", scopes=names))
                breached.append(None)
            else:
                problems.append(tr("R6.capacity_short", sessions=capacity.sessions, scopes=names))
                breached.append("update_cycle_sessions")  # how many papers a cycle takes is the tool's guess
                if not capacity.from_plan:
                    breached.append("paper_items")  # so is a paper's length without a plan
        overlapping = len(overlap_rows) - sum(len(r) * (len(r) - 1) // 2 for r in repeats)
        if overlapping > 0:
            problems.append(tr("R6.overlap", pairs=overlapping, threshold=f"{threshold:g}"))
            breached.append("overlap_warn_jaccard")
        if capacity is not None and capacity.feasible and capacity.expected_jaccard >= threshold:
            problems.append(tr("R6.capacity_overlap", jaccard=f"{capacity.expected_jaccard * 100:.0f}"))
            breached.append("overlap_warn_jaccard")
        status = Status.FAIL if breached else Status.PASS
        if not papers and capacity is None:
            findings.append(_no_papers(ctx, "R6", level))
            continue
        if problems:
            message = tr("R6.problems", level=level_name(level), problems="；".join(problems))
        elif papers:
            message = tr("R6.pass", level=level_name(level), papers=len(papers), sessions=capacity.sessions
                         if capacity else settings["update_cycle_sessions"])
        else:
            message = tr("R6.pass_capacity", level=level_name(level), sessions=capacity.sessions,
                         exponent=f"{capacity.distinct_papers_log10:.0f}",
                         jaccard=f"{capacity.expected_jaccard * 100:.1f}")
        measured: int | str = len(repeats)
        if not repeats and capacity is not None and not capacity.can_avoid_repeats():
            measured = tr("R6.measured_capacity")
        findings.append(ctx.finding("R6", level, status, message, measured=measured, threshold=allowed, comparator="≤",
                                    unit=tr("R6.unit"), evidence=evidence, breached=breached))
    return findings


def check_paper_fields(ctx: CheckContext) -> list[Finding]:
    """R22: each paper's header names the institution, occupation, level and duration (「试卷说明应体现……」)."""
    required = ctx.profile.rule("R22")["required_fields"]
    findings: list[Finding] = []
    for level, papers in _papers_by_level(ctx, "R22", findings):
        rows, bad = [], 0
        for item in papers:
            paper = item.paper
            values = {"institution": paper.institution, "occupation": paper.occupation, "level": paper.level,
                      "duration": paper.duration_minutes}
            missing = [tr(f"papers.field_{name}") for name in required if not values.get(name)]
            bad += bool(missing)
            rows.append({"paper": paper.paper_id, "institution": paper.institution or "",
                         "occupation": paper.occupation or "", "level": level_name(paper.level) if paper.level else "",
                         "duration": f"{paper.duration_minutes:g}" if paper.duration_minutes else "",
                         "problem": tr("R15.missing", fields="、".join(missing)) if missing else tr("papers.ok")})
        evidence = [Evidence.of(tr("thresholds.R22_evidence"), [
            ("paper", tr("papers.col_paper")), ("institution", tr("papers.field_institution")),
            ("occupation", tr("papers.field_occupation")), ("level", tr("papers.field_level")),
            ("duration", tr("R15.col_duration")), ("problem", tr("evidence.problem"))], rows)]
        fields = "、".join(tr(f"papers.field_{name}") for name in required)
        message = (tr("thresholds.R22_pass", level=level_name(level), papers=len(papers), fields=fields) if not bad
                   else tr("thresholds.R22_fail", level=level_name(level), bad=bad, papers=len(papers), fields=fields))
        findings.append(ctx.finding("R22", level, Status.FAIL if bad else Status.PASS, message, measured=bad,
                                    threshold=0, comparator="=", unit=tr("R6.unit"), evidence=evidence,
                                    breached=("required_fields",)))
    return findings


def check_paper_length(ctx: CheckContext) -> list[Finding]:
    """R15: a paper's items fit its duration (「与考核时长相匹配」) by the tool's seconds per item type."""
    settings = ctx.profile.rule("R15")
    seconds = settings["seconds_per_item"]
    tolerance = settings["duration_tolerance"]
    fallback = float(np.median(list(seconds.values())))
    types = ctx.bank.items[C.ITEM_TYPE].to_numpy(dtype=object, na_value=None)
    findings: list[Finding] = []
    limits = {"threshold": 0, "comparator": "=", "unit": tr("R6.unit")}
    for level, papers in _papers_by_level(ctx, "R15", findings):
        rows, bad, timed = [], 0, 0
        for item in papers:
            paper = item.paper
            needed = sum(seconds.get(types[p], fallback) if p >= 0 and isinstance(types[p], str) else fallback
                         for p in item.positions) / 60
            if not paper.duration_minutes:
                problem = tr("thresholds.R15_no_duration")
            else:
                timed += 1
                ratio = needed / paper.duration_minutes
                fits = abs(ratio - 1) <= tolerance
                bad += not fits
                problem = tr("papers.ok") if fits else tr("R15.too_long" if ratio > 1 else "R15.too_short",
                                                          needed=f"{needed:.0f}", duration=f"{paper.duration_minutes:g}")
            rows.append({"paper": paper.paper_id, "items": len(item.positions),
                         "duration": f"{paper.duration_minutes:g}" if paper.duration_minutes else "",
                         "needed": f"{needed:.0f}", "problem": problem})
        evidence = [Evidence.of(tr("R15.evidence"), [
            ("paper", tr("papers.col_paper")), ("items", tr("papers.col_items")), ("duration", tr("R15.col_duration")),
            ("needed", tr("R15.col_needed")), ("problem", tr("evidence.problem"))], rows)]
        label = level_name(level)
        if not timed:
            findings.append(ctx.cannot_judge("R15", level, tr("thresholds.na_no_duration", level=label,
                                                                papers=len(papers)),
                                             tr("thresholds.supply_duration"), evidence=evidence, **limits))
            continue
        message = (tr("R15.pass", level=label, papers=timed, tolerance=percent(tolerance)) if not bad
                   else tr("R15.fail", level=label, bad=bad, papers=timed))
        if timed < len(papers):
            message += tr("thresholds.R15_untimed_note", count=len(papers) - timed)
        findings.append(ctx.finding("R15", level, Status.FAIL if bad else Status.PASS, message, measured=bad,
                                    evidence=evidence, breached=("seconds_per_item", "duration_tolerance"), **limits))
    return findings


_KINDS = ("grade", "proportion")  # the two ways a difficulty is written (vocabulary.parse_difficulty)


def check_difficulty_equivalence(ctx: CheckContext) -> list[Finding]:
    """R16: the papers' mean difficulties spread by at most the profile's number, each way of writing difficulty
    on its own scale: grades (1–5) by ``max_mean_difficulty_spread``, proportions (难度系数, 0–1) by
    ``max_mean_proportion_spread``. The two are never mixed into one mean: a grade and a proportion do not even
    run the same way (a higher 难度系数 is usually an easier item)."""
    settings = ctx.profile.rule("R16")
    limits = {"grade": settings["max_mean_difficulty_spread"], "proportion": settings["max_mean_proportion_spread"]}
    setting_of = {"grade": "max_mean_difficulty_spread", "proportion": "max_mean_proportion_spread"}
    items = ctx.bank.items
    difficulty = items[C.DIFFICULTY].astype("float64").to_numpy(na_value=np.nan)
    kinds = {kind: (items[C.DIFFICULTY_KIND] == kind).fillna(False).astype(bool).to_numpy() for kind in _KINDS}
    findings: list[Finding] = []
    for level, papers in _papers_by_level(ctx, "R16", findings):
        if len(papers) < 2:
            findings.append(ctx.finding("R16", level, Status.NA, tr("R16.too_few", level=level_name(level),
                                                                    papers=len(papers))))
            continue
        evidence, parts, breached, judged = [], [], [], []
        for kind in _KINDS:
            rows, means = [], []
            for paper in papers:
                values = [difficulty[p] for p in paper.positions
                          if p >= 0 and kinds[kind][p] and not np.isnan(difficulty[p])]
                mean = float(np.mean(values)) if values else math.nan
                rows.append({"paper": paper.paper.paper_id, "items": len(values),
                             "mean": "" if math.isnan(mean) else f"{mean:.{_DIGITS[kind]}f}",
                             "sd": f"{np.std(values):.{_DIGITS[kind]}f}" if values else ""})
                if not math.isnan(mean):
                    means.append(mean)
            if not any(r["items"] for r in rows):
                continue
            evidence.append(Evidence.of(tr(f"thresholds.R16_evidence_{kind}"), [
                ("paper", tr("papers.col_paper")), ("items", tr("R16.col_items")), ("mean", tr("R16.col_mean")),
                ("sd", tr("R16.col_sd"))], rows))
            if len(means) < 2:
                parts.append(tr("thresholds.R16_one_paper", scale=tr(f"thresholds.R16_scale_{kind}")))
                continue
            spread = max(means) - min(means)
            ok = spread <= limits[kind] + 1e-9
            digits = _DIGITS[kind]
            judged.append((kind, spread))
            parts.append(tr("thresholds.R16_part_ok" if ok else "thresholds.R16_part_over",
                            scale=tr(f"thresholds.R16_scale_{kind}"), papers=len(means), low=f"{min(means):.{digits}f}",
                            high=f"{max(means):.{digits}f}", spread=f"{spread:.{digits}f}", limit=f"{limits[kind]:g}"))
            if not ok:
                breached.append(setting_of[kind])
        label = level_name(level)
        if not judged:
            findings.append(ctx.finding("R16", level, Status.NA, tr("R16.no_difficulty", level=label),
                                        evidence=evidence))
            continue
        message = tr("thresholds.R16_message", level=label, parts="；".join(parts),
                     verdict=tr("thresholds.R16_unequal") if breached else tr("thresholds.R16_equal"))
        if len(judged) > 1:
            message += tr("thresholds.R16_two_scales")
        kind, spread = max(judged, key=lambda j: j[1] / limits[j[0]] if limits[j[0]] else math.inf)
        findings.append(ctx.finding("R16", level, Status.FAIL if breached else Status.PASS, message,
                                    measured=round(spread, _DIGITS[kind]), threshold=limits[kind], comparator="≤",
                                    evidence=evidence, breached=breached))
    return findings


_DIGITS = {"grade": 2, "proportion": 3}
