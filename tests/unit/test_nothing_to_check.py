"""No verdict without evidence: a rule with nothing to check says 无法判断 (why, and what to supply), never
pass, and the sheet line it informs is left to the documents. Known answers: tests/fixtures/checks/README.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from qbaudit.analysis.checks import CHECKS, run_checks
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.importers import ImportResult, import_bank, import_blueprint, import_standard
from qbaudit.analysis.model import Blueprint, Finding, Paper, PaperPlan, PlanEntry, Status
from qbaudit.analysis.profile import load_profile
from qbaudit.analysis.sheets import Basis, Verdict, load_sheet, suggest
from tests.helpers import write_xlsx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checks"
NO_BLUEPRINT = Blueprint(scopes=[], points=[])  # what the command line passes when no --blueprint is given
AS_OF = dt.date(2026, 11, 1)
BLUEPRINT_RULES = ("R1", "R2", "R4", "R8", "R9", "R17", "R19", "R20")


@pytest.fixture(scope="module")
def untyped():
    result = import_bank(FIXTURES / "电工_无题型.csv", default_level=4)
    assert result.ok and result.rows_taken == 20 and not result.rejected and not result.warnings
    assert result.data.items["item_type"].isna().all()
    return result


@pytest.fixture(scope="module")
def blueprint():
    result = import_blueprint(FIXTURES / "细目表_无重要程度.xlsx")
    assert result.ok and len(result.data.points) == 10
    return result.data


@pytest.fixture(scope="module")
def standard():
    return import_standard(FIXTURES / "电工_标准权重表.csv").data


def _run(bank, blueprint=NO_BLUEPRINT, **kwargs):
    return run_checks(AuditInput(bank, blueprint, as_of=AS_OF, **kwargs), load_profile())


def test_a_bank_with_no_type_column_cannot_judge_r13_and_says_what_to_supply(untyped):
    r13 = _run(untyped.data).get("R13", 4)
    assert r13.status is Status.NA and r13.measured is None
    assert "没有识别出客观题：20 道试题中有 20 道没有题型或题型无法识别" in r13.message
    assert "无法判断" in r13.message and "请在题库中提供题型列" in r13.message


def test_its_quick_report_suggests_documents_for_the_content_line(untyped, tmp_path):
    from qbaudit.analysis.run import AuditRun
    from qbaudit.operations import run_checks as check_inputs
    from qbaudit.report import report_from_run, write_report

    run = AuditRun(profile=load_profile(), as_of=AS_OF,
                   imports={"bank": untyped, "blueprint": ImportResult(data=NO_BLUEPRINT)})
    run = check_inputs(run.imports, run.profile, run.as_of)
    data = report_from_run(run)
    content = next(r for r in data.result.lines if r.line.name == "试题内容正确")
    assert content.suggestion.basis is Basis.DOCUMENTS and content.verdict is None and content.score is None
    assert "R13·四级/中级工 未能从所给数据作出判断" in content.suggestion.explanation
    codes = next(r for r in data.result.lines if r.line.name == "代码设计合理")
    assert codes.suggestion.basis is Basis.DOCUMENTS  # R8 had nothing to check: no blueprint
    document = Document(str(write_report(data, tmp_path / "quick.docx", charts=False).path))
    sheet_table = next(t for t in document.tables if t.rows[0].cells[0].text == "一级指标")
    row = next([c.text for c in r.cells] for r in sheet_table.rows if r.cells[1].text == "试题内容正确")
    assert row[4] == "查阅材料"


def test_without_a_blueprint_every_rule_that_needs_one_cannot_judge(untyped):
    report = _run(untyped.data)
    for rule_id in BLUEPRINT_RULES:
        finding = report.get(rule_id, 4)
        assert finding.status is Status.NA, rule_id
        assert "未提供考评要素细目表" in finding.message and "--blueprint" in finding.message, rule_id
    # What needs no blueprint is still checked.
    assert {rule_id: report.get(rule_id, 4).status for rule_id in ("R3", "R7", "R11", "R12", "R21")} == {
        "R3": Status.FAIL, "R7": Status.FAIL, "R11": Status.PASS, "R12": Status.PASS, "R21": Status.PASS}


def test_nothing_to_check_is_never_a_pass(untyped):
    """Every rule on a bank alone (no type, code, difficulty or date; no blueprint, standard, papers, plan or
    answer data): a pass only where something was compared, and every 无法判断 says what to supply."""
    report = _run(untyped.data)
    statuses = {f.rule: f.status for f in report.findings if f.level == 4}
    assert statuses == {
        "R1": Status.NA, "R2": Status.NA, "R3": Status.FAIL, "R4": Status.NA, "R5": Status.NA, "R6": Status.NA,
        "R7": Status.FAIL, "R8": Status.NA, "R9": Status.NA, "R11": Status.PASS, "R12": Status.PASS,
        "R13": Status.NA, "R14": Status.NA, "R15": Status.NA, "R16": Status.NA, "R17": Status.NA, "R18": Status.NA,
        "R19": Status.NA, "R20": Status.NA, "R21": Status.PASS, "R22": Status.NA,
    }
    assert {rule_id for rule_id, _ in CHECKS} - set(statuses) == {"R10"}  # 四级 needs no subjective items
    for finding in report.findings:
        if finding.status is Status.NA:
            assert "无法" in finding.message and ("请" in finding.message or "可用" in finding.message), finding


def test_a_blueprint_without_importance_cannot_judge_r4_r19_or_r5(untyped, blueprint, standard):
    items = untyped.data.items
    paper = Paper("P1", 4, tuple(items["item_id"].astype(str)[:10]))
    report = _run(untyped.data, blueprint, standard=standard, papers=[paper])
    for rule_id in ("R4", "R19", "R5"):
        finding = report.get(rule_id, 4)
        assert finding.status is Status.NA, rule_id
        assert "10 个考评点都没有标注重要程度" in finding.message and "重要程度（X/Y/Z" in finding.message
    assert "X 0 个" not in report.get("R4", 4).message


def test_unreadable_importance_is_listed_and_not_judged(tmp_path, untyped):
    header = ["等级", "考评范围代码", "考评范围名称", "比重", "考评点代码", "考评点名称", "重要程度"]
    rows = [["四级", "A", "基础知识", 100, f"{n:03d}", f"考评点{n}", "★"] for n in range(1, 4)]
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"四级": [header, *rows]}))
    r4 = _run(untyped.data, result.data).get("R4", 4)
    assert r4.status is Status.NA and "写的是：★" in r4.message
    assert [r["importance"] for r in r4.evidence[0].rows] == ["★"] * 3


def test_an_upper_tier_without_weight_takes_the_sum_of_its_children(untyped, blueprint, standard):
    r9 = _run(untyped.data, blueprint, standard=standard).get("R9", 4)
    assert r9.status is Status.PASS, r9.message
    assert "与标准权重表的 4 项一致" in r9.message
    assert "2 个考评范围（基本要求、相关知识要求）在细目表中没有填写自己的比重，按其下级比重之和计算" in r9.message
    rows = {r["name"]: r for r in r9.evidence[0].rows}
    assert (rows["基本要求"]["blueprint"], rows["基本要求"]["source"]) == (20.0, "由下级比重相加")
    assert (rows["相关知识要求"]["blueprint"], rows["相关知识要求"]["source"]) == (80.0, "由下级比重相加")
    assert (rows["电气安装"]["source"], rows["电气安装"]["status"]) == ("细目表填写", "一致")


def test_the_tiers_that_carry_weights_are_still_judged(untyped, blueprint, tmp_path):
    path = write_xlsx(tmp_path / "std.xlsx", {"S": [
        ["等级", "考评范围", "比重"], ["四级", "职业道德", 5], ["四级", "基础知识", 15], ["四级", "电气安装", 45],
        ["四级", "电气维修", 35]]})
    r9 = _run(untyped.data, blueprint, standard=import_standard(path).data).get("R9", 4)
    assert r9.status is Status.FAIL
    assert "「电气安装」细目表为 40%，标准为 45%" in r9.message and "「电气维修」细目表为 40%，标准为 35%" in r9.message
    assert "基本要求" not in r9.message.split("：", 1)[1].split("。")[0]  # the derived tier is no problem


def test_items_without_point_codes_leave_r2_and_r8_unjudged(untyped, blueprint):
    report = _run(untyped.data, blueprint)
    r2, r8 = report.get("R2", 4), report.get("R8", 4)
    assert r2.status is Status.NA and "试题都没有考评点代码" in r2.message
    assert r8.status is Status.NA and "6 个考评范围和 10 个考评点代码没有发现问题" in r8.message
    assert "请在题库中提供每道试题的考评点代码" in r8.message


def test_r10_without_types_and_r20_without_weights_cannot_judge(tmp_path):
    bank = import_bank(FIXTURES / "电工_无题型.csv", default_level=2).data
    assert _run(bank).get("R10", 2).status is Status.NA
    assert "没有可识别的题型" in _run(bank).get("R10", 2).message
    header = ["等级", "考评范围代码", "考评范围名称", "考评点代码", "考评点名称", "重要程度"]
    rows = [["二级", "A", "基础知识", f"{n:03d}", f"考评点{n}", "X"] for n in range(1, 4)]
    unweighted = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"二级": [header, *rows]})).data
    report = _run(bank, unweighted)
    assert report.get("R20", 2).status is Status.NA and "都没有标注比重" in report.get("R20", 2).message
    assert report.get("R9", 2).status is Status.NA and "请在细目表中提供各考评范围的比重" in report.get("R9", 2).message


def test_a_plan_without_a_blueprint_is_no_capacity_failure(untyped):
    plan = PaperPlan([PlanEntry(level=4, items=50, scope_name="基础知识")])
    r6 = _run(untyped.data, plan=plan).get("R6", 4)
    assert r6.status is Status.NA and "未提供试卷" in r6.message


def _finding(rule_id, level, status):
    return Finding(rule=rule_id, level=level, status=status, message="")


def test_a_line_with_an_unjudged_rule_gets_no_full_marks():
    sheet = load_sheet()
    line = sheet.find_line("试题内容正确")
    only_met = suggest(sheet, [_finding("R13", 4, Status.NA), _finding("R13", 3, Status.PASS),
                               _finding("R21", 4, Status.PASS)])[line.id]
    assert only_met.basis is Basis.DOCUMENTS and only_met.verdict is None and only_met.score is None
    assert "已检查的 2 项均符合，但 R13·四级/中级工 未能从所给数据作出判断" in only_met.explanation
    with_failure = suggest(sheet, [_finding("R13", 4, Status.NA), _finding("R13", 3, Status.PASS),
                                   _finding("R21", 4, Status.FAIL)])[line.id]
    assert with_failure.basis is Basis.DATA and with_failure.verdict is Verdict.PARTLY and with_failure.score == 2.5
    assert "另有 R13·四级/中级工 未能从所给数据作出判断，未计入" in with_failure.explanation
    judged = suggest(sheet, [_finding("R13", 3, Status.PASS), _finding("R21", 3, Status.PASS)])[line.id]
    assert judged.verdict is Verdict.MEETS and judged.score == line.max
