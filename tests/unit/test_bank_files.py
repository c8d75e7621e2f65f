"""A bank split across files: each file read on its own with its own level, joined into one bank; the same file
twice refused; a file with no level anywhere is one message; item ids shared by files reported.

Known answers: ``tests/fixtures/split_bank/expected.toml`` (counted by hand).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers import Severity
from qbaudit.analysis.importers.inputfiles import level_from_name, levels_by_file
from qbaudit.analysis.inputs import ImportOptions, import_input

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "split_bank"
WORKBOOK = FIXTURE / "题库.xlsx"
LEVEL3_CSV = FIXTURE / "电工_理论题库_三级.csv"
EXPECTED = tomllib.loads((FIXTURE / "expected.toml").read_text(encoding="utf-8"))


def _levels(result) -> dict[str, dict[int, int]]:
    return levels_by_file(result.data)


def test_the_split_bank_imports_every_level_of_both_files():
    result = import_input("bank", [WORKBOOK, LEVEL3_CSV])
    assert result.ok, result.error
    files = EXPECTED["files"]
    assert _levels(result) == {name: {int(k): v for k, v in f["levels"].items()} for name, f in files.items()}
    assert result.rows_taken == len(result.data) == sum(f["items"] for f in files.values())
    by_name = {f.name: f for f in result.inputs}
    assert [f.name for f in result.data.sources] == ["题库.xlsx", "电工_理论题库_三级.csv"]
    for name, known in files.items():
        assert by_name[name].rows_taken == known["items"] and by_name[name].rows_rejected == known["rejected"]
        assert by_name[name].sha256 == hashlib.sha256((FIXTURE / name).read_bytes()).hexdigest()
    rejected = [i for i in result.rejected if i.file == LEVEL3_CSV.name]
    assert [i.row for i in rejected] == [files[LEVEL3_CSV.name]["rejected_line"]]
    notes = [i.reason for i in result.issues if i.file == LEVEL3_CSV.name and i.severity is Severity.INFO]
    assert any("按文件名定为三级/高级工" in n for n in notes)
    items = result.data.items
    assert set(items.loc[items[C.SOURCE_FILE] == LEVEL3_CSV.name, C.LEVEL]) == {3}


def test_every_line_of_the_csv_is_taken_or_reported():
    with LEVEL3_CSV.open(encoding="gbk", newline="") as handle:
        lines = list(csv.reader(handle))
    header_line = 2
    content = [n for n, row in enumerate(lines, start=1) if n > header_line and any(c.strip() for c in row)]
    result = import_input("bank", [LEVEL3_CSV])
    reported = {i.row for i in result.rejected}
    taken = set(result.data.items[C.SOURCE_ROW].astype(int))
    assert sorted(taken | reported) == content and not taken & reported


def test_a_folder_is_read_as_its_bank_files(tmp_path):
    folder = tmp_path / "题库"
    folder.mkdir()
    for source in (WORKBOOK, LEVEL3_CSV):
        shutil.copy(source, folder / source.name)
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4")
    (folder / "~$题库.xlsx").write_bytes(b"lock")
    result = import_input("bank", [folder])
    assert result.ok and len(result.data) == 35
    note = next(i for i in result.issues if "未读取" in i.reason)
    assert "说明.pdf" in note.reason and "~$题库.xlsx" in note.reason


@pytest.mark.parametrize("twice", ["same_path", "same_content", "in_folder"])
def test_the_same_file_given_twice_is_refused(tmp_path, twice):
    if twice == "same_path":
        paths = [LEVEL3_CSV, WORKBOOK, LEVEL3_CSV]
        expected = "「电工_理论题库_三级.csv」作为题库给了两次"
    elif twice == "same_content":
        copy = tmp_path / "电工题库-副本_三级.csv"
        shutil.copy(LEVEL3_CSV, copy)
        paths = [LEVEL3_CSV, copy]
        expected = "「电工_理论题库_三级.csv」和「电工题库-副本_三级.csv」的内容完全相同"
    else:
        folder = tmp_path / "banks"
        folder.mkdir()
        shutil.copy(WORKBOOK, folder / WORKBOOK.name)
        paths = [folder, folder / WORKBOOK.name]
        expected = "在文件夹「banks」中；直接给出"
    result = import_input("bank", paths)
    assert not result.ok and expected in result.error
    assert "只能导入一次" in result.error


def test_a_file_with_no_level_anywhere_is_one_message_naming_it(tmp_path):
    path = tmp_path / "电工_理论题库.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["题号", "题型", "题目内容", "选项A", "选项B", "标准答案"])
        for number in range(1, 941):
            writer.writerow([number, "单选", f"第{number}题题干（　　）。", "甲", "乙", "A"])
    result = import_input("bank", [WORKBOOK, path])
    assert not result.ok
    assert result.error.count("\n") == 0 and "「电工_理论题库.csv」的 940 行都无法确定等级" in result.error
    assert "::三级" in result.error  # says what to do
    assert not [i for i in result.issues if "等级" in i.reason and i.file == path.name]  # not 940 row messages
    # the level of the workbook's sheets never reaches the other file
    given = import_input("bank", [WORKBOOK, path], options=ImportOptions(file_levels={str(path): 4}))
    assert given.ok and _levels(given)[path.name] == {4: 940}


def test_the_level_comes_from_the_columns_sheet_name_file_name_then_the_level_given(tmp_path):
    csv_path = tmp_path / "甲.csv"
    shutil.copy(LEVEL3_CSV, csv_path)
    named = tmp_path / "题库_4级.csv"
    shutil.copy(LEVEL3_CSV, named)
    named.write_bytes(LEVEL3_CSV.read_bytes() + "99,,单选,,另一道题（　　）。,甲,乙,丙,丁,A\r\n".encode("gbk"))
    options = ImportOptions(default_level=2, file_levels={str(csv_path): 5, str(named): 3, str(WORKBOOK): 1})
    result = import_input("bank", [WORKBOOK, csv_path, named], options=options)
    assert result.ok, result.error
    levels = _levels(result)
    assert levels["题库.xlsx"] == {4: 12, 2: 8}  # sheet names win over the level given for the file
    assert levels["甲.csv"] == {5: 15}  # the level given for this file
    assert levels["题库_4级.csv"] == {4: 16}  # the file name wins over the level given for it ...
    warning = next(i for i in result.warnings if i.file == "题库_4级.csv")
    assert "文件名中的等级是四级/中级工" in warning.reason and "三级/高级工" in warning.reason  # ... and says so
    fallback = import_input("bank", [csv_path], options=ImportOptions(default_level=2))
    assert _levels(fallback) == {"甲.csv": {2: 15}}  # --level last


def test_item_ids_shared_by_two_files_are_reported_and_both_kept(tmp_path):
    first, second = tmp_path / "甲_四级.csv", tmp_path / "乙_三级.csv"
    for path, stem in ((first, "甲"), (second, "乙")):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["试题编号", "题型", "题干", "选项A", "选项B", "答案"])
            for number in (1, 2, 3):
                writer.writerow([f"T{number}", "单选", f"{stem}第{number}题（　　）。", "对", "错", "A"])
    result = import_input("bank", [first, second])
    assert result.ok and len(result.data) == 6
    shared = [i for i in result.warnings if "在「甲_四级.csv」" in i.reason]
    assert [(i.file, i.row) for i in shared] == [("乙_三级.csv", 2), ("乙_三级.csv", 3), ("乙_三级.csv", 4)]
    assert "T1" in shared[0].reason and "第 2 行" in shared[0].reason


def test_many_shared_ids_are_one_message_per_pair_of_files(tmp_path):
    paths = []
    for name in ("甲_四级.csv", "乙_三级.csv"):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["试题编号", "题型", "题干", "选项A", "选项B", "答案"])
            for number in range(1, 31):
                writer.writerow([str(number), "单选", f"{name}第{number}题（　　）。", "对", "错", "A"])
        paths.append(path)
    result = import_input("bank", paths)
    shared = [i for i in result.warnings if "甲_四级.csv" in i.reason]
    assert len(shared) == 1 and "30 个试题编号" in shared[0].reason and shared[0].file == "乙_三级.csv"


@pytest.mark.parametrize(("name", "level"), [
    ("电工_理论题库_三级.csv", 3), ("维修电工高级工题库.xlsx", 3), ("电工技师.docx", 2), ("题库_3级.csv", 3),
    ("四级.xlsx", 4), ("电工（中级工）.csv", 4), ("高级技师试题.xlsx", 1), ("题库.xlsx", None), ("3.csv", None),
    ("2024年题库.csv", None), ("四级和三级.xlsx", None),
])
def test_level_from_the_file_name(name, level):
    assert level_from_name(name) == level


def test_import_options_keep_levels_per_file_and_headers_by_name():
    options = ImportOptions(file_levels={"/data/甲.csv": 3}, header_names={"题目序号": "point_code", "备注": None},
                            header_rows={"*": 2})
    assert ImportOptions.from_dict(options.to_dict()) == options


def test_an_empty_folder_and_a_blueprint_given_twice_are_refused(tmp_path):
    (tmp_path / "空").mkdir()
    (tmp_path / "空" / "说明.pdf").write_bytes(b"%PDF")
    empty = import_input("bank", [tmp_path / "空"])
    assert not empty.ok and "文件夹" in empty.error and "没有可以作为题库读取的文件" in empty.error
    blueprint = FIXTURE / "细目表.xlsx"
    twice = import_input("blueprint", [blueprint, blueprint])
    assert not twice.ok and "「细目表.xlsx」作为细目表给了两次" in twice.error
