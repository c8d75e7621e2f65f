"""Read a spreadsheet or CSV file into raw text grids that keep the row numbers the user sees.

Every cell is read as text (codes such as ``001`` survive). Excel goes through ``fastexcel``
(calamine, in Rust); CSV is decoded with a detected encoding (UTF-8, UTF-8 with BOM, GBK/GB18030 …).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qbaudit.analysis.importers.guard import FileLimits, ReadError, read_input
from qbaudit.analysis.progress import tick
from qbaudit.i18n import tr

_log = logging.getLogger(__name__)

ROW = "__row"  # the row number the user sees (Excel row, CSV line)
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_BIFF8_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"  # BOF record of BIFF8 workbook globals
# Candidate encodings for CSV from Chinese offices; gb18030 is a superset of GBK and GB2312.
_CSV_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
_CHINESE_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936"}


__all__ = ["ROW", "RawFile", "RawSheet", "ReadError", "read_bytes", "read_file"]


@dataclass
class RawSheet:
    """One sheet (or a whole CSV file) as text cells: columns ``c0…cN`` plus :data:`ROW`."""

    name: str | None
    frame: pl.DataFrame
    column_labels: list[str]  # how the user names each column: "E" (Excel) or "5" (CSV)
    cell_errors: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column index, detail)
    hidden: bool = False
    long_cells: list[tuple[int, int, int]] = field(default_factory=list)  # (row, column index, length) cut short

    @property
    def data_columns(self) -> list[str]:
        """The cell columns (without the row-number column)."""
        return [c for c in self.frame.columns if c != ROW]


@dataclass
class RawFile:
    """A file read into sheets, with its fingerprint."""

    path: Path
    sha256: str
    size: int
    sheets: list[RawSheet]
    encoding: str | None = None  # for CSV: the detected encoding
    encoding_guessed: bool = False  # detection was unsure: the encoding is the first that decodes strictly

    @property
    def name(self) -> str:
        """The file name shown to the user."""
        return self.path.name


def excel_column(index: int) -> str:
    """Excel column letters of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_bytes(path: str | Path) -> tuple[Path, bytes]:
    """The content of ``path`` through the guarded door (:func:`~qbaudit.analysis.importers.guard.read_input`);
    raises :class:`ReadError` when it is missing, a folder, unreadable, empty, too large or a refused archive."""
    return read_input(path)


def fingerprint(content: bytes) -> str:
    """The SHA-256 of a file's content, as hex."""
    return hashlib.sha256(content).hexdigest()


def read_file(path: str | Path, content: bytes | None = None) -> RawFile:
    """Read ``path`` into raw sheets (``content``: its bytes, when the caller read them through the guard
    already). Raises :class:`ReadError` with a Chinese message."""
    if content is None:
        path, content = read_bytes(path)
    path = Path(path)
    sha256 = fingerprint(content)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES or content.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
        sheets = [_cap_cells(sheet) for sheet in _read_excel(path.name, content)]
        encoding = None
        guessed = False
    elif suffix in CSV_SUFFIXES or not suffix:
        sheet, decoding = _read_csv(path.name, content)
        sheets = [_cap_cells(sheet)]
        encoding = encoding_label(decoding.encoding or "")
        guessed = decoding.guessed
    else:
        raise ReadError(tr("read.unsupported", file=path.name, suffix=suffix))
    return RawFile(path=path, sha256=sha256, size=len(content), sheets=sheets, encoding=encoding,
                   encoding_guessed=guessed)


def _is_encrypted_ooxml(content: bytes) -> bool:
    # An Office file with an open password is an OLE container holding an EncryptionInfo stream;
    # directory entry names are stored in UTF-16LE.
    return content.startswith(_CFB_MAGIC) and "EncryptionInfo".encode("utf-16-le") in content


def unicode_codepage(content: bytes) -> bytes:
    """A BIFF8 workbook (.xls) with its CODEPAGE record set to 1200, as the format requires.

    BIFF8 keeps text in UTF-16 whatever the record says, and Excel ignores it; but some writers put
    the system code page there (936 on Chinese Windows), and calamine then decodes the UTF-16 text as
    GBK. The record is found by walking the records of the workbook globals' first sector.
    """
    start = content.find(_BIFF8_BOF) if content.startswith(_CFB_MAGIC) else -1
    offset = start
    while 0 <= offset < start + 512 and offset + 4 <= len(content):
        record, length = struct.unpack_from("<HH", content, offset)
        if record == 0x0042 and length == 2:
            if content[offset + 4 : offset + 6] == b"\xb0\x04":
                return content
            return content[: offset + 4] + b"\xb0\x04" + content[offset + 6 :]
        if record == 0x000A:  # EOF of the globals: no CODEPAGE record
            break
        offset += 4 + length
    return content


def _read_excel(name: str, content: bytes) -> list[RawSheet]:
    import fastexcel  # imported here: the window starts faster without it

    if _is_encrypted_ooxml(content):
        raise ReadError(tr("read.encrypted", file=name))
    content = unicode_codepage(content)
    try:
        reader = fastexcel.read_excel(content)
        sheet_names = reader.sheet_names
    except fastexcel.FastExcelError as exc:
        detail = str(exc).lower()
        _log.info("calamine could not open %s: %s", name, detail.splitlines()[0] if detail else "")
        if "password" in detail or "encrypt" in detail:
            raise ReadError(tr("read.encrypted", file=name)) from exc
        raise ReadError(tr("read.corrupt", file=name)) from exc
    sheets: list[RawSheet] = []
    for sheet_name in sheet_names:
        try:
            loaded = reader.load_sheet(sheet_name, header_row=None, dtypes="string", skip_rows=0)
            batch, errors = loaded.to_arrow_with_errors()
        except fastexcel.FastExcelError as exc:
            _log.info("sheet of %s unreadable: %s", name, str(exc).splitlines()[0])
            raise ReadError(tr("read.sheet_corrupt", file=name, sheet=sheet_name)) from exc
        columns = loaded.available_columns()
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        names = [f"c{i}" for i in range(frame.width)]
        frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
        # With header_row=None and skip_rows=0, fastexcel starts at row 1 of the sheet.
        frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
        labels = [excel_column(c.absolute_index) for c in columns]
        cell_errors = [(e.position[0] + 1, e.position[1], e.detail) for e in (errors.errors if errors else [])]
        sheets.append(
            RawSheet(
                name=sheet_name,
                frame=frame,
                column_labels=labels,
                cell_errors=cell_errors,
                hidden=str(getattr(loaded, "visible", "visible")).lower() != "visible",
            )
        )
    return sheets


@dataclass(frozen=True)
class Decoding:
    """The text encoding chosen for a file, and how: ``bom`` (a byte-order mark), ``utf8`` (strict UTF-8),
    ``detected`` (charset_normalizer was sure), ``strict`` (detection unsure: the first encoding of the
    fallback chain that decodes every byte), or ``none`` (nothing fits)."""

    encoding: str | None
    method: str

    @property
    def guessed(self) -> bool:
        """True when detection was unsure and the fallback chain chose the encoding."""
        return self.method == "strict"


def _strict(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def guess_encoding(content: bytes) -> Decoding:
    """The text encoding of ``content``, detected rather than assumed, and how it was chosen.

    A byte-order mark decides at once; then UTF-16 without one, when every other byte of the start is NUL
    (ASCII code units) and the whole decodes strictly; then strict UTF-8; then ``charset_normalizer`` among the encodings
    Chinese offices use, GBK and GB2312 read as GB18030 (their superset), which also wins a tie. When the
    detector is unsure (no candidate under its noise limit, or a UTF-16/32 guess without a byte-order mark),
    the fallback chain is strict UTF-8, strict GB18030, UTF-16 with its byte-order mark: a file that decodes
    strictly as GB18030 is never refused.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return Decoding("utf-8-sig", "bom")
    if content.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return Decoding("utf-32", "bom")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoding("utf-16", "bom")
    sample = content[:4096]
    if len(sample) >= 8:
        # UTF-16 without a byte-order mark (ASCII code units have one NUL byte each)
        if sample[1::2].count(0) > 0.4 * len(sample[1::2]) and _strict(content, "utf-16-le"):
            return Decoding("utf-16-le", "detected")
        if sample[0::2].count(0) > 0.4 * len(sample[0::2]) and _strict(content, "utf-16-be"):
            return Decoding("utf-16-be", "detected")
    if _strict(content, "utf-8"):
        return Decoding("utf-8", "utf8")
    from charset_normalizer import from_bytes

    results = from_bytes(content[:200_000], cp_isolation=_CSV_ENCODINGS)
    best = results.best()
    chinese = next((r for r in results if r.encoding.lower() in _CHINESE_FAMILY), None)
    if best is not None and chinese is not None and chinese.chaos <= best.chaos and _strict(content, "gb18030"):
        return Decoding("gb18030", "detected")
    if best is not None and not best.encoding.lower().startswith("utf_"):
        encoding = best.encoding.lower()
        return Decoding("gb18030" if encoding in _CHINESE_FAMILY else encoding, "detected")
    # The detector is unsure: the fallback chain (UTF-8 and a byte-order mark were tried above).
    if _strict(content, "gb18030"):
        return Decoding("gb18030", "strict")
    if best is not None:  # a UTF-16/32 guess without a byte-order mark, nothing else fits
        return Decoding(best.encoding.lower(), "detected")
    return Decoding(None, "none")


def sniff_text(content: bytes, limit: int = 65536) -> str:
    """The start of a text file decoded as its reader will decode it (UTF-16 and GBK files too), for telling
    which format it is; undecodable bytes become U+FFFD."""
    head = content[:limit]
    encoding = guess_encoding(head).encoding or "utf-8"
    if encoding.startswith("utf_16") or encoding.startswith("utf-16") or encoding.startswith("utf_32") \
            or encoding.startswith("utf-32"):
        head = head[: len(head) - len(head) % 4]  # whole code units only
    try:
        return head.decode(encoding, "replace").lstrip("\ufeff")
    except LookupError:
        return head.decode("utf-8", "replace")


def detect_encoding(content: bytes) -> str | None:
    """The text encoding of ``content`` (see :func:`guess_encoding`), or None when no candidate fits."""
    return guess_encoding(content).encoding


def _read_csv(name: str, content: bytes) -> tuple[RawSheet, Decoding]:
    decoding = guess_encoding(content)
    encoding = decoding.encoding
    if encoding is None:
        raise ReadError(tr("read.encoding_unknown", file=name))
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(tr("read.encoding_unknown", file=name)) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    limits = FileLimits.bundled()
    # A long cell is cut and reported (see _cap_cells), never a reason to refuse the file: the csv module's
    # own field limit (131 072 characters) is lifted to the file size, which the guard has bounded.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_file_bytes))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    cells = 0
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            rows.append(record)
            lines.append(start)
            cells += len(record)
            if len(rows) % 8192 == 0:
                tick()
            if len(rows) > limits.max_rows:
                raise ReadError(tr("guard.csv_too_many_rows", file=name, rows=f"{len(rows):,}+",
                                   limit=f"{limits.max_rows:,}"))
            if len(record) > limits.max_columns:
                raise ReadError(tr("guard.csv_too_many_columns", file=name, row=start, columns=len(record),
                                   limit=limits.max_columns))
            if cells > limits.max_cells:
                raise ReadError(tr("guard.too_many_cells", file=name, cells=f"{cells:,}+",
                                   limit=f"{limits.max_cells:,}"))
    except csv.Error as exc:
        raise ReadError(tr("read.csv_broken", file=name, row=reader.line_num)) from exc
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        raise ReadError(tr("read.empty_file", file=name))
    padded = [[cell if cell != "" else None for cell in r] + [None] * (width - len(r)) for r in rows]
    schema = {f"c{i}": pl.String for i in range(width)}
    frame = pl.DataFrame(padded, schema=schema, orient="row")
    frame = frame.with_columns(pl.Series(ROW, lines, dtype=pl.Int64))
    frame = frame.select([ROW, *schema])
    labels = [str(i + 1) for i in range(width)]
    return RawSheet(name=None, frame=frame, column_labels=labels), decoding


def _cap_cells(sheet: RawSheet) -> RawSheet:
    """Cells longer than ``max_cell_chars`` cut to it, each recorded in ``sheet.long_cells``."""
    limit = FileLimits.bundled().max_cell_chars
    columns = sheet.data_columns
    if not columns or sheet.frame.height == 0:
        return sheet
    lengths = sheet.frame.select(pl.max_horizontal([pl.col(c).str.len_chars() for c in columns])).to_series()
    longest = lengths.max()
    if not (isinstance(longest, int) and longest > limit):
        return sheet
    for index, column in enumerate(columns):
        long = sheet.frame.filter(pl.col(column).str.len_chars() > limit)
        for row, length in long.select(ROW, pl.col(column).str.len_chars()).iter_rows():
            sheet.long_cells.append((row, index, length))
    sheet.frame = sheet.frame.with_columns([pl.col(c).str.slice(0, limit) for c in columns])
    return sheet


def encoding_label(encoding: str) -> str:
    """How an encoding is shown to the user (``gb18030`` → ``GBK/GB18030``)."""
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gb18030": "GBK/GB18030", "utf-16": "UTF-16",
            "utf-32": "UTF-32"}.get(
        encoding, encoding.upper()
    )
