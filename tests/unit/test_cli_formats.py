"""The command line takes any bank format, maps a headerless bank once and reuses the template."""

from __future__ import annotations

import pytest

from qbaudit import cli
from tests.format_writers import write_docx_bank
from tests.helpers import bank_rows, write_csv, write_xlsx

BP = [["等级", "考评范围代码", "考评范围名称", "比重", "考评点代码", "考评点名称", "重要程度"],
      ["四级", "A", "基础", 100, "B-001", "一", "X"]]


@pytest.fixture(autouse=True)
def _folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))


def test_headerless_bank_mapped_saved_and_reused(tmp_path, capsys):
    blueprint = write_xlsx(tmp_path / "bp.xlsx", {"S": BP})
    first = write_csv(tmp_path / "export-1.csv", bank_rows(3))
    assert cli.main(["check", "--bank", str(first), "--blueprint", str(blueprint)]) == 3
    assert "--columns" in capsys.readouterr().out
    columns = "试题编号,等级,考评点代码,题型,难度,题干,A,B,C,D,答案,修订日期"
    assert cli.main(["check", "--bank", str(first), "--blueprint", str(blueprint), "--columns", columns,
                     "--save-template", "考试系统"]) == 0
    out = capsys.readouterr().out
    assert "列模板「考试系统」已保存" in out and "题库" in out
    second = write_csv(tmp_path / "export-2.csv", bank_rows(4))
    assert cli.main(["check", "--bank", str(second), "--blueprint", str(blueprint)]) == 3
    assert "「考试系统」与这个文件的形状一致" in capsys.readouterr().out
    assert cli.main(["check", "--bank", str(second), "--blueprint", str(blueprint), "--template", "考试系统"]) == 0
    assert "export-2.csv" in capsys.readouterr().out
    assert cli.main(["templates"]) == 0
    assert "考试系统" in capsys.readouterr().out


def test_unknown_template_and_bad_columns_exit_three(tmp_path, capsys):
    blueprint = write_xlsx(tmp_path / "bp.xlsx", {"S": BP})
    bank = write_csv(tmp_path / "export.csv", bank_rows(1))
    assert cli.main(["check", "--bank", str(bank), "--blueprint", str(blueprint), "--template", "无此模板"]) == 3
    assert "没有名为「无此模板」的列模板" in capsys.readouterr().out
    assert cli.main(["check", "--bank", str(bank), "--blueprint", str(blueprint), "--columns", "题干,题目难易"]) == 3
    assert "列名「题目难易」无法识别" in capsys.readouterr().out


def test_word_bank_on_the_command_line(tmp_path, capsys):
    blueprint = write_xlsx(tmp_path / "bp.xlsx", {"S": BP})
    assert cli.main(["check", "--bank", str(write_docx_bank(tmp_path / "题库.docx")), "--blueprint", str(blueprint),
                     "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert "题库.docx" in out and "第 2 段" in out and "各等级检查结果" in out
