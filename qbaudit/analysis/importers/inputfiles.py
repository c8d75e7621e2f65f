"""The files of one input given as several files or folders: each file once, each with its own level.

A bank (or a blueprint, or papers) may come split across files — one workbook per level, a CSV whose level
is only in its file name. :func:`list_files` turns what the user gave (files and folders, each possibly with a
level) into the files to read, and refuses the same file given twice (same path, or same content by SHA-256)
with one Chinese sentence; :func:`import_bank_files` reads each file on its own (its level from its own
columns, sheets, name or the level given for it — never from another file) and joins them into one
:class:`~qbaudit.analysis.model.Bank`, reporting item ids that several files use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qbaudit.analysis.importers.outcome import ImportResult, RowIssue, Severity
from qbaudit.analysis.model import Bank
from qbaudit.analysis.progress import NullState, ScaledState, TaskState, checkpoint
from qbaudit.analysis.vocabulary import level_name, parse_level
from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.analysis.inputs import ImportOptions

# The files a folder given as a bank holds: spreadsheets, documents and exchange formats.
BANK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt", ".docx", ".xml", ".gift",
                           ".aiken", ".zip", ".json", ".jsonl"})
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
# Item ids used by two files: listed one by one up to this many per pair of files, else in one sentence.
MAX_COLLISIONS_LISTED = 20
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InputEntry:
    """One file to read: where it is, the level the user gave for it, and how the user named it."""

    path: Path
    level: int | None = None  # the level the user gave this file (or the folder it is in)
    folder: Path | None = None  # the folder it was found in, when the user gave a folder


def level_from_name(path: str | Path) -> int | None:
    """The level a file's name gives (``电工_理论题库_三级.csv`` → 3, ``题库_3级.xlsx`` → 3), or None.

    A name of digits only (``3.csv``) names no level: it is a number, not a level."""
    stem = Path(path).stem.strip()
    if not stem or stem.isdigit():
        return None
    return parse_level(stem)


def path_key(path: Path) -> str:
    """How two paths are told to be the same file: the resolved absolute path."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _level_of(path: Path, levels: Mapping[str, int]) -> int | None:
    """The level the user gave for ``path`` (by the path as given, or resolved)."""
    if not levels:
        return None
    wanted = {path_key(path), str(path)}
    for given, level in levels.items():
        if given in wanted or path_key(Path(given)) in wanted:
            return level
    return None


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's content, read in chunks (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None  # the importer says why the file cannot be read
    return digest.hexdigest()


def _where(entry: InputEntry) -> str:
    if entry.folder is not None:
        return tr("inputfiles.in_folder", folder=entry.folder.name or str(entry.folder))
    return tr("inputfiles.given_directly")


def folder_files(folder: Path, suffixes: frozenset[str] = BANK_SUFFIXES) -> tuple[list[Path], list[str]]:
    """The files of ``folder`` (not its subfolders) to read as an input, in name order, and the names of those
    not read (other formats, Office lock files ``~$…``, hidden files)."""
    found: list[Path] = []
    skipped: list[str] = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if not child.is_file():
            continue
        if child.name.startswith(("~$", ".")) or child.suffix.lower() not in suffixes:
            skipped.append(child.name)
        else:
            found.append(child)
    return found, skipped


def levels_by_file(bank: Bank) -> dict[str, dict[int, int]]:
    """For each source file of ``bank``: level → number of items, from the highest number (五级) down."""
    from qbaudit.analysis.columns import ItemColumns as C

    out: dict[str, dict[int, int]] = {}
    counts = bank.items.groupby([C.SOURCE_FILE, C.LEVEL], sort=False).size()
    for (file, level), count in counts.items():
        out.setdefault(str(file), {})[int(level)] = int(count)
    return {file: dict(sorted(levels.items(), reverse=True)) for file, levels in out.items()}


def describe_levels(levels: Mapping[int, int]) -> str:
    """``四级/中级工 12 道、二级/技师 8 道``."""
    return "、".join(tr("inputfiles.level_count", level=level_name(level), count=count) for level, count in levels.items())


def list_files(paths: Sequence[str | Path], *, kind_label: str, levels: Mapping[str, int] | None = None,
               suffixes: frozenset[str] = BANK_SUFFIXES) -> tuple[list[InputEntry], list[RowIssue]] | str:
    """The files of an input given as ``paths`` (files, or folders whose files with ``suffixes`` are read).

    ``levels`` maps a path as given (a file, or a folder for all its files) to the level the user gave it.
    Returns the files and notes on what a folder held that is not read, or one Chinese sentence when a
    file is given twice (the same path, or the same content) or a folder holds nothing to read.
    """
    levels = dict(levels or {})
    entries: list[InputEntry] = []
    notes: list[RowIssue] = []
    for given in map(Path, paths):
        if given.is_dir():
            level = _level_of(given, levels)
            found, skipped = folder_files(given, suffixes)
            if not found:
                return tr("inputfiles.empty_folder", folder=str(given), kind=kind_label)
            if skipped:
                notes.append(RowIssue(given.name or str(given), None, None, None,
                                      tr("inputfiles.folder_skipped", count=len(skipped),
                                         files="、".join(skipped[:10]) + ("……" if len(skipped) > 10 else "")),
                                      Severity.INFO))
            for child in found:
                entries.append(InputEntry(child, _level_of(child, levels) or level, given))
        else:
            entries.append(InputEntry(given, _level_of(given, levels)))
    seen: dict[str, InputEntry] = {}
    for entry in entries:
        key = path_key(entry.path)
        if key in seen:
            first = seen[key]
            how = "" if first.folder is None and entry.folder is None else \
                tr("inputfiles.how_given", first=_where(first), second=_where(entry))
            return tr("inputfiles.same_path", file=entry.path.name, kind=kind_label, how=how)
        seen[key] = entry
    by_content: dict[str, InputEntry] = {}
    for entry in entries:
        sha = file_sha256(entry.path) if entry.path.is_file() else None
        if sha is None:
            continue
        if sha in by_content:
            return tr("inputfiles.same_content", first=by_content[sha].path.name, second=entry.path.name,
                      kind=kind_label, sha=sha[:16])
        by_content[sha] = entry
    return entries, notes


def file_level(entry: InputEntry, default_level: int | None) -> tuple[int | None, str | None, RowIssue | None]:
    """The level of the rows of ``entry`` that name none in their own cells or sheet names, where it comes from
    (``"file_name"`` or ``"given"``), and a note when the level given for the file disagrees with its name."""
    named = level_from_name(entry.path)
    given = entry.level if entry.level is not None else default_level
    if named is not None:
        note = None
        if entry.level is not None and entry.level != named:
            note = RowIssue(entry.path.name, None, None, None,
                            tr("inputfiles.level_name_wins", named=level_name(named), given=level_name(entry.level)),
                            Severity.WARNING)
        return named, "file_name", note
    return given, ("given" if given is not None else None), None


def import_bank_files(paths: Sequence[str | Path], *, default_level: int | None = None,
                      file_levels: Mapping[str, int] | None = None, occupation: str | None = None,
                      options: ImportOptions | None = None,
                      state: TaskState | None = None) -> ImportResult[Bank]:
    """Import a bank kept in one file or split across several files and folders, as one :class:`Bank`.

    Each file's rows take their level from, in this order: their own level column, their sheet's name, the
    file's name, the level given for the file in ``file_levels`` (path as given → level; a folder's level holds
    for its files), ``default_level``. Every file is read; when one cannot be imported the whole fails with
    each file's message, and the row issues of all files are kept. Item ids found in several files are
    reported (both items are kept).
    """
    from qbaudit.analysis.importers.bank import import_bank
    from qbaudit.analysis.importers.guard import guarded

    state = state or NullState()
    label = tr("inputs.kind_bank")
    listed = list_files(paths, kind_label=label, levels=file_levels)
    if isinstance(listed, str):
        return ImportResult.failure(listed)
    entries, notes = listed
    if not entries:
        return ImportResult.failure(tr("inputs.no_files", kind=label))
    columns = list(options.columns) if options is not None and options.columns is not None else None
    results: list[ImportResult[Bank]] = []
    for index, entry in enumerate(entries):
        checkpoint(state, index / len(entries), tr("inputfiles.reading", file=entry.path.name))
        _level, _source, note = file_level(entry, default_level)
        given = entry.level if entry.level is not None else default_level
        part = ScaledState(state, index / len(entries), 1 / len(entries))
        read = guarded(entry.path.name, lambda entry=entry, given=given, part=part: import_bank(
            entry.path, default_level=given, occupation=occupation, columns=columns, options=options, state=part))
        result = ImportResult.failure(read) if isinstance(read, str) else read
        if note is not None:
            result.issues.insert(0, note)
        results.append(result)
    if len(results) == 1 and not notes:
        return results[0]
    return merge_banks(results, notes, occupation)


def merge_banks(results: Sequence[ImportResult[Bank]], notes: Sequence[RowIssue] = (),
                occupation: str | None = None) -> ImportResult[Bank]:
    """One bank of the banks read from several files (their items in file order), or the files' errors."""
    import pandas as pd

    from qbaudit.analysis.columns import ItemColumns as C

    issues = [*notes, *(i for r in results for i in r.issues)]
    inputs = [f for r in results for f in r.inputs]
    mapping = [m for r in results for m in r.mapping]
    errors = [r.error for r in results if r.error]
    if errors:
        return ImportResult(error="\n".join(errors), issues=issues, mapping=mapping, inputs=inputs)
    banks = [r.data for r in results if r.data is not None]
    issues += _collisions(banks)
    items = pd.concat([b.items for b in banks], ignore_index=True)
    occupations = {o for o in items[C.OCCUPATION].dropna().unique().tolist() if o}
    named = {b.occupation for b in banks if b.occupation}
    bank = Bank(items=items, occupation=occupation or (next(iter(occupations | named))
                                                       if len(occupations | named) == 1 else None),
                sources=inputs)
    return ImportResult(data=bank, issues=issues, mapping=mapping, inputs=inputs,
                        rows_taken=sum(r.rows_taken for r in results))


def _collisions(banks: Sequence[Bank]) -> list[RowIssue]:
    """Warnings for item ids that a later file shares with an earlier one (each pair of files)."""
    from qbaudit.analysis.columns import ItemColumns as C

    issues: list[RowIssue] = []
    earlier: list[tuple[str, dict[str, tuple[str | None, int | None]]]] = []
    for bank in banks:
        frame = bank.items
        file = bank.sources[0].name if bank.sources else ""
        where: dict[str, tuple[str | None, int | None]] = {}
        for item_id, sheet, row in zip(frame[C.ITEM_ID].astype(str), frame[C.SOURCE_SHEET], frame[C.SOURCE_ROW],
                                       strict=True):
            where.setdefault(item_id, (None if pd_missing(sheet) else str(sheet),
                                       None if pd_missing(row) else int(row)))
        for other_file, other in earlier:
            shared = [i for i in where if i in other]
            if not shared:
                continue
            if len(shared) <= MAX_COLLISIONS_LISTED:
                for item_id in shared:
                    sheet, row = where[item_id]
                    other_sheet, other_row = other[item_id]
                    at = (tr("import.where_sheet", sheet=other_sheet) if other_sheet else "") + \
                        (tr("import.where_row", row=other_row) if other_row is not None else "")
                    issues.append(RowIssue(file, sheet, row, None,
                                           tr("inputfiles.id_collision", item_id=item_id, other=other_file, at=at),
                                           Severity.WARNING))
            else:
                issues.append(RowIssue(file, None, None, None,
                                       tr("inputfiles.id_collisions", count=len(shared), other=other_file,
                                          examples="、".join(shared[:5])), Severity.WARNING))
        earlier.append((file, where))
    return issues


def pd_missing(value: object) -> bool:
    """True for a missing cell (None, NaN, pandas NA)."""
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
