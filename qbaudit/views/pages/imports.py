"""数据导入: the audit's inputs, one row per kind (题库, 细目表 …) with its files, fingerprints, rows taken and
rejected and status; import through the wizard, read again, remove; and 运行检查 (F5) on what is imported."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qbaudit.analysis.inputs import KINDS, REQUIRED, kind_label
from qbaudit.i18n import tr
from qbaudit.plumbing import expected_errors
from qbaudit.views.pages.base import Page
from qbaudit.views.tables import record_table

_Index = QModelIndex | QPersistentModelIndex
NOT_IMPORTED, IMPORTED, STALE = "none", "imported", "stale"
# Words in a file name that say which input it is; the first kind that matches wins (计划 before 试卷:
# a 组卷计划书 is not a paper).
_NAME_HINTS = (
    ("plan", ("计划", "plan")),
    ("blueprint", ("细目", "要素", "blueprint")),
    ("standard", ("权重", "标准", "standard")),
    ("responses", ("作答", "答卷", "成绩", "response")),
    ("papers", ("试卷", "paper")),
    ("bank", ("题库", "试题", "bank")),
)


def guess_kind(path: str | Path) -> str | None:
    """The input kind a file's name suggests (``焊工题库.xlsx`` → bank), or None."""
    name = Path(path).stem.lower()
    return next((kind for kind, words in _NAME_HINTS if any(w in name for w in words)), None)


class InputsModel(QAbstractTableModel):
    """One row per input kind: its name, files, SHA-256, rows taken and not taken, and status."""

    COLUMNS = ("kind", "files", "sha256", "taken", "rejected", "status", "actions")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = [self._empty(kind) for kind in KINDS]

    @staticmethod
    def _empty(kind: str) -> dict[str, Any]:
        return {"kind": kind, "files": [], "sha256": [], "taken": None, "rejected": None, "status": NOT_IMPORTED,
                "problem": ""}

    def refresh(self, bench: Any, problems: dict[str, str]) -> None:
        """Read the inputs of ``bench`` (None: no audit) and the problems met when it was reopened."""
        rows = []
        remembered = bench.store.sources(bench.audit_id) if bench is not None else {}
        for kind in KINDS:
            row = self._empty(kind)
            result = bench.imports.get(kind) if bench is not None else None
            if result is not None:
                row["files"] = [f.name for f in result.inputs]
                row["sha256"] = [f.sha256 for f in result.inputs]
                row["taken"] = result.rows_taken
                row["rejected"] = sum(f.rows_rejected for f in result.inputs)
                row["status"] = IMPORTED
            elif kind in remembered or (bench is not None and kind in bench.sources):
                info = remembered.get(kind)
                row["files"] = [Path(p).name for p in info.paths] if info else \
                    [p.name for p in bench.sources[kind].paths]
                row["sha256"] = list(info.sha256) if info else []
                row["status"] = STALE
            row["problem"] = problems.get(kind, "")
            if row["problem"]:
                row["status"] = STALE
            rows.append(row)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_of(self, kind: str) -> dict[str, Any]:
        """The row shown for ``kind``."""
        return self._rows[KINDS.index(kind)]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """One row per kind."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        """Kind, files, SHA-256, taken, rejected, status, actions."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The row's values as text."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        name = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "sha256" and row["sha256"]:
                return "\n".join(row["sha256"])
            if name == "status" and row["problem"]:
                return row["problem"]
            if name == "files" and row["files"]:
                return "\n".join(row["files"])
            return None
        if role == Qt.ItemDataRole.ForegroundRole and name == "status":
            colour = {IMPORTED: "#1e7b34", STALE: "#b00020"}.get(row["status"], "#666666")
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.FontRole and name == "kind" and row["kind"] in REQUIRED:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and name in ("taken", "rejected"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: dict[str, Any], name: str) -> str:
        if name == "kind":
            label = kind_label(row["kind"])
            return tr("imports.required", kind=label) if row["kind"] in REQUIRED else label
        if name == "files":
            return "、".join(row["files"])
        if name == "sha256":
            return "、".join(s[:12] for s in row["sha256"])
        if name in ("taken", "rejected"):
            return "" if row[name] is None else str(row[name])
        if name == "status":
            return tr(f"imports.status_{row['status']}")
        return ""

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column names."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return tr(f"imports.column_{self.COLUMNS[section]}")
        return None


class ImportsPage(Page):
    """The audit's inputs and the way in for new ones.

    Public API: :meth:`open_wizard`, :meth:`reimport`, :meth:`remove`, :meth:`run_checks` (F5),
    :meth:`reopen`, :meth:`show_reopen_problems`, :meth:`import_files` (what a drop does).
    """

    key = "imports"
    title_key = "imports.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.problems: dict[str, str] = {}
        self.wizards: list[Any] = []
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        heading = QLabel(tr("imports.title"))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(heading)
        hint = QLabel(tr("imports.hint"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("reopenProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("background: #fdecea; color: #8a1c13; padding: 8px; border-radius: 4px;")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.hide()
        layout.addWidget(self.problems_label)
        self.model = InputsModel(self)
        self.table = record_table("inputsTable", self.model, row_height=40)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_wizard(KINDS[index.row()]))
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._place_buttons)
        bottom = QHBoxLayout()
        self.state_label = QLabel()
        self.state_label.setObjectName("checkState")
        self.state_label.setWordWrap(True)
        bottom.addWidget(self.state_label, 1)
        self.check_button = QPushButton(tr("imports.run_checks"))
        self.check_button.setObjectName("runChecks")
        self.check_button.setToolTip(tr("imports.run_checks_tip"))
        self.check_button.setMinimumHeight(36)
        self.check_button.clicked.connect(self.run_checks)
        bottom.addWidget(self.check_button)
        layout.addLayout(bottom)
        self.refresh()

    # --- showing ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the open audit's inputs."""
        bench = self.ctx.workbench
        self.model.refresh(bench, self.problems)
        self.check_button.setEnabled(bench is not None)
        if bench is None:
            self.state_label.setText(tr("imports.no_audit"))
        elif bench.missing:
            self.state_label.setText(tr("imports.missing", kinds="、".join(kind_label(k) for k in bench.missing)))
        elif bench.stale:
            self.state_label.setText(tr("imports.stale"))
        else:
            self.state_label.setText(tr("imports.checked"))

    def _place_buttons(self) -> None:
        bench = self.ctx.workbench
        for row, kind in enumerate(KINDS):
            status = self.model.row_of(kind)["status"]
            cell = QWidget()
            cell.setObjectName(f"actions_{kind}")
            box = QHBoxLayout(cell)
            box.setContentsMargins(4, 2, 4, 2)
            box.setSpacing(4)
            buttons = [("import", tr("imports.import"), lambda _=False, k=kind: self.open_wizard(k))]
            if status != NOT_IMPORTED:
                buttons.append(("reimport", tr("imports.reimport"), lambda _=False, k=kind: self.reimport(k)))
                buttons.append(("remove", tr("imports.remove"), lambda _=False, k=kind: self.remove(k)))
            for name, text, slot in buttons:
                button = QPushButton(text)
                button.setObjectName(f"{name}_{kind}")
                button.setEnabled(bench is not None)
                button.clicked.connect(slot)
                box.addWidget(button)
            box.addStretch(1)
            self.table.setIndexWidget(self.model.index(row, len(InputsModel.COLUMNS) - 1), cell)
        self.table.resizeColumnToContents(len(InputsModel.COLUMNS) - 1)

    def show_reopen_problems(self, problems: dict[str, str]) -> None:
        """Show what :meth:`Workbench.reopen` could not read again (a moved or changed file …)."""
        self.problems = dict(problems)
        if problems:
            lines = [tr("imports.reopen_problems")] + [f"• {kind_label(k)}：{m}" for k, m in problems.items()]
            self.problems_label.setText("\n".join(lines))
        self.problems_label.setVisible(bool(problems))
        self.refresh()

    # --- hooks --------------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """A new audit: its own inputs, no problems yet."""
        self.problems = {}
        self.problems_label.hide()
        self.refresh()

    def audit_changed(self, changes: Any) -> None:
        """Inputs or a run changed: show them."""
        if changes.touches("inputs", "run", "signed", "info", "dismissal"):
            if changes.inputs and self.ctx.workbench is not None:
                self.problems = {k: v for k, v in self.problems.items() if k not in self.ctx.workbench.imports}
                if not self.problems:
                    self.problems_label.hide()
            self.refresh()

    def activated(self) -> None:
        """Shown: bring the table up to date."""
        self.refresh()

    # --- actions ------------------------------------------------------------------------------------

    def open_wizard(self, kind: str, paths: Sequence[str | Path] | None = None) -> Any:
        """Open the import wizard for ``kind`` (with ``paths`` already chosen); returns it (shown, not blocking)."""
        from qbaudit.views.wizard import ImportWizard

        if self.ctx.workbench is None:
            self.ctx.error(tr("imports.no_audit"))
            return None
        wizard = ImportWizard(self.ctx, kind, paths, self.ctx.window or self)
        wizard.finished.connect(lambda _result, w=wizard: self._wizard_closed(w))
        self.wizards.append(wizard)
        wizard.open()
        return wizard

    def _wizard_closed(self, wizard: Any) -> None:
        if wizard in self.wizards:
            self.wizards.remove(wizard)
        wizard.deleteLater()

    def import_files(self, paths: Sequence[str | Path]) -> list[Any]:
        """Open the wizard on files (dropped on the page), by the kind their names suggest; a file whose kind
        cannot be told is named in a message. Returns the wizards opened."""
        groups: dict[str, list[Path]] = {}
        unknown: list[str] = []
        for path in paths:
            kind = guess_kind(path)
            if kind is None:
                unknown.append(Path(path).name)
            else:
                groups.setdefault(kind, []).append(Path(path))
        if unknown:
            self.ctx.error(tr("imports.unknown_kind", files="、".join(unknown)))
        return [w for kind, files in groups.items() if (w := self.open_wizard(kind, files)) is not None]

    def dragEnterEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Accept local files."""
        if self.ctx.workbench is not None and event.mimeData().hasUrls() \
                and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Open the wizard on the dropped files."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def _source(self, kind: str) -> Any:
        bench = self.ctx.workbench
        return bench.sources.get(kind) or bench.remembered().get(kind)

    def reimport(self, kind: str) -> None:
        """Read ``kind`` again from the same files, as it was read before, and take it."""
        bench = self.ctx.workbench
        source = self._source(kind) if bench is not None else None
        if source is None:
            self.open_wizard(kind)
            return

        def done(result: Any) -> None:
            if self.ctx.workbench is not bench:
                return
            if not result.ok:
                self.ctx.error(result.error or tr("imports.reimport_failed", kind=kind_label(kind)))
                return
            self.problems.pop(kind, None)
            self.ctx.step(bench.accept, kind, source.paths, source.options, result)

        self.ctx.tasks.start(tr("imports.reimport_task", kind=kind_label(kind)),
                             bench.read_job(kind, source.paths, source.options), done=done, failed=self.ctx.error)

    def remove(self, kind: str) -> None:
        """Drop the ``kind`` input from the audit."""
        bench = self.ctx.workbench
        if bench is None:
            return
        self.problems.pop(kind, None)
        self.ctx.step(bench.forget, kind)

    def reopen(self) -> None:
        """Read again the inputs the store remembers (an audit reopened in a later session) and show the problems."""
        bench = self.ctx.workbench
        if bench is None:
            return
        self.ctx.run_job(tr("imports.reopen_task"), bench.reopen_job(),
                         done=lambda changes: self.show_reopen_problems(changes.result))

    def run_checks(self) -> None:
        """运行检查 (F5): run the checks on the inputs taken; a missing required input is named."""
        bench = self.ctx.workbench
        if bench is None:
            self.ctx.error(tr("imports.no_audit"))
            return
        if bench.missing:
            self.ctx.error(tr("imports.missing", kinds="、".join(kind_label(k) for k in bench.missing)))
            return
        if self.ctx.tasks.busy:
            self.ctx.status.emit(tr("imports.busy"))
            return
        self.check_button.setEnabled(False)

        def done(_changes: Any) -> None:
            self.check_button.setEnabled(True)
            self.ctx.status.emit(tr("imports.checks_done", count=len(bench.view.findings)))

        def failed(message: str, details: str) -> None:
            self.check_button.setEnabled(True)
            self.ctx.error(message, details)

        try:
            job = bench.check_job()
        except expected_errors() as exc:
            failed(exc.user_message(), "")
            return
        self.ctx.run_job(tr("imports.checking"), job, done=done, failed=failed,
                         cancelled=lambda: self.check_button.setEnabled(True))


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(ImportsPage))
