"""The import wizard: one input kind (题库, 细目表 …) from its files into the open audit.

Pages (:mod:`qbaudit.views.wizard.pages`): (1) the files; (2) for spreadsheets, the sheets to read, a preview
of their first rows and the field of each column (pre-filled from the header synonyms; skipped for documents
and exchange formats); (3) the import, run through the task runner with progress and Cancel, and its result:
rows taken, rows not taken and warnings, which can be exported. Finish takes the result into the audit;
Cancel, at any point, leaves it as it was (the workbench's ``read_job`` takes nothing, only ``accept`` does).

This module is the wizard's controller; the models of its tables are in :mod:`qbaudit.views.wizard.models`.
Tests drive it without dialogs: :meth:`ImportWizard.set_files`, :meth:`ImportWizard.set_field`,
:meth:`ImportWizard.set_header_row`, :meth:`ImportWizard.set_sheets`, then ``next()`` and ``accept()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard

from qbaudit.analysis.inputs import MULTIPLE, ImportOptions, kind_label, kind_suffixes
from qbaudit.i18n import tr
from qbaudit.views.wizard.models import FilesModel, IssuesModel, PreviewModel, SheetsModel
from qbaudit.views.wizard.pages import FILES, MAPPING, RESULT, FilesPage, MappingPage, ResultPage
from qbaudit.views.wizard.rejected import rejected_table, write_rejected
from qbaudit.views.wizard.templates import MappingTemplates


class ImportWizard(QWizard):
    """Import one input kind into the open audit (``ctx.workbench``).

    Public API: :meth:`set_files`, :meth:`add_files`, :meth:`remove_file`, :attr:`paths`, :attr:`previews`,
    :meth:`set_sheets`, :meth:`set_header_row`, :meth:`set_field`, :meth:`mapping`, :meth:`options`,
    :attr:`result`, :meth:`export_rejected`; ``next()``, ``back()``, ``accept()`` (Finish) and
    ``reject()`` (Cancel) as any QWizard. Signal ``imported(kind)`` after Finish took the result.
    """

    imported = Signal(str)

    def __init__(self, ctx: Any, kind: str, paths: Sequence[str | Path] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.setObjectName("importWizard")
        self.setWindowTitle(tr("wizard.title", kind=kind_label(kind)))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("wizard.next"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("wizard.back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("wizard.finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("wizard.cancel"))
        self.resize(1000, 680)
        self.paths: list[Path] = []
        self.previews: dict[Path, Any] = {}  # path → FilePreview, or the Chinese reason it cannot be read
        self.result: Any = None  # the ImportResult of the last import on page 3
        self.running = False
        self._task: Any = None
        self._closed = False
        self._read_options: ImportOptions | None = None
        self._chosen: dict[str, bool] = {}  # sheet key → read
        self._header: dict[str, int | None] = {}  # sheet key → header row
        self._detected_header: dict[str, int | None] = {}
        self._mapping: dict[str, dict[str, str | None]] = {}  # sheet key → column label → field
        self._sheet_of: dict[str, Any] = {}  # sheet key → SheetPreview (the first file that has it)
        self._current_file: Path | None = None
        self._current_sheet: Any = None
        self.levels: dict[Path, int] = {}  # file → the level chosen for its rows that name none (a bank)
        self._sha: dict[Path, str | None] = {}  # file → SHA-256 of its content (read with its preview)
        self._file_notes: list[str] = []  # files not added (given twice), folder contents not read
        self.templates = MappingTemplates(self)
        self.files_model = FilesModel(self, with_levels=kind == "bank")
        self.sheets_model = SheetsModel(self)
        self.preview_model = PreviewModel(self)
        self.issues_model = IssuesModel(self)
        self.files_page = FilesPage(self)
        self.mapping_page = MappingPage(self)
        self.result_page = ResultPage(self)
        self.setPage(FILES, self.files_page)
        self.setPage(MAPPING, self.mapping_page)
        self.setPage(RESULT, self.result_page)
        self.sheets_model.changed.connect(self.mapping_page.update_missing)
        ctx.tasks.progress.connect(self._progress)
        if paths:
            self.set_files(paths)

    # --- files ----------------------------------------------------------------------------------

    def set_files(self, paths: Sequence[str | Path]) -> None:
        """Use ``paths`` as the input's files (only the first for a kind that comes as one file). A folder stands
        for its files; a file listed twice is listed once and the message says so (it is never dropped silently)."""
        self._file_notes = []
        expanded = self._expand([Path(p) for p in paths])
        if self.kind not in MULTIPLE:
            expanded = expanded[:1]
        unique: list[Path] = []
        seen: set[str] = set()
        for path in expanded:
            key = _path_key(path)
            if key in seen:
                self._file_notes.append(tr("inputfiles.already_listed", file=path.name))
                continue
            seen.add(key)
            unique.append(path)
        self.paths = unique
        self.levels = {p: lv for p, lv in self.levels.items() if p in unique}
        self._files_changed()

    def _expand(self, paths: list[Path]) -> list[Path]:
        """Folders replaced by their files (a kind that comes as several files only)."""
        if self.kind not in MULTIPLE:
            return [p for p in paths if not p.is_dir()]
        from qbaudit.analysis.importers.inputfiles import folder_files

        suffixes = kind_suffixes(self.kind)
        out: list[Path] = []
        for path in paths:
            if not path.is_dir():
                out.append(path)
                continue
            found, skipped = folder_files(path, suffixes)
            if not found:
                self._file_notes.append(tr("inputfiles.empty_folder", folder=str(path), kind=kind_label(self.kind)))
            elif skipped:
                self._file_notes.append(tr("inputfiles.folder_skipped", count=len(skipped),
                                           files="、".join(skipped[:10]) + ("……" if len(skipped) > 10 else "")))
            out += found
        return out

    def add_files(self, paths: Sequence[str | Path]) -> None:
        """Add files or folders (a kind that comes as one file keeps only the new one)."""
        added = [Path(p) for p in paths]
        self.set_files([*self.paths, *added] if self.kind in MULTIPLE else added)

    def remove_file(self, row: int) -> None:
        """Remove the ``row``-th file."""
        if 0 <= row < len(self.paths):
            self.levels.pop(self.paths[row], None)
            del self.paths[row]
            self._file_notes = []
            self._files_changed()

    def own_level(self, path: Path) -> tuple[str, int | None]:
        """Where the level of ``path``'s rows comes from before the user's choice: ``("file_name", level)``,
        ``("file", None)`` (a level column or sheets named by level), ``("document", None)`` (a document or
        exchange format: its headings may name it), ``("none", None)``, or ``("unknown", None)`` while it is read."""
        from qbaudit.analysis.importers.inputfiles import level_from_name
        from qbaudit.analysis.vocabulary import parse_level

        named = level_from_name(path)
        if named is not None:
            return "file_name", named
        preview = self.previews.get(path)
        if preview is None or isinstance(preview, str):
            return "unknown", None
        if not preview.has_columns:
            return "document", None
        sheets = [s for s in preview.sheets if s.header_row is not None and self._chosen.get(s.key, True)]
        if sheets and all((s.name is not None and parse_level(s.name) is not None)
                          or "level" in self._mapping.get(s.key, s.detected).values() for s in sheets):
            return "file", None
        return "none", None

    def choose_files(self) -> None:
        """添加文件…: the file dialog (tests replace it, or call :meth:`add_files`)."""
        pattern = " ".join(f"*{suffix}" for suffix in sorted(kind_suffixes(self.kind)))
        filters = f"{tr('wizard.filter_inputs', kind=kind_label(self.kind))} ({pattern});;{tr('wizard.filter_all')} (*)"
        title = tr("wizard.choose_title", kind=kind_label(self.kind))
        if self.kind in MULTIPLE:
            chosen, _ = QFileDialog.getOpenFileNames(self, title, "", filters)
        else:
            one, _ = QFileDialog.getOpenFileName(self, title, "", filters)
            chosen = [one] if one else []
        if chosen:
            self.add_files(chosen)

    def choose_folder(self) -> None:
        """添加文件夹…: every file of a folder (a kind that comes as several files)."""
        folder = QFileDialog.getExistingDirectory(self, tr("inputfiles.choose_folder", kind=kind_label(self.kind)))
        if folder:
            self.add_files([folder])

    def _files_changed(self) -> None:
        missing = [p for p in self.paths if p not in self.previews]
        self.files_model.set_files(self.paths, self.previews, self.levels, {p: self.own_level(p) for p in self.paths})
        self.files_page.message.setText("\n".join(self._file_notes))
        self.files_page.completeChanged.emit()
        if not missing:
            self._previews_ready({})
            return
        kind = self.kind

        def read_previews(state: Any) -> dict[Path, Any]:
            from qbaudit.analysis.importers.inputfiles import file_sha256
            from qbaudit.analysis.importers.preview import preview_file
            from qbaudit.analysis.progress import checkpoint

            out = {}
            for index, path in enumerate(missing):
                checkpoint(state, index / len(missing), tr("wizard.previewing", file=path.name))
                out[path] = (preview_file(path, kind), file_sha256(path))
            return out

        self.ctx.tasks.start(tr("wizard.preview_task", kind=kind_label(kind)), read_previews,
                             done=self._previews_ready, failed=self._task_failed)

    def _previews_ready(self, previews: dict[Path, Any]) -> None:
        if self._closed:
            return
        for path, (preview, sha) in previews.items():
            self.previews[path] = preview
            self._sha[path] = sha
        for path in self.paths:
            preview = self.previews.get(path)
            if preview is None or isinstance(preview, str) or not preview.needs_mapping:
                continue
            # Sheets with no header the importer can find (a 说明 sheet) start unticked, unless none has one.
            any_header = any(s.header_row is not None for s in preview.sheets)
            for sheet in preview.sheets:
                if sheet.key in self._sheet_of:
                    continue
                self._sheet_of[sheet.key] = sheet
                self._chosen.setdefault(sheet.key, sheet.header_row is not None or sheet.name is None or not any_header)
                self._header[sheet.key] = sheet.header_row
                self._detected_header[sheet.key] = sheet.header_row
                self._mapping[sheet.key] = dict(sheet.detected)
        self.files_model.set_files(self.paths, self.previews, self.levels, {p: self.own_level(p) for p in self.paths})
        errors = [self.previews[p] for p in self.paths if isinstance(self.previews.get(p), str)]
        same = self.same_content()
        self.files_page.message.setText("\n".join([*self._file_notes, *errors, *([same] if same else [])]))
        self.files_page.completeChanged.emit()

    def same_content(self) -> str:
        """A message naming two listed files with the same content (the same input given twice), or ""."""
        seen: dict[str, Path] = {}
        for path in self.paths:
            sha = self._sha.get(path)
            if sha is None:
                continue
            if sha in seen:
                return tr("inputfiles.same_content", first=seen[sha].name, second=path.name, kind=kind_label(self.kind),
                          sha=sha[:16])
            seen[sha] = path
        return ""

    def files_ready(self) -> bool:
        """True when there are files, each has been read and is usable, and no two hold the same content."""
        return bool(self.paths) and all(p in self.previews and not isinstance(self.previews[p], str)
                                        for p in self.paths) and not self.same_content()

    def column_files(self) -> list[Path]:
        """The files that have columns (spreadsheets and CSV)."""
        return [p for p in self.paths if not isinstance(self.previews.get(p), str | None)
                and self.previews[p].has_columns]

    def has_columns(self) -> bool:
        """True when the mapping step applies (some file has columns)."""
        return bool(self.column_files())

    # --- sheets and mapping -------------------------------------------------------------------------

    def current_preview(self) -> Any:
        """The FilePreview shown on the mapping step."""
        return self.previews.get(self._current_file) if self._current_file is not None else None

    def current_sheet(self) -> Any:
        """The SheetPreview shown on the mapping step."""
        return self._current_sheet

    def show_file(self, path: Path) -> None:
        """Show the sheets of ``path`` on the mapping step."""
        self._current_file = path
        preview = self.previews[path]
        self.sheets_model.set_sheets(preview.sheets, self._chosen, preview.needs_mapping)
        first = next((i for i, s in enumerate(preview.sheets) if s.header_row is not None), 0)
        if preview.sheets:
            self.mapping_page.sheets.setCurrentIndex(self.sheets_model.index(first))
        self.show_sheet(first)

    def show_sheet(self, row: int) -> None:
        """Show the ``row``-th sheet of the current file in the preview."""
        preview = self.current_preview()
        sheet = self.sheets_model.sheet(row)
        self._current_sheet = sheet
        if sheet is None or preview is None:
            self.preview_model.show_sheet(preview, None, {}, None, False)
        else:
            mapping = self._mapping.setdefault(sheet.key, dict(sheet.detected)) if preview.needs_mapping \
                else dict(sheet.detected)
            header = self._header.get(sheet.key, sheet.header_row) if preview.needs_mapping else sheet.header_row
            self.preview_model.show_sheet(preview, sheet, mapping, header, preview.needs_mapping)
        self.mapping_page.show_state(preview, sheet)

    def _sheet(self, key: str | None) -> Any:
        key = key or ""
        if key not in self._sheet_of:
            raise KeyError(tr("wizard.no_such_sheet", sheet=key))
        return self._sheet_of[key]

    def set_sheets(self, keys: Sequence[str]) -> None:
        """Read only the sheets named ``keys``."""
        for key in self._chosen:
            self._chosen[key] = key in keys
        self.sheets_model.refresh()
        self.mapping_page.update_missing()

    def header_row(self, key: str | None) -> int | None:
        """The header row chosen for sheet ``key``."""
        return self._header.get(key or "")

    def set_header_row(self, key: str | None, row_number: int | None) -> None:
        """Take the header of sheet ``key`` from row ``row_number`` (as the user numbers rows): its columns get
        the fields that row's texts name (the earlier choices of that sheet are replaced)."""
        sheet = self._sheet(key)
        self._header[sheet.key] = row_number
        mapping = self._mapping[sheet.key]
        mapping.clear()
        mapping.update(sheet.fields_at(row_number) if row_number else {label: None for label in sheet.column_labels})
        if self._current_sheet is sheet:
            self.show_sheet(self.mapping_page.sheets.currentIndex().row())

    def set_field(self, key: str | None, column: str, field: str | None) -> None:
        """Give column ``column`` (its letter, or number for CSV) of sheet ``key`` the field ``field``
        (None: not imported)."""
        sheet = self._sheet(key)
        if column not in sheet.column_labels:
            raise KeyError(tr("wizard.no_such_column", column=column))
        if self._current_sheet is sheet:
            self.preview_model.setData(self.preview_model.index(0, sheet.column_labels.index(column)), field)
            return
        mapping = self._mapping[sheet.key]
        if field is not None:
            for other, taken in mapping.items():
                if taken == field:
                    mapping[other] = None
        mapping[column] = field

    def mapping(self, key: str | None) -> dict[str, str | None]:
        """Column label → field of sheet ``key`` as the wizard will import it."""
        return dict(self._mapping[self._sheet(key).key])

    def missing_text(self) -> str:
        """The required fields the current sheet's columns lack (empty when none, or the sheet is not read)."""
        preview, sheet = self.current_preview(), self._current_sheet
        if preview is None or sheet is None or not preview.needs_mapping or not self._chosen.get(sheet.key, True):
            return ""
        missing = preview.missing(self._mapping.get(sheet.key, {}))
        if not missing:
            return ""
        return tr("wizard.missing_fields", fields="、".join(f.label for f in missing))

    def options(self) -> ImportOptions:
        """The user's choices as import options (only what differs from the importer's own reading)."""
        file_levels = {str(p): level for p, level in self.levels.items() if p in self.paths}
        if not self._sheet_of:
            return ImportOptions(file_levels=file_levels)
        named = [k for k, s in self._sheet_of.items() if s.name is not None]
        sheets = None
        if any(not self._chosen.get(k, True) for k in named):
            sheets = tuple(k for k in named if self._chosen.get(k, True))
        header_rows: dict[str, int] = {}
        fields: dict[str, dict[str, str | None]] = {}
        for key, sheet in self._sheet_of.items():
            header = self._header.get(key)
            baseline = sheet.detected
            if header is not None and header != self._detected_header.get(key):
                header_rows[key] = header
                baseline = sheet.fields_at(header)
            changed = {label: target for label, target in self._mapping[key].items()
                       if baseline.get(label) != target}
            if changed:
                fields[key] = changed
        return ImportOptions(sheets=sheets, header_rows=header_rows, fields=fields, file_levels=file_levels)

    def sheet_previews(self) -> dict[str, Any]:
        """Sheet key → its SheetPreview (the first file that has it), for every sheet the files have."""
        return dict(self._sheet_of)

    # --- import -------------------------------------------------------------------------------------

    def start_import(self) -> None:
        """Read the files with the chosen options through the task runner (nothing is taken yet)."""
        bench = self.ctx.workbench
        self.clear_result()
        if bench is None:
            self._show_error(tr("wizard.no_audit"))
            return
        kind, paths, options = self.kind, list(self.paths), self.options()
        self._read_options = options
        self.running = True
        self.result_page.summary.setText(tr("wizard.importing", kind=kind_label(kind)))
        self.result_page.show_running(True)
        self.result_page.completeChanged.emit()
        self._task = self.ctx.tasks.start(tr("wizard.import_task", kind=kind_label(kind)),
                                          bench.read_job(kind, paths, options), done=self._imported,
                                          failed=self._import_failed, cancelled=self._import_cancelled)

    def cancel_import(self) -> None:
        """Stop a running import (it takes nothing)."""
        if self.running and self._task is not None:
            self._task.cancel()

    def clear_result(self) -> None:
        """Forget the last import's result."""
        self.result = None
        self.issues_model.set_issues([])
        self.result_page.show_running(False)

    def _ended(self) -> bool:
        self.running, self._task = False, None
        return self._closed

    def _imported(self, result: Any) -> None:
        if self._ended():
            return
        self.result = result
        self.issues_model.set_issues(result.issues)
        self.result_page.table.resizeColumnsToContents()
        self.result_page.table.horizontalHeader().setStretchLastSection(True)
        rejected = sum(f.rows_rejected for f in result.inputs) or len(result.rejected)
        if result.ok:
            from qbaudit.analysis.importers.outcome import accounting_line

            text = tr("wizard.summary", taken=result.rows_taken, rejected=rejected, warnings=len(result.warnings))
            if result.rejected:
                text += tr("wizard.summary_rejected_hint")
            text += "".join("\n" + line for line in self.file_lines(result))
            text += "".join("\n" + accounting_line(name, parts) for name, parts in result.accounting)
            self.result_page.summary.setStyleSheet("")
            self.result_page.summary.setText(text)
        else:
            self._show_error(result.error or tr("wizard.not_imported"))
        self.result_page.show_running(False)
        self.result_page.completeChanged.emit()

    def file_lines(self, result: Any) -> list[str]:
        """One line per file of an import of several files (a bank: with the items of each level)."""
        if len(result.inputs) < 2:
            return []
        levels: dict[str, dict[int, int]] = {}
        if self.kind == "bank" and result.data is not None:
            from qbaudit.analysis.importers.inputfiles import levels_by_file

            levels = levels_by_file(result.data)
        from qbaudit.analysis.importers.inputfiles import describe_levels

        lines = []
        for f in result.inputs:
            line = tr("inputfiles.result_file", file=f.name, taken=f.rows_taken, rejected=f.rows_rejected)
            if levels.get(f.name):
                line += tr("inputfiles.result_levels", levels=describe_levels(levels[f.name]))
            lines.append(line)
        return lines

    def _show_error(self, message: str) -> None:
        self.result_page.summary.setStyleSheet("color: #b00020;")
        self.result_page.summary.setText(tr("wizard.failed", message=message))

    def _import_failed(self, message: str, details: str) -> None:
        if self._ended():
            return
        self._show_error(message)
        self.result_page.show_running(False)
        self.result_page.completeChanged.emit()
        if details:
            self.ctx.error(message, details)

    def _import_cancelled(self) -> None:
        if self._ended():
            return
        self.result_page.summary.setStyleSheet("")
        self.result_page.summary.setText(tr("wizard.cancelled"))
        self.result_page.show_running(False, cancelled=True)
        self.result_page.completeChanged.emit()

    def _task_failed(self, message: str, details: str) -> None:
        if not self._closed:
            self.ctx.error(message, details)

    def _progress(self, fraction: float, text: str) -> None:
        if self.running:
            self.result_page.set_progress(fraction, text)

    # --- export of the rows not taken ---------------------------------------------------------------

    def choose_export(self) -> None:
        """导出未导入的行…: ask where (never in tests: they call :meth:`export_rejected`)."""
        filters = f"{tr('wizard.filter_xlsx')} (*.xlsx);;{tr('wizard.filter_csv')} (*.csv)"
        name = tr("wizard.export_name", kind=kind_label(self.kind))
        path, _ = QFileDialog.getSaveFileName(self, tr("wizard.export_rejected"), name, filters)
        if path:
            self.export_rejected(path)

    def rejected_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The rows not taken: where, why, and the row's cells as read (headings, rows)."""
        if self.result is None:
            return [], []
        return rejected_table(self.result.rejected, {p.name: self.previews.get(p) for p in self.paths})

    def export_rejected(self, path: str | Path) -> None:
        """Write the rows not taken to ``path`` (.xlsx, or .csv) through the task runner."""
        path = Path(path)
        headings, rows = self.rejected_rows()
        self.ctx.tasks.start(tr("wizard.export_task"), lambda _state: write_rejected(path, headings, rows),
                             done=lambda p: self.ctx.status.emit(tr("wizard.exported", file=Path(p).name)),
                             failed=self._task_failed)

    # --- finish and cancel ----------------------------------------------------------------------------

    def accept(self) -> None:
        """Finish: take the result into the audit and tell the pages."""
        if self.result is None or not self.result.ok or self.running:
            return
        if self.ctx.step(self.ctx.workbench.accept, self.kind, self.paths, self._read_options, self.result) is None:
            return
        self._close()
        self.imported.emit(self.kind)
        super().accept()

    def reject(self) -> None:
        """Cancel: stop a running import; the audit stays as it was."""
        self.cancel_import()
        self._close()
        super().reject()

    def _close(self) -> None:
        if not self._closed:
            self._closed = True
            self.ctx.tasks.progress.disconnect(self._progress)


def _path_key(path: Path) -> str:
    from qbaudit.analysis.importers.inputfiles import path_key

    return path_key(path)
