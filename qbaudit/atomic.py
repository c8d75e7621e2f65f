"""Files written whole or not at all: a document is written to a temporary file beside it and moved into
place only once complete, so that a stopped command (Ctrl+C, a full disk, an error) never leaves a
half-written report where the inspector expects a finished one, nor spoils the file it was replacing.

:func:`into_place` does it for one file; :class:`StagedFiles` for several that belong together (the
documents of one ``qbaudit report``): each is written to its temporary file, and all are moved into
place together once every one is complete — or none is.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


def part_path(path: str | Path) -> Path:
    """A temporary name beside ``path`` (hidden, unique, the same suffix: writers that look at it still work)."""
    path = Path(path)
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}")


@contextlib.contextmanager
def into_place(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; moved onto ``path`` when the block ends,
    removed if it fails or is interrupted (``path`` then stays as it was)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = part_path(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    with into_place(path) as temporary:
        temporary.write_text(text, encoding=encoding)


class StagedFiles:
    """Several files written to temporary names, then moved into place together by :meth:`commit`.

    Used as a context manager: what was not committed when the block ends (an error, Ctrl+C) is removed,
    and the files at the final paths stay as they were.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, final)

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, *_: object) -> None:
        self.discard()

    def path(self, final: str | Path) -> Path:
        """The temporary path to write ``final``'s content to."""
        final = Path(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = part_path(final)
        self.pending.append((temporary, final))
        return temporary

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the final paths."""
        moved = []
        for temporary, final in self.pending:
            os.replace(temporary, final)
            moved.append(final)
        self.pending = []
        return moved

    def discard(self) -> None:
        """Remove the staged files not yet moved into place."""
        for temporary, _ in self.pending:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        self.pending = []
