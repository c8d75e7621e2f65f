"""Item statistics against an independent textbook computation, and every flag on a planted case.

Dataset: generated, "Rasch-ABCD-seed-20261121" — 240 candidates × 12 four-option items, abilities
N(0, 1), item difficulties evenly spread over [−2, 2], P(right) = 1 / (1 + e^(b − θ)), a wrong
answer drawn uniformly from the three distractors, and 4 % of answers left blank.
The reference below is written from the textbook formulas with plain Python loops and the
``statistics`` module, sharing nothing with :mod:`qbaudit.analysis.stats`.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from qbaudit.analysis.stats import Thresholds, analyse, flags, long_from_wide

LETTERS = "ABCD"


def rasch_dataset(seed: int = 20261121, candidates: int = 240, items: int = 12):
    rng = np.random.default_rng(seed)
    ability = rng.normal(0, 1, candidates)
    difficulty = np.linspace(-2, 2, items)
    key = {f"Q{j + 1:02d}": LETTERS[rng.integers(4)] for j in range(items)}
    rows = []
    for c in range(candidates):
        for j, (item, answer) in enumerate(key.items()):
            if rng.random() < 0.04:
                rows.append((f"C{c:03d}", item, None))
                continue
            right = rng.random() < 1 / (1 + math.exp(difficulty[j] - ability[c]))
            wrong = [x for x in LETTERS if x != answer]
            rows.append((f"C{c:03d}", item, answer if right else wrong[rng.integers(3)]))
    return pd.DataFrame(rows, columns=["candidate", "item_id", "response"]), key


def textbook(frame: pd.DataFrame, key: dict[str, str], fraction: float = 0.27) -> dict:
    """Difficulty, corrected point-biserial, D (27 %), KR-20, KR-20 if deleted and SEM, by hand."""
    people = list(dict.fromkeys(frame["candidate"]))
    names = list(key)
    score = {(c, i): 0 for c in people for i in names}
    for c, i, r in frame.itertuples(index=False):
        score[(c, i)] = 1 if r == key[i] else 0
    total = {c: sum(score[(c, i)] for i in names) for c in people}
    n = len(people)

    def kr20(subset):
        k = len(subset)
        totals = [sum(score[(c, i)] for i in subset) for c in people]
        pq = 0.0
        for i in subset:
            p = sum(score[(c, i)] for c in people) / n
            pq += p * (1 - p)
        return k / (k - 1) * (1 - pq / statistics.pvariance(totals))

    ranked = sorted(people, key=lambda c: (-total[c], people.index(c)))
    g = max(1, math.floor(fraction * n + 0.5))
    upper, lower = ranked[:g], ranked[-g:]
    result = {"items": {}, "kr20": kr20(names)}
    for i in names:
        x = [score[(c, i)] for c in people]
        rest = [total[c] - score[(c, i)] for c in people]
        result["items"][i] = {
            "p": sum(x) / n,
            "r_pb": statistics.correlation(x, rest),
            "d": sum(score[(c, i)] for c in upper) / g - sum(score[(c, i)] for c in lower) / g,
            "alpha_if_deleted": kr20([o for o in names if o != i]),
        }
    result["sem"] = statistics.stdev(total.values()) * math.sqrt(1 - result["kr20"])
    return result


def test_statistics_match_the_textbook_to_1e_6():
    frame, key = rasch_dataset()
    stats = analyse(frame, key=key)
    reference = textbook(frame, key)
    assert stats.candidates == 240 and stats.group_size == 65 and stats.dichotomous
    assert stats.reliability_name == "KR-20"
    assert stats.alpha == pytest.approx(reference["kr20"], abs=1e-6)
    assert stats.sem == pytest.approx(reference["sem"], abs=1e-6)
    table = stats.items.set_index("item_id")
    for item, expected in reference["items"].items():
        for column in ("p", "r_pb", "d", "alpha_if_deleted"):
            assert table.loc[item, column] == pytest.approx(expected[column], abs=1e-6), (item, column)
    # Blank answers are counted, and scored 0.
    blanks = frame[frame["response"].isna()].groupby("item_id").size()
    assert table["missing"].to_dict() == {i: int(blanks.get(i, 0)) for i in key}
    # Option counts add up to the candidates, and the key's count is the number right.
    options = stats.options
    assert (options.groupby("item_id")["count"].sum() == 240).all()
    right = options[options["is_key"]].set_index("item_id")["count"]
    assert (right / 240).round(9).to_dict() == table["p"].round(9).to_dict()


def test_wide_scores_give_the_same_statistics_as_long_responses():
    frame, key = rasch_dataset(seed=7, candidates=60, items=6)
    frame["score"] = [None if pd.isna(r) else float(r == key[i]) for i, r in zip(frame["item_id"], frame["response"],
                                                                                strict=True)]
    wide = frame.pivot(index="candidate", columns="item_id", values="score").reset_index()
    from_wide = analyse(long_from_wide(wide, "candidate", list(key), scores=True))
    from_long = analyse(frame.drop(columns="score"), key=key)
    columns = ["item_id", "missing", "p", "r_pb", "d", "alpha_if_deleted"]
    pd.testing.assert_frame_equal(from_wide.items[columns], from_long.items[columns])
    assert from_wide.alpha == pytest.approx(from_long.alpha, abs=1e-12)


def test_polytomous_scores_use_alpha_and_the_maximum():
    frame = pd.DataFrame({
        "candidate": ["a", "b", "c", "d"] * 2,
        "item_id": ["E1"] * 4 + ["E2"] * 4,
        "score": [10, 6, 4, 0, 1, 1, 0, 0],
        "max_score": [10] * 4 + [1] * 4,
    })
    stats = analyse(frame)
    assert not stats.dichotomous and stats.reliability_name == "α"
    assert stats.items.set_index("item_id").loc["E1", "p"] == pytest.approx(0.5)
    matrix = np.array([[10, 1], [6, 1], [4, 0], [0, 0]], dtype=float)
    by_hand = 2 * (1 - (matrix[:, 0].var(ddof=1) + matrix[:, 1].var(ddof=1)) / matrix.sum(axis=1).var(ddof=1))
    assert stats.alpha == pytest.approx(by_hand, abs=1e-12)


def planted() -> tuple[pd.DataFrame, dict[str, str]]:
    """40 candidates ranked by ability (S00 best); eight anchor items and one item per flag.

    K1–K8  right for the candidates above a threshold (6, 10, …, 34): they make the ranking.
    HARD   right only for S00:                                      p_low.
    EASY   right for everyone:                                      p_high, no_variance.
    FLAT   right for every other candidate:                         r_pb_low, d_low.
    LURE   the top 5 choose C (a distractor), the bottom 5 choose D: distractor_upper on C only.
    MISKEY keyed A, but the top 20 choose B and the rest A:         miskey.
    """
    anchors = {f"K{j + 1}": 6 + 4 * j for j in range(8)}
    key = {**{k: "A" for k in anchors}, "HARD": "A", "EASY": "A", "FLAT": "A", "LURE": "A", "MISKEY": "A"}
    rows = []
    for c in range(40):
        answers = {k: "A" if c < threshold else "B" for k, threshold in anchors.items()}
        answers.update({
            "HARD": "A" if c == 0 else "B",
            "EASY": "A",
            "FLAT": "A" if c % 2 else "B",
            "LURE": "C" if c < 5 else ("D" if c >= 35 else "A"),
            "MISKEY": "B" if c < 20 else "A",
        })
        rows += [(f"S{c:02d}", item, answer) for item, answer in answers.items()]
    return pd.DataFrame(rows, columns=["candidate", "item_id", "response"]), key


def test_each_flag_fires_on_its_planted_case():
    frame, key = planted()
    stats = analyse(frame, key=key)
    found = flags(stats, Thresholds())
    by_flag = {flag: sorted(found.loc[found["flag"] == flag, "item_id"]) for flag in found["flag"].unique()}
    assert by_flag["p_low"] == ["HARD"]
    assert by_flag["p_high"] == ["EASY"]
    assert by_flag["no_variance"] == ["EASY"]
    assert "FLAT" in by_flag["r_pb_low"] and "FLAT" in by_flag["d_low"]
    assert not {f"K{j}" for j in range(1, 9)} & set(found["item_id"])  # the anchors raise no flag
    assert by_flag["miskey"] == ["MISKEY"]
    lure = found[(found["flag"] == "distractor_upper") & (found["item_id"] == "LURE")]
    assert lure["option"].tolist() == ["C"]
    miskey = found[(found["flag"] == "miskey")]
    assert miskey["option"].tolist() == ["B"] and miskey["value"].iloc[0] < 0


def test_thresholds_come_from_the_profile():
    from qbaudit.analysis.profile import load_profile

    limits = Thresholds.of(load_profile().rule("R18"))
    assert (limits.min_p, limits.max_p, limits.min_discrimination, limits.min_upper_lower, limits.min_sample) == (
        0.10, 0.95, 0.20, 0.20, 30)
    frame, key = planted()
    strict = flags(analyse(frame, key=key), Thresholds(min_discrimination=0.99))
    assert "K1" in set(strict.loc[strict["flag"] == "r_pb_low", "item_id"])
