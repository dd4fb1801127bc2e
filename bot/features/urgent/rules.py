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
from bot.core.i18n import N_, Translator
from bot.delivery.audience import Audience
from storage.models import Role

if TYPE_CHECKING:
    from bot.core.access import Actor

LEADERS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})
TEXT_LIMIT = 3500  # leaves room for the title within one Telegram message (4,096)
CAPTION_LIMIT = 1024
URGENT_TITLE = N_("URGENT NOTICE")
ROUTINE_TITLE = N_("NOTICE")
# Who a notice is from, under its title: families must see the school and the sender.
FROM = N_("From: {sender}")
SCHOOL_LEADERS = N_("School leaders")
HOMEROOM_OF = N_("Homeroom teacher of class {class_name}")
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
    token: int = 0  # the message the draft was written in: its preview's buttons name it

    def data(self) -> dict[str, Any]:
        """The draft as JSON, kept in the pending row so it survives a restart."""
        media = list(self.media) if self.media else None
        return {
            "audience": self.audience.describe(),
            "text": self.text,
            "media": media,
            "token": self.token,
        }

    def shown_by(self, token: int) -> bool:
        """Whether a preview's button (naming `token`) is about this draft; 0 is any."""
        return token in (0, self.token)

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
        token = data.get("token")
        token = token if isinstance(token, int) else 0
        if isinstance(media, list) and len(media) == 2:
            return cls(audience, text, (str(media[0]), str(media[1])), token)
        return None if media else cls(audience, text, None, token)


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


@dataclass(frozen=True, slots=True)
class Signature:
    """Who sends a notice, as families read it under the title: the school, then the sender
    (the school's leaders, or the class's homeroom teacher by name)."""

    school: str
    role: str  # a msgid: SCHOOL_LEADERS or HOMEROOM_OF
    class_name: str = ""
    name: str = ""

    def sender(self, _: Translator) -> str:
        """ "Người gửi: Giáo viên chủ nhiệm lớp 1A, Phan Thị Thu" (plain text)."""
        who = _(self.role).format(class_name=self.class_name)
        return _(FROM).format(sender=f"{who}, {self.name}" if self.name else who)


def signature_of(actor: Actor, school: str, class_name: str, name: str) -> Signature:
    """A leader sends as the school's leaders; a homeroom teacher as the class's teacher."""
    if is_leader(actor):
        return Signature(school, SCHOOL_LEADERS)
    return Signature(school, HOMEROOM_OF, class_name, name)


class Remind(enum.Enum):
    """What a press of "Nhắc lại" did."""

    SENT = "sent"
    NOT_YOURS = "not_yours"
    ALL_READ = "all_read"
    STILL_SENDING = "still_sending"


def reminder_ref(notice_id: int) -> str:
    """The `Notice.ref` of the reminders of one urgent notice."""
    return f"urgent:{notice_id}"
