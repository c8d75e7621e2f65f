"""The Word report, read back with python-docx: header, totals and grade, every sheet line, findings with
evidence, excerpts cut to 30 characters, fingerprints, profile and waivers — from a stored audit and
from a one-shot check."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from docx import Document

from qbaudit.analysis.model import Evidence, Finding, Status
from qbaudit.analysis.sheets import load_sheet

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_banks"


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table(document, first_heading: str, containing: str | None = None):
    for table in document.tables:
        heading = [cell.text for cell in table.rows[0].cells]
        if heading[0] == first_heading and (containing is None or containing in heading):
            return table
    raise AssertionError(f"no table headed {first_heading}")


def _tables(document, containing: str) -> list:
    return [t for t in document.tables if containing in [cell.text for cell in t.rows[0].cells]]


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _all_text(document) -> str:
    parts = _paragraphs(document)
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def documents(report_files):
    return {name: Document(str(outcome.path)) for name, outcome in report_files.items()}


# --- a signed audit --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "total", "grade"), [("defective", "59.5", "不合格"), ("compliant", "100", "优良")])
def test_signed_report_states_total_and_grade(documents, sample_audit_module, sample, total, grade):
    assert sample_audit_module["EXPECTED_TOTAL"][sample] == float(total)
    paragraphs = _paragraphs(documents[sample])
    assert paragraphs[0] == "焊工题库命题质量专项督导审核报告"
    conclusion = next(p for p in paragraphs if p.startswith("经审核"))
    assert f"评分为 {total} 分（满分 100 分）" in conclusion
    assert conclusion.endswith(f"等级为{grade}。")
    sheet_table = _table(documents[sample], "一级指标")
    total_row = next(row for row in _rows(sheet_table) if row[0] == "总分")
    assert total_row[3] == "100" and total_row[5] == total


def test_header_block_has_the_sheets_header_fields_then_the_audits(documents, signed_audits):
    rows = _rows(documents["defective"].tables[0])
    view = signed_audits["views"]["defective"]
    # 附件2's header: 被督导机构名称、机构备案号、督导日期、时间、督导(组)员, in its order.
    assert rows[0] == ["被督导机构名称", "某市职业技能等级认定中心", "机构备案号", "S370100123"]
    assert rows[1] == ["督导日期", f"{view.created_at.astimezone():%Y}年{view.created_at.astimezone().month}月"
                       f"{view.created_at.astimezone().day}日", "时间", "（未填写）"]
    assert rows[2][:2] == ["督导(组)员", "张建国（组长，R3725A012）、李秀英（组员）"]
    assert rows[3][:2] == ["职业（工种）", "焊工"] and rows[3][3] == "四级/中级工、三级/高级工、二级/技师"
    assert rows[4] == ["督导类型", "专项督导", "审核基准日期", "2026年11月1日"]
    assert f"审核记录第 {view.id} 号第 1 版，张建国于" in rows[6][1] and rows[6][1].endswith("签署")


def test_every_sheet_line_with_suggestion_decision_and_override_reason(documents, signed_audits, sample_audit_module):
    sheet = load_sheet()
    view = signed_audits["views"]["defective"]
    rows = _rows(_table(documents["defective"], "一级指标"))[1:]
    assert len(rows) == len(sheet.lines) + 1 + len(sheet.vetoes)  # the lines, the total, one row per veto item
    decisions = sample_audit_module["DOCUMENT_DECISIONS"]["defective"]
    for line, row in zip(sheet.lines, rows, strict=False):
        group = sheet.group(line.group)
        assert row[0].startswith(group.name) and f"（{group.points:g}分）" in row[0]
        assert row[1:4] == [line.name, line.criterion, f"{line.max:g}"]
        result = next(r for r in view.result.lines if r.line.id == line.id)
        assert row[5] == f"{sheet.label(result.decision.verdict)} {result.decision.score:g}"
        if line.id in decisions:
            assert row[4] == "查阅材料"
            assert row[6] == decisions[line.id][2]  # the inspector's reason (empty where full marks)
        else:
            assert row[4] == f"{sheet.label(result.suggestion.verdict)} {result.suggestion.score:g}"
    by_name = {row[1]: row for row in rows}
    assert by_name["代码设计合理"][4:] == ["基本符合 1", "基本符合 1.5", "细目表代码问题经现场核实已部分更正"]
    assert by_name["题型方式恰当"][4:] == ["不符合 0", "不符合 0", ""]  # accepted as suggested: no reason shown
    veto_rows = rows[-len(sheet.vetoes):]
    assert [row[0] for row in veto_rows] == ["不合格项"] * 4 and [row[5] for row in veto_rows] == ["未发生"] * 4
    assert veto_rows[0][2].startswith(sheet.veto_heading)  # the form's own words before the items
    assert all(f"{n}. {v.text}" in row[2] for n, (v, row) in enumerate(zip(sheet.vetoes, veto_rows, strict=True), 1))


def test_conclusion_names_group_totals_failed_lines_and_one_paragraph_per_failed_rule(documents, manifests):
    paragraphs = _paragraphs(documents["defective"])
    groups = next(p for p in paragraphs if p.startswith("各一级指标得分"))
    assert "考评蓝图的合理性 12 分（满分 25 分）" in groups  # 3 (decided) + 2.5 + 2.5 + 0 + 2.5 + 1.5 (override)
    failing = next(p for p in paragraphs if p.startswith("评定为“不符合”"))
    assert failing == "评定为“不符合”的评分项 2 项：题型方式恰当、反馈机制健全。"
    assert "未发生不合格项。" in paragraphs
    failed_rules = {rule for rule, levels in manifests["defective"]["status"].items()
                    if "fail" in levels.values()}
    rule_paragraphs = [p for p in paragraphs if p.split(" ")[0] in failed_rules and "：" in p and "（依据：" in p]
    assert sorted(p.split(" ")[0] for p in rule_paragraphs) == sorted(failed_rules)
    r2 = next(p for p in rule_paragraphs if p.startswith("R2 "))
    assert "四级/中级工有 12 个考评点的试题少于 5 道" in r2 and "二级/技师有 24 个考评点" in r2


def test_findings_show_measured_against_threshold_and_the_evidence(documents, manifests):
    document = documents["defective"]
    text = _all_text(document)
    assert "理论知识考评点原则上每个等级不少于200个" in text  # R1's clause
    level_rows = [row for table in _tables(document, "测得") for row in _rows(table)]
    r1_three = next(r for r in level_rows if r[0] == "三级/高级工" and r[2] == "190 个")
    assert r1_three[:4] == ["三级/高级工", "不符合", "190 个", "≥ 200 个"]
    assert next(r for r in level_rows if r[2] == "2 道")[:4] == ["四级/中级工", "不符合", "2 道", "≥ 5 道"]
    short_tables = _tables(document, "考评点代码")
    codes = {row[0] for table in short_tables for row in _rows(table)[1:]}
    assert set(manifests["defective"]["expected"]["4"]["points_short_of_items"]) <= codes
    planted = manifests["defective"]["planted"]["4"]
    item_rows = {row[0]: row for table in _tables(document, "试题编号") for row in _rows(table)[1:]}
    assert set(planted["R7"]) <= set(item_rows)
    assert set(planted["R8_unresolved"]) <= set(item_rows)
    unresolved_item, unresolved_code = next(iter(planted["R8_unresolved"].items()))
    assert item_rows[unresolved_item][1] == unresolved_code


def test_the_tools_own_numbers_are_said_to_be_the_tools(documents):
    """R15's seconds per item and ±25 %, R16's 0.3: 提示 in the findings, each saying the number is the tool's and
    which clause it reads; the conclusion lists them apart from the failures; each rule states its thresholds'
    basis."""
    document = documents["defective"]
    rows = [row for table in _tables(document, "测得") for row in _rows(table)]
    for needle in ("与时长不相称", "难度不等值"):
        row = next(r for r in rows if needle in r[4])
        assert row[1] == "提示" and "是本工具的参考值，不是文件规定的数值" in row[4], row
    assert "「试卷题量……与考核时长相匹配」" in next(r for r in rows if "与时长不相称" in r[4])[4]
    assert "「不同试卷之间难度等值」" in next(r for r in rows if "难度不等值" in r[4])[4]
    paragraphs = _paragraphs(document)
    advisory = next(p for p in paragraphs if p.startswith("另有提示，所依据的数值是本工具的参考值"))
    assert "R15 试卷题量与考核时长相匹配" in advisory and "R16 试卷难度等值" in advisory
    assert "试卷平均难度之差（难度等级）0.3，解释「不同试卷之间难度等值」" in advisory
    bases = [p for p in paragraphs if p.startswith("阈值及其依据：")]
    assert any("各题型每题的参考用时、参考用时与考试时长的允许偏差 25%，本工具的参考值，仅作提示" in p for p in bases)
    assert any(p.startswith("阈值及其依据：重要考评点所占比重下限 85%，文件规定（「重要考评点所占比重不低于85%」）")
               for p in bases)


def test_excerpts_are_at_most_30_characters(documents, manifests):
    for name in ("quick", "defective"):
        tables = _tables(documents[name], "题干摘录")
        assert tables, name
        excerpts = {}
        for table in tables:
            column = [cell.text for cell in table.rows[0].cells].index("题干摘录")
            excerpts.update({row[0]: row[column] for row in _rows(table)[1:]})
        planted = manifests["defective"]["planted"]["3"]["R13"]
        assert set(planted) <= set(excerpts)
        assert all(len(text) <= 30 for text in excerpts.values())
        assert {item for item, text in excerpts.items() if not text} == {
            item for item, kind in planted.items() if kind == "stem_missing"}
        assert any(len(text) == 30 and text.endswith("…") for text in excerpts.values())  # long stems are cut


def test_a_longer_quote_in_the_evidence_is_cut_again(tmp_path, sample_runs):
    from qbaudit.report import report_from_run, write_report

    stem = "焊条电弧焊时，" + "焊接电流过大会产生咬边、焊瘤和烧穿等缺陷，" * 4
    planted = Finding("R13", 4, Status.FAIL, "有一道试题的答案不在选项之中。", evidence=(
        Evidence.of("题干、选项或答案有问题的试题", [("item_id", "试题编号"), ("excerpt_stem", "题干摘录")],
                    [{"item_id": "T1", "excerpt_stem": stem}]),))
    data = report_from_run(sample_runs["compliant"])
    data = dataclasses.replace(data, findings=(*data.findings, planted))
    outcome = write_report(data, tmp_path / "cut.docx", charts=False)
    table = _tables(Document(str(outcome.path)), "题干摘录")[0]
    assert _rows(table)[1] == ["T1", stem[:29] + "…"]
    assert stem not in _all_text(Document(str(outcome.path)))


def test_appendix_lists_inputs_with_their_fingerprints_and_the_profile(documents, signed_audits, manifests):
    document = documents["defective"]
    rows = _rows(_table(document, "类型"))
    for kind, label in (("bank", "题库"), ("blueprint", "细目表"), ("standard", "标准权重表")):
        row = next(r for r in rows if r[0] == label)
        assert row[1] == f"{kind}.xlsx"
        assert row[4] == _sha256(SAMPLES / "defective" / f"{kind}.xlsx")
    items = sum(level["items"] for level in manifests["defective"]["expected"].values())
    rejected = len(manifests["defective"]["import"]["bank_rejected"])
    assert next(r for r in rows if r[0] == "题库")[2:4] == [str(items), str(rejected)]
    paragraphs = _paragraphs(document)
    assert "规则配置：全国命题质量专项督导（2024）（national-2024）。" in paragraphs
    assert any(load_sheet().sha256 in p for p in paragraphs)
    view = signed_audits["views"]["defective"]
    assert any(view.revision.signed_sha256 in p for p in paragraphs)
    assert "规则配置中没有豁免，所有规则按原则要求检查。" in paragraphs


def test_charts_are_in_the_report_with_the_overlap_of_the_papers(report_files, documents):
    assert report_files["defective"].charts == 6 and report_files["defective"].warnings == []
    captions = [p for p in _paragraphs(documents["defective"]) if p.startswith("图")]
    assert len(captions) == 6 and captions[0].startswith("图1\u3000各等级每个考评点的试题数")
    assert captions[5].startswith("图6\u3000试卷之间的重合度")
    assert len(documents["defective"].inline_shapes) == 6


# --- a quick check ----------------------------------------------------------------------------------------------


def test_quick_report_says_it_is_a_quick_check_and_scores_the_data_lines_only(documents, sample_runs):
    from qbaudit.report import report_from_run

    paragraphs = _paragraphs(documents["quick"])
    assert paragraphs[0] == "焊工题库命题质量快速检查报告"
    assert paragraphs[1] == "（快速检查，未经督导员评定和签署，不是正式审核结论）"
    data = report_from_run(sample_runs["defective"])
    # The 11 data lines of tests/unit/test_scoring.DEFECTIVE sum to 22; the 13 others are worth 55.
    assert data.result.total == 22.0 and data.result.grade is None
    summary = next(p for p in paragraphs if "按检查建议合计" in p)
    assert "数据能够判断的 11 行，按检查建议合计 22 分；另有 13 行（共 55 分）需查阅材料评定" in summary
    assert "总分最高为 77 分（合格）" in summary
    rows = _rows(_table(documents["quick"], "一级指标"))[1:]
    assert [row[4] for row in rows[:7]] == ["查阅材料"] * 7
    by_name = {row[1]: row for row in rows}
    assert by_name["题型方式恰当"][3:5] == ["4", "不符合 0"] and by_name["要点数量充足"][3:5] == ["4", "基本符合 2.5"]
    assert {row[5] for row in rows[:24]} == {"—"}
    record = next(row for row in _rows(_table(documents["quick"], "被督导机构名称")) if row[0] == "审核记录")
    assert record[1].startswith("快速检查")


def test_report_from_a_draft_without_item_text(tmp_path, sample_runs, sample_audit_module):
    from qbaudit.report import ReportKind, report_from_view, write_report
    from qbaudit.store import AuditStore

    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit_id = sample_audit_module["record_sample_audit"](store, "defective", keep_item_text=False, sign=False,
                                                              run=sample_runs["defective"])
        data = report_from_view(store.load(audit_id))
    assert data.kind is ReportKind.DRAFT and not data.item_text_kept
    document = Document(str(write_report(data, tmp_path / "draft.docx", charts=False).path))
    paragraphs = _paragraphs(document)
    assert any(p.startswith("经审核") and "暂评 59.5 分" in p for p in paragraphs)
    assert any(p.startswith("第 1 版审核记录尚未签署，以上结论为暂定") for p in paragraphs)
    assert "审核记录未保存试题文字，证据中不含题干摘录。" in paragraphs
    assert not _tables(document, "题干摘录")


def test_waivers_of_the_profile_are_listed_with_their_reasons(tmp_path, sample_audit_module):
    from qbaudit.analysis.profile import load_profile
    from qbaudit.operations import run_audit
    from qbaudit.report import report_from_run, report_from_view, write_report
    from qbaudit.store import AuditStore

    profile_file = tmp_path / "new.toml"
    profile_file.write_text('schema_version = 2\nid = "new-occupation"\nname = "新职业"\nextends = "national-2024"\n'
                            '[[waivers]]\nrule = "R1"\nlevels = [3]\nmin_points = 180\n'
                            'reason = "新职业，考评点数量按标准确定"\n'
                            '[[waivers]]\nrule = "R10"\nreason = "本职业技师只考操作技能"\n', encoding="utf-8")
    folder = SAMPLES / "defective"
    run = run_audit(folder / "bank.xlsx", [folder / "blueprint.xlsx"], load_profile(profile_file),
                    standard=folder / "standard.xlsx", papers=[folder / "papers.xlsx"], plan=folder / "plan.xlsx")
    quick = report_from_run(run)
    assert [(w.rule, w.levels, w.applied) for w in quick.waivers] == [("R1", (3,), (3,)), ("R10", None, (2,))]
    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        stored = report_from_view(store.load(sample_audit_module["record_sample_audit"](store, "defective", run=run,
                                                                                        sign=False)))
    assert {(w.rule, w.reason) for w in stored.waivers} == {(w.rule, w.reason) for w in quick.waivers}
    assert [w.values for w in stored.waivers] == [(("min_points", 180),), ()]
    document = Document(str(write_report(stored, tmp_path / "w.docx", charts=False).path))
    rows = _rows(_table(document, "规则", "豁免所及"))
    assert ["R1 每个等级的理论知识考评点数量", "三级/高级工",
            "「理论知识考评点原则上每个等级不少于200个（对于部分新职业，可结合国家职业标准有关要求合理确定考评点数量）」"
            "；另定每个等级的考评点数量下限为 180", "新职业，考评点数量按标准确定", "三级/高级工"] in rows
    paragraphs = _paragraphs(document)
    assert any("按规则配置豁免的检查：R1·三级/高级工（新职业，考评点数量按标准确定；另定每个等级的考评点数量下限为 180）"
               in p for p in paragraphs)
    assert any(p.startswith("只有文件写了“原则上”的要求可以豁免") for p in paragraphs)
    # The finding says the count it was judged by, and the suggestion that it rests on the waiver.
    r1 = next(f for f in stored.findings if f.rule == "R1" and f.level == 3)
    assert r1.status.value == "waived" and r1.threshold == 180 and "另定了 180 个" in r1.message
    points = next(r for r in stored.result.lines if r.line.name == "要点数量充足").suggestion
    assert "按规则配置的豁免计为符合：R1·三级/高级工（理由：新职业，考评点数量按标准确定）" in points.explanation
    # The profile's thresholds with their basis are in the appendix: the text's numbers and the tool's own.
    thresholds = {row[1]: row for row in _rows(_table(document, "规则", "文件条款及说明"))}
    assert thresholds["每个等级的考评点数量下限"][2:4] == ["200", "文件规定"]
    assert thresholds["各题型每题的参考用时"][3] == "本工具的参考值（提示）"
    assert "「试卷题量……与考核时长相匹配」" in thresholds["各题型每题的参考用时"][4]


def test_a_waiver_of_r1_with_another_count_is_in_the_json(tmp_path, capsys):
    """The command line's JSON gives the waiver's number in the profile and on the finding it decided."""
    import json

    from qbaudit import cli

    profile_file = tmp_path / "new.toml"
    profile_file.write_text('schema_version = 2\nid = "new-occupation"\nname = "新职业"\nextends = "national-2024"\n'
                            '[[waivers]]\nrule = "R1"\nlevels = [3]\nmin_points = 180\nreason = "新职业"\n',
                            encoding="utf-8")
    folder = SAMPLES / "defective"
    out = tmp_path / "r.json"
    assert cli.main(["check", "--bank", str(folder / "bank.xlsx"), "--blueprint", str(folder / "blueprint.xlsx"),
                     "--profile", str(profile_file), "--as-of", "2026-11-01", "--json", str(out)]) == 0
    console = capsys.readouterr().out
    assert "豁免：R1（三级/高级工；另定每个等级的考评点数量下限为 180）——新职业" in console
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["profile"]["waivers"] == [{"rule": "R1", "levels": [3], "reason": "新职业", "setting": None,
                                           "values": {"min_points": 180}}]
    assert {"key": "R15.seconds_per_item", "basis": "practice", "binding": False} .items() <= next(
        s for s in data["profile"]["thresholds"] if s["key"] == "R15.seconds_per_item").items()
    r1 = next(f for f in data["findings"] if f["rule"] == "R1" and f["level"] == 3)
    assert (r1["status"], r1["threshold"], r1["waiver_values"], r1["waiver_reason"]) == (
        "waived", 180, {"min_points": 180}, "新职业")
    assert r1["thresholds"][0] | {"clause": ""} == {"setting": "min_points", "value": 200, "basis": "regulation",
                                                   "clause": "", "binding": True, "note": "", "breached": True}


def test_the_english_interface_makes_an_english_report(tmp_path, sample_runs):
    from qbaudit.i18n import set_language
    from qbaudit.report import report_from_run, write_report

    set_language("en")
    outcome = write_report(report_from_run(sample_runs["compliant"]), tmp_path / "en.docx", charts=False)
    paragraphs = _paragraphs(Document(str(outcome.path)))
    assert paragraphs[0] == "Proposition-quality quick check of the 焊工 bank"
    assert "Every rule is met." in paragraphs


def test_an_audit_without_a_run_still_makes_a_report(tmp_path):
    from qbaudit.report import report_from_view, write_problem_list, write_report
    from qbaudit.store import AuditStore, InspectorInput

    with AuditStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        audit_id = store.create_audit(institution="某机构", registration_number=None, occupation="焊工", levels=[4],
                                      inspectors=[InspectorInput("张建国", "组长")], sheet=load_sheet())
        data = report_from_view(store.load(audit_id))
    outcome = write_report(data, tmp_path / "empty.docx")
    paragraphs = _paragraphs(Document(str(outcome.path)))
    assert outcome.charts == 0 and "审核记录中没有输入文件。" in paragraphs
    assert any(p.startswith("经审核") and "等级为待定" in p for p in paragraphs)
    assert _listing_rows(write_problem_list(data, tmp_path / "p.xlsx").path) == 4  # title lines and headings


def _listing_rows(path) -> int:
    from openpyxl import load_workbook

    return load_workbook(path)["问题清单"].max_row
