"""One door for every kind of input: import a bank, blueprint, standard, papers, plan or answer data by
kind, with the options a user chose in the import wizard (sheets, header row, column mapping).

Every door comes through :func:`import_input`, by way of :func:`qbaudit.operations.read_input` (the window's
import wizard and its reopening of an audit, ``check``, ``audit score`` and each row of a batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbaudit.analysis.progress import Budget, NullState, ScaledState, TaskState, checkpoint
from qbaudit.i18n import tr

if TYPE_CHECKING:  # the importers load polars: imported when an import runs, so the kinds are cheap to read
    from qbaudit.analysis.importers.outcome import ImportResult
    from qbaudit.analysis.model import Bank

KINDS = ("bank", "blueprint", "standard", "papers", "plan", "responses")
MULTIPLE = frozenset({"bank", "blueprint", "papers"})  # kinds that may come as several files (or folders)
NEEDS_BANK = frozenset({"papers"})  # kinds whose import matches items against the bank
REQUIRED = ("bank",)  # the checks cannot run without these (without a blueprint, its rules are 无法判断)
EVERY_SHEET = "*"  # the key of ``ImportOptions.header_rows`` that holds for every sheet


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose for a spreadsheet input; the defaults read it as the importers detect it.

    Attributes:
        sheets: the sheets to read (None: every sheet with content).
        header_rows: sheet name → the row number (as the user sees it, from 1) of the header row.
        fields: sheet name → {column letter or number as shown: canonical field or None to skip it};
            the columns not named keep the field the header gave them.
            (key ``"*"``: every sheet that has no row of its own; with ``columns``, the header row to skip).
        fields: sheet name → {column letter or number as shown: canonical field or None to skip it};
            the columns not named keep the field the header gave them.
        columns: for a file without a header row, the field of each column in order (a header row that is
            present all the same is found and skipped).
        default_level: the level of rows that name none.
        header_names: header text as written → canonical field (None: the column is not imported), for
            every sheet of every file: how headers the synonyms do not know are mapped by name.
        file_levels: path as given (a file, or a folder for its files) → the level of that file's rows that
            name none in their cells, sheet names or file name (a bank split across files).
    """

    sheets: tuple[str, ...] | None = None
    header_rows: dict[str, int] = field(default_factory=dict)
    fields: dict[str, dict[str, str | None]] = field(default_factory=dict)
    columns: tuple[str | None, ...] | None = None
    default_level: int | None = None
    header_names: dict[str, str | None] = field(default_factory=dict)
    file_levels: dict[str, int] = field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        """True when nothing differs from what the importer would detect."""
        return self == ImportOptions()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, kept in the audit record with the input's paths."""
        data = asdict(self)
        data["sheets"] = list(self.sheets) if self.sheets is not None else None
        data["columns"] = list(self.columns) if self.columns is not None else None
        return {k: v for k, v in data.items() if v not in (None, {}, [])}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ImportOptions:
        """The options written by :meth:`to_dict` (unknown keys are ignored)."""
        data = data or {}
        sheets = data.get("sheets")
        columns = data.get("columns")
        return cls(
            sheets=tuple(sheets) if sheets is not None else None,
            header_rows={str(k): int(v) for k, v in (data.get("header_rows") or {}).items()},
            fields={str(s): dict(m) for s, m in (data.get("fields") or {}).items()},
            columns=tuple(columns) if columns is not None else None,
            default_level=data.get("default_level"),
            header_names={str(k): v for k, v in (data.get("header_names") or {}).items()},
            file_levels={str(k): int(v) for k, v in (data.get("file_levels") or {}).items()},
        )


def kind_label(kind: str) -> str:
    """The Chinese name of an input kind (题库, 细目表 …)."""
    return tr(f"inputs.kind_{kind}")


def kind_suffixes(kind: str) -> frozenset[str]:
    """The file suffixes an input of ``kind`` is read from (what a folder given for it contributes, and what a
    file dialog offers): a bank's spreadsheets, documents and exchange formats; papers as spreadsheets or Word
    documents; blueprints as spreadsheets; a kind that comes as one file also as a CSV named ``.txt`` or
    ``.tsv`` (a folder's ``.txt`` files are not taken for a blueprint: they are notes more often than tables)."""
    from qbaudit.analysis.importers.inputfiles import BANK_SUFFIXES, SHEET_SUFFIXES

    if kind == "bank":
        return BANK_SUFFIXES
    if kind == "papers":
        return SHEET_SUFFIXES | {".docx"}
    return SHEET_SUFFIXES if kind in MULTIPLE else SHEET_SUFFIXES | {".txt", ".tsv"}


def import_input(kind: str, paths: Sequence[str | Path], *, options: ImportOptions | None = None,
                 bank: Bank | None = None, occupation: str | None = None,
                 state: TaskState | None = None) -> ImportResult:
    """Import the ``kind`` input from ``paths`` (one file, or several files and folders for a bank, blueprints
    and papers; the same file given twice is refused).

    Never raises for a bad file: the result carries the Chinese error and every row not taken (a failure no
    reader foresaw too: see :func:`~qbaudit.analysis.importers.guard.guarded`). Raises
    :class:`~qbaudit.analysis.progress.Cancelled` when ``state`` asks to stop, and
    :class:`~qbaudit.analysis.progress.BudgetExceeded` when the import goes over its time or memory budget.
    """
    from qbaudit.analysis.importers.guard import guarded
    from qbaudit.analysis.importers.outcome import ImportResult

    if kind not in KINDS:
        raise ValueError(f"unknown input kind {kind!r}")
    state = state or NullState()
    options = options or ImportOptions()
    files = [Path(p) for p in paths]
    if not files:
        return ImportResult.failure(tr("inputs.no_files", kind=kind_label(kind)))
    if len(files) > 1 and kind not in MULTIPLE:
        return ImportResult.failure(tr("inputs.one_file", kind=kind_label(kind)))
    with Budget(state, "import").running() as budget:
        checkpoint(budget, 0.0, tr("inputs.reading", kind=kind_label(kind)))
        name = "、".join(p.name for p in files[:3]) + ("……" if len(files) > 3 else "")
        result = guarded(name, lambda: _import(kind, files, options, bank, occupation, budget))
        if isinstance(result, str):
            result = ImportResult.failure(result)
        checkpoint(budget, 1.0, tr("inputs.read", kind=kind_label(kind)))
    return result


def _import(kind: str, paths: list[Path], options: ImportOptions, bank: Bank | None, occupation: str | None,
            state: TaskState) -> ImportResult:
    from qbaudit.analysis import importers as imp
    from qbaudit.analysis.importers.inputfiles import import_bank_files, list_files
    from qbaudit.analysis.importers.outcome import ImportResult
    from qbaudit.analysis.importers.papers import import_papers, import_plan
    from qbaudit.analysis.importers.responses import import_responses

    level = options.default_level
    tables = {"options": options} if not options.is_default else {}
    if kind in MULTIPLE - {"bank"}:  # the bank lists its own files (with the level given for each)
        listed = list_files(paths, kind_label=kind_label(kind), suffixes=kind_suffixes(kind))
        if isinstance(listed, str):
            return ImportResult.failure(listed)
        paths = [entry.path for entry in listed[0]]
    result: ImportResult[Any]
    if kind == "bank":
        result = import_bank_files(paths, default_level=level, file_levels=options.file_levels,
                                   occupation=occupation, options=options if tables else None,
                                   state=ScaledState(state, 0.0, 0.95))
    elif kind == "blueprint":
        result = imp.import_blueprints(paths, default_level=level, **tables)
    elif kind == "standard":
        result = imp.import_standard(paths[0], default_level=level, **tables)
    elif kind == "papers":
        result = import_papers(paths, bank=bank, default_level=level)
    elif kind == "plan":
        result = import_plan(paths[0], default_level=level)
    else:
        result = import_responses(paths[0])
    return result

