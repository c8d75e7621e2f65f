"""Open one page alone on the sample audit (``python -m qbaudit.views.pages.findings``), or render it to
a PNG offscreen (``--png out.png``): for working on a page without the whole window."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any


def sample_context(folder: Path | None = None) -> Any:
    """An :class:`~qbaudit.views.context.AppContext` with the defective sample audit open (a store in a
    temporary folder; imports and checks run on the calling thread)."""
    from qbaudit.samples import open_sample_audit
    from qbaudit.settings import Settings
    from qbaudit.store import AuditStore
    from qbaudit.views.context import AppContext
    from qbaudit.views.workers import TaskRunner

    folder = folder or Path(tempfile.mkdtemp(prefix="qbaudit-preview-"))
    store = AuditStore(f"sqlite:///{folder / 'audits.db'}")
    ctx = AppContext(TaskRunner(), store, Settings())
    ctx.set_workbench(open_sample_audit(store))
    return ctx


def run_preview(page_class: type, argv: list[str] | None = None) -> int:
    """Show ``page_class`` on the sample audit; with ``--png FILE`` render it offscreen and exit."""
    from PySide6.QtWidgets import QApplication

    argv = list(sys.argv[1:] if argv is None else argv)
    png = Path(argv[argv.index("--png") + 1]) if "--png" in argv else None
    app = QApplication.instance() or QApplication([sys.argv[0]])
    from qbaudit.views.app import install_translators

    install_translators(app)
    ctx = sample_context()
    page = page_class(ctx)
    ctx.window = page
    ctx.opened.emit()
    page.resize(1280, 800)
    page.show()
    page.activated()
    if png is not None:
        ctx.tasks.wait()  # let work the page started (charts …) deliver before the picture is taken
        app.processEvents()
        page.grab().save(str(png))
        return 0
    return app.exec()
