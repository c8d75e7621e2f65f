"""The 图表 page: the report's charts of the audit's last check run, drawn live.

The charts come from :func:`qbaudit.report.charts.render_charts` (the same figures the Word report
carries), drawn on the task runner as PNGs; matplotlib is imported only there, the first time the page
is shown. A chart without data is listed with the reason it is left out; without a Chinese font the
page says so (the charts are drawn anyway).
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from qbaudit.i18n import tr
from qbaudit.views.pages.base import Page

CHART_WIDTH_MM = 160
CHART_DPI = 120


def draw_charts(findings: Any, state: Any = None) -> Any:
    """Every chart of the report from ``findings`` (a :class:`~qbaudit.report.charts.ChartSet`); runs on a
    pool thread, so matplotlib is imported here and nowhere in the window."""
    from qbaudit.analysis.progress import checkpoint
    from qbaudit.report.charts import render_charts

    if state is not None:
        checkpoint(state, 0.05, tr("charts.page_rendering"))
    charts = render_charts(tuple(findings), width_mm=CHART_WIDTH_MM, dpi=CHART_DPI)
    if state is not None:
        checkpoint(state, 1.0, tr("charts.page_rendering"))
    return charts


class ChartView(QFrame):
    """One chart: its caption and the picture, or the note saying why it is left out."""

    def __init__(self, number: int, chart: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = chart.key
        self.setObjectName("chart" if chart.png else "chartLeftOut")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("ChartView { background: white; }")
        layout = QVBoxLayout(self)
        caption = QLabel(tr("charts.page_caption", n=number, caption=chart.caption))
        caption.setObjectName("chartCaption")
        caption.setWordWrap(True)
        caption.setStyleSheet("font-weight: bold;")
        layout.addWidget(caption)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignLeft)
        if chart.png:
            pixmap = QPixmap()
            pixmap.loadFromData(chart.png, "PNG")
            self.picture.setPixmap(pixmap)
            self.picture.setMinimumSize(pixmap.size())  # the scroll area scrolls; the picture is not squeezed
            self.picture.setObjectName("chartPicture")
        else:
            self.picture.setText(chart.note or tr("charts.no_data"))
            self.picture.setStyleSheet("color: #7f7f7f;")
            self.picture.setWordWrap(True)
        layout.addWidget(self.picture)
        if chart.png and chart.note:
            note = QLabel(chart.note)
            note.setWordWrap(True)
            note.setStyleSheet("color: #7f7f7f;")
            layout.addWidget(note)

    @property
    def drawn(self) -> bool:
        """True when the chart has a picture."""
        return self.objectName() == "chart"


class ChartsPage(Page):
    """The charts of the audit's last check run, in a scroll area."""

    key = "charts"
    title_key = "charts.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._dirty = True  # the charts shown are not those of the open audit's run
        self._busy = False
        self._again = False  # a newer run arrived while drawing
        self._generation = 0
        self._shown = False  # matplotlib is loaded only once the page has been shown
        self.chart_set: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.message = QLabel()
        self.message.setObjectName("chartsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.warning = QLabel()
        self.warning.setObjectName("chartsWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c00000;")
        self.warning.setVisible(False)
        layout.addWidget(self.warning)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("chartsScroll")
        self.scroll.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(self.body)
        layout.addWidget(self.scroll, 1)
        self._show_state()

    # --- hooks ---------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """A new audit: its charts are drawn when the page is shown."""
        self._generation += 1
        self._dirty = True
        self._clear()
        self._show_state()
        if self._live():
            self.refresh()

    def audit_changed(self, changes: Any) -> None:
        """A new check run changes the charts."""
        if not changes.run:
            return
        self._generation += 1
        self._dirty = True
        if self._live():
            self.refresh()
        else:
            self._show_state()

    def activated(self) -> None:
        """The page is shown: draw the charts if they are not those of the current run."""
        self._shown = True
        if self._dirty:
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Shown again after a run arrived while hidden: draw the new charts."""
        super().showEvent(event)
        if self._shown and self._dirty and not self._busy:
            self.refresh()

    def _live(self) -> bool:
        return self._shown and self.isVisible()

    # --- drawing -------------------------------------------------------------------------------

    def _findings(self) -> Any:
        bench = self.ctx.workbench
        if bench is None or bench.view.run is None:
            return None
        return bench.view.findings

    def refresh(self) -> bool:
        """Draw the charts of the open audit's run on the task runner; False when there is nothing to draw."""
        findings = self._findings()
        if findings is None:
            self._dirty = False
            self._clear()
            self._show_state()
            return False
        if self._busy:
            self._again = True
            return True
        self._busy = True
        self._dirty = False
        generation = self._generation
        self.message.setText(tr("charts.page_rendering"))
        self.ctx.tasks.start(tr("charts.task_title"), lambda state: draw_charts(findings, state),
                             done=lambda charts: self._drawn(generation, charts),
                             failed=self._failed, cancelled=self._cancelled)
        return True

    def _finish(self) -> bool:
        """End of a drawing; True when a newer one was asked for meanwhile (and started)."""
        self._busy = False
        if self._again:
            self._again = False
            self.refresh()
            return True
        return False

    def _drawn(self, generation: int, charts: Any) -> None:
        if self._finish() or generation != self._generation:
            return
        self._clear()
        self.chart_set = charts
        for number, chart in enumerate(charts.charts, 1):
            self.body_layout.insertWidget(self.body_layout.count() - 1, ChartView(number, chart, self.body))
        self.body_layout.activate()  # size the scrolled body now, not at the next layout pass
        self.warning.setText("\n".join(charts.warnings))
        self.warning.setVisible(bool(charts.warnings))
        self._show_state()

    def _failed(self, message: str, details: str) -> None:
        self._dirty = True
        if not self._finish():
            self._show_state()
            self.ctx.error(message, details)

    def _cancelled(self) -> None:
        self._dirty = True
        if not self._finish():
            self._show_state()

    def _clear(self) -> None:
        for view in self.chart_views():
            self.body_layout.removeWidget(view)
            view.setParent(None)
            view.deleteLater()
        self.warning.clear()
        self.warning.setVisible(False)
        self.chart_set = None

    def chart_views(self) -> list[ChartView]:
        """The chart widgets shown (drawn and left out)."""
        return self.body.findChildren(ChartView)

    def chart_count(self) -> int:
        """How many charts are drawn on the page."""
        return sum(1 for view in self.chart_views() if view.drawn)

    def _show_state(self) -> None:
        bench = self.ctx.workbench
        if bench is None:
            text = tr("charts.page_no_audit")
        elif bench.view.run is None:
            text = tr("charts.page_no_run")
        elif self._busy:
            text = tr("charts.page_rendering")
        elif self.chart_set is not None:
            left_out = len(self.chart_set.charts) - self.chart_count()
            text = tr("charts.page_summary", drawn=self.chart_count(), left_out=left_out,
                      as_of=bench.view.run.as_of.isoformat())
        else:
            text = tr("charts.page_waiting")
        self.message.setText(text)
        self.scroll.setVisible(bench is not None and bench.view.run is not None)


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview
    from qbaudit.views.workers import InlinePool

    class _Preview(ChartsPage):
        def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
            if "--png" in sys.argv:  # draw before the picture is taken
                ctx.tasks.pool = InlinePool()
            super().__init__(ctx, parent)

    sys.exit(run_preview(_Preview))
