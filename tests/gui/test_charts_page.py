"""The 图表 page: the report's charts of the defective sample's run, drawn when the page is shown and again
after a new run; none (and a message) for an audit without a run; a warning without a Chinese font."""

from __future__ import annotations

import pytest

from qbaudit.workbench import Changes


@pytest.fixture
def page(qtbot, ctx):
    from qbaudit.views.pages.charts import ChartsPage

    widget = ChartsPage(ctx)
    qtbot.addWidget(widget)
    return widget


def _started(ctx):
    titles = []
    ctx.tasks.started.connect(titles.append)
    return titles


def test_charts_are_drawn_only_when_the_page_is_shown(page, ctx, checked_bench):
    started = _started(ctx)
    ctx.set_workbench(checked_bench)
    assert started == [] and page.chart_count() == 0  # nothing drawn (nor matplotlib loaded) before
    page.show()
    page.activated()
    assert started == ["绘制统计图表"]
    assert page.chart_count() >= 5
    keys = [view.key for view in page.chart_views()]
    assert keys == ["items_per_point", "key_share", "weights", "item_types", "difficulty", "paper_overlap"]
    assert "统计图表" in page.message.text() and "2026-11-01" in page.message.text()
    assert all(view.picture.pixmap() is not None and not view.picture.pixmap().isNull()
               for view in page.chart_views() if view.drawn)
    page.activated()  # shown again, nothing new: not drawn again
    assert started == ["绘制统计图表"]


def test_a_new_run_draws_the_charts_again(page, ctx, checked_bench):
    ctx.set_workbench(checked_bench)
    page.show()
    page.activated()
    first = page.chart_count()
    started = _started(ctx)
    ctx.apply(Changes(decision=True))
    assert started == []
    ctx.apply(Changes(run=True))
    assert started == ["绘制统计图表"]
    assert page.chart_count() == first


def test_a_run_while_hidden_is_drawn_when_shown(page, ctx, checked_bench):
    ctx.set_workbench(checked_bench)
    page.show()
    page.activated()
    page.hide()
    started = _started(ctx)
    ctx.apply(Changes(run=True))
    assert started == []
    page.show()
    assert started == ["绘制统计图表"]


def test_no_charts_for_an_audit_without_a_run(page, ctx, audit_store):
    from qbaudit.analysis.sheets import load_sheet
    from qbaudit.store import InspectorInput
    from qbaudit.workbench import Workbench

    audit_id = audit_store.create_audit(institution="未检查的机构", registration_number=None, occupation="焊工",
                                        levels=[4], inspectors=[InspectorInput("王五", "组长")], sheet=load_sheet())
    started = _started(ctx)
    ctx.set_workbench(Workbench(audit_store, audit_id))
    page.show()
    page.activated()
    assert started == [] and page.chart_count() == 0 and page.chart_views() == []
    assert "还没有运行检查" in page.message.text()


def test_no_audit_says_so(page, ctx):
    page.show()
    page.activated()
    assert page.chart_count() == 0 and "没有打开审核" in page.message.text()


def test_without_a_chinese_font_the_page_warns(page, ctx, checked_bench, monkeypatch):
    import qbaudit.report.charts as charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    ctx.set_workbench(checked_bench)
    page.show()
    page.activated()
    assert page.chart_count() >= 5
    assert page.warning.isVisibleTo(page) and "中文字体" in page.warning.text()
