"""Documents for every sheet: for each of the five sheets in resources/sheets/ an audit is judged (with a veto or
the 20 % line reached), signed, and its report, problem list and notice are written and read back. Each
document takes its title, columns, group totals, header fields and wording from that sheet's data and its
kind's entry in resources/report/kinds.toml — never the proposition sheet's words on another sheet.

The known answers are counted by hand from the decisions in sample_banks/sample_audit.py (SHEET_DECISIONS,
SHEET_VETOES; the proposition audit is the defective sample's, 59.5 points, with veto V4 added).
"""

from __future__ import annotations

import re

import pytest
from docx import Document
from openpyxl import load_workbook

from qbaudit.analysis.sheets import bundled_sheets, load_sheet

SHEETS = ("proposition-2024", "onsite-2024", "shandong-daily-theory-2022", "shandong-daily-skill-2022",
          "shandong-daily-review-2022")
NOTICE_BATCH = "对职业技能等级认定2026370100123批次进行了质量督导，你单位在该批次评价组织过程中存在以下质量问题："

TITLES = {
    "proposition-2024": ("焊工题库命题质量专项督导审核报告", "命题质量自查问题清单及整改进展情况", "评分表指标"),
    "onsite-2024": ("技能人才评价活动现场质量督导报告", "评价活动现场质量督导问题清单及整改进展情况", "评分表指标"),
    "shandong-daily-theory-2022": ("技能人才评价日常督导情况报告（理论考核）", "日常督导（理论考核）发现问题清单及整改进展情况",
                                   "督导内容"),
    "shandong-daily-skill-2022": ("技能人才评价日常督导情况报告（技能考核）", "日常督导（技能考核）发现问题清单及整改进展情况",
                                  "督导内容"),
    "shandong-daily-review-2022": ("技能人才评价日常督导情况报告（综合评审）", "日常督导（综合评审）发现问题清单及整改进展情况",
                                   "督导内容"),
}
# The sheet table's first three columns, and the first line's cells in them (python-docx joins a cell's
# paragraphs with a newline).
COLUMNS = {
    "proposition-2024": (["一级指标", "二级指标", "评分标准（“符合”满分，“基本符合”酌情给分，“不符合”0分）"],
                         ["命题管理的规范性\n（25分）", "管理职责明确", "有专门的命题管理或试题开发岗位"]),
    "onsite-2024": (["环节", "一级指标", "二级指标"], ["考前\n（28分）", "机构信用\n（3分）", "基本情况"]),
    "shandong-daily-theory-2022": (["督导内容"] * 3, ["考前督导", "评价计划", "1. 评价时间、评价人数及评价内容与评价计划一致"]),
    "shandong-daily-skill-2022": (["督导内容"] * 3, ["考前督导", "评价计划", "1. 评价时间、评价人数及评价内容与评价计划一致"]),
    "shandong-daily-review-2022": (["督导内容"] * 3, ["考前督导", "评审资料", "1. 评审时间、评审人数及评审内容与评价计划一致"]),
}
# Every group at every level: (level, group, maximum or lines, score or count of 否), counted by hand.
GROUPS = {
    "proposition-2024": [("一级指标", "命题管理的规范性", "25", "18"), ("一级指标", "考评蓝图的合理性", "25", "12"),
                         ("一级指标", "试题试卷的科学性", "25", "14.5"), ("一级指标", "题库卷库的完备性", "25", "15")],
    "onsite-2024": [("环节", "考前", "28", "24"), ("一级指标", "机构信用", "3", "2"), ("一级指标", "评价方案", "5", "5"),
                    ("一级指标", "信息公开", "5", "4"), ("一级指标", "场地设备管理", "7", "7"),
                    ("一级指标", "考务管理", "8", "6"), ("环节", "考中", "52", "46"),
                    ("一级指标", "考场工作人员配备", "8", "8"), ("一级指标", "考务管理", "15", "14"),
                    ("一级指标", "考评组织实施", "23", "18"), ("一级指标", "内部督导", "6", "6"),
                    ("环节", "考后", "20", "20"), ("一级指标", "反馈机制", "10", "10"), ("一级指标", "分析改进", "10", "10")],
    "shandong-daily-theory-2022": [
        ("督导环节", "考前督导", "13", "3"), ("督导项目", "评价计划", "1", "0"), ("督导项目", "资格审核", "1", "1"),
        ("督导项目", "试题管理", "1", "0"), ("督导项目", "设施设备", "4", "1"), ("督导项目", "考场安排", "3", "1"),
        ("督导项目", "人员安排", "3", "0"), ("督导环节", "考中督导", "6", "2"), ("督导项目", "职责履行", "2", "1"),
        ("督导项目", "过程监控", "4", "1"), ("督导环节", "考后督导", "4", "0"), ("督导项目", "成绩管理", "2", "0"),
        ("督导项目", "资料管理", "1", "0"), ("督导项目", "异常情况处理", "1", "0")],
    "shandong-daily-skill-2022": [
        ("督导环节", "考前督导", "10", "1"), ("督导项目", "评价计划", "1", "0"), ("督导项目", "试题管理", "1", "0"),
        ("督导项目", "考场设置", "3", "1"), ("督导项目", "考场安排", "2", "0"), ("督导项目", "人员安排", "3", "0"),
        ("督导环节", "考中督导", "8", "1"), ("督导项目", "考核准备", "3", "0"), ("督导项目", "过程监控", "5", "1"),
        ("督导环节", "考后督导", "4", "0"), ("督导项目", "结果评定", "3", "0"), ("督导项目", "异常情况处理", "1", "0")],
    "shandong-daily-review-2022": [
        ("督导环节", "考前督导", "5", "1"), ("督导项目", "评审资料", "3", "1"), ("督导项目", "评审人员及场所", "2", "0"),
        ("督导环节", "考中督导", "6", "1"), ("督导项目", "评审准备", "2", "1"), ("督导项目", "评审过程监控", "4", "0"),
        ("督导环节", "考后督导", "5", "2"), ("督导项目", "结果认定", "4", "1"), ("督导项目", "异常情况处理", "1", "1")],
}
TOTALS = {"proposition-2024": ("100", "59.5"), "onsite-2024": ("100", "90"), "shandong-daily-theory-2022": ("23", "5"),
          "shandong-daily-skill-2022": ("22", "2"), "shandong-daily-review-2022": ("16", "4")}
CONCLUSIONS = {
    "proposition-2024": "经审核，某市职业技能等级认定中心焊工（四级/中级工、三级/高级工、二级/技师）题库命题质量专项督导评分为 "
                        "59.5 分（满分 100 分），等级为不合格。",
    "onsite-2024": "经督导，某市职业技能等级认定中心焊工（四级/中级工、三级/高级工）评价活动现场质量日常督导评分为 90 分"
                   "（满分 100 分），等级为不合格。",
    "shandong-daily-theory-2022": "经督导，某市职业技能等级认定中心焊工理论考核日常督导记录表督导结果为“否”的共 5 项（全表共 23 项，"
                                  "占 21.7%），已达到不合格线（“否”达 20%），等级为不合格。",
    "shandong-daily-skill-2022": "经督导，某市职业技能等级认定中心焊工技能考核日常督导记录表督导结果为“否”的共 2 项（全表共 22 项，"
                                 "占 9.1%），未达到不合格线（“否”达 20%），等级为不合格。",
    "shandong-daily-review-2022": "经督导，某市职业技能等级认定中心焊工综合评审日常督导记录表督导结果为“否”的共 4 项（全表共 16 项，"
                                  "占 25.0%），已达到不合格线（“否”达 20%），等级为不合格。",
}
# The header block: the sheet's own header fields with their values, then what the kind's report adds.
HEADERS = {
    "proposition-2024": {"被督导机构名称": "某市职业技能等级认定中心", "机构备案号": "S370100123", "时间": "（未填写）",
                         "督导(组)员": "张建国（组长，R3725A012）、李秀英（组员）", "职业（工种）": "焊工",
                         "督导类型": "专项督导", "审核基准日期": "2026年11月1日"},
    "onsite-2024": {"被督导机构名称": "某市职业技能等级认定中心", "机构备案号": "S370100123", "督导日期": "2026年11月20日",
                    "时间": "8:30—11:30", "督导(组)员": "张建国（组长，R3725A012）、李秀英（组员）",
                    "批次编号": "2026370100123", "督导类型": "日常督导", "督导地点": "济南市历下区某职业技能等级认定考点",
                    "督导人数": "46 人"},
    "shandong-daily": {"评价机构": "某市职业技能等级认定中心", "督导地点": "济南市历下区某职业技能等级认定考点",
                       "督导人数": "46 人", "督导职业": "焊工", "督导日期": "2026年11月20日", "批次编号": "2026370100123",
                       "督导类型": "日常督导", "时间": "8:30—11:30",
                       "督导（组）员": "王强（组长，R3726A015）、赵敏（组员，N370100260002）"},
}


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _header(document) -> dict[str, str]:
    fields = {}
    for row in _rows(document.tables[0]):
        fields[row[0]] = row[1]
        if row[2] and row[2] != row[1]:
            fields[row[2]] = row[3]
    return fields


@pytest.fixture(scope="module")
def documents(tmp_path_factory, sample_runs, sample_audit_module):
    """Each sheet's audit, signed, and its three documents: ``{sheet: {"data", "report", "problems", "notice"}}``."""
    from qbaudit.report import report_from_view, write_notice, write_problem_list, write_report
    from qbaudit.store import AuditStore

    folder = tmp_path_factory.mktemp("sheet-documents")
    made = {}
    with AuditStore(f"sqlite:///{folder / 'audits.sqlite3'}") as store:
        for sheet_id in SHEETS:
            if sheet_id == "proposition-2024":
                audit_id = sample_audit_module["record_sample_audit"](store, "defective", sign=False,
                                                                     run=sample_runs["defective"])
                store.decide_veto(audit_id, "V4", True, "2026 年 3 月一名命题人员将试题带出保密室", by="张建国")
                store.sign(audit_id, by="张建国")
            else:
                audit_id = sample_audit_module["record_sheet_audit"](store, sheet_id)
            data = report_from_view(store.load(audit_id))
            made[sheet_id] = {
                "data": data,
                "report": Document(str(write_report(data, folder / f"report-{sheet_id}.docx", charts=False).path)),
                "problems": write_problem_list(data, folder / f"problems-{sheet_id}.xlsx").path,
                "problems_docx": Document(str(write_problem_list(data, folder / f"problems-{sheet_id}.docx").path)),
                "notice": Document(str(write_notice(data, folder / f"notice-{sheet_id}.docx").path)),
            }
    return made


def test_the_five_sheets_are_the_bundled_ones():
    assert sorted(SHEETS) == [sheet_id for sheet_id, _ in bundled_sheets()]


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_each_document_is_titled_by_the_kind_of_audit(documents, sheet_id):
    report_title, problems_title, indicator_heading = TITLES[sheet_id]
    assert _paragraphs(documents[sheet_id]["report"])[0] == report_title
    listing = [[cell.value for cell in row] for row in load_workbook(documents[sheet_id]["problems"])["问题清单"].iter_rows()]
    assert listing[0][0] == problems_title and listing[3][1] == indicator_heading
    assert _paragraphs(documents[sheet_id]["problems_docx"])[0] == problems_title
    assert _paragraphs(documents[sheet_id]["notice"])[0] == "整改通知书"


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_the_sheet_table_has_the_forms_grouping_columns(documents, sheet_id):
    headings, first_line = COLUMNS[sheet_id]
    table = next(t for t in documents[sheet_id]["report"].tables if t.rows[0].cells[0].text == headings[0]
                 and len(t.rows) > 10)
    rows = _rows(table)
    assert rows[0][:3] == headings
    assert rows[1][:2] == first_line[:2] and rows[1][2].startswith(first_line[2])
    sheet = load_sheet(sheet_id)
    criterion = len(sheet.layout.levels) + (sheet.layout.line_heading is not None)
    assert [row[criterion] for row in rows[1:len(sheet.lines) + 1]] == [sheet.criterion_text(line) for line in sheet.lines]


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_every_group_total_at_every_level(documents, sheet_id):
    document = documents[sheet_id]["report"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "层级")
    rows = _rows(table)
    assert [(row[0], row[1].lstrip("　"), row[2], row[3]) for row in rows[1:-1]] == GROUPS[sheet_id]
    assert rows[-1][2:] == list(TOTALS[sheet_id])
    paragraphs = _paragraphs(document)
    sheet = load_sheet(sheet_id)
    for level in sheet.layout.levels:  # one sentence per grouping level in the conclusion
        sentence = next(p for p in paragraphs if p.startswith(f"各{level}"))
        for row_level, name, maximum, score in GROUPS[sheet_id]:
            if row_level == level:
                expected = f"{name} {score} 分（满分 {maximum} 分）" if sheet.total else f"{name}“否”{score} 项（共 {maximum} 项）"
                assert expected in sentence


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_the_header_holds_the_sheets_own_fields(documents, sheet_id):
    header = _header(documents[sheet_id]["report"])
    sheet = load_sheet(sheet_id)
    assert list(header)[: len(sheet.header)] == list(sheet.header)  # the form's fields first, in its order
    expected = HEADERS["shandong-daily" if sheet_id.startswith("shandong") else sheet_id]
    assert {key: header[key] for key in expected} == expected
    assert header["评分表"] == f"{sheet.name}（{sheet.source}）"


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_the_conclusion_and_the_forms_words(documents, sheet_id):
    paragraphs = _paragraphs(documents[sheet_id]["report"])
    sheet = load_sheet(sheet_id)
    assert CONCLUSIONS[sheet_id] in paragraphs
    for number, note in enumerate(sheet.notes, 1):  # the form's 备注 / 填写说明 under the table
        assert (f"{number}. {note}" if sheet.layout.notes_heading else note) in paragraphs
    text = "\n".join(paragraphs + [cell.text for t in documents[sheet_id]["report"].tables for r in t.rows
                                   for cell in r.cells])
    if sheet_id != "proposition-2024":
        assert "命题质量" not in text and "题库" not in text and "检查建议" not in text
    if sheet.layout.assessment:
        opinion = next(row for row in _rows(documents[sheet_id]["report"].tables[2]) if row[0] == "意见")
        assert opinion[1].startswith(f"总体评价：{documents[sheet_id]['data'].assessment}\n质量督导员签名：王强")


def test_vetoes_stand_above_shandongs_lines_with_yes_or_no(documents):
    document = documents["shandong-daily-skill-2022"]["report"]
    vetoes = _rows(document.tables[1])
    assert [row[0] for row in vetoes] == ["一票否决项"] * 3
    assert [row[2] for row in vetoes] == ["否", "是", "否"]
    assert vetoes[1][1] == "评价机构、考评人员、考务人员存在违规、违纪行为，影响考试秩序或公平公正"
    assert vetoes[1][3] == "考评员在他人评分表上代签，影响评分公正"
    assert "发生一票否决项 V2：" in _paragraphs(document)[2] + "".join(_paragraphs(document)[3:5])


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_the_notice_quotes_the_forms_own_lines(documents, sheet_id):
    paragraphs = _paragraphs(documents[sheet_id]["notice"])
    items = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    data = documents[sheet_id]["data"]
    assert len(items) == len(data.lost_lines()) + len(data.result.vetoed)
    assert len(set(item.split("”")[0] for item in items)) == len(items)  # no two items name the same line
    if sheet_id == "proposition-2024":
        assert "对你单位焊工（四级/中级工、三级/高级工、二级/技师）题库进行了命题质量专项督导" in paragraphs[2]
        assert items[0].startswith("1. “制度建设完备”（命题管理的规范性）评定为基本符合，得2分（满分4分）。")
    else:
        assert paragraphs[2].endswith(NOTICE_BATCH) and "题库" not in "".join(paragraphs)
    if sheet_id == "onsite-2024":
        assert items[0] == ("1. “基本情况：机构证照（企业营业执照/民办非企业资质证书/组织机构代码证）等资料齐备”（考前·机构信用）"
                            "评定为基本符合，得0.5分（满分1分）。组织机构代码证已过期，未见换发材料。")
        assert items[1].startswith("2. “基本情况：近三年内无市场监管、税务、人力资源社会保障、民政等部门")
        assert items[-1].startswith("7. 发生不合格项：评价机构发生《人力资源社会保障部办公厅")
    if sheet_id == "shandong-daily-theory-2022":
        assert items[0] == ("1. “2. 严格按照国家职业技能标准或评价规范对申报对象进行资格条件审核”（考前督导·资格审核）"
                            "督导结果为“否”。抽查 10 份申报材料，3 份工作年限证明不全。")
    requirement = next(p for p in paragraphs if p.startswith("针对上述问题"))
    assert "限期3个月" in requirement and "整改期间不得组织任何职业技能等级认定" in requirement  # 附件4 as written
    measures = "强化命题和题库管理" if sheet_id == "proposition-2024" else "强化考点管理"
    assert f"你单位应当{measures}" in requirement


@pytest.mark.parametrize("sheet_id", SHEETS)
def test_the_problem_list_names_lines_as_the_form_does(documents, sheet_id):
    listing = [[cell.value for cell in row] for row in load_workbook(documents[sheet_id]["problems"])["问题清单"].iter_rows()]
    body = listing[4:]
    data = documents[sheet_id]["data"]
    sheet = data.sheet
    if sheet_id == "proposition-2024":
        return  # its rows are the rules' findings first (tests/unit/test_report_documents.py)
    lost = data.lost_lines()
    assert len(body) == len(lost) + len(data.result.vetoed)
    for row, line_row in zip(body, lost, strict=False):
        line = line_row.line
        path = "·".join(g.name for g in sheet.path(line))
        assert row[1] == f"{path}·{line.name if sheet.layout.line_heading else f'第{line.id}项'}"
        assert sheet.line_text(line) in row[5]
    assert listing[2][0].startswith("督导日期：2026年11月20日")


# --- the notice for 第二十二条, and the consequences decided --------------------------------------------------


def test_a_qualified_audit_gets_a_notice_for_a_behaviour_of_article_22(tmp_path, sample_audit_module):
    from qbaudit.report import notice_refusal, problems_of, report_from_view, write_notice, write_report
    from qbaudit.store import AuditStore, StoreError

    decisions = sample_audit_module["SHEET_DECISIONS"]
    saved = dict(decisions["shandong-daily-review-2022"])
    decisions["shandong-daily-review-2022"] = {"2": saved["2"]}  # 1 of 16 “否”: 合格
    try:
        with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
            audit_id = sample_audit_module["record_sheet_audit"](store, "shandong-daily-review-2022")
            data = report_from_view(store.load(audit_id))
            assert data.result.grade == "合格"
            assert "也没有记录" in notice_refusal(data)
            with pytest.raises(StoreError, match="写明暂停（整改）的期限"):
                store.decide_notice(audit_id, grounds=[], suspend=True, suspension_months=None, supervision_file=None,
                                    publish=None, by="王强")
            decision = store.decide_notice(audit_id, grounds=[("7", "招生简章写有“包过”"), ("2", "")], suspend=True,
                                           suspension_months=6, supervision_file=True, publish=False, by="赵敏")
            assert decision.grounds == (("2", ""), ("7", "招生简章写有“包过”")) and decision.by == "赵敏"
            data = report_from_view(store.load(audit_id))
    finally:
        decisions["shandong-daily-review-2022"] = saved
    assert notice_refusal(data) is None
    paragraphs = _paragraphs(Document(str(write_notice(data, tmp_path / "n.docx").path)))
    items = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    assert items[1:] == ["2. 有第二十二条第（二）项所列行为：超职业、超等级、超地域范围评价的。",
                         "3. 有第二十二条第（七）项所列行为：进行评价“包过”“保过”等虚假宣传的。招生简章写有“包过”。"]
    requirement = next(p for p in paragraphs if p.startswith("针对上述问题"))
    assert "限期6个月" in requirement and "整改期间不得组织任何职业技能等级认定" in requirement
    assert requirement.endswith("上述情况列入你单位的监管档案。") and "对社会公布" not in requirement
    assert [p.kind for p in problems_of(data)][-2:] == ["第二十二条所列行为"] * 2
    report = _paragraphs(Document(str(write_report(data, tmp_path / "r.docx", charts=False).path)))
    assert "决定的处理：暂停评价活动并整改 6 个月、列入监管档案。" in report


def test_without_consequences_recorded_the_notice_keeps_the_forms_suspension(documents):
    requirement = next(p for p in _paragraphs(documents["onsite-2024"]["notice"]) if p.startswith("针对上述问题"))
    assert requirement.endswith("决定是否恢复你单位职业技能等级认定工作。")


def test_no_suspension_decided_leaves_it_out(tmp_path, sample_audit_module):
    from qbaudit.report import report_from_view, write_notice
    from qbaudit.store import AuditStore

    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit_id = sample_audit_module["record_sheet_audit"](store, "shandong-daily-theory-2022")
        store.decide_notice(audit_id, grounds=[], suspend=False, suspension_months=None, supervision_file=False,
                            publish=True, by="王强")
        data = report_from_view(store.load(audit_id))
    requirement = next(p for p in _paragraphs(Document(str(write_notice(data, tmp_path / "n.docx").path)))
                       if p.startswith("针对上述问题"))
    assert "整改期间不得组织" not in requirement and requirement.endswith("上述情况将对社会公布。")


def test_the_onsite_veto_is_described_under_the_forms_label(documents):
    table = next(t for t in documents["onsite-2024"]["report"].tables if t.rows[0].cells[0].text == "环节")
    veto = _rows(table)[-1]
    assert veto[0] == "不合格项" and veto[5] == "发生"
    assert veto[6] == "行为描述：考评员代替考生完成操作技能考核，属人社厅发〔2024〕27号明确的严重违纪违规行为"
    assert _rows(table)[-2][:1] == ["总分"] and _rows(table)[-2][4:6] == ["100", "90"]


def test_every_kind_of_audit_has_all_its_wording():
    """A kind added to kinds.toml without a sentence, or with a placeholder no report fills, fails here."""
    from qbaudit.bundled import load_toml
    from qbaudit.report.word import _FIELD_LABELS

    data = load_toml("report/kinds.toml")
    values = dict(occupation="焊工", levels="四级", institution="某中心", scene="理论考核", supervision="日常督导",
                  sheet="某表", batch="B1", date="2026年1月1日", authority="某局")
    keys = ("name", "report_title", "subject", "activity", "lead", "problems_title", "problems_indicator",
            "notice_opening", "notice_measures")
    for kind, entry in data["kinds"].items():
        for key in keys:
            assert entry[key].format(**values), (kind, key)
            if f"{key}_en" in entry or key in ("report_title", "subject", "activity", "lead", "name"):
                assert entry[f"{key}_en"].format(**values), (kind, key)
        assert set(entry["header"]) <= set(_FIELD_LABELS) and set(entry["header_wide"]) <= set(_FIELD_LABELS), kind
    assert set(data["header_fields"].values()) <= set(_FIELD_LABELS)
    assert {load_sheet(sheet_id).layout.kind for sheet_id in SHEETS} | {"custom"} == set(data["kinds"])
