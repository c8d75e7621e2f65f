"""Smoke test of a built app bundle, run from a copy outside the source tree, as an inspector would.

    python bundle/smoke.py [dist/qbaudit] [--keep]

The bundle is copied to a temporary folder and started there with a clean environment: no
``PYTHONPATH``, no virtual environment on ``PATH``, a fresh home folder (so a fresh user data, config
and cache folder), the temporary folder as the working folder. On Linux, where ``unshare`` can make
namespaces (as root, or with user namespaces), each run also has **no network** (``--net``: only a
loopback that is down) and the source tree, the virtual environment and the build's Python standard
library are hidden under empty folders (``--mount``), so nothing can come from outside the bundle.
Where that is not possible it says so and runs without the sandbox.

Checks, each a fresh process:

1. ``qbaudit --version`` prints the version;
2. ``qbaudit check`` on the bundled sample (``sample_banks/defective``) writes the Word report and the
   JSON, every rule's result agrees with the sample's manifest (this runs the compiled similarity
   kernels), and the kernels are not compiled on this x86-64 machine (the bundle's own are used);
3. ``qbaudit audit list`` on a new SQLite store (the Alembic migrations run from the bundle);
4. ``qbaudit-gui --sample --quit-after-load`` offscreen: the window opens the sample audit (imported
   and checked) and quits; Qt's Chinese translation (qtbase_zh_CN) was loaded;
5. ``qbaudit-gui --quit-after-load`` twice more: the start to a usable window, first and warm.

Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
# Hide these folders from the bundle (tmpfs over each) and exec the command; "$1" is the count of folders.
_SANDBOX_SCRIPT = 'n=$1; shift; i=0; while [ "$i" -lt "$n" ]; do mount -t tmpfs tmpfs "$1" || exit 97; ' \
                  'shift; i=$((i+1)); done; exec "$@"'


def _hidden_folders(inside: Path) -> list[Path]:
    """The source tree, the virtual environment and the build's Python, unless they hold ``inside``."""
    candidates = [ROOT, Path(sys.prefix), Path(sysconfig.get_paths()["stdlib"])]
    if Path(sys.base_prefix) not in (Path("/usr"), Path("/usr/local"), Path("/")):
        candidates.append(Path(sys.base_prefix))
    out: list[Path] = []
    for folder in candidates:
        folder = folder.resolve()
        if folder.is_dir() and folder not in out and folder not in inside.parents and folder != inside:
            out.append(folder)
    # A folder inside another hidden one is hidden with it (and could not be mounted over once it is).
    return [f for f in out if not any(f != other and f.is_relative_to(other) for other in out)]


def sandbox(inside: Path) -> tuple[list[str], str]:
    """The command prefix that runs a program without network and without the build's files, and a
    sentence saying what it does (an empty prefix where this platform cannot)."""
    if WINDOWS or not shutil.which("unshare"):
        return [], "no network namespace on this platform (unshare is Linux's): run with the network off to check"
    hidden = _hidden_folders(inside)
    variants = [["unshare", "--net", "--mount"]]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        variants.insert(0, ["unshare", "--map-root-user", "--net", "--mount"])
    for variant in variants:
        prefix = [*variant, "--", "sh", "-c", _SANDBOX_SCRIPT, "sh", str(len(hidden)), *map(str, hidden)]
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix, (f"{' '.join(variant)}: no network; hidden: {', '.join(map(str, hidden))}")
    return [], "unshare is here but may not make namespaces (not root, no user namespaces): running with the network"


def clean_env(home: Path) -> dict[str, str]:
    """A user's environment: no Python variables, no virtual environment, a fresh home folder."""
    keep = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "SYSTEMROOT", "SystemRoot", "WINDIR", "COMSPEC", "PATHEXT", "TEMP",
            "TMP", "TMPDIR", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    system_path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
                   if p and not Path(p).resolve().is_relative_to(ROOT) and Path(p).resolve() != Path(sys.prefix) / "bin"]
    env["PATH"] = os.pathsep.join(system_path) if WINDOWS else "/usr/bin:/bin"
    env["QT_QPA_PLATFORM"] = "offscreen"
    if WINDOWS:
        env.update(USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"),
                   LOCALAPPDATA=str(home / "AppData" / "Local"))
    else:
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_DATA_HOME=str(home / ".local" / "share"), XDG_STATE_HOME=str(home / ".local" / "state"),
                   XDG_RUNTIME_DIR=str(home / "run"))
        (home / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    return env


class Smoke:
    """Runs the checks and keeps their outcome."""

    def __init__(self, bundle: Path, work: Path) -> None:
        self.work = work
        self.copy = work / "qbaudit"
        self.home = work / "home"
        self.out = work / "out"
        self.out.mkdir(parents=True)
        print(f"copying {bundle} to {self.copy}", flush=True)
        shutil.copytree(bundle, self.copy, symlinks=True)
        self.env = clean_env(self.home)
        self.prefix, self.sandbox_note = sandbox(work)
        self.results: list[tuple[str, bool, str]] = []
        self.timings: list[tuple[str, float]] = []

    def run(self, label: str, args: list[str], env: dict[str, str] | None = None,
            timeout: float = 900) -> subprocess.CompletedProcess:
        start = time.perf_counter()
        result = subprocess.run([*self.prefix, *args], cwd=self.work, env={**self.env, **(env or {})},
                                capture_output=True, timeout=timeout)
        self.timings.append((label, time.perf_counter() - start))
        return result

    def expect(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, ok, detail))
        print(f"  [{'ok' if ok else 'FAILED'}] {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    def exe(self, name: str) -> str:
        return str(self.copy / f"{name}{EXE}")

    def samples(self) -> Path:
        inner = self.copy / "_internal"
        return (inner if inner.is_dir() else self.copy) / "sample_banks" / "defective"

    # --- the checks ------------------------------------------------------------------------------

    def version(self) -> None:
        from qbaudit import __version__

        result = self.run("qbaudit --version", [self.exe("qbaudit"), "--version"])
        text = _decode(result.stdout)
        self.expect("qbaudit --version", result.returncode == 0 and __version__ in text, text.strip()[:80])

    def check(self) -> None:
        sample = self.samples()
        manifest = json.loads((sample / "manifest.json").read_text(encoding="utf-8"))
        report, data = self.out / "示例审核报告.docx", self.out / "audit.json"
        files = manifest["files"]
        papers = files["papers"] if isinstance(files["papers"], list) else [files["papers"]]
        args = [self.exe("qbaudit"), "check", "--bank", str(sample / files["bank"]),
                "--blueprint", str(sample / files["blueprint"]), "--standard", str(sample / files["standard"]),
                "--papers", *[str(sample / p) for p in papers], "--plan", str(sample / files["plan"]),
                "--as-of", manifest["as_of"], "--report", str(report), "--json", str(data)]
        result = self.run("qbaudit check (sample, report)", args)
        stderr = _decode(result.stderr)
        if not self.expect("qbaudit check exit status", result.returncode == 0,
                           f"{result.returncode}; {stderr.strip()[-400:]} {_decode(result.stdout).strip()[-400:]}"
                           if result.returncode else ""):
            return
        self.expect("report written", report.is_file() and _is_docx(report),
                    f"{report.stat().st_size // 1024} KB" if report.is_file() else "missing")
        findings = json.loads(data.read_text(encoding="utf-8"))["findings"]
        got = {(f["rule"], "bank" if f["level"] is None else str(f["level"])): f["status"] for f in findings}
        expected = {(rule, level): status for rule, levels in manifest["status"].items() for level, status in levels.items()}
        wrong = {key: (status, got.get(key)) for key, status in expected.items() if got.get(key) != status}
        self.expect("every rule agrees with the sample's manifest", not wrong,
                    f"{len(expected)} results" if not wrong else f"differ: {wrong}")
        from qbaudit.analysis.kernel_cache import host_target
        from qbaudit.i18n import tr

        compiled_note = tr("kernels.compiled_cached", seconds="", folder="").split("（")[0]
        if host_target() is not None:
            self.expect("kernels not compiled (the bundle's precompiled ones were used)",
                        compiled_note not in stderr, host_target() or "")
        else:
            self.expect("kernels compiled once, announced (no bundled level fits this processor)",
                        compiled_note in stderr)

    def audit_list(self) -> None:
        database = f"sqlite:///{(self.out / 'audits.db').as_posix()}"
        result = self.run("qbaudit audit list", [self.exe("qbaudit"), "audit", "list", "--database", database])
        self.expect("qbaudit audit list (migrations from the bundle)", result.returncode == 0,
                    _decode(result.stderr).strip()[-300:])

    def window(self) -> None:
        ready = self.out / "ready.json"
        env = {"QBAUDIT_READY_FILE": str(ready)}
        result = self.run("qbaudit-gui --sample --quit-after-load", [self.exe("qbaudit-gui"), "--sample",
                                                                     "--quit-after-load"], env=env)
        info = json.loads(ready.read_text(encoding="utf-8")) if ready.is_file() else {}
        self.expect("window opened the sample audit and quit", result.returncode == 0 and info.get("audit") is not None,
                    f"exit {result.returncode}, audit {info.get('audit')}; {_decode(result.stderr).strip()[-300:]}")
        names = " ".join(info.get("translators", []))
        self.expect("Qt's Chinese translation loaded from the bundle", "qtbase_zh_CN" in names, names)
        for label in ("window start, first after the sample", "window start, warm"):
            ready.unlink(missing_ok=True)
            start = time.perf_counter()
            result = self.run(label, [self.exe("qbaudit-gui"), "--quit-after-load"], env=env)
            if result.returncode == 0 and ready.is_file():
                self.timings.append((f"{label} → usable window", json.loads(ready.read_text())["ready"] - start))

    def run_all(self) -> int:
        print(f"sandbox: {self.sandbox_note}", flush=True)
        self.version()
        self.check()
        self.audit_list()
        self.window()
        print("\nseconds  step (fresh process each; from spawn)")
        for label, seconds in self.timings:
            print(f"{seconds:7.2f}  {label}")
        failed = [name for name, ok, _ in self.results if not ok]
        print(f"\nbundle run from {self.copy}; {self.sandbox_note}")
        print(f"smoke: {len(self.results) - len(failed)} passed, {len(failed)} failed")  # CI reads this line
        return 1 if failed else 0


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def smoke_test(bundle: Path, keep: bool = False) -> int:
    """Run every check on a copy of ``bundle``; 0 when all passed."""
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="qbaudit-smoke-"))
    try:
        return Smoke(bundle.resolve(), work).run_all()
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "qbaudit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and its outputs")
    args = parser.parse_args()
    return smoke_test(args.bundle, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
