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
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import polars as pl

from qbaudit.analysis.columns import ItemColumns as C

SEPARATOR = "|"
# Whitespace and punctuation, except the marks a number or a unit may need (kept for a second look).
_FOLD = r"[\p{P}--[.:/%‰\-]]|\s"
# Of those marks, the ones that are not inside a number or unit: a point, colon or slash with no
# letter or digit on one side, a hyphen not before a digit (the captured neighbour is put back).
_LOOSE_MARKS = r"(^|[^0-9A-Za-z])[.:/]+|[.:/]+($|[^0-9A-Za-z])|-+($|[^0-9])"


def clean(expr: pl.Expr) -> pl.Expr:
    """NFKC; no whitespace or punctuation, but numbers' and units' marks kept; letter case kept."""
    return (expr.str.normalize("NFKC").str.replace_all(_FOLD, "")
            .str.replace_all(_LOOSE_MARKS, "${1}${2}${3}"))


def fold(texts: Sequence[str | None]) -> list[str | None]:
    """:func:`clean` applied to a list of texts (for terms and single values compared with item text)."""
    return pl.Series(list(texts), dtype=pl.String).to_frame("t").select(clean(pl.col("t"))).to_series().to_list()


def items_frame(items: pd.DataFrame | pl.DataFrame, columns: Sequence[str] = ()) -> pl.DataFrame:
    """The stem and option columns (and ``columns``) of an items table as a polars frame."""
    wanted = [C.STEM, *C.OPTIONS, *columns]
    frame = items.select(wanted) if isinstance(items, pl.DataFrame) else pl.from_pandas(items[wanted])
    # A column with no value at all comes without a type (from Parquet, or an empty table): make it text.
    return frame.with_columns([pl.col(c).cast(pl.String) for c in (C.STEM, *C.OPTIONS)])


def normalised_texts(items: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    """Columns ``stem`` (normalised stem), ``options`` (sorted normalised options joined) and
    ``text`` (``stem|options``) for every row of an items table, in the table's order."""
    frame = items_frame(items)
    options = pl.concat_list([clean(pl.col(c)) for c in C.OPTIONS]).list.drop_nulls()
    options = options.list.eval(pl.element().filter(pl.element() != "")).list.sort().list.join(SEPARATOR)
    out = frame.select(clean(pl.col(C.STEM)).fill_null("").alias("stem"), options.alias("options"))
    text = pl.when(pl.col("options") == "").then(pl.col("stem")).otherwise(
        pl.concat_str([pl.col("stem"), pl.col("options")], separator=SEPARATOR)
    )
    return out.with_columns(text.alias("text"))


def as_list(series: pl.Series, chunk: int = 4096) -> list:
    """``series.to_list()`` in slices: building Python objects holds the GIL, and one call over a
    100 000-row column would hold it long enough to freeze the window's thread for a moment."""
    if len(series) <= chunk:
        return series.to_list()
    out: list = []
    for start in range(0, len(series), chunk):
        out.extend(series.slice(start, chunk).to_list())
    return out
