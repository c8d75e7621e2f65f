"""Build the app bundle on this platform, write its manifest, and smoke-test it.

    python bundle/build.py [--dist dist] [--no-smoke] [--archive]

Steps (the same on Linux, from ``./dev package``, and on Windows, from ``bundle/windows/build.ps1``):

1. compile the similarity kernels for the bundled processor levels (x86-64-v3 and -v2) into
   ``build/kernels`` (:func:`qbaudit.analysis.kernel_cache.build_bundled`);
2. PyInstaller with ``bundle/qbaudit.spec`` → ``dist/qbaudit/`` (``qbaudit-gui`` and ``qbaudit``);
3. ``dist/qbaudit-manifest.json`` beside the bundle: the version, the platform, the build's Python and
   PyInstaller, the commit, and the SHA-256 and size of every file; what takes the space is printed;
4. with ``--archive``, ``dist/qbaudit-<version>-<platform>.zip`` (what an inspector downloads);
5. unless ``--no-smoke``, bundle/smoke.py runs the bundle from a copy outside the source tree.

Exit status 0 when the bundle was built (and passed its smoke test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def platform_tag() -> str:
    """``linux-x86_64``, ``windows-amd64`` …"""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return out.stdout.strip() or None


def write_manifest(bundle: Path, seconds: float) -> Path:
    """``<bundle>-manifest.json``: version, platform, build tools, and every file's SHA-256 and size."""
    from importlib.metadata import PackageNotFoundError, version

    from qbaudit import __version__

    try:
        pyinstaller = version("pyinstaller")
    except PackageNotFoundError:  # the manifest of a bundle built elsewhere
        pyinstaller = None

    files = {}
    total = 0
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()):
        size = path.stat().st_size
        total += size
        files[path.relative_to(bundle).as_posix()] = {"sha256": sha256(path), "bytes": size}
    manifest = {
        "name": "qbaudit", "version": __version__, "platform": platform_tag(),
        "python": platform.python_version(), "pyinstaller": pyinstaller, "commit": _commit(),
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 1), "bytes": total, "files": files,
    }
    path = bundle.with_name(f"{bundle.name}-manifest.json")
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def space_by_part(bundle: Path, top: int = 14) -> list[tuple[str, int]]:
    """What takes the space: bytes per top-level entry of the bundle's data folder (and the rest)."""
    inner = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    sizes: dict[str, int] = {}
    for path in inner.rglob("*"):
        if path.is_file() and not path.is_symlink():
            part = path.relative_to(inner).parts[0]
            key = part if (inner / part).is_dir() else "(shared libraries and other files)"
            sizes[key] = sizes.get(key, 0) + path.stat().st_size
    ranked = sorted(sizes.items(), key=lambda kv: -kv[1])
    head, rest = ranked[:top], ranked[top:]
    if rest:
        head.append((f"({len(rest)} others)", sum(size for _, size in rest)))
    return head


def bundle_bytes(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def archive(bundle: Path) -> Path:
    """A zip of the bundle folder (unzip and run; nothing to install)."""
    from qbaudit import __version__

    target = bundle.with_name(f"qbaudit-{__version__}-{platform_tag()}.zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, Path(bundle.name) / path.relative_to(bundle))
                info.compress_type = zipfile.ZIP_DEFLATED
                with path.open("rb") as handle:
                    zf.writestr(info, handle.read(), compresslevel=6)
    return target


def strip_binaries(bundle: Path) -> int:
    """Strip the symbol tables of the bundle's ELF libraries (Linux), and return the bytes saved.

    Libraries that auditwheel vendored (``*.libs`` folders) are left alone: they were rewritten by
    patchelf, and strip leaves them unloadable ("ELF load command address/offset not page-aligned").
    """
    strip = shutil.which("strip")
    if sys.platform != "linux" or strip is None:
        return 0
    saved = 0
    for path in sorted(bundle.rglob("*")):
        if (not path.is_file() or path.is_symlink() or any(part.endswith(".libs") for part in path.parts)
                or not (path.suffix == ".so" or ".so." in path.name)):
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        before = path.stat().st_size
        if subprocess.run([strip, "--strip-unneeded", str(path)], capture_output=True).returncode == 0:
            saved += before - path.stat().st_size
    return saved


def build(dist: Path, work: Path) -> tuple[Path, float]:
    """Compile the kernels, run PyInstaller; return the bundle folder and the seconds it took."""
    from qbaudit.analysis.kernel_cache import build_bundled

    start = time.perf_counter()
    kernels = work / "kernels"
    shutil.rmtree(kernels, ignore_errors=True)
    print("== compiling the similarity kernels for x86-64-v3 and x86-64-v2", flush=True)
    if platform.machine().lower() in ("x86_64", "amd64"):
        build_bundled(kernels)
    env = {**os.environ, "QBAUDIT_BUNDLE_KERNELS": str(kernels)} if kernels.is_dir() else dict(os.environ)
    print(f"== PyInstaller → {dist / 'qbaudit'}", flush=True)
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
                    str(ROOT / "bundle" / "qbaudit.spec")], cwd=ROOT, env=env, check=True)
    saved = strip_binaries(dist / "qbaudit")
    if saved:
        print(f"== stripped the libraries' symbol tables: {saved / 1e6:.0f} MB less", flush=True)
    return dist / "qbaudit", time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle is written")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's and the kernels' work folder")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--archive", action="store_true", help="also write a zip of the bundle")
    args = parser.parse_args(argv)
    bundle, seconds = build(args.dist.resolve(), args.work.resolve())
    manifest = write_manifest(bundle, seconds)
    total = bundle_bytes(bundle)
    print(f"\nbundle {bundle} built in {seconds:.0f} s: {total / 1e6:.0f} MB on disk "
          f"(target ≤ 400 MB), {len(json.loads(manifest.read_text(encoding='utf-8'))['files'])} files")
    print(f"manifest {manifest}")
    for part, size in space_by_part(bundle):
        print(f"  {size / 1e6:8.1f} MB  {part}")
    if args.archive:
        print(f"archive {archive(bundle)}")
    if args.no_smoke:
        return 0
    from smoke import smoke_test

    return smoke_test(bundle)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
