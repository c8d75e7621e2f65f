"""Normalisation computed column-wise gives exactly what :func:`clean` gives, value by value: NFKC skipped
only where it cannot change the result, options sorted without per-row lists, exact groups as arrays."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import polars as pl

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.similarity import exact_groups, similar_pairs
from qbaudit.analysis.textnorm import (
    _FOLD,
    NFKC_SAFE,
    SEPARATOR,
    clean,
    clean_columns,
    fold,
    normalised_texts,
    sorted_columns,
)

HARD = [
    "Ｑ２３５钢", "１．５ｍ／ｓ", "电压１：２", "温度－５℃", "约…３", "1…2", "ｍＡ与ＭＡ", "10⁻³", "①②③", "㎜与mm",
    "e（\u0301", "(\u0301)", "가\u11a8", "\u1100\u1161", "Å", "A\u030a", "（　　）", "\u00a0空格\u3000", "Ａ（Ｂ）",
    "1. 5", "a-", "-5", "-a", "m/s", "/s", "1:", ":2", "50%", "5‰", "“焊接”——电弧。", "x．y", "\u2024\u2025",
    "丶\uf900\u2f00", "\ufe30\ufe31", "ｶﾞ", "\u309b", "", None, "..", "：：", "𠀀𠀁", "\U0010ffff", "\x00\x1f",
]


def _maybe_second() -> set[int]:
    """Code points that can be the second of a canonical pair (they compose with the character before)."""
    seconds = set()
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            seconds.add(int(decomposition.split()[1], 16))
    seconds.update(range(0x1161, 0x1176))  # Hangul vowels and final consonants compose by rule
    seconds.update(range(0x11A8, 0x11C3))
    return seconds


def test_every_character_said_safe_reads_the_same_with_and_without_nfkc():
    codes = [code for start, end in NFKC_SAFE for code in range(start, end + 1)]
    characters = [chr(code) for code in codes]
    assert all(unicodedata.category(c) != "Cn" for c in characters)  # only characters this Python knows
    seconds = _maybe_second()
    frame = pl.DataFrame({"c": characters}).with_columns(n=pl.col("c").str.normalize("NFKC")).with_columns(
        folded=pl.col("c").str.replace_all(_FOLD, ""), folded_n=pl.col("n").str.replace_all(_FOLD, ""))
    unsafe = []
    for c, normal, folded, folded_normal in frame.iter_rows():
        starter = unicodedata.combining(c) == 0 and ord(c) not in seconds
        image_starters = all(unicodedata.combining(x) == 0 and ord(x) not in seconds for x in normal)
        same = normal == c or (folded == "" and folded_normal == "")
        if not (starter and image_starters and same):
            unsafe.append(f"U+{ord(c):04X}")
    assert unsafe == []
    assert len(codes) > 30_000  # CJK, ASCII and the punctuation of Chinese text are all there


def test_clean_columns_gives_what_clean_gives_on_hard_and_random_texts():
    rng = random.Random(16)
    pool = [c for text in HARD if text for c in text] + list("焊接电流Aa1.:/-%，。（）　 ") + ["\u0301", "\uff10", "\u2026"]
    texts = HARD + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    frame = pl.DataFrame({"a": texts, "b": list(reversed(texts))}, schema={"a": pl.String, "b": pl.String})
    expected = frame.select([clean(pl.col(c)).alias(c) for c in frame.columns])
    got = clean_columns(frame)
    assert got.equals(expected)
    assert got.get_column("a").to_list()[:4] == ["Q235钢", "1.5m/s", "电压1:2", "温度-5°C"]


def test_options_are_sorted_per_row_as_python_sorts_them_and_nulls_go_last():
    rng = random.Random(3)
    words = ["甲", "乙", "A", "a", "10", "9", "", "\U0010ffff", "\U0010ffffz", "焊条"]
    rows = [[rng.choice(words + [None, None]) for _ in range(5)] for _ in range(2000)] + [[None] * 5]
    frame = pl.DataFrame({str(k): [row[k] for row in rows] for k in range(5)}, schema={str(k): pl.String for k in range(5)})
    got = sorted_columns(frame).rows()
    for row, out in zip(rows, got, strict=True):
        values = sorted(v for v in row if v is not None)
        assert list(out) == values + [None] * (5 - len(values)), row


def _reference(stem: str | None, options: list[str | None]) -> str:
    """The normalised whole item as a person would compute it, one item at a time."""
    cleaned = sorted(o for o in fold(options) if o)
    return SEPARATOR.join([fold([stem])[0] or "", *cleaned]) if cleaned else fold([stem])[0] or ""


def test_normalised_texts_match_the_one_item_at_a_time_reference():
    rows = [
        ("焊条电弧焊时，焊接电流过大最容易产生（　　）。", ["咬边", "夹渣", "气孔", "未熔合"]),
        ("Ｑ２３５钢焊接时应（　　）", ["预热", "", "不预热"]),
        ("", ["１．５", "15"]),
        (None, []),
        ("只有E选项", [None, None, None, None, "Ｅ"]),
        ("八个选项", ["h", "g", "f", "e", "d", "c", "b", "a"]),
        ("标点选项", ["，", "（）", "ok"]),
    ]
    columns = {C.STEM: [stem for stem, _ in rows]}
    for index, column in enumerate(C.OPTIONS):
        columns[column] = [options[index] if index < len(options) else None for _, options in rows]
    frame = pl.DataFrame(columns, schema={k: pl.String for k in columns})
    texts = normalised_texts(frame)
    assert texts.columns == ["stem", "text"]
    assert texts.get_column("text").to_list() == [_reference(stem, options) for stem, options in rows]
    assert texts.get_column("text").to_list()[2] == "|1.5|15"
    assert texts.get_column("stem").to_list()[3] == ""


def test_exact_groups_are_flat_arrays_in_order_of_first_appearance():
    texts = pl.Series(["乙", "甲", "", "乙", "丙", "甲", "乙", None, "丁"], dtype=pl.String)
    groups = exact_groups(texts)
    assert groups.distinct.to_list() == ["乙", "甲", "丙", "丁"]
    assert groups.sizes.tolist() == [3, 2, 1, 1]
    assert [groups.members[groups.offsets[g]:groups.offsets[g + 1]].tolist() for g in range(4)] == [
        [0, 3, 6], [1, 5], [4], [8]]
    first, second = groups.pairs()
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == [(0, 3), (0, 6), (3, 6), (1, 5)]


def test_similar_pairs_of_a_column_and_of_a_list_are_the_same():
    base = "焊接电流过大容易产生咬边缺陷因此应当适当减小电流"
    texts = [base, base + "。", "完全不同的一道题目的题干内容", base, base[:-1] + "流量", "", base[:-1] + "流量"]
    listed = similar_pairs(texts, 88)
    column = similar_pairs(pl.Series(texts, dtype=pl.String), 88)
    for name in ("first", "second", "score"):
        assert np.array_equal(getattr(listed, name), getattr(column, name))
    assert (0, 3, 100.0) in set(zip(column.first.tolist(), column.second.tolist(), column.score.tolist(), strict=True))
    assert len(column) == 10  # {0,1,3} all alike (3 pairs) × and with {4,6} (6 pairs), and 4–6 identical
