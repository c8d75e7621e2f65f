"""Templates of the import wizard: the columns mapped by hand, kept by header text (what the command line's
``--map`` and ``--template`` take), saved under a name and applied to another file's headers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qbaudit.i18n import tr

if TYPE_CHECKING:
    from qbaudit.views.wizard.controller import ImportWizard


class MappingTemplates:
    """The template actions of one wizard (保存为模板…, 套用模板…)."""

    def __init__(self, wizard: ImportWizard) -> None:
        self.wizard = wizard

    def header_names(self) -> dict[str, str | None]:
        """The columns the user mapped differently from the header synonyms, as header text → field (None: not
        imported): what a template keeps and ``--map`` gives on the command line."""
        wizard = self.wizard
        options = wizard.options()
        names: dict[str, str | None] = {}
        for key, changed in options.fields.items():
            sheet = wizard.sheet_previews()[key]
            texts = sheet.header_texts(wizard.header_row(key))
            for label, target in changed.items():
                if texts.get(label):
                    names.setdefault(texts[label], target)
        return names

    def save(self, name: str) -> Any:
        """Save the columns mapped by hand as the template ``name`` (for the command line's ``--template`` and
        this wizard's 套用模板); returns it. Raises TemplateError with the reason."""
        from qbaudit.analysis.importers.templates import TemplateError, save_template

        names = self.header_names()
        if not names:
            raise TemplateError(tr("headernames.nothing_mapped"))
        return save_template(name, None, None, kind=self.wizard.kind, headers=names)

    def apply(self, name: str) -> int:
        """Give the columns whose header a saved template names the template's fields; returns how many."""
        from qbaudit.analysis.importers.headers import normalise_header
        from qbaudit.analysis.importers.templates import find_template

        wizard = self.wizard
        template = find_template(name)
        given = {normalise_header(h): f for h, f in template.headers.items()}
        count = 0
        for key, sheet in wizard.sheet_previews().items():
            for label, text in sheet.header_texts(wizard.header_row(key)).items():
                if normalise_header(text) in given:
                    wizard.set_field(key, label, given[normalise_header(text)])
                    count += 1
        wizard.mapping_page.update_missing()
        return count

    def available(self) -> list[Any]:
        """The saved templates of this kind that map headers by name."""
        from qbaudit.analysis.importers.templates import load_templates

        return [t for t in load_templates() if t.kind == self.wizard.kind and t.headers]

    def ask_name(self) -> None:
        """保存为模板…: ask a name, then save (the message says what was saved, or why not)."""
        from PySide6.QtWidgets import QInputDialog

        from qbaudit.analysis.importers.templates import TemplateError

        name, ok = QInputDialog.getText(self.wizard, tr("headernames.save_template"), tr("headernames.template_name"))
        if not ok or not name.strip():
            return
        try:
            template = self.save(name)
        except TemplateError as exc:
            self.wizard.ctx.error(str(exc))
            return
        self.wizard.ctx.status.emit(tr("cli_formats.template_saved", name=template.name, columns=template.describe()))

    def choose(self) -> None:
        """套用模板…: choose one of the saved templates that map headers by name, and apply it."""
        from PySide6.QtWidgets import QInputDialog

        from qbaudit.analysis.importers.templates import TemplateError

        templates = self.available()
        if not templates:
            self.wizard.ctx.error(tr("headernames.no_templates"))
            return
        names = [t.name for t in templates]
        name, ok = QInputDialog.getItem(self.wizard, tr("headernames.apply_template"), tr("headernames.template_choice"),
                                        names, 0, False)
        if ok and name:
            try:
                count = self.apply(name)
            except TemplateError as exc:
                self.wizard.ctx.error(str(exc))
                return
            self.wizard.ctx.status.emit(tr("headernames.template_applied", name=name, count=count))
