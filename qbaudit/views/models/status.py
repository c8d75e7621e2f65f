"""How a check's status looks everywhere in the window: its colour, a round icon with its glyph and its word
(the glyph and the word make colour not the only cue), the worst of several, and the order of rule ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from qbaudit.analysis.model import Status

STATUS_ORDER = (Status.FAIL, Status.WARN, Status.NA, Status.WAIVED, Status.PASS)  # worst first
_STATUS_COLOUR = {
    Status.FAIL: "#c62828", Status.WARN: "#b26a00", Status.PASS: "#2e7d32", Status.NA: "#616161",
    Status.WAIVED: "#455a96",
}
_STATUS_GLYPH = {Status.FAIL: "✗", Status.WARN: "!", Status.PASS: "✓", Status.NA: "?", Status.WAIVED: "–"}
StatusRole = Qt.ItemDataRole.UserRole + 1  # the status value ("fail", "pass" …) of a row
FindingRole = Qt.ItemDataRole.UserRole + 2  # the Finding of a level row


def status_colour(status: Status) -> QColor:
    """The colour of a status (text and icon)."""
    return QColor(_STATUS_COLOUR[status])


@cache
def status_icon(status: Status) -> QIcon:
    """A small round icon with the status's glyph (✓ ✗ ! ? –) on its colour."""
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(status_colour(status))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.setPen(QPen(QColor("white")))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(22)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, _STATUS_GLYPH[status])
    painter.end()
    return QIcon(pixmap)


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of some statuses (fail before warn before n/a before waived before pass)."""
    present = set(statuses)
    return next((s for s in STATUS_ORDER if s in present), Status.PASS)


def rule_number(rule_id: str) -> tuple[int, str]:
    """Sort key of a rule id (``R2`` before ``R10``)."""
    digits = re.sub(r"\D", "", rule_id)
    return (int(digits) if digits else 10_000, rule_id)

