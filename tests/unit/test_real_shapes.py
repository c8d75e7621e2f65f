"""Banks in the shapes institutions and web exam systems really produce (``tests/fixtures/real_shapes``), imported
with the exact counts, types, answers, options and levels counted by hand in ``known_answers.toml``; every Word
paragraph, JSON record and JSON Lines line accounted for (read = taken + unread, each unread one reported where it
is); every spreadsheet row below the header taken or reported.
"""

from __future__ import annotations

import hashlib
import runpy
import tomllib

import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers import Severity, import_bank
from qbaudit.analysis.importers.outcome import accounting_line
from qbaudit.analysis.importers.reading import guess_encoding
from tests.conftest import ROOT

FOLDER = ROOT / "tests" / "fixtures" / "real_shapes"
KNOWN = tomllib.loads((FOLDER / "known_answers.toml").read_text(encoding="utf-8"))
WORD = [name for name in KNOWN if name.endswith(".docx")]
WITH_PARTS = [name for name in KNOWN if "parts" in KNOWN[name]]


@pytest.fixture(scope="module")
def imported() -> dict:
    return {name: import_bank(FOLDER / name) for name in KNOWN}


def _cell(value) -> str | None:
    return value if isinstance(value, str) else None


def _items(result) -> dict[str, dict]:
    assert result.ok, result.error
    items = {}
    for _, row in result.data.items.iterrows():
        options = [row[c] for c in C.OPTIONS if isinstance(row[c], str)]
        items[row[C.ITEM_ID]] = {
            "type": _cell(row[C.ITEM_TYPE]) or "", "answer": _cell(row[C.ANSWER]), "options": options,
            "level": int(row[C.LEVEL]), "row": int(row[C.SOURCE_ROW]), "explanation": _cell(row[C.EXPLANATION]),
            "point_code": _cell(row[C.POINT_CODE]), "stem": row[C.STEM],
        }
    return items


def test_the_generator_reproduces_the_committed_fixtures(tmp_path):
    generator = runpy.run_path(str(FOLDER / "generate.py"))
    written = generator["generate"](tmp_path)
    assert sorted(p.name for p in written) == sorted(KNOWN)
    for path in written:
        committed = (FOLDER / path.name).read_bytes()
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(committed).digest(), path.name


@pytest.mark.parametrize("name", list(KNOWN))
def test_every_item_with_its_known_type_answer_options_and_level(imported, name):
    known = KNOWN[name]
    result = imported[name]
    items = _items(result)
    assert len(items) == known["items"]
    assert list(items) == [entry["id"] for entry in known["list"]]
    for entry in known["list"]:
        item = items[entry["id"]]
        got = (item["type"], item["answer"], len(item["options"]), item["level"], item["row"])
        assert got == (entry["type"], entry["answer"], entry["options"], entry["level"], entry["row"]), entry["id"]
        assert item["explanation"] == entry.get("explanation"), entry["id"]
        if "point_code" in entry:
            assert item["point_code"] == entry["point_code"]
    for item_id, texts in known.get("option_texts", {}).items():
        assert items[item_id]["options"] == texts, item_id
    for item_id, stem in known.get("stems", {}).items():
        assert items[item_id]["stem"] == stem, item_id
    [source] = result.inputs
    assert (source.rows_taken, source.rows_rejected) == (known["rows_taken"], known["rows_rejected"])
    assert len(result.rejected) == known["rows_rejected"]


@pytest.mark.parametrize("name", WITH_PARTS)
def test_every_paragraph_record_and_line_is_accounted_for(imported, name):
    known = KNOWN[name]["parts"]
    result = imported[name]
    [(file, parts)] = result.accounting
    assert file == name and parts.unit == known["unit"]
    assert (parts.read, parts.taken, list(parts.unread), parts.blank) == (
        known["read"], known["taken"], known["unread"], known["blank"])
    assert parts.read == parts.taken + len(parts.unread) and parts.balanced
    assert parts.read + parts.blank == known["total"]
    # Each unread part is listed where it is, with its reason.
    listed = {issue.row for issue in result.issues if issue.row is not None and issue.unit == known["unit"]}
    assert set(parts.unread) <= listed
    line = accounting_line(name, parts)
    assert f"{parts.read} " in line and f"{len(parts.unread)} " in line
    if parts.unread:
        assert "、".join(map(str, parts.unread)) in line


@pytest.mark.parametrize("name", WORD)
def test_word_accounting_holds_paragraph_by_paragraph(name):
    """The paragraph statuses of the reader, one per paragraph of the document, agree with the totals."""
    import docx

    from qbaudit.analysis.importers.docx import BLANK, HEADING, ITEM, UNREAD, _Reader

    reader = _Reader(name, docx.Document(str(FOLDER / name)))
    parts = reader.read().accounting
    statuses = reader.status
    assert sorted(statuses) == list(range(1, KNOWN[name]["parts"]["total"] + 1))
    assert sum(s == BLANK for s in statuses.values()) == parts.blank
    assert sum(s in (HEADING, ITEM) for s in statuses.values()) == parts.taken
    assert tuple(n for n, s in statuses.items() if s == UNREAD) == parts.unread


def test_a_true_false_correction_is_the_explanation_never_the_answer(imported):
    items = _items(imported["焊工_判断题改正.docx"])
    judged = [item for item in items.values() if item["type"] == "判断"]
    assert len(judged) == 14 and {item["answer"] for item in judged} == {"√", "×"}
    assert sum(item["explanation"] is not None for item in judged) == 9
    # The stem keeps no trace of the mark; its brackets are emptied.
    assert items["2-2"]["stem"] == "电焊机的外壳可以不接地。（　　）"


def test_a_heading_that_says_only_choice_is_resolved_by_each_key(imported):
    result = imported["焊工_判断题改正.docx"]
    notes = [i.reason for i in result.issues if i.severity is Severity.INFO]
    assert any("选择题" in reason and str(KNOWN["焊工_判断题改正.docx"]["choice_resolved"]) in reason for reason in notes)


def test_types_inferred_where_no_heading_names_them_and_the_note_says_so(imported):
    result = imported["电工_分值标题无题型.docx"]
    [note] = [i for i in result.issues if "推断" in i.reason]
    assert note.severity is Severity.INFO and f"{KNOWN['电工_分值标题无题型.docx']['inferred']} 道" in note.reason
    assert "文档中没有题型标题" not in note.reason  # there are headings: they name no type
    # Where the headings do name the types, nothing is said to be inferred.
    for name in ("维修电工_括号选项与答案.docx", "焊工_判断题改正.docx"):
        assert not [i for i in imported[name].issues if "推断" in i.reason], name
    # The scored headings stated 5 and 4 items: both counts hold, so no warning about a lost item.
    assert not [i for i in result.issues if "实际读到" in i.reason]


def test_a_heading_count_that_does_not_hold_is_a_warning(tmp_path):
    """An item glued to the one before (its number typed without a full stop) shows as a count that does not hold."""
    import docx

    document = docx.Document()
    for text in ("四级", "一、单项选择题（每题1分，共3分）", "1. 甲（ A ）", "A. 一  B. 二", "2. 乙（ B ）", "A. 一  B. 二",
                 "3 丙（ A ）", "A. 一  B. 二"):
        document.add_paragraph(text)
    document.save(tmp_path / "bank.docx")
    result = import_bank(tmp_path / "bank.docx")
    [warning] = [i for i in result.warnings if "实际读到" in i.reason]
    assert warning.row == 2 and "3 道" in warning.reason and "2 道" in warning.reason


def test_the_gbk_csv_is_one_charset_normalizer_misjudges_and_it_imports(imported):
    from charset_normalizer import from_bytes

    content = (FOLDER / "电工_理论题库_GBK.csv").read_bytes()
    best = from_bytes(content, cp_isolation=["utf_8", "gb18030", "big5", "utf_16", "utf_32"]).best()
    assert best is None or best.encoding not in ("gb18030", "gbk", "gb2312")  # the fixture is what it claims
    assert content.decode("gb18030")  # and it decodes strictly as GB18030
    decoding = guess_encoding(content)
    assert (decoding.encoding, decoding.method, decoding.guessed) == ("gb18030", "strict", True)
    result = imported["电工_理论题库_GBK.csv"]
    assert result.inputs[0].encoding == KNOWN["电工_理论题库_GBK.csv"]["encoding"]
    [note] = [i for i in result.issues if "GB18030" in i.reason]
    assert note.severity is Severity.INFO and "回退" in note.reason


@pytest.mark.parametrize(("content", "encoding", "method"), [
    ("题干,答案\n电流的单位是安培。,√\n".encode("utf-8-sig"), "utf-8-sig", "bom"),
    ("题干,答案\n电流的单位是安培。,√\n".encode("utf-16"), "utf-16", "bom"),
    ("题干,答案\n电流的单位是安培。,√\n".encode(), "utf-8", "utf8"),
    ("题干,答案\n电流的单位是安培。,对\n".encode("gbk"), "gb18030", "detected"),
    ("1,kW·h,A\n2,Ω·m,B\n".encode("gbk"), "gb18030", "detected"),  # a tie with Big5 goes to GB18030
    ("題幹,答案\n電流的單位是安培。,對\n變壓器的鐵芯應接地。,對\n".encode("big5"), "big5", "detected"),
    (b"\x81\x30\xff\xfe\xff", None, "none"),  # no encoding fits: refused with a message
])
def test_encodings_in_the_order_of_the_fallback_chain(content, encoding, method):
    decoding = guess_encoding(content)
    assert (decoding.encoding, decoding.method) == (encoding, method)


def test_options_literally_a_b_c_d_are_items_not_repeated_headers(imported):
    known = KNOWN["选项就是ABCD.xlsx"]
    result = imported["选项就是ABCD.xlsx"]
    rejected = sorted(i.row for i in result.rejected)
    assert rejected == known["rejected_rows"]
    repeated, unmapped = sorted(result.rejected, key=lambda i: i.row)
    assert "重复了表头" in repeated.reason and "备注（J列）" in unmapped.reason
    # Rows in = taken + reported: every row with content below the header.
    assert known["content_rows_below_header"] == result.rows_taken + len(result.rejected)


def test_a_row_with_a_stem_is_never_a_repeated_header(tmp_path):
    from tests.helpers import write_csv

    header = ["题干", "A", "B", "C", "D", "答案", "等级"]
    rows = [header, ["题干", "A", "B", "C", "D", "答案", "等级"],  # a true repeat: every cell is its header
            ["下列哪个字母排第一？", "A", "B", "C", "D", "A", "四级"],
            ["题目", "A", "B", "C", "D", "正确答案", "级别"],  # a repeat in other words of the same fields
            ["答案", "A", "B", "C", "D", "A", "四级"]]  # its stem cell is not the stem header: an item
    result = import_bank(write_csv(tmp_path / "bank.csv", rows), default_level=4)
    assert [i.row for i in result.rejected] == [2, 4]
    assert result.data.items[C.STEM].tolist() == ["下列哪个字母排第一？", "答案"]
    assert result.inputs[0].rows_rejected == 2


def test_json_keys_with_stray_spaces_flags_and_wrappers(imported):
    result = imported["考试系统导出.json"]
    notes = [i.reason for i in result.issues if i.severity is Severity.INFO]
    assert any("score" in reason for reason in notes)  # an unused key is named
    rejected = {i.row: i.reason for i in result.rejected}
    assert set(rejected) == {9, 10} and "题干" in rejected[9] and "不是对象" in rejected[10]
    assert str(result.rejected[0]).startswith("「考试系统导出.json」 第 9 条")


def test_json_lines_report_a_broken_line_and_go_on(imported):
    result = imported["考试系统导出.jsonl"]
    broken = next(i for i in result.rejected if i.row == 5)
    assert "不是有效的 JSON" in broken.reason and str(broken).startswith("「考试系统导出.jsonl」 第 5 行")


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("export.json", '{"questions": [{"题干": "甲", "答案": "对", "等级": "四级"}]}', "json"),
    ("export.txt", '{"stem": "甲", "answer": "√", "level": "四级"}\n{"stem": "乙", "answer": "×", "level": "四级"}\n', "jsonl"),
    ("export.json", '{"stem": "甲", "answer": "√", "level": "四级"}\n{"stem": "乙", "answer": "×", "level": "四级"}\n', "jsonl"),
    ("export", '[{"content": "甲", "answer": true, "level": "四级"}]', "json"),
])
def test_json_is_recognised_by_its_content(tmp_path, name, text, kind):
    from qbaudit.analysis.importers.formats import detect_format

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect_format(path, path.read_bytes()) == kind
    result = import_bank(path)
    assert result.ok and set(result.data.items[C.ITEM_TYPE]) == {"判断"}


@pytest.mark.parametrize(("text", "message"), [
    ('[{"stem": "甲",', "语法错误"),
    ('{"total": 3}', "找不到试题数组"),
    ("[" * 100000 + "]" * 100000, "嵌套层次太深"),
])
def test_unusable_json_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    result = import_bank(path)
    assert not result.ok and message in result.error and "bad.json" in result.error


def test_json_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    from qbaudit.analysis.importers import jsonbank

    monkeypatch.setattr(jsonbank, "_limits", lambda: {"max_bytes": 10})
    path = tmp_path / "big.json"
    path.write_text('[{"stem": "甲甲甲甲甲"}]', encoding="utf-8")
    result = import_bank(path)
    assert not result.ok and "超过" in result.error


@pytest.mark.parametrize(("lines", "expected"), [
    # A numbered point of an answer stays in the answer; the next item's number starts an item.
    (["四级", "一、简答题", "1. 简述甲。", "答：", "1. 第一点", "2. 第二点", "2. 简述乙。", "答：乙"],
     [("简述甲。", "1. 第一点\n2. 第二点"), ("简述乙。", "乙")]),
    # Numbering that restarts without a heading still starts items (never glued to the one before).
    (["四级", "一、单项选择题", "5. 甲（ A ）", "A. 一  B. 二", "1. 乙（ B ）", "A. 一  B. 二"],
     [("甲（　　）", "A"), ("乙（　　）", "B")]),
    # 【答案】 and a heading "第一部分 判断题"; a mark written after the number in the brackets.
    (["四级", "第一部分 判断题", "1.（ √ ）焊前应清理坡口。", "2. 可以湿手操作。", "【答案】×"],
     [("（　　）焊前应清理坡口。", "√"), ("可以湿手操作。", "×")]),
])
def test_word_item_boundaries(tmp_path, lines, expected):
    import docx

    document = docx.Document()
    for text in lines:
        document.add_paragraph(text)
    document.save(tmp_path / "bank.docx")
    result = import_bank(tmp_path / "bank.docx")
    items = result.data.items
    assert list(zip(items[C.STEM], items[C.ANSWER_RAW], strict=True)) == expected
    [(_, parts)] = result.accounting
    assert parts.balanced and not parts.unread


def test_the_command_line_shows_the_paragraph_accounting(capsys, tmp_path, monkeypatch):
    import json

    from qbaudit import cli
    from tests.conftest import sample_path

    monkeypatch.setenv("COLUMNS", "400")
    name = "维修电工_括号选项与答案.docx"
    out_json = tmp_path / "result.json"
    code = cli.main(["check", "--bank", str(FOLDER / name), "--blueprint", str(sample_path("compliant", "blueprint")),
                     "--standard", str(sample_path("compliant", "standard")), "--as-of", "2026-11-01",
                     "--json", str(out_json)])
    assert code == 0
    out = capsys.readouterr().out
    parts = KNOWN[name]["parts"]
    assert f"「{name}」：有内容的 {parts['read']} 段中，{parts['taken']} 段计入试题或标题，{len(parts['unread'])} 段未读" in out
    assert "未读的是第 3、23、50 段" in out
    [source] = [i for i in json.loads(out_json.read_text(encoding="utf-8"))["inputs"] if i["name"] == name]
    assert source["parts"] == {"unit": "paragraph", "read": parts["read"], "taken": parts["taken"],
                               "unread": parts["unread"], "blank": parts["blank"]}


@pytest.mark.parametrize(("name", "text"), [
    ("bank.txt", "[单选题]\t电流的单位是\tA\n"),
    ("bank.txt", "{题型}\t题干\n"),
])
def test_text_that_only_starts_like_json_is_not_taken_for_json(tmp_path, name, text):
    from qbaudit.analysis.importers.formats import detect_format

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect_format(path, path.read_bytes()) not in ("json", "jsonl")


def test_the_older_word_fixture_accounts_for_every_paragraph(tmp_path):
    from tests.format_writers import write_docx_bank

    result = import_bank(write_docx_bank(tmp_path / "题库.docx"))
    [(_, parts)] = result.accounting
    # 20 paragraphs, none blank: 2 (an option with no stem) and 20 (a number with no stem) are not read.
    assert (parts.read, parts.taken, parts.unread, parts.blank) == (20, 18, (2, 20), 0)
