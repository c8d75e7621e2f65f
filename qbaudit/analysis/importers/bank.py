"""Import a question bank (题库) into :class:`~qbaudit.analysis.model.Bank`: every format ends in :func:`build_bank`.

Rows are taken when they look like an item, even with defects: a missing difficulty or a bad answer
is for the checks (R7, R13) to report, not a reason to drop the item. Rows that are not items (a
footnote, a row with no level) are rejected and reported with sheet, row, column and reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from qbaudit.analysis.columns import OPTION_LETTERS, option_column
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.importers.cells import (
    ensure_columns,
    join_distinct_pairs,
    map_distinct,
    parse_dates,
    report_normalised,
    resolve_levels,
)
from qbaudit.analysis.importers.guard import number_message
from qbaudit.analysis.importers.outcome import ImportResult, Severity
from qbaudit.analysis.importers.reading import ROW
from qbaudit.analysis.importers.table import SHEET, SHEET_LEVEL, Table
from qbaudit.analysis.model import Bank
from qbaudit.analysis.progress import NullState, TaskState, checkpoint
from qbaudit.analysis.vocabulary import (
    code_key,
    level_name,
    normalise_answer,
    normalise_code,
    out_of_range,
    parse_difficulty,
    parse_item_type,
)
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions

_FIELDS = [
    "item_id", "level", "occupation", "scope_code", "point_code", "item_type", "difficulty", "stem", "options",
    *C.OPTIONS, "answer", "explanation", "revised", "attachments",
]
# Markers of options written in one cell or on one line: "A.…  B、…  C：…  (D)…  （Ｅ）…", letters full width
# too. A dotted marker starts the text or follows a space or a semicolon; a bracketed one may also follow the
# previous option's text directly ("（A）伏特（B）安培"), tried when the first reading finds fewer than two.
_LETTER = "[A-HＡ-Ｈ]"
_OPTION_MARK = re.compile(
    rf"(?:(?:^|(?<=\s)|(?<=[;；]))[(（]\s*({_LETTER})\s*[)）]|(?:^|(?<=\s)|(?<=[;；]))({_LETTER})\s*[.．、:：)）])\s*")
_OPTION_MARK_LOOSE = re.compile(
    rf"(?:[(（]\s*({_LETTER})\s*[)）]|(?:^|(?<=\s)|(?<=[;；]))({_LETTER})\s*[.．、:：)）])\s*")
_OWN_CODE = re.compile(r"^[0-9]+$")


def import_bank(path: str | Path, *, default_level: int | None = None, occupation: str | None = None,
                columns: Sequence[str | None] | None = None, options: ImportOptions | None = None,
                state: TaskState | None = None) -> ImportResult[Bank]:
    """Import the bank at ``path``, whatever its format (see :mod:`qbaudit.analysis.importers.formats`).

    Args:
        path: an Excel workbook (one sheet per level, or a level column), a CSV file, a Word document,
            a Moodle XML, GIFT or Aiken file, or a QTI 2.1 item or content package.
        default_level: the level of rows that name none (no level column, sheet not named by level) when
            the file's name names none either (``电工_理论题库_三级.csv``: the name wins).
        occupation: the occupation, when the file does not carry a column for it.
        columns: for a spreadsheet without a header row, the field of each column in order
            (canonical names such as ``"stem"``; None for a column not used).
        options: the user's choices for a spreadsheet (sheets, header rows, column fields); documents and
            exchange formats have no columns and ignore them.
        state: progress (reading, then checking the rows read) and cancellation.
    """
    from qbaudit.analysis.importers.formats import bank_table
    from qbaudit.analysis.importers.inputfiles import InputEntry, file_level

    table = _options_table(path, columns, options) if options is not None else bank_table(path, columns=columns)
    if isinstance(table, str):
        return ImportResult.failure(table)
    # Reading is one call (fastexcel); checking the rows read is the second, shorter half.
    checkpoint(state or NullState(), 0.7, tr("import.building", file=table.file, rows=table.frame.height))
    level, source, _ = file_level(InputEntry(Path(path)), default_level)
    return build_bank(table, default_level=level, occupation=occupation, level_source=source)


def _options_table(path: str | Path, columns: Sequence[str | None] | None, options: ImportOptions) -> Table | str:
    """The mapped rows of a spreadsheet bank read as the user chose; other formats as usual."""
    from qbaudit.analysis.importers.formats import bank_table, detect_format
    from qbaudit.analysis.importers.reading import ReadError, read_bytes
    from qbaudit.analysis.importers.table import load_table

    try:
        path, content = read_bytes(path)
    except ReadError as exc:
        return str(exc)
    if detect_format(path, content) != "sheet":
        return bank_table(path, columns=columns)
    return load_table(path, "bank", columns=list(columns) if columns is not None else None, options=options)


def build_bank(table: Table, *, default_level: int | None = None, occupation: str | None = None,
               level_source: str | None = None) -> ImportResult[Bank]:
    """Normalise and validate the mapped rows of ``table`` into a :class:`Bank` (shared by every format).

    ``level_source`` says where ``default_level`` comes from (``"file_name"`` or ``"given"``), for the note
    on the rows that take it. A file none of whose rows can be given a level fails with one message."""
    frame = ensure_columns(table.frame, _FIELDS)
    frame = _reject_non_items(table, frame)
    no_own_level = pl.col("level").is_null() & pl.col(SHEET_LEVEL).is_null()
    taking_default = frame.filter(no_own_level).height
    if default_level is None and frame.height and taking_default == frame.height:
        table.rows_rejected += frame.height
        return ImportResult(error=tr("inputfiles.no_level", file=table.file, rows=frame.height),
                            issues=table.sorted_issues(), mapping=table.mapping, inputs=[table.input_file(0)])
    if default_level is not None and taking_default and level_source is not None:
        table.issue(Severity.INFO, tr(f"inputfiles.level_from_{level_source}", rows=taking_default,
                                      level=level_name(default_level)))
    frame = resolve_levels(table, frame, default_level)
    frame = _item_ids(table, frame)
    frame = _point_codes(table, frame)
    frame = _split_combined_options(frame)
    frame = frame.with_columns(
        map_distinct(frame, "item_type", parse_item_type, pl.String).alias("__type"),
        pl.col("item_type").alias(C.ITEM_TYPE_RAW),
        map_distinct(frame, "difficulty", lambda v: (parse_difficulty(v) or (None, None))[0], pl.Float64).alias(C.DIFFICULTY),
        map_distinct(frame, "difficulty", lambda v: (parse_difficulty(v) or (None, None))[1], pl.String).alias(C.DIFFICULTY_KIND),
        pl.col("difficulty").alias(C.DIFFICULTY_RAW),
        parse_dates("revised").alias(C.REVISED),
        pl.col("revised").alias(C.REVISED_RAW),
    )
    frame = _answers(frame)
    wild = frame.filter(pl.col(C.DIFFICULTY_RAW).is_not_null() & pl.col(C.DIFFICULTY).is_null())
    for sheet, row, value in wild.select(SHEET, ROW, C.DIFFICULTY_RAW).iter_rows():
        if out_of_range(value):  # an unreadable word is for R7 to report; an unusable number is said here
            table.issue(Severity.WARNING, number_message(value), sheet, row, "difficulty")
    bad_dates = frame.filter(pl.col(C.REVISED_RAW).is_not_null() & pl.col(C.REVISED).is_null())
    for sheet, row, value in bad_dates.select(SHEET, ROW, C.REVISED_RAW).iter_rows():
        table.issue(Severity.WARNING, tr("import.date_unreadable", value=value), sheet, row, "revised")
    items = frame.select(
        pl.col("item_id").alias(C.ITEM_ID),
        pl.col("level").cast(pl.Int64).alias(C.LEVEL),
        pl.col("occupation").fill_null(pl.lit(occupation, dtype=pl.String)).alias(C.OCCUPATION),
        pl.col("__code").alias(C.POINT_CODE), C.POINT_CODE_RAW, C.POINT_KEY,
        pl.col("__type").alias(C.ITEM_TYPE), C.ITEM_TYPE_RAW,
        C.DIFFICULTY, C.DIFFICULTY_KIND, C.DIFFICULTY_RAW,
        pl.col("stem").alias(C.STEM),
        *C.OPTIONS,
        pl.col("__answer").alias(C.ANSWER), C.ANSWER_RAW,
        pl.col("explanation").alias(C.EXPLANATION),
        C.REVISED, C.REVISED_RAW,
        pl.col("attachments").alias(C.ATTACHMENTS),
        pl.lit(table.file).alias(C.SOURCE_FILE),
        pl.col(SHEET).alias(C.SOURCE_SHEET),
        pl.col(ROW).alias(C.SOURCE_ROW),
    )
    if items.height == 0:
        return ImportResult(error=tr("import.nothing_taken", file=table.file, kind=table.spec.label,
                                     rows=table.rows_rejected),
                            issues=table.sorted_issues(), mapping=table.mapping, inputs=[table.input_file(0)])
    occupations = items.get_column(C.OCCUPATION).drop_nulls().unique().to_list()
    bank = Bank(
        items=items.to_pandas(use_pyarrow_extension_array=True),
        occupation=occupation or (occupations[0] if len(occupations) == 1 else None),
        sources=[table.input_file(items.height)],
    )
    return ImportResult(data=bank, issues=table.sorted_issues(), mapping=table.mapping, inputs=bank.sources, rows_taken=items.height)


def _reject_non_items(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """A row is an item when it has a stem, or at least two of id, code, type, answer, options."""
    signals = ["item_id", "point_code", "item_type", "answer"]
    any_option = pl.any_horizontal([pl.col(c).is_not_null() for c in [*C.OPTIONS, "options"]])
    count = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in signals]) + any_option.cast(pl.Int32)
    is_item = pl.col("stem").is_not_null() | (count >= 2)
    rejected = frame.filter(~is_item)
    present = [c for c in frame.columns if c in _FIELDS]
    for row in rejected.iter_rows(named=True):
        filled = [table.label(row[SHEET], c) or c for c in present if row[c] is not None]
        table.issue(Severity.REJECTED, tr("import.not_an_item", columns="、".join(filled)), row[SHEET], row[ROW])
    table.rows_rejected += rejected.height
    return frame.filter(is_item)


def _item_ids(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    missing = frame.filter(pl.col("item_id").is_null())
    table.warn_rows(missing, tr("import.item_id_missing"), "item_id")
    frame = frame.with_columns(
        pl.coalesce(
            "item_id",
            pl.concat_str([pl.col(SHEET).fill_null(table.file), pl.lit("#"), pl.col(ROW).cast(pl.String)]),
        ).alias("item_id")
    )
    ranked = frame.select(
        SHEET, ROW, "item_id",
        pl.int_range(pl.len()).over("item_id").alias("__n"),
        pl.col(ROW).first().over("item_id").alias("__first"),
        pl.col(SHEET).first().over("item_id").alias("__first_sheet"),
    )
    duplicates = ranked.filter(pl.col("__n") > 0)
    for sheet, row, item_id, _, first, first_sheet in duplicates.iter_rows():
        where = tr("import.where_sheet", sheet=first_sheet) if first_sheet else ""
        table.issue(Severity.WARNING, tr("import.item_id_duplicate", item_id=item_id, where=where, row=first),
                    sheet, row, "item_id")
    return frame


def _compose_code(scope: str | None, point: str | None) -> str | None:
    if point is None:
        return None
    if scope and _OWN_CODE.match(normalise_code(point)):
        return f"{normalise_code(scope)}-{normalise_code(point)}"
    return normalise_code(point)


def _point_codes(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Normalise codes (full width, spaces, dashes); join a separate scope code and a bare number."""
    if frame.get_column("scope_code").is_not_null().any():
        frame = join_distinct_pairs(frame, "scope_code", "point_code", _compose_code, "__code")
    else:
        frame = frame.with_columns(map_distinct(frame, "point_code", normalise_code, pl.String).alias("__code"))
    frame = frame.with_columns(
        pl.col("point_code").alias(C.POINT_CODE_RAW),
        map_distinct(frame, "__code", code_key, pl.String).alias(C.POINT_KEY),
    )
    report_normalised(table, frame.filter(pl.col("scope_code").is_null()), C.POINT_CODE_RAW, "__code", "point_code")
    return frame


def option_letter(mark: re.Match[str]) -> str:
    """The letter of an option marker matched by :data:`_OPTION_MARK`, half width (``Ａ`` → ``A``)."""
    return unicodedata.normalize("NFKC", mark.group(1) or mark.group(2))


def split_options(text: str) -> dict[str, str]:
    """Options written in one cell or line (``A.钢 B.铁 C.铜``, ``（A）钢（B）铁``) as ``{letter: text}``;
    empty unless the text starts with a marker and at least two are found, in order and each letter once."""
    text = text.strip()
    for pattern in (_OPTION_MARK, _OPTION_MARK_LOOSE):
        marks = list(pattern.finditer(text))
        letters = [option_letter(m) for m in marks]
        if len(marks) < 2 or letters != sorted(letters) or len(set(letters)) != len(letters) or marks[0].start():
            continue  # text before the first marker would be lost: not a run of options
        options: dict[str, str] = {}
        for mark, following in zip(marks, [*marks[1:], None], strict=True):
            end = following.start() if following else len(text)
            options[option_letter(mark)] = text[mark.end() : end].strip(" ;；\n\t")
        return options
    return {}


def _split_combined_options(frame: pl.DataFrame) -> pl.DataFrame:
    if frame.get_column("options").is_null().all():
        return frame
    no_separate = ~pl.any_horizontal([pl.col(c).is_not_null() for c in C.OPTIONS])
    parsed = frame.select(
        pl.when(no_separate)
        .then(pl.col("options"))
        .otherwise(None)
        .map_elements(lambda t: [split_options(t).get(letter) for letter in OPTION_LETTERS],
                      return_dtype=pl.List(pl.String))
        .alias("__split")
    )
    frame = frame.with_columns(parsed.get_column("__split"))
    return frame.with_columns(
        [pl.coalesce(option_column(letter), pl.col("__split").list.get(i, null_on_oob=True))
         for i, letter in enumerate(OPTION_LETTERS)]
    ).drop("__split")


def _answers(frame: pl.DataFrame) -> pl.DataFrame:
    frame = join_distinct_pairs(frame, "answer", "__type",
                                lambda answer, kind: normalise_answer(answer, kind) if answer is not None else None,
                                "__answer")
    return frame.with_columns(pl.col("answer").alias(C.ANSWER_RAW))
