"""The fuzzing harness: mutate the sample banks and the small fixtures of every format, import each mutant
through the one door (:func:`qbaudit.analysis.inputs.import_input`) and judge the answer.

A case is a seed file (an input of the sample banks or a fixture, with the kind it is imported as) and a
mutation drawn from a ``random.Random``:

* **bytes**: flip, cut, splice or zero bytes of any file;
* **member**: inside a zip-based file (Word, Excel, a QTI package), mutate one XML part as text (cut it,
  break a tag, change an attribute to ``x``/``-1``/``1e9999``, declare ``encoding="bogus"``, nest
  elements thousands deep, stretch a sheet's dimension), make a header lie about a size, add a bomb;
* **text**: mutate the lines and tokens of a text format (CSV, GIFT, Aiken, Moodle XML, QTI item, JSON,
  JSON Lines) and re-encode it (UTF-16 with or without BOM, GB18030);
* **rows**: read a spreadsheet bank as a grid of cells, mutate rows and cells (delete, repeat, blank rows,
  title rows, a copy of the header lower down, a header cell left empty or damaged, ``1e9999``, ``inf``,
  ``=cmd``, a leading TAB, a 131 072-character cell, control characters) and write it back as CSV (UTF-8,
  GBK, UTF-16) or .xlsx. For these the rows are counted: every row with content is taken, is the header,
  or is named by an issue (rows in = taken + reported).

Each case is judged (:func:`judge`): an exception other than the project's own (a spent budget) is an
internal error; so is a failure the door turned into a message (:func:`~qbaudit.analysis.importers.guard.
guarded` counts them); a row-level mutant whose rows are not all accounted for is a silent drop. The short
run is ``tests/unit/test_fuzz.py`` (Hypothesis, fixed seed); the long run is ``scripts/fuzz.py --cases 10000``.
"""

from __future__ import annotations

import csv
import io
import random
import re
import struct
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRASHES = ROOT / "tests" / "fixtures" / "crashes"

# Values that broke or could break a reader: numbers out of range, formulas, control characters, long text.
SPECIAL = [
    "1e9999", "-1e9999", "inf", "-inf", "NaN", "nan", "1e308", "-0", "0", "-1", "99999999999999999999",
    "=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")", "", " ", "　",
    "\x00", "\x1b[31m红\x1b[0m", "[/red]", "某中心[/red]", "√", "×", "A", "ABCDEFGHI", "四级", "九级", "题干", "答案",
    "试题编号", "#N/A", "TRUE", "null", "{}", "[]", "<b>粗</b>", "<img src=x>", "&amp;", "😀", "\u202e反向",
    "x" * 300, "题" * 5000,
]
LONG_CELL = "长" * 131_072


@dataclass(frozen=True)
class Seed:
    """A file to mutate and how it is imported."""

    name: str
    kind: str  # bank, blueprint, standard, papers, plan, responses
    content: bytes
    sheet: bool = False  # a spreadsheet whose rows the row-level mutations may change
    default_level: int | None = None


@dataclass
class Case:
    """One mutant: its bytes, name, kind, and whether its rows are to be counted."""

    seed: str
    mutation: str
    name: str
    kind: str
    content: bytes
    rows_checked: bool = False
    default_level: int | None = None


@dataclass
class Verdict:
    """What one case gave: ``ok`` (imported), ``refused`` (a message), ``budget``, or a defect."""

    outcome: str
    detail: str = ""
    internal: list[str] = field(default_factory=list)  # exception kinds (internal errors)
    dropped: list[tuple[str | None, int]] = field(default_factory=list)  # rows neither taken nor reported
    rows_in: int = 0
    rows_taken: int = 0
    rows_reported: int = 0

    @property
    def defect(self) -> bool:
        """True for an internal error or a silent drop."""
        return bool(self.internal or self.dropped)


def _qti_package() -> bytes:
    folder = ROOT / "tests" / "fixtures" / "formats" / "qti"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _small_bank(path: Path, rows: int = 60) -> bytes:
    """The first ``rows`` rows of a big sample bank, as .xlsx (cases stay fast)."""
    from qbaudit.analysis.importers.reading import read_file

    raw = read_file(path)
    sheet = raw.sheets[0]
    grid = [list(r) for r in sheet.frame.drop("__row").head(rows + 1).rows()]
    return write_xlsx({sheet.name or "Sheet1": grid})


def seeds() -> list[Seed]:
    """Every seed: the sample banks' inputs and the small fixtures of every format."""
    found: list[Seed] = []
    samples = ROOT / "sample_banks"
    for name in ("compliant", "defective"):
        folder = samples / name
        found.append(Seed(f"{name}/bank.xlsx(60)", "bank", _small_bank(folder / "bank.xlsx"), sheet=True))
        for kind in ("blueprint", "standard", "papers", "plan"):
            found.append(Seed(f"{name}/{kind}.xlsx", kind, (folder / f"{kind}.xlsx").read_bytes()))
    found.append(Seed("compliant/HG4-26-04.docx", "papers", (samples / "compliant" / "HG4-26-04.docx").read_bytes()))
    formats = ROOT / "tests" / "fixtures" / "formats"
    for path in sorted(formats.glob("*.*")):
        found.append(Seed(f"formats/{path.name}", "bank", path.read_bytes(), default_level=4))
    found.append(Seed("formats/qti.zip", "bank", _qti_package(), default_level=4))
    for path in sorted((formats / "qti" / "items").glob("*.xml")):
        found.append(Seed(f"formats/qti/items/{path.name}", "bank", path.read_bytes(), default_level=4))
    for path in sorted((ROOT / "tests" / "fixtures" / "real_shapes").iterdir()):
        if path.suffix in (".docx", ".csv", ".json", ".jsonl", ".xlsx"):
            found.append(Seed(f"real_shapes/{path.name}", "bank", path.read_bytes(),
                              sheet=path.suffix in (".csv", ".xlsx"), default_level=4))
    split = ROOT / "tests" / "fixtures" / "split_bank"
    found.append(Seed("split_bank/题库.xlsx", "bank", (split / "题库.xlsx").read_bytes(), sheet=True))
    found.append(Seed("split_bank/电工_理论题库_三级.csv", "bank", (split / "电工_理论题库_三级.csv").read_bytes(),
                      sheet=True))
    found.append(Seed("split_bank/细目表.xlsx", "blueprint", (split / "细目表.xlsx").read_bytes()))
    found.append(Seed("split_bank/权重表.xlsx", "standard", (split / "权重表.xlsx").read_bytes()))
    return found


# --- writers ------------------------------------------------------------------------------------------


def write_xlsx(sheets: dict[str, list[list[str | None]]]) -> bytes:
    """An .xlsx of ``sheets`` (name → rows of cell texts), every cell written as text."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    used: set[str] = set()
    for index, (name, rows) in enumerate(sheets.items()):
        title = re.sub(r"[\[\]:*?/\\]", "_", name or f"Sheet{index + 1}")[:31] or f"Sheet{index + 1}"
        while title.lower() in used:
            title = f"{title[:28]}_{index}"
        used.add(title.lower())
        sheet = workbook.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    sheet.write_string(r, c, str(value)[:32767])
    workbook.close()
    return buffer.getvalue()


def write_csv(rows: list[list[str | None]], encoding: str) -> bytes:
    """A CSV of ``rows`` in ``encoding`` (characters it cannot hold become ``?``)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([["" if v is None else str(v) for v in row] for row in rows])
    return text.getvalue().encode(encoding, "replace")


# --- mutations ----------------------------------------------------------------------------------------


def _bytes_mutation(content: bytes, rng: random.Random) -> tuple[str, bytes]:
    data = bytearray(content)
    how = rng.choice(["flip", "cut", "splice", "zero", "repeat"])
    if how == "flip":
        for _ in range(rng.randint(1, 16)):
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
    elif how == "cut":
        data = data[: rng.randrange(1, len(data) + 1)]
    elif how == "splice":
        position = rng.randrange(len(data) + 1)
        data[position:position] = rng.randbytes(rng.randint(1, 64))
    elif how == "zero":
        start = rng.randrange(len(data))
        data[start : start + rng.randint(1, 256)] = bytes(min(256, len(data) - start))
    else:
        start = rng.randrange(len(data))
        piece = data[start : start + rng.randint(1, 512)]
        data[start:start] = piece * rng.randint(1, 8)
    return f"bytes:{how}", bytes(data) or b"\x00"


_ATTRIBUTE = re.compile(rb'(\s[\w:]+=")([^"]*)(")')


def _xml_mutation(text: bytes, rng: random.Random) -> tuple[str, bytes]:
    how = rng.choice(["cut", "break", "attribute", "attribute", "encoding", "nest", "entity", "token", "dimension"])
    if how == "cut":
        return how, text[: rng.randrange(1, len(text) + 1)]
    if how == "break":
        position = rng.randrange(len(text) + 1)
        return how, text[:position] + rng.choice([b"<", b"</x>", b"&", b"<a b=>", b"\x00", b"]]>"]) + text[position:]
    if how == "attribute":
        matches = list(_ATTRIBUTE.finditer(text))
        if matches:
            match = rng.choice(matches)
            value = rng.choice([b"x", b"-1", b"1e9999", b"", b"999999999", b"abc", b"NaN", b"0", b"A1:A3000000"])
            return how, text[: match.start(2)] + value + text[match.end(2) :]
        return how, text
    if how == "encoding":
        declaration = re.sub(rb"^<\?xml[^>]*\?>", b"", text.lstrip())
        return how, b'<?xml version="1.0" encoding="' + rng.choice([b"bogus", b"utf-16", b"gb2312", b"ascii"]) + \
            b'"?>' + declaration
    if how == "nest":
        depth = rng.choice([50, 300, 5000])
        close = text.rfind(b"</")
        if close < 0:
            return how, text
        tag = rng.choice([b"div", b"w:sdt", b"p"])
        return how, text[:close] + (b"<" + tag + b">") * depth + (b"</" + tag + b">") * depth + text[close:]
    if how == "entity":
        return how, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + \
            re.sub(rb"^<\?xml[^>]*\?>", b"", text.lstrip())
    if how == "dimension":
        return how, re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:' +
                           rng.choice([b"A3000000", b"XFD1048576", b"A1", b"ZZZ9"]) + b'"', text)
    return how, _token_mutation(text.decode("utf-8", "replace"), rng).encode("utf-8")


def _token_mutation(text: str, rng: random.Random) -> str:
    tokens = re.findall(r"[^\s<>\"',，:：=]+", text)
    if not tokens:
        return text + rng.choice(SPECIAL)
    target = rng.choice(tokens)
    return text.replace(target, rng.choice(SPECIAL + [LONG_CELL]), 1)


def _lying_size(content: bytes, rng: random.Random) -> bytes:
    """Patch the uncompressed size a central-directory entry states (the header lies)."""
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", content)]
    if not entries:
        return content
    at = rng.choice(entries) + 24
    size = rng.choice([1, 10, 0x7FFFFFFF, 0xFFFFFFFF])
    return content[:at] + struct.pack("<I", size) + content[at + 4 :]


def _member_mutation(content: bytes, rng: random.Random) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # noqa: BLE001 — a mutant an earlier mutation broke: mutate its bytes instead
        return _bytes_mutation(content, rng)
    how = rng.choice(["xml", "xml", "xml", "lie", "drop", "bomb", "duplicate"])
    if how == "lie":
        return "member:lie", _lying_size(content, rng)
    xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))]
    mutated = list(members)
    label = f"member:{how}"
    if how == "xml" and xml:
        index = rng.choice(xml)
        info, data = members[index]
        what, data = _xml_mutation(data, rng)
        mutated[index] = (info, data)
        label = f"member:{info.filename}:{what}"
    elif how == "drop" and members:
        dropped = mutated.pop(rng.randrange(len(mutated)))
        label = f"member:drop:{dropped[0].filename}"
    elif how == "bomb":
        info = zipfile.ZipInfo(rng.choice(["xl/media/bomb.bin", "word/media/bomb.bin", "bomb.xml"]))
        mutated.append((info, bytes(rng.choice([1 << 20, 60 << 20]))))
    elif how == "duplicate" and members:
        mutated.append(rng.choice(members))
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # a duplicate member name is the point of the mutation
        for info, data in mutated:
            new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(new, data)
    return label, buffer.getvalue()


def _encode(text: str, rng: random.Random) -> tuple[str, bytes]:
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
    return encoding, text.encode(encoding, "replace")


def _text_mutation(content: bytes, rng: random.Random) -> tuple[str, bytes]:
    from qbaudit.analysis.importers.reading import detect_encoding

    encoding = detect_encoding(content) or "utf-8"
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return _bytes_mutation(content, rng)
    lines = text.splitlines()
    how = rng.choice(["delete", "duplicate", "swap", "insert", "token", "token", "blank", "xml", "encode"])
    if how == "xml" and text.lstrip().startswith("<"):
        label, data = _xml_mutation(content, rng)
        return f"text:xml:{label}", data
    if lines and how in ("delete", "duplicate", "swap", "insert", "blank"):
        index = rng.randrange(len(lines))
        if how == "delete":
            del lines[index]
        elif how == "duplicate":
            lines.insert(rng.randrange(len(lines) + 1), lines[index])
        elif how == "swap":
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        elif how == "insert":
            lines.insert(index, rng.choice(SPECIAL + [LONG_CELL, "A. " + rng.choice(SPECIAL), "ANSWER: " + rng.choice(SPECIAL)]))
        else:
            lines.insert(index, "")
        text = "\n".join(lines)
    elif how == "token":
        text = _token_mutation(text, rng)
    label, data = _encode(text, rng)
    return f"text:{how}:{label}", data


# --- row-level mutations of spreadsheets ------------------------------------------------------------------


def read_grid(name: str, content: bytes) -> dict[str, list[list[str | None]]]:
    """The sheets of a spreadsheet as rows of cell texts (a CSV is one sheet)."""
    import tempfile

    from qbaudit.analysis.importers.reading import read_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        raw = read_file(path)
    grids: dict[str, list[list[str | None]]] = {}
    for sheet in raw.sheets:
        numbers = sheet.frame.get_column("__row").to_list()
        cells = sheet.frame.drop("__row").rows()
        rows: list[list[str | None]] = []
        for number, row in zip(numbers, cells, strict=True):
            while len(rows) < number - 1:
                rows.append([])
            rows.append(list(row))
        grids[sheet.name or "CSV"] = rows
    return grids


def _row_mutation(rows: list[list[str | None]], rng: random.Random) -> str:
    if not rows:
        rows.append(["题干"])
        return "seed-empty"
    width = max(len(r) for r in rows) or 1
    header = next((i for i, r in enumerate(rows) if any(v for v in r)), 0)
    how = rng.choice(["delete", "repeat", "blank_row", "title", "header_copy", "header_blank", "header_damage",
                      "cell", "cell", "cell", "long", "column_drop", "column_junk", "shuffle", "header_copy_blank"])
    index = rng.randrange(len(rows))
    if how in ("delete", "repeat", "blank_row", "title", "cell", "long"):
        _mutate_rows(rows, how, index, width, rng)
    elif how.startswith("header"):
        _mutate_header(rows, how, header, rng)
    else:
        _mutate_columns(rows, how, header, width, rng)
    return how


def _mutate_rows(rows: list[list[str | None]], how: str, index: int, width: int, rng: random.Random) -> None:
    if how == "delete":
        del rows[index]
    elif how == "repeat":
        rows.insert(rng.randrange(len(rows) + 1), list(rows[index]))
    elif how == "blank_row":
        rows.insert(index, [None] * width)
    elif how == "title":
        for _ in range(rng.randint(1, 3)):
            rows.insert(0, [rng.choice(["焊工题库", "说明：本题库共60题", "", "四级"])] + [None] * rng.randint(0, 3))
    else:  # "cell", "long"
        row = rows[index]
        while len(row) < width:
            row.append(None)
        row[rng.randrange(width)] = LONG_CELL if how == "long" else rng.choice(SPECIAL)


def _mutate_header(rows: list[list[str | None]], how: str, header: int, rng: random.Random) -> None:
    if how in ("header_copy", "header_copy_blank"):
        rows.insert(rng.randrange(header + 1, len(rows) + 1), list(rows[header]))
        if how == "header_copy_blank" and rows[header]:
            rows[header][rng.randrange(len(rows[header]))] = None
    elif how == "header_blank" and rows[header]:
        rows[header][rng.randrange(len(rows[header]))] = None
    elif how == "header_damage" and rows[header]:
        column = rng.randrange(len(rows[header]))
        value = rows[header][column] or ""
        rows[header][column] = "".join(rng.sample(value, len(value))) + rng.choice(["", "?", "（必填）"])


def _mutate_columns(rows: list[list[str | None]], how: str, header: int, width: int, rng: random.Random) -> None:
    if how == "column_drop":
        column = rng.randrange(width)
        for row in rows:
            if column < len(row):
                del row[column]
    elif how == "column_junk":
        for position, row in enumerate(rows):
            row.append("备注" if position == header else rng.choice(SPECIAL))
    elif how == "shuffle":
        order = list(range(width))
        rng.shuffle(order)
        for position, row in enumerate(rows):
            padded = row + [None] * (width - len(row))
            rows[position] = [padded[i] for i in order]


def _grid_case(seed: Seed, rng: random.Random) -> tuple[str, str, bytes]:
    grids = read_grid(seed.name, seed.content)
    labels = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        sheet = rng.choice(list(grids))
        labels.append(_row_mutation(grids[sheet], rng))
    stem = Path(seed.name).stem.replace("(60)", "")
    if rng.random() < 0.5:
        encoding = rng.choice(["utf-8-sig", "utf-8", "gb18030", "utf-16"])
        first = next(iter(grids.values()))
        return f"rows:{'+'.join(labels)}:csv:{encoding}", f"{stem}.csv", write_csv(first, encoding)
    return f"rows:{'+'.join(labels)}:xlsx", f"{stem}.xlsx", write_xlsx(grids)


def make_case(seed: Seed, rng: random.Random) -> Case:
    """One mutant of ``seed``."""
    suffix = Path(seed.name.replace("(60)", "")).suffix
    name = Path(seed.name.replace("(60)", "")).name
    is_zip = seed.content.startswith(b"PK\x03\x04")
    roll = rng.random()
    if seed.sheet and seed.kind == "bank" and roll < 0.45:
        mutation, name, content = _grid_case(seed, rng)
        return Case(seed.name, mutation, name, seed.kind, content, rows_checked=True, default_level=4)
    content = seed.content
    labels = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):  # mutations stack: a broken tag in a re-encoded file …
        if is_zip and roll < 0.8:
            mutation, content = _member_mutation(content, rng)
        elif not is_zip and suffix not in (".xls",) and roll < 0.85:
            mutation, content = _text_mutation(content, rng)
        else:
            mutation, content = _bytes_mutation(content, rng)
        labels.append(mutation)
    return Case(seed.name, "+".join(labels), name, seed.kind, content, default_level=seed.default_level)


# --- judging ------------------------------------------------------------------------------------------------


def run_case(case: Case, folder: Path, check: bool = False) -> Verdict:
    """Import ``case`` from a file in ``folder`` (and run the checks when ``check``); judge the answer."""
    from qbaudit.analysis.importers import guard
    from qbaudit.analysis.inputs import ImportOptions, import_input
    from qbaudit.analysis.progress import BudgetExceeded

    path = folder / case.name
    path.write_bytes(case.content)
    before = len(guard.unexpected_failures())
    try:
        result = import_input(case.kind, [path], options=ImportOptions(default_level=case.default_level))
    except BudgetExceeded as exc:
        return Verdict("budget", str(exc))
    except Exception as exc:  # noqa: BLE001 — what the harness is for
        return Verdict("internal", f"{type(exc).__name__}: {exc}"[:300], internal=[type(exc).__name__])
    internal = guard.unexpected_failures()[before:]
    if internal:
        return Verdict("internal", result.error or "", internal=internal)
    verdict = Verdict("ok" if result.ok else "refused", result.error or "")
    if not _chinese(result.error):
        verdict.internal.append("english-message")
        verdict.detail = f"not in the UI language: {result.error[:200]}"
    if case.rows_checked:
        _count_rows(case, path, result, verdict)
    if check and result.ok and case.kind == "bank":
        _check(result, verdict)
    return verdict


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _chinese(message: str | None) -> bool:
    """True when a message is in the UI language (Chinese): it has Chinese words in it."""
    return message is None or bool(_HAN.search(message))


def _count_rows(case: Case, path: Path, result, verdict: Verdict) -> None:  # type: ignore[no-untyped-def]
    """Every row with content: taken, the header, or named by an issue (or the whole file refused)."""
    from qbaudit.analysis.columns import ItemColumns as C
    from qbaudit.analysis.importers.reading import ReadError, read_file

    try:
        raw = read_file(path)
    except ReadError:
        if result.ok:
            verdict.internal.append("read-differs")
        return
    content: set[tuple[str | None, int]] = set()
    for sheet in raw.sheets:
        cells = sheet.data_columns
        for row in sheet.frame.iter_rows(named=True):
            if any(row[c] is not None and str(row[c]).strip() for c in cells):
                content.add((sheet.name, row["__row"]))
    verdict.rows_in = len(content)
    if not result.ok:  # refused as a whole: every row is reported by the file's message
        verdict.rows_reported = len(content)
        return
    items = result.data.items
    taken = {(None if not isinstance(s, str) else s, int(r))
             for s, r in zip(items[C.SOURCE_SHEET], items[C.SOURCE_ROW], strict=True)}
    named = {(i.sheet, i.row) for i in result.issues if i.row is not None}
    # A sheet that is not used is reported as a whole (no header, a required column missing, not chosen).
    whole_sheets = {i.sheet for i in result.issues if i.sheet is not None}
    headers = {(m.sheet, m.row) for m in result.mapping if getattr(m, "row", None) is not None}
    used = set(result.inputs[0].sheets) if result.inputs else set()
    dropped = []
    reported = 0
    for sheet, row in sorted(content, key=lambda k: (k[0] or "", k[1])):
        if (sheet, row) in taken:
            continue
        if (sheet, row) in named or (sheet, row) in headers or (sheet is not None and sheet not in used and sheet in whole_sheets):
            reported += 1
            continue
        dropped.append((sheet, row))
    verdict.rows_taken = len(taken & content)
    verdict.rows_reported = reported
    verdict.dropped = dropped


def _check(result, verdict: Verdict) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from qbaudit.analysis.profile import load_profile
    from qbaudit.analysis.progress import BudgetExceeded
    from qbaudit.analysis.run import AuditRun
    from qbaudit.operations import run_checks as check_inputs

    run = AuditRun(profile=load_profile(None), as_of=dt.date(2026, 11, 1))
    run.imports["bank"] = result
    try:
        run = check_inputs(run.imports, run.profile, run.as_of)
    except BudgetExceeded:
        return
    except Exception as exc:  # noqa: BLE001
        verdict.internal.append(f"check:{type(exc).__name__}")
        verdict.detail = f"check: {type(exc).__name__}: {exc}"[:300]


def cases(count: int, seed: int = 12) -> Callable[[int], Case]:
    """A function giving case number ``n`` (0 ≤ n < ``count``): the same case for the same ``seed`` and ``n``."""
    pool = seeds()

    def case(number: int) -> Case:
        rng = random.Random(f"{seed}:{number}")
        return make_case(pool[number % len(pool)], rng)

    return case
