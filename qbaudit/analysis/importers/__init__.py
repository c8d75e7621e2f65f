"""Importers: files → model. Every row that is not taken is reported with its reason."""

from qbaudit.analysis.importers.bank import import_bank
from qbaudit.analysis.importers.blueprint import import_blueprint, import_blueprints
from qbaudit.analysis.importers.outcome import ColumnMapping, ImportResult, RowIssue, Severity
from qbaudit.analysis.importers.standard import import_standard

__all__ = [
    "ColumnMapping", "ImportResult", "RowIssue", "Severity", "import_bank", "import_blueprint", "import_blueprints",
    "import_standard",
]
