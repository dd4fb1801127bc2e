"""A spreadsheet's problem (row, column, reason) told in the reader's language."""

from __future__ import annotations

from bot.core.i18n import Translator
from storage.roster.problems import Problem


def describe(problem: Problem, _: Translator) -> dict[str, object]:
    """Return a problem as {"row", "column", "reason"} with the reason translated."""
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": _(problem.reason).format(**problem.params),
    }
