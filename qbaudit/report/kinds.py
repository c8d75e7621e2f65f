"""The wording of each kind of audit (``resources/report/kinds.toml``), filled for one report.

The sheet names its kind (``[documents] kind``: proposition-quality special supervision, on-site
activity, Shandong daily supervision, a custom sheet); the report, the problem list and the notice
take their titles and fixed sentences from that kind's entry, so a new kind of supervision is a new
entry, not new code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from qbaudit.bundled import load_toml
from qbaudit.i18n import pick, tr


@cache
def kinds_file() -> dict[str, Any]:
    """``resources/report/kinds.toml`` as read."""
    return load_toml("report/kinds.toml")


def supervision_label(kind: str, *, chinese: bool = False) -> str:
    """日常督导 / 专项督导 (in the UI language unless ``chinese``)."""
    labels = kinds_file()["supervision"]
    return labels[kind] if chinese else (pick(labels, kind) or labels[kind])


def kind_entry(kind: str) -> dict[str, Any]:
    """The wording of one kind (``custom`` when the kind is unknown)."""
    kinds = kinds_file()["kinds"]
    return kinds.get(kind, kinds["custom"])


def header_field(label: str) -> str | None:
    """The audit field a sheet's header label stands for (被督导机构名称 → institution), or None."""
    return kinds_file()["header_fields"].get(label)


def values(data: Any, *, chinese: bool = False) -> dict[str, str]:
    """The placeholders of the kinds' templates for the report ``data``."""
    from qbaudit.report.model import levels_text

    sheet = data.sheet
    return {
        "occupation": data.occupation or "",
        "levels": levels_text(data.levels),
        "institution": data.institution or tr("report.the_institution"),
        "scene": sheet.layout.scene,
        "supervision": supervision_label(data.supervision, chinese=chinese),
        "sheet": sheet.name,
        "batch": data.batch_number or "",
    }


def wording(data: Any, key: str, *, chinese: bool = False, **extra: Any) -> str:
    """The kind's template ``key`` filled for ``data``; ``chinese`` for the Chinese-only documents
    (problem list, notice), else in the UI language (the Word report)."""
    entry = kind_entry(data.sheet.layout.kind)
    template = entry[key] if chinese else (pick(entry, key) or entry[key])
    return template.format(**{**values(data, chinese=chinese), **extra})


def header_extras(data: Any) -> list[str]:
    """The audit fields the kind's report lists besides the sheet's own header."""
    return list(kind_entry(data.sheet.layout.kind).get("header", ()))


def header_wide(data: Any) -> set[str]:
    """The audit fields that take a whole row of the report's header block (as on the kind's form)."""
    return set(kind_entry(data.sheet.layout.kind).get("header_wide", ("inspectors",)))
