"""Classical item statistics from answer data (R18): pure functions over pandas and numpy.

Input is long — one row per (candidate, item) with the response and/or the score — or wide (a
candidate × item matrix, turned long by :func:`long_from_wide`). Conventions, chosen to match the
textbook formulas and stated in the report:

* **Scoring.** A row's score is used when given; otherwise a response is scored against the key
  (1 when it equals the key after normalising the letters, else 0). An item's maximum is its
  declared ``max_score``, else 1 when it is scored by key, else the highest score observed (≥ 1).
* **Missing answers.** A candidate with no response and no score for an item — an empty cell, or
  no row at all — scores 0 on it and is counted in the item's ``missing``.
* **Difficulty** p = mean score / maximum (the facility index; 1 = everyone right).
* **Discrimination**: the corrected point-biserial (item–rest correlation: Pearson's r between the
  item score and the total without that item) and the upper/lower index D = (mean of the upper
  group − mean of the lower group) / maximum, the groups being the ``group_fraction`` (27 %) of
  candidates with the highest and lowest totals, g = ⌊f·n + ½⌋ ≥ 1 each, ties broken by the order
  in which candidates first appear.
* **Reliability**: Cronbach's α = k/(k−1)·(1 − Σ var(item) / var(total)) with sample variances
  (it equals KR-20 for items scored 0/1, and is called so then); α-if-deleted per item;
  SEM = SD(total) · √(1 − α), SD with n − 1.
* **Options**: counts of each response overall and in the upper and lower groups, for the
  distractor analysis.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qbaudit.analysis.vocabulary import normalise_answer

CANDIDATE = "candidate"
ITEM = "item_id"
RESPONSE = "response"
SCORE = "score"
MAX_SCORE = "max_score"
PAPER = "paper"
MISSING_OPTION = ""  # the option key of "no answer" in option tables


def long_from_wide(frame: pd.DataFrame, candidate: str, items: list[str], *, scores: bool) -> pd.DataFrame:
    """A candidate × item matrix as long rows; cells are scores when ``scores`` else responses."""
    long = frame.melt(id_vars=[candidate], value_vars=items, var_name=ITEM, value_name="__value")
    long = long.rename(columns={candidate: CANDIDATE})
    values = long["__value"].astype("object").where(long["__value"].notna(), None)
    if scores:
        long[SCORE] = pd.to_numeric(values, errors="coerce")
        long[RESPONSE] = None
    else:
        long[RESPONSE] = values.map(lambda v: str(v).strip() if v is not None and str(v).strip() else None)
        long[SCORE] = np.nan
    return long.drop(columns="__value")


@dataclass
class PaperStats:
    """Statistics of one paper (or level): per item, per option, and for the whole."""

    name: str
    candidates: int
    items: pd.DataFrame  # one row per item (see :func:`analyse` for the columns)
    options: pd.DataFrame  # item_id, option, is_key, count, share, upper, lower
    alpha: float
    dichotomous: bool
    sem: float
    mean: float
    sd: float
    group_size: int
    unscored: list[str] = field(default_factory=list)  # items with neither scores nor a key
    duplicates: int = 0  # (candidate, item) pairs answered more than once; the first answer is used

    @property
    def reliability_name(self) -> str:
        """``KR-20`` when every item is scored 0/1, else ``α``."""
        return "KR-20" if self.dichotomous else "α"


def _normalise(response: str | None, key: str | None, item_type: str | None) -> str | None:
    if response is None:
        return None
    if item_type is None and key is not None and key.isalpha() and key.isupper():
        item_type = "多选" if len(key) > 1 else "单选"
    return normalise_answer(response, item_type)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def cronbach_alpha(matrix: np.ndarray) -> float:
    """Cronbach's α of a candidates × items score matrix (NaN when undefined)."""
    n, k = matrix.shape
    if k < 2 or n < 2:
        return math.nan
    total_var = matrix.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return math.nan
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_var))


def analyse(responses: pd.DataFrame, *, key: Mapping[str, str] | None = None,
            item_types: Mapping[str, str] | None = None, group_fraction: float = 0.27,
            name: str = "") -> PaperStats:
    """Item and paper statistics of one paper's long answer data.

    ``responses`` has :data:`CANDIDATE`, :data:`ITEM` and :data:`RESPONSE` and/or :data:`SCORE`
    (optionally :data:`MAX_SCORE`). ``key`` maps items to their answers, used to score responses
    without a score and to tell keys from distractors; ``item_types`` helps normalise responses.

    The ``items`` table has: ``item_id, n, missing, max_score, mean, p, r_pb, d, upper_p, lower_p,
    alpha_if_deleted, key``.
    """
    key = dict(key or {})
    item_types = dict(item_types or {})
    data = responses.copy()
    for column in (RESPONSE, SCORE, MAX_SCORE):
        if column not in data.columns:
            data[column] = np.nan if column != RESPONSE else None
    data[RESPONSE] = data[RESPONSE].astype("object").where(data[RESPONSE].notna(), None)
    data[ITEM] = data[ITEM].astype(str)
    data[CANDIDATE] = data[CANDIDATE].astype(str)
    before = len(data)
    data = data.drop_duplicates([CANDIDATE, ITEM], keep="first")
    duplicates = before - len(data)
    data["__norm"] = pd.Series([_normalise(r, key.get(i), item_types.get(i))
                                for r, i in zip(data[RESPONSE], data[ITEM], strict=True)], index=data.index, dtype=object)
    given = pd.to_numeric(data[SCORE], errors="coerce").to_numpy(dtype=float)
    keys = {item: _normalise(answer, answer, item_types.get(item)) for item, answer in key.items()}
    by_key = [math.nan if item not in keys else float(norm is not None and norm == keys[item])
              for item, norm in zip(data[ITEM], data["__norm"], strict=True)]
    data["__score"] = np.where(np.isnan(given), by_key, given)
    item_order = list(dict.fromkeys(data[ITEM]))
    scored_items = data.groupby(ITEM, sort=False)["__score"].apply(lambda s: s.notna().any())
    unscored = [i for i in item_order if not scored_items.get(i, False) and i not in key]
    items = [i for i in item_order if i not in unscored]
    candidates = list(dict.fromkeys(data[CANDIDATE]))
    matrix_frame = data.pivot(index=CANDIDATE, columns=ITEM, values="__score").reindex(index=candidates, columns=items)
    answered = data[data[RESPONSE].notna() | ~np.isnan(given)].groupby(ITEM).size()
    missing = {item: len(candidates) - int(answered.get(item, 0)) for item in items}
    matrix = matrix_frame.fillna(0.0).to_numpy(dtype=float)
    declared = pd.to_numeric(data[MAX_SCORE], errors="coerce").groupby(data[ITEM]).max()
    maxima = np.array([
        declared.get(i) if pd.notna(declared.get(i)) else (1.0 if i in key and data.loc[data[ITEM] == i, SCORE].isna().all()
                                                             else max(float(matrix[:, j].max(initial=0)), 1.0))
        for j, i in enumerate(items)
    ], dtype=float)
    n = len(candidates)
    totals = matrix.sum(axis=1)
    order = np.argsort(-totals, kind="stable")
    group = max(1, int(math.floor(group_fraction * n + 0.5))) if n else 0
    upper, lower = order[:group], order[n - group:] if group else order[:0]
    total_var = totals.var(ddof=1) if n > 1 else math.nan
    item_var = matrix.var(axis=0, ddof=1) if n > 1 else np.full(len(items), math.nan)
    k = len(items)
    rows = []
    for j, item in enumerate(items):
        column = matrix[:, j]
        rest = totals - column
        if k > 2 and n > 1 and rest.var(ddof=1) > 0:
            if_deleted = (k - 1) / (k - 2) * (1 - (item_var.sum() - item_var[j]) / rest.var(ddof=1))
        else:
            if_deleted = math.nan
        rows.append({
            "item_id": item,
            "n": n,
            "missing": int(missing[item]),
            "max_score": float(maxima[j]),
            "mean": float(column.mean()) if n else math.nan,
            "p": float(column.mean() / maxima[j]) if n else math.nan,
            "r_pb": _pearson(column, rest),
            "upper_p": float(column[upper].mean() / maxima[j]) if group else math.nan,
            "lower_p": float(column[lower].mean() / maxima[j]) if group else math.nan,
            "alpha_if_deleted": float(if_deleted),
            "key": key.get(item),
        })
    table = pd.DataFrame(rows, columns=["item_id", "n", "missing", "max_score", "mean", "p", "r_pb", "upper_p",
                                        "lower_p", "alpha_if_deleted", "key"])
    table.insert(7, "d", table["upper_p"] - table["lower_p"])
    alpha = cronbach_alpha(matrix) if n else math.nan
    sd = float(math.sqrt(total_var)) if n > 1 else math.nan
    return PaperStats(
        name=name,
        candidates=n,
        items=table,
        options=_options(data, candidates, items, keys, upper, lower),
        alpha=alpha,
        dichotomous=bool(k) and bool(np.isin(matrix, (0.0, 1.0)).all()) and bool((maxima == 1).all()),
        sem=sd * math.sqrt(1 - alpha) if not math.isnan(alpha) and alpha <= 1 else math.nan,
        mean=float(totals.mean()) if n else math.nan,
        sd=sd,
        group_size=group,
        unscored=unscored,
        duplicates=duplicates,
    )


def _options(data: pd.DataFrame, candidates: list[str], items: list[str], keys: dict[str, str | None],
             upper: np.ndarray, lower: np.ndarray) -> pd.DataFrame:
    """Counts of each (normalised) response per item, overall and in the upper and lower groups."""
    position = {c: i for i, c in enumerate(candidates)}
    upper_set, lower_set = set(upper.tolist()), set(lower.tolist())
    answered = data[data[ITEM].isin(items)]
    responses = {(c, i): r for c, i, r in zip(answered[CANDIDATE], answered[ITEM], answered["__norm"], strict=True)}
    rows = []
    n = len(candidates)
    for item in items:
        if not any(responses.get((c, item)) is not None for c in candidates):
            continue  # scores only: no options to count
        counts: dict[str, list[int]] = {}
        for candidate in candidates:
            given = responses.get((candidate, item))
            option = given if isinstance(given, str) and given else MISSING_OPTION
            entry = counts.setdefault(option, [0, 0, 0])
            entry[0] += 1
            index = position[candidate]
            entry[1] += index in upper_set
            entry[2] += index in lower_set
        keyed = keys.get(item)
        for option in sorted(counts, key=lambda o: (o == MISSING_OPTION, o)):
            count, up, low = counts[option]
            rows.append({"item_id": item, "option": option, "is_key": option == keyed, "count": count,
                         "share": count / n, "upper": up, "lower": low})
    return pd.DataFrame(rows, columns=["item_id", "option", "is_key", "count", "share", "upper", "lower"])


@dataclass(frozen=True)
class Thresholds:
    """The flag limits of the profile's R18 settings."""

    min_p: float = 0.10
    max_p: float = 0.95
    min_discrimination: float = 0.20
    min_upper_lower: float = 0.20
    min_reliability: float = 0.70
    min_sample: int = 30
    group_fraction: float = 0.27

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Thresholds:
        """The thresholds of a profile's ``rules.R18`` table (missing fields keep their defaults)."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in settings.items() if k in names})


FLAGS = ("p_low", "p_high", "r_pb_low", "d_low", "no_variance", "distractor_upper", "miskey")


def flags(stats: PaperStats, limits: Thresholds) -> pd.DataFrame:
    """One row per (item, flag): ``item_id, flag, value, option`` — the flags of :data:`FLAGS`.

    ``distractor_upper``: a wrong option chosen by more of the upper group than of the lower.
    ``miskey``: the item discriminates negatively (r_pb < 0) and a wrong option is chosen by more of
    the upper group than the key — the key is likely wrong.
    """
    rows = []
    options = stats.options
    for item in stats.items.itertuples(index=False):
        if item.p < limits.min_p:
            rows.append((item.item_id, "p_low", item.p, None))
        if item.p > limits.max_p:
            rows.append((item.item_id, "p_high", item.p, None))
        if math.isnan(item.r_pb):
            rows.append((item.item_id, "no_variance", None, None))
        elif item.r_pb < limits.min_discrimination:
            rows.append((item.item_id, "r_pb_low", item.r_pb, None))
        if not math.isnan(item.d) and item.d < limits.min_upper_lower:
            rows.append((item.item_id, "d_low", item.d, None))
        own = options[options["item_id"] == item.item_id]
        if own.empty or not own["is_key"].any():
            continue
        wrong = own[~own["is_key"] & (own["option"] != MISSING_OPTION)]
        key_upper = int(own.loc[own["is_key"], "upper"].iloc[0])
        for option in wrong.itertuples(index=False):
            if option.upper > option.lower:
                rows.append((item.item_id, "distractor_upper", option.upper - option.lower, option.option))
        if not math.isnan(item.r_pb) and item.r_pb < 0 and (wrong["upper"] > key_upper).any():
            best = wrong.sort_values("upper", ascending=False).iloc[0]
            rows.append((item.item_id, "miskey", item.r_pb, best["option"]))
    return pd.DataFrame(rows, columns=["item_id", "flag", "value", "option"])
