"""What the minutes need of the school (Nghị định 30/2020): the governing body above the
school's name ("UBND PHƯỜNG XUÂN HÒA"), the place in the date line ("Xuân Hòa") and the
abbreviation in the number ("THNK": "Số: 01/BB-THNK"), kept in school.settings.

The administrator is asked for what is missing before the first minutes (chat/paper.py); plain
Python here, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.i18n import N_
from storage.models import School

KEYS = ("governing_body", "place", "abbreviation")
LONGEST = 80  # a governing body or a place
ABBREVIATION = re.compile(r"[A-ZĐ0-9]{2,12}")

ASK = {
    "governing_body": N_(
        "Please type the governing body as it heads the school's documents, for example: "
        "UBND PHƯỜNG XUÂN HÒA."
    ),
    "place": N_(
        "Please type the place written before the date of the school's documents, for "
        "example: Xuân Hòa."
    ),
    "abbreviation": N_(
        "Please type the school's abbreviation used in document numbers, for example: THNK "
        "(Số: 01/BB-THNK)."
    ),
}
EMPTY = N_("Please type it (at most {limit} characters).")
BAD_ABBREVIATION = N_("An abbreviation is 2 to 12 capital letters or digits, for example: THNK.")


@dataclass(frozen=True, slots=True)
class SchoolPaper:
    """The school's settings the minutes read (None where not given)."""

    governing_body: str | None
    place: str | None
    abbreviation: str | None


def _text(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def school_paper(school: School) -> SchoolPaper:
    """The governing body, place and abbreviation from the school's settings."""
    settings = school.settings or {}
    return SchoolPaper(
        governing_body=_text(settings.get("governing_body") or settings.get("authority")),
        place=_text(settings.get("place")),
        abbreviation=_text(settings.get("abbreviation")),
    )


def missing(school: School) -> list[str]:
    """The keys the minutes need that the school has not given, in the order they are asked."""
    paper = school_paper(school)
    return [key for key in KEYS if getattr(paper, key) is None]


def checked(key: str, typed: str) -> tuple[str | None, str | None]:
    """(the value to keep, None) or (None, the msgid saying what is wrong)."""
    text = " ".join(typed.split())
    if key == "abbreviation":
        text = text.upper()
        return (text, None) if ABBREVIATION.fullmatch(text) else (None, BAD_ABBREVIATION)
    if key == "governing_body":
        text = text.upper()
    if not text or len(text) > LONGEST:
        return None, EMPTY
    return text, None


def keep(school: School, key: str, value: str) -> None:
    """Store one setting (a new dict, so that the change is seen and saved)."""
    school.settings = {**(school.settings or {}), key: value}
