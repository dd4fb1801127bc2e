"""The deep link that opens a correction request in chat on one pupil's item (the web's
assessment grid puts one on each locked cell): `https://t.me/<bot>?start=sd-...`.

The payload holds opaque ids only, never a name: the pupil's record id, the school year's first
year, the period and the item ("sd-1234-2026-ck1-s-TOAN"), within Telegram's 64 characters of
`A-Z a-z 0-9 _ -`. It grants nothing: the chat checks it again as if the teacher had pressed
the buttons of /suadiem (corrections/chat/start.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from storage.models import AssessmentKind

PREFIX = "sd"
_KINDS = {AssessmentKind.LEVEL: "l", AssessmentKind.SCORE: "s", AssessmentKind.QUALITY: "q"}
_PAYLOAD = re.compile(r"^sd-(\d{1,10})-(\d{4})-(gk1|ck1|gk2|cn)-([lsq])-([A-Za-z0-9_]{1,32})$")


@dataclass(frozen=True, slots=True)
class Asked:
    """What a link asks: the pupil (an id, checked again), the school year, period and item."""

    student_id: int
    school_year: str
    period: Period
    item: Item


def payload(student_id: int, school_year: str, period: Period, item: Item) -> str:
    """The start parameter for one pupil's item of a period: "sd-1234-2026-ck1-s-TOAN"."""
    return f"{PREFIX}-{student_id}-{school_year[:4]}-{period.value}-{_KINDS[item.kind]}-{item.code}"


def link(bot_username: str, start: str) -> str:
    """The link that opens the bot's chat with `/start <start>`."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={start}"


def read(text: str) -> Asked | None:
    """What a payload asks, or None when it is not one of ours (or names no known item)."""
    found = _PAYLOAD.match(text.strip())
    if found is None:
        return None
    student, year, period, kind, code = found.groups()
    kinds = {letter: kind for kind, letter in _KINDS.items()}
    item = Item.from_key(f"{kinds[kind].value}.{code}")
    if item is None:
        return None
    first = int(year)
    return Asked(int(student), f"{first}-{first + 1}", Period(period), item)
