"""Item text as the similarity checks compare it, computed column-wise with polars.

Normalisation folds what carries no meaning and keeps what does:

* width is folded (NFKC: ``Ｑ２３５`` reads ``Q235``), whitespace and punctuation are dropped (so
  “（　　）” and “( )” vanish, and “，” and “,” are alike);
* letter case is kept: in technical items it is meaning (``mA``/``MA``, ``kHz``/``KHz``, ``m``/``M``);
* symbols are kept (``≥``/``≤``, ``+``/``×``, ``°``), and so are the marks that belong to a number or a
  unit: a decimal point, colon or slash between letters or digits (``1.5``, ``1:2``, ``m/s``), a minus
  sign before a digit (``-5``), per cent and per mille — ``1.5`` and ``15`` are not the same answer.

The options are sorted, so that the same item with its options reordered reads the same. The
compared text is ``stem|option|option…``.

Speed (``bench/bench_similarity.py``, a million items): a whole table is normalised in Arrow, without
a Python object per row. NFKC, the slowest step, runs only on the texts that hold a character it could
change (:data:`NFKC_SAFE`; in Chinese banks a few per cent, mostly full-width letters and digits); the
marks of numbers are looked at only in texts that hold one; and the options are sorted by comparing
the option columns pairwise instead of through per-row lists.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import polars as pl

from qbaudit.analysis.columns import ItemColumns as C

SEPARATOR = "|"
# Whitespace and punctuation, except the marks a number or a unit may need (kept for a second look).
_FOLD = r"(?:[\p{P}--[.:/%‰\-]]|\s)+"
# Of those marks, the ones that are not inside a number or unit: a point, colon or slash with no
# letter or digit on one side, a hyphen not before a digit (the captured neighbour is put back).
_LOOSE_MARKS = r"(^|[^0-9A-Za-z])[.:/]+|[.:/]+($|[^0-9A-Za-z])|-+($|[^0-9])"
_MARKS = r"[.:/\-]"
# Characters for which NFKC can be skipped: each is a starter that never combines with a neighbour,
# and NFKC either leaves it as it is or maps it to punctuation or space that is dropped anyway (the
# full-width （，；？ and the ideographic space). A text made only of these reads the same with and
# without NFKC; any other character (full-width letters and digits, ．：／－, ①, ℃, ㎜, combining
# marks…) sends its text through NFKC. Code point ranges, inclusive; tests/unit/test_textnorm.py
# checks every one of them against polars' own NFKC and Unicode's composition data.
NFKC_SAFE: tuple[tuple[int, int], ...] = (
    (0x0000, 0x00A7), (0x00A9, 0x00A9), (0x00AB, 0x00AE), (0x00B0, 0x00B1), (0x00B6, 0x00B7),
    (0x00BB, 0x00BB), (0x00BF, 0x00FF), (0x0370, 0x0373), (0x0375, 0x0377), (0x037B, 0x037F),
    (0x0386, 0x038A), (0x038C, 0x038C), (0x038E, 0x03A1), (0x03A3, 0x03CF), (0x03D7, 0x03EF),
    (0x03F3, 0x03F3), (0x03F6, 0x03F8), (0x03FA, 0x03FF), (0x2000, 0x2016), (0x2018, 0x2023),
    (0x2027, 0x203D), (0x203F, 0x2064), (0x2066, 0x206F), (0x207D, 0x207E), (0x208D, 0x208E),
    (0x20A0, 0x20A7), (0x20A9, 0x20C0), (0x20DD, 0x20E0), (0x20E2, 0x20E4), (0x2104, 0x2104),
    (0x2108, 0x2108), (0x2114, 0x2114), (0x2117, 0x2118), (0x211E, 0x211F), (0x2123, 0x2123),
    (0x2125, 0x2125), (0x2127, 0x2127), (0x2129, 0x2129), (0x212E, 0x212E), (0x2132, 0x2132),
    (0x213A, 0x213A), (0x2141, 0x2144), (0x214A, 0x214F), (0x2180, 0x2188), (0x218A, 0x218B),
    (0x2190, 0x222B), (0x222E, 0x222E), (0x2231, 0x2426), (0x2440, 0x244A), (0x24EB, 0x2A0B),
    (0x2A0D, 0x2A73), (0x2A77, 0x2ADB), (0x2ADD, 0x2B73), (0x2B76, 0x2B95), (0x2B97, 0x2BFF),
    (0x3000, 0x3029), (0x3030, 0x3035), (0x3037, 0x3037), (0x303B, 0x303F), (0x3041, 0x3096),
    (0x309D, 0x309E), (0x30A0, 0x30FE), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFE31, 0xFE48),
    (0xFE4D, 0xFE4F), (0xFF01, 0xFF03), (0xFF06, 0xFF0A), (0xFF0C, 0xFF0C), (0xFF1B, 0xFF1B),
    (0xFF1F, 0xFF20), (0xFF3B, 0xFF3D), (0xFF3F, 0xFF3F), (0xFF5B, 0xFF5B), (0xFF5D, 0xFF5D),
    (0xFF5F, 0xFF65),
)
_NEEDS_NFKC = "[^" + "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in NFKC_SAFE) + "]"


def clean(expr: pl.Expr) -> pl.Expr:
    """NFKC; no whitespace or punctuation, but numbers' and units' marks kept; letter case kept."""
    return (expr.str.normalize("NFKC").str.replace_all(_FOLD, "")
            .str.replace_all(_LOOSE_MARKS, "${1}${2}${3}"))


def _patched(frame: pl.DataFrame, check: Callable[[pl.Expr], pl.Expr],
             fix: Callable[[pl.Series], pl.Series]) -> pl.DataFrame:
    """``frame`` with ``fix`` applied, in each column, only to the values for which ``check`` holds (the
    checks of all the columns run in one parallel pass)."""
    flags = frame.select([check(pl.col(name)).fill_null(False).alias(name) for name in frame.columns])
    columns = []
    for name in frame.columns:
        column = frame.get_column(name)
        where = flags.get_column(name).arg_true()
        columns.append(column.scatter(where, fix(column.gather(where))) if len(where) else column)
    return pl.DataFrame(columns)


def clean_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`clean` of every (text) column of ``frame``: the same values, faster — NFKC only where a value
    holds a character it could change, the marks of numbers looked at only where a value has one."""
    normal = _patched(frame, lambda e: e.str.contains(_NEEDS_NFKC), lambda s: s.str.normalize("NFKC"))
    folded = normal.select([pl.col(name).str.replace_all(_FOLD, "") for name in normal.columns])
    return _patched(folded, lambda e: e.str.contains(_MARKS), lambda s: s.str.replace_all(_LOOSE_MARKS, "${1}${2}${3}"))


def fold(texts: Sequence[str | None]) -> list[str | None]:
    """:func:`clean` applied to a list of texts (for terms and single values compared with item text)."""
    return pl.Series(list(texts), dtype=pl.String).to_frame("t").select(clean(pl.col("t"))).to_series().to_list()


def items_frame(items: pd.DataFrame | pl.DataFrame, columns: Sequence[str] = ()) -> pl.DataFrame:
    """The stem and option columns (and ``columns``) of an items table as a polars frame."""
    wanted = [C.STEM, *C.OPTIONS, *columns]
    frame = items.select(wanted) if isinstance(items, pl.DataFrame) else pl.from_pandas(items[wanted])
    # A column with no value at all comes without a type (from Parquet, or an empty table): make it text.
    return frame.with_columns([pl.col(c).cast(pl.String) for c in (C.STEM, *C.OPTIONS)])


def sorted_columns(options: pl.DataFrame) -> pl.DataFrame:
    """The values of each row of ``options`` (text columns) in sorted order: the first column holds each row's
    smallest value, and so on; nulls come last.

    Each value's place in its row is counted from pairwise comparisons of the columns (a value goes after
    every smaller one, and after an equal one in an earlier column; a null after every value), and each place
    is then gathered from all the columns at once — columnar work only, no list per row.
    """
    names, rows = options.columns, options.height
    if len(names) < 2:
        return options
    places = [pl.lit(0, dtype=pl.Int8) for _ in names]
    for first, second in itertools.combinations(range(len(names)), 2):
        a, b = pl.col(names[first]), pl.col(names[second])
        before = pl.when(b.is_null()).then(True).when(a.is_null()).then(False).otherwise(a <= b)
        places[second] = places[second] + before.cast(pl.Int8)
        places[first] = places[first] + (~before).cast(pl.Int8)
    place = options.select([p.alias(name) for p, name in zip(places, names, strict=True)]).to_numpy().astype(np.int64)
    column_at = np.empty_like(place)  # column_at[row, place]: the column whose value goes to that place
    np.put_along_axis(column_at, place, np.broadcast_to(np.arange(len(names), dtype=np.int64), place.shape), axis=1)
    values = pl.concat([options.get_column(name) for name in names], rechunk=True)
    row = np.arange(rows, dtype=np.int64)
    return pl.DataFrame([values.gather(column_at[:, k] * rows + row).alias(name) for k, name in enumerate(names)])


def normalised_texts(items: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    """Columns ``stem`` (normalised stem) and ``text`` (``stem|option|option…``, the normalised options
    sorted; the stem alone when an item has no option) for every row of an items table, in its order."""
    frame = items_frame(items)
    # Option columns no row fills (E–H in most banks) are left out from the start.
    options = [c for c in C.OPTIONS if frame.get_column(c).null_count() < frame.height]
    cleaned = clean_columns(frame.select(C.STEM, *options))
    stem = cleaned.get_column(C.STEM).fill_null("").alias("stem")
    ordered = sorted_columns(cleaned.select([pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in options]))
    text = pl.concat_str([pl.col("stem"), *[pl.col(c) for c in options]], separator=SEPARATOR, ignore_nulls=True)
    return pl.concat([stem.to_frame(), ordered], how="horizontal").select("stem", text.alias("text"))


def as_list(series: pl.Series, chunk: int = 4096) -> list:
    """``series.to_list()`` in slices: building Python objects holds the GIL, and one call over a
    100 000-row column would hold it long enough to freeze the window's thread for a moment."""
    if len(series) <= chunk:
        return series.to_list()
    out: list = []
    for start in range(0, len(series), chunk):
        out.extend(series.slice(start, chunk).to_list())
    return out
