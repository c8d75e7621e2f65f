"""The blueprint and standard importers: tiers, merged cells, weights, wide weight tables."""

from __future__ import annotations

from qbaudit.analysis.importers import Severity, import_blueprint, import_standard
from qbaudit.analysis.model import Importance
from tests.conftest import sample_path
from tests.helpers import write_csv, write_xlsx

HEADER = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重", "二级考评范围代码", "二级考评范围名称", "二级比重",
          "考评点代码", "考评点名称", "重要程度"]


def test_merged_tiers_short_codes_and_weights(tmp_path):
    rows = [
        HEADER,
        ["四级", "A", "基本要求", 25, "A", "职业道德", 5, "001", "职业道德的基本概念", "X"],
        ["四级", None, None, None, None, None, None, "002", "爱岗敬业的要求", "x"],
        ["四级", None, None, None, "B", "基础知识", 20, "001", "识图的基本知识", "Ｙ"],
        ["四级", "B", "相关知识要求", 75, "A", "焊前准备", 75, "001", "坡口的选择", "Z"],
        ["四级", None, None, None, None, None, None, "B-A-002", "预热温度的确定", "核心"],
    ]
    merges = {"S": ["B2:B4", "C2:C4", "D2:D4", "E2:E3", "F2:F3", "G2:G3"]}
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": rows}, merges))
    assert result.ok, result.error
    blueprint = result.data
    assert [p.code for p in blueprint.points] == ["A-A-001", "A-A-002", "A-B-001", "B-A-001", "B-A-002"]
    assert [p.importance for p in blueprint.points] == [Importance.X, Importance.X, Importance.Y, Importance.Z, Importance.X]
    scopes = {s.code: s for s in blueprint.scopes}
    assert {c: (s.tier, s.weight, s.parent) for c, s in scopes.items()} == {
        "A": (1, 25.0, None), "A-A": (2, 5.0, "A"), "A-B": (2, 20.0, "A"), "B": (1, 75.0, None), "B-A": (2, 75.0, "B"),
    }
    assert blueprint.points[2].scope.name == "基础知识"
    assert blueprint.points[0].source.row == 2


def test_single_weight_column_belongs_to_the_deepest_tier_given(tmp_path):
    header = ["考评范围代码", "考评范围", "考评范围代码", "考评范围", "比重(%)", "鉴定点代码", "鉴定点名称", "重要程度"]
    rows = [
        header,
        ["A", "基本要求", None, None, 30, None, None, None],
        [None, None, "A", "职业道德", 10, "001", "道德概念", "X"],
        [None, None, "B", "基础知识", 20, "001", "识图", "X"],
    ]
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"四级": rows}))
    assert result.ok, result.error
    weights = {s.code: s.weight for s in result.data.scopes}
    assert weights == {"A": 30.0, "A-A": 10.0, "A-B": 20.0}
    assert {p.level for p in result.data.points} == {4}


def test_rows_without_scope_or_point_are_rejected_and_totals_skipped(tmp_path):
    rows = [
        HEADER,
        ["四级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "道德概念", "X"],
        ["四级", None, None, None, None, None, None, None, None, "X"],
        ["四级", "合计", None, 100, None, None, None, None, None, None],
    ]
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": rows}))
    assert result.ok
    assert len(result.data.points) == 1
    # Row 3 carries an importance only: no point, no scope of its own → rejected; row 4 is a total.
    assert [(i.row, i.severity) for i in result.issues] == [(3, Severity.REJECTED), (4, Severity.INFO)]
    assert result.rows_taken == 1


def test_conflicting_weights_are_reported(tmp_path):
    rows = [
        HEADER,
        ["四级", "A", "基本要求", 100, "A", "职业道德", 40, "001", "一", "X"],
        ["四级", "A", "基本要求", 100, "A", "职业道德", 45, "002", "二", "X"],
    ]
    result = import_blueprint(write_xlsx(tmp_path / "bp.xlsx", {"S": rows}))
    [issue] = [i for i in result.issues if i.severity is Severity.WARNING]
    assert issue.row == 3 and "40" in issue.reason and "45" in issue.reason


def test_blueprint_csv_in_gbk(tmp_path):
    rows = [HEADER, ["三级", "A", "基本要求", 100, "A", "职业道德", 100, "001", "道德概念", "X"]]
    result = import_blueprint(write_csv(tmp_path / "bp.csv", rows, encoding="gbk"))
    assert result.ok and result.data.points[0].name == "道德概念" and result.data.points[0].level == 3


def test_bank_given_as_blueprint_is_refused_with_the_missing_column(tmp_path):
    result = import_blueprint(sample_path("compliant", "bank"))
    assert not result.ok and "考评点名称" in result.error and "看起来是题库" in result.error


def test_samples_blueprints(sample_imports, manifests):
    for name in ("compliant", "defective"):
        blueprint = sample_imports[name]["blueprint"].data
        for level, expected in manifests[name]["expected"].items():
            assert len(blueprint.points_of(int(level))) == expected["points"], (name, level)


def test_wide_standard_table_with_not_applicable_cells(tmp_path):
    rows = [
        ["焊工 理论知识权重表"],
        ["项目", "知识要求", "四级/中级工(%)", "三级/高级工(%)", "二级/技师(%)"],
        ["基本要求", "职业道德", 5, 5, 5],
        [None, "基础知识", 20, 15, "—"],
        ["相关知识要求", "焊前准备", "75%", "80", "九十五"],
        ["合计", None, 100, 100, 100],
    ]
    result = import_standard(write_xlsx(tmp_path / "std.xlsx", {"S": rows}))
    assert result.ok, result.error
    entries = {(e.level, e.scope_name): e.weight for e in result.data.entries}
    assert entries == {(4, "职业道德"): 5.0, (3, "职业道德"): 5.0, (2, "职业道德"): 5.0, (4, "基础知识"): 20.0,
                       (3, "基础知识"): 15.0, (4, "焊前准备"): 75.0, (3, "焊前准备"): 80.0}
    [bad] = [i for i in result.issues if i.severity is Severity.REJECTED]
    assert bad.row == 5 and "九十五" in bad.reason and "二级/技师" in bad.column


def test_long_standard_table(tmp_path):
    rows = [["等级", "考评范围", "比重"], ["四级", "职业道德", "5"], ["四级", "基础知识", None]]
    result = import_standard(write_xlsx(tmp_path / "std.xlsx", {"S": rows}))
    assert [(e.level, e.scope_name, e.weight) for e in result.data.entries] == [(4, "职业道德", 5.0)]
    assert [i.row for i in result.rejected] == [3]


def test_sample_standard(sample_imports):
    standard = sample_imports["compliant"]["standard"].data
    assert standard.name == "国家职业技能标准·焊工（2018年版）"
    assert standard.issued.isoformat() == "2018-12-29"
    assert {(e.level, e.scope_name): e.weight for e in standard.of(2)} == {
        (2, "职业道德"): 5.0, (2, "基础知识"): 10.0, (2, "焊接工艺"): 25.0, (2, "焊接质量管理"): 20.0,
        (2, "焊接结构与生产"): 20.0, (2, "培训与技术管理"): 20.0}


def test_blueprint_quirks_are_normalised_and_listed(tmp_path):
    import datetime as dt

    from qbaudit.analysis.importers import import_blueprints

    header = ["考评范围代码", "考评范围名称", "比重", "考评点代码", "考评点名称", "重要程度"]
    four = write_xlsx(tmp_path / "焊工细目表-四级.xlsx", {"Sheet1": [
        header,
        ["Ａ", "基础知识", 100, "Ａ—００１", "识图", "x"],
        [None, None, None, "A–002 ", "公差", " y"],
        [None, None, None, "A-003", "材料", "X"],
        ["合计", None, 100, None, None, dt.timedelta(hours=132, minutes=21)],
    ]})
    three = write_csv(tmp_path / "焊工细目表-三级.csv", [
        header, ["B", "工艺", "100", "B-001", "预热", "z"], ["合计", None, "100", None, None, "6:1:00"]])
    result = import_blueprints([four, three])
    assert result.ok, result.error
    blueprint = result.data
    assert [(p.level, p.code, p.importance.value) for p in blueprint.points] == [
        (4, "A-001", "X"), (4, "A-002", "Y"), (4, "A-003", "X"), (3, "B-001", "Z")]
    assert blueprint.importance_ratios == {4: (132, 21, 0), 3: (6, 1, 0)}
    notes = [(i.file, i.row, i.reason) for i in result.issues if i.severity is Severity.INFO and "合计行" not in i.reason]
    assert notes == [
        ("焊工细目表-四级.xlsx", 2, "考评范围代码「Ａ」已规范化为「A」（共 1 处）。"),
        ("焊工细目表-四级.xlsx", 2, "考评点代码「Ａ—００１」已规范化为「A-001」（共 1 处）。"),
        ("焊工细目表-四级.xlsx", 2, "重要程度「x」按「X」处理（共 1 处）。"),
        ("焊工细目表-四级.xlsx", 3, "考评点代码「A–002」已规范化为「A-002」（共 1 处）。"),
        ("焊工细目表-四级.xlsx", 3, "重要程度「y」按「Y」处理（共 1 处）。"),
        ("焊工细目表-四级.xlsx", 5, "「1900-01-05 12:21:00」是被 Excel 当成时间的重要程度比例，已还原为 X:Y:Z = 132:21:0（共 1 处）。"),
        ("焊工细目表-三级.csv", 2, "重要程度「z」按「Z」处理（共 1 处）。"),
        ("焊工细目表-三级.csv", 3, "「6:1:00」是被 Excel 当成时间的重要程度比例，已还原为 X:Y:Z = 6:1:0（共 1 处）。"),
    ]
    assert [f.name for f in result.inputs] == ["焊工细目表-四级.xlsx", "焊工细目表-三级.csv"]


def test_one_failing_blueprint_of_several_fails_the_whole(tmp_path):
    from qbaudit.analysis.importers import import_blueprints

    good = write_xlsx(tmp_path / "四级.xlsx", {"S": [HEADER, ["四级", "A", "基础", 100, "A", "识图", 100, "001", "一", "X"]]})
    bad = write_xlsx(tmp_path / "三级.xlsx", {"S": [["会议纪要"]]})
    result = import_blueprints([good, bad])
    assert not result.ok and "三级.xlsx" in result.error and len(result.inputs) == 1
