"""Papers: imports (list and Word), R5, R6 with the bank's capacity, R15, R16 (grades and proportions), R22,
and a capacity case computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from qbaudit.analysis.capacity import compute_capacity
from qbaudit.analysis.importers import Severity, import_bank, import_blueprint
from qbaudit.analysis.importers.papers import import_papers, import_plan, parse_minutes
from qbaudit.analysis.model import PaperPlan, PlanEntry, Status
from tests.conftest import SAMPLES
from tests.helpers import write_xlsx


def _rows(finding, title: str | None = None) -> list[dict]:
    return [r for e in finding.evidence if title is None or title in e.title for r in e.rows]


def test_paper_list_with_header_fields_and_items_not_in_the_bank(sample_imports, manifests):
    result = sample_imports["defective"]["papers"]
    papers = {p.paper_id: p for p in result.data}
    expected = {p["paper_id"]: p for p in manifests["defective"]["papers"]}
    assert set(papers) == set(expected)
    for paper_id, paper in papers.items():
        assert len(paper.item_ids) == expected[paper_id]["items"]
        assert paper.duration_minutes == expected[paper_id]["duration"]
        assert paper.level == expected[paper_id]["level"] and paper.occupation == "焊工"
    missing = manifests["defective"]["planted"]["papers"]["not_in_bank"]
    warnings = [i for i in result.warnings if "在题库中找不到" in i.reason]
    assert sorted({w.reason.split("「")[2].split("」")[0] for w in warnings}) == sorted(missing)
    assert all(w.sheet == "试卷试题" and w.row and w.column == "试题编号（C列）" for w in warnings)
    assert papers["HG4-26-06"].institution is None  # planted: the header lacks it


def test_word_paper_with_its_header_fields_matched_to_the_bank(sample_imports, manifests):
    word = next(p for p in manifests["compliant"]["papers"] if p["word"])
    result = sample_imports["compliant"]["papers"]
    paper = next(p for p in result.data if p.paper_id == word["paper_id"])
    assert (paper.institution, paper.occupation, paper.level, paper.duration_minutes, paper.session) == (
        "某市职业技能鉴定中心", "焊工", 4, word["duration"], "2026年第4期")
    bank_ids = set(sample_imports["compliant"]["bank"].data.items["item_id"])
    assert len(paper.item_ids) == word["items"] and set(paper.item_ids) <= bank_ids
    assert not [i for i in result.issues if i.file.endswith(".docx") and i.severity is not Severity.INFO]
    source = next(f for f in result.inputs if f.name.endswith(".docx"))
    assert source.kind == "papers" and len(source.sha256) == 64


def test_a_word_paper_needs_the_bank():
    result = import_papers([SAMPLES / "compliant" / "HG4-26-04.docx"])
    assert not result.ok and "需要同时提供题库" in result.error


def test_durations_as_people_write_them():
    assert [parse_minutes(t) for t in ("120", "120分钟", "2小时", "1.5 h", "９０ 分")] == [120, 120, 120, 90, 90]
    assert parse_minutes("两个钟头") is None


def test_r6_identical_and_overlapping_papers(sample_reports, manifests):
    planted = manifests["defective"]["planted"]["papers"]
    finding = sample_reports["defective"].get("R6", 4)
    assert finding.status is Status.FAIL
    identical = [r["papers"] for r in _rows(finding, "完全相同")]
    assert identical == ["、".join(group) for group in planted["identical"]]
    overlap = {(r["paper_a"], r["paper_b"]): r for r in _rows(finding, "重合度达到")}
    pair = planted["overlap"][0]
    row = overlap[(pair["a"], pair["b"])]
    assert row["shared"] == pair["shared"] and row["jaccard"] == round(90 / 110, 3)
    # The identical pair is listed too (Jaccard 1); no other pair of the level reaches 0.8.
    assert set(overlap) == {(pair["a"], pair["b"]), tuple(planted["identical"][0])}


def test_r6_capacity_names_the_scopes_that_cannot_fill_a_paper(sample_reports, manifests):
    planted = manifests["defective"]["planted"]["papers"]["capacity_short"]["2"]
    finding = sample_reports["defective"].get("R6", 2)
    assert finding.status is Status.FAIL and finding.measured == "容量不足"
    cells = _rows(finding, "组卷用题")
    short = sorted({r["name"] for r in cells if r["status"] == "不够组一份试卷"})
    assert short == planted
    assert all(r["available"] == 0 for r in cells if r["status"] == "不够组一份试卷")
    # Not a paper of the institution's own plan can be filled: short of the text itself, not of the tool's 12 sessions.
    assert "连一份完整的试卷都组不成" in finding.message and not finding.advisory
    compliant = sample_reports["compliant"].get("R6", 2)
    assert compliant.status is Status.PASS


def test_r6_a_capacity_short_of_the_tools_cycle_is_a_prompt(tmp_path):
    """The bank fills the plan's papers but 12 random ones would likely repeat: the 12 sessions of an update cycle are
    the tool's number (「一个更新周期」 says no how many), so it is a 提示 that says so."""
    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.checks.context import AuditInput
    from qbaudit.analysis.profile import load_profile

    header = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重", "二级考评范围代码", "二级考评范围名称", "二级比重",
              "考评点代码", "考评点名称", "重要程度"]
    blueprint = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": [
        header, ["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "道德", "X"]]})).data
    rows = [["试题编号", "等级", "考评点代码", "题型", "难度", "题干"]]
    rows += [[f"A{n}", "四级", "A-A-001", "判断", 3, f"职业道德第{n}题（　　）"] for n in range(6)]
    bank = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": rows})).data
    plan = PaperPlan([PlanEntry(4, 3, scope_code="A-A")])  # C(6, 3) = 20 papers: 12 random ones likely repeat
    finding = run_checks(AuditInput(bank, blueprint, plan=plan), load_profile(), rules=["R6"]).get("R6", 4)
    assert finding.status is Status.WARN and finding.advisory
    assert "一个更新周期的考试场次（12）是本工具的参考值" in finding.message


def test_r5_key_points_per_paper(sample_reports, manifests):
    planted = manifests["defective"]["planted"]["papers"]["low_key_share"]
    finding = sample_reports["defective"].get("R5", 4)
    short = {r["paper"]: r["share"] for r in _rows(finding, "占比") if r["status"] == "不足"}
    assert short == planted
    missing = {r["item_id"] for r in _rows(finding, "不在题库")}
    assert missing == set(manifests["defective"]["planted"]["papers"]["not_in_bank"])


TOOLS_NUMBER = "是本工具的参考值，不是文件规定的数值"


def test_r15_length_against_duration_is_advisory(sample_reports, manifests):
    """The seconds per item type and the ±25 % are the tool's: the text says only 「与考核时长相匹配」."""
    planted = manifests["defective"]["planted"]["papers"]
    finding = sample_reports["defective"].get("R15", 4)
    rows = {r["paper"]: r["problem"] for r in _rows(finding)}
    flagged = {paper for paper, problem in rows.items() if problem != "符合"}
    assert flagged == set(planted["too_long_for_duration"]) | {"HG4-26-06"}
    assert "题量偏多" in rows[planted["too_long_for_duration"][0]]
    assert rows["HG4-26-06"] == "未写明考试时长，无法比较"  # its header lacks the duration: R22's finding
    assert finding.status is Status.WARN and finding.advisory
    assert TOOLS_NUMBER in finding.message and "「试卷题量……与考核时长相匹配」" in finding.message
    assert "5 份写明考试时长的试卷中有 1 份" in finding.message
    assert {u.setting for u in finding.practice_breaches} == {"seconds_per_item", "duration_tolerance"}


def test_r22_header_fields_are_the_texts(sample_reports, manifests):
    planted = manifests["defective"]["planted"]["papers"]["missing_fields"]
    finding = sample_reports["defective"].get("R22", 4)
    rows = {r["paper"]: r["problem"] for r in _rows(finding)}
    assert {paper for paper, problem in rows.items() if problem != "符合"} == set(planted)
    assert "机构名称、考试时长" in rows["HG4-26-06"]
    assert finding.status is Status.FAIL and not finding.advisory and TOOLS_NUMBER not in finding.message
    assert finding.sheet_line == "试卷编排规范" and sample_reports["defective"].get("R15", 4).sheet_line == "题量时长适宜"


def test_r16_difficulty_equivalence(sample_reports, manifests):
    hard = manifests["defective"]["planted"]["papers"]["hard"]
    finding = sample_reports["defective"].get("R16", 4)
    means = {r["paper"]: float(r["mean"]) for r in _rows(finding)}
    assert max(means, key=means.get) == hard
    # 0.3 is the tool's number for 「难度等值」: a 提示 that says so.
    assert finding.status is Status.WARN and finding.advisory
    assert TOOLS_NUMBER in finding.message and "「不同试卷之间难度等值」" in finding.message
    others = [m for paper, m in means.items() if paper != hard]
    assert max(others) - min(others) <= 0.3  # without the hard paper the level is equivalent
    assert sample_reports["defective"].get("R16", 2).status is Status.NA  # one paper only
    assert sample_reports["compliant"].get("R16", 4).measured <= 0.3


def _paper_case(tmp_path, difficulties: dict[str, list[str]], extra_items: dict[str, list[str]] | None = None):
    """Papers over a small bank: each paper's items with the difficulty written as given (grades or proportions)."""
    from qbaudit.analysis.checks.context import AuditInput
    from qbaudit.analysis.model import Paper

    header = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重", "二级考评范围代码", "二级考评范围名称", "二级比重",
              "考评点代码", "考评点名称", "重要程度"]
    blueprint = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": [
        header, ["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "道德", "X"],
        ["四级", None, None, None, None, None, None, "002", "礼仪", "Y"]]})).data
    rows = [["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "答案"]]
    papers = []
    for paper, values in difficulties.items():
        ids = [f"{paper}-{n}" for n in range(len(values))]
        rows += [[i, "四级", "A-A-001", "单选", v, f"{i} 的题干（　　）", "对", "错", "A"] for i, v in zip(ids, values, strict=True)]
        papers.append(Paper(paper, 4, tuple(ids + (extra_items or {}).get(paper, [])), "中心", "焊工", 60))
    bank = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": rows})).data
    return AuditInput(bank, blueprint, papers=papers)


def test_r16_judges_proportions_on_their_own_scale(tmp_path):
    """难度系数 0–1 are compared with each other (by max_mean_proportion_spread, 0.075), never mixed with grades."""
    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.profile import load_profile

    # P1 mean 0.60, P2 mean 0.70: 0.10 apart > 0.075. Grades 3,3 / 3,3: equal.
    data = _paper_case(tmp_path, {"P1": ["0.55", "0.65", "3", "3"], "P2": ["0.65", "0.75", "3", "3"]})
    finding = run_checks(data, load_profile(), rules=["R16"]).get("R16", 4)
    titles = [e.title for e in finding.evidence]
    assert titles == ["各试卷的平均难度（难度等级）", "各试卷的平均难度（难度系数 0–1）"]
    proportions = {r["paper"]: r["mean"] for r in finding.evidence[1].rows}
    assert proportions == {"P1": "0.600", "P2": "0.700"}
    assert "难度系数（0–1）平均值在 0.600–0.700 之间，相差 0.100，超过 0.075" in finding.message
    assert "难度等级平均值在 3.00–3.00 之间，相差 0.00，不超过 0.3" in finding.message
    assert "不混算" in finding.message
    assert finding.status is Status.WARN and finding.measured == 0.1 and finding.threshold == 0.075
    assert [u.setting for u in finding.practice_breaches] == ["max_mean_proportion_spread"]
    (tmp_path / "close").mkdir()
    close = _paper_case(tmp_path / "close", {"P1": ["0.60", "0.60"], "P2": ["0.62", "0.66"]})
    assert run_checks(close, load_profile(), rules=["R16"]).get("R16", 4).status is Status.PASS


def test_r5_counts_every_item_of_a_paper(tmp_path):
    """A paper of 17 key-point items and 3 items not in the bank: 17/20 = 85 % passes; with 4 not in the bank,
    17/21 = 81 % fails — counted over the items found only (17/17) it would pass."""
    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.profile import load_profile

    data = _paper_case(tmp_path, {"P1": ["3"] * 17, "P2": ["3"] * 17},
                       {"P1": ["X1", "X2", "X3"], "P2": ["X1", "X2", "X3", "X4"]})
    finding = run_checks(data, load_profile(), rules=["R5"]).get("R5", 4)
    shares = {r["paper"]: (r["items"], r["key"], r["share"], r["status"]) for r in _rows(finding, "占比")}
    assert shares == {"P1": (20, 17, 85.0, "符合"), "P2": (21, 17, 81.0, "不足")}
    assert finding.status is Status.FAIL and finding.measured == 81.0
    assert "7 道试题计入题量，按未体现重要考评点计" in finding.message


def test_capacity_of_a_small_case_computed_by_hand(tmp_path):
    # Scope A-A holds 10 items, A-B 5; a paper takes 2 from A-A and 1 from A-B.
    header = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重", "二级考评范围代码", "二级考评范围名称", "二级比重",
              "考评点代码", "考评点名称", "重要程度"]
    blueprint = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": [
        header,
        ["四级", "A", "基本要求", 100, "A", "职业道德", 60, "001", "道德", "X"],
        ["四级", None, None, None, "B", "基础知识", 40, "001", "识图", "X"],
    ]})).data
    bank_rows = [["试题编号", "等级", "考评点代码", "题型", "难度", "题干"]]
    bank_rows += [[f"A{n}", "四级", "A-A-001", "判断", 3, f"职业道德第{n}题（　　）"] for n in range(10)]
    bank_rows += [[f"B{n}", "四级", "A-B-001", "判断", 3, f"识图第{n}题（　　）"] for n in range(5)]
    bank = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": bank_rows})).data
    plan = PaperPlan([PlanEntry(4, 2, scope_code="A-A"), PlanEntry(4, 1, scope_name="基础知识")])
    capacity = compute_capacity(bank, blueprint, 4, sessions=12, paper_items=100, plan=plan)
    # P = C(10,2)·C(5,1) = 45·5 = 225; E = 2²/10 + 1²/5 = 0.6; Jaccard = 0.6/(2·3 − 0.6);
    # repeat chance over 12 papers = 1 − exp(−66/225).
    assert [(c.available, c.per_paper) for c in capacity.cells] == [(10, 2), (5, 1)]
    assert 10 ** capacity.distinct_papers_log10 == pytest.approx(225)
    assert capacity.expected_shared == pytest.approx(0.6)
    assert capacity.expected_jaccard == pytest.approx(0.6 / 5.4)
    assert capacity.repeat_probability == pytest.approx(1 - math.exp(-66 / 225))
    assert not capacity.can_avoid_repeats()  # a one-in-four chance of a repeat is too much
    assert [c.scope_name for c in capacity.limiting] == []  # no cell gives half its items to one paper
    # Without a plan: 3 items by the weights 60/40 → 2 + 1, the same cells.
    derived = compute_capacity(bank, blueprint, 4, sessions=12, paper_items=3)
    assert [(c.scope_code, c.per_paper, c.available) for c in derived.cells] == [("A-A", 2, 10), ("A-B", 1, 5)]
    tight = compute_capacity(bank, blueprint, 4, sessions=2, paper_items=100,
                             plan=PaperPlan([PlanEntry(4, 6, scope_code="A-B")]))
    assert not tight.feasible and [c.scope_name for c in tight.limiting] == ["基础知识"]


def test_plan_import(tmp_path):
    rows = [["等级", "考评范围代码", "考评范围", "题型", "题量"], ["四级", "B-A", "焊前准备", "单选", "8"],
            ["四级", None, "焊前准备", "不定项选择题", "2"], ["四级", "B-B", None, "判断", "若干"]]
    result = import_plan(write_xlsx(tmp_path / "plan.xlsx", {"S": rows}))
    assert [(e.level, e.scope_code, e.item_type, e.items) for e in result.data.entries] == [
        (4, "B-A", "单选", 8), (4, None, "不定项", 2)]
    assert [(i.row, i.severity) for i in result.issues] == [(4, Severity.REJECTED)]


def test_sample_plan_reads(sample_imports):
    plan = sample_imports["compliant"]["plan"].data
    assert sum(e.items for e in plan.of(4)) == 100 and sum(e.items for e in plan.of(3)) == 100


def test_checks_without_papers_say_so(sample_imports, manifests):
    from qbaudit.analysis.checks import run_checks
    from qbaudit.analysis.checks.context import AuditInput
    from qbaudit.analysis.profile import load_profile

    imports = sample_imports["compliant"]
    data = AuditInput(imports["bank"].data, imports["blueprint"].data, imports["standard"].data,
                      dt.date.fromisoformat(manifests["compliant"]["as_of"]))
    report = run_checks(data, load_profile(), rules=["R5", "R6", "R15", "R16"])
    assert {f.status for f in report.findings if f.rule != "R6"} == {Status.NA}
    assert all("未提供试卷" in f.message for f in report.findings if f.rule != "R6")
    r6 = report.get("R6", 4)  # judged from the bank's capacity alone
    assert r6.status is Status.PASS and "未提供试卷；按组卷规则" in r6.message
