"""A bank of n identical items (one text, one key, one level, ids Q0001…), imported through the one door: the
known answer of R11's grouping (one group of n members, n − 1 listed pairs), shared by the tests and
``bench/bench_guard.py``."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

STEM = "焊接电流过大时，焊缝容易产生的缺陷是（　　）。"
OPTIONS = ["咬边", "未焊透", "夹渣", "气孔"]


def identical_bank(count: int, level: str = "四级"):  # type: ignore[no-untyped-def]
    """The :class:`~qbaudit.analysis.model.Bank` of ``count`` identical single-choice items."""
    from qbaudit.analysis.inputs import import_input

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "相同题.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "A", "B", "C", "D", "答案"])
            for number in range(1, count + 1):
                writer.writerow([f"Q{number:04d}", level, "A-B-001", "单选", "3", STEM, *OPTIONS, "A"])
        result = import_input("bank", [path])
    assert result.ok, result.error
    return result.data
