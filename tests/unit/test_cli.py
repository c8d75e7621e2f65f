"""The command line: summary on the sample, exit codes, Chinese errors, no traceback on screen."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from qbaudit import cli
from tests.conftest import ROOT, SAMPLES, paper_files, sample_path


def _check_args(sample: str, *extra: str) -> list[str]:
    papers = [str(p) for p in paper_files(sample)]
    return ["check", "--bank", str(sample_path(sample, "bank")), "--blueprint", str(sample_path(sample, "blueprint")),
            "--standard", str(sample_path(sample, "standard")), "--papers", *papers,
            "--plan", str(SAMPLES / sample / "plan.xlsx"), *extra, "--as-of", "2026-11-01"]


@pytest.fixture(autouse=True)
def _log_to_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_check_prints_the_summary_and_exits_zero_despite_failures(capsys, tmp_path, manifests):
    out_json = tmp_path / "out" / "result.json"
    assert cli.main(_check_args("defective", "--json", str(out_json))) == 0
    out = capsys.readouterr().out
    assert "各等级检查结果" in out and "三级/高级工" in out
    assert "✗ 190" in out  # R1 at 三级
    assert "焊工" in out
    # The length against the duration and the difficulty spread: 提示, with the sentence that the number is the tool's.
    for head in ("! R15·四级/中级工", "! R16·四级/中级工"):
        start = out.index(head)
        assert "是本工具的参考值，不是文件规定的数值" in out[start:out.index("评分表", start)].replace("\n", "")
    data = json.loads(out_json.read_text(encoding="utf-8"))
    fingerprints = {f["name"]: f["sha256"] for f in data["inputs"]}
    assert fingerprints["bank.xlsx"] == hashlib.sha256(sample_path("defective", "bank").read_bytes()).hexdigest()
    statuses = {(f["rule"], "bank" if f["level"] is None else str(f["level"])): f["status"] for f in data["findings"]}
    for rule_id, per_level in manifests["defective"]["status"].items():
        for level, status in per_level.items():
            assert statuses[(rule_id, level)] == status
    assert data["import_issues"] and data["column_mapping"]


def test_details_list_the_evidence(capsys):
    assert cli.main(_check_args("defective", "--details")) == 0
    out = capsys.readouterr().out
    assert "试题少于 5 道的考评点" in out and "题干摘录" in out


def test_missing_argument_is_a_usage_error_in_chinese(capsys):
    assert_exit(["check", "--blueprint", "x.xlsx"], 2)
    err = capsys.readouterr().err
    assert "缺少必需的参数" in err and "--bank" in err and "用法" in err


def test_bad_date_is_a_usage_error(capsys):
    assert_exit(_check_args("compliant")[:-1] + ["2026-13-45"], 2)  # the date is the last argument
    assert "日期「2026-13-45」格式不对" in capsys.readouterr().err


def assert_exit(argv, code):
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == code


def test_unusable_input_exits_three_with_the_reason(capsys):
    argv = ["check", "--bank", str(sample_path("compliant", "blueprint")), "--blueprint",
            str(sample_path("compliant", "blueprint"))]
    assert cli.main(argv) == 3
    out = capsys.readouterr().out
    assert "看起来不是题库" in out or "缺少题库必需的列" in out
    assert "未进行检查" in out


def test_bad_profile_exits_three(capsys, tmp_path):
    profile = tmp_path / "bad.toml"
    profile.write_text('schema_version = 1\nid = "bad"\nname = "坏"\nextends = "national-2024"\n[rules.R1]\nmin_points = -1\n',
                       encoding="utf-8")
    assert cli.main(_check_args("compliant", "--profile", str(profile))) == 3
    assert "rules.R1.min_points" in capsys.readouterr().out


def test_internal_error_shows_no_traceback(capsys, monkeypatch):
    import qbaudit.operations as operations

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(operations, "check_files", broken)
    assert cli.main(_check_args("compliant")) == 70
    captured = capsys.readouterr()
    assert "程序内部错误" in captured.err and "qbaudit.log" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_english_ui(capsys):
    assert cli.main(["--lang", "en", *_check_args("compliant")]) == 0
    out = capsys.readouterr().out
    assert "Results per level" in out and "pass" in out


def test_profiles_command(capsys):
    assert cli.main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "national-2024" in out and "premium-2024" in out


@pytest.mark.slow
def test_console_script_runs_as_a_program(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "XDG_STATE_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "qbaudit", *_check_args("compliant")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "共 64 项：通过 61，不通过 0，提示 0，无法判断 3" in result.stdout  # R18: no answer data


def test_dismissed_pairs_from_a_file(capsys, tmp_path, manifests):
    planted = manifests["defective"]["planted"]["4"]["R11_pairs"]
    listing = tmp_path / "排除.csv"
    listing.write_text("试题甲,试题乙,理由\n" + "".join(f"{p['b']},{p['a']},现场核实不是重复\n" for p in planted),
                       encoding="gbk")
    out_json = tmp_path / "r.json"
    assert cli.main(_check_args("defective", "--dismissed", str(listing), "--json", str(out_json))) == 0
    r11 = next(f for f in json.loads(out_json.read_text(encoding="utf-8"))["findings"]
               if f["rule"] == "R11" and f["level"] == 4)
    assert r11["status"] == "pass" and "督导员已排除 5 对" in r11["message"]
    bad = tmp_path / "bad.txt"
    bad.write_text("HG400001\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(_check_args("defective", "--dismissed", str(bad))) == 3
    assert "第 1 行应写两个不同的试题编号" in capsys.readouterr().out


def test_without_a_display_the_window_command_says_so_and_shows_the_command_line(monkeypatch, capsys):
    from qbaudit.cli import main

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert main([]) == 2
    err = capsys.readouterr()
    assert "没有图形界面" in err.err and "qbaudit check" in err.err
    assert main(["gui"]) == 2
    assert "没有图形界面" in capsys.readouterr().err
