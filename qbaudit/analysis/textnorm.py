"""Item text as the similarity checks compare it, computed column-wise with polars.

Normalisation: NFKC (full width to half width), lower case, no whitespace, no punctuation or
symbols (so “（　　）” and “( )” vanish), and the options sorted, so that the same item with its
options reordered reads the same. The compared text is ``stem|option|option…``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import polars as pl

from qbaudit.analysis.columns import ItemColumns as C

SEPARATOR = "|"
_STRIP = r"[\p{P}\p{S}\s]"


def clean(expr: pl.Expr) -> pl.Expr:
    """NFKC, lower case, and no whitespace, punctuation or symbols."""
    return expr.str.normalize("NFKC").str.to_lowercase().str.replace_all(_STRIP, "")


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
