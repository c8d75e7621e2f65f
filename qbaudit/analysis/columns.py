"""Canonical column names of the model's tables, in one place.

Importers write these columns, checks read them. The Chinese labels a user sees come from
``resources/columns.toml`` (``label`` of each field), never from these identifiers.
"""

from __future__ import annotations

OPTION_LETTERS = "ABCDEFGH"


class ItemColumns:
    """Columns of :attr:`qbaudit.analysis.model.Bank.items` (one row per item)."""

    ITEM_ID = "item_id"
    LEVEL = "level"  # int 1–5 (一级 … 五级)
    OCCUPATION = "occupation"
    POINT_CODE = "point_code"  # normalised full code, e.g. "B-A-012"
    POINT_CODE_RAW = "point_code_raw"  # as written in the file
    POINT_KEY = "point_key"  # code without separators, used to resolve against the blueprint
    ITEM_TYPE = "item_type"  # canonical type name (判断, 单选 …) or null if not recognised
    ITEM_TYPE_RAW = "item_type_raw"
    DIFFICULTY = "difficulty"  # float: a grade (1–5) or a proportion (0–1), see DIFFICULTY_KIND
    DIFFICULTY_KIND = "difficulty_kind"  # "grade" | "proportion" | null
    DIFFICULTY_RAW = "difficulty_raw"
    STEM = "stem"
    OPTIONS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS)
    ANSWER = "answer"  # normalised: option letters sorted ("ACD"), or "√"/"×", or free text
    ANSWER_RAW = "answer_raw"
    EXPLANATION = "explanation"
    REVISED = "revised"  # datetime.date or null
    REVISED_RAW = "revised_raw"
    # References to what the item shows but the bank cannot hold as text: tables and pictures of a
    # Word item, images of a Moodle or QTI item ("表格（第12段）；图片 media/image3.png"), or null.
    ATTACHMENTS = "attachments"
    SOURCE_FILE = "source_file"
    SOURCE_SHEET = "source_sheet"
    SOURCE_ROW = "source_row"  # row number as the user sees it (Excel row, CSV line)

    ALL = (
        ITEM_ID, LEVEL, OCCUPATION, POINT_CODE, POINT_CODE_RAW, POINT_KEY, ITEM_TYPE, ITEM_TYPE_RAW,
        DIFFICULTY, DIFFICULTY_KIND, DIFFICULTY_RAW, STEM, *OPTIONS, ANSWER, ANSWER_RAW,
        EXPLANATION, REVISED, REVISED_RAW, ATTACHMENTS, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW,
    )


def option_column(letter: str) -> str:
    """The item column holding option ``letter`` (``"C"`` → ``"option_c"``)."""
    return f"option_{letter.lower()}"
