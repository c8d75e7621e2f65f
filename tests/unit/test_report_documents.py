"""The problem list, the rectification notice and the findings export, read back with openpyxl and
python-docx: one row per problem with empty columns to fill in, the notice filled with the failed
items, every finding and evidence row, and no cell that is a formula."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.bundled import load_toml


@pytest.fixture(scope="module")
def stored(signed_audits):
    from qbaudit.report import report_from_view

    return {name: report_from_view(view) for name, view in signed_audits["views"].items()}


def _formula_cells(path) -> list[str]:
    workbook = load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}" for sheet in workbook for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]


def _no_formula_xml(path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return not any("<f>" in archive.read(name).decode("utf-8") or "<f " in archive.read(name).decode("utf-8")
                       for name in archive.namelist() if name.startswith("xl/worksheets/"))


# --- problem list -------------------------------------------------------------------------------------------------


def test_problem_list_has_one_row_per_problem_and_empty_columns_to_fill_in(tmp_path, stored, manifests):
    from qbaudit.report import problems_of, write_problem_list

    data = stored["defective"]
    path = write_problem_list(data, tmp_path / "问题清单.xlsx").path
    workbook = load_workbook(path)
    listing = workbook["问题清单"]
    rows = [[cell.value for cell in row] for row in listing.iter_rows()]
    assert rows[0][0] == "命题质量自查问题清单及整改进展情况"
    assert rows[1][0].startswith("评价机构：某市职业技能等级认定中心　　职业（工种）：焊工")
    columns = load_toml("report/problems.toml")["columns"]
    assert rows[3] == list(columns.values())
    assert rows[3][-4:] == ["整改措施", "责任人", "完成时限", "整改进展"]
    body = rows[4:]
    problems = problems_of(data)
    assert len(body) == len(problems) and [r[0] for r in body] == list(range(1, len(problems) + 1))
    assert all(r[-4:] == [None] * 4 for r in body)
    failed = {(rule, level) for rule, levels in manifests["defective"]["status"].items()
              for level, status in levels.items() if status in ("fail", "warn")}
    from qbaudit.analysis.vocabulary import level_name

    listed = {(r[2].split(" ")[0], r[3]) for r in body if r[2]}
    assert listed == {(rule, "全部等级" if level == "bank" else level_name(int(level))) for rule, level in failed}
    lost_without_rule = [r for r in body if r[4] == "评定扣分"]
    assert {r[1].split("·")[1] for r in lost_without_rule} >= {"制度建设完备", "反馈机制健全"}
    feedback = next(r for r in lost_without_rule if r[1].endswith("反馈机制健全"))
    assert "没有试题质量分析报告和修订记录" in feedback[5]
    r2_four = next(r for r in body if (r[2] or "").startswith("R2 ") and r[3] == "四级/中级工")
    assert r2_four[4] == "不符合要求" and "试题少于 5 道的考评点：12 行（" in r2_four[7]
    spread = next(e for f in data.findings if f.rule == "R2" and f.level == 4 for e in f.evidence if "分布" in e.title)
    assert f"各考评点的试题数分布：{len(spread.rows)} 行" in r2_four[7]
    evidence = [[cell.value for cell in row] for row in workbook["证据明细"].iter_rows()]
    code_column = evidence[0].index("考评点代码")
    codes = {row[code_column] for row in evidence[1:] if row[0] == r2_four[0] and row[3] == "试题少于 5 道的考评点"}
    assert codes == set(manifests["defective"]["expected"]["4"]["points_short_of_items"])
    assert _formula_cells(path) == []


def test_problem_list_in_word(tmp_path, stored):
    from qbaudit.report import problems_of, write_problem_list

    path = write_problem_list(stored["defective"], tmp_path / "问题清单.docx").path
    document = Document(str(path))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][-4:] == ["整改措施", "责任人", "完成时限", "整改进展"]
    assert len(table.rows) == 1 + len(problems_of(stored["defective"]))
    assert all(cell.text == "" for row in table.rows[1:] for cell in row.cells[-4:])
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape


def test_a_compliant_bank_has_no_problems(stored):
    from qbaudit.report import problems_of

    assert problems_of(stored["compliant"]) == []


# --- rectification notice -------------------------------------------------------------------------------------------


def test_notice_is_filled_with_the_institution_and_the_failed_items(tmp_path, stored, sample_audit_module):
    from qbaudit.report import write_notice

    data = stored["defective"]
    path = write_notice(data, tmp_path / "整改通知书.docx", authority="某市人力资源和社会保障局").path
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    wording = load_toml("report/notice.toml")
    assert paragraphs[0] == "整改通知书"
    assert paragraphs[1] == "某市职业技能等级认定中心："
    assert paragraphs[2].startswith(f"{data.audit_date.year}年") and "某市人力资源和社会保障局对你单位焊工" in paragraphs[2]
    items = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    lost = data.lost_lines()
    # 8 document lines decided below their maximum and all 13 data lines (none is met in full).
    assert len(items) == len(lost) == 21
    assert items[0] == "1. “制度建设完备”（命题管理的规范性）评定为基本符合，得2分（满分4分）。未见试题开发使用制度的执行记录。"
    pointed = next(i for i in items if "“要点数量充足”" in i)
    assert "三级/高级工理论知识考评点只有 190 个" in pointed
    assert paragraphs[-4].startswith("针对上述问题，你单位应当") and "限期3个月" in paragraphs[-4]
    assert paragraphs[-2:] == ["某市人力资源和社会保障局", wording["date_blank"]]


def test_notice_only_for_a_signed_unqualified_audit(stored, sample_runs):
    from qbaudit.report import notice_refusal, report_from_run, write_notice

    assert notice_refusal(stored["defective"]) is None
    assert "优良" in notice_refusal(stored["compliant"])
    assert "快速检查" in notice_refusal(report_from_run(sample_runs["defective"]))
    draft = dataclasses.replace(stored["defective"], kind=type(stored["defective"].kind)("draft"))
    assert "尚未签署" in notice_refusal(draft)
    with pytest.raises(ValueError, match="不是不合格"):
        write_notice(stored["compliant"], "never.docx")


# --- findings export ----------------------------------------------------------------------------------------------


def test_findings_export_holds_every_finding_and_evidence_row(tmp_path, stored):
    from qbaudit.report import write_findings_export

    data = stored["defective"]
    path = write_findings_export(data, tmp_path / "结论.xlsx").path
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["说明", "检查结论", "证据", "评分表", "输入文件"]
    findings = list(workbook["检查结论"].iter_rows(values_only=True))
    assert len(findings) == 1 + len(data.findings)
    r1 = next(r for r in findings[1:] if r[1] == "R1" and r[3] == "三级/高级工")
    assert r1[4] == "不符合" and r1[6] == 190 and r1[7] == "≥" and r1[8] == 200  # numbers stay numbers
    evidence = list(workbook["证据"].iter_rows(values_only=True))
    assert len(evidence) == 1 + sum(len(e.rows) for f in data.findings for e in f.evidence)
    sheet_rows = list(workbook["评分表"].iter_rows(values_only=True))
    assert sheet_rows[-1][8] == 59.5 and len(sheet_rows) == 1 + 24 + 1
    inputs = {row[0]: row for row in workbook["输入文件"].iter_rows(values_only=True)}
    assert inputs["bank"][5] == next(i.sha256 for i in data.inputs if i.kind == "bank")
    assert _formula_cells(path) == []


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path, stored):
    from qbaudit.report import write_findings_export, write_problem_list

    hostile = ["=HYPERLINK(\"http://example.invalid\",\"点击\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]
    planted = Finding("R13", 4, Status.FAIL, hostile[0], measured="=2*3", threshold="+5", evidence=(
        Evidence.of("题干、选项或答案有问题的试题", [("item_id", "试题编号"), ("excerpt", "题干摘录"), ("problem", "问题")],
                    [{"item_id": text, "excerpt": text, "problem": text} for text in hostile]),))
    data = dataclasses.replace(stored["defective"], findings=(planted, *stored["defective"].findings))
    for path in (write_findings_export(data, tmp_path / "f.xlsx").path,
                 write_problem_list(data, tmp_path / "p.xlsx").path):
        assert _formula_cells(path) == [] and _no_formula_xml(path)
        values = {cell.value for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row}
        assert set(hostile) <= values and hostile[0] in values
        quoted = [cell for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row
                  if isinstance(cell.value, str) and cell.value in hostile]
        assert quoted and all(cell.quotePrefix for cell in quoted)
