"""What a review covers: the rows of a manifest workbook, or the sub-folders of a folder laid out one per institution.

A manifest is read through the importers' header synonyms (``[manifest]`` of ``resources/columns.toml``): a
header of 机构名称 / 备案号 / 职业（工种） / 等级 / 题库 / 细目表 / 标准权重表 / 试卷 / 组卷计划书 / 作答数据 /
督导员 (and the other ways people write them) anywhere in the first rows of any sheet. Each row names one
institution's one occupation and the paths — files or folders — of its inputs; relative paths are taken from the
manifest's folder. A folder laid out one sub-folder per institution gives the same rows (see :func:`read_folder`
and the README). Every row is taken or reported with where and why: rows in = taken + reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qbaudit.bundled import load_toml
from qbaudit.i18n import tr

INPUT_KINDS = ("bank", "blueprint", "standard", "papers", "plan", "responses")
ONE_FILE_KINDS = frozenset({"standard", "plan", "responses"})  # kinds ``check`` takes as one file


@cache
def batch_settings() -> dict[str, Any]:
    """``resources/batch.toml``."""
    return load_toml("batch.toml")


@dataclass(frozen=True)
class Inspector:
    """An inspector named for a row (or the whole batch): name, role and card code."""

    name: str
    role: str
    card_code: str | None = None


@dataclass(frozen=True)
class BatchRow:
    """One institution's one occupation, as the manifest (or the folder) gives it.

    Attributes:
        number: the row's place in the batch, from 1.
        where: where it was given, in the user's words (``清单.xlsx 第 5 行``, a folder).
        institution / registration / occupation: as written (occupation None: the bank's own).
        levels: the levels to audit (empty: every level of the bank).
        inputs: input kind → the paths given (files or folders), resolved.
        file_levels: a bank path → the level given for it (``甲.csv::三级``).
        inspectors: the row's inspectors (empty: the batch's).
    """

    number: int
    where: str
    institution: str
    registration: str | None
    occupation: str | None
    levels: tuple[int, ...]
    inputs: dict[str, tuple[Path, ...]]
    file_levels: dict[str, int] = field(default_factory=dict)
    inspectors: tuple[Inspector, ...] = ()

    @property
    def label(self) -> str:
        """``机构 · 职业`` for progress lines and messages."""
        return f"{self.institution} · {self.occupation}" if self.occupation else self.institution

    @property
    def institution_key(self) -> str:
        """Who the institution is across rows: its registration number, else its name."""
        return self.registration or self.institution


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be audited, with where it is and why."""

    where: str
    institution: str
    occupation: str | None
    reason: str


@dataclass
class Manifest:
    """The rows of a review and the rows that cannot be audited (every row is one or the other)."""

    source: Path
    rows: list[BatchRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reading noticed (ignored columns, titles …)
    rows_read: int = 0

    @property
    def accounted(self) -> bool:
        """Rows read = rows taken + rows reported."""
        return self.rows_read == len(self.rows) + len(self.problems)


class ManifestError(Exception):
    """A manifest (or folder) that cannot be used at all; ``str()`` says why and what to do, in Chinese."""


def split_list(text: str | None, separators: Iterable[str] | None = None) -> list[str]:
    """The parts of a cell that lists several values (levels, inspectors)."""
    if not text:
        return []
    seps = list(separators or batch_settings()["folder"]["list_separators"]) + ["\n"]
    pattern = "|".join(re.escape(s) for s in seps)
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


def parse_levels(text: str | None) -> tuple[tuple[int, ...], str | None]:
    """``四级、三级`` → (4, 3); the second value is the part that names no level (None when all do)."""
    from qbaudit.analysis.vocabulary import parse_level

    levels = []
    for part in split_list(text):
        level = parse_level(part)
        if level is None:
            return (), part
        levels.append(level)
    return tuple(sorted(set(levels), reverse=True)), None


def parse_inspectors(text: str | None) -> tuple[tuple[Inspector, ...], str | None]:
    """``张三:组长:R37250001；李四:组员`` → inspectors; the second value is a part that cannot be read."""
    people = []
    for part in split_list(text, [";", "；", "、", ",", "，"]):
        pieces = [p.strip() for p in re.split(r"[:：]", part)]
        if not pieces[0] or len(pieces) > 3:
            return (), part
        role = pieces[1] if len(pieces) > 1 and pieces[1] else tr("batch.default_role")
        people.append(Inspector(pieces[0], role, pieces[2] if len(pieces) == 3 and pieces[2] else None))
    return tuple(people), None


def parse_paths(text: str | None, base: Path) -> tuple[list[Path], dict[str, int], str | None]:
    """The paths of a cell (several separated by ``;`` or new lines), resolved against ``base``; a bank path may
    end in ``::等级``. Returns the paths, the levels given per path, and a part that names no level (or None)."""
    from qbaudit.analysis.vocabulary import parse_level

    separators = batch_settings()["folder"]["path_separators"]
    paths: list[Path] = []
    levels: dict[str, int] = {}
    for part in split_list(text, separators):
        level = None
        for marker in ("::", "：："):
            if marker in part and not (base / part).exists():
                part, _, level_text = part.rpartition(marker)
                level = parse_level(level_text.strip())
                if level is None:
                    return [], {}, level_text
                break
        path = Path(part.strip().strip('"“”'))
        path = path if path.is_absolute() else base / path
        paths.append(path)
        if level is not None:
            levels[str(path)] = level
    return paths, levels, None


def read_manifest(path: str | Path) -> Manifest:
    """The rows of the manifest workbook at ``path`` (every sheet with a manifest header). Raises
    :class:`ManifestError` when it is no manifest at all (no such file, no header naming 机构名称 and 题库)."""
    from qbaudit.analysis.importers.reading import ROW
    from qbaudit.analysis.importers.table import SHEET, load_table

    path = Path(path)
    if not path.is_file():
        raise ManifestError(tr("batch.no_manifest", path=str(path)))
    table = load_table(path, "manifest")
    if isinstance(table, str):
        raise ManifestError(table)
    manifest = Manifest(source=path)
    manifest.notes = [str(issue) for issue in table.sorted_issues()]
    manifest.rows_read = table.frame.height + table.rows_rejected
    for issue in table.issues:
        if issue.severity.value == "rejected" and issue.row is not None:
            manifest.problems.append(RowProblem(issue.location(), "", None, issue.reason))
    base = path.parent
    columns = set(table.frame.columns)
    for row in table.frame.iter_rows(named=True):
        cells = {kind: row.get(kind) if kind in columns else None for kind in
                 ("institution", "registration", "occupation", "levels", "inspectors", *INPUT_KINDS)}
        where = tr("batch.where_row", file=path.name, sheet=row[SHEET] or "", row=row[ROW])
        taken = _row_from_cells(len(manifest.rows) + 1, where, cells, base)
        if isinstance(taken, RowProblem):
            manifest.problems.append(taken)
        else:
            manifest.rows.append(taken)
    return manifest


def _row_from_cells(number: int, where: str, cells: dict[str, str | None], base: Path) -> BatchRow | RowProblem:
    institution = (cells["institution"] or "").strip()
    occupation = (cells["occupation"] or "").strip() or None

    def problem(key: str, **params: Any) -> RowProblem:
        return RowProblem(where, institution, occupation, tr(key, **params))

    if not institution:
        return problem("batch.no_institution")
    if not cells["bank"]:
        return problem("batch.no_bank")
    levels, bad_level = parse_levels(cells["levels"])
    if bad_level is not None:
        return problem("batch.bad_level", value=bad_level)
    inspectors, bad_person = parse_inspectors(cells["inspectors"])
    if bad_person is not None:
        return problem("batch.bad_inspector", value=bad_person)
    inputs: dict[str, tuple[Path, ...]] = {}
    file_levels: dict[str, int] = {}
    for kind in INPUT_KINDS:
        paths, given_levels, bad = parse_paths(cells[kind], base)
        if bad is not None:
            return problem("batch.bad_file_level", value=bad, kind=tr(f"batch.kind_{kind}"))
        if kind != "bank" and given_levels:
            return problem("batch.level_only_bank", kind=tr(f"batch.kind_{kind}"))
        missing = [p for p in paths if not p.exists()]
        if missing:
            return problem("batch.missing_path", kind=tr(f"batch.kind_{kind}"), path=str(missing[0]))
        if kind in ONE_FILE_KINDS and len(paths) > 1:
            return problem("batch.one_file", kind=tr(f"batch.kind_{kind}"), count=len(paths))
        if paths:
            inputs[kind] = tuple(paths)
            file_levels.update(given_levels)
    return BatchRow(number, where, institution, (cells["registration"] or "").strip() or None, occupation, levels,
                    inputs, file_levels, inspectors)


# --- a folder laid out one sub-folder per institution ------------------------------------------------------------


def split_registration(name: str) -> tuple[str, str | None]:
    """``某某学校（S000012）`` or ``某某学校_S000012`` → (``某某学校``, ``S000012``); a name without one → (name, None)."""
    match = re.match(batch_settings()["folder"]["registration_pattern"], name.strip())
    if match is None:
        return name.strip(), None
    return match.group("name").strip(), match.group("paren") or match.group("under")


def kind_of_name(name: str) -> str | None:
    """The input kind a file or folder name says (``细目表-四级.xlsx`` → blueprint), or None."""
    words = batch_settings()["folder"]
    for kind in words["kinds"]:
        if any(word in name for word in words[kind]):
            return kind
    return None


def read_folder(folder: str | Path) -> Manifest:
    """The rows of a folder laid out one sub-folder per institution (see the README):

    ``机构/`` holds the institution's inputs directly (one occupation, named by its bank), or one sub-folder per
    occupation (``机构/焊工/``). Inside, each file goes to the input its name says (细目表, 权重表, 组卷计划书, 作答,
    试卷; ``resources/batch.toml``), a sub-folder likewise with all its files, and the other bank-format files to
    the bank. Hidden files, Office lock files (``~$``) and other formats are not read, and said.
    """
    from qbaudit.analysis.importers.inputfiles import BANK_SUFFIXES

    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(tr("batch.no_folder", path=str(folder)))
    manifest = Manifest(source=folder)
    institutions = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                          key=lambda p: p.name)
    loose = [p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]
    if loose:
        manifest.notes.append(tr("batch.folder_loose_files", folder=str(folder), count=len(loose),
                                 files="、".join(sorted(loose)[:8])))
    if not institutions:
        raise ManifestError(tr("batch.folder_empty", path=str(folder)))
    for place in institutions:
        institution, registration = split_registration(place.name)
        subfolders = [p for p in sorted(place.iterdir(), key=lambda p: p.name)
                      if p.is_dir() and not p.name.startswith(".") and kind_of_name(p.name) is None]
        has_files = any(p.is_file() and p.suffix.lower() in BANK_SUFFIXES for p in place.iterdir())
        units = [(p, p.name) for p in subfolders] if subfolders and not has_files else [(place, None)]
        for unit, occupation in units:
            manifest.rows_read += 1
            where = tr("batch.where_folder", folder=str(unit.relative_to(folder.parent)))
            taken = _row_from_folder(len(manifest.rows) + 1, where, unit, institution, registration, occupation,
                                     manifest.notes)
            if isinstance(taken, RowProblem):
                manifest.problems.append(taken)
            else:
                manifest.rows.append(taken)
    return manifest


def _row_from_folder(number: int, where: str, unit: Path, institution: str, registration: str | None,
                     occupation: str | None, notes: list[str]) -> BatchRow | RowProblem:
    from qbaudit.analysis.inputs import kind_suffixes

    inputs: dict[str, list[Path]] = {}
    skipped: list[str] = []
    for child in sorted(unit.iterdir(), key=lambda p: p.name):
        if child.name.startswith((".", "~$")):
            continue
        kind = kind_of_name(child.name)
        if child.is_dir():
            if kind is None:
                skipped.append(child.name + "/")
                continue
            inputs.setdefault(kind, []).append(child)
            continue
        kind = kind or "bank"
        if child.suffix.lower() not in kind_suffixes(kind):
            skipped.append(child.name)
            continue
        inputs.setdefault(kind, []).append(child)
    if skipped:
        notes.append(tr("batch.folder_skipped", where=where, count=len(skipped), files="、".join(skipped[:8])))
    if "bank" not in inputs:
        return RowProblem(where, institution, occupation, tr("batch.folder_no_bank"))
    for kind in ONE_FILE_KINDS:
        if len(inputs.get(kind, [])) > 1:
            names = "、".join(p.name for p in inputs[kind])
            return RowProblem(where, institution, occupation,
                              tr("batch.folder_one_file", kind=tr(f"batch.kind_{kind}"), files=names))
    return BatchRow(number, where, institution, registration, occupation, (),
                    {kind: tuple(paths) for kind, paths in inputs.items()})


def read_rows(source: str | Path) -> Manifest:
    """The rows of a review from a manifest workbook or a folder laid out one sub-folder per institution."""
    source = Path(source)
    return read_folder(source) if source.is_dir() else read_manifest(source)


# --- the template ------------------------------------------------------------------------------------------------


def write_template(path: str | Path) -> Path:
    """A manifest template: the headings the reader knows, under two lines saying how to fill it in (.xlsx)."""
    from qbaudit.analysis.importers.headers import kind_spec
    from qbaudit.report.xlsx import WorkSheet, write_workbook

    spec = kind_spec("manifest")
    order = ("institution", "registration", "occupation", "levels", "bank", "blueprint", "standard", "papers", "plan",
             "responses", "inspectors")
    headings = [spec.fields[name].label for name in order]
    widths = [28, 14, 12, 12, 30, 30, 26, 26, 24, 22, 30]
    sheet = WorkSheet(tr("batch.template_sheet"), headings, [], widths,
                      titles=(tr("batch.template_title"), tr("batch.template_note")), filters=False)
    return write_workbook(path, [sheet])
