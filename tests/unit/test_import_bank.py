"""The bank importer on every shape the issue names: encodings, title rows, synonyms, full-width
codes, sheets per level, missing columns, corrupt, empty and password-protected files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers import Severity, import_bank
from tests.conftest import sample_path
from tests.helpers import BANK_HEADER, bank_rows, write_csv, write_xlsx


def _items(result):
    assert result.ok, result.error
    return result.data.items


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(tmp_path / "bank.csv", [BANK_HEADER, *bank_rows(3)], encoding=encoding)
    result = import_bank(path)
    items = _items(result)
    assert len(items) == 3
    assert items[C.STEM].iloc[0] == "焊接电弧的第1个特点是（　　）。"
    assert result.inputs[0].encoding == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gbk": "GBK/GB18030",
                                         "gb18030": "GBK/GB18030"}[encoding]


def test_gb18030_only_characters_survive(tmp_path):
    rows = bank_rows(1)
    rows[0][5] = "𠀀字是扩展B区汉字，GBK 里没有（　　）。"
    result = import_bank(write_csv(tmp_path / "bank.csv", [BANK_HEADER, *rows], encoding="gb18030"))
    assert _items(result)[C.STEM].iloc[0].startswith("𠀀字")


def test_tab_separated_csv(tmp_path):
    path = write_csv(tmp_path / "bank.txt", [BANK_HEADER, *bank_rows(2)], delimiter="\t")
    assert len(_items(import_bank(path))) == 2


def test_title_rows_above_the_header_and_row_numbers(tmp_path):
    rows = [["某某机构焊工理论知识题库"], [], BANK_HEADER, *bank_rows(3), ["注：以上试题仅供内部使用。"]]
    path = write_xlsx(tmp_path / "bank.xlsx", {"题库": rows}, merges={"题库": ["A1:L1"]})
    result = import_bank(path)
    items = _items(result)
    assert items[C.SOURCE_ROW].tolist() == [4, 5, 6]
    # The footnote is not an item: reported with its row, never dropped silently.
    assert [(i.row, i.severity) for i in result.rejected] == [(7, Severity.REJECTED)]
    assert "不像一道试题" in result.rejected[0].reason
    assert result.inputs[0].rows_rejected == 1


def test_header_synonyms_are_mapped_and_shown(tmp_path):
    header = ["题号", "级别", "鉴定点代码", "试题类型", "难度系数", "试题内容", "A", "B", "C", "D", "标准答案", "更新日期"]
    path = write_xlsx(tmp_path / "bank.xlsx", {"Sheet1": [header, *bank_rows(2)]})
    result = import_bank(path)
    items = _items(result)
    assert items[C.POINT_CODE].tolist() == ["A-B-001", "A-B-002"]
    assert items[C.ANSWER].tolist() == ["A", "A"]
    mapping = {m.header: m.field for m in result.mapping}
    assert mapping["鉴定点代码"] == "point_code"
    assert mapping["试题类型"] == "item_type"
    assert mapping["正确答案" if "正确答案" in mapping else "标准答案"] == "answer"
    assert mapping["A"] == "option_a"


def test_unknown_columns_are_kept_in_the_mapping(tmp_path):
    header = [*BANK_HEADER, "命题人"]
    rows = [[*r, "张三"] for r in bank_rows(1)]
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [header, *rows]}))
    assert ("命题人", None) in {(m.header, m.field) for m in result.mapping}


def test_full_width_codes_and_stray_spaces_are_normalised(tmp_path):
    rows = bank_rows(3)
    rows[0][2] = "Ａ－Ｂ－００１"
    rows[1][2] = " A - B-002 "
    rows[2][2] = "a—b–003"
    rows[0][3] = "单项选择题"
    rows[1][4] = "３"
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    items = _items(result)
    assert items[C.POINT_CODE].tolist() == ["A-B-001", "A-B-002", "A-B-003"]
    assert items[C.POINT_KEY].tolist() == ["AB001", "AB002", "AB003"]
    assert items[C.POINT_CODE_RAW].iloc[0] == "Ａ－Ｂ－００１"
    assert items[C.ITEM_TYPE].iloc[0] == "单选"
    assert items[C.DIFFICULTY].iloc[1] == 3.0
    notes = [i for i in result.issues if i.severity is Severity.INFO and "规范化" in i.reason]
    assert notes and "3 个代码" in notes[0].reason


def test_codes_keep_leading_zeros(tmp_path):
    rows = bank_rows(1)
    rows[0][0] = "0007"
    rows[0][2] = "001"
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    items = _items(result)
    assert items[C.ITEM_ID].iloc[0] == "0007"
    assert items[C.POINT_CODE].iloc[0] == "001"


def test_one_sheet_per_level_and_notes_sheet(tmp_path):
    header = [h for h in BANK_HEADER if h != "等级"]
    rows = [[c for i, c in enumerate(r) if i != 1] for r in bank_rows(2)]
    path = write_xlsx(tmp_path / "bank.xlsx", {
        "说明": [["本题库分等级存放"], ["修订记录见更新说明"]],
        "四级（中级工）": [header, *rows],
        "高级技师": [header, *[[f"X{r[0]}", *r[1:]] for r in rows]],
    })
    result = import_bank(path)
    items = _items(result)
    assert sorted(items[C.LEVEL].unique().tolist()) == [1, 4]
    skipped = [i for i in result.issues if i.sheet == "说明"]
    assert skipped and skipped[0].severity is Severity.WARNING and "2 行" in skipped[0].reason


def test_level_column_values_and_unreadable_level(tmp_path):
    rows = bank_rows(4)
    rows[1][1] = "三级（高级工）"
    rows[2][1] = "技师"
    rows[3][1] = "六级"
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    assert _items(result)[C.LEVEL].tolist() == [4, 3, 2]
    [rejected] = result.rejected
    assert (rejected.row, rejected.column) == (5, "等级（B列）")
    assert "六级" in rejected.reason


def test_no_level_anywhere_is_one_message_for_the_file_unless_a_default_is_given(tmp_path):
    header = [h for h in BANK_HEADER if h != "等级"]
    rows = [[c for i, c in enumerate(r) if i != 1] for r in bank_rows(2)]
    path = write_xlsx(tmp_path / "bank.xlsx", {"Sheet1": [header, *rows]})
    result = import_bank(path)
    assert not result.ok and "「bank.xlsx」的 2 行都无法确定等级" in result.error
    assert not any("无法确定这一行的等级" in i.reason for i in result.issues)  # not one message per row
    assert result.inputs[0].rows_rejected == 2
    assert _items(import_bank(path, default_level=3))[C.LEVEL].tolist() == [3, 3]


def test_missing_required_column_names_it(tmp_path):
    header = [h for h in BANK_HEADER if h != "题干"]
    rows = [[c for i, c in enumerate(r) if i != 5] for r in bank_rows(2)]
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [header, *rows]}))
    assert not result.ok
    assert "bank.xlsx" in result.error and "题干" in result.error and "试题内容" in result.error


def test_a_blueprint_given_as_bank_is_recognised(tmp_path):
    result = import_bank(sample_path("compliant", "blueprint"))
    assert not result.ok
    assert "题库" in result.error and "考评要素细目表" in result.error


def test_file_with_no_header_at_all(tmp_path):
    path = write_xlsx(tmp_path / "notes.xlsx", {"S": [["会议纪要"], ["今天讨论了题库建设"]]})
    result = import_bank(path)
    assert not result.ok and "找不到题库的表头" in result.error and "会议纪要" in result.error


def test_empty_file(tmp_path):
    (tmp_path / "bank.xlsx").write_bytes(b"")
    result = import_bank(tmp_path / "bank.xlsx")
    assert not result.ok and "是空的" in result.error


def test_empty_workbook(tmp_path):
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"Sheet1": []}))
    assert not result.ok and "找不到题库的表头" in result.error


def test_corrupt_file(tmp_path):
    path = tmp_path / "bank.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    path.write_bytes(buffer.getvalue()[:60])
    result = import_bank(path)
    assert not result.ok and "已损坏" in result.error and "bank.xlsx" in result.error


def test_missing_file():
    result = import_bank("/no/such/bank.xlsx")
    assert not result.ok and "找不到文件" in result.error


def test_password_protected_workbook(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile  # a test dependency, used only to make the fixture

    plain = write_xlsx(tmp_path / "plain.xlsx", {"S": [BANK_HEADER, *bank_rows(1)]})
    encrypted = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    result = import_bank(encrypted)
    assert not result.ok and "密码" in result.error and "locked.xlsx" in result.error


def test_excel_error_cells_are_reported(tmp_path):
    path = write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *bank_rows(2)]})
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    cell = workbook["S"]["E3"]
    cell.value = "#N/A"
    cell.data_type = "e"
    workbook.save(path)
    result = import_bank(path)
    items = _items(result)
    assert items[C.DIFFICULTY_RAW].isna().tolist() == [False, True]
    [warning] = [i for i in result.warnings if "错误值" in i.reason]
    assert (warning.row, warning.column) == (3, "难度（E列）")


def test_answers_types_difficulty_and_dates_are_parsed(tmp_path):
    header = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "修订日期"]
    rows = [
        ["1", "四级", "A-B-001", "多选题", "较难", "题一", "甲", "乙", "丙", "丁", "C、A，D", "2024/3/1"],
        ["2", "四级", "A-B-001", "判断题", "0.65", "题二", None, None, None, None, "对", "2024年3月2日"],
        ["3", "四级", "A-B-001", "判断", "2", "题三", None, None, None, None, "×", "20240303"],
        ["4", "四级", "A-B-001", "简答题", "5", "题四", None, None, None, None, "要点……", "45352"],
        ["5", "四级", "A-B-001", "选择", "九", "题五", "甲", "乙", None, None, "A", "某天"],
    ]
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [header, *rows]}))
    items = _items(result)
    assert items[C.ANSWER].tolist()[:3] == ["ACD", "√", "×"]
    assert items[C.ITEM_TYPE].tolist()[:4] == ["多选", "判断", "判断", "简答"]
    assert items[C.ITEM_TYPE].isna().tolist()[4] and items[C.ITEM_TYPE_RAW].iloc[4] == "选择"
    assert items[C.DIFFICULTY].tolist()[:4] == [4.0, 0.65, 2.0, 5.0]
    assert items[C.DIFFICULTY_KIND].tolist()[:4] == ["grade", "proportion", "grade", "grade"]
    assert items[C.REVISED].tolist()[:4] == [dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 3, 3),
                                            dt.date(2024, 3, 1)]
    [bad_date] = [i for i in result.warnings if "修订日期" in i.reason]
    assert bad_date.row == 6 and "某天" in bad_date.reason


def test_options_in_one_cell_are_split(tmp_path):
    header = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项", "答案"]
    rows = [["1", "四级", "A-B-001", "单选", "3", "题一", "A．低碳钢 B、中碳钢 C:高碳钢 D) 铸铁", "B"]]
    items = _items(import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [header, *rows]})))
    assert [items[c].iloc[0] for c in C.OPTIONS[:4]] == ["低碳钢", "中碳钢", "高碳钢", "铸铁"]


def test_repeated_header_rows_and_duplicate_ids(tmp_path):
    rows = [BANK_HEADER, *bank_rows(2), BANK_HEADER, *bank_rows(1)]
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": rows}))
    items = _items(result)
    assert len(items) == 3
    assert any(i.row == 4 and "重复了表头" in i.reason for i in result.issues)
    [duplicate] = [i for i in result.warnings if "重复" in i.reason and "T001" in i.reason]
    assert duplicate.row == 5 and "第 2 行" in duplicate.reason


def test_missing_item_id_is_reported_and_replaced(tmp_path):
    rows = bank_rows(1)
    rows[0][0] = None
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    assert _items(result)[C.ITEM_ID].iloc[0] == "S#2"
    assert any("缺少试题编号" in i.reason for i in result.warnings)


def test_defective_sample_import_matches_its_manifest(sample_imports, manifests):
    result = sample_imports["defective"]["bank"]
    rejected = sorted((i.sheet, i.row) for i in result.rejected)
    expected = sorted((r["sheet"], r["row"]) for r in manifests["defective"]["import"]["bank_rejected"])
    assert rejected == expected
    counts = result.data.items.groupby(C.LEVEL).size().to_dict()
    assert counts == {int(k): v["items"] for k, v in manifests["defective"]["expected"].items()}
    assert result.data.occupation == "焊工"


def test_item_view_of_a_row(sample_imports, manifests):
    bank = sample_imports["defective"]["bank"].data
    items = bank.items
    planted = manifests["defective"]["planted"]["3"]["R13"]
    item_id = next(i for i, kind in planted.items() if kind == "answer_repeated")
    position = int(items.index[items[C.ITEM_ID] == item_id][0])
    item = bank.item(position)
    assert (item.item_id, item.level, item.item_type, item.answer) == (item_id, 3, "多选", "AAC")
    assert set(item.options) >= {"A", "B", "C", "D"} and item.stem
    assert item.source.sheet == "三级（高级工）" and item.source.row == int(items[C.SOURCE_ROW].iloc[position])
    assert isinstance(item.revised, dt.date)
    assert bank.levels == [4, 3, 2]


def test_a_file_whose_every_row_is_rejected_is_an_error_that_keeps_the_rows(tmp_path):
    rows = bank_rows(2)
    for row in rows:
        row[1] = "九级"
    result = import_bank(write_xlsx(tmp_path / "bank.xlsx", {"S": [BANK_HEADER, *rows]}))
    assert not result.ok and "没有可以导入" in result.error and "2 行未导入" in result.error
    assert [i.row for i in result.rejected] == [2, 3]
