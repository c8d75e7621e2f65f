"""``qbaudit check`` with a bank split across files (a level per file), headers mapped by name, a header row
given, and no blueprint at all.

Known answers: ``tests/fixtures/split_bank/expected.toml`` — 四级 12 items and 二级 8 in ``题库.xlsx``, 三级 15
in ``电工_理论题库_三级.csv`` (one closing note rejected); duplicates DG4-003/DG4-011 and 3/14, malformed
DG4-012 and 15.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from qbaudit import cli
from tests.conftest import SAMPLES, sample_path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "split_bank"
WORKBOOK, LEVEL3_CSV = FIXTURE / "题库.xlsx", FIXTURE / "电工_理论题库_三级.csv"
BLUEPRINT, STANDARD = FIXTURE / "细目表.xlsx", FIXTURE / "权重表.xlsx"


@pytest.fixture(autouse=True)
def _folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))


def _findings(path: Path) -> dict[tuple[str, int | None], dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(f["rule"], f["level"]): f for f in data["findings"]}


def _ids(finding: dict) -> set[str]:
    return {str(row[key]) for table in finding["evidence"] for row in table["rows"]
            for key in ("item_id", "item_a", "item_b") if row.get(key) is not None}


def test_a_bank_in_a_workbook_and_a_level_named_csv_is_audited_at_every_level(tmp_path, capsys):
    out_json = tmp_path / "结果.json"
    assert cli.main(["check", "--bank", str(WORKBOOK), str(LEVEL3_CSV), "--blueprint", str(BLUEPRINT),
                     "--standard", str(STANDARD), "--as-of", "2026-11-01", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out.replace("\n", "")  # the console wraps long lines
    assert "题库.xlsx" in out and "电工_理论题库_三级.csv" in out and "按文件名定为三级/高级工" in out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert [level["level"] for level in data["levels"]] == [4, 3, 2]
    findings = _findings(out_json)
    assert {level: findings[("R3", level)]["measured"] for level in (4, 3, 2)} == {4: 12, 3: 15, 2: 8}
    inputs = {i["name"]: i for i in data["inputs"] if i["kind"] == "bank"}
    assert inputs["电工_理论题库_三级.csv"]["sha256"] == hashlib.sha256(LEVEL3_CSV.read_bytes()).hexdigest()
    assert (inputs["题库.xlsx"]["rows_taken"], inputs["电工_理论题库_三级.csv"]["rows_taken"]) == (20, 15)
    assert findings[("R10", 2)]["status"] == "pass"  # the 简答 of the 二级 sheet


@pytest.mark.parametrize("argv", [
    ["--bank", str(WORKBOOK), str(LEVEL3_CSV), str(WORKBOOK)],
    ["--bank", str(LEVEL3_CSV), "--bank", str(LEVEL3_CSV)],
])
def test_one_file_given_twice_is_refused(argv, capsys):
    assert cli.main(["check", *argv]) == 3
    out = capsys.readouterr().out
    assert "给了两次" in out and "只能导入一次" in out and "未进行检查" in out


def test_a_copy_under_another_name_is_refused(tmp_path, capsys):
    copy = tmp_path / "题库副本.xlsx"
    shutil.copy(WORKBOOK, copy)
    assert cli.main(["check", "--bank", str(WORKBOOK), str(copy)]) == 3
    assert "内容完全相同" in capsys.readouterr().out


def test_an_option_of_one_file_given_twice_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--bank", str(WORKBOOK), "--standard", str(STANDARD), "--standard", str(BLUEPRINT)])
    assert caught.value.code == 2
    assert "参数 --standard 给了两次" in capsys.readouterr().err


def test_a_bank_alone_is_checked_for_duplicates_and_malformed_items(tmp_path, capsys):
    bank = tmp_path / "题库.csv"
    shutil.copy(LEVEL3_CSV, bank)
    out_json = tmp_path / "结果.json"
    assert cli.main(["check", "--bank", str(bank), "--level", "三级", "--details", "--as-of", "2026-11-01",
                     "--json", str(out_json)]) == 0
    out = capsys.readouterr().out.replace("\n", "")
    assert "未提供细目表" in out and "各等级检查结果" in out and "Traceback" not in out
    findings = _findings(out_json)
    assert findings[("R11", 3)]["status"] == "fail" and {"3", "14"} <= _ids(findings[("R11", 3)])
    assert findings[("R13", 3)]["status"] == "fail" and "15" in _ids(findings[("R13", 3)])
    assert "重复" in out and "R13·三级/高级工" in out
    assert findings[("R2", 3)]["status"] == "na"  # needs the blueprint


def test_a_level_per_file_and_a_bad_one(tmp_path, capsys):
    bank = tmp_path / "电工题库.csv"
    shutil.copy(LEVEL3_CSV, bank)
    assert cli.main(["check", "--bank", str(bank)]) == 3
    out = capsys.readouterr().out.replace("\n", "")  # the console wraps long lines
    assert "「电工题库.csv」的 15 行都无法确定等级" in out and out.count("无法确定") == 1
    out_json = tmp_path / "r.json"
    assert cli.main(["check", "--bank", f"{bank}::二级", str(WORKBOOK), "--json", str(out_json)]) == 0
    capsys.readouterr()
    assert _findings(out_json)[("R3", 2)]["measured"] == 15 + 8  # the CSV's rows, and the workbook's 二级 sheet
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--bank", f"{bank}::七级"])
    assert caught.value.code == 2 and "等级「七级」无法识别" in capsys.readouterr().err


def test_headers_mapped_by_name_and_saved_as_a_template(tmp_path, capsys):
    out_json = tmp_path / "r.json"
    argv = ["check", "--bank", str(LEVEL3_CSV), "--blueprint", str(BLUEPRINT), "--as-of", "2026-11-01",
            "--json", str(out_json)]
    assert cli.main([*argv, "--map", "题目序号=考评点代码", "--map", "难易程度=难度", "--save-template", "电工导出"]) == 0
    assert "列模板「电工导出」已保存：按表头名称：题目序号=考评点代码,难易程度=难度" in capsys.readouterr().out
    mapped = _findings(out_json)
    assert mapped[("R7", 3)]["status"] == "pass" and mapped[("R8", 3)]["status"] == "pass"
    assert cli.main(argv) == 0
    assert _findings(out_json)[("R7", 3)]["status"] == "fail"  # without the mapping: no point codes, no difficulty
    assert cli.main([*argv, "--template", "电工导出"]) == 0
    assert _findings(out_json)[("R8", 3)]["status"] == "pass"
    assert cli.main(["templates"]) == 0
    assert "题目序号=考评点代码" in capsys.readouterr().out
    assert cli.main([*argv, "--map", "题目序号=无此字段"]) == 3
    assert "字段「无此字段」无法识别" in capsys.readouterr().out


def test_columns_in_order_skip_the_header_row(tmp_path, capsys):
    out_json = tmp_path / "r.json"
    columns = "试题编号,考评点代码,题型,难度,题干,A,B,C,D,答案"
    assert cli.main(["check", "--bank", str(LEVEL3_CSV), "--columns", columns, "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["inputs"][0]["rows_taken"] == 15  # the title and the header are not items
    assert any(i["row"] == 2 and "表头" in i["reason"] for i in data["import_issues"])
    assert cli.main(["check", "--bank", str(LEVEL3_CSV), "--columns", columns, "--header-row", "2",
                     "--json", str(out_json)]) == 0
    assert json.loads(out_json.read_text(encoding="utf-8"))["inputs"][0]["rows_taken"] == 15


def test_the_inputs_table_names_every_kind_in_chinese(capsys):
    assert cli.main(["check", "--bank", str(sample_path("compliant", "bank")), "--plan",
                     str(SAMPLES / "compliant" / "plan.xlsx"), "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert "组卷计划书" in out and "cli.kind_" not in out
