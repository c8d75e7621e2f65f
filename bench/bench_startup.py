"""How long the window takes to appear, the similarity kernels to load, and the app bundle to start.

    python bench/bench_startup.py [--repeat 5] [--bundle dist/qbaudit] [--no-compile]

Every figure is measured in fresh processes (the median, min and max of ``--repeat`` runs), as the user
sees it, in one run:

- **window start from the source tree** (offscreen Qt, a fresh settings folder, an SQLite store with the
  sample audit in it): from the interpreter's start to the main window shown with the audit list
  filled. "Eager" is the naive way in the same run: the same window with the libraries the checks and
  the charts use (pandas, polars, numpy, matplotlib, the checks, every page) imported up front.
- **similarity kernels**: a fresh process loading them from a warm cache (what every ``check`` pays
  once), and compiling them into an empty cache (what the first run after installing from source pays;
  the app bundle ships them compiled). ``--no-compile`` skips the compile (it takes 10–30 s).
- **the app bundle** (``./dev package`` builds ``dist/qbaudit``), when there is one: its size on disk and
  what takes the space; ``qbaudit-gui --quit-after-load`` from spawn to a usable window, first start (a
  fresh copy in a temporary folder, a fresh user folder, the copy's files evicted from the OS cache
  where ``posix_fadvise`` can) and warm. Targets: ≤ 2 s warm, ≤ 5 s first start, ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
eager = sys.argv[1] == "eager"
if eager:
    import pandas, polars, numpy, matplotlib.pyplot  # noqa: F401
    import qbaudit.analysis.run, qbaudit.report  # noqa: F401
    from qbaudit.views.main_window import PAGES
    import importlib
    for _, module, _ in PAGES:
        importlib.import_module(module)
from qbaudit.views.app import create_app
app = create_app()
from qbaudit.views.main_window import MainWindow
window = MainWindow(database=sys.argv[2])
window.show()
app.processEvents()
assert window.start.model.rowCount() >= 1
print(time.perf_counter() - float(sys.argv[3]))
"""

KERNELS = r"""
import sys, time
from qbaudit.analysis.kernel_cache import load_kernels, last_load
load_kernels()
load = last_load()
print(time.perf_counter() - float(sys.argv[1]), load.seconds, int(load.compiled))
"""


def _run(mode: str, database: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    # perf_counter is per-boot monotonic on Linux: the child reads the same clock
    out = subprocess.run([sys.executable, "-c", CHILD, mode, database, repr(start)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _kernels(env: dict[str, str]) -> tuple[float, float, bool]:
    """(seconds from spawn, seconds inside load_kernels, compiled?) of one fresh process."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", KERNELS, repr(start)], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True)
    total, inside, compiled = out.stdout.split()
    return float(total), float(inside), compiled == "1"


def _evict(folder: Path) -> bool:
    """Drop ``folder``'s files from the OS cache (Linux), so the next start reads them from disk."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
            finally:
                os.close(fd)
    return True


def _bundle_start(copy: Path, home: Path) -> float | None:
    """Seconds from spawning ``qbaudit-gui --quit-after-load`` to its usable window (None: it failed)."""
    sys.path.insert(0, str(ROOT / "bundle"))
    from smoke import clean_env

    ready = home / "ready.json"
    ready.unlink(missing_ok=True)
    env = {**clean_env(home), "QBAUDIT_READY_FILE": str(ready)}
    exe = copy / ("qbaudit-gui.exe" if sys.platform == "win32" else "qbaudit-gui")
    start = time.perf_counter()
    result = subprocess.run([str(exe), "--quit-after-load"], env=env, cwd=home, capture_output=True, timeout=300)
    if result.returncode != 0 or not ready.is_file():
        print(result.stderr.decode("utf-8", "replace")[-500:], file=sys.stderr)
        return None
    return json.loads(ready.read_text(encoding="utf-8"))["ready"] - start


def _row(label: str, times: list[float], note: str = "") -> str:
    return (f"{label:<46}{statistics.median(times):>9.2f}{min(times):>9.2f}{max(times):>9.2f}"
            f"{len(times):>5}  {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "qbaudit", help="the app bundle to time")
    parser.add_argument("--no-compile", action="store_true", help="skip timing the kernels' first compilation")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qbaudit-startup-"))
    database = f"sqlite:///{folder / 'audits.db'}"
    sys.path.insert(0, str(ROOT))
    from qbaudit.samples import open_sample_audit
    from qbaudit.store import AuditStore

    with AuditStore(database) as store:
        open_sample_audit(store)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QBAUDIT_CONFIG_DIR": str(folder / "config")}
    lines = [f"{'seconds, fresh processes':<46}{'median':>9}{'min':>9}{'max':>9}{'runs':>5}"]

    _run("lazy", database, env)  # warm the file cache and the compiled bytecode once
    for mode, label in (("lazy", "window start: qbaudit (lazy imports)"),
                        ("eager", "window start: naive (everything up front)")):
        lines.append(_row(label, [_run(mode, database, env) for _ in range(args.repeat)], "target < 2 s"))

    kernel_env = {**env, "QBAUDIT_KERNEL_CACHE": str(folder / "kernels")}
    if not args.no_compile:
        total, inside, compiled = _kernels(kernel_env)
        lines.append(_row("kernels: first compile, empty cache", [total],
                          f"{inside:.2f} s inside load_kernels; compiled: {compiled}"))
    else:
        _kernels(kernel_env)
    warm = [_kernels(kernel_env) for _ in range(args.repeat)]
    lines.append(_row("kernels: load from the cache", [t for t, _, _ in warm],
                      f"median {statistics.median(i for _, i, _ in warm):.2f} s inside load_kernels "
                      f"(numba's own start included); compiled: {any(c for _, _, c in warm)}"))

    sizes: list[str] = []
    if args.bundle.is_dir():
        sys.path.insert(0, str(ROOT / "bundle"))
        from build import bundle_bytes, space_by_part

        copy_root = folder / "bundle"
        copy = copy_root / "qbaudit"
        shutil.copytree(args.bundle, copy, symlinks=True)
        evicted = _evict(copy)
        first = _bundle_start(copy, folder / "home-first")
        if first is not None:
            lines.append(_row("bundle: first start → usable window", [first],
                              "fresh copy and user folder" + (", files evicted from the OS cache" if evicted else "")
                              + "; target ≤ 5 s"))
        starts = [_bundle_start(copy, folder / "home-warm") for _ in range(args.repeat + 1)][1:]
        if all(s is not None for s in starts):
            lines.append(_row("bundle: warm start → usable window", starts, "target ≤ 2 s"))
        total = bundle_bytes(args.bundle)
        sizes.append(f"\nbundle {args.bundle}: {total / 1e6:.0f} MB on disk (target ≤ 400 MB); what takes the space:")
        sizes += [f"  {size / 1e6:8.1f} MB  {part}" for part, size in space_by_part(args.bundle)]
    else:
        sizes.append(f"\nno app bundle at {args.bundle} (./dev package builds one): its start and size are not timed")
    print("\n".join(lines + sizes))
    print(f"\n{args.repeat} runs each unless said; offscreen; Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
