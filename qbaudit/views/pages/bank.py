"""题库浏览: the imported bank's items in a table that sorts and filters at 100 000 items, and one item in
full beside it. Other pages show an item or a point here through ``ctx.jump``."""

from __future__ import annotations

import html
import sys
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qbaudit.analysis.columns import OPTION_LETTERS
from qbaudit.analysis.columns import ItemColumns as C
from qbaudit.analysis.search import DEFAULT_SEPARATORS, MISSING, BankFilter
from qbaudit.i18n import tr
from qbaudit.views.models.bank import BANK_COLUMNS, BankTableModel
from qbaudit.views.pages.base import Page

SEARCH_DELAY_MS = 200  # typing pauses this long before the free-text filter runs
_MAX_DIFFICULTY_VALUES = 12  # more distinct difficulties than this are offered as ranges


class BankPage(Page):
    """Browse the items of the imported bank: filters, sorting, and the chosen item in full."""

    key = "bank"
    title_key = "bank.title"

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = BankTableModel(parent=self)
        self._items: Any = None
        self._separators = DEFAULT_SEPARATORS
        self._updating = False
        self._scope_names: dict[str, str] = {}
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self._build()
        self.audit_opened()

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.level_combo = self._combo("bank_level", "bank.level", filters)
        self.scope_combo = self._combo("bank_scope", "bank.scope", filters, minimum=14)
        self.point_combo = self._combo("bank_point", "bank.point", filters, minimum=10)
        self.type_combo = self._combo("bank_type", "bank.type", filters)
        self.difficulty_combo = self._combo("bank_difficulty", "bank.difficulty", filters)
        filters.addStretch(1)
        layout.addLayout(filters)

        search = QHBoxLayout()
        search.addWidget(QLabel(tr("bank.search")))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("bank_search")
        self.search_edit.setPlaceholderText(tr("bank.search_placeholder"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filters)
        search.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton(tr("bank.clear_filters"))
        self.clear_button.setObjectName("bank_clear")
        self.clear_button.clicked.connect(self.clear_filters)
        search.addWidget(self.clear_button)
        search.addSpacing(12)
        self.count_label = QLabel()
        self.count_label.setObjectName("bank_count")
        search.addWidget(self.count_label)
        layout.addLayout(search)

        self.stack = QStackedWidget()
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.empty_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName("bank_table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # file order first
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        widths = {C.ITEM_ID: 104, C.LEVEL: 96, C.POINT_CODE: 84, C.ITEM_TYPE: 52, C.DIFFICULTY: 48,
                  C.STEM: 360, C.ANSWER: 52, C.SOURCE_ROW: 56}
        for column, name in enumerate(BANK_COLUMNS):
            header.resizeSection(column, widths[name])
        header.setSectionResizeMode(BANK_COLUMNS.index(C.STEM), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.table)
        self.detail = QTextBrowser()
        self.detail.setObjectName("bank_detail")
        self.detail.setOpenLinks(False)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 480])
        self.stack.addWidget(splitter)
        layout.addWidget(self.stack, 1)

    def _combo(self, name: str, label_key: str, layout: QHBoxLayout, minimum: int = 0) -> QComboBox:
        layout.addWidget(QLabel(tr(label_key)))
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMaxVisibleItems(24)
        if minimum:
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(minimum)
        combo.currentIndexChanged.connect(self._combo_changed)
        layout.addWidget(combo)
        layout.addSpacing(8)
        return combo

    # --- the audit -------------------------------------------------------------------------------

    def audit_opened(self) -> None:
        """Show the open audit's bank (or that none is imported)."""
        self._load()

    def audit_changed(self, changes: Any) -> None:
        """A new bank replaces the items shown; a profile with other code separators splits the scopes anew."""
        if changes.touches("inputs", "run", "info"):
            bench = self.ctx.workbench
            bank = bench.bank if bench is not None else None
            separators = bench.profile.code_separators if bench is not None else DEFAULT_SEPARATORS
            if (bank.items if bank is not None else None) is not self._items or separators != self._separators:
                self._load()

    def _load(self) -> None:
        bench = self.ctx.workbench
        bank = bench.bank if bench is not None else None
        items = bank.items if bank is not None else None
        self._items = items
        self._separators = bench.profile.code_separators if bench is not None else DEFAULT_SEPARATORS
        self.model.set_items(items, self._separators)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._scope_names = self._read_scope_names()
        self._updating = True
        try:
            self.search_edit.clear()
            self.search_timer.stop()
            self._fill_level_and_type()
            self._fill_dependent()
        finally:
            self._updating = False
        self._update_count()
        self._show_detail(-1)
        if self.model.rowCount():
            self._select_row(0)
        if items is None:
            self.empty_label.setText(tr("bank.no_bank") if bench is not None else tr("bank.no_audit"))
            self.stack.setCurrentIndex(0)
        else:
            self.stack.setCurrentIndex(1)

    def _read_scope_names(self) -> dict[str, str]:
        bench = self.ctx.workbench
        result = bench.imports.get("blueprint") if bench is not None else None
        if result is None or not result.ok or result.data is None:
            return {}
        names: dict[str, str] = {}
        for scope in result.data.scopes:
            if scope.code and scope.name:
                names.setdefault(scope.code, scope.name)
        return names

    # --- filters --------------------------------------------------------------------------------------

    def _fill_level_and_type(self) -> None:
        from qbaudit.report.model import level_text

        table = self.model.table
        self._refill(self.level_combo, [(level_text(int(v)), int(v)) for v in table.distinct(C.LEVEL)
                                        if v is not None])
        self._refill(self.type_combo, [(str(v), v) if v is not None else (tr("bank.type_unknown"), MISSING)
                                       for v in table.distinct(C.ITEM_TYPE)])
        self._refill(self.difficulty_combo, self._difficulty_entries())

    def _difficulty_entries(self) -> list[tuple[str, Any]]:
        values = [v for v in self.model.table.distinct(C.DIFFICULTY) if v is not None]
        if len(values) <= _MAX_DIFFICULTY_VALUES:
            return [(f"{v:g}", float(v)) for v in values]
        low, high = float(values[0]), float(values[-1])
        step = (high - low) / 5
        entries = []
        for k in range(5):
            a = low + k * step
            b = high if k == 4 else low + (k + 1) * step
            entries.append((tr("bank.range", low=f"{a:.2g}", high=f"{b:.2g}"), (a, b - 1e-12 if k < 4 else b)))
        return entries

    def _fill_dependent(self) -> None:
        """Scopes and points present under the level (and scope) chosen."""
        table = self.model.table
        level = self.level_combo.currentData()
        codes = [str(c) for c in table.distinct(C.POINT_CODE, table.mask(BankFilter(level=level))) if c is not None]
        scopes = table.scopes(codes)  # split at the profile's separators: A-B-001 and A.B.001 alike
        self._refill(self.scope_combo, [(f"{s} {self._scope_names.get(s, '')}".strip(), s) for s in scopes])
        scope = self.scope_combo.currentData()
        if scope:
            codes = [c for c in codes if table.under_scope(c, scope)]
        self._refill(self.point_combo, [(str(c), str(c)) for c in codes])

    @staticmethod
    def _refill(combo: QComboBox, entries: list[tuple[str, Any]]) -> None:
        """Refill a combo (first entry 全部), keeping the chosen value where it is still offered."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("bank.any"), None)
        for text, value in entries:
            combo.addItem(text, value)
        index = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _combo_changed(self) -> None:
        if self._updating:
            return
        sender = self.sender()
        if sender in (self.level_combo, self.scope_combo):
            self._updating = True
            try:
                self._fill_dependent()
            finally:
                self._updating = False
        self.apply_filters()

    def current_filter(self) -> BankFilter:
        """The filter the widgets describe."""
        return BankFilter(level=self.level_combo.currentData(), scope=self.scope_combo.currentData(),
                          point=self.point_combo.currentData(), item_type=self.type_combo.currentData(),
                          difficulty=self.difficulty_combo.currentData(), text=self.search_edit.text())

    def apply_filters(self) -> None:
        """Filter the table as the widgets say (keeps the chosen item when it is still shown)."""
        self.search_timer.stop()
        self._set_filter(self.current_filter())

    def _set_filter(self, flt: BankFilter) -> None:
        chosen = self.current_position()
        self.model.set_filter(flt)
        self._update_count()
        row = self.model.row_of_position(chosen) if chosen >= 0 else -1
        if row >= 0:
            self._select_row(row)
        else:
            self._show_detail(-1)

    def clear_filters(self) -> None:
        """Show every item."""
        self._updating = True
        try:
            for combo in (self.level_combo, self.type_combo, self.difficulty_combo):
                combo.setCurrentIndex(0)
            self.search_edit.clear()
            self.search_timer.stop()
            self.scope_combo.setCurrentIndex(0)
            self._fill_dependent()
            self.point_combo.setCurrentIndex(0)
        finally:
            self._updating = False
        self.apply_filters()

    def _update_count(self) -> None:
        self.count_label.setText(tr("bank.count", shown=self.model.rowCount(), total=self.model.total))

    # --- choosing an item ---------------------------------------------------------------------------

    def current_position(self) -> int:
        """The DataFrame position of the item chosen, or -1."""
        index = self.table.selectionModel().currentIndex()
        return self.model.position(index.row()) if index.isValid() else -1

    def current_item_id(self) -> str:
        """The id of the item chosen ("" when none)."""
        index = self.table.selectionModel().currentIndex()
        return self.model.item_id(index.row()) if index.isValid() else ""

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._show_detail(self.model.position(row))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.position(current.row()) if current.isValid() else -1)

    def jump_to(self, kind: str, key: str) -> bool:
        """Show what ``ctx.jump`` names: ``("item", id)`` or ``("point", code)``."""
        if kind == "item":
            return self.show_item(key)
        if kind == "point":
            return self.show_point(key) > 0
        return False

    def show_item(self, item_id: str) -> bool:
        """Select and scroll to an item (clearing the filters when they hide it); False when not in the bank."""
        position = self.model.position_of_item(item_id)
        if position < 0:
            self.ctx.status.emit(tr("bank.item_not_found", item=item_id))
            return False
        row = self.model.row_of_position(position)
        if row < 0:
            self.clear_filters()
            row = self.model.row_of_position(position)
        self._select_row(row)
        self.table.setFocus()
        return True

    def show_point(self, code: str, level: int | None = None) -> int:
        """Show only the items of a point (other filters cleared) and select the first; returns how many.

        Point codes are per level (``A-B-030`` of 四级 is another point than of 三级): without ``level``
        the items of the code in every level are shown, the level column tells them apart."""
        code = str(code).strip()
        self._updating = True
        try:
            for combo in (self.level_combo, self.scope_combo, self.type_combo, self.difficulty_combo):
                combo.setCurrentIndex(0)
            if level is not None:
                self.level_combo.setCurrentIndex(max(self.level_combo.findData(int(level)), 0))
            self.search_edit.clear()
            self.search_timer.stop()
            self._fill_dependent()
            index = self._point_index(code)
            if index < 0:
                self.point_combo.addItem(code, code)
                index = self.point_combo.count() - 1
            self.point_combo.setCurrentIndex(index)
        finally:
            self._updating = False
        self.apply_filters()
        count = self.model.rowCount()
        if count:
            self._select_row(0)
        else:
            self.ctx.status.emit(tr("bank.point_empty", point=code))
        return count

    def _point_index(self, code: str) -> int:
        """The entry of the point combo for a code as the bank, the blueprint or a finding writes it (full width,
        other dashes, no separators: matched as the checks match codes), or -1."""
        from qbaudit.analysis.vocabulary import code_key, normalise_code

        wanted = normalise_code(code)
        codes = [normalise_code(str(self.point_combo.itemData(i) or "")) for i in range(self.point_combo.count())]
        if wanted in codes:
            return codes.index(wanted)
        keys = [code_key(c) for c in codes]
        return keys.index(code_key(wanted)) if code_key(wanted) in keys else -1

    # --- the detail pane --------------------------------------------------------------------------------

    def _show_detail(self, position: int) -> None:
        if position < 0 or self._items is None:
            self.detail.setHtml(f"<p style='color:#666;'>{html.escape(tr('bank.choose'))}</p>")
            return
        self.detail.setHtml(item_html(self._items.iloc[position]))

    def detail_text(self) -> str:
        """The detail pane's text (what the user reads)."""
        return self.detail.toPlainText()


def item_html(item: Any) -> str:
    """One item in full as HTML: stem, options (the correct ones marked), answer, codes and source."""
    from qbaudit.report.model import level_text

    def text(column: str) -> str:
        value = item.get(column)
        if value is None or (isinstance(value, float) and value != value):
            return ""
        try:
            import pandas as pd

            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        return str(value)

    def esc(value: str) -> str:
        return html.escape(value).replace("\n", "<br>")

    answer = text(C.ANSWER)
    parts = [f"<h3 style='margin-bottom:4px;'>{esc(text(C.ITEM_ID))}</h3>"]
    facts = []
    level = item.get(C.LEVEL)
    if text(C.LEVEL):
        facts.append((tr("bank.col_level"), level_text(int(level))))
    point = text(C.POINT_CODE)
    raw = text(C.POINT_CODE_RAW)
    if point or raw:
        facts.append((tr("bank.col_point"), point + (f"（{raw}）" if raw and raw != point else "")))
    facts.append((tr("bank.col_type"), text(C.ITEM_TYPE) or tr("bank.type_unknown_raw", raw=text(C.ITEM_TYPE_RAW))))
    difficulty = text(C.DIFFICULTY_RAW) or text(C.DIFFICULTY)
    if difficulty:
        facts.append((tr("bank.col_difficulty"), difficulty))
    if text(C.REVISED) or text(C.REVISED_RAW):
        facts.append((tr("bank.revised"), text(C.REVISED) or text(C.REVISED_RAW)))
    parts.append("<table cellspacing='0' cellpadding='2'>" + "".join(
        f"<tr><td style='color:#555; padding-right:10px;'>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in facts)
        + "</table>")
    pre = "white-space:pre-wrap;"  # keep the item's own spacing: （　　） blanks, indented lines
    parts.append(f"<p style='margin-top:8px;'><b>{esc(tr('bank.col_stem'))}</b><br>"
                 f"<span style='{pre}'>{esc(text(C.STEM))}</span></p>")
    options = []
    for letter, column in zip(OPTION_LETTERS, C.OPTIONS, strict=True):
        value = text(column)
        if not value:
            continue
        correct = letter in answer and len(answer) <= len(OPTION_LETTERS) and answer.isalpha()
        line = f"{letter}. <span style='{pre}'>{esc(value)}</span>"
        options.append(f"<b>{line}　✓</b>" if correct else line)
    if options:
        parts.append(f"<p><b>{esc(tr('bank.options'))}</b><br>" + "<br>".join(options) + "</p>")
    parts.append(f"<p><b>{esc(tr('bank.col_answer'))}</b>　{esc(answer or text(C.ANSWER_RAW))}</p>")
    if text(C.EXPLANATION):
        parts.append(f"<p><b>{esc(tr('bank.explanation'))}</b><br><span style='{pre}'>{esc(text(C.EXPLANATION))}</span></p>")
    if text(C.ATTACHMENTS):
        parts.append(f"<p><b>{esc(tr('bank.attachments'))}</b>　{esc(text(C.ATTACHMENTS))}</p>")
    source = tr("bank.source", file=text(C.SOURCE_FILE), sheet=text(C.SOURCE_SHEET) or "—", row=text(C.SOURCE_ROW))
    parts.append(f"<p style='color:#555;'>{esc(source)}</p>")
    return "".join(parts)


if __name__ == "__main__":
    from qbaudit.views.preview import run_preview

    sys.exit(run_preview(BankPage))
