"""Column templates: how the columns of a kind of file map onto fields, saved under a name.

A template holds the field of each column in order, for spreadsheets without a header row (a CSV exported
from an exam system: ``试题编号,等级,考评点代码,题型,难度,题干,A,B,C,D,答案``; any header synonym of
``columns.toml`` will do, ``-`` or nothing for a column not used), and/or the fields of headers mapped by
name (``题目序号=考评点代码``, see :mod:`~qbaudit.analysis.importers.headernames`) — the mapping the command
line's ``--columns``/``--map`` and the import wizard give. Templates are JSON in the user's config folder
(``platformdirs.user_config_dir("qbaudit")``; ``QBAUDIT_CONFIG_DIR`` or the ``folder`` argument
overrides it). A template of columns remembers the shape of the file it was made on — the column count and
a signature of what each column holds — and is offered next time for a file of the same shape.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qbaudit.analysis.importers.headers import kind_spec
from qbaudit.analysis.importers.reading import ROW, ReadError, read_file
from qbaudit.analysis.vocabulary import fold, parse_item_type, parse_level, vocabulary
from qbaudit.errors import QbauditError
from qbaudit.i18n import tr

CONFIG_ENV = "QBAUDIT_CONFIG_DIR"
FILE_NAME = "column_templates.json"
SIGNATURE_ROWS = 50
MATCH_SHARE = 0.8  # share of columns whose signature must agree for a template to be offered
_SKIP = {"", "-", "_", "—", "无", "跳过"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")
_CODE = re.compile(r"^[A-Z0-9]+([-.][A-Z0-9]+)+$")
_LETTERS = re.compile(r"^[A-H]{1,8}$")
_DATE = re.compile(r"^\d{4}[-/.年]\d{1,2}([-/.月]\d{1,2}日?)?")


class TemplateError(QbauditError):
    """A template or a column list that cannot be used; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class ColumnTemplate:
    """A named mapping of the columns of headerless files of one shape."""

    name: str
    columns: tuple[str | None, ...]  # canonical field of each column, None for a column not used (may be empty)
    signature: str  # one letter per column, see :func:`cell_class`
    kind: str = "bank"
    created: str = ""
    headers: dict[str, str | None] = field(default_factory=dict)  # header text → field (None: not imported)

    @property
    def column_count(self) -> int:
        """How many columns the files of this template have."""
        return len(self.columns)

    def agreement(self, signature: str) -> float:
        """Share of columns whose class agrees with ``signature`` (0 when the counts differ)."""
        if len(signature) != len(self.signature) or not signature:
            return 0.0
        return sum(a == b for a, b in zip(signature, self.signature, strict=True)) / len(signature)

    def describe(self) -> str:
        """The mapping as the user wrote it: the field labels in column order, and the headers mapped by name."""
        from qbaudit.analysis.importers.headernames import describe

        spec = kind_spec(self.kind)
        parts = [",".join(spec.fields[c].label if c else "-" for c in self.columns)] if self.columns else []
        if self.headers:
            parts.append(tr("headernames.template_by_name", mapping=describe(self.headers, self.kind)))
        return "；".join(parts)


def config_folder(folder: str | Path | None = None) -> Path:
    """Where templates are kept: ``folder``, else ``$QBAUDIT_CONFIG_DIR``, else the user's config folder."""
    if folder is not None:
        return Path(folder)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("qbaudit", appauthor=False))


def parse_columns(text: str | Sequence[str], kind: str = "bank") -> list[str | None]:
    """The fields of a column list written by the user; raises :class:`TemplateError` naming an unknown one."""
    from qbaudit.analysis.importers.headernames import field_of

    spec = kind_spec(kind)
    names = re.split(r"[,，、]", text) if isinstance(text, str) else list(text)
    fields: list[str | None] = []
    for name in names:
        if name.strip() in _SKIP:
            fields.append(None)
            continue
        field = field_of(name, spec)
        if field is None:
            known = "、".join(f.label for f in spec.fields.values())
            raise TemplateError(tr("templates.unknown_column", name=name.strip(), known=known))
        if field in fields:
            raise TemplateError(tr("templates.repeated_column", name=name.strip()))
        fields.append(field)
    missing = [f.label for f in spec.required if f.name not in fields]
    if missing:
        raise TemplateError(tr("templates.required_missing", columns="、".join(missing)))
    return fields


def cell_class(text: str | None) -> str:
    """One letter for what a cell holds: level, item type, answer letters, true/false, code, date,
    number, text, or ``-`` when empty."""
    if text is None or not text.strip():
        return "-"
    folded = fold(text)
    vocab = vocabulary()
    if parse_level(text) is not None and not folded.isdigit():
        return "L"
    if parse_item_type(text) is not None:
        return "T"
    if _LETTERS.match(folded):
        return "A"
    if folded in vocab.true_answers or folded in vocab.false_answers:
        return "J"
    if _DATE.match(folded):
        return "D"
    if _CODE.match(folded):
        return "C"
    if _NUMBER.match(folded):
        return "N"
    return "X"


def shape(path: str | Path) -> str:
    """The signature of a file: for each column, the commonest class of its first non-empty cells."""
    try:
        raw = read_file(path)
    except ReadError as exc:
        raise TemplateError(str(exc)) from exc
    sheet = next((s for s in raw.sheets if s.frame.height), None)
    if sheet is None:
        return ""
    head = sheet.frame.drop(ROW).head(SIGNATURE_ROWS)
    signature = ""
    for column in head.columns:
        classes = Counter(cell_class(v) for v in head.get_column(column).to_list() if v is not None and str(v).strip())
        signature += classes.most_common(1)[0][0] if classes else "-"
    return signature


def _store(folder: str | Path | None) -> Path:
    return config_folder(folder) / FILE_NAME


def load_templates(folder: str | Path | None = None) -> list[ColumnTemplate]:
    """The saved templates (none when the file is missing or unreadable)."""
    path = _store(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [ColumnTemplate(name=t["name"], columns=tuple(t["columns"]), signature=t["signature"],
                               kind=t.get("kind", "bank"), created=t.get("created", ""),
                               headers=dict(t.get("headers") or {}))
                for t in data.get("templates", [])]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def save_template(name: str, columns: Sequence[str | None] | None, sample: str | Path | None, *,
                  kind: str = "bank", folder: str | Path | None = None,
                  headers: Mapping[str, str | None] | None = None) -> ColumnTemplate:
    """Save ``columns`` (with the shape of ``sample``) and/or ``headers`` mapped by name under ``name``
    (replacing a template of that name)."""
    if not name.strip():
        raise TemplateError(tr("templates.no_name"))
    columns = tuple(columns or ())
    if not columns and not headers:
        raise TemplateError(tr("headernames.template_empty"))
    signature = ""
    if columns:
        if sample is None:
            raise TemplateError(tr("headernames.template_no_sample"))
        signature = shape(sample)
        if len(signature) != len(columns):
            raise TemplateError(tr("templates.count_mismatch", given=len(columns), found=len(signature)))
    template = ColumnTemplate(name.strip(), columns, signature, kind, dt.date.today().isoformat(),
                              dict(headers or {}))
    templates = [t for t in load_templates(folder) if t.name != template.name] + [template]
    path = _store(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": 1, "templates": [{**asdict(t), "columns": list(t.columns)} for t in templates]}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise TemplateError(tr("templates.save_failed", file=str(path), reason=exc.strerror or str(exc))) from exc
    return template


def find_template(name: str, folder: str | Path | None = None) -> ColumnTemplate:
    """The template called ``name``; raises :class:`TemplateError` listing the saved ones."""
    templates = load_templates(folder)
    for template in templates:
        if template.name == name.strip():
            return template
    raise TemplateError(tr("templates.not_found", name=name, known="、".join(t.name for t in templates) or
                           tr("templates.none_saved")))


def matching(path: str | Path, folder: str | Path | None = None, kind: str = "bank") -> list[ColumnTemplate]:
    """Saved templates for files shaped like ``path``, best first."""
    try:
        signature = shape(path)
    except TemplateError:
        return []
    scored = [(t.agreement(signature), t) for t in load_templates(folder) if t.kind == kind and t.columns]
    return [t for score, t in sorted(scored, key=lambda st: -st[0]) if score >= MATCH_SHARE]


def offer(path: str | Path, folder: str | Path | None = None) -> str:
    """What to add to the message of a file without a header: the templates that fit, or how to map."""
    try:
        shape(path)
    except TemplateError:  # not readable at all: the error says why, a mapping would not help
        return ""
    found = matching(path, folder)
    if found:
        return tr("templates.offer", names="、".join(f"「{t.name}」" for t in found))
    return tr("templates.hint")
