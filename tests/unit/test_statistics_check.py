"""R18 from answer data: long and wide files, the finding and its evidence, small samples, items the
bank lacks, and the command line's --responses."""

from __future__ import annotations

import json

import pytest

from qbaudit import cli
from qbaudit.analysis.importers import Severity
from qbaudit.analysis.importers.responses import import_responses
from qbaudit.analysis.model import Status
from qbaudit.analysis.profile import load_profile
from qbaudit.operations import run_audit
from tests.helpers import write_csv, write_xlsx
from tests.unit.test_stats import planted

BP_HEADER = ["等级", "考评范围代码", "考评范围名称", "比重", "考评点代码", "考评点名称", "重要程度"]
BANK_HEADER = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "修订日期"]


@pytest.fixture
def audit_files(tmp_path):
    """A bank holding the planted items (all keyed A), a blueprint, and the planted answers long and wide."""
    frame, key = planted()
    items = list(key)
    bank = write_xlsx(tmp_path / "bank.xlsx", {"四级": [BANK_HEADER, *[
        [item, "四级", "A-001", "单选", "3", f"第{n}题（　　）。", "甲", "乙", "丙", "丁", "A", "2026-06-01"]
        for n, item in enumerate(items, start=1)]]})
    blueprint = write_xlsx(tmp_path / "bp.xlsx", {"四级": [BP_HEADER, ["四级", "A", "基础", 100, "001", "一", "X"]]})
    long_rows = [["准考证号", "试题编号", "考生答案"], *frame.itertuples(index=False)]
    long = write_xlsx(tmp_path / "answers-long.xlsx", {"作答": [list(r) for r in long_rows]})
    wide_table = frame.pivot(index="candidate", columns="item_id", values="response")[items]
    wide_rows = [["考生", *items, "总分"], *[[c, *row, None] for c, row in zip(wide_table.index, wide_table.to_numpy().tolist(),
                                                                          strict=True)]]
    wide = write_csv(tmp_path / "answers-wide.csv", wide_rows, encoding="gbk")
    return bank, blueprint, long, wide


def test_long_and_wide_answer_files_read_alike(audit_files):
    _, _, long, wide = audit_files
    from_long, from_wide = import_responses(long), import_responses(wide)
    assert from_long.ok and from_wide.ok, (from_long.error, from_wide.error)
    assert (from_long.data.shape, from_wide.data.shape) == ("long", "wide")
    columns = ["candidate", "item_id", "response"]
    left = from_long.data.frame[columns].sort_values(columns[:2]).reset_index(drop=True)
    right = from_wide.data.frame[columns].sort_values(columns[:2]).reset_index(drop=True)
    assert left.astype(str).equals(right.astype(str)) and len(left) == 40 * 13


def test_r18_finds_the_planted_items_and_says_why(audit_files):
    bank, blueprint, long, _ = audit_files
    run = run_audit(bank, blueprint, load_profile(), responses=long)
    assert run.ok, run.errors
    finding = run.report.get("R18", 4)
    assert finding.status is Status.WARN and finding.sheet_line == "反馈机制健全"
    assert finding.measured == 5  # HARD, EASY, FLAT, LURE, MISKEY
    assert "40 名考生、13 道试题" in finding.message and "KR-20" in finding.message
    assert "疑似答案有误 1 道" in finding.message and "干扰项更受高分组青睐" in finding.message
    assert "样本" not in finding.message
    papers, items, options = finding.evidence
    assert papers.rows[0]["candidates"] == 40 and papers.rows[0]["index"] == "KR-20"
    flags = {r["item_id"]: r["flags"] for r in items.rows}
    assert flags["MISKEY"].count("疑似答案有误（B）") == 1 and flags["K1"] == ""
    assert "干扰项高分组选得更多（C）" in flags["LURE"] and "（D）" not in flags["LURE"]
    lure = {r["option"]: (r["upper"], r["lower"]) for r in options.rows if r["item_id"] == "LURE"}
    assert lure["C"][0] > lure["C"][1]


def test_small_sample_is_said_to_be_small(audit_files, tmp_path):
    bank, blueprint, _, _ = audit_files
    frame, _ = planted()
    few = frame[frame["candidate"] < "S20"]
    path = write_xlsx(tmp_path / "few.xlsx", {"S": [["考生", "题号", "作答"], *[list(r) for r in few.itertuples(index=False)]]})
    finding = run_audit(bank, blueprint, load_profile(), responses=path).report.get("R18", 4)
    assert finding.status is Status.WARN and "样本只有 20 名考生（少于 30 名）" in finding.message


def test_items_missing_from_the_bank_and_unusable_rows(audit_files, tmp_path):
    bank, blueprint, _, _ = audit_files
    rows = [["考生", "试题编号", "作答", "得分"], ["甲", "K1", "A", None], ["乙", "K1", "B", None], ["丙", None, "A", None],
            ["甲", "X99", "A", "1"], ["乙", "K2", None, "两分"]]
    path = write_xlsx(tmp_path / "answers.xlsx", {"S": rows})
    result = import_responses(path)
    assert [(i.row, i.severity) for i in result.issues] == [(4, Severity.REJECTED), (6, Severity.WARNING)]
    finding = run_audit(bank, blueprint, load_profile(), responses=path).report.get("R18", 4)
    assert "1 道试题在题库中找不到（如 X99）" in finding.message
    assert finding.evidence[-1].rows == ({"item_id": "X99"},)


def test_without_answer_data_r18_says_what_to_look_at(audit_files):
    bank, blueprint, _, _ = audit_files
    finding = run_audit(bank, blueprint, load_profile()).report.get("R18", 4)
    assert finding.status is Status.NA and "试题分析报告" in finding.message


def test_command_line_takes_responses(audit_files, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    bank, blueprint, _, wide = audit_files
    out = tmp_path / "result.json"
    assert cli.main(["check", "--bank", str(bank), "--blueprint", str(blueprint), "--responses", str(wide),
                     "--as-of", "2026-11-01", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "作答数据" in printed and "R18" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    [r18] = [f for f in data["findings"] if f["rule"] == "R18"]
    assert r18["status"] == "warn" and r18["measured"] == 5
    assert {f["kind"] for f in data["inputs"]} == {"bank", "blueprint", "responses"}
