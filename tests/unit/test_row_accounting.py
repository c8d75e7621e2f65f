"""Every row taken or reported (rows in = taken + reported) when the header misleads: a header that leaves a
column unnamed with a copy of it lower down (the issue's 39 rows in, 32 imported, 0 reported), and a damaged
header that makes a data row the header. Known answers are counted here by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from qbaudit.analysis.inputs import import_input
from tests import fuzzing

HEADER = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "A", "B", "C", "D"]


def _item(number: int, stem: str | None = None) -> list[str]:
    return [f"Q{number:03d}", "四级", "A-B-001", "单选", "3", stem or f"焊接电流第{number}问（　　）。", "甲", "乙", "丙", "丁", "A"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _accounting(path: Path):
    case = fuzzing.Case("test", "by hand", path.name, "bank", path.read_bytes(), rows_checked=True)
    result = import_input("bank", [path])
    verdict = fuzzing.Verdict("ok" if result.ok else "refused")
    fuzzing._count_rows(case, path, result, verdict)
    return result, verdict


def test_unnamed_column_with_a_lower_copy_of_the_header(tmp_path):
    rows = [[*HEADER, ""], *[_item(n) for n in range(1, 19)], [*HEADER, "答案"], *[_item(n) for n in range(19, 39)]]
    result, verdict = _accounting(_write(tmp_path / "表头.csv", rows))
    assert verdict.rows_in == 39 + 1  # 38 items and the two header rows
    assert result.rows_taken == 38 and verdict.rows_taken == 38
    assert [i.row for i in result.rejected] == [20]  # the copy of the header
    assert not verdict.dropped and verdict.rows_in == verdict.rows_taken + verdict.rows_reported + 0
    assert result.data.items["answer"].tolist() == ["A"] * 38
    assert any("第 20 行重复的表头" in i.reason and "答案" in i.reason for i in result.issues)


def test_damaged_header_makes_no_row_vanish(tmp_path):
    damaged = ["编?", "等?", "码?", "型?", "难?", "干?", "甲", "乙", "丙", "丁", "答?"]
    rows = [damaged, *[_item(n) for n in range(1, 4)],
            _item(4, "下列关于题型和答案的说法，正确的是（　　）。"), *[_item(n) for n in range(5, 9)]]
    result, verdict = _accounting(_write(tmp_path / "坏表头.csv", rows))
    assert not verdict.dropped
    assert verdict.rows_in == 9 == verdict.rows_taken + verdict.rows_reported
    # The sentence in row 5 that holds the words 题型 and 答案 is not taken for the header (whose rows above it
    # would have vanished): the file has no header, and the message shows what its first rows hold.
    assert not result.ok and "找不到题库的表头" in result.error and "编?" in result.error


def test_rows_above_a_header_are_named(tmp_path):
    rows = [["焊工题库（四级）"], ["Q900", "四级", "A-B-001", "单选", "3", "表头上方的一道题", "甲", "乙", "丙", "丁", "A"],
            [*HEADER, "答案"], *[_item(n) for n in range(1, 4)]]
    result, verdict = _accounting(_write(tmp_path / "上方.csv", rows))
    assert result.rows_taken == 3 and not verdict.dropped
    above = {i.row: i.severity.value for i in result.issues if i.row in (1, 2)}
    assert above == {1: "info", 2: "rejected"}
