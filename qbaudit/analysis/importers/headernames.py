"""Headers mapped by name: the user says which field a header text holds (``题目序号=考评点代码``), for
headers the synonyms of ``resources/columns.toml`` do not know, in every sheet of every file of an input.

The command line takes them with ``--map``, column templates keep them, and the import options carry them
(:attr:`~qbaudit.analysis.inputs.ImportOptions.header_names`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from qbaudit.analysis.importers.headers import HeaderMatch, KindSpec, kind_spec, match_header, normalise_header
from qbaudit.analysis.importers.reading import RawSheet
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

SKIP_WORDS = frozenset({"", "-", "_", "—", "无", "跳过", "不导入"})
_PAIRS = re.compile(r"[,，、;；\n]+")
_EQUALS = re.compile(r"\s*[=＝]\s*")


class HeaderNameError(QbauditError, ValueError):
    """A header mapping the user wrote that cannot be used; the message is for the user (Chinese)."""


def field_of(name: str, spec: KindSpec) -> str | None:
    """The canonical field a name the user wrote stands for: the canonical name itself (``point_code``), the
    field's label (``考评点代码``) or one of its exact synonyms; None when it names none."""
    stripped = name.strip()
    if stripped in spec.fields:
        return stripped
    for spec_field in spec.fields.values():
        if normalise_header(spec_field.label) == normalise_header(stripped):
            return spec_field.name
    hit = match_header(stripped, spec)
    # Exact names only: a partial match ("题目难易" holding "题目") would map a column by accident.
    return hit.field if hit is not None and hit.rank < 100 else None


def parse_header_names(text: str | list[str], kind: str = "bank") -> dict[str, str | None]:
    """``题目序号=考评点代码,备注=-`` as {header text: canonical field or None}; raises :class:`HeaderNameError`."""
    spec = kind_spec(kind)
    parts = [p for chunk in ([text] if isinstance(text, str) else text) for p in _PAIRS.split(chunk) if p.strip()]
    if not parts:
        raise HeaderNameError(tr("headernames.empty"))
    names: dict[str, str | None] = {}
    for part in parts:
        pieces = _EQUALS.split(part.strip(), maxsplit=1)
        if len(pieces) != 2 or not pieces[0].strip():
            raise HeaderNameError(tr("headernames.bad_pair", pair=part.strip()))
        header, wanted = pieces[0].strip(), pieces[1].strip()
        if normalise_header(header) in {normalise_header(h) for h in names}:
            raise HeaderNameError(tr("headernames.repeated_header", header=header))
        if wanted in SKIP_WORDS:
            names[header] = None
            continue
        found = field_of(wanted, spec)
        if found is None:
            known = "、".join(f.label for f in spec.fields.values())
            raise HeaderNameError(tr("headernames.unknown_field", header=header, name=wanted, known=known))
        if found in names.values():
            raise HeaderNameError(tr("headernames.repeated_field", name=wanted))
        names[header] = found
    return names


def describe(names: Mapping[str, str | None], kind: str = "bank") -> str:
    """The mapping as the user writes it: ``题目序号=考评点代码,备注=-``."""
    spec = kind_spec(kind)
    return ",".join(f"{header}={spec.fields[f].label if f in spec.fields else (f or '-')}"
                    for header, f in names.items())


def named_spec(spec: KindSpec, names: Mapping[str, str | None]) -> KindSpec:
    """``spec`` where each header text the user mapped is the first (exact) synonym of its field, and a synonym
    of no other field: the header row is found and mapped with the user's names."""
    if not names:
        return spec
    given = {normalise_header(h): f for h, f in names.items()}
    fields = {}
    for name, spec_field in spec.fields.items():
        own = tuple(h for h, f in given.items() if f == name and not spec_field.tiered)
        rest = tuple(s for s in spec_field.synonyms if s not in given)
        fields[name] = replace(spec_field, synonyms=own + rest)
    return replace(spec, fields=fields)


def named_overrides(sheet: RawSheet, match: HeaderMatch, names: Mapping[str, str | None]) -> dict[str, str | None]:
    """Column label → field for the columns of ``sheet`` whose header the user mapped by name."""
    given = {normalise_header(h): f for h, f in names.items()}
    out: dict[str, str | None] = {}
    for column, text in match.headers.items():
        key = normalise_header(text)
        index = int(column[1:])
        if key in given and index < len(sheet.column_labels):
            out[sheet.column_labels[index]] = given[key]
    return out


def unused_names(names: Mapping[str, str | None], headers_seen: set[str]) -> list[str]:
    """The header texts the user mapped that no header row of the file holds."""
    return [h for h in names if normalise_header(h) not in headers_seen]


def present_header(sheet: RawSheet, spec: KindSpec) -> int | None:
    """The position of a header row that a sheet mapped by column order has all the same, or None.

    A row is a header when its cells name at least two fields exactly (``题干``, ``答案``, ``考评点代码`` …) and
    such cells are at least half of its cells of two characters or more. Single characters are no evidence:
    an item's options may well be ``A``, ``B``, ``C``, ``D``.
    """
    from qbaudit.analysis.importers.headers import SCAN_ROWS
    from qbaudit.analysis.importers.reading import ROW

    for index, row in enumerate(sheet.frame.head(SCAN_ROWS).iter_rows(named=True)):
        cells = [str(v).strip() for c, v in row.items() if c != ROW and v is not None and len(str(v).strip()) >= 2]
        named: set[str] = set()
        for text in cells:
            hit = match_header(text, spec)
            if hit is not None and hit.rank < 100:
                named.add(hit.field)
        if len(named) >= 2 and len(named) * 2 >= len(cells):
            return index
    return None
