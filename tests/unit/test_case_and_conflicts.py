"""Comparisons keep case (m/M, kHz/KHz), a pair exactly at the threshold counts, and the same item with
different keys is 同题异答 (R21), not a duplicate. Known answers: tests/fixtures/checks/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

from qbaudit.analysis.checks import run_checks
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers import import_bank
from qbaudit.analysis.model import Bank, Blueprint, Status
from qbaudit.analysis.profile import load_profile
from qbaudit.analysis.similarity import similar_pairs
from qbaudit.analysis.textnorm import normalised_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checks"
NO_BLUEPRINT = Blueprint(scopes=[], points=[])


@pytest.fixture(scope="module")
def report():
    result = import_bank(FIXTURES / "大小写与同题异答.csv")
    assert result.ok and result.rows_taken == 14 and not result.issues
    return run_checks(AuditInput(result.data, NO_BLUEPRINT), load_profile(), rules=["R11", "R13", "R21"])


def _pairs(finding, title_part):
    table = next(e for e in finding.evidence if title_part in e.title)
    return {(r["item_a"], r["item_b"]): r for r in table.rows}


def test_items_that_differ_only_in_letter_case_are_not_duplicates(report):
    r11 = report.get("R11", 4)
    assert r11.status is Status.FAIL and r11.measured == 2
    duplicates = _pairs(r11, "重复与近似")
    assert set(duplicates) == {("T08", "T09"), ("T10", "T12")}  # option order and a comma do not matter
    assert all(row["kind"] == "重复题" for row in duplicates.values())
    lookalike = _pairs(r11, "相似题")[("T01", "T02")]  # m (milli) and M (mega): for review, not counted
    assert lookalike["kind"] == "相似题（关键词不同）" and lookalike["excerpt_difference"] == "m→M"


def test_the_same_item_with_different_keys_is_reported_as_answer_conflict_and_not_as_duplicate(report):
    r21 = report.get("R21", 4)
    assert r21.status is Status.FAIL and r21.measured == 2 and "2 组题目相同而答案不同" in r21.message
    rows = r21.evidence[0].rows
    groups = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row["item_id"])
    assert sorted(groups.values()) == [["T06", "T07"], ["T10", "T11", "T12"]]
    keys = {row["item_id"]: (row["answer"], row["excerpt_key"]) for row in rows}
    assert keys["T06"] == ("A", "A.咬边") and keys["T07"] == ("B", "B.夹渣") and keys["T11"] == ("×", "×")
    # Not counted by R11 (T08/T09 name the same option text with other letters: a duplicate, no conflict).
    r11 = report.get("R11", 4)
    assert "另有 3 对题目相同而答案不同的试题不计为重复题" in r11.message
    assert not {("T06", "T07"), ("T10", "T11"), ("T11", "T12")} & set(_pairs(r11, "重复与近似"))
    assert report.get("R21", 3).status is Status.PASS
    across = report.get("R21", None)
    assert across.status is Status.FAIL and [r["item_id"] for r in across.evidence[0].rows] == ["T13", "T14"]
    assert report.get("R11", None) is None  # the same pair is no cross-level duplicate either


def test_r13_does_not_call_kHz_and_KHz_the_same_option_but_width_is_folded(report):
    r13 = report.get("R13", 4)
    assert r13.status is Status.FAIL
    assert [(r["item_id"], r["problem"]) for r in r13.evidence[0].rows] == [("T05", "选项 A 与 B 相同")]


def test_the_sheet_line_of_r21_is_the_content_line():
    from qbaudit.analysis.rules import rule

    entry = rule("R21")
    assert entry.sheet_lines == ("试题内容正确",) and "答案唯一" in entry.clause and not entry.advisory


def _bank(stems: list[str], options: list[list[str]] | None = None, answers: list[str] | None = None) -> Bank:
    count = len(stems)
    frame = pd.DataFrame({column: pd.Series([None] * count, dtype=object) for column in C.ALL})
    frame[C.ITEM_ID] = [f"S{n}" for n in range(count)]
    frame[C.LEVEL] = 4
    frame[C.STEM] = stems
    frame[C.ITEM_TYPE] = "单选" if options else "判断"
    for index, column in enumerate(C.OPTIONS[:4]):
        frame[column] = [row[index] for row in options] if options else None
    frame[C.ANSWER] = answers or ["A"] * count
    frame[C.SOURCE_FILE] = "bank.xlsx"
    frame[C.SOURCE_ROW] = range(2, count + 2)
    return Bank(items=frame)


BASE = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄"  # 25 distinct characters: not a short stem


def test_a_pair_exactly_at_the_threshold_counts():
    """Three of 25 characters changed: fuzz.ratio = 100 · (1 − 6/50) = 88, the criterion 不低于 88."""
    other = "黄宇宙" + BASE[3:]
    assert len(BASE) == 25 and fuzz.ratio(BASE, other) == 88.0
    found = similar_pairs([BASE, other, "完全不同的一道题目的题干内容"], 88)
    assert list(zip(found.first.tolist(), found.second.tolist(), strict=True)) == [(0, 1)]
    assert found.score.tolist() == [88.0]
    r11 = run_checks(AuditInput(_bank([BASE, other]), NO_BLUEPRINT), load_profile(), rules=["R11"]).get("R11", 4)
    # A near-duplicate by the tool's similarity (88 is not the text's number): a 提示 that says so.
    assert r11.status is Status.WARN and r11.advisory and r11.measured == 1
    assert "近似题的相似度（88）是本工具的参考值" in r11.message
    assert run_checks(AuditInput(_bank([BASE, "黄宇宙洪" + BASE[4:]]), NO_BLUEPRINT), load_profile(),
                      rules=["R11"]).get("R11", 4).status is Status.PASS  # 84: below


def test_a_short_stem_pair_exactly_at_its_stricter_threshold_counts():
    """93 is where floating point bites: 100 · (1 − 14/200) comes out 92.99999999999999, rapidfuzz's own
    cutoff drops it, and the length bound (0.869… × 107 > 93 in floating point) dropped it before."""
    assert fuzz.ratio("字" * 107, "字" * 93) == 93.0
    found = similar_pairs(["字" * 107, "字" * 93], 93)
    assert len(found) == 1 and float(found.score[0]) == 93.0
    # Through R11: stems of 20 characters (short, < 25), options making whole texts of 100 characters,
    # 7 option characters changed → 93.
    stem = "这是一道题干较短的选择题请从下列选项中选"
    options = ["一二三四五六七八九十百千万亿兆京垓秭穰", "春夏秋冬东南西北上下左右前后内外里表中",
               "金木水火土日月星辰山川河海江湖风雨雷电", "赤橙黄绿青蓝紫黑白灰红粉棕褐银铜铁锡铅"]
    changed = [options[0], options[1], options[2], "赤橙黄绿青蓝紫" + "甲乙丙丁戊己庚" + options[3][14:]]
    texts = normalised_texts(_bank([stem, stem], [options, changed]).items).get_column("text").to_list()
    assert len(texts[0]) == 100 and fuzz.ratio(texts[0], texts[1]) == pytest.approx(93.0)
    r11 = run_checks(AuditInput(_bank([stem, stem], [options, changed]), NO_BLUEPRINT), load_profile(),
                     rules=["R11"]).get("R11", 4)
    assert r11.status is Status.WARN and r11.advisory and r11.measured == 1


def test_an_exact_duplicate_is_the_texts_a_near_one_the_tools():
    """「无重复」: the same item twice (once spaces and punctuation are folded) fails by the text itself; a pair only
    the tool's similarity finds is a 提示 — unless the profile makes that number binding."""
    from dataclasses import replace

    same = run_checks(AuditInput(_bank([BASE, BASE + "。", "完全不同的一道题目的题干内容"]), NO_BLUEPRINT), load_profile(),
                      rules=["R11"]).get("R11", 4)
    assert same.status is Status.FAIL and not same.advisory and "是本工具的参考值" not in same.message
    profile = load_profile()
    binding = replace(profile, bases={**profile.bases, "R11.near_duplicate_threshold": replace(
        profile.bases["R11.near_duplicate_threshold"], binding=True)})
    near = run_checks(AuditInput(_bank([BASE, "黄宇宙" + BASE[3:]]), NO_BLUEPRINT), binding, rules=["R11"]).get("R11", 4)
    assert near.status is Status.FAIL and "本配置将其设为计分" in near.message


def test_answer_keys_compare_option_texts_and_true_false_spellings():
    from qbaudit.analysis.checks.context import CheckContext
    from qbaudit.analysis.checks.independence import similarity_analysis

    options = [["钢", "铁", "铜", "铝"], ["铜", "钢", "铝", "铁"], ["钢", "铁", "铜", "铝"], ["钢", "铁", "铜", "铝"]]
    bank = _bank(["焊接的是（ ）"] * 4, options, answers=["A", "B", "AC", None])
    analysis = similarity_analysis(CheckContext(AuditInput(bank, NO_BLUEPRINT), load_profile()))
    assert list(analysis.keys) == ["钢", "钢", "钢|铜", None]
    assert analysis.conflicts == [[0, 1, 2]]  # 0 and 1 agree (钢); 2 differs; 3 has no key and takes no part
    judged = _bank(["钢是金属。"] * 3, answers=["√", "正确", "T"])
    keys = similarity_analysis(CheckContext(AuditInput(judged, NO_BLUEPRINT), load_profile())).keys
    assert list(keys) == ["√", "√", "√"] and isinstance(keys, np.ndarray)


def test_a_bank_alone_on_the_command_line_reports_duplicates_answer_conflicts_and_malformed_items(
        tmp_path, monkeypatch, capsys):
    import json

    from qbaudit import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    out_json = tmp_path / "a.json"
    assert cli.main(["check", "--bank", str(FIXTURES / "大小写与同题异答.csv"), "--json", str(out_json)]) == 0
    console = capsys.readouterr().out
    assert "同题异答" in console and "无法判断" in console
    statuses = {(f["rule"], f["level"]): f["status"] for f in json.loads(out_json.read_text(encoding="utf-8"))["findings"]}
    assert statuses[("R11", 4)] == "fail" and statuses[("R21", 4)] == "fail" and statuses[("R21", None)] == "fail"
    assert statuses[("R13", 4)] == "fail"
    assert {statuses[(rule_id, 4)] for rule_id in ("R1", "R2", "R4", "R8", "R9", "R17", "R19", "R20")} == {"na"}
