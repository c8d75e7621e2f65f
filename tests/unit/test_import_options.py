"""Import options chosen in the wizard: which sheets, which header row, which field each column holds."""

from __future__ import annotations

import openpyxl

from qbaudit.analysis.importers import Severity
from qbaudit.analysis.importers.preview import preview_file
from qbaudit.analysis.inputs import ImportOptions, import_input
from tests.conftest import sample_path

BANK = sample_path("defective", "bank")


def _workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_only_the_chosen_sheets_are_read_and_the_others_reported():
    whole = import_input("bank", [BANK])
    chosen = import_input("bank", [BANK], options=ImportOptions(sheets=("三级（高级工）",)))
    assert chosen.ok
    assert set(chosen.data.items["level"].unique()) == {3}
    assert 0 < chosen.rows_taken < whole.rows_taken
    skipped = [i for i in chosen.issues if i.severity is Severity.INFO and "按您的选择" in i.reason]
    assert {i.sheet for i in skipped} == {"说明", "四级（中级工）", "二级（技师）"}
    none = import_input("bank", [BANK], options=ImportOptions(sheets=("不存在",)))
    assert not none.ok and "没有选中" in none.error


def test_a_forced_header_row_is_taken(tmp_path):
    # Row 1 (a leftover template line) names as many fields as the real header in row 3, and comes first.
    path = _workbook(tmp_path / "题库.xlsx", {"四级": [
        ["题干", "答案", "题型", "难度"],
        [None, None, None, None],
        ["试题编号", "题干", "答案", "题型"],
        ["Q1", "焊接电流过大会导致（  ）。", "A", "单选"],
        ["Q2", "焊条使用前应烘干。", "√", "判断"],
    ]})
    detected = import_input("bank", [path], options=ImportOptions(default_level=4))
    assert detected.ok and detected.rows_taken == 3 and detected.data.items["stem"].iloc[1] == "Q1"
    forced = import_input("bank", [path], options=ImportOptions(header_rows={"四级": 3}, default_level=4))
    assert forced.ok and forced.rows_taken == 2
    assert list(forced.data.items["item_id"]) == ["Q1", "Q2"]
    assert forced.data.items["stem"].iloc[0].startswith("焊接电流")
    preview = preview_file(path, "bank")
    assert preview.sheets[0].fields_at(3) == {"A": "item_id", "B": "stem", "C": "answer", "D": "item_type"}


def test_a_remapped_column_changes_the_result(tmp_path):
    path = _workbook(tmp_path / "题库.xlsx", {"四级": [
        ["试题编号", "题干", "备注", "答案"],
        ["Q1", "短题干", "焊接电流过大会导致焊缝咬边。", "A"],
    ]})
    plain = import_input("bank", [path], options=ImportOptions(default_level=4))
    assert plain.data.items["stem"].iloc[0] == "短题干"
    remapped = import_input("bank", [path], options=ImportOptions(default_level=4,
                                                                  fields={"四级": {"C": "stem", "B": None}}))
    assert remapped.ok
    assert remapped.data.items["stem"].iloc[0] == "焊接电流过大会导致焊缝咬边。"
    assert any(m.column == "C列" and m.field == "stem" for m in remapped.mapping)
    # Options survive the audit record's JSON.
    options = ImportOptions(sheets=("四级",), header_rows={"四级": 1}, fields={"四级": {"C": "stem", "B": None}})
    assert ImportOptions.from_dict(options.to_dict()) == options


def test_a_required_field_left_unmapped_is_named(tmp_path):
    path = _workbook(tmp_path / "题库.xlsx", {"四级": [
        ["试题编号", "题干", "答案"],
        ["Q1", "焊接电流过大会导致（  ）。", "A"],
    ]})
    result = import_input("bank", [path], options=ImportOptions(default_level=4, fields={"四级": {"B": None}}))
    assert not result.ok
    assert "缺少" in result.error and "题干" in result.error
    blueprint = import_input("blueprint", [sample_path("defective", "blueprint")],
                             options=ImportOptions(fields={"四级": {"H": None}}))
    assert blueprint.ok  # the other levels' sheets still read
    assert any(i.severity is Severity.REJECTED and i.sheet == "四级" and "考评点名称" in i.reason
               for i in blueprint.issues)


def test_a_wide_standard_level_column_can_be_remapped():
    path = sample_path("defective", "standard")
    plain = import_input("standard", [path])
    dropped = import_input("standard", [path], options=ImportOptions(fields={"理论知识权重表": {"D": None}}))
    assert dropped.ok
    assert {e.level for e in plain.data.entries} - {e.level for e in dropped.data.entries} == {4}
