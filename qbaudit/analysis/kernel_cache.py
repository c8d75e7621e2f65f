"""Where the compiled similarity kernels are kept, and loading them with a word to the user when they compile.

The kernels of :mod:`qbaudit.analysis.kernels` are compiled by numba on first use (10–30 s on an office
computer) and their machine code is cached on disk, so later runs only load it (well under a second).
This module decides where that cache lives and says so; nothing here runs at import time.

The cache folder, first that applies:

1. ``QBAUDIT_KERNEL_CACHE`` names one (the app bundle's build uses it, so do the benches);
2. the user's cache folder (platformdirs: ``~/.cache/qbaudit/kernels`` on Linux,
   ``%LOCALAPPDATA%\\qbaudit\\Cache\\kernels`` on Windows) when it can be written;
3. otherwise a folder in the system's temporary folder, and the user is told which and why;
4. where nothing can be written, the kernels are compiled in memory at every run, and the user is told.

In the app bundle the kernels are compiled ahead of time, when the bundle is built, for two levels of
x86-64 processors (``x86-64-v3``, with AVX2, about 2013 on; ``x86-64-v2``, which Windows 11 needs); at
first use the level this computer has is copied into the cache folder, so an inspector's first check
does not compile at all. Elsewhere (another processor, a source install) they compile once, announced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from qbaudit.i18n import tr

ENV_CACHE = "QBAUDIT_KERNEL_CACHE"
ENV_TARGET = "QBAUDIT_KERNEL_TARGET"  # compile for this processor level instead of this computer's (the build)
BUNDLED_FOLDER = "kernels"  # inside the app bundle's data folder
MARKER = "qbaudit-kernels.json"
KERNELS = ("minhash_bigrams", "band_keys", "band_candidates", "set_similarity_join")
# Processor levels the bundle is compiled for, best first, with the LLVM features each needs.
TARGETS = {
    "x86-64-v3": ("avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave",
                  "cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"),
    "x86-64-v2": ("cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"),
}
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachePlan:
    """Where the kernels are cached in this process, and why there.

    Attributes:
        folder: the cache folder (None: nothing could be written; compiled in memory each run).
        target: the processor level compiled for (None: this computer's own).
        wanted: the folder that was wanted when ``folder`` is a fallback, else None.
        reason: why ``wanted`` could not be used.
        bundled: the app bundle's precompiled kernels for ``target``, when there are.
    """

    folder: Path | None
    target: str | None = None
    wanted: Path | None = None
    reason: str = ""
    bundled: Path | None = None


@dataclass(frozen=True)
class KernelLoad:
    """How the kernels were made ready in this process."""

    plan: CachePlan
    compiled: bool  # False: loaded from the cache (or copied from the bundle)
    seconds: float
    seeded: bool = False  # the bundle's precompiled kernels were copied into the cache folder


def _report_to_stderr(message: str) -> None:
    stream = sys.stderr
    if stream is None:  # a windowed program on Windows has no console
        return
    with contextlib.suppress(OSError, ValueError):
        print(message, file=stream, flush=True)


_reporter: Callable[[str], None] = _report_to_stderr
_plan: CachePlan | None = None
_loaded: KernelLoad | None = None
_loading = False


def set_reporter(reporter: Callable[[str], None] | None) -> Callable[[str], None]:
    """Send the kernel notices (compiling, where cached) to ``reporter`` (default: standard error).

    The window shows them in its status bar; they may arrive from a worker thread. Returns the old one.
    """
    global _reporter
    old = _reporter
    _reporter = reporter or _report_to_stderr
    return old


def _say(message: str) -> None:
    _log.info("%s", message)
    try:
        _reporter(message)
    except Exception:  # noqa: BLE001 - a notice must never stop the work
        _log.exception("kernel notice could not be shown")


def _writable(folder: Path) -> str:
    """Empty when ``folder`` can be created and written; otherwise the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def user_cache_folder() -> Path:
    """The kernels' folder in the user's cache folder (whether or not it can be written)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qbaudit", appauthor=False)) / "kernels"


def temporary_cache_folder() -> Path:
    """The fallback folder in the system's temporary folder, private to this user.

    Cached code is loaded as pickles, so a folder another user could have made or written is never
    used: on a shared temporary folder (POSIX) it must be ours and closed to others, else a fresh
    private folder is made for this run.
    """
    if not hasattr(os, "getuid"):  # Windows: %TEMP% is the user's own
        return Path(tempfile.gettempdir()) / "qbaudit-kernels"
    folder = Path(tempfile.gettempdir()) / f"qbaudit-kernels-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = folder.lstat()
        if folder.is_symlink() or status.st_uid != os.getuid() or status.st_mode & 0o077:
            raise PermissionError(f"{folder} is not private")
    except OSError:
        try:
            return Path(tempfile.mkdtemp(prefix="qbaudit-kernels-"))
        except OSError:
            return folder
    return folder


def bundled_folder() -> Path | None:
    """The app bundle's precompiled kernels (None outside a bundle or when it has none)."""
    base = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    folder = Path(base) / BUNDLED_FOLDER if base else None
    return folder if folder is not None and (folder / MARKER).is_file() else None


def source_stamp() -> str:
    """What the cached code was compiled from: the kernels' source, numba's and Python's versions."""
    import numba

    source = Path(__file__).with_name("kernels.py")
    digest = hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else "no-source"
    return f"{digest}:numba-{numba.__version__}:py{sys.version_info[0]}{sys.version_info[1]}"


def _host_features() -> set[str]:
    import llvmlite.binding as llvm

    return {name for name, on in llvm.get_host_cpu_features().items() if on}


def host_targets() -> list[str]:
    """The bundled processor levels this computer runs, best first (none: not x86-64, or too old)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return []
    try:
        features = _host_features()
    except Exception:  # noqa: BLE001 - an unknown processor compiles for itself
        return []
    return [name for name, needs in TARGETS.items() if set(needs) <= features]


def host_target() -> str | None:
    """The best bundled processor level this computer runs, or None."""
    return next(iter(host_targets()), None)


def _bundled_for(target: str | None) -> Path | None:
    bundle = bundled_folder()
    if bundle is None or target is None:
        return None
    try:
        info = json.loads((bundle / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("stamp") != source_stamp() or target not in info.get("targets", []):
        return None
    return bundle / target if (bundle / target).is_dir() else None


def plan_cache() -> CachePlan:
    """Decide where the kernels are cached in this process (and for which processor level)."""
    target = os.environ.get(ENV_TARGET) or None
    bundled = None
    if target is None and bundled_folder() is not None:
        for level in host_targets():  # the best level the bundle has and this processor runs
            bundled = _bundled_for(level)
            if bundled is not None:
                target = level
                break
    named = os.environ.get(ENV_CACHE)
    wanted = Path(named) if named else user_cache_folder()
    sub = target or "host"
    reason = _writable(wanted / sub)
    if not reason:
        return CachePlan(wanted / sub, target, bundled=bundled)
    fallback = temporary_cache_folder() / sub
    if not _writable(fallback):
        return CachePlan(fallback, target, wanted=wanted, reason=reason, bundled=bundled)
    return CachePlan(None, target, wanted=wanted, reason=reason, bundled=bundled)


def configure() -> CachePlan:
    """Called by :mod:`qbaudit.analysis.kernels` before its functions are compiled: set the processor
    level and route numba's cache of those functions to the planned folder."""
    global _plan
    if _plan is not None:
        return _plan
    _plan = plan_cache()
    if _plan.target:
        os.environ.setdefault("NUMBA_CPU_NAME", _plan.target)
        os.environ.setdefault("NUMBA_CPU_FEATURES", "")
    from numba.core import caching, config

    if _plan.target:  # numba.core.config sets its options as module attributes at import: no stub declares them
        setattr(config, "CPU_NAME", _plan.target)  # noqa: B010
        setattr(config, "CPU_FEATURES", "")  # noqa: B010
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl")  # noqa: B009 - renamed in numba 0.58
    if _locator_class() not in impl._locator_classes:
        impl._locator_classes.insert(0, _locator_class())
    return _plan


@cache
def _locator_class() -> type:
    """numba's cache locator for the functions of :mod:`qbaudit.analysis.kernels` only (made on first
    use, so that importing this module does not import numba).

    The cached code is keyed by the kernels' source, not by a file's date (numba's default), so the
    bundle's precompiled kernels stay valid wherever it is unpacked, whichever executable runs them.
    """
    from numba.core.caching import _CacheLocator

    class KernelLocator(_CacheLocator):
        def __init__(self, py_func: Any, folder: Path) -> None:
            self._lineno = py_func.__code__.co_firstlineno
            self._folder = folder

        def ensure_cache_path(self) -> None:
            reason = _writable(self._folder)
            if reason:
                raise OSError(reason)

        def get_cache_path(self) -> str:
            return str(self._folder)

        def get_source_stamp(self) -> str:
            return source_stamp()

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if getattr(py_func, "__module__", "") != "qbaudit.analysis.kernels" or _plan is None or _plan.folder is None:
                return None
            return cls(py_func, _plan.folder)

    return KernelLocator


def _marker() -> dict[str, str]:
    from numba.core import config

    cpu = getattr(config, "CPU_NAME", None)  # set at import from NUMBA_CPU_NAME
    return {"stamp": source_stamp(), "cpu": cpu or "host",
            "machine": "" if cpu else hashlib.sha256(repr(sorted(_host_features())).encode()).hexdigest()}


def _is_cached(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")) == _marker()
    except (OSError, ValueError):
        return False


def _seed_from_bundle(plan: CachePlan) -> bool:
    """Copy the bundle's precompiled kernels for this processor level into the cache folder."""
    if plan.bundled is None or plan.folder is None or _is_cached(plan.folder):
        return False
    try:
        for source in plan.bundled.iterdir():
            if source.suffix in (".nbi", ".nbc") or source.name == MARKER:
                shutil.copy2(source, plan.folder / source.name)
    except OSError:
        _log.warning("bundled kernels could not be copied to %s", plan.folder)
        return False
    return True


def _warm_up(kernels: ModuleType) -> None:
    """Compile (or load from the cache) every kernel for the argument types the searches pass, without
    running them (the build may compile for a processor level it does not have itself)."""
    import numpy as np
    from numba import typeof

    codes = np.frombuffer("甲乙".encode("utf-32-le"), dtype=np.uint32)  # read-only, as code_points makes it
    offsets, ratio = np.zeros(3, dtype=np.int64), 0.5
    words = np.zeros((2, 2), dtype=np.uint64)
    calls = {
        "minhash_bigrams": (codes, offsets, np.zeros(6, np.uint32), np.zeros(6, np.uint32)),
        "band_keys": (np.zeros((2, 6), np.uint32), 2, 3),
        "band_candidates": (words, words, np.zeros((2, 2), np.int32), offsets, 1, ratio),
        "set_similarity_join": (np.zeros(6, np.int32), offsets, ratio),
    }
    for name, args in calls.items():
        getattr(kernels, name).compile(tuple(typeof(arg) for arg in args))


def _compiled_any(kernels: ModuleType) -> bool:
    return any(sum(getattr(kernels, name).stats.cache_misses.values()) for name in KERNELS)


def load_kernels() -> ModuleType:
    """The kernels, compiled or loaded from the cache; the first call in a process does the work.

    When they must compile, the user is told once before (and how long it took after), and where they
    are cached; when the cache had to fall back to a temporary folder, that is said too.
    """
    global _loaded, _loading
    if _loaded is not None or _loading:
        from qbaudit.analysis import kernels

        return kernels
    _loading = True
    try:
        start = time.perf_counter()
        plan = configure()
        seeded = _seed_from_bundle(plan)
        if plan.wanted is not None:
            if plan.folder is not None:
                _say(tr("kernels.fallback", wanted=str(plan.wanted), reason=plan.reason, folder=str(plan.folder)))
            else:
                _say(tr("kernels.no_cache", wanted=str(plan.wanted), reason=plan.reason))
        from qbaudit.analysis import kernels

        expected = not _is_cached(plan.folder)
        if expected:
            _say(tr("kernels.compiling") if plan.folder is None
                 else tr("kernels.compiling_cached", folder=str(plan.folder)))
        _warm_up(kernels)
        compiled = _compiled_any(kernels)
        seconds = time.perf_counter() - start
        if compiled:
            if plan.folder is not None and not _writable(plan.folder):
                try:
                    (plan.folder / MARKER).write_text(json.dumps(_marker()), encoding="utf-8")
                except OSError:
                    _log.warning("kernel cache marker could not be written in %s", plan.folder)
            _say(tr("kernels.compiled", seconds=f"{seconds:.1f}") if plan.folder is None
                 else tr("kernels.compiled_cached", seconds=f"{seconds:.1f}", folder=str(plan.folder)))
        _log.info("kernels ready in %.2f s (compiled: %s, cache: %s, target: %s)", seconds, compiled, plan.folder,
                  plan.target or "host")
        _loaded = KernelLoad(plan, compiled, seconds, seeded)
    finally:
        _loading = False
    return kernels


def last_load() -> KernelLoad | None:
    """How the kernels were made ready in this process (None: not yet)."""
    return _loaded


def build_bundled(folder: Path, targets: tuple[str, ...] = tuple(TARGETS)) -> None:
    """Compile the kernels for each processor level into ``folder`` (the app bundle's build calls this).

    Each level compiles in a fresh process (numba fixes the processor at its first compilation).
    """
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    for target in targets:
        env = {**os.environ, ENV_CACHE: str(folder), ENV_TARGET: target}
        code = "from qbaudit.analysis.kernel_cache import load_kernels; load_kernels()"
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        if not (folder / target / MARKER).is_file():
            raise RuntimeError(f"kernels for {target} were not cached in {folder / target}")
    (folder / MARKER).write_text(json.dumps({"stamp": source_stamp(), "targets": list(targets)}), encoding="utf-8")
