"""Bounded evidence (R11): a group of identical items is one group with its members (n − 1 listed pairs in one
cluster), not n² pairs; identical items in two levels are grouped per level and linked across; the hint search
finds a key however long and repetitive it is. Known answers are built here; speed is measured by
``bench/bench_guard.py``, not asserted."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from qbaudit.analysis.checks import run_checks
from qbaudit.analysis.checks.context import AuditInput
from qbaudit.analysis.inputs import import_input
from qbaudit.analysis.model import Blueprint, Status
from qbaudit.analysis.profile import load_profile
from tests.identical import identical_bank


def _report(bank):
    return run_checks(AuditInput(bank=bank, blueprint=Blueprint(scopes=[], points=[]), as_of=dt.date(2026, 11, 1)),
                      profile=load_profile(None))


def _rows(finding, title: str) -> list[dict]:
    return [row for evidence in finding.evidence if title in evidence.title for row in evidence.rows]


def test_two_thousand_identical_items_are_one_group_of_two_thousand():
    report = _report(identical_bank(2000))
    finding = report.get("R11", 4)
    rows = _rows(finding, "重复与近似")
    assert finding.status is Status.FAIL
    assert len(rows) == 1999 and {row["cluster"] for row in rows} == {1}
    members = {row["item_a"] for row in rows} | {row["item_b"] for row in rows}
    assert members == {f"Q{n:04d}" for n in range(1, 2001)}
    assert {row["item_a"] for row in rows} == {"Q0001"}  # each member listed with the group's first item
    assert "最大的一组 2000 道题" in finding.message and "1999 对" in finding.message


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["试题编号", "等级", "题型", "题干", "A", "B", "C", "D", "答案"])
        writer.writerows(rows)
    return path


def test_identical_items_in_two_levels_group_per_level_and_link_across(tmp_path):
    item = ["单选", "焊条电弧焊时，焊接电流主要根据什么选择（　　）。", "焊条直径", "电弧长度", "焊接速度", "坡口角度", "A"]
    rows = [["F1", "四级", *item], ["F2", "四级", *item], ["F3", "四级", *item], ["T1", "三级", *item],
            ["T2", "三级", *item]]
    result = import_input("bank", [_write(tmp_path / "两级.csv", rows)])
    report = _report(result.data)
    four = {frozenset((r["item_a"], r["item_b"])) for r in _rows(report.get("R11", 4), "重复与近似")}
    three = {frozenset((r["item_a"], r["item_b"])) for r in _rows(report.get("R11", 3), "重复与近似")}
    across = {frozenset((r["item_a"], r["item_b"])) for r in _rows(report.get("R11", None), "不同等级")}
    assert four == {frozenset(("F1", "F2")), frozenset(("F1", "F3"))}
    assert three == {frozenset(("T1", "T2"))}
    assert across == {frozenset(("T1", "F1"))}


def test_a_long_repeated_key_is_found_as_a_hint(tmp_path):
    long_key = "电流" * 16_000  # 32 000 characters of one repeated word, as in the report
    rows = [["H1", "四级", "单选", "下列哪一项是正确的（　　）。", long_key, "电压", "电阻", "电容", "A"],
            ["H2", "四级", "判断", "题干中写出了答案：" + long_key + "。", "", "", "", "", "√"],
            ["H3", "四级", "判断", "另一道与之无关的判断题，说的是别的事情。", "", "", "", "", "×"]]
    result = import_input("bank", [_write(tmp_path / "提示.csv", rows)])
    hints = _rows(_report(result.data).get("R11", 4), "提示")
    assert [(row["revealed"], row["revealing"]) for row in hints] == [("H1", "H2")]
