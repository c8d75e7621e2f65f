"""The similarity kernels: where they are cached, that compiling is announced, and never repeated needlessly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

from qbaudit.analysis import kernel_cache
from qbaudit.i18n import catalogue
from tests.conftest import ROOT, SAMPLES, paper_files, sample_path

# The fixed start of each notice (before its first placeholder).
COMPILING, COMPILED, FALLBACK = (catalogue("zh_CN")[f"kernels.{key}"].split("{")[0]
                                 for key in ("compiling_cached", "compiled_cached", "fallback"))


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The system's temporary folder, pointed at a folder of this test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_user_cache_folder_is_used_when_writable(tmp_path, monkeypatch, private_tmp):
    monkeypatch.delenv(kernel_cache.ENV_CACHE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plan = kernel_cache.plan_cache()
    assert plan.folder == tmp_path / "cache" / "qbaudit" / "kernels" / "host"
    assert plan.folder.is_dir() and plan.wanted is None and plan.target is None


def test_a_cache_folder_that_cannot_be_written_falls_back_to_a_private_temporary_one(tmp_path, monkeypatch,
                                                                                       private_tmp):
    blocked = tmp_path / "cache"
    blocked.mkdir()
    (blocked / "qbaudit").write_text("a file where the folder should be")  # unwritable even for root
    monkeypatch.delenv(kernel_cache.ENV_CACHE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    plan = kernel_cache.plan_cache()
    assert plan.wanted == blocked / "qbaudit" / "kernels" and plan.reason
    assert plan.folder is not None and plan.folder.is_relative_to(private_tmp) and plan.folder.name == "host"
    if hasattr(os, "getuid"):
        assert plan.folder.parent.stat().st_mode & 0o077 == 0  # nobody else may plant cached code there


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="a shared temporary folder is a POSIX matter")
def test_a_temporary_folder_others_can_write_is_never_reused(private_tmp):
    shared = private_tmp / f"qbaudit-kernels-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    folder = kernel_cache.temporary_cache_folder()
    assert folder != shared and folder.is_relative_to(private_tmp)
    assert folder.stat().st_mode & 0o077 == 0


def test_the_named_folder_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(kernel_cache.ENV_CACHE, str(tmp_path / "named"))
    assert kernel_cache.plan_cache().folder == tmp_path / "named" / "host"


def test_the_searches_call_the_kernels_with_the_types_they_were_compiled_for():
    """load_kernels compiles each kernel once, with made-up inputs; the real searches must not add a second
    compilation (a silent one) by passing other argument types."""
    from qbaudit.analysis.checks.papers import PaperItems, overlapping_papers
    from qbaudit.analysis.model import Paper
    from qbaudit.analysis.similarity import similar_pairs

    kernels = kernel_cache.load_kernels()
    before = {name: len(getattr(kernels, name).signatures) for name in kernel_cache.KERNELS}
    assert before == dict.fromkeys(kernel_cache.KERNELS, 1)
    texts = ["焊接电流过大容易产生咬边缺陷", "焊接电流过大容易产生咬边", "气孔是焊缝中常见的缺陷", "", "气孔是焊缝常见缺陷"]
    pairs = similar_pairs(texts, 80)
    assert (0, 1) in set(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True))
    sets = [(0, 1, 2), (2, 1, 0), (0, 1, 3), (4, 5, 6)]
    papers = [PaperItems(Paper(f"P{i}", 4, tuple(f"Q{p}" for p in positions)), 4, positions)
              for i, positions in enumerate(sets)]
    overlaps = overlapping_papers(papers, 0.5)
    assert overlaps.identical == [[0, 1]]
    after = {name: len(getattr(kernels, name).signatures) for name in kernel_cache.KERNELS}
    assert after == before


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    papers = [str(p) for p in paper_files("defective")]
    args = ["check", "--bank", str(sample_path("defective", "bank")), "--blueprint",
            str(sample_path("defective", "blueprint")), "--standard", str(sample_path("defective", "standard")),
            "--papers", *papers, "--plan", str(SAMPLES / "defective" / "plan.xlsx"), "--as-of", "2026-11-01"]
    code = f"import sys; from qbaudit.cli import main; sys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)


@pytest.mark.slow
def test_with_a_read_only_cache_folder_the_second_check_loads_what_the_first_compiled(tmp_path):
    """Issue 16: the first run compiles once, says so and where it caches (a temporary folder, since the
    user's cache folder cannot be written); the second run compiles nothing and says where it loaded from."""
    blocked = tmp_path / "cache"
    blocked.mkdir()
    (blocked / "qbaudit").write_text("not a folder")
    env = {key: value for key, value in os.environ.items() if key != kernel_cache.ENV_CACHE}
    env.update(XDG_CACHE_HOME=str(blocked), TMPDIR=str(tmp_path / "tmp"), XDG_STATE_HOME=str(tmp_path / "state"),
               QBAUDIT_LANG="zh_CN")
    (tmp_path / "tmp").mkdir()
    first, second = _check(env), _check(env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    temporary = str(tmp_path / "tmp")
    for run in (first, second):
        notice = next(line for line in run.stderr.splitlines() if line.startswith(FALLBACK))
        assert str(blocked / "qbaudit" / "kernels") in notice and temporary in notice
    assert COMPILING in first.stderr and COMPILED in first.stderr
    assert COMPILING not in second.stderr and COMPILED not in second.stderr
    assert first.stdout.splitlines()[-5:] == second.stdout.splitlines()[-5:]


@pytest.mark.skipif(kernel_cache.host_target() != "x86-64-v3" and kernel_cache.host_target() != "x86-64-v2",
                    reason="the bundle's kernels are compiled for x86-64 processors of level v2 and up")
@pytest.mark.slow
def test_an_app_bundle_uses_its_precompiled_kernels_without_compiling(tmp_path):
    """What the frozen app does at an inspector's first check: copy the bundle's kernels for this processor
    into the user's cache folder and load them; nothing is compiled, nothing is announced."""
    bundle = tmp_path / "bundle"
    kernel_cache.build_bundled(bundle / kernel_cache.BUNDLED_FOLDER, targets=("x86-64-v2",))
    info = json.loads((bundle / kernel_cache.BUNDLED_FOLDER / kernel_cache.MARKER).read_text(encoding="utf-8"))
    assert info["targets"] == ["x86-64-v2"]
    code = (f"import sys; sys.frozen = True; sys._MEIPASS = {str(bundle)!r}\n"
            "from qbaudit.analysis.kernel_cache import load_kernels, last_load\n"
            "load_kernels(); load = last_load()\n"
            "print(load.compiled, load.seeded, load.plan.target, load.plan.folder)")
    env = {key: value for key, value in os.environ.items() if key not in (kernel_cache.ENV_CACHE, "NUMBA_CPU_NAME")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), QBAUDIT_LANG="zh_CN")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                           encoding="utf-8", timeout=600) for _ in range(2)]
    for run, seeded in zip(runs, ("True", "False"), strict=True):
        assert run.returncode == 0, run.stderr
        compiled, was_seeded, target, folder = run.stdout.split()
        assert (compiled, was_seeded, target) == ("False", seeded, "x86-64-v2")
        assert folder == str(tmp_path / "cache" / "qbaudit" / "kernels" / "x86-64-v2")
        assert COMPILING not in run.stderr and COMPILED not in run.stderr



def test_commands_that_do_not_search_never_load_the_kernels(tmp_path):
    code = ("import sys\nfrom qbaudit.cli import main\n"
            "main(['profiles']); main(['audit', 'list', '--database', sys.argv[1]])\n"
            "print(sorted(m for m in ('numba', 'llvmlite', 'qbaudit.analysis.kernels') if m in sys.modules))")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    result = subprocess.run([sys.executable, "-c", code, f"sqlite:///{(tmp_path / 'a.db').as_posix()}"], cwd=ROOT,
                            env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
