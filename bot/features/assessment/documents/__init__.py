"""The class summary spreadsheet of one period (Bảng tổng hợp kết quả đánh giá giáo dục của lớp).

Built prefilled from the assessment book (`template`), filled in by the teachers, read back
(`reading`) and stored all-or-nothing (bot/features/assessment/sheet_import.py).
"""

from __future__ import annotations

from bot.features.assessment.documents.layout import SheetPaper
from bot.features.assessment.documents.reading import (
    AssessmentSheet,
    SheetRow,
    is_assessment_sheet,
    parse_assessment_sheet,
    problem_text,
    read_identity,
)
from bot.features.assessment.documents.template import (
    FIXED_HEADERS,
    HEADERS,
    KIND,
    LEVEL_LETTERS,
    NOT_TEMPLATE,
    QUALITY_LETTERS,
    REQUIRED,
    SheetIdentity,
    SheetPupil,
    build_assessment_sheet,
    cell_value,
    column_title,
)

__all__ = [
    "FIXED_HEADERS",
    "HEADERS",
    "KIND",
    "LEVEL_LETTERS",
    "NOT_TEMPLATE",
    "QUALITY_LETTERS",
    "REQUIRED",
    "AssessmentSheet",
    "SheetIdentity",
    "SheetPaper",
    "SheetPupil",
    "SheetRow",
    "build_assessment_sheet",
    "cell_value",
    "column_title",
    "is_assessment_sheet",
    "parse_assessment_sheet",
    "problem_text",
    "read_identity",
]
