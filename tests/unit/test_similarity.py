"""The similarity engine: normalisation, exact groups, near-duplicates against brute force, clusters,
classification, and the exact set-similarity join used for papers."""

from __future__ import annotations

import itertools
import random
import re
import runpy

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from qbaudit.analysis import kernels
from qbaudit.analysis.checks.independence import DUPLICATE, KEYWORD, NEAR_DUPLICATE, classify
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.similarity import clusters, similar_pairs
from qbaudit.analysis.textnorm import normalised_texts
from tests.conftest import ROOT


def _items(rows: list[tuple[str, list[str]]]) -> pl.DataFrame:
    columns = {C.STEM: [stem for stem, _ in rows]}
    for index, column in enumerate(C.OPTIONS):
        columns[column] = [options[index] if index < len(options) else None for _, options in rows]
    return pl.DataFrame(columns, schema={k: pl.String for k in columns})


def test_the_same_item_in_other_width_punctuation_spacing_and_option_order_reads_the_same():
    texts = normalised_texts(_items([
        ("焊条电弧焊时，焊接电流过大最容易产生（　　）。", ["咬边", "夹渣", "气孔", "未熔合"]),
        ("焊条电弧焊时, 焊接电流过大最容易产生( ).", ["未熔合", "气孔", "咬边", "夹渣"]),
        ("焊条电弧焊时 焊接电流过大最容易产生 ？", ["夹渣", "咬边", "未熔合", "气孔"]),
        ("Ｑ２３５钢焊接时应（　　）", ["预热", "不预热"]),
        ("Q235钢焊接时应()", ["不预热", "预热"]),
    ])).get_column("text").to_list()
    assert texts[0] == texts[1] == texts[2] == "焊条电弧焊时焊接电流过大最容易产生|咬边|夹渣|未熔合|气孔"
    assert texts[3] == texts[4] == "Q235钢焊接时应|不预热|预热"


def test_letter_case_numbers_and_units_are_kept():
    """Case is meaning in technical items (m/M, k/K); so are a decimal point, a minus sign, a ratio,
    a unit's slash and per cent — only width, spaces and punctuation are folded."""
    texts = normalised_texts(_items([
        ("电阻的单位前缀 m 表示（　　）", ["10⁻³", "10⁶"]),
        ("电阻的单位前缀 M 表示（　　）", ["10⁻³", "10⁶"]),
        ("电压为1.5kV时，应（　　）。", []),
        ("电压为15kV时,应( ).", []),
        ("温度为-5℃时", []), ("温度为5℃时", []),
        ("速度单位m/s", []), ("速度单位ms", []),
        ("比例1:2", []), ("比例12", []),
        ("效率50%", []), ("效率50", []),
        ("“焊接”——电弧。", []), ("焊接电弧", []),
    ])).get_column("text").to_list()
    assert texts[0] != texts[1] and texts[0].replace("m", "M", 1) == texts[1]
    assert texts[2] == "电压为1.5kV时应" and texts[3] == "电压为15kV时应"
    for first, second in [(4, 5), (6, 7), (8, 9), (10, 11)]:
        assert texts[first] != texts[second], texts[first]
    assert texts[12] == texts[13] == "焊接电弧"


def _bench_items(count: int, seed: int):
    generator = runpy.run_path(str(ROOT / "bench" / "itemgen.py"))
    items, pairs = generator["generate"](count, seed=seed)
    texts = normalised_texts(_items([(i.stem, i.options) for i in items])).get_column("text").to_list()
    return items, pairs, texts


def test_near_duplicates_against_brute_force_on_generated_items():
    items, planted, texts = _bench_items(3000, seed=7)
    matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=88, dtype=np.uint8, workers=-1)
    truth = set(zip(*[a.tolist() for a in np.nonzero(np.triu(matrix, 1))], strict=True))
    found = similar_pairs(texts, 88)
    got = set(zip(found.first.tolist(), found.second.tolist(), strict=True))
    assert got <= truth  # precision 1: every pair is verified with the exact criterion
    assert len(got & truth) / len(truth) >= 0.95
    scores = dict(zip(zip(found.first.tolist(), found.second.tolist(), strict=True), found.score.tolist(), strict=True))
    for pair in got:
        assert abs(scores[pair] - fuzz.ratio(texts[pair[0]], texts[pair[1]])) < 1e-3
    # Every planted edit that meets the criterion is among them.
    position = {item.item_id: index for index, item in enumerate(items)}
    planted_pairs = {tuple(sorted((position[a], position[b]))) for a, b, _ in planted}
    assert (planted_pairs & truth) <= got


def test_identical_texts_pair_with_score_100_and_empty_texts_never_pair():
    found = similar_pairs(["甲乙丙丁戊己庚辛", "", "甲乙丙丁戊己庚辛", "", "完全不同的一道题目内容"], 88)
    assert list(zip(found.first.tolist(), found.second.tolist(), found.score.tolist(), strict=True)) == [(0, 2, 100.0)]


def test_clusters_are_connected_components():
    labels = clusters(7, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, -1, 1, 1, -1]


def test_a_whole_term_differing_is_a_look_alike_and_anything_else_a_near_duplicate():
    terms = re.compile("保护气体流量|保护气体压力|焊接电流|电弧电压")
    a = "采用co2焊焊接q235钢板时保护气体流量过高会出现什么现象|飞溅|气孔|咬边|焊瘤"
    b = "采用co2焊焊接q235钢板时保护气体压力过高会出现什么现象|飞溅|气孔|咬边|焊瘤"
    assert classify(a, b, fuzz.ratio(a, b), terms)[0] == KEYWORD
    c = "采用co2焊焊接q235钢板时保护气体流量过大会出现什么现象|飞溅|气孔|咬边|焊瘤"
    kind, difference = classify(a, c, fuzz.ratio(a, c), terms)
    assert kind == NEAR_DUPLICATE and difference == "高→大"
    assert classify(a, a, 100.0, terms) == (DUPLICATE, "")


def _brute_force_jaccard(sets: list[set[int]], threshold: float) -> set[tuple[int, int, int]]:
    found = set()
    for i, j in itertools.combinations(range(len(sets)), 2):
        shared = len(sets[i] & sets[j])
        if shared >= threshold * len(sets[i] | sets[j]) - 1e-9:
            found.add((i, j, shared))
    return found


def test_set_similarity_join_is_exact():
    rng = random.Random(3)
    universe = 400  # a small universe: many pairs share items, and some differ by a few
    sets = [set(rng.sample(range(universe), rng.randint(20, 60))) for _ in range(150)]
    for k in range(0, 60, 6):  # some near copies, at and around the threshold
        copy = set(sets[k])
        for element in rng.sample(sorted(copy), rng.randint(0, 8)):
            copy.discard(element)
            copy.add(rng.randrange(universe))
        sets.append(copy)
    members = np.concatenate([np.array(sorted(s), dtype=np.int32) for s in sets])
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    for threshold in (0.5, 0.8, 0.9):
        first, second, shared = kernels.set_similarity_join(members, offsets, threshold)
        assert set(zip(first.tolist(), second.tolist(), shared.tolist(), strict=True)) == _brute_force_jaccard(
            sets, threshold)
