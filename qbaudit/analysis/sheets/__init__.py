"""Score sheets as data (``resources/sheets/``) over the indicator system (``resources/indicators/``),
and the engine that scores them: suggestions from findings, decisions, totals, vetoes and grade."""

from qbaudit.analysis.sheets.catalogue import (
    DEFAULT_CATALOGUE,
    FirstLevel,
    IndicatorCatalogue,
    SecondLevel,
    SheetError,
    load_catalogue,
    load_catalogue_file,
)
from qbaudit.analysis.sheets.definition import (
    DEFAULT_SHEET,
    SUPERVISION_KINDS,
    Band,
    DocumentSpec,
    Group,
    Line,
    Method,
    Sheet,
    SheetEntry,
    Verdict,
    Veto,
    available_sheets,
    bundled_sheets,
    criterion_points,
    load_sheet,
    sheet_from_text,
    user_sheets_dir,
)
from qbaudit.analysis.sheets.scoring import (
    Basis,
    Decision,
    DecisionError,
    LineResult,
    SheetResult,
    Suggestion,
    VetoDecision,
    checklist,
    make_decision,
    make_veto_decision,
    part_score,
    rules_of,
    score_sheet,
    suggest,
    uses_checks,
)

__all__ = [
    "DEFAULT_CATALOGUE", "DEFAULT_SHEET", "SUPERVISION_KINDS", "Band", "DocumentSpec", "SheetEntry",
    "available_sheets", "user_sheets_dir", "Basis", "Decision", "DecisionError", "FirstLevel", "Group",
    "IndicatorCatalogue", "Line", "LineResult", "Method", "SecondLevel", "Sheet", "SheetError", "SheetResult",
    "Suggestion", "Verdict", "Veto", "VetoDecision", "bundled_sheets", "checklist", "criterion_points",
    "load_catalogue", "load_catalogue_file", "load_sheet", "make_decision", "make_veto_decision", "part_score",
    "rules_of", "score_sheet", "sheet_from_text", "suggest", "uses_checks",
]
