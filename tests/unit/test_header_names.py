"""Headers mapped by name (``--map 题目序号=考评点代码``), a header row skipped when the columns are given in
order (detected, or ``--header-row``), and templates that keep both.

The fixture is ``tests/fixtures/split_bank/电工_理论题库_三级.csv``: line 1 a title, line 2 the header
(题号, 题目序号 = the point code, 题型, 难易程度 = the difficulty, 题目内容, 选项A–D, 标准答案), 15 items, a
blank line and a closing note (see ``expected.toml``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers.headernames import HeaderNameError, parse_header_names
from qbaudit.analysis.importers.templates import find_template, load_templates, parse_columns, save_template
from qbaudit.analysis.inputs import ImportOptions, import_input

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "split_bank"
LEVEL3_CSV = FIXTURE / "电工_理论题库_三级.csv"
# The CSV's columns in order, as a user maps a file whose header the tool cannot read.
IN_ORDER = "试题编号,考评点代码,题型,难度,题干,A,B,C,D,答案"


def test_header_names_are_parsed_from_labels_synonyms_and_field_names():
    names = parse_header_names("题目序号=考评点代码，难易程度 = difficulty;备注=-")
    assert names == {"题目序号": "point_code", "难易程度": "difficulty", "备注": None}
    assert parse_header_names(["题目序号=鉴定点代码", "内容=试题内容"]) == {"题目序号": "point_code", "内容": "stem"}


@pytest.mark.parametrize(("text", "message"), [
    ("题目序号考评点代码", "不是“表头=字段”的形式"),
    ("题目序号=题目难易", "字段「题目难易」无法识别"),
    ("甲=题干,乙=题干", "字段「题干」对应了两个表头"),
    ("甲=题干,甲=答案", "表头「甲」对应了两次"),
    ("", "没有给出表头对应"),
])
def test_a_header_mapping_that_cannot_be_used_says_why(text, message):
    with pytest.raises(HeaderNameError, match=message):
        parse_header_names(text)


def test_unknown_headers_mapped_by_name():
    plain = import_input("bank", [LEVEL3_CSV])
    items = plain.data.items
    assert items[C.POINT_CODE].isna().all() and items[C.DIFFICULTY].isna().all()  # 题目序号, 难易程度 not known
    mapped = import_input("bank", [LEVEL3_CSV], options=ImportOptions(
        header_names=parse_header_names("题目序号=考评点代码,难易程度=难度")))
    items = mapped.data.items.set_index(C.ITEM_ID)
    assert mapped.rows_taken == 15
    assert items.loc["1", C.POINT_CODE] == "A-A-001" and items.loc["15", C.POINT_CODE] == "B-B-002"
    assert items.loc["1", C.DIFFICULTY] == 3 and items.loc["2", C.DIFFICULTY] == 1  # 中, 易
    fields = {m.header: m.field for m in mapped.mapping}
    assert fields["题目序号"] == "point_code" and fields["难易程度"] == "difficulty" and fields["题号"] == "item_id"


def test_a_header_mapped_to_nothing_is_not_imported_and_an_absent_one_is_noted():
    result = import_input("bank", [LEVEL3_CSV], options=ImportOptions(
        header_names={"选项D": None, "无此表头": "explanation"}))
    assert result.data.items["option_d"].isna().all()
    assert any("「无此表头」在这个文件的表头中没有找到" in i.reason for i in result.issues)


def test_columns_in_order_skip_the_header_row_that_is_present():
    columns = tuple(parse_columns(IN_ORDER))
    result = import_input("bank", [LEVEL3_CSV], options=ImportOptions(columns=columns))
    assert result.ok and result.rows_taken == 15  # neither the title (line 1) nor the header (line 2) is an item
    assert set(result.data.items[C.SOURCE_ROW].astype(int)) == {*range(3, 10), *range(11, 19)}
    note = next(i for i in result.issues if i.row == 2)
    assert "表头" in note.reason and "上方的 1 行" in note.reason
    forced = import_input("bank", [LEVEL3_CSV], options=ImportOptions(columns=columns, header_rows={"*": 2}))
    assert forced.rows_taken == 15 and forced.data.items[C.POINT_CODE].iloc[0] == "A-A-001"


def test_a_header_of_unknown_words_is_skipped_when_its_row_is_given(tmp_path):
    path = tmp_path / "导出_三级.csv"
    path.write_text("序,代码,类,度,问,甲,乙,丙,丁,答\n1,A-A-001,单选,3,题一（　　）。,a,b,c,d,A\n"
                    "2,A-A-002,判断,2,题二。（　　）,,,,,√\n", encoding="utf-8")
    columns = tuple(parse_columns(IN_ORDER))
    detected = import_input("bank", [path], options=ImportOptions(columns=columns))
    assert detected.rows_taken == 3  # the header of unknown words cannot be told from an item ...
    given = import_input("bank", [path], options=ImportOptions(columns=columns, header_rows={"*": 1}))
    assert given.rows_taken == 2  # ... unless its row is given
    assert list(given.data.items[C.ITEM_ID]) == ["1", "2"]


def test_templates_keep_headers_mapped_by_name(tmp_path):
    names = parse_header_names("题目序号=考评点代码,难易程度=难度")
    template = save_template("电工导出", None, None, headers=names, folder=tmp_path)
    assert template.describe() == "按表头名称：题目序号=考评点代码,难易程度=难度"
    assert find_template("电工导出", folder=tmp_path).headers == names
    columns = parse_columns(IN_ORDER)
    both = save_template("两者", columns, LEVEL3_CSV, headers={"备注": None}, folder=tmp_path)
    assert both.columns == tuple(columns) and both.headers == {"备注": None}
    assert [t.name for t in load_templates(tmp_path)] == ["电工导出", "两者"]
