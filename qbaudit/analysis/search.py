"""Searching the bank: which items a filter keeps and in what order (Anki's ``find_cards``).

:func:`find_items` takes the item table (the importer's DataFrame, see
:class:`~qbaudit.analysis.columns.ItemColumns`), a :class:`BankFilter` and a :class:`SortKey` and returns the
positions of the items kept, in display order; the user's DataFrame is never reordered. An
:class:`ItemTable` holds the columns as Arrow/numpy arrays and caches what is costly to compute again (each
column's order, the text searched), so that a browser over 100 000 items answers every click at once; the
window's bank browser keeps one and only displays what it returns.

Codes are compared as the checks compare them (:func:`~qbaudit.analysis.vocabulary.normalise_code`: full
width folded, dash-like characters as ``-``), and a scope is a prefix of a point code ending at one of the
profile's code separators (``A-B`` and ``A.B`` both lie above ``A-B-001`` / ``A.B.001``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.vocabulary import code_key, normalise_code

MISSING = "\x00missing"  # filter value: the cell is empty (an item type not recognised)
DEFAULT_SEPARATORS = "-."  # the national profile's code separators (``codes.separators``)
NUMERIC = frozenset({C.LEVEL, C.DIFFICULTY, C.SOURCE_ROW})  # columns searched and sorted as numbers
NATURAL = frozenset({C.ITEM_ID, C.POINT_CODE})  # columns sorted naturally: ``HG2`` before ``HG10``
SEARCHED_TEXT = (C.ITEM_ID, C.STEM, *C.OPTIONS)  # what the free-text filter looks in


@dataclass(frozen=True)
class BankFilter:
    """Which items to show: each field None (or empty) for "any"."""

    level: int | None = None
    scope: str | None = None  # a scope code: items whose point code lies below it
    point: str | None = None  # a point code, as the bank or the blueprint writes it (full width too)
    item_type: str | None = None  # a type, or MISSING for items whose type was not recognised
    difficulty: float | tuple[float, float] | None = None  # a value, or a closed range
    text: str = ""  # in the id, stem or options, case-insensitive

    def cleared(self) -> BankFilter:
        """No filter."""
        return BankFilter()

    def but(self, **changes: Any) -> BankFilter:
        """This filter with some fields changed."""
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """True when something is filtered out."""
        return self != BankFilter()


@dataclass(frozen=True)
class SortKey:
    """Sort the items by ``column`` (an ItemColumns name); stable, empty cells last either way."""

    column: str
    descending: bool = False


def find_items(items: Any, flt: BankFilter | None = None, sort: SortKey | None = None, *,
               separators: str = DEFAULT_SEPARATORS) -> np.ndarray:
    """Positions (``iloc``) of the items of ``items`` that ``flt`` keeps, ordered by ``sort`` (file order
    when None). ``items`` is the item DataFrame or an :class:`ItemTable` (which keeps its caches)."""
    table = items if isinstance(items, ItemTable) else ItemTable(items, separators=separators)
    return table.find(flt or BankFilter(), sort)


def scopes_of(codes: Iterable[str], separators: str = DEFAULT_SEPARATORS) -> list[str]:
    """The scope codes above some point codes, each once, in natural order: every prefix of a code that ends
    before one of ``separators`` (``A-B-001`` → ``A``, ``A-B``)."""
    split = _separator_pattern(separators)
    found: set[str] = set()
    for code in codes:
        text = normalise_code(str(code))
        found.update(text[:match.start()] for match in split.finditer(text) if match.start() > 0)
    return sorted(found, key=natural_key)


def under_scope(code: str, scope: str, separators: str = DEFAULT_SEPARATORS) -> bool:
    """True when point code ``code`` is ``scope`` or lies below it."""
    code, scope = normalise_code(str(code)), normalise_code(str(scope))
    return code == scope or (code.startswith(scope) and len(code) > len(scope) and code[len(scope)] in separators)


def natural_key(text: Any) -> tuple:
    """Sort key that orders the numbers inside a text by value (``HG2`` before ``HG10``)."""
    parts = _NATURAL_SPLIT.split(str(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


_NATURAL_SPLIT = re.compile(r"(\d+)")


def _separator_pattern(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators or DEFAULT_SEPARATORS) + "]")


class ItemTable:
    """The item table prepared for searching: the searched and sorted columns as Arrow arrays (numbers as
    float numpy arrays, NaN for an empty cell), built once per bank; orders and the searched text cached.

    Args:
        items: the item DataFrame (None: an empty table).
        separators: the characters that separate the tiers of a code (the profile's ``codes.separators``).
    """

    def __init__(self, items: Any = None, separators: str = DEFAULT_SEPARATORS) -> None:
        import pyarrow as pa

        self.frame = items
        self.separators = separators or DEFAULT_SEPARATORS
        self.size = 0 if items is None else len(items)
        self.arrays: dict[str, Any] = {}  # column → pyarrow array
        self.numbers: dict[str, np.ndarray] = {}  # numeric column → float array
        self._orders: dict[SortKey, np.ndarray] = {}
        self._haystack: Any = None
        self._ids: dict[str, int] | None = None
        self._folded_ids: dict[str, int] | None = None
        self._last: tuple[BankFilter, np.ndarray | None] | None = None
        if items is None:
            return
        for column in (*SEARCHED_TEXT, C.LEVEL, C.POINT_CODE, C.POINT_KEY, C.ITEM_TYPE, C.DIFFICULTY, C.ANSWER,
                       C.SOURCE_ROW):
            if column not in items.columns or column in self.arrays:
                continue
            array = pa.Array.from_pandas(items[column])
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
            self.arrays[column] = array
            if column in NUMERIC:
                self.numbers[column] = _float_array(array)

    # --- finding --------------------------------------------------------------------------------

    def find(self, flt: BankFilter, sort: SortKey | None = None) -> np.ndarray:
        """Positions of the items ``flt`` keeps, in the order of ``sort`` (file order when None)."""
        order = self.order(sort)
        mask = self.mask(flt)
        return order if mask is None else order[mask[order]]

    def mask(self, flt: BankFilter, skip: str = "") -> np.ndarray | None:
        """The items ``flt`` keeps as a boolean array (None: every item); ``skip`` leaves one field out."""
        if not skip and self._last is not None and self._last[0] == flt:
            return self._last[1]
        mask = self._mask(flt, skip)
        if not skip:
            self._last = (flt, mask)
        return mask

    def _mask(self, flt: BankFilter, skip: str) -> np.ndarray | None:
        import pyarrow.compute as pc

        mask: np.ndarray | None = None

        def both(more: Any) -> None:
            nonlocal mask
            more = np.asarray(more, dtype=bool)
            mask = more if mask is None else (mask & more)

        if flt.level is not None and skip != "level" and C.LEVEL in self.numbers:
            both(self.numbers[C.LEVEL] == flt.level)
        if flt.scope and skip != "scope" and C.POINT_CODE in self.arrays:
            both(self._scope_mask(flt.scope))
        if flt.point and skip != "point" and C.POINT_CODE in self.arrays:
            both(self.point_mask(flt.point))
        if flt.item_type is not None and skip != "item_type" and C.ITEM_TYPE in self.arrays:
            types = self.arrays[C.ITEM_TYPE]
            if flt.item_type == MISSING:
                both(pc.is_null(types).to_numpy(zero_copy_only=False))
            else:
                both(_filled(pc.equal(types, flt.item_type)))
        if flt.difficulty is not None and skip != "difficulty" and C.DIFFICULTY in self.numbers:
            values = self.numbers[C.DIFFICULTY]
            if isinstance(flt.difficulty, tuple):
                low, high = flt.difficulty
                both((values >= low) & (values <= high))
            else:
                both(np.isclose(values, float(flt.difficulty)))
        text = flt.text.strip()
        if text and skip != "text":
            both(_filled(pc.match_substring(self._search_text(), text, ignore_case=True)))
        if mask is not None and len(mask) != self.size:  # an empty frame
            mask = np.zeros(self.size, dtype=bool)
        return mask

    def _scope_mask(self, scope: str) -> np.ndarray:
        import pyarrow.compute as pc

        codes = self.arrays[C.POINT_CODE]
        scope = normalise_code(scope)
        hit = pc.equal(codes, scope)
        for separator in self.separators:
            hit = pc.or_kleene(hit, pc.starts_with(codes, scope + separator))
        return _filled(hit)

    def point_mask(self, point: str) -> np.ndarray:
        """The items of a point: its code as the bank writes it, else any code with the same key (the code as
        the blueprint or a finding writes it: ``Ａ－Ｂ－００１``, ``A.B.001`` and ``AB001`` all find ``A-B-001``)."""
        import pyarrow.compute as pc

        code = normalise_code(str(point))
        exact = _filled(pc.equal(self.arrays[C.POINT_CODE], code))
        if exact.any():
            return exact
        keys = self.arrays.get(C.POINT_KEY)
        if keys is None:
            return exact
        return _filled(pc.equal(keys, code_key(code)))

    def _search_text(self) -> Any:
        """Id, stem and options of each item joined (built once, searched by every free-text filter)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._haystack is None:
            parts = [pc.cast(self.arrays[c], pa.large_string()) for c in SEARCHED_TEXT if c in self.arrays]
            if not parts:
                self._haystack = pa.array([""] * self.size, type=pa.large_string())
            elif len(parts) == 1:
                self._haystack = parts[0]
            else:
                self._haystack = pc.binary_join_element_wise(*parts, pa.scalar("\n", pa.large_string()),
                                                             null_handling="replace", null_replacement="")
        return self._haystack

    # --- sorting --------------------------------------------------------------------------------

    def order(self, sort: SortKey | None = None) -> np.ndarray:
        """The stable order of every position by ``sort`` (computed once per column and direction)."""
        if sort is None:
            return np.arange(self.size, dtype=np.int64)
        cached = self._orders.get(sort)
        if cached is None:
            cached = self._orders[sort] = self._sort_positions(sort.column, sort.descending)
        return cached

    def _sort_positions(self, name: str, descending: bool) -> np.ndarray:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = self.arrays.get(name)
        if array is None:
            return np.arange(self.size, dtype=np.int64)
        direction = "descending" if descending else "ascending"
        if name in NATURAL and (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            fast = _natural_order(array, descending)
            if fast is not None:
                return fast
            parts = pc.extract_regex(array, r"^(?P<p>\D*)(?P<n>\d*)(?P<r>.*)$")
            digits = pc.utf8_ltrim(pc.struct_field(parts, "n"), "0")
            table = pa.table({"p": pc.struct_field(parts, "p"), "l": pc.utf8_length(digits), "n": digits,
                              "r": pc.struct_field(parts, "r")})
            keys = [(k, direction, "at_end") for k in ("p", "l", "n", "r")]
        else:
            table = pa.table({"k": array})
            keys = [("k", direction, "at_end")]
        # Arrow's sort is stable; empty cells go last in both directions.
        return pc.sort_indices(table, sort_keys=keys).to_numpy().astype(np.int64)

    # --- what the filters offer -----------------------------------------------------------------

    def distinct(self, column: str, mask: np.ndarray | None = None) -> list[Any]:
        """The distinct values of a column (None for an empty cell, last), sorted; only where ``mask`` holds."""
        import pyarrow as pa
        import pyarrow.compute as pc

        array = self.arrays.get(column)
        if array is None:
            return []
        if mask is not None:
            array = array.filter(pa.array(mask))
        values = pc.unique(array).to_pylist()
        present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        ordered = sorted(present, key=natural_key) if column in NATURAL else sorted(present)
        return ordered + ([None] if len(present) < len(values) else [])

    def scopes(self, codes: Sequence[str]) -> list[str]:
        """The scope codes above ``codes`` (see :func:`scopes_of`), with this table's separators."""
        return scopes_of(codes, self.separators)

    def under_scope(self, code: str, scope: str) -> bool:
        """True when ``code`` is ``scope`` or lies below it (this table's separators)."""
        return under_scope(code, scope, self.separators)

    # --- items ----------------------------------------------------------------------------------

    def position_of_item(self, item_id: str) -> int:
        """The position of an item id (the first: ids may repeat in a faulty bank), or -1. An id as a finding or
        the user writes it matches when it is the same code once normalised (full width, dashes)."""
        if self._ids is None:
            ids = self.arrays.get(C.ITEM_ID)
            self._ids = {}
            if ids is not None:
                for position, value in enumerate(ids.to_pylist()):
                    if value is not None:
                        self._ids.setdefault(str(value).strip(), position)
        text = str(item_id).strip()
        found = self._ids.get(text)
        if found is not None:
            return found
        if self._folded_ids is None:
            self._folded_ids = {}
            for value, position in self._ids.items():
                self._folded_ids.setdefault(normalise_code(value), position)
        return self._folded_ids.get(normalise_code(text), -1)


def _filled(hits: Any) -> np.ndarray:
    """A boolean Arrow array as numpy, an empty cell counting as no match."""
    return hits.fill_null(False).to_numpy(zero_copy_only=False)


def _natural_order(array: Any, descending: bool) -> np.ndarray | None:
    """The stable natural order of codes that are a prefix and a number (``HG400001``, ``A-B-012``):
    the prefixes ranked once, then a numpy lexsort on two integer keys. None when some code is not so."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(array, r"^(?P<p>\D*)(?P<n>\d{1,18})$")
    if parts.null_count != array.null_count:
        return None
    encoded = pc.dictionary_encode(pc.struct_field(parts, "p"))
    rank = np.empty(len(encoded.dictionary), dtype=np.int64)
    rank[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(encoded.dictionary), dtype=np.int64)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    empty = codes < 0
    prefix = rank[np.where(empty, 0, codes)]
    number = pc.cast(pc.struct_field(parts, "n"), pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    if descending:
        prefix, number = -prefix, -number
    prefix = np.where(empty, np.iinfo(np.int64).max, prefix)  # empty cells last either way
    return np.lexsort((number, prefix)).astype(np.int64)  # lexsort is stable; the last key sorts first


def _float_array(array: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        try:
            array = pc.cast(array, pa.float64(), safe=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return np.full(len(array), np.nan)
    return array.to_numpy(zero_copy_only=False).astype(float)
