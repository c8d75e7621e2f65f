"""Every user-facing string goes through the catalogue: no raw key (``cli.kind_plan``) reaches the console
or a report. The window's side is tests/gui/test_raw_keys.py."""

from __future__ import annotations

import contextlib

import pytest
from docx import Document

from qbaudit import cli
from tests.conftest import SAMPLES, paper_files, sample_path
from tests.rawkeys import raw_keys


def test_the_detector_finds_keys_and_leaves_file_names_alone():
    assert raw_keys("类别 cli.kind_plan 与 R11.kind_duplicate；R1.pass") == {"cli.kind_plan", "R11.kind_duplicate",
                                                                         "R1.pass"}
    assert raw_keys("bank.xlsx sample-audit.json qbaudit.log 127.0.0.1 report.docx v1.json") == set()
    assert raw_keys("missing.key_of_no_area") == set() and raw_keys("report.some_missing_key") == {
        "report.some_missing_key"}


@pytest.fixture(autouse=True)
def _log_to_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))


def _run(capsys, *args: str) -> str:
    with contextlib.suppress(SystemExit):  # --help
        cli.main(list(args))
    captured = capsys.readouterr()
    return captured.out + captured.err


def _document_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_no_raw_key_reaches_the_console(capsys, tmp_path):
    fixtures = SAMPLES.parent / "tests" / "fixtures" / "checks"
    outputs = {
        "help": _run(capsys, "--help"),
        "check help": _run(capsys, "check", "--help"),
        "audit help": _run(capsys, "audit", "--help"),
        "report help": _run(capsys, "report", "--help"),
        "profiles": _run(capsys, "profiles"),
        "templates": _run(capsys, "templates"),
        "bad argument": _run(capsys, "check", "--bank", "x.xlsx", "--blueprint", "y.xlsx", "--as-of", "2026-13-45"),
        "missing file": _run(capsys, "check", "--bank", str(tmp_path / "无.xlsx"), "--blueprint",
                             str(sample_path("defective", "blueprint"))),
        # A bank with nothing to check for most rules: every 无法判断 message.
        "untyped bank": _run(capsys, "check", "--bank", str(fixtures / "电工_无题型.csv"), "--level", "四级",
                             "--blueprint", str(fixtures / "细目表_无重要程度.xlsx"), "--details"),
        # The sample audit with every input (the plan's kind is where cli.kind_plan showed) and its documents.
        "sample": _run(capsys, "check", "--bank", str(sample_path("defective", "bank")),
                       "--blueprint", str(sample_path("defective", "blueprint")),
                       "--standard", str(sample_path("defective", "standard")),
                       "--papers", *[str(p) for p in paper_files("defective")],
                       "--plan", str(SAMPLES / "defective" / "plan.xlsx"), "--as-of", "2026-11-01", "--details",
                       "--report", str(tmp_path / "quick.docx")),
    }
    assert "组卷计划书" in outputs["sample"] and "无法判断" in outputs["untyped bank"]
    assert (tmp_path / "quick.docx").exists()
    found = {name: raw_keys(text) for name, text in outputs.items()}
    assert found == {name: set() for name in outputs}
    assert raw_keys(_document_text(tmp_path / "quick.docx")) == set()


@pytest.mark.slow
def test_no_raw_key_reaches_a_report(report_files, signed_audits, tmp_path):
    from qbaudit.report import report_from_view, write_document

    texts = {name: _document_text(outcome.path) for name, outcome in report_files.items()}
    data = report_from_view(signed_audits["views"]["defective"])
    for kind in ("problems", "notice"):
        texts[kind] = _document_text(write_document(kind, data, tmp_path / f"{kind}.docx").path)
    assert {name: raw_keys(text) for name, text in texts.items()} == {name: set() for name in texts}
