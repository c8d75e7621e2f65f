"""Bank capacity: how many distinct papers a level's bank can produce, and how much two papers overlap.

A paper takes ``k`` items from each cell (a scope, or a scope and an item type) of the paper plan,
out of the ``n`` items the bank has in that cell. Drawing each cell at random and independently:

* distinct papers ``P = Π C(n, k)``;
* expected items shared by two papers ``E = Σ k²/n`` (each cell is hypergeometric), and the expected
  Jaccard overlap of two papers of ``K = Σ k`` items ``E / (2K − E)``;
* the chance that ``N`` papers of an update cycle hold two identical ones ``1 − exp(−N(N−1)/(2P))``.

Without a plan, ``k`` follows the blueprint's weights over a paper of the profile's length.
A cell with ``n < k`` cannot be filled; the cells that use the largest share of their items per
paper are the ones that limit the bank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.model import Bank, Blueprint, PaperPlan
from qbaudit.analysis.vocabulary import scope_name_key

HEAVY_USE = 0.5  # a cell whose papers take half of its items or more limits the bank


@dataclass(frozen=True)
class CapacityCell:
    """One cell of the plan: a scope (and item type), what a paper takes, what the bank has."""

    scope_code: str
    scope_name: str
    item_type: str | None
    per_paper: int  # k
    available: int  # n

    @property
    def feasible(self) -> bool:
        """True when the bank has at least the items one paper takes."""
        return self.available >= self.per_paper

    @property
    def usage(self) -> float:
        """The share of the cell's items that one paper takes."""
        return self.per_paper / self.available if self.available else math.inf

    @property
    def combinations_log10(self) -> float:
        """log₁₀ C(n, k), the ways to fill this cell."""
        if not self.feasible:
            return -math.inf
        n, k = self.available, self.per_paper
        return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)

    @property
    def drawn(self) -> int:
        """The items a paper really takes from this cell: k, or all n when the cell cannot be filled."""
        return min(self.per_paper, self.available)

    @property
    def expected_shared(self) -> float:
        """Items of this cell two random papers share, on average: k²/n; all n when n < k (every paper takes
        every item the cell has)."""
        if not self.available:
            return 0.0
        if not self.feasible:
            return float(self.available)
        return self.per_paper ** 2 / self.available


@dataclass(frozen=True)
class Capacity:
    """The capacity of one level's bank for papers of a plan over an update cycle."""

    level: int
    cells: tuple[CapacityCell, ...]
    sessions: int  # N, papers in one update cycle
    from_plan: bool

    @property
    def paper_items(self) -> int:
        """K, the items of one paper."""
        return sum(c.per_paper for c in self.cells)

    @property
    def feasible(self) -> bool:
        """True when every cell can be filled."""
        return all(c.feasible for c in self.cells)

    @property
    def distinct_papers_log10(self) -> float:
        """log₁₀ of the number of distinct papers (−∞ when a paper cannot be built)."""
        return sum(c.combinations_log10 for c in self.cells) if self.feasible else -math.inf

    @property
    def expected_shared(self) -> float:
        """Items two random papers share, on average."""
        return sum(c.expected_shared for c in self.cells)

    @property
    def expected_jaccard(self) -> float:
        """Expected Jaccard overlap of two random papers (approximately E / (2K − E)), K counting the items the
        papers really take (a cell that cannot be filled gives all it has)."""
        total = sum(c.drawn for c in self.cells)
        shared = self.expected_shared
        return shared / (2 * total - shared) if total and 2 * total > shared else 0.0

    @property
    def repeat_probability(self) -> float:
        """Chance that ``sessions`` random papers include two identical ones."""
        if not self.feasible:
            return 1.0
        pairs = self.sessions * (self.sessions - 1) / 2
        log10_ratio = math.log10(pairs) - self.distinct_papers_log10 if pairs else -math.inf
        if log10_ratio < -300:
            return 0.0
        return -math.expm1(-(10 ** log10_ratio))

    def can_avoid_repeats(self, max_probability: float = 0.01) -> bool:
        """True when the cycle's papers can all differ (and random ones nearly surely do)."""
        return self.feasible and self.distinct_papers_log10 >= math.log10(max(self.sessions, 1)) and (
            self.repeat_probability <= max_probability)

    @property
    def limiting(self) -> list[CapacityCell]:
        """Cells that cannot be filled or give half their items or more to every paper, worst first."""
        return sorted((c for c in self.cells if not c.feasible or c.usage >= HEAVY_USE), key=lambda c: -c.usage)


def _allocate(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder, sums exactly)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    for index in sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[index] += 1
    return counts


def compute_capacity(bank: Bank, blueprint: Blueprint, level: int, *, sessions: int, paper_items: int,
                     plan: PaperPlan | None = None) -> Capacity | None:
    """The capacity of ``level`` for the plan's papers (or, without a plan, for papers of
    ``paper_items`` items spread over the blueprint's weights). None when nothing can be said."""
    scopes = blueprint.scopes_of(level)
    points = {p.key: p for p in blueprint.points_of(level) if p.key}
    items = bank.items_of(level)
    # The scopes above the items, by the point their code names: each (point, type) once, with its count.
    paths: list[tuple[tuple[str, ...], str | None, int]] = []
    for (key, item_type), count in items[[C.POINT_KEY, C.ITEM_TYPE]].value_counts(dropna=False).items():
        point = points.get(key) if isinstance(key, str) else None
        if point is not None and point.scope is not None:
            paths.append((point.scope.path_names, item_type if isinstance(item_type, str) else None, int(count)))
    entries = plan.of(level) if plan is not None else []
    cells: list[CapacityCell] = []
    if entries:
        by_code = {s.code: s for s in scopes if s.code}
        by_name = {scope_name_key(s.name): s for s in scopes if s.name}
        for entry in entries:
            scope = (by_code.get(entry.scope_code) if entry.scope_code else None) or (
                by_name.get(scope_name_key(entry.scope_name)) if entry.scope_name else None)
            if scope is None:
                available = 0
                code, name = entry.scope_code or "", entry.scope_name or ""
            else:
                prefix = scope.path_names
                available = sum(count for path, kind, count in paths
                                if path[: len(prefix)] == prefix and (entry.item_type is None or kind == entry.item_type))
                code, name = scope.code, scope.name or ""
            cells.append(CapacityCell(code, name, entry.item_type, entry.items, available))
        return Capacity(level, tuple(cells), sessions, from_plan=True)
    children = {s.path_names[:-1] for s in scopes if s.weight is not None and s.tier > 1}
    leaves = [s for s in scopes if s.weight is not None and s.path_names not in children]
    if not leaves or paper_items <= 0:
        return None
    for scope, count in zip(leaves, _allocate(paper_items, [s.weight for s in leaves]), strict=True):
        prefix = scope.path_names
        available = sum(count for path, _, count in paths if path[: len(prefix)] == prefix)
        if count:
            cells.append(CapacityCell(scope.code, scope.name or "", None, count, available))
    return Capacity(level, tuple(cells), sessions, from_plan=False)
