"""The one guarded door: every file comes through ``read_input``; hostile files are refused before any reader
inflates them, with a message naming the file (and the part) and what to do; failures of one element are
reported for that element only.

Known answers are built here: a workbook whose sheet dimension states 600 001 rows, a Word file with a broken
part, a Moodle file with one unreadable fraction, an Aiken question with nine options.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from qbaudit.analysis.importers.guard import FileLimits, ReadError, check_zip, read_input
from qbaudit.analysis.inputs import ImportOptions, import_input
from tests.hostile import many_rows_xlsx

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
REAL = ROOT / "tests" / "fixtures" / "real_shapes"


def _limits(**changed) -> FileLimits:
    from dataclasses import replace

    return replace(FileLimits.bundled(), **changed)


def test_sheet_rows_refused_from_the_dimension_before_reading(tmp_path):
    path = many_rows_xlsx(tmp_path / "大.xlsx", 1200)
    with pytest.raises(ReadError) as refused:
        read_input(path, _limits(max_rows=1000))
    message = str(refused.value)
    assert "「大.xlsx」" in message and "「题库」" in message and "1,200" in message and "1,000" in message


@pytest.mark.parametrize("dimension", ["lying", None])
def test_sheet_rows_counted_when_the_dimension_lies_or_is_missing(tmp_path, dimension):
    path = many_rows_xlsx(tmp_path / "大.xlsx", 1500, dimension)
    with pytest.raises(ReadError) as refused:
        read_input(path, _limits(max_rows=1000))
    message = str(refused.value)
    # the rows are counted as the sheet is inflated: a refusal before its end says "at least"
    assert "1,500" in message and "「题库」" in message


def test_true_three_million_row_dimension_refused_through_the_import(tmp_path):
    # The dimension says 3 000 000 rows; the sheet holds 10 (the guard reads the dimension first).
    path = many_rows_xlsx(tmp_path / "三百万行.xlsx", 10)
    content = path.read_bytes()
    patched = tmp_path / "三百万行_维度.xlsx"
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, data.replace(b'ref="A1:A10"', b'ref="A1:A3000000"'))
    result = import_input("bank", [patched])
    assert not result.ok
    assert "3,000,000" in result.error and "500,000" in result.error


def test_wide_sheet_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "宽.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("宽表").write_row(0, 0, [f"列{i}" for i in range(600)])
    workbook.close()
    with pytest.raises(ReadError) as refused:
        read_input(path)
    assert "600" in str(refused.value) and "512" in str(refused.value) and "「宽表」" in str(refused.value)


def test_file_size_checked_before_reading(tmp_path):
    path = tmp_path / "题库.csv"
    path.write_bytes(b"a,b\n" * 100)
    with pytest.raises(ReadError) as refused:
        read_input(path, _limits(max_file_bytes=100))
    assert "「题库.csv」" in str(refused.value) and "400 B" in str(refused.value)


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_inflating_past_the_limit_is_refused_before_calamine(tmp_path):
    bomb = _zip_with({"xl/workbook.xml": b"<workbook/>", "xl/media/image1.bin": bytes(8 << 20)})
    with pytest.raises(ReadError) as refused:
        check_zip("炸弹.xlsx", bomb)
    assert "「炸弹.xlsx」" in str(refused.value) and "image1.bin" in str(refused.value)


def test_a_size_that_lies_is_caught_while_inflating():
    content = bytearray(_zip_with({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(4 << 20)}))
    for index in range(len(content)):  # every header states 100 bytes for the sheet
        if content[index : index + 4] in (b"PK\x01\x02", b"PK\x03\x04"):
            offset = 24 if content[index + 2] == 1 else 22
            name_at = index + (46 if content[index + 2] == 1 else 30)
            if content[name_at : name_at + 24] == b"xl/worksheets/sheet1.xml":
                content[index + offset : index + offset + 4] = (100).to_bytes(4, "little")
    with pytest.raises(ReadError) as refused:
        check_zip("说谎.xlsx", bytes(content))
    assert "「说谎.xlsx」" in str(refused.value) and "sheet1.xml" in str(refused.value)


def test_damaged_member_names_the_part():
    content = bytearray(_zip_with({"word/document.xml": b"<w:document>" + b"x" * 5000 + b"</w:document>"}))
    start = content.find(b"word/document.xml") + len(b"word/document.xml")
    content[start + 5 : start + 40] = b"\xff" * 35  # the deflated stream, damaged
    with pytest.raises(ReadError) as refused:
        check_zip("损坏.docx", bytes(content))
    assert "「损坏.docx」" in str(refused.value) and "word/document.xml" in str(refused.value)


def test_malformed_word_part_is_named(tmp_path):
    source = REAL / "焊工_判断题改正.docx"
    path = tmp_path / "坏.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/styles.xml":
                data = data[: len(data) // 2]
            target.writestr(info.filename, data)
    result = import_input("bank", [path], options=ImportOptions(default_level=4))
    assert not result.ok
    assert "「坏.docx」" in result.error and "word/styles.xml" in result.error and "另存为" in result.error


def test_bogus_encoding_and_deep_nesting_are_messages(tmp_path):
    bogus = tmp_path / "编码.xml"
    bogus.write_bytes(b'<?xml version="1.0" encoding="bogus"?><quiz></quiz>')
    result = import_input("bank", [bogus], options=ImportOptions(default_level=4))
    assert "bogus" in result.error and "「编码.xml」" in result.error
    deep = tmp_path / "嵌套.xml"
    deep.write_bytes(b"<assessmentItem><itemBody>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000
                     + b"</itemBody></assessmentItem>")
    result = import_input("bank", [deep], options=ImportOptions(default_level=4))
    assert "嵌套超过 200 层" in result.error


def test_one_bad_moodle_fraction_skips_that_question_only(tmp_path):
    content = (FORMATS / "bank.moodle.xml").read_bytes()
    path = tmp_path / "moodle.xml"
    path.write_bytes(content.replace(b'fraction="100"', b'fraction="abc"', 1))
    whole = import_input("bank", [FORMATS / "bank.moodle.xml"], options=ImportOptions(default_level=4))
    result = import_input("bank", [path], options=ImportOptions(default_level=4))
    assert result.ok and result.rows_taken == whole.rows_taken - 1
    assert any("fraction" in i.reason and "abc" in i.reason and i.row == 1 for i in result.rejected)


def test_aiken_question_with_nine_options_is_reported_alone(tmp_path):
    path = tmp_path / "题库.aiken"
    path.write_text("1+1=?\nA. 1\nB. 2\nC. 3\nD. 4\nE. 5\nF. 6\nG. 7\nH. 8\nI. 9\nANSWER: B\n\n"
                    "2+2=?\nA. 4\nB. 5\nANSWER: A\n", encoding="utf-8")
    result = import_input("bank", [path], options=ImportOptions(default_level=4))
    assert result.ok and result.rows_taken == 1
    assert [(i.row, "9 个选项" in i.reason) for i in result.rejected] == [(1, True)]


def test_unreadable_numbering_level_is_a_warning_not_a_refusal(tmp_path):
    source = REAL / "电工_分值标题无题型.docx"
    path = tmp_path / "编号.docx"
    changed = 0
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "word/document.xml" and b'w:ilvl w:val="0"' in data:
                data = data.replace(b'w:ilvl w:val="0"', b'w:ilvl w:val="x"', 1)
                changed += 1
            if info.filename == "word/numbering.xml":
                data = data.replace(b'w:ilvl="0"', b'w:ilvl="x"', 1)
                changed += 1
            target.writestr(info.filename, data)
    assert changed
    result = import_input("bank", [path], options=ImportOptions(default_level=4))
    reference = import_input("bank", [source], options=ImportOptions(default_level=4))
    assert result.ok and result.rows_taken == reference.rows_taken


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_aiken_and_gift_are_not_taken_for_csv(tmp_path, encoding):
    aiken = tmp_path / "题库.txt"
    aiken.write_bytes("电流的单位是？\nA. 伏特\nB. 安培\nANSWER: B\n".encode(encoding))
    result = import_input("bank", [aiken], options=ImportOptions(default_level=4))
    assert result.ok and result.rows_taken == 1
    assert result.data.items.iloc[0]["stem"] == "电流的单位是？"
    gift = tmp_path / "gift.txt"
    gift.write_bytes("::Q1:: 电流的单位是安培 {T}\n".encode(encoding))
    result = import_input("bank", [gift], options=ImportOptions(default_level=4))
    assert result.ok and result.rows_taken == 1


def test_long_cell_is_cut_and_reported_not_a_refusal(tmp_path):
    path = tmp_path / "长.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["试题编号", "等级", "题型", "题干", "A", "B", "答案"])
        writer.writerow(["Q1", "四级", "单选", "题" * 131_072, "甲", "乙", "A"])
        writer.writerow(["Q2", "四级", "单选", "第二题", "甲", "乙", "B"])
    result = import_input("bank", [path])
    assert result.ok and result.rows_taken == 2
    stems = result.data.items["stem"].tolist()
    assert len(stems[0]) == 32767
    warning = [i for i in result.warnings if "131072" in i.reason]
    assert len(warning) == 1 and warning[0].row == 2 and "题干" in warning[0].column


def test_numbers_out_of_range_are_refused_per_cell(tmp_path):
    path = tmp_path / "数.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["试题编号", "等级", "题型", "难度", "题干", "答案"])
        for number, value in enumerate(["inf", "NaN", "1e308", "1e9999", "3"], start=1):
            writer.writerow([f"Q{number}", "四级", "判断", value, f"题{number}", "√"])
    result = import_input("bank", [path])
    assert result.ok and result.rows_taken == 5
    import pandas as pd

    difficulty = result.data.items["difficulty"].tolist()
    assert [bool(pd.isna(d)) for d in difficulty] == [True, True, True, True, False]
    rows = sorted(i.row for i in result.warnings if "不是可用的数值" in i.reason)
    assert rows == [2, 3, 4, 5]


def test_plan_count_of_1e9999_is_a_row_issue(tmp_path):
    path = tmp_path / "计划.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["等级", "考评范围代码", "题型", "每卷题量"])
        writer.writerow(["四级", "A", "单选", "1e9999"])
        writer.writerow(["四级", "B", "单选", "10"])
    result = import_input("plan", [path])
    assert result.ok and result.rows_taken == 1
    assert [i.row for i in result.rejected] == [2]


def test_a_failure_no_reader_foresaw_is_a_message_and_counted(tmp_path, monkeypatch):
    from qbaudit.analysis.importers import guard, moodle

    def broken(name, content):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(moodle, "parse_moodle", broken)
    before = len(guard.unexpected_failures())
    result = import_input("bank", [FORMATS / "bank.moodle.xml"], options=ImportOptions(default_level=4))
    assert not result.ok and "bank.moodle.xml" in result.error and "boom" not in result.error
    assert guard.unexpected_failures()[before:] == ["ZeroDivisionError"]


def test_refusals_come_in_the_chosen_ui_language(tmp_path):
    import re

    from qbaudit.i18n import set_language

    path = many_rows_xlsx(tmp_path / "big.xlsx", 1200)
    set_language("en")
    try:
        with pytest.raises(ReadError) as refused:
            read_input(path, _limits(max_rows=1000))
    finally:
        set_language("zh_CN")
    message = str(refused.value)
    assert "has 1,200 rows" in message and "big.xlsx" in message
    assert not re.search(r"[\u4e00-\u9fff]", message.replace("题库", ""))  # the sheet's own name is as written


def _ods(path: Path, rows: int, columns: int, padding: bool = True) -> Path:
    """An OpenDocument sheet: a header, then one row repeated ``rows`` times with ``columns`` repeated cells of
    text; with ``padding``, the million empty repeated rows LibreOffice writes at the end of every sheet."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    pad = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
           'table:number-columns-repeated="1024"/></table:table-row>') if padding else ""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="题库"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>题干</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>答案</text:p></table:table-cell></table:table-row>'
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated='
        f'"{columns}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>{pad}'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


def test_ods_repeats_are_counted_as_expanded(tmp_path):
    with pytest.raises(ReadError) as refused:
        read_input(_ods(tmp_path / "重复.ods", 1_000_000, 1000))
    assert "「重复.ods」" in str(refused.value) and "「题库」" in str(refused.value)
    read_input(_ods(tmp_path / "正常.ods", 20, 2))  # the empty padding of every LibreOffice sheet is not counted


def _record(kind: int, payload: bytes) -> bytes:
    """One record of a binary (.xlsb) sheet: type and size as 7-bit varints, then the payload."""
    head = bytes([kind]) if kind < 128 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, encoded = len(payload), b""
    while True:
        byte, size = size & 0x7F, size >> 7
        encoded += bytes([byte | (0x80 if size else 0)])
        if not size:
            return head + encoded + payload


def test_xlsb_dimension_record_is_checked():
    dimension = _record(0x94, (0).to_bytes(4, "little") + (2_999_999).to_bytes(4, "little") + bytes(8))
    sheet = _record(0x81, b"") + _record(0x93, bytes(19)) + dimension
    with pytest.raises(ReadError) as refused:
        check_zip("二进制.xlsb", _zip_with({"xl/workbook.bin": b"x", "xl/worksheets/sheet1.bin": sheet}))
    assert "3,000,000" in str(refused.value) and "「二进制.xlsb」" in str(refused.value)
