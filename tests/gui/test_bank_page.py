"""The bank browser on the defective sample's imported bank: filters with known counts, sorting, showing
an item or a point, and the table model checked by qtmodeltester."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.search import MISSING, BankFilter
from qbaudit.views.models.bank import BANK_COLUMNS, BankTableModel


@pytest.fixture
def page(qtbot, ctx, checked_bench):
    from qbaudit.views.pages.bank import BankPage

    widget = BankPage(ctx)
    qtbot.addWidget(widget)
    ctx.set_workbench(checked_bench)
    return widget


@pytest.fixture
def items(checked_bench):
    return checked_bench.bank.items


def test_the_table_shows_every_item(page, items, qtmodeltester):
    assert page.model.rowCount() == len(items) == 3296
    assert page.count_label.text() == "显示 3296 / 共 3296 道"
    qtmodeltester.check(page.model)
    model = page.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "试题编号"
    assert model.data(model.index(0, 0)) == items[C.ITEM_ID].iloc[0]
    assert model.data(model.index(0, 1)) == "四级/中级工"
    assert model.data(model.index(0, BANK_COLUMNS.index(C.SOURCE_ROW))) == str(items[C.SOURCE_ROW].iloc[0])
    # the first item is chosen and shown in full
    assert page.current_item_id() == items[C.ITEM_ID].iloc[0]
    assert items[C.STEM].iloc[0] in page.detail_text()


def test_level_filter_gives_the_items_of_each_level(page, items, manifests):
    expected = manifests["defective"]["expected"]
    for level in (4, 3, 2):
        page.level_combo.setCurrentIndex(page.level_combo.findData(level))
        count = int((items[C.LEVEL] == level).sum())
        assert count == expected[str(level)]["items"]
        assert page.model.rowCount() == count
        assert page.count_label.text() == f"显示 {count} / 共 3296 道"
        levels = {page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())}
        assert len(levels) == 1
    page.clear_filters()
    assert page.model.rowCount() == 3296


def test_type_scope_point_and_difficulty_filters(page, items, qtmodeltester):
    types = items[C.ITEM_TYPE].value_counts()
    for item_type, count in types.items():
        page.type_combo.setCurrentIndex(page.type_combo.findData(item_type))
        assert page.model.rowCount() == count
    page.type_combo.setCurrentIndex(page.type_combo.findData(MISSING))
    assert page.model.rowCount() == int(items[C.ITEM_TYPE].isna().sum()) == 3
    qtmodeltester.check(page.model)
    page.clear_filters()

    page.level_combo.setCurrentIndex(page.level_combo.findData(4))
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("A-B"))
    in_scope = (items[C.LEVEL] == 4) & items[C.POINT_CODE].str.startswith("A-B-").fillna(False)
    assert page.model.rowCount() == int(in_scope.sum()) > 0
    # the point combo offers only the scope's points of the level
    points = [page.point_combo.itemData(i) for i in range(1, page.point_combo.count())]
    assert points and all(p.startswith("A-B-") for p in points)
    page.point_combo.setCurrentIndex(page.point_combo.findData("A-B-030"))
    assert page.model.rowCount() == int(((items[C.LEVEL] == 4) & (items[C.POINT_CODE] == "A-B-030")).sum()) == 2
    page.clear_filters()

    page.difficulty_combo.setCurrentIndex(page.difficulty_combo.findData(3.0))
    assert page.model.rowCount() == int((items[C.DIFFICULTY] == 3).sum())


def test_free_text_search_is_debounced_and_case_insensitive(page, items, qtbot):
    page.search_edit.setText("hg40001")  # ids are upper case
    assert page.model.rowCount() == 3296  # not yet: the search waits for typing to pause
    assert page.search_timer.isActive()
    expected = int(items[C.ITEM_ID].str.contains("HG40001").sum())
    qtbot.waitUntil(lambda: page.model.rowCount() == expected, timeout=2000)
    page.search_edit.setText("爱岗敬业")
    qtbot.waitUntil(lambda: not page.search_timer.isActive(), timeout=2000)
    text = items[[C.ITEM_ID, C.STEM, *C.OPTIONS]].fillna("").astype(str).agg("\n".join, axis=1)
    assert page.model.rowCount() == int(text.str.contains("爱岗敬业", regex=False).sum()) > 0
    # filters combine
    page.level_combo.setCurrentIndex(page.level_combo.findData(3))
    assert page.model.rowCount() == int((text.str.contains("爱岗敬业", regex=False) & (items[C.LEVEL] == 3)).sum())
    page.search_edit.setText("没有这样的试题内容")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=2000)
    assert page.count_label.text() == "显示 0 / 共 3296 道"


def test_clicking_a_header_sorts_stably(page, items):
    model, table = page.model, page.table
    column = BANK_COLUMNS.index(C.DIFFICULTY)
    table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    positions = model.visible_positions
    values = items[C.DIFFICULTY].to_numpy(dtype=float, na_value=np.nan)[positions]
    known = values[~np.isnan(values)]
    assert np.all(np.diff(known) >= 0)
    assert np.isnan(values[len(known):]).all() and len(known) == 3291  # empty cells last
    for value in np.unique(known):  # stable: equal difficulties keep the file's order
        same = positions[values == value]
        assert np.all(np.diff(same) > 0)
    table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    values = items[C.DIFFICULTY].to_numpy(dtype=float, na_value=np.nan)[model.visible_positions]
    assert np.all(np.diff(values[~np.isnan(values)]) <= 0)
    assert model.data(model.index(0, column)) == "8"

    table.sortByColumn(BANK_COLUMNS.index(C.ITEM_ID), Qt.SortOrder.DescendingOrder)
    ids = [model.item_id(r) for r in range(5)]
    assert ids == sorted(ids, reverse=True)
    table.sortByColumn(BANK_COLUMNS.index(C.LEVEL), Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 1)) == "二级/技师"


def test_sorting_keeps_the_chosen_item_and_the_filter(page, items):
    page.level_combo.setCurrentIndex(page.level_combo.findData(3))
    page.show_item("HG300680")
    page.table.sortByColumn(BANK_COLUMNS.index(C.STEM), Qt.SortOrder.AscendingOrder)
    assert page.current_item_id() == "HG300680"
    assert page.model.rowCount() == 1096


def test_natural_order_of_ids(qtmodeltester):
    import pandas as pd

    frame = pd.DataFrame({
        C.ITEM_ID: ["A10", "A2", "B1", None, "A1", "a3"], C.LEVEL: [4, 4, 3, 3, 2, None],
        C.STEM: ["甲", "乙", None, "丁", "戊", "己"], C.DIFFICULTY: [0.5, None, 0.2, 0.9, 0.5, 0.1],
        C.POINT_CODE: ["A-B-010", "A-B-002", None, "A-A-001", "A-B-010", "B-A-001"],
        C.SOURCE_ROW: [2, 3, 4, 5, 6, 7],
    })
    frame[C.POINT_KEY] = frame[C.POINT_CODE].str.replace("-", "")
    model = BankTableModel(frame)
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.item_id(r) for r in range(6)] == ["A1", "A2", "A10", "B1", "a3", ""]
    model.sort(BANK_COLUMNS.index(C.DIFFICULTY), Qt.SortOrder.AscendingOrder)
    assert [model.item_id(r) for r in range(6)] == ["a3", "B1", "A10", "A1", "", "A2"]
    model.set_filter(BankFilter(point="AB010"))  # a code as the blueprint writes it, matched by its key
    assert [model.item_id(r) for r in range(model.rowCount())] == ["A10", "A1"]
    model.set_filter(BankFilter(difficulty=(0.4, 1.0)))
    assert model.rowCount() == 3
    model.set_filter(BankFilter(text="戊"))
    assert [model.item_id(r) for r in range(model.rowCount())] == ["A1"]
    qtmodeltester.check(model)


def test_show_item_clears_filters_that_hide_it(page, items):
    page.level_combo.setCurrentIndex(page.level_combo.findData(3))
    assert page.show_item("HG400344")
    assert page.current_item_id() == "HG400344"
    assert page.level_combo.currentData() is None and page.model.rowCount() == 3296
    row = items.index[items[C.ITEM_ID] == "HG400344"][0]
    detail = page.detail_text()
    assert items[C.STEM].iloc[row] in detail
    assert f"第 {items[C.SOURCE_ROW].iloc[row]} 行" in detail and "bank.xlsx" in detail
    assert not page.show_item("NO-SUCH-ITEM")


def test_show_point(page, items):
    count = page.show_point("A-B-030")
    assert count == int((items[C.POINT_CODE] == "A-B-030").sum())
    assert page.model.rowCount() == count
    assert items[C.POINT_CODE].iloc[page.current_position()] == "A-B-030"
    assert page.show_point("A-B-030", level=4) == 2
    assert page.level_combo.currentData() == 4
    assert page.jump_to("point", "Z-Z-999") is False


def test_no_bank(qtbot, ctx):
    from qbaudit.views.pages.bank import BankPage

    widget = BankPage(ctx)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 0
    assert widget.stack.currentIndex() == 0 and "没有打开的审核" in widget.empty_label.text()
