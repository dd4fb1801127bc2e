"""The assessment book: periodic results per pupil, the principal's locks, deadlines, publication.

The rules themselves (levels, scores, the test matrix, the end-of-year outcome, who may) are in
bot/features/assessment/rules; these modules store and read them: `items` (what an entry is and
how it reads), `book` (results by pupil and class, the keepers), `locks`, `periods` (deadlines,
publication) and `leaders` (the principal's operations, checked against the rules). Every name
other features use is importable from here.
"""

from __future__ import annotations

from bot.features.assessment.queries.book import (
    Template,
    book_class,
    child_of,
    class_results,
    optional_subjects,
    pupil_results,
    record,
    sheet_class,
    template_of,
)
from bot.features.assessment.queries.items import (
    Item,
    describe,
    items_for,
    outcome_or_none,
    outcome_reason,
    parse_value,
    period_name,
    school_year_of,
    snapshot,
    subject_value,
    value_text,
    year_end_of,
)
from bot.features.assessment.queries.leaders import (
    NOTICE_KIND,
    PeriodState,
    change_deadline,
    change_lock,
    notice_text,
    publish_results,
    school_calendar,
    year_table,
)
from bot.features.assessment.queries.locks import (
    SCHOOL,
    is_locked,
    item_locked,
    lock_table,
    scopes_of,
    set_lock,
)
from bot.features.assessment.queries.periods import (
    deadline,
    default_deadline,
    period_row,
    publish,
    published,
    set_deadline,
    test_day,
    test_week,
)

__all__ = [
    "NOTICE_KIND",
    "SCHOOL",
    "Item",
    "PeriodState",
    "Template",
    "book_class",
    "change_deadline",
    "change_lock",
    "child_of",
    "class_results",
    "deadline",
    "default_deadline",
    "describe",
    "is_locked",
    "item_locked",
    "items_for",
    "lock_table",
    "notice_text",
    "optional_subjects",
    "outcome_or_none",
    "outcome_reason",
    "parse_value",
    "period_name",
    "period_row",
    "publish",
    "publish_results",
    "published",
    "pupil_results",
    "record",
    "school_calendar",
    "school_year_of",
    "scopes_of",
    "set_deadline",
    "set_lock",
    "sheet_class",
    "snapshot",
    "subject_value",
    "template_of",
    "test_day",
    "test_week",
    "value_text",
    "year_end_of",
    "year_table",
]
