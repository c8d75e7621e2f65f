"""Text from files and users is printed as written: never read as rich markup or emoji, never sent to the
terminal as a control code; an institution named ``某中心[/red]`` is stored, listed, shown and reported
as written."""

from __future__ import annotations

import io

import pytest
from docx import Document
from rich.table import Table

from qbaudit import cli
from qbaudit.visible import LIMIT, console, styled, visible
from tests.conftest import sample_path

INSTITUTION = "某中心[/red]"


def _printed(*renderables) -> str:
    out = console()
    out.file = io.StringIO()
    for renderable in renderables:
        out.print(renderable)
    return out.file.getvalue()


def test_control_characters_are_escaped_and_runs_counted():
    assert visible("某中心[/red] :thumbs_up:") == "某中心[/red] :thumbs_up:"
    assert visible("第一行\n\t第二行") == "第一行\n\t第二行"
    assert visible("\x1b[31m红\x1b[0m") == "\\x1b[31m红\\x1b[0m"
    assert visible("a\x00\x00\x00b") == "a\\x00\\x00\\x00b"  # three in a row: each written out
    assert visible("表头" + "\x00" * 4096 + "题干") == "表头\\x00×4096题干"
    assert visible("\r\x07\x9b\x7f") == "\\x0d\\x07\\x9b\\x7f"
    assert visible("abc\u202edcba") == "abc\\u202edcba"  # a right-to-left override would reverse the rest
    assert visible(b"\xff".decode("utf-8", "surrogateescape")) == "\\udcff"  # an undecodable file name


def test_a_long_text_is_cut_and_says_how_much():
    text = visible("题" * (LIMIT + 500))
    assert text == "题" * LIMIT + "……（另有 500 个字符未显示）"
    huge = visible("\x01\x02" * 1_000_000)  # work bounded before escaping: two million characters in
    assert len(huge) < LIMIT + 40 and huge.endswith("个字符未显示）")


def test_the_console_reads_no_markup_and_sends_no_control_codes():
    table = Table(title="题库[bold]")
    table.add_column("机构[/]")
    table.add_row("\x1b]0;窗口标题\x07某中心[/red]")
    printed = _printed("某中心[/red]", ":thumbs_up:", styled("\x1b[2J清屏", "red"), table)
    assert "某中心[/red]\n:thumbs_up:\n\\x1b[2J清屏\n" in printed
    assert "题库[bold]" in printed and "机构[/]" in printed and "\\x1b]0;窗口标题\\x07某中心[/red]" in printed
    assert "\x1b" not in printed and "\x07" not in printed


@pytest.fixture
def db(tmp_path):
    return ["--database", f"sqlite:///{tmp_path / 'audits.sqlite3'}"]


@pytest.mark.slow
def test_an_institution_named_with_markup_is_stored_listed_shown_and_reported_as_written(db, capsys, tmp_path):
    assert cli.main(["audit", "new", *db, "--institution", INSTITUTION, "--occupation", "焊工[bold]", "--levels", "四级",
                     "--inspector", "张建国:组长", "--sheet", "shandong-daily-review-2022"]) == 0
    assert f"已建立审核 1：{INSTITUTION} · 焊工[bold] · 四级/中级工" in capsys.readouterr().out
    assert cli.main(["audit", "list", *db]) == 0
    assert f"│ 1    │ {INSTITUTION} │ 焊工[bold] │" in capsys.readouterr().out
    for line in range(1, 17):
        assert cli.main(["audit", "score", "1", *db, "--line", str(line), "--verdict", "是", "--by", "张建国",
                         "--reason", "[link=file:///etc]核对[/link]"]) == 0
    assert cli.main(["audit", "score", "1", *db, "--assessment", "过程规范[/red]", "--by", "张建国"]) == 0
    assert cli.main(["audit", "sign", "1", *db, "--by", "张建国"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "show", "1", *db, "--history"]) == 0
    shown = capsys.readouterr().out
    assert f"被督导机构：{INSTITUTION}" in shown and "[link=file:///etc]核对[/link]" in shown and "过程规范[/red]" in shown and "（与签署时一致）" in shown
    report = tmp_path / "报告.docx"
    assert cli.main(["report", "1", *db, "--out", str(report)]) == 0
    text = "\n".join(p.text for p in Document(str(report)).paragraphs) + "\n".join(
        cell.text for table in Document(str(report)).tables for row in table.rows for cell in row.cells)
    assert INSTITUTION in text and "焊工[bold]" in text


def test_a_refusal_shows_control_characters_escaped_and_counted(db, capsys):
    assert cli.main(["audit", "new", *db, "--institution", "某中心", "--occupation", "焊工", "--levels", "四级",
                     "--inspector", "张建国:组长", "--sheet", "shandong-daily-review-2022"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "score", "1", *db, "--line", "\x00" * 4096, "--verdict", "是", "--by", "张建国"]) == 3
    out = capsys.readouterr().out
    assert "没有“\\x00×4096”这一行" in out and "\x00" not in out and len(out) < 400


def test_typed_text_with_control_characters_is_refused_before_it_reaches_a_report(db, capsys):
    assert cli.main(["audit", "new", *db, "--institution", "某中心\x1b[31m", "--occupation", "焊工", "--levels", "四级",
                     "--inspector", "张建国:组长"]) == 3
    assert "机构名称中有控制字符或不可见的方向符（某中心\\x1b[31m），没有保存" in capsys.readouterr().out
    assert cli.main(["audit", "new", *db, "--institution", "某中心", "--occupation", "焊工", "--levels", "四级",
                     "--inspector", "张建国:组长", "--sheet", "shandong-daily-review-2022"]) == 0
    assert cli.main(["audit", "score", "1", *db, "--line", "1", "--verdict", "否", "--by", "张建国",
                     "--reason", "复核\x07"]) == 3
    assert "理由中有控制字符" in capsys.readouterr().out
    assert cli.main(["audit", "list", *db]) == 0
    assert "│ 1    │ 某中心 │" in capsys.readouterr().out  # the refused audit was not stored


def test_a_bank_file_with_escape_sequences_prints_none(tmp_path, capsys):
    bank = tmp_path / "题库.csv"
    bank.write_text("题号,题型,题干,答案,等级,\x1b]0;标题\x07备注\n1,单选题,\x1b[2J题干,A,四级,\x1b[5m闪\n"
                    + "\x00" * 300 + ",\x1b[31m\n", encoding="utf-8")
    status = cli.main(["check", "--bank", str(bank), "--blueprint", str(sample_path("defective", "blueprint")),
                       "--details"])
    out = capsys.readouterr().out
    assert status in (0, 3) and out
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
