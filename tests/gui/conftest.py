"""GUI tests: the real widgets, offscreen (QT_QPA_PLATFORM is set in tests/conftest.py before Qt loads).

``checked_bench`` gives each test its own copy of one audit of the defective sample, imported and
checked once per session (a copy of the SQLite file, the imports shared read-only), so a test may
decide, export and sign without touching another test's audit.
"""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def _checked_template(tmp_path_factory):
    from qbaudit.samples import open_sample_audit
    from qbaudit.store import AuditStore

    folder = tmp_path_factory.mktemp("template")
    store = AuditStore(f"sqlite:///{folder / 'audits.db'}")
    bench = open_sample_audit(store, "defective")
    store.close()
    return folder / "audits.db", bench


@pytest.fixture
def audit_store(tmp_path, _checked_template):
    """A store holding one checked (unsigned) audit of the defective sample."""
    from qbaudit.store import AuditStore

    db, _ = _checked_template
    copy = tmp_path / "audits.db"
    shutil.copy(db, copy)
    store = AuditStore(f"sqlite:///{copy}")
    yield store
    store.close()


@pytest.fixture
def checked_bench(audit_store, _checked_template):
    """A :class:`~qbaudit.workbench.Workbench` on the sample audit, inputs taken and checks run."""
    from qbaudit.workbench import Workbench

    _, template = _checked_template
    bench = Workbench(audit_store, template.audit_id, profile=template.profile, as_of=template.as_of)
    bench.sources = dict(template.sources)
    bench.imports = dict(template.imports)
    bench.run, bench.stale = template.run, False
    return bench


@pytest.fixture
def ctx(qtbot, audit_store, tmp_path, monkeypatch):
    """An :class:`~qbaudit.views.context.AppContext` whose tasks run inline (no audit open yet)."""
    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))
    from qbaudit.settings import Settings
    from qbaudit.views.context import AppContext
    from qbaudit.views.workers import InlinePool, TaskRunner

    context = AppContext(TaskRunner(InlinePool()), audit_store, Settings())
    shown = []
    context.error = lambda message, details="": shown.append((message, details))  # type: ignore[method-assign]
    context.errors_shown = shown  # type: ignore[attr-defined]
    return context


@pytest.fixture
def window(qtbot, audit_store, tmp_path, monkeypatch):
    """The real main window on a store holding the checked sample audit; tasks run inline; settings and
    QSettings in the test's folder."""
    from PySide6.QtCore import QCoreApplication, QSettings

    monkeypatch.setenv("QBAUDIT_CONFIG_DIR", str(tmp_path / "config"))
    QCoreApplication.setOrganizationName("qbaudit-tests")
    QCoreApplication.setApplicationName("qbaudit-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    from qbaudit.views.main_window import MainWindow
    from qbaudit.views.workers import InlinePool

    win = MainWindow(store=audit_store, pool=InlinePool())
    shown = []
    win.ctx.error = lambda message, details="": shown.append((message, details))  # type: ignore[method-assign]
    win.errors_shown = shown  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    win.show()
    return win
