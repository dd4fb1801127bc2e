"""Urgent notice rules: who may send to whom, what a message may hold, when a routine notice may
be scheduled, and what a draft is. Plain Python, checked in the queries with the actor passed in.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core import limits
from bot.core.i18n import N_
from bot.delivery.audience import Audience
from storage.models import Role

if TYPE_CHECKING:
    from bot.core.access import Actor

LEADERS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})
TEXT_LIMIT = 3500  # leaves room for the title within one Telegram message (4,096)
CAPTION_LIMIT = 1024
URGENT_TITLE = N_("URGENT NOTICE")
ROUTINE_TITLE = N_("NOTICE")
# The moments a routine notice may be scheduled for: (label msgid, days from today, local time).
SLOTS = (
    (N_("This afternoon, {time}"), 0, time(16, 30)),
    (N_("Tomorrow morning, {time}"), 1, time(7, 0)),
    (N_("Tomorrow afternoon, {time}"), 1, time(16, 30)),
)
SLOT_MARGIN = timedelta(minutes=5)
_AUDIENCES = ("class", "grade", "school")


def is_leader(actor: Actor) -> bool:
    """The principal and vice principals choose the school, a grade or classes."""
    return actor.has(*LEADERS)


def may_send(actor: Actor, audience: Audience) -> bool:
    """Leaders to the school, grades or classes; a homeroom teacher to their own class only."""
    if not actor.linked or audience.kind not in _AUDIENCES:
        return False
    if audience.kind == "class" and audience.ids:
        return is_leader(actor) or set(audience.ids) <= actor.homeroom_classes
    return audience.kind != "class" and is_leader(actor)


def own_audience(actor: Actor) -> Audience | None:
    """The class a homeroom teacher sends to without choosing; None for anyone else."""
    if not actor.linked or not actor.homeroom_classes:
        return None
    return Audience.classes(*sorted(actor.homeroom_classes))


def audience_from(data: object) -> Audience | None:
    """The audience of a pending row or a notice; None if it is not one a person may choose."""
    if not isinstance(data, Mapping) or data.get("kind") not in _AUDIENCES:
        return None
    try:
        ids = tuple(int(i) for i in data.get("ids") or ())
    except (TypeError, ValueError):
        return None
    return Audience(str(data["kind"]), ids)


@dataclass(frozen=True, slots=True)
class Draft:
    """A message waiting for "Gửi ngay": to whom, the text as typed, and a photo or document."""

    audience: Audience
    text: str
    media: tuple[str, str] | None = None

    def data(self) -> dict[str, Any]:
        """The draft as JSON, kept in the pending row so it survives a restart."""
        media = list(self.media) if self.media else None
        return {"audience": self.audience.describe(), "text": self.text, "media": media}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draft | None:
        """Read a draft back; None if the row is not one."""
        audience, text, media = (
            audience_from(data.get("audience")),
            data.get("text"),
            data.get("media"),
        )
        if audience is None or not isinstance(text, str):
            return None
        if isinstance(media, list) and len(media) == 2:
            return cls(audience, text, (str(media[0]), str(media[1])))
        return None if media else cls(audience, text)


def text_problem(text: str | None, *, caption: bool = False) -> str | None:
    """Why a text (or a caption, which may be empty) cannot be sent, as a msgid; or None."""
    if caption:
        if text is None or not text.strip():
            return None
        return limits.text_problem(text, CAPTION_LIMIT)
    return limits.text_problem(text, TEXT_LIMIT)


def slot_choices(now: datetime, zone: ZoneInfo) -> list[tuple[int, datetime]]:
    """The scheduling choices still ahead: (index in SLOTS, moment in UTC)."""
    local = now.astimezone(zone)
    choices = []
    for index, (_label, days, at) in enumerate(SLOTS):
        moment = datetime.combine(local.date() + timedelta(days=days), at, tzinfo=zone)
        if moment - SLOT_MARGIN > local:
            choices.append((index, moment.astimezone(UTC)))
    return choices


class Remind(enum.Enum):
    """What a press of "Nhắc lại" did."""

    SENT = "sent"
    NOT_YOURS = "not_yours"
    ALL_READ = "all_read"
    STILL_SENDING = "still_sending"


def reminder_ref(notice_id: int) -> str:
    """The `Notice.ref` of the reminders of one urgent notice."""
    return f"urgent:{notice_id}"
