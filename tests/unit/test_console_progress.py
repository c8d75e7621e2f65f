"""The command line shows its work: the console progress renderer over a fake task (no Qt), stage lines of a
real `qbaudit check` in a pipe before its summary, and Ctrl+C that stops cleanly with nothing half-written."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qbaudit.analysis.progress import Cancelled, ScaledState, checkpoint
from qbaudit.analysis.rules import rule_catalogue
from qbaudit.console_progress import ConsoleProgress, duration, time_left, timing
from tests.conftest import ROOT, SAMPLES, paper_files, sample_path


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _fake_import_and_check(state, clock: Clock) -> None:
    """Long work as the core writes it: steps reported through checkpoints, with their counts."""
    checkpoint(state, 0.0, "正在读取「题库.xlsx」…")
    clock.now += 4
    checkpoint(state, 0.2, "正在核对读到的 30000 行…")
    clock.now += 1
    checkpoint(state, 0.25, "正在核对读到的 30000 行…")  # the same step again: no new line
    for index in range(1, 4):
        clock.now += 5
        checkpoint(state, 0.25 + 0.25 * index, f"正在检查 R{index}（第 {index}/3 项）…")


def _plain(capsys, clock: Clock, **kwargs) -> ConsoleProgress:
    return ConsoleProgress(live=False, interrupt=False, clock=clock, **kwargs)


def test_plain_lines_one_per_step_with_percentage_time_spent_and_time_left(capsys):
    clock = Clock()
    with _plain(capsys, clock) as progress:
        task = progress.task("审核")
        _fake_import_and_check(task, clock)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "[  0%] 正在读取「题库.xlsx」…　已用 0 秒",
        "[ 20%] 正在核对读到的 30000 行…　已用 4 秒，约剩 16 秒",
        "[ 50%] 正在检查 R1（第 1/3 项）…　已用 10 秒，约剩 10 秒",
        "[ 75%] 正在检查 R2（第 2/3 项）…　已用 15 秒，约剩 5 秒",
        "[100%] 正在检查 R3（第 3/3 项）…　已用 20 秒",
        "审核完成，用时 20 秒",
    ]
    assert task.lines == 6 and task.finished


def test_a_counted_task_and_several_tasks_side_by_side_as_a_batch_shows_them(capsys):
    clock = Clock()
    with _plain(capsys, clock) as progress:
        audits = progress.task("批量审核", total=3)
        first, second = progress.task("甲机构"), progress.task("乙机构")
        checkpoint(ScaledState(first, 0.0, 0.5), 0.5, "正在检查 R11…")
        clock.now += 2
        second.set_progress(0.5, "正在导入题库…")
        first.done()
        audits.advance(text="甲机构")
        clock.now += 4
        second.done()
        audits.advance(text="乙机构")
        audits.advance(text="丙机构")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "[ 25%] 甲机构：正在检查 R11…　已用 0 秒"
    assert lines[1] == "[ 50%] 乙机构：正在导入题库…　已用 2 秒，约剩 2 秒"
    assert lines[2] == "甲机构完成，用时 2 秒"
    assert lines[3] == "[ 33%] 批量审核：甲机构（1/3）　已用 2 秒，约剩 4 秒"
    assert lines[4] == "乙机构完成，用时 6 秒"
    assert lines[5] == "[ 67%] 批量审核：乙机构（2/3）　已用 6 秒，约剩 3 秒"
    assert lines[6] == "[100%] 批量审核：丙机构（3/3）　已用 6 秒"
    assert lines[7:] == ["批量审核完成，用时 6 秒"]
    assert (audits.done_count, audits.total) == (3, 3)


def test_text_from_files_is_printed_as_written_never_as_a_terminal_code(capsys):
    clock = Clock()
    with _plain(capsys, clock) as progress:
        progress.task("审核").set_progress(0.1, "正在读取「\x1b[2J[red]题库[/red].xlsx」…")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J[red]题库[/red].xlsx" in err


def test_cancel_stops_the_work_at_its_next_checkpoint_and_says_so(capsys):
    clock = Clock()
    with pytest.raises(Cancelled), _plain(capsys, clock) as progress:
        task = progress.task("审核")
        checkpoint(task, 0.1, "正在检查 R1…")
        progress.cancel()
        checkpoint(task, 0.2, "正在检查 R2…")
    err = capsys.readouterr().err
    assert "正在停止" in err and "R2" not in err and "审核完成" not in err


def test_ctrl_c_once_asks_to_stop_at_the_next_checkpoint_twice_stops_at_once(capsys):
    clock = Clock()
    with pytest.raises(KeyboardInterrupt), ConsoleProgress(live=False, clock=clock) as progress:
        task = progress.task("审核")
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # let the handler run
        assert task.is_cancelled()
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # interrupted long before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is given back


def test_the_bar_on_a_gbk_terminal_uses_characters_gbk_has():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk", errors="strict", newline="")
    from rich.console import Console

    console = Console(file=stream, force_terminal=True, width=120, color_system=None)
    clock = Clock()
    with ConsoleProgress(console, live=True, interrupt=False, clock=clock) as progress:
        task = progress.task("审核")
        clock.now += 6
        task.set_progress(0.4, "正在检查 R11（第 11/21 项）…")
        console.print(progress._bars.get_renderable())  # what the terminal shows, drawn here (raises if not GBK)
    stream.flush()
    shown = raw.getvalue().decode("gbk")
    assert "正在检查 R11（第 11/21 项）…" in shown and " 40%" in shown and "已用 6 秒，约剩 9 秒" in shown
    assert "━" not in shown and "-" in shown  # rich's ASCII bar


def test_durations_and_estimates():
    assert [duration(s) for s in (0.4, 59.6, 125, 3725)] == ["0 秒", "1 分 00 秒", "2 分 05 秒", "1 小时 02 分"]
    assert time_left(0.5, 0.5) is None and time_left(10, 0.01) is None and time_left(10, 0.25) == 30
    assert timing(10, 0.25) == "已用 10 秒，约剩 30 秒" and timing(10, 1.0) == "已用 10 秒"


# --- the real command ----------------------------------------------------------------------------------

def _check_argv(*extra: str) -> list[str]:
    papers = [str(p) for p in paper_files("defective")]
    return [sys.executable, "-m", "qbaudit", "check", "--bank", str(sample_path("defective", "bank")),
            "--blueprint", str(sample_path("defective", "blueprint")),
            "--standard", str(sample_path("defective", "standard")), "--papers", *papers,
            "--plan", str(SAMPLES / "defective" / "plan.xlsx"), "--as-of", "2026-11-01", *extra]


def _environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "QBAUDIT_LANG": "zh_CN", "PYTHONUNBUFFERED": "1"}


def test_check_into_a_pipe_prints_its_stage_lines_before_the_summary(tmp_path):
    result = subprocess.run(_check_argv(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            timeout=600, env=_environment(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.decode("utf-8").splitlines()
    summary = [line.strip() for line in lines].index("各等级检查结果")
    stages = [line for line in lines[:summary] if line.startswith("[")]
    assert stages[0].startswith("[  0%] 正在导入题库…")
    steps = [match.groups() for line in stages for match in re.finditer(r"正在检查 (R\d+)（第 (\d+)/(\d+) 项）", line)]
    rules = sorted(rule_catalogue(), key=lambda code: int(code[1:]))
    assert sorted(code for code, _, _ in steps) == sorted(rules)  # every rule once, none twice
    assert [int(index) for _, index, _ in steps] == list(range(1, len(rules) + 1))
    assert {int(total) for _, _, total in steps} == {len(rules)}
    assert any("正在查找相似试题（" in line for line in stages)  # R11's own steps, with their counts
    assert "审核完成，用时" in "\n".join(lines[:summary])
    percents = [int(line[1:4]) for line in stages]
    assert percents == sorted(percents)  # the progress never runs back


def _interrupted(argv: list[str], tmp_path: Path, when: str) -> tuple[int, str]:
    """Run ``argv`` into a pipe, press Ctrl+C once when a line containing ``when`` appears; its status and output."""
    with subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=_environment(tmp_path)) as process:
        assert process.stdout is not None
        output = []
        for raw in process.stdout:
            line = raw.decode("utf-8")
            output.append(line)
            if when in line:
                process.send_signal(signal.SIGINT)
                break
        output.append(process.stdout.read().decode("utf-8"))
        return process.wait(timeout=600), "".join(output)


def test_ctrl_c_while_the_documents_are_written_leaves_none_of_them(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "报告.docx").write_bytes(b"the report of last week")
    argv = _check_argv("--json", str(out / "结果.json"), "--report", str(out / "报告.docx"),
                       "--problems", str(out / "问题.xlsx"))
    status, printed = _interrupted(argv, tmp_path, "正在绘制图表")
    assert status == 130, printed
    assert "正在停止" in printed and "已中断：没有留下写了一半的文件" in printed
    assert sorted(p.name for p in out.iterdir()) == ["报告.docx"]  # no results file, no list, no temporary file
    assert (out / "报告.docx").read_bytes() == b"the report of last week"


def test_ctrl_c_while_audit_score_checks_records_nothing(tmp_path):
    from qbaudit import cli
    from qbaudit.store import AuditStore

    url = f"sqlite:///{tmp_path / 'audits.sqlite3'}"
    assert cli.main(["audit", "new", "--database", url, "--institution", "某中心", "--occupation", "焊工",
                     "--levels", "四级,三级,二级", "--inspector", "张三:组长"]) == 0
    argv = [sys.executable, "-m", "qbaudit", "audit", "score", "1", "--database", url, "--by", "张三",
            "--bank", str(sample_path("defective", "bank")), "--blueprint", str(sample_path("defective", "blueprint"))]
    status, printed = _interrupted(argv, tmp_path, "正在检查 R3")
    assert status == 130, printed
    with AuditStore(url) as store:
        assert store.load(1).run is None
