"""The bank's search in the core (no Qt): filters, sort keys and the row order, codes compared as the checks
compare them (full width folded), scopes split at the profile's separators. Known answers counted by hand."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.search import MISSING, BankFilter, ItemTable, SortKey, find_items, scopes_of, under_scope


@pytest.fixture
def items():
    """Eight items as an institution's bank gives them: dashes and dots in codes, a code typed in full width
    (normalised by the importer; the raw cell kept), ids that repeat, empty cells."""
    codes = ["A-B-001", "A-B-002", "A-B-010", "A.C.001", "A.C.002", "B-A-001", None, "A-B-001"]
    return pd.DataFrame({
        C.ITEM_ID: ["HG10", "HG2", "HG1", "ＨＧ－９", "HG3", "HG20", "HG4", "HG2"],
        C.LEVEL: [4, 4, 3, 4, 3, 2, 4, 4],
        C.POINT_CODE: codes,
        C.POINT_KEY: [c.replace("-", "").replace(".", "") if c else None for c in codes],
        C.ITEM_TYPE: ["单选", "判断", "单选", None, "多选", "单选", "判断", "单选"],
        C.DIFFICULTY: [3.0, 2.0, None, 5.0, 3.0, 1.0, 4.0, 0.5],
        C.STEM: ["焊接电流", "焊条烘干", "气割", "安全帽", "焊接电压", "Welding arc", "识图", "焊缝"],
        C.SOURCE_ROW: [2, 3, 4, 5, 6, 7, 8, 9],
    })


def ids(items, positions):
    return [items[C.ITEM_ID].iloc[p] for p in positions]


def test_the_search_runs_without_qt():
    code = ("import sys, pandas as pd; from qbaudit.analysis.search import BankFilter, find_items; "
            "frame = pd.DataFrame({'item_id': ['A1', 'A2'], 'stem': ['焊接', '气割']}); "
            "assert list(find_items(frame, BankFilter(text='焊'))) == [0]; "
            "assert 'PySide6' not in sys.modules, 'the core search imported Qt'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_no_filter_keeps_the_file_order(items):
    assert list(find_items(items)) == list(range(8))
    assert list(find_items(None)) == []


def test_filters_combine(items):
    assert ids(items, find_items(items, BankFilter(level=4))) == ["HG10", "HG2", "ＨＧ－９", "HG4", "HG2"]
    assert ids(items, find_items(items, BankFilter(level=4, item_type="单选"))) == ["HG10", "HG2"]
    assert ids(items, find_items(items, BankFilter(item_type=MISSING))) == ["ＨＧ－９"]
    assert ids(items, find_items(items, BankFilter(difficulty=3.0))) == ["HG10", "HG3"]
    assert ids(items, find_items(items, BankFilter(difficulty=(0.5, 2.0)))) == ["HG2", "HG20", "HG2"]
    assert ids(items, find_items(items, BankFilter(text="焊接"))) == ["HG10", "HG3"]
    assert ids(items, find_items(items, BankFilter(text="welding"))) == ["HG20"]  # case-insensitive
    assert ids(items, find_items(items, BankFilter(text="hg1"))) == ["HG10", "HG1"]
    assert list(find_items(items, BankFilter(text="没有"))) == []


def test_a_point_is_found_as_the_bank_the_blueprint_or_a_finding_writes_it(items):
    expected = ["HG10", "HG2"]
    for written in ("A-B-001", "Ａ－Ｂ－００１", "a-b-001", "AB001", "A.B.001", " A－B－001 "):
        assert ids(items, find_items(items, BankFilter(point=written))) == expected, written
    assert ids(items, find_items(items, BankFilter(point="Ａ．Ｃ．００２"))) == ["HG3"]
    assert list(find_items(items, BankFilter(point="Z-Z-999"))) == []


def test_scopes_split_at_the_profiles_separators(items):
    codes = [c for c in items[C.POINT_CODE] if c]
    assert scopes_of(codes) == ["A", "A-B", "A.C", "B", "B-A"]
    assert scopes_of(codes, separators="-") == ["A", "A-B", "B", "B-A"]  # a profile without "." as separator
    assert ids(items, find_items(items, BankFilter(scope="A.C"))) == ["ＨＧ－９", "HG3"]
    assert ids(items, find_items(items, BankFilter(scope="A"))) == ["HG10", "HG2", "HG1", "ＨＧ－９", "HG3", "HG2"]
    assert ids(items, find_items(items, BankFilter(scope="Ａ－Ｂ"))) == ["HG10", "HG2", "HG1", "HG2"]
    assert under_scope("A.C.001", "A.C") and under_scope("A-B", "A-B") and not under_scope("A-BC-001", "A-B")


def test_sorting_is_natural_stable_and_puts_empty_cells_last(items):
    assert ids(items, find_items(items, sort=SortKey(C.ITEM_ID))) == [
        "HG1", "HG2", "HG2", "HG3", "HG4", "HG10", "HG20", "ＨＧ－９"]
    by_difficulty = find_items(items, sort=SortKey(C.DIFFICULTY, descending=True))
    assert ids(items, by_difficulty) == ["ＨＧ－９", "HG4", "HG10", "HG3", "HG2", "HG20", "HG2", "HG1"]
    assert ids(items, find_items(items, BankFilter(level=4), SortKey(C.POINT_CODE))) == [
        "HG10", "HG2", "HG2", "ＨＧ－９", "HG4"]


def test_the_table_keeps_its_orders_and_an_item_is_found_by_its_id_written_any_way(items):
    table = ItemTable(items)
    first = table.order(SortKey(C.STEM))
    assert table.order(SortKey(C.STEM)) is first  # computed once per column and direction
    assert table.position_of_item("HG2") == 1  # the first of two
    assert table.position_of_item("HG-9") == 3 == table.position_of_item("ＨＧ－９")
    assert table.position_of_item("hg10") == 0 and table.position_of_item("NO-SUCH") == -1
    assert table.distinct(C.ITEM_TYPE) == ["判断", "单选", "多选", None]
    mask = table.mask(BankFilter(level=4))
    assert table.distinct(C.POINT_CODE, mask) == ["A-B-001", "A-B-002", "A.C.001", None]
    assert np.array_equal(table.find(BankFilter(level=4)), np.flatnonzero(items[C.LEVEL] == 4))
