"""Two similar items side by side with their differences marked (R11 near-duplicate pairs).

:func:`diff_spans` is plain Python (``difflib``); :class:`DiffView` shows its result in two read-only
panes. Differences carry a background colour *and* a text decoration (deleted struck through,
inserted and replaced underlined), so colour is not the only cue.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from qbaudit.i18n import tr

EQUAL, DELETE, INSERT, REPLACE = "equal", "delete", "insert", "replace"

# Background of each kind of difference (light, so black text stays readable).
COLOURS = {DELETE: "#f6c6c6", INSERT: "#c4ecc4", REPLACE: "#fbe8a6"}
_DECORATION = {DELETE: "line-through", INSERT: "underline", REPLACE: "underline"}


@dataclass(frozen=True)
class Span:
    """A run of characters ``text[start:end]`` of one side, and how it differs from the other side."""

    start: int
    end: int
    tag: str  # EQUAL | DELETE (only in the left text) | INSERT (only in the right) | REPLACE


def diff_spans(a: str, b: str) -> tuple[list[Span], list[Span]]:
    """Split ``a`` and ``b`` into spans that are equal or differ (character level).

    Returns the spans of ``a`` (EQUAL, DELETE, REPLACE) and of ``b`` (EQUAL, INSERT, REPLACE); each list
    covers its text from start to end without gaps.
    """
    left: list[Span] = []
    right: list[Span] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:  # "equal", "replace" or "delete"
            left.append(Span(i1, i2, tag))
        if j2 > j1:  # "equal", "replace" or "insert"
            right.append(Span(j1, j2, tag))
    return _merged(left), _merged(right)


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if out and out[-1].tag == span.tag and out[-1].end == span.start:
            out[-1] = Span(out[-1].start, span.end, span.tag)
        else:
            out.append(span)
    return out


def spans_html(text: str, spans: list[Span]) -> str:
    """``text`` as HTML with each differing span on its colour (line breaks kept)."""
    parts = []
    for span in spans:
        piece = html.escape(text[span.start:span.end]).replace("\n", "<br>")
        if span.tag == EQUAL:
            parts.append(piece)
        else:
            parts.append(f'<span style="background-color:{COLOURS[span.tag]}; '
                         f'text-decoration:{_DECORATION[span.tag]};">{piece}</span>')
    return "".join(parts)


class DiffView(QWidget):
    """Two read-only panes showing a pair of texts with the characters that differ marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diff_view")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        panes = QHBoxLayout()
        self.titles: list[QLabel] = []
        self.panes: list[QTextBrowser] = []
        for side in ("left", "right"):
            column = QVBoxLayout()
            title = QLabel()
            title.setObjectName(f"diff_title_{side}")
            title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            pane = QTextBrowser()
            pane.setObjectName(f"diff_{side}")
            pane.setReadOnly(True)
            pane.setOpenLinks(False)
            column.addWidget(title)
            column.addWidget(pane, 1)
            panes.addLayout(column, 1)
            self.titles.append(title)
            self.panes.append(pane)
        layout.addLayout(panes, 1)
        self.legend = QLabel(self._legend_html())
        self.legend.setObjectName("diff_legend")
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        self.texts = ("", "")
        self.clear()

    @staticmethod
    def _legend_html() -> str:
        def swatch(tag: str, key: str) -> str:
            return (f'<span style="background-color:{COLOURS[tag]}; text-decoration:{_DECORATION[tag]};">'
                    f'&nbsp;{html.escape(tr(key))}&nbsp;</span>')

        return tr("findings.diff_legend", deleted=swatch(DELETE, "findings.diff_deleted"),
                  inserted=swatch(INSERT, "findings.diff_inserted"), replaced=swatch(REPLACE, "findings.diff_replaced"))

    def clear(self) -> None:
        """Show nothing (no pair chosen)."""
        self.texts = ("", "")
        for title in self.titles:
            title.setText("")
        self.panes[0].setPlainText("")
        self.panes[1].setPlainText("")
        self.panes[0].setPlaceholderText(tr("findings.diff_empty"))

    def show_pair(self, left_title: str, left_text: str, right_title: str, right_text: str) -> None:
        """Show two texts side by side with their differences marked."""
        self.texts = (left_text, right_text)
        left, right = diff_spans(left_text, right_text)
        self.titles[0].setText(left_title)
        self.titles[1].setText(right_title)
        self.panes[0].setHtml(self._document(spans_html(left_text, left)))
        self.panes[1].setHtml(self._document(spans_html(right_text, right)))

    @staticmethod
    def _document(body: str) -> str:
        return f'<html><body style="font-size:11pt; white-space:pre-wrap;">{body}</body></html>'

    def marked(self, side: int) -> list[tuple[str, str]]:
        """The runs of ``side`` (0 left, 1 right) shown on a background colour: ``(text, colour name)``.

        Read from the panes' documents, so it tells what the user sees.
        """
        runs: list[tuple[str, str]] = []
        block = self.panes[side].document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                brush = fragment.charFormat().background()
                if brush.style() != Qt.BrushStyle.NoBrush:
                    runs.append((fragment.text(), QColor(brush.color()).name()))
                it += 1
            block = block.next()
        return runs
