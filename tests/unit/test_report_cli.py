"""``qbaudit report AUDIT …`` over the store and ``qbaudit check … --report`` without it."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from docx import Document
from openpyxl import load_workbook

from qbaudit import cli
from tests.conftest import sample_path


@pytest.fixture
def db(tmp_path, signed_audits):
    """A copy of the store with the signed sample audits (exports written here stay here)."""
    source = signed_audits["url"].removeprefix("sqlite:///")
    target = tmp_path / "audits.sqlite3"
    shutil.copy(source, target)
    return ["--database", f"sqlite:///{target}"]


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_writes_the_documents_and_records_them_as_exports(db, tmp_path, signed_audits, capsys):
    from qbaudit.store import AuditStore

    audit = str(signed_audits["ids"]["defective"])
    out = {name: tmp_path / "out" / name for name in ("报告.docx", "问题清单.xlsx", "整改通知书.docx", "结论.xlsx")}
    status = cli.main(["report", audit, *db, "--out", str(out["报告.docx"]), "--problems", str(out["问题清单.xlsx"]),
                       "--notice", str(out["整改通知书.docx"]), "--findings", str(out["结论.xlsx"]), "--by", "张建国"])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "已写出审核报告" in printed and "6 幅图" in printed and "已写出整改通知书" in printed
    assert Document(str(out["报告.docx"])).paragraphs[0].text == "焊工题库命题质量专项督导审核报告"
    assert load_workbook(out["问题清单.xlsx"]).sheetnames == ["问题清单", "证据明细"]
    with AuditStore(db[1]) as store:
        exports = store.load(int(audit)).exports
    assert [(e.kind, e.file_name, e.sha256) for e in exports] == [
        ("report", "报告.docx", _sha(out["报告.docx"])), ("problems", "问题清单.xlsx", _sha(out["问题清单.xlsx"])),
        ("findings", "结论.xlsx", _sha(out["结论.xlsx"])), ("notice", "整改通知书.docx", _sha(out["整改通知书.docx"]))]


def test_no_notice_for_an_audit_that_is_not_unqualified(db, tmp_path, signed_audits, capsys):
    audit = str(signed_audits["ids"]["compliant"])
    status = cli.main(["report", audit, *db, "--out", str(tmp_path / "r.docx"), "--notice", str(tmp_path / "n.docx")])
    assert status == 3
    assert "不是不合格，也没有记录" in capsys.readouterr().out
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "n.docx").exists()


def test_report_of_an_unknown_audit(db, tmp_path, capsys):
    assert cli.main(["report", "99", *db, "--out", str(tmp_path / "r.docx")]) == 3
    assert "99" in capsys.readouterr().out


def test_report_needs_out(db, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", "1", *db])
    assert exit_info.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_check_with_report_makes_a_quick_check_report(tmp_path, capsys):
    files = ["--bank", str(sample_path("defective", "bank")), "--blueprint", str(sample_path("defective", "blueprint")),
             "--standard", str(sample_path("defective", "standard")), "--as-of", "2026-11-01"]
    report, problems = tmp_path / "quick.docx", tmp_path / "problems.docx"
    status = cli.main(["check", *files, "--report", str(report), "--problems", str(problems),
                       "--institution", "某市职业技能等级认定中心", "--registration", "S370100123"])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "已写出审核报告" in printed and "已写出问题清单" in printed
    document = Document(str(report))
    assert document.paragraphs[0].text == "焊工题库命题质量快速检查报告"
    header = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert header[0] == ["被督导机构名称", "某市职业技能等级认定中心", "机构备案号", "S370100123"]
    assert Document(str(problems)).tables[0].rows[0].cells[-1].text == "整改进展"


def test_check_report_into_an_unwritable_place(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    files = ["--bank", str(sample_path("compliant", "bank")), "--blueprint", str(sample_path("compliant", "blueprint"))]
    assert cli.main(["check", *files, "--report", str(blocker / "r.docx")]) == 3
    assert "无法写入文件" in capsys.readouterr().out
