"""The import wizard: one input kind from its files into the open audit — models, pages and controller."""

from qbaudit.views.wizard.controller import ImportWizard
from qbaudit.views.wizard.pages import FILES, MAPPING, RESULT

__all__ = ["FILES", "MAPPING", "RESULT", "ImportWizard"]
