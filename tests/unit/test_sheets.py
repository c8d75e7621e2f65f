"""Sheets as data: every bundled sheet loads, adds up, and says what the regulations say; bad sheets are
refused with the field named; a custom sheet composed from the indicator catalogue loads too."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from qbaudit.analysis.sheets import (
    Method,
    SheetError,
    bundled_sheets,
    criterion_points,
    load_catalogue,
    load_sheet,
    sheet_from_text,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def fold(text: str) -> str:
    """Text as compared with the regulations: full-width folded, no whitespace, no footnote marks."""
    return "".join(unicodedata.normalize("NFKC", text.replace("^①", "")).split())


@pytest.fixture(scope="module")
def seed():
    return {key: fold(path.read_text(encoding="utf-8")) for key, path in
            (("002", SEEDS / "002_24e6880714970bc3.txt"), ("001", SEEDS / "001_ed880ca1689cd4ad.txt"),
             ("003", SEEDS / "003_cfb8b9b31e812fab.txt"))}


def test_bundled_sheets_are_the_five_of_the_seeds():
    assert [sheet_id for sheet_id, _ in bundled_sheets()] == [
        "onsite-2024", "proposition-2024", "shandong-daily-review-2022", "shandong-daily-skill-2022",
        "shandong-daily-theory-2022"]


def test_indicator_catalogue_has_12_first_and_33_second_level_indicators(seed):
    catalogue = load_catalogue()
    assert len(catalogue.first_level) == 12 and len(catalogue.second_level) == 33
    assert list(catalogue.second_level) == list(range(1, 34))
    assert catalogue.first_level[5].name == "资源管理"
    assert [s.number for s in catalogue.under(5)] == [9, 10, 11, 12]
    assert catalogue.second_level[12].name == "标准规范和试题资源建设管理"
    # Indicator 12 ends where the text does; footnote ① (of indicator 8) is a note of its own.
    assert catalogue.second_level[12].description.endswith("是否开展试题试卷质量分析并建立试题反馈修订机制。")
    assert "下同" not in catalogue.second_level[12].description and catalogue.notes["standards"].endswith("下同。")
    for indicator in [*catalogue.first_level.values(), *catalogue.second_level.values()]:
        assert fold(indicator.description) in seed["002"], indicator.name
        assert fold(indicator.name) in seed["002"]


def test_proposition_sheet_totals_lines_and_vetoes(seed):
    sheet = load_sheet("proposition-2024")
    assert sheet.method is Method.POINTS and sheet.total == 100
    assert len(sheet.lines) == 24 and sum(line.max for line in sheet.lines) == 100
    assert [(g.name, g.points) for g in sheet.groups] == [
        ("命题管理的规范性", 25), ("考评蓝图的合理性", 25), ("试题试卷的科学性", 25), ("题库卷库的完备性", 25)]
    for group in sheet.groups:
        assert sum(line.max for line in sheet.lines_under(group.id)) == 25
    assert [line.max for line in sheet.lines if line.max == 5] == [5, 5, 5, 5]
    assert sheet.find_line("要点数量充足").max == 4 and sheet.find_line("9").name == "要点数量充足"
    assert [(b.grade, b.min) for b in sheet.bands] == [("优良", 85), ("合格", 60), ("不合格", 0)]
    assert len(sheet.vetoes) == 4 and sheet.veto_grade == "不合格"
    assert sheet.verdict_labels.values() and sheet.label(sheet.verdicts[1]) == "基本符合"
    assert len(sheet.notes) == 5
    for line in sheet.lines:
        assert fold(line.criterion) in seed["002"] and fold(line.criterion) in seed["001"], line.name
        assert fold(line.name) in seed["002"]
        assert line.indicator in sheet.indicators.second_level
    for veto in sheet.vetoes:
        assert fold(veto.text) in seed["002"]
    for note in sheet.notes:
        assert fold(note) in seed["002"]


def test_onsite_sheet_has_three_stages_adding_up_to_100(seed):
    sheet = load_sheet("onsite-2024")
    stages = [g for g in sheet.groups if g.parent is None]
    assert [(g.name, g.points) for g in stages] == [("考前", 28), ("考中", 52), ("考后", 20)]
    for group in sheet.groups:
        assert sum(line.max for line in sheet.lines_under(group.id)) == group.points, group.name
    assert len(sheet.lines) == 42 and sheet.total == 100
    assert [g.name for g in sheet.groups if g.parent == "2"] == ["考场工作人员配备", "考务管理", "考评组织实施", "内部督导"]
    assert len(sheet.vetoes) == 1 and sheet.vetoes[0].describe == "行为描述"
    for line in sheet.lines:
        assert fold(line.criterion) in seed["002"], line.criterion
    assert fold(sheet.vetoes[0].text) in seed["002"]


@pytest.mark.parametrize(("sheet_id", "lines", "stages"), [
    ("shandong-daily-theory-2022", 23, (13, 6, 4)),
    ("shandong-daily-skill-2022", 22, (10, 8, 4)),
    ("shandong-daily-review-2022", 16, (5, 6, 5)),
])
def test_shandong_record_tables(seed, sheet_id, lines, stages):
    sheet = load_sheet(sheet_id)
    assert sheet.method is Method.YES_NO and sheet.total is None
    assert [line.id for line in sheet.lines] == [str(n) for n in range(1, lines + 1)]
    assert tuple(len(sheet.lines_under(g)) for g in ("1", "2", "3")) == stages
    assert sheet.no_share_limit == pytest.approx(0.2) and (sheet.pass_grade, sheet.fail_grade) == ("合格", "不合格")
    assert len(sheet.vetoes) == 3
    for line in sheet.lines:
        assert fold(line.criterion) in seed["003"], line.criterion
    for veto in sheet.vetoes:
        assert fold(veto.text) in seed["003"]


def test_criterion_points_cut_the_criterion_into_its_sentences():
    line = load_sheet().find_line("安全保密严格")
    points = criterion_points(line)
    assert len(points) == 4 and points[2] == "有题库试卷使用情况记录，确保题库使用责任可追溯。"


# --- refused sheets ---------------------------------------------------------------------------

CUSTOM = """
schema_version = 1
id = "my-bank-review"
name = "题库专项检查评分表（自编）"
method = "points"
total = 20

[verdicts]
meets = "符合"
partly = "基本符合"
fails = "不符合"

[scoring]
part_step = 0.5

[grading]
veto_grade = "不合格"
bands = [{ grade = "优良", min = 17 }, { grade = "合格", min = 12 }, { grade = "不合格", min = 0 }]

[[groups]]
id = "R"
first_level = 5

[[groups]]
id = "A"
first_level = 6

[[lines]]
id = "1"
group = "R"
indicator = 12
criterion = "理论知识题库每个考评点不少于5道题，每个等级不少于1000道题。"
max = 10

[[lines]]
id = "2"
group = "R"
indicator = 11
criterion = "有内部督导员队伍，资质和数量与评价服务规模相匹配。"
max = 6

[[lines]]
id = "3"
group = "A"
indicator = 13
criterion = "题库更新、使用记录真实、完整，按规定年限保存。"
max = 4
"""


def test_custom_sheet_composed_from_the_catalogue_loads_like_the_official_ones(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    sheet = load_sheet(path)
    assert sheet.total == 20 and [g.name for g in sheet.groups] == ["资源管理", "评价档案资料管理"]
    assert [line.name for line in sheet.lines] == ["标准规范和试题资源建设管理", "内部督导队伍建设", "评价档案资料管理"]
    assert sheet.grade_for(17) == "优良" and sheet.grade_for(11.5) == "不合格"


@pytest.mark.parametrize(("change", "field", "words"), [
    (("max = 4\n", "max = 5\n"), "total", "合计 21 分"),
    (('id = "3"\n', 'id = "2"\n'), "lines[2].id", "重复"),
    (("indicator = 11", "indicator = 34"), "lines[1].indicator", "不存在"),
    (("indicator = 13", "indicator = 12"), "lines[2].indicator", "不属于"),
    (('group = "A"', 'group = "X"'), "lines[2].group", "不存在"),
    (("total = 20\n", ""), "total", "必须有"),
    (("min = 0 }", "min = 5 }"), "grading.bands[2].min", "应为 0"),
    (('method = "points"', 'method = "scores"'), "method", "应为以下之一"),
    (('criterion = "有内部', 'criteria = "有内部'), "lines[1]", "字段"),
    (('total = 20\n', 'total = 20\n[documents]\nkind = "monthly"\n'), "documents.kind", "不是已知的督导类别"),
    (('total = 20\n', 'total = 20\n[documents]\nlevels = ["环节", "一级指标"]\n'), "documents.levels", "分组有 1 层"),
    (('total = 20\n', 'total = 20\ncard_rules = "tianjin-2024"\n'), "card_rules", "不存在"),
    (('total = 20\n', 'total = 20\n[documents]\nsupervision = "weekly"\n'), "documents.supervision", "应为以下之一"),
])
def test_bad_sheets_are_refused_naming_the_field(tmp_path, change, field, words):
    text = CUSTOM.replace(*change)
    assert text != CUSTOM
    with pytest.raises(SheetError) as refused:
        sheet_from_text(text, "我的评分表.toml")
    message = str(refused.value)
    assert message.startswith("评分表「我的评分表.toml」有误") and field in message and words in message, message


def test_group_points_must_match_their_lines():
    text = CUSTOM.replace('id = "R"\nfirst_level = 5', 'id = "R"\nfirst_level = 5\npoints = 15')
    with pytest.raises(SheetError, match=r"groups\[0\]\.points.*合计 16 分"):
        sheet_from_text(text, "x")


def test_yes_no_sheet_takes_no_maxima():
    text = load_sheet("shandong-daily-review-2022").text.replace('indicator = 14\n', 'indicator = 14\nmax = 1\n', 1)
    with pytest.raises(SheetError, match=r"lines\[0\]\.max"):
        sheet_from_text(text, "x")


def test_unknown_sheet_and_syntax_error_are_said_in_chinese(tmp_path):
    with pytest.raises(SheetError, match="没有名为「nope」的评分表.*proposition-2024"):
        load_sheet("nope")
    broken = tmp_path / "broken.toml"
    broken.write_text("id = [\n", encoding="utf-8")
    with pytest.raises(SheetError, match="不是有效的 TOML"):
        load_sheet(broken)


# --- documents' layout and the user's own sheets ------------------------------------------------------------------


@pytest.mark.parametrize(("sheet_id", "kind", "levels", "line_heading", "batch", "assessment", "cards"), [
    ("proposition-2024", "proposition", ("一级指标",), "二级指标", False, None, None),
    ("onsite-2024", "onsite", ("环节", "一级指标"), "二级指标", True, None, None),
    ("shandong-daily-theory-2022", "shandong-daily", ("督导环节", "督导项目"), None, True, "总体评价", "shandong-2022"),
])
def test_each_sheet_says_how_its_documents_look(sheet_id, kind, levels, line_heading, batch, assessment, cards):
    sheet = load_sheet(sheet_id)
    layout = sheet.layout
    assert (layout.kind, layout.levels, layout.line_heading, layout.batch, layout.assessment, sheet.card_rules) == (
        kind, levels, line_heading, batch, assessment, cards)
    assert max(sheet.depth(g.id) for g in sheet.groups) == len(layout.levels)


def test_the_form_names_each_line_without_two_alike():
    onsite = load_sheet("onsite-2024")
    texts = [onsite.line_text(line) for line in onsite.lines]
    assert len(set(texts)) == len(texts) == 42
    assert texts[0] == "基本情况：机构证照（企业营业执照/民办非企业资质证书/组织机构代码证）等资料齐备"
    assert texts[3] == "评价活动策划"  # a name no other line shares stands alone
    theory = load_sheet("shandong-daily-theory-2022")
    assert theory.line_text(theory.line("3")) == "3. 试题形式和内容符合职业（工种）和级别要求"  # not the inferred indicator
    assert theory.line("3").name == "标准规范和试题资源建设管理" and not theory.line("3").named


def test_a_custom_sheet_without_a_layout_takes_the_usual_one():
    sheet = sheet_from_text(CUSTOM, "x")
    assert (sheet.layout.kind, sheet.layout.levels, sheet.layout.line_heading, sheet.card_rules) == (
        "custom", ("一级指标",), "二级指标", None)


def test_a_stored_sheet_from_before_layouts_reads_with_the_bundled_layout():
    text = load_sheet("onsite-2024").text
    old = text[:text.index("[documents]")] + text[text.index("[verdicts]"):]
    sheet = sheet_from_text(old, "onsite-2024")
    assert sheet.layout.kind == "onsite" and sheet.layout.levels == ("环节", "一级指标") and sheet.text == old


def test_the_users_sheets_folder_is_read_by_the_same_loader(tmp_path, monkeypatch):
    from qbaudit.analysis.sheets import available_sheets, user_sheets_dir

    monkeypatch.setenv("QBAUDIT_SHEETS_DIR", str(tmp_path))
    assert user_sheets_dir() == tmp_path
    (tmp_path / "a-mine.toml").write_text(CUSTOM, encoding="utf-8")
    (tmp_path / "b-twice.toml").write_text(CUSTOM, encoding="utf-8")
    (tmp_path / "c-clash.toml").write_text(CUSTOM.replace('"my-bank-review"', '"onsite-2024"'), encoding="utf-8")
    (tmp_path / "d-bad.toml").write_text(CUSTOM.replace("max = 4\n", "max = 5\n"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a sheet", encoding="utf-8")
    entries = available_sheets()
    assert [e.id for e in entries[:5]] == [sheet_id for sheet_id, _ in bundled_sheets()]
    mine = entries[5:]
    assert [(e.id, e.path.name, e.usable) for e in mine] == [
        ("my-bank-review", "a-mine.toml", True), ("my-bank-review", "b-twice.toml", False),
        ("onsite-2024", "c-clash.toml", False), ("d-bad", "d-bad.toml", False)]
    assert "已被另一张评分表使用" in mine[1].problem and "合计 21 分" in mine[3].problem
    assert load_sheet("my-bank-review").name == "题库专项检查评分表（自编）"
    assert load_sheet("onsite-2024").layout.kind == "onsite"  # the bundled sheet wins its own id


def test_the_default_user_sheets_folder_is_next_to_the_audit_record(tmp_path, monkeypatch):
    from qbaudit.analysis.sheets import user_sheets_dir

    monkeypatch.delenv("QBAUDIT_SHEETS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_sheets_dir() == tmp_path / "data" / "qbaudit" / "sheets"
