"""Small hand-made cases for the edges of the rules (each computed by hand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from qbaudit.analysis.checks import run_checks
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.importers import import_bank, import_blueprint, import_standard
from qbaudit.analysis.model import Status
from qbaudit.analysis.profile import load_profile
from tests.helpers import write_xlsx

BP_HEADER = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重", "二级考评范围代码", "二级考评范围名称", "二级比重",
             "考评点代码", "考评点名称", "重要程度"]
BANK_HEADER = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "修订日期"]


def _blueprint(tmp_path, rows):
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": [BP_HEADER, *rows]}))
    assert result.ok, result.error
    return result.data


def _bank(tmp_path, rows):
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    assert result.ok, result.error
    return result.data


def _item(n, code="A-A-001", kind="单选", answer="A", options=("甲", "乙", "丙", "丁"), level="四级", date="2026-06-01",
          difficulty="3"):
    return [f"T{n}", level, code, kind, difficulty, f"第{n}题的题干（　　）。", *options, answer, date]


def _run(bank, blueprint, standard=None, profile=None, as_of=dt.date(2026, 11, 1), rules=None):
    return run_checks(AuditInput(bank, blueprint, standard, as_of), profile or load_profile(), rules=rules)


def test_r9_matches_standard_names_despite_numbering_and_reports_extra_and_missing(tmp_path):
    blueprint = _blueprint(tmp_path, [
        ["四级", "A", "基本要求", 30, "A", "职业道德", 10, "001", "一", "X"],
        ["四级", None, None, None, "B", "基础知识", 20, "001", "二", "X"],
        ["四级", "B", "相关知识要求", 70, "A", "焊前准备", 70, "001", "三", "X"],
    ])
    standard_rows = [["等级", "考评范围", "比重"], ["四级", "1. 职业道德", 10], ["四级", "（二）基础 知识", 20],
                     ["四级", "焊接", 70]]
    standard = import_standard(write_xlsx(tmp_path / "std.xlsx", {"S": standard_rows})).data
    bank = _bank(tmp_path, [_item(1, "A-A-001")])
    finding = _run(bank, blueprint, standard, rules=["R9"]).get("R9", 4)
    assert finding.status is Status.FAIL
    assert "标准中的「焊接」（70%）在细目表中找不到" in finding.message
    assert "细目表中的「焊前准备」（70%）在标准中没有" in finding.message
    matched = {r["name"]: r["status"] for r in finding.evidence[0].rows}
    assert matched["职业道德"] == "一致" and matched["基础知识"] == "一致"


def test_r9_children_must_add_up_to_their_parent(tmp_path):
    blueprint = _blueprint(tmp_path, [
        ["四级", "A", "基本要求", 100, "A", "职业道德", 30, "001", "一", "X"],
        ["四级", None, None, None, "B", "基础知识", 60, "001", "二", "X"],
    ])
    finding = _run(_bank(tmp_path, [_item(1)]), blueprint, rules=["R9"]).get("R9", 4)
    assert finding.status is Status.FAIL and "「基本要求」下级比重合计 90%，与其比重 100% 不一致" in finding.message


def test_r9_without_standard_cannot_judge_the_match(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    finding = _run(_bank(tmp_path, [_item(1)]), blueprint, rules=["R9"]).get("R9", 4)
    assert finding.status is Status.NA and "未提供标准权重表" in finding.message


def test_r9_tolerance_from_the_profile(tmp_path):
    blueprint = _blueprint(tmp_path, [
        ["四级", "A", "基本要求", 100, "A", "职业道德", 40.5, "001", "一", "X"],
        ["四级", None, None, None, "B", "基础知识", 59.5, "001", "二", "X"],
    ])
    standard = import_standard(write_xlsx(tmp_path / "std.xlsx", {"S": [
        ["等级", "考评范围", "比重"], ["四级", "职业道德", 40], ["四级", "基础知识", 60]]})).data
    bank = _bank(tmp_path, [_item(1)])
    strict = _run(bank, blueprint, standard, rules=["R9"]).get("R9", 4)
    assert strict.status is Status.FAIL and strict.measured == 0.5
    profile = load_profile()
    lenient = replace(profile, rules={**profile.rules, "R9": {"tolerance": 0.5, "total": 100.0}})
    assert _run(bank, blueprint, standard, profile=lenient, rules=["R9"]).get("R9", 4).status is Status.PASS


def test_r13_true_false_written_as_two_options(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [
        _item(1, kind="判断", answer="B", options=("正确", "错误", None, None)),
        _item(2, kind="判断", answer="正确", options=(None, None, None, None)),
        _item(3, kind="判断", answer="C", options=("正确", "错误", None, None)),
    ])
    finding = _run(bank, blueprint, rules=["R13"]).get("R13", 4)
    assert [r["item_id"] for r in finding.evidence[0].rows] == ["T3"]


def test_r13_subjective_items_need_no_options(tmp_path):
    blueprint = _blueprint(tmp_path, [["二级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, kind="简答", answer="要点", options=(None,) * 4, level="二级")])
    report = _run(bank, blueprint, rules=["R13", "R10"])
    assert report.get("R13", 2).status is Status.PASS
    assert report.get("R10", 2).status is Status.PASS and report.get("R10", 2).measured == 1


def test_r7_difficulty_as_proportion_and_mixed_kinds(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, difficulty="0.62"), _item(2, difficulty="3")])
    finding = _run(bank, blueprint, rules=["R7"]).get("R7", 4)
    assert finding.status is Status.WARN and "标注方式不统一" in finding.message
    profile = load_profile()
    # Grades only is the tool's reading of 「参数标注正确」 (practice): a proportion then is a 提示 that says so …
    grades_only = replace(profile, allow_proportion=False)
    advised = _run(bank, blueprint, profile=grades_only, rules=["R7"]).get("R7", 4)
    assert advised.status is Status.WARN and "难度系数" in advised.evidence[0].rows[0]["problem"]
    assert "允许以难度系数（0–1）标注难度是本工具的参考值" in advised.message
    # … unless the profile makes it binding.
    binding = replace(grades_only, bases={**profile.bases, "difficulty.allow_proportion": replace(
        profile.bases["difficulty.allow_proportion"], binding=True)})
    strict = _run(bank, blueprint, profile=binding, rules=["R7"]).get("R7", 4)
    assert strict.status is Status.FAIL and "本配置将其设为计分" in strict.message


def test_levels_only_in_bank_or_only_in_blueprint(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, level="三级", code="A-A-001")])
    report = _run(bank, blueprint, rules=["R1", "R2", "R3", "R8"])
    assert report.levels == [4, 3]
    # Nothing given to check is no verdict: the blueprint has no 三级, the bank no 四级 (无法判断, what to supply).
    r1 = report.get("R1", 3)
    assert r1.status is Status.NA and "所给的考评要素细目表中没有三级/高级工" in r1.message
    assert "请导入包含三级/高级工的考评要素细目表" in r1.message
    r3 = report.get("R3", 4)
    assert r3.status is Status.NA and "所给的题库中没有四级/中级工的试题" in r3.message
    assert report.get("R2", 3).status is Status.NA
    r8 = report.get("R8", 3)  # still shows where the items' codes belong
    assert r8.status is Status.NA and "四级/中级工" in r8.evidence[0].rows[0]["problem"]


def test_r14_new_standard_requires_an_update(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, date="2024-02-01"), _item(2, date="2026-06-01")])
    standard = import_standard(write_xlsx(tmp_path / "std.xlsx", {"S": [
        ["等级", "考评范围", "比重", "颁布日期"], ["四级", "职业道德", 100, "2024-06-01"]]})).data
    finding = _run(bank, blueprint, standard, rules=["R14"]).get("R14", 4)
    assert "2024-06-01 颁布后" in finding.message and "1 道" in finding.message
    # 「应及时更新」 gives no number: twelve months is the tool's, so it is a 提示 that says so.
    assert finding.status is Status.WARN and finding.advisory and "「当新版国家职业标准正式颁布" in finding.message
    assert "新标准颁布后更新题库的期限（月）（12）是本工具的参考值" in finding.message
    recent = _run(bank, blueprint, standard, as_of=dt.date(2025, 1, 1), rules=["R14"]).get("R14", 4)
    assert recent.status is Status.PASS  # still within the twelve months allowed after a new standard


def test_r14_boundary_of_twelve_months(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, date="2025-11-01")])
    assert _run(bank, blueprint, as_of=dt.date(2026, 11, 1), rules=["R14"]).get("R14", 4).status is Status.PASS
    assert _run(bank, blueprint, as_of=dt.date(2026, 12, 1), rules=["R14"]).get("R14", 4).status is Status.FAIL


def test_r14_without_dates_cannot_judge_and_asks_for_the_update_records(tmp_path):
    blueprint = _blueprint(tmp_path, [["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"]])
    bank = _bank(tmp_path, [_item(1, date=None)])
    finding = _run(bank, blueprint, rules=["R14"]).get("R14", 4)
    assert finding.status is Status.NA and "没有标注修订日期" in finding.message and "更新记录" in finding.message


def test_key_points_setting_counts_x_and_y(tmp_path):
    blueprint = _blueprint(tmp_path, [
        ["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "一", "X"],
        ["四级", None, None, None, None, None, None, "002", "二", "Y"],
        ["四级", None, None, None, None, None, None, "003", "三", "Y"],
        ["四级", None, None, None, None, None, None, "004", "四", "Z"],
        ["四级", None, None, None, None, None, None, "005", "五", "丙"],
    ])
    bank = _bank(tmp_path, [_item(1)])
    strict = _run(bank, blueprint, rules=["R4"]).get("R4", 4)
    assert strict.measured == 20.0
    assert [r["importance"] for r in strict.evidence[1].rows] == ["丙"]
    profile = load_profile()
    broad = replace(profile, key_importances=frozenset({"X", "Y"}))
    assert _run(bank, blueprint, profile=broad, rules=["R4"]).get("R4", 4).measured == 60.0
