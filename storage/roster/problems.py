"""Row-level problems found in an import file, kept as msgids and translated by the caller."""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a msgid for extraction; the caller translates it."""
    return message


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: the row as the spreadsheet shows it, the column header and the reason."""

    row: int | None
    column: str | None
    reason: str
    params: dict[str, object] = field(default_factory=dict)


class FileRefused(Exception):
    """The file cannot be read as a roster at all (wrong type, no header, unreadable)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.problem = Problem(row=None, column=None, reason=reason, params=params)


REPEATED_CODE = N_("The student ID {code} is repeated: it is also on row {other}.")


def first_time(
    seen: dict[str, int], code: str, row: int, column: str, problems: list[Problem]
) -> bool:
    """Whether a sheet's row is the first to name this student ID; if not, say which row did.

    Every reader of a class's sheet (roster, comments, health, assessment) keeps one `seen`
    per sheet and asks this for each row's code.
    """
    if code in seen:
        problems.append(Problem(row, column, REPEATED_CODE, {"code": code, "other": seen[code]}))
        return False
    seen[code] = row
    return True
