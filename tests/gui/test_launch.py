"""Starting the window as the app bundle's smoke test does: open, load the audit, quit by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def _gui(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    ready = tmp_path / "ready.json"
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", QBAUDIT_READY_FILE=str(ready), QBAUDIT_LANG="zh_CN",
               QBAUDIT_CONFIG_DIR=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               QBAUDIT_DATABASE_URL=f"sqlite:///{(tmp_path / 'audits.db').as_posix()}")
    code = f"import sys; from qbaudit.cli import main; sys.exit(main(['gui', *{list(args)!r}]))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=600)
    return result, json.loads(ready.read_text(encoding="utf-8")) if ready.is_file() else {}


def test_the_window_opens_the_sample_audit_and_quits_after_loading(tmp_path):
    result, ready = _gui(tmp_path, "--sample", "--quit-after-load")
    assert result.returncode == 0, result.stderr
    assert ready["status"] == 0 and ready["audit"] == 1
    assert "某市职业技能等级认定中心（示例）" in ready["title"]
    assert any(name.endswith("qtbase_zh_CN.qm") for name in ready["translators"])  # Qt's own dialogs in Chinese
    assert "窗口已就绪" in result.stderr


def test_an_audit_that_cannot_be_opened_quits_with_status_one(tmp_path):
    result, ready = _gui(tmp_path, "--audit", "42", "--quit-after-load")
    assert result.returncode == 1
    assert ready["status"] == 1 and ready["audit"] is None


def test_without_an_audit_it_quits_once_the_audit_list_is_shown(tmp_path):
    result, ready = _gui(tmp_path, "--quit-after-load")
    assert result.returncode == 0, result.stderr
    assert ready["audit"] is None and ready["title"] == "题库质量审核工作台"


def test_kernel_notices_from_a_worker_thread_reach_the_status_bar(window, qtbot):
    import threading

    from qbaudit.analysis import kernel_cache
    from qbaudit.views.app import _show_kernel_notices

    old = kernel_cache.set_reporter(None)
    try:
        _show_kernel_notices(window)
        worker = threading.Thread(target=kernel_cache._say, args=("首次使用相似题查找，正在编译计算内核",))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "首次使用相似题查找，正在编译计算内核")
    finally:
        kernel_cache.set_reporter(old)
