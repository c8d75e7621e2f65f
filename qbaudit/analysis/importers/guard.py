"""The one guarded door every file from outside comes through, whatever importer reads it.

:func:`read_input` is the only way an importer gets a file's bytes. Before any parser sees them it checks,
with the limits of ``resources/formats.toml`` (the tool's own numbers, not the regulation's):

* the file's size (``[limits] max_file_bytes``), from the file system before reading;
* for every zip-based format (``.docx``, ``.xlsx``, ``.xlsm``, ``.xlsb``, ``.ods``, QTI packages): the archive
  rules of :mod:`.archive` (member count, unsafe names, symbolic links, encryption, sizes and compression
  ratio as the headers state them), then every member inflated as a stream, counting the bytes really
  produced — a header that lies about a size, a damaged member (``zlib.error``, bad CRC) is refused here,
  with the member named, before calamine or python-docx inflate anything;
* for each worksheet of a workbook: the rows and columns it spans, from its ``<dimension>`` element and from
  the rows and cells met while it was inflated, against ``max_rows``, ``max_columns`` and ``max_cells``.

It also holds the small helpers the readers share: cells longer than ``max_cell_chars`` cut and reported,
numbers out of range (inf, NaN, beyond ``max_number``) refused per cell, and :func:`unexpected`, the last
resort that turns a failure no reader foresaw into a Chinese message (and a log entry with the traceback).
"""

from __future__ import annotations

import io
import logging
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from qbaudit.bundled import load_toml
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

_log = logging.getLogger(__name__)
T = TypeVar("T")

ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{2,3})\d")
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
_BINARY_SHEET = re.compile(r"^xl/worksheets/[^/]+\.bin$", re.I)
_BINARY_CELL_BYTES = 8  # the smallest cell record of an .xlsb sheet (BrtCellBlank: header and 8 bytes)


class ReadError(QbauditError):
    """A file that cannot be read at all; the message is for the user (in the UI language)."""


@dataclass(frozen=True)
class FileLimits:
    """What one input file may hold (``[limits]`` of ``formats.toml``)."""

    max_file_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_cell_chars: int
    max_number: float
    xml_max_depth: int

    @classmethod
    def bundled(cls) -> FileLimits:
        """The limits in ``resources/formats.toml``."""
        return _bundled_limits()


@cache
def _bundled_limits() -> FileLimits:
    data = load_toml("formats.toml")["limits"]
    return FileLimits(int(data["max_file_bytes"]), int(data["max_rows"]), int(data["max_columns"]),
                      int(data["max_cells"]), int(data["max_cell_chars"]), float(data["max_number"]),
                      int(data["xml_max_depth"]))


def size_text(size: float) -> str:
    """A byte count as people read it (``1.5 MiB``)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{int(size)} B"


def column_index(letters: str) -> int:
    """The 1-based index of Excel column letters (``A`` → 1, ``AB`` → 28)."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def read_input(path: str | Path, limits: FileLimits | None = None) -> tuple[Path, bytes]:
    """The content of the file at ``path``, through the guard (see the module's description).

    Raises :class:`ReadError` with a message naming the file (and the part, for an archive) and what to do.
    """
    limits = limits or FileLimits.bundled()
    path = Path(path)
    if not path.exists():
        raise ReadError(tr("read.not_found", file=str(path)))
    if path.is_dir():
        raise ReadError(tr("read.is_directory", file=str(path)))
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadError(tr("guard.file_too_large", file=path.name, size=size_text(size),
                               limit=size_text(limits.max_file_bytes)))
        with path.open("rb") as handle:
            content = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise ReadError(tr("read.unreadable", file=path.name, reason=os_reason(exc))) from exc
    if len(content) > limits.max_file_bytes:  # grew while it was read
        raise ReadError(tr("guard.file_too_large", file=path.name, size=size_text(len(content)),
                           limit=size_text(limits.max_file_bytes)))
    if not content:
        raise ReadError(tr("read.empty_file", file=path.name))
    if content.startswith(ZIP_MAGIC):
        check_zip(path.name, content, limits)
    return path, content


_ODS_TOKEN = re.compile(
    rb"<(/?)(?:\w+:)?(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
_ODS_ROWS = re.compile(rb"number-rows-repeated=\"(\d{1,12})\"")
_ODS_COLUMNS = re.compile(rb"number-columns-repeated=\"(\d{1,12})\"")
_ODS_NAME = re.compile(rb"\bname=\"([^\"]*)\"")


class _OdsExtent:
    """The rows and columns an OpenDocument spreadsheet (``content.xml``) spans once its repeated rows and cells
    (``number-rows-repeated``, ``number-columns-repeated``) are expanded, as a reader expands them; only cells
    with content count (LibreOffice pads every sheet with a million empty repeated rows)."""

    def __init__(self) -> None:
        self.rest = b""
        self.sheet = ""
        self.row_repeat = 1
        self.position = 0  # columns so far in the current row
        self.row_width = 0  # the last column with content in the current row
        self.rows = 0  # rows so far in the current sheet
        self.last_row = 0  # the last row with content in the current sheet
        self.width = 0
        self.cells = 0  # last_row × width, summed over the finished sheets

    def feed(self, chunk: bytes) -> None:
        """Scan the next piece of ``content.xml``."""
        data = self.rest + chunk
        cut = data.rfind(b"<")
        if cut >= 0 and data.find(b">", cut) < 0:  # a tag cut in two: kept for the next piece
            data, self.rest = data[:cut], data[cut:]
        else:
            self.rest = b""
        for match in _ODS_TOKEN.finditer(data):
            closing, tag, attributes, empty = match.groups()
            if tag == b"table":
                if closing:
                    self.cells += self.last_row * self.width
                else:
                    name = _ODS_NAME.search(attributes)
                    self.sheet = name.group(1).decode("utf-8", "replace") if name else ""
                    self.rows = self.last_row = self.width = 0
            elif tag == b"table-row":
                if closing:
                    self._end_row()
                elif empty:
                    self.rows += self._repeat(_ODS_ROWS, attributes)
                else:
                    self.row_repeat = self._repeat(_ODS_ROWS, attributes)
                    self.position = self.row_width = 0
            elif not closing:  # a cell: it has content when it states a value type or holds text
                repeat = self._repeat(_ODS_COLUMNS, attributes)
                self.position += repeat
                if not empty or b"value-type" in attributes:
                    self.row_width = self.position

    def _end_row(self) -> None:
        self.rows += self.row_repeat
        if self.row_width:
            self.last_row = self.rows
            self.width = max(self.width, self.row_width)
        self.row_repeat = 1

    @staticmethod
    def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
        found = pattern.search(attributes)
        return int(found.group(1)) if found else 1


@dataclass
class _SheetExtent:
    rows: int = 0  # the rows the sheet spans (its dimension, or the last row met)
    columns: int = 0
    counted: int = 0  # row elements met
    dimension_rows: int = 0  # the rows its <dimension> states


def check_zip(name: str, content: bytes, limits: FileLimits | None = None) -> None:
    """Check a zip-based file held in memory; raises :class:`ReadError` when it breaks a rule.

    A file that is not a readable zip at all is left to its reader, which says so in its own words.
    """
    from qbaudit.analysis.importers.archive import ArchiveError, Limits, check_members

    limits = limits or FileLimits.bundled()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return
    with archive:
        try:
            names = set(archive.namelist())
            workbook = bool(names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}) and "word/document.xml" not in names
            archive_limits = Limits.bundled("spreadsheet_archive" if workbook else "archive")
            members = check_members(archive, name, archive_limits)
        except ArchiveError as exc:
            raise ReadError(str(exc)) from exc
        extents: dict[str, _SheetExtent] = {}
        total = 0
        ods = "mimetype" in names and "content.xml" in names
        for info, _relative in members:
            sheet = _WORKSHEET.match(info.filename) is not None
            extent = extents.setdefault(info.filename, _SheetExtent()) if sheet else None
            spans = _OdsExtent() if ods and info.filename == "content.xml" else None
            if _BINARY_SHEET.match(info.filename):
                _check_binary_sheet(name, archive, info, limits)
            total = _inflate(archive, info, name, archive_limits, total, extent, limits, spans)
        _check_extents(name, archive, extents, limits)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, archive_limits, total: int,
             extent: _SheetExtent | None, limits: FileLimits, spans: _OdsExtent | None = None) -> int:
    """Inflate one member as a stream, counting what it really holds; returns the running total of bytes."""
    from qbaudit.analysis.importers.archive import ArchiveError, mib

    written = 0
    head = b""
    try:
        with archive.open(info) as source:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                total += len(chunk)
                if written > archive_limits.max_file_bytes or written > archive_limits.max_ratio * max(info.compress_size, 1):
                    raise ReadError(tr("archive.ratio", file=name, member=info.filename,
                                       limit=f"{archive_limits.max_ratio:g}"))
                if total > archive_limits.max_total_bytes:
                    raise ReadError(tr("archive.too_large_total", file=name, limit=mib(archive_limits.max_total_bytes)))
                if spans is not None:
                    spans.feed(chunk)
                    _check_ods(name, spans, limits)
                if extent is not None:
                    if not head:  # the dimension sits at the top of the sheet, before its rows
                        head = chunk[:65536]
                        _read_dimension(head, extent)
                        _check_extent(name, info.filename, extent, limits, archive)
                    _count_rows(chunk, extent)
                    _check_extent(name, info.filename, extent, limits, archive)
    except ReadError:
        raise
    except ArchiveError as exc:
        raise ReadError(str(exc)) from exc
    except zlib.error as exc:
        raise ReadError(tr("guard.part_broken", file=name, part=info.filename, why=tr("guard.why_inflate"))) from exc
    except zipfile.BadZipFile as exc:
        why = "guard.why_crc" if "CRC" in str(exc) else "guard.why_truncated"
        raise ReadError(tr("guard.part_broken", file=name, part=info.filename, why=tr(why))) from exc
    except (EOFError, OSError, ValueError, RuntimeError) as exc:
        raise ReadError(tr("guard.part_broken", file=name, part=info.filename, why=tr("guard.why_truncated"))) from exc
    except NotImplementedError as exc:
        raise ReadError(tr("guard.part_broken", file=name, part=info.filename, why=tr("guard.why_method"))) from exc
    return total


def _check_binary_sheet(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: FileLimits) -> None:
    """An .xlsb sheet: its dimension record (BrtWsDim) against the row and column caps, and its size against the
    cell cap (a binary sheet cannot be counted row by row as cheaply as XML)."""
    if info.file_size > limits.max_cells * _BINARY_CELL_BYTES:
        raise ReadError(tr("guard.too_many_cells", file=name, cells=tr("guard.cells_at_least",
                           count=f"{info.file_size // _BINARY_CELL_BYTES:,}"), limit=f"{limits.max_cells:,}"))
    try:
        with archive.open(info) as source:
            head = source.read(4096)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return  # the inflating pass names the damage
    offset = 0
    while offset < len(head) - 2:
        kind = head[offset] & 0x7F
        offset += 1
        if head[offset - 1] & 0x80:
            kind |= (head[offset] & 0x7F) << 7
            offset += 1
        size = shift = 0
        for _ in range(4):
            if offset >= len(head):
                return
            byte = head[offset]
            offset += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if kind == 0x94 and size >= 16 and offset + 16 <= len(head):  # BrtWsDim: rwFirst, rwLast, colFirst, colLast
            rows = int.from_bytes(head[offset + 4 : offset + 8], "little") + 1
            columns = int.from_bytes(head[offset + 12 : offset + 16], "little") + 1
            sheet = info.filename.rsplit("/", 1)[-1]
            if rows > limits.max_rows:
                raise ReadError(tr("guard.sheet_too_many_rows", file=name, sheet=sheet,
                                   rows=tr("guard.rows_exact", count=f"{rows:,}"), limit=f"{limits.max_rows:,}"))
            if columns > limits.max_columns:
                raise ReadError(tr("guard.sheet_too_many_columns", file=name, sheet=sheet, columns=columns,
                                   limit=limits.max_columns))
            return
        offset += size


def _check_ods(name: str, spans: _OdsExtent, limits: FileLimits) -> None:
    if spans.last_row > limits.max_rows:
        raise ReadError(tr("guard.sheet_too_many_rows", file=name, sheet=spans.sheet,
                           rows=tr("guard.rows_at_least", count=f"{spans.last_row:,}"), limit=f"{limits.max_rows:,}"))
    if spans.width > limits.max_columns:
        raise ReadError(tr("guard.sheet_too_many_columns", file=name, sheet=spans.sheet, columns=spans.width,
                           limit=limits.max_columns))
    cells = spans.cells + spans.last_row * spans.width
    if cells > limits.max_cells:
        raise ReadError(tr("guard.too_many_cells", file=name, cells=f"{cells:,}", limit=f"{limits.max_cells:,}"))


def _read_dimension(head: bytes, extent: _SheetExtent) -> None:
    match = _DIMENSION.search(head)
    if match is None:
        return
    first_col, first_row, last_col, last_row = match.groups()
    rows = int(last_row or first_row or 0)
    columns = column_index((last_col or first_col or b"").decode("ascii"))
    extent.rows = max(extent.rows, rows)
    extent.dimension_rows = rows
    extent.columns = max(extent.columns, columns)


def _count_rows(chunk: bytes, extent: _SheetExtent) -> None:
    extent.counted += chunk.count(b"<row") + chunk.count(b":row ")
    last = max(chunk.rfind(b"<row"), chunk.rfind(b":row "))
    if last >= 0:
        match = _ROW_NUMBER.search(chunk, max(last - 8, 0))
        if match is not None:
            extent.rows = max(extent.rows, int(match.group(1)))
    for letters in _WIDE_CELL.findall(chunk):
        extent.columns = max(extent.columns, column_index(letters.decode("ascii")))


def _check_extent(name: str, member: str, extent: _SheetExtent, limits: FileLimits,
                  archive: zipfile.ZipFile) -> None:
    rows = max(extent.rows, extent.counted)
    if rows > limits.max_rows:
        # rows met while the sheet was being inflated are a lower bound: reading stopped at the limit
        exact = extent.dimension_rows == rows
        shown = tr("guard.rows_exact" if exact else "guard.rows_at_least", count=f"{rows:,}")
        raise ReadError(tr("guard.sheet_too_many_rows", file=name, sheet=_sheet_name(archive, member),
                           rows=shown, limit=f"{limits.max_rows:,}"))
    if extent.columns > limits.max_columns:
        raise ReadError(tr("guard.sheet_too_many_columns", file=name, sheet=_sheet_name(archive, member),
                           columns=extent.columns, limit=limits.max_columns))


def _check_extents(name: str, archive: zipfile.ZipFile, extents: dict[str, _SheetExtent],
                   limits: FileLimits) -> None:
    cells = sum(max(e.rows, e.counted) * max(e.columns, 1) for e in extents.values())
    if cells > limits.max_cells:
        raise ReadError(tr("guard.too_many_cells", file=name, cells=f"{cells:,}", limit=f"{limits.max_cells:,}"))


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\sname=\"([^\"]*)\"[^>]*?\s(?:\w+:)?id=\"([^\"]*)\"")
_RELATION = re.compile(rb"<Relationship\b[^>]*?\sId=\"([^\"]*)\"[^>]*?\sTarget=\"([^\"]*)\"|"
                       rb"<Relationship\b[^>]*?\sTarget=\"([^\"]*)\"[^>]*?\sId=\"([^\"]*)\"")


def _sheet_name(archive: zipfile.ZipFile, member: str) -> str:
    """The name the user sees of the worksheet stored as ``member`` (its file name when unknown)."""
    try:
        workbook = archive.read("xl/workbook.xml")[:1 << 20]
        relations = archive.read("xl/_rels/workbook.xml.rels")[:1 << 20]
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError):
        return member.rsplit("/", 1)[-1]
    targets: dict[bytes, str] = {}
    for match in _RELATION.finditer(relations):
        rid, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        targets[rid] = target.decode("utf-8", "replace").lstrip("/").removeprefix("xl/")
    wanted = member.removeprefix("xl/")
    for match in _SHEET_ENTRY.finditer(workbook):
        if targets.get(match.group(2)) == wanted:
            import html

            return html.unescape(match.group(1).decode("utf-8", "replace"))
    return member.rsplit("/", 1)[-1]


def os_reason(exc: OSError) -> str:
    """Why the system could not read a file, in the UI language (the system's own text is English here)."""
    import errno

    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return tr("guard.os_permission")
    if exc.errno == errno.EBUSY or getattr(exc, "winerror", None) in (32, 33):  # sharing / lock violation
        return tr("guard.os_busy")
    return tr("guard.os_other", code=exc.errno if exc.errno is not None else "?")


def finite(value: float, limits: FileLimits | None = None) -> bool:
    """True for a number a cell may hold: not inf or NaN, and within ``max_number``."""
    limits = limits or FileLimits.bundled()
    return math.isfinite(value) and abs(value) <= limits.max_number


def number_message(value: object) -> str:
    """Why the cell text ``value`` is not a usable number (for a per-cell issue)."""
    return tr("guard.number_out_of_range", value=str(value)[:30], limit=f"{FileLimits.bundled().max_number:g}")


def unexpected(file: str, exc: BaseException) -> str:
    """The message for a failure no reader foresaw while reading ``file``; logs the traceback (no file content)."""
    _log.error("unexpected %s while reading %s", type(exc).__name__, file, exc_info=exc)
    return tr("guard.unexpected", file=file)


_unexpected_seen: list[str] = []


def unexpected_failures() -> list[str]:
    """The kinds of the failures :func:`guarded` turned into messages so far (for the fuzzing harness, which
    counts each as an internal error: a message for the user, but a reader that needs fixing)."""
    return list(_unexpected_seen)


def guarded(file: str, read: Callable[[], T]) -> T | str:
    """``read()``, or, when it fails in a way no reader foresaw, the message of :func:`unexpected` for ``file``.

    Cancellation and a spent budget pass through (the caller reports them); so does nothing else.
    """
    from qbaudit.analysis.progress import BudgetExceeded, Cancelled

    try:
        return read()
    except (Cancelled, BudgetExceeded):
        raise
    except Exception as exc:  # noqa: BLE001 — the door's last resort; logged with its traceback
        _unexpected_seen.append(type(exc).__name__)
        return unexpected(file, exc)
