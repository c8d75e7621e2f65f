"""A GBK console (a Chinese Windows' code page, or output redirected there) prints every command's output."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from qbaudit.plumbing import setup_console
from tests.conftest import ROOT, SAMPLES, paper_files, sample_path


def _qbaudit(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    code = f"import sys; from qbaudit.cli import main; sys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=600)


def _gbk_env(tmp_path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONIOENCODING="gbk", QBAUDIT_LANG="zh_CN", XDG_STATE_HOME=str(tmp_path / "state"),
               QBAUDIT_CONFIG_DIR=str(tmp_path / "config"),
               QBAUDIT_DATABASE_URL=f"sqlite:///{(tmp_path / 'audits.db').as_posix()}")
    return env


def _assert_clean(result: subprocess.CompletedProcess) -> tuple[str, str]:
    out = result.stdout.decode("gbk")  # strict: every byte is GBK
    err = result.stderr.decode("gbk")
    assert result.returncode == 0, err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err and "程序内部错误" not in err
    return out, err


@pytest.mark.slow
def test_check_and_audit_commands_print_through_a_gbk_stdout(tmp_path):
    env = _gbk_env(tmp_path)
    papers = [str(p) for p in paper_files("defective")]
    out, _ = _assert_clean(_qbaudit(
        ["check", "--bank", str(sample_path("defective", "bank")), "--blueprint", str(sample_path("defective", "blueprint")),
         "--standard", str(sample_path("defective", "standard")), "--papers", *papers,
         "--plan", str(SAMPLES / "defective" / "plan.xlsx"), "--as-of", "2026-11-01"], env))
    assert "各等级检查结果" in out and "三级/高级工" in out
    assert "× 190" in out and "√ 215" in out  # R1: ✓ and ✗ are not in GBK; √ and × are, and say the same
    assert "?" not in out.split("各等级检查结果")[1].split("需要关注的问题")[0]  # nothing lost in the summary
    out, _ = _assert_clean(_qbaudit(["audit", "new", "--institution", "某职业技能等级认定中心", "--registration", "S370100123",
                                     "--occupation", "焊工", "--levels", "四级,三级", "--inspector", "张建国:组长:R3725A012"],
                                    env))
    out, _ = _assert_clean(_qbaudit(["audit", "list"], env))
    assert "某职业技能等级认定中心" in out and "焊工" in out


def test_a_character_the_console_lacks_never_stops_the_output():
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="gbk")
    saved = sys.stdout
    sys.stdout = stream
    try:
        setup_console()
        print("审核结果 ✓ 通过")
        stream.flush()
    finally:
        sys.stdout = saved
    assert buffer.getvalue().decode("gbk") == "审核结果 ? 通过\n"


def test_a_utf8_console_is_left_as_it_is():
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.stdout
    sys.stdout = stream
    try:
        setup_console()
        assert stream.errors == "strict"
    finally:
        sys.stdout = saved
