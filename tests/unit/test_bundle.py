"""The app bundle's build tools: what goes in, the manifest, the smoke test's sandbox (the bundle itself is
built and run by ``./dev package``, which CI runs after the tests)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import tomllib

import pytest

from tests.conftest import ROOT


def _load(name: str):
    """A script of bundle/ as a module (not put on sys.path: its names are common ones)."""
    spec = importlib.util.spec_from_file_location(f"qbaudit_bundle_{name}", ROOT / "bundle" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build, contents, smoke = _load("build"), _load("contents"), _load("smoke")


@pytest.mark.parametrize("path", [
    "qbaudit/resources/i18n/zh_CN.toml", "qbaudit/resources/report/style.toml", "qbaudit/store/migrations/env.py",
    "qbaudit/store/migrations/versions/0001_first_tables.py", "qbaudit/store/migrations/script.py.mako",
    "sample_banks/defective/bank.xlsx", "sample_banks/defective/manifest.json", "kernels/x86-64-v3/qbaudit-kernels.json",
    "PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/plugins/platforms/qwindows.dll",
    "docx/templates/default.docx", "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "pyarrow/libarrow.so.2600",
    "llvmlite/binding/libllvmlite.so", "numba/np/ufunc/workqueue.cpython-311-x86_64-linux-gnu.so",
])
def test_what_the_app_needs_goes_into_the_bundle(path):
    assert contents.wanted(path)
    assert contents.wanted(path.replace("/", "\\"))  # as Windows writes it


@pytest.mark.parametrize("path", [
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qt_help_zh_CN.qm",
    "PySide6/Qt/translations/assistant_zh_CN.qm", "pyarrow/libarrow_flight.so.2600", "pyarrow/include/arrow/api.h",
    "pyarrow/_parquet.pyx", "PySide6/opengl32sw.dll", "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "numpy/_core/tests/test_api.py", "qbaudit/resources/__pycache__/__init__.cpython-311.pyc",
])
def test_what_the_app_never_loads_is_left_out(path):
    assert not contents.wanted(path)


def test_the_bundle_excludes_nothing_the_app_imports():
    used = set()
    for source in (ROOT / "qbaudit").rglob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            words = line.strip().split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                used.add(words[1].rstrip(","))
    excluded = {name for name in used if any(name == e or name.startswith(e + ".") for e in contents.EXCLUDES)}
    assert not excluded


def test_the_package_extra_brings_pyinstaller():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("pyinstaller>=") for req in extras["package"])
    assert any(req.startswith("python-calamine>=") for req in extras["bench"])  # bench/bench_import.py reads with it


def test_the_manifest_lists_every_file_with_its_sha256(tmp_path):
    bundle = tmp_path / "dist" / "qbaudit"
    (bundle / "_internal" / "qbaudit" / "resources").mkdir(parents=True)
    files = {"qbaudit": b"\x7fELF launcher", "_internal/libpython3.11.so.1.0": b"x" * 1000,
             "_internal/qbaudit/resources/rules.toml": "规则 = 1\n".encode()}
    for name, data in files.items():
        (bundle / name).write_bytes(data)
    path = build.write_manifest(bundle, 12.34)
    assert path == tmp_path / "dist" / "qbaudit-manifest.json"  # beside the bundle
    manifest = json.loads(path.read_text(encoding="utf-8"))
    from qbaudit import __version__

    assert manifest["version"] == __version__ and manifest["platform"] == build.platform_tag()
    assert manifest["files"] == {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                                 for name, data in files.items()}
    assert manifest["bytes"] == sum(len(d) for d in files.values())
    parts = dict(build.space_by_part(bundle))
    assert parts["qbaudit"] == len(files["_internal/qbaudit/resources/rules.toml"])
    assert parts["(shared libraries and other files)"] == 1000


def test_strip_leaves_files_that_are_not_libraries_alone(tmp_path):
    (tmp_path / "notes.so.txt").write_bytes(b"not an ELF file")
    (tmp_path / "numpy.libs").mkdir()
    (tmp_path / "numpy.libs" / "libopenblas.so").write_bytes(b"\x7fELF vendored by auditwheel")
    assert build.strip_binaries(tmp_path) == 0
    assert (tmp_path / "numpy.libs" / "libopenblas.so").read_bytes() == b"\x7fELF vendored by auditwheel"


def test_the_smoke_test_hides_the_source_tree_and_the_build_python(tmp_path):
    hidden = smoke._hidden_folders(tmp_path)
    assert ROOT.resolve() in hidden
    assert not any(a != b and a.is_relative_to(b) for a in hidden for b in hidden)  # no folder inside another
    assert all(tmp_path.resolve() != h and not tmp_path.resolve().is_relative_to(h) for h in hidden)


def test_the_smoke_test_environment_has_no_python_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    env = smoke.clean_env(tmp_path / "home")
    assert not {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} & set(env)
    assert str(ROOT) not in env["PATH"] and sys.prefix not in env["PATH"]
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    if sys.platform != "win32":
        assert env["HOME"] == str(tmp_path / "home") and env["XDG_CACHE_HOME"].startswith(str(tmp_path))


def test_the_windows_recipe_builds_the_same_bundle_and_an_installer():
    script = (ROOT / "bundle" / "windows" / "build.ps1").read_text(encoding="utf-8-sig")
    assert "bundle\\build.py" in script and "ISCC" in script
    setup = (ROOT / "bundle" / "windows" / "qbaudit.iss").read_text(encoding="utf-8-sig")
    assert "qbaudit-gui.exe" in setup and "PrivilegesRequired=lowest" in setup
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "windows-" in workflow and "build.ps1" in workflow
