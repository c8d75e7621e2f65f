"""The base of the audit's pages: each page is told when an audit opens, when it changes, and when it
is shown, and keeps only layout and the calls into the workbench."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from qbaudit.views.context import AppContext


class Page(QWidget):
    """One page of the open audit (基本信息, 数据导入, 检查结果 …).

    Subclasses set ``key`` (the page's id) and ``title_key`` (its catalogue key), and override the
    hooks they need. ``self.ctx.workbench`` is the open audit (None when none is open).
    """

    key = ""
    title_key = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.key}")
        ctx.opened.connect(self.audit_opened)
        ctx.changed.connect(self.audit_changed)

    def title(self) -> str:
        """The page's name in the navigation (Chinese)."""
        from qbaudit.i18n import tr

        return tr(self.title_key)

    def audit_opened(self) -> None:
        """An audit was opened or closed: show it (``self.ctx.workbench``) or clear the page."""

    def audit_changed(self, changes: Any) -> None:
        """The open audit changed: ``changes`` (a :class:`~qbaudit.workbench.Changes`) says what, once per step."""

    def activated(self) -> None:
        """The page was brought to the front."""

    def save(self) -> bool:
        """Save a pending edit (Ctrl+S); return True when there was one."""
        return False
