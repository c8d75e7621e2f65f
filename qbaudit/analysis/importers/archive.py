"""Zip files from outside (QTI content packages), opened with care.

Every member is checked before anything is written: no ``..`` component, no absolute or drive path,
no symbolic link, at most ``max_files`` members, and sizes within the limits of
``resources/formats.toml`` (per file, in total, and the compression ratio). Members are then
extracted only into a :class:`tempfile.TemporaryDirectory`, counting the bytes really inflated, so a
header that lies about a size is caught too. A broken archive is a clear :class:`ArchiveError`.
The same member rules guard every zip-based file at the door (:func:`~qbaudit.analysis.importers.guard.check_zip`).
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qbaudit.bundled import load_toml
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

_CHUNK = 1 << 16


class ArchiveError(QbauditError):
    """An archive that is refused or cannot be read; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Limits:
    """What an archive from outside may hold."""

    max_files: int
    max_file_bytes: int
    max_total_bytes: int
    max_ratio: float

    @classmethod
    def bundled(cls, section: str = "archive") -> Limits:
        """The limits in ``resources/formats.toml`` (``[archive]``, or ``[spreadsheet_archive]`` for workbooks)."""
        data = load_toml("formats.toml")[section]
        return cls(data["max_files"], data["max_file_bytes"], data["max_total_bytes"], data["max_ratio"])


def _safe_name(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it could leave the folder it is extracted into."""
    text = name.replace("\\", "/")
    if not text or text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    path = PurePosixPath(text)
    if any(part in ("..", "") for part in path.parts) or any(":" in part for part in path.parts):
        return None
    return path


def check_members(archive: zipfile.ZipFile, name: str, limits: Limits) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The members of ``archive`` with their safe relative paths, after the checks on what its headers state;
    raises :class:`ArchiveError` for the first member that breaks a rule."""
    members = archive.infolist()
    if len(members) > limits.max_files:
        raise ArchiveError(tr("archive.too_many_files", file=name, count=len(members), limit=limits.max_files))
    total = 0
    checked = []
    for info in members:
        relative = _safe_name(info.filename)
        if relative is None:
            raise ArchiveError(tr("archive.unsafe_path", file=name, member=info.filename))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveError(tr("archive.symlink", file=name, member=info.filename))
        if info.flag_bits & 0x1:
            raise ArchiveError(tr("archive.encrypted", file=name))
        if info.file_size > limits.max_file_bytes:
            raise ArchiveError(tr("archive.too_large", file=name, member=info.filename, limit=mib(limits.max_file_bytes)))
        if info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveError(tr("archive.ratio", file=name, member=info.filename, limit=f"{limits.max_ratio:g}"))
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveError(tr("archive.too_large_total", file=name, limit=mib(limits.max_total_bytes)))
        if not info.is_dir():
            checked.append((info, relative))
    return checked


def mib(size: int) -> str:
    """A limit in MiB (or KiB) as the messages show it."""
    return f"{size / (1 << 20):g} MiB" if size >= 1 << 20 else f"{size / 1024:g} KiB"


@contextmanager
def extracted(path: str | Path, limits: Limits | None = None) -> Iterator[Path]:
    """Extract the archive at ``path`` into a temporary folder, yield it, and remove it afterwards.

    Raises :class:`ArchiveError` (nothing written outside the temporary folder) for an archive that is
    broken, encrypted, too large or unsafe.
    """
    limits = limits or Limits.bundled()
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(tr("archive.broken", file=path.name)) from exc
    with archive, tempfile.TemporaryDirectory(prefix="qbaudit-") as folder:
        root = Path(folder).resolve()
        members = check_members(archive, path.name, limits)
        total = 0
        for info, relative in members:
            target = root.joinpath(*relative.parts)
            if not target.resolve().is_relative_to(root):  # belt and braces after _safe_name
                raise ArchiveError(tr("archive.unsafe_path", file=path.name, member=info.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(info) as source, target.open("xb") as sink:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > limits.max_file_bytes or written > limits.max_ratio * max(info.compress_size, 1):
                            raise ArchiveError(tr("archive.ratio", file=path.name, member=info.filename,
                                                  limit=f"{limits.max_ratio:g}"))
                        if total > limits.max_total_bytes:
                            raise ArchiveError(tr("archive.too_large_total", file=path.name,
                                                  limit=mib(limits.max_total_bytes)))
                        sink.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
                raise ArchiveError(tr("archive.broken", file=path.name)) from exc
        yield root

