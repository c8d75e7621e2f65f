"""Every shape a bank arrives in reads to the same model: Word (both answer styles, automatic and
typed numbering), legacy .xls, headerless CSV with a saved template, Moodle XML with nested
categories, GIFT, Aiken and a QTI 2.1 package; each with its rejected parts reported where they are."""

from __future__ import annotations

import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers import Severity, import_bank
from qbaudit.analysis.importers.formats import detect_format
from qbaudit.analysis.importers.templates import (
    TemplateError,
    find_template,
    load_templates,
    matching,
    parse_columns,
    save_template,
)
from tests.format_writers import FIXTURES, write_docx_bank, write_qti_package, write_xls
from tests.helpers import BANK_HEADER, bank_rows, write_csv, write_xlsx

# The four items every format carries (Aiken only the single-choice one; QTI has no true/false type).
OPTIONS_1 = ("3000℃", "6000℃", "1000℃", "500℃")
OPTIONS_2 = ("焊条电弧焊", "气体保护焊", "铸造", "埋弧焊")
REFERENCE = {
    "单选": ("焊接电弧的温度最高可达（　　）。", OPTIONS_1, "B", "A-B-001"),
    "多选": ("常用的焊接方法有（　　）。", OPTIONS_2, "ABD", "A-B-002"),
    "判断": ("焊接时必须佩戴防护面罩。（　　）", (), "√", "A-C-001"),
    "简答": ("简述焊前预热的目的。", (), "减少淬硬倾向,防止冷裂纹。", "A-C-002"),
}


def _model(result, with_codes: bool = True) -> dict[str, tuple]:
    """Type → (stem, filled options, answer, point code) of each imported item, at level 四级."""
    assert result.ok, result.error
    items = result.data.items
    assert set(items[C.LEVEL]) == {4}
    model = {}
    for _, row in items.iterrows():
        options = tuple(row[c] for c in C.OPTIONS if isinstance(row[c], str))
        answer = row[C.ANSWER] if isinstance(row[C.ANSWER], str) else None
        code = row[C.POINT_CODE] if with_codes and isinstance(row[C.POINT_CODE], str) else None
        model[row[C.ITEM_TYPE]] = (row[C.STEM], options, answer, code)
    return model


def _expected(types, with_codes=True, without_answer=()):
    return {t: (s, o, None if t in without_answer else a, c if with_codes else None)
            for t, (s, o, a, c) in REFERENCE.items() if t in types}


def _rejected(result):
    return [(i.sheet, i.row) for i in result.issues if i.severity is Severity.REJECTED]


def test_word_bank_with_both_answer_styles_and_automatic_numbering(tmp_path):
    result = import_bank(write_docx_bank(tmp_path / "题库.docx"))
    assert _model(result) == _expected(REFERENCE)
    items = result.data.items
    # Located by paragraph: the auto-numbered item is paragraph 4, the typed ones 10, 16, 18.
    assert items[C.SOURCE_ROW].tolist() == [4, 10, 16, 18]
    assert items[C.ITEM_ID].tolist() == ["1-1", "2-2", "3-3", "4-4"]
    assert items[C.ATTACHMENTS].tolist()[1] == "图片 media/image1.png（第 14 段）"
    assert _rejected(result) == [(None, 2), (None, 20)]
    stray, no_stem = result.rejected
    assert str(stray).startswith("「题库.docx」 第 2 段") and "没有题干" in stray.reason
    assert "题号后面没有题干" in no_stem.reason
    assert result.inputs[0].rows_rejected == 2 and result.inputs[0].rows_taken == 4


def test_word_answer_in_brackets_and_answer_line_disagree(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("四级")
    document.add_paragraph("一、单项选择题")
    document.add_paragraph("1. 电焊机外壳必须（ A ）。")
    document.add_paragraph("A. 接地  B. 绝缘  C. 涂漆  D. 悬空")
    document.add_paragraph("答案：B")
    path = tmp_path / "bank.docx"
    document.save(path)
    result = import_bank(path)
    assert result.data.items[C.ANSWER].tolist() == ["B"]
    [warning] = result.warnings
    assert warning.row == 3 and "「A」与答案行「B」不一致" in warning.reason


def test_word_bank_in_a_table_with_a_code_column(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("焊工四级理论知识题库")
    table = document.add_table(rows=3, cols=5)
    rows = [["题号", "题干", "选项", "答案", "考评点代码"],
            ["T1", "焊接电弧的温度最高可达（　　）。", "A.3000℃ B.6000℃ C.1000℃ D.500℃", "B", "A-B-001"],
            ["T2", "焊接时必须佩戴防护面罩。（　　）", None, "对", "A-C-001"]]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value or ""
    document.add_paragraph("一、判断题")  # no items follow: nothing to take, nothing rejected
    path = tmp_path / "bank.docx"
    document.save(path)
    result = import_bank(path)
    items = result.data.items
    assert items[C.ITEM_ID].tolist() == ["T1", "T2"]
    assert items[C.POINT_CODE].tolist() == ["A-B-001", "A-C-001"]
    assert items[C.OPTIONS[1]].tolist()[0] == "6000℃"
    # Table rows are located by the paragraph of their first cell: title 1, header 2–6, rows 7 and 12.
    assert items[C.SOURCE_ROW].tolist() == [7, 12]


def test_legacy_xls_with_chinese_text_and_code_page_936(tmp_path):
    sheets = {"四级（中级工）": [["焊工理论知识题库"], BANK_HEADER, *bank_rows(3)]}
    xlsx = import_bank(write_xlsx(tmp_path / "bank.xlsx", sheets))
    path = write_xls(tmp_path / "bank.xls", sheets)
    # xlwt writes code page 1200 as BIFF8 must; old Chinese files declare 936: they must read alike.
    path.write_bytes(path.read_bytes().replace(b"\x42\x00\x02\x00\xb0\x04", b"\x42\x00\x02\x00\xa8\x03"))
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    result = import_bank(path)
    assert result.ok, result.error
    same = [c for c in C.ALL if c != C.SOURCE_FILE]
    assert result.data.items[same].equals(xlsx.data.items[same])
    assert result.data.items[C.STEM].iloc[0] == "焊接电弧的第1个特点是（　　）。"
    assert result.data.items[C.SOURCE_ROW].tolist() == [3, 4, 5]


def test_headerless_csv_with_a_saved_template(tmp_path):
    config = tmp_path / "config"
    first = write_csv(tmp_path / "export-1.csv", bank_rows(3), encoding="gbk")
    refused = import_bank(first)
    assert not refused.ok and "--columns" in refused.error
    columns = parse_columns("试题编号，等级，鉴定点代码，题型，难度，题干，A，B，C，D，答案，修订日期")
    assert columns[:3] == ["item_id", "level", "point_code"]
    save_template("考试系统导出", columns, first, folder=config)
    assert [t.name for t in load_templates(config)] == ["考试系统导出"]
    # Next time: a file of the same shape is offered the template, and reads with it.
    second = write_csv(tmp_path / "export-2.csv", bank_rows(5, level="三级"), encoding="gbk")
    assert [t.name for t in matching(second, config)] == ["考试系统导出"]
    template = find_template("考试系统导出", config)
    result = import_bank(second, columns=template.columns)
    assert result.ok and len(result.data.items) == 5
    assert result.data.items[C.SOURCE_ROW].tolist() == [1, 2, 3, 4, 5]
    assert result.data.items[C.POINT_CODE].iloc[4] == "A-B-005"
    # A file of another shape is not offered it.
    other = write_csv(tmp_path / "other.csv", [["甲", "乙"], ["丙", "丁"]])
    assert matching(other, config) == []


def test_templates_offered_in_the_error_and_bad_column_lists(tmp_path, monkeypatch):
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))
    path = write_csv(tmp_path / "export.csv", bank_rows(2))
    save_template("甲系统", parse_columns("试题编号,等级,考评点代码,题型,难度,题干,A,B,C,D,答案,修订日期"), path)
    assert "「甲系统」" in import_bank(path).error
    with pytest.raises(TemplateError, match="列名「题目难易」无法识别"):
        parse_columns("试题编号,题目难易,题干")
    with pytest.raises(TemplateError, match="缺少必需的字段：题干"):
        parse_columns("试题编号,答案")
    with pytest.raises(TemplateError, match="列数（3）与文件的列数（12）"):
        save_template("乙", ["item_id", "stem", None], path)


def test_moodle_xml_with_nested_categories():
    result = import_bank(FIXTURES / "bank.moodle.xml")
    assert _model(result) == _expected(REFERENCE)
    items = result.data.items
    assert items[C.ITEM_ID].tolist() == ["T1", "T2", "T3", "T4"]
    # The level comes from the category path; the category is shown where a sheet would be.
    assert items[C.SOURCE_SHEET].tolist() == ["焊工/四级/焊接基础"] * 2 + ["焊工/四级/焊接安全"] * 2
    assert items[C.DIFFICULTY].tolist()[1] == 3.0
    assert items[C.ATTACHMENTS].tolist()[1] == "图片 methods.png"
    [matching_question] = result.rejected
    assert (matching_question.sheet, matching_question.row) == ("焊工/四级/焊接安全", 5)
    assert "matching" in matching_question.reason and "第 5 题" in str(matching_question)


def test_gift_file():
    result = import_bank(FIXTURES / "bank.gift")
    # GIFT essays carry no reference answer.
    assert _model(result) == _expected(REFERENCE, without_answer=("简答",))
    assert result.data.items[C.ITEM_ID].tolist() == ["T1", "T2", "T3", "T4"]
    assert [(i.row, "matching" in i.reason) for i in result.rejected] == [(21, True), (23, False)]
    assert "第 23 行" in str(result.rejected[1]) and "花括号" in result.rejected[1].reason


def test_aiken_file_recognised_by_its_content():
    path = FIXTURES / "bank.aiken.txt"
    assert detect_format(path, path.read_bytes()) == "aiken"
    result = import_bank(path, default_level=4)
    model = _model(result, with_codes=False)
    assert model == {"单选": ("焊条电弧焊常用的电源是（　　）。", ("交流或直流弧焊电源", "蓄电池"), "A", None)}
    first = result.data.items.iloc[0]
    assert (first[C.STEM], tuple(first[c] for c in C.OPTIONS[:4]), first[C.ANSWER]) == (
        REFERENCE["单选"][0], OPTIONS_1, "B")
    assert [i.row for i in result.rejected] == [13]


def test_qti_package(tmp_path):
    result = import_bank(write_qti_package(tmp_path / "items.zip"), default_level=4)
    assert _model(result, with_codes=False) == _expected(("单选", "多选", "简答"), with_codes=False)
    items = result.data.items
    assert items[C.ITEM_ID].tolist() == ["T1", "T2", "T4"]
    assert items[C.SOURCE_SHEET].tolist() == ["items/T1.xml", "items/T2.xml", "items/T4.xml"]
    assert items[C.ATTACHMENTS].tolist()[1] == "图片 images/methods.png"
    [order] = result.rejected
    assert (order.sheet, order.row) == ("items/T9.xml", 4) and "orderInteraction" in order.reason


def test_loose_qti_item():
    result = import_bank(FIXTURES / "qti" / "items" / "T1.xml", default_level=4)
    assert _model(result, with_codes=False) == _expected(("单选",), with_codes=False)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bank.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为 .docx"),
    ("bank.xml", b"<?xml version='1.0'?><catalog/>", "既不是 Moodle XML"),
    ("bank.xml", b"<quiz><question type='essay'>", "不是有效的 XML"),
    ("bank.xml", b"<!DOCTYPE quiz [<!ENTITY a 'aaaa'>]><quiz>&a;</quiz>", "DTD 或实体"),
    ("bank.docx", b"PK\x03\x04broken", "不是有效的 Word 文档"),
    ("bank.zip", b"PK\x03\x04broken", "已损坏或不完整"),
])
def test_unusable_files_are_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = import_bank(path)
    assert not result.ok and message in result.error


def test_a_format_with_only_rejected_parts_keeps_its_list(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("::Q1::没有答案\n\n::Q2::也没有\n", encoding="utf-8")
    result = import_bank(path, default_level=4)
    assert not result.ok and "2 行未导入" in result.error
    assert [i.row for i in result.rejected] == [1, 3]


def test_word_table_inside_an_item_is_kept_as_a_reference(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("四级")
    document.add_paragraph("一、简答题")
    document.add_paragraph("1. 根据下表计算焊接线能量。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "电流", "电压"
    table.cell(1, 0).text, table.cell(1, 1).text = "120A", "24V"
    document.add_paragraph("答案：2880 J/mm")
    path = tmp_path / "bank.docx"
    document.save(path)
    result = import_bank(path)
    item = result.data.items.iloc[0]
    # Paragraphs: 1 level, 2 heading, 3 item, 4–7 the four cells, 8 the answer line.
    assert (item[C.STEM], item[C.ANSWER], item[C.ATTACHMENTS]) == ("根据下表计算焊接线能量。", "2880 J/mm", "表格（第 4 段起）")
    assert item[C.ITEM_TYPE] == "简答" and not result.issues
