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
