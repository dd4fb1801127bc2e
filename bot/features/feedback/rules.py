"""Parents' feedback rules: who writes, who answers, the draft's steps, teachers' hours and
working days, and how each side is named to the other.

Plain Python: no Telegram, no database. Refusals are English msgids for the caller.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core import limits
from bot.core.i18n import N_, Translator
from bot.core.long_text import TELEGRAM_LIMIT as TELEGRAM_LIMIT
from bot.core.long_text import is_tail as is_tail
from bot.core.long_text import keep_long as keep_long
from bot.core.long_text import shorten as shorten
from bot.core.long_text import split_text as split_text
from storage.models import FeedbackState, FeedbackTopic, Role

if TYPE_CHECKING:
    from bot.core.access import Actor
    from bot.features.calendar.queries import Calendar
    from storage.models import Feedback

LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
ANSWER_WITHIN = 2  # working days before the recipient is reminded and the leaders see it
FOLLOW_UPS_PER_HOUR = 2 * limits.PER_HOUR
# An item for a recipient who has not joined the bot waits this long for them to join (then the
# inbox and the reminder still show it); the administrators are told once a day at most.
KEPT_FOR = timedelta(days=60)
ADMINS_TOLD_FOR = timedelta(days=1)
TITLE = N_("feedback about {topic} of {date}")
TOPICS = {
    FeedbackTopic.STUDY: N_("Study"),
    FeedbackTopic.HEALTH: N_("Health"),
    FeedbackTopic.BOARDING: N_("Boarding"),
    FeedbackTopic.FACILITIES: N_("Facilities"),
    FeedbackTopic.OTHER: N_("Other"),
}
NOT_PARENT = N_("Feedback is sent by the parents of the school's pupils.")
NOT_YOURS = N_("This button is not for you.")
CLOSED = N_("This feedback is already marked as handled.")
THREAD_CLOSED = N_("This feedback is closed; send /gopy to write a new one.")
NOT_LEADER = N_("Only the principal and the vice principal see this list.")
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:hH.]([0-5]\d)")


@dataclass(slots=True)
class Draft:
    """A feedback being written; kept in the person's pending input between steps."""

    student_id: int | None = None
    to_leaders: bool | None = None
    topic: FeedbackTopic | None = None
    anonymous: bool | None = None
    text: str | None = None
    started: int = 0  # the update that opened the draft: its buttons carry it
    rest: list[str] | None = None  # the further parts of a text sent split
    long: str | None = None  # a text over the limit, kept until shortened or split
    long_at: float | None = None  # when its last piece was sent (Telegram's time, seconds)
    long_piece: int = 0  # the length of its last piece (UTF-16 units)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """Read a draft back from pending data."""
        draft = cls(**{key: data[key] for key in cls.__slots__ if key in data})
        draft.topic = FeedbackTopic(draft.topic) if draft.topic else None
        return draft

    def data(self) -> dict[str, Any]:
        """The draft as JSON-ready pending data."""
        return asdict(self) | {"topic": self.topic.value if self.topic else None}

    def next_step(self) -> str:
        """The next question: child, to, topic, anon, text (or what to do with a long one),
        then photo."""
        if self.student_id is None:
            return "child"
        if self.to_leaders is None:
            return "to"
        if self.topic is None:
            return "topic"
        if self.anonymous is None:
            return "anon"
        if self.text is None:
            return "long" if self.long else "text"
        return "photo"

    def texts(self) -> list[str]:
        """The text, then any further parts."""
        return [self.text or "", *(self.rest or [])]


@dataclass(frozen=True, slots=True)
class About:
    """Whom an item is about: the pupil's name and class (never the parent); `label` is the
    name as staff read it (told apart from a classmate of the same name), the name if unset."""

    student: str
    class_name: str
    label: str = ""


def may_write(actor: Actor) -> bool:
    """Parents of the school's pupils write feedback."""
    return actor.has(Role.PARENT) and bool(actor.children)


def may_answer(actor: Actor, item: Feedback) -> bool:
    """The item's recipients: the class's homeroom teacher, or the principal and vice principal."""
    if item.school_id != actor.school_id or not actor.linked:
        return False
    if item.to_leaders:
        return actor.has(*LEADERS)
    return item.class_id in actor.homeroom_classes


def may_list(actor: Actor) -> bool:
    """The principal and the vice principal see every class's feedback (/gopy_bgh)."""
    return actor.has(*LEADERS)


def is_author(actor: Actor, item: Feedback) -> bool:
    """The parent account that wrote the item, while still the child's guardian."""
    return (
        item.school_id == actor.school_id
        and item.account_id == actor.account.id
        and item.student_id in actor.children
    )


def refusal(allowed: bool, item: Feedback) -> str | None:
    """Why a person may not add to an item's thread now: not theirs, or already handled."""
    if not allowed:
        return NOT_YOURS
    return CLOSED if item.state is FeedbackState.CLOSED else None


def follow_up_refusal(actor: Actor, item: Feedback | None) -> str | None:
    """Why the parent may not write more in a thread ("Trả lời" under the school's answer)."""
    if item is None or not is_author(actor, item):
        return NOT_YOURS
    return THREAD_CLOSED if item.state is FeedbackState.CLOSED else None


def parent_label(item: Feedback, about: About, _: Translator) -> str:
    """How staff see the sender: the child and class, or only the class when anonymous."""
    if item.anonymous:
        return _("A parent of class {class_name}").format(class_name=about.class_name)
    return _("Parent of {child} (class {class_name})").format(
        child=about.label or about.student, class_name=about.class_name
    )


def school_label(item: Feedback, about: About, _: Translator) -> str:
    """How parents see the answering side: never a person's name or phone."""
    if item.to_leaders:
        return _("School leaders")
    return _("Homeroom teacher of class {class_name}").format(class_name=about.class_name)


def parse_hours(text: str) -> tuple[str, str] | None:
    """Read "06:30 21:00" (start before end) as ("06:30", "21:00"); None if not so."""
    parts = text.replace("-", " ").split()
    found = [_CLOCK.fullmatch(part) for part in parts]
    if len(parts) != 2 or None in found:
        return None
    start, end = (time(int(m[1]), int(m[2])) for m in found if m is not None)
    if start >= end:
        return None
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def hold_until(now: datetime, zone: ZoneInfo, hours: tuple[str, str] | None) -> datetime | None:
    """When a message sent now reaches a teacher with these hours; None if at once."""
    if hours is None:
        return None
    start, end = time.fromisoformat(hours[0]), time.fromisoformat(hours[1])
    local = now.astimezone(zone)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if inside:
        return None
    day = local.date() if moment < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=zone).astimezone(UTC)


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    """Monday to Friday, outside the school's breaks."""
    return day.weekday() < 5 and (calendar is None or calendar.break_on(day) is None)


def add_working_days(
    moment: datetime, days: int, zone: ZoneInfo, calendar: Calendar | None = None
) -> datetime:
    """The same local time `days` working days later (Friday + 2 is Tuesday)."""
    local = moment.astimezone(zone)
    day, left = local.date(), days
    for _day in range(2 * 366):  # a bound, whatever the breaks say
        if left <= 0:
            break
        day += timedelta(days=1)
        left -= is_working_day(day, calendar)
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


def pupil_of_ref(ref: str | None) -> int | None:
    """The pupil a weekly notice is about ("weekly:<Monday>:<class id>:<pupil id>")."""
    parts = (ref or "").split(":")
    if len(parts) != 4 or parts[0] != "weekly" or not parts[3].isdigit():
        return None
    return int(parts[3])


def title(item: Feedback, zone: ZoneInfo, _: Translator) -> str:
    """How people name an item: "góp ý về Bán trú ngày 05/12" (never its number)."""
    day = item.created_at.astimezone(zone).strftime("%d/%m")
    return _(TITLE).format(topic=_(TOPICS[item.topic]), date=day)


def capital(text: str) -> str:
    """The text with its first letter in capitals (a title at the start of a sentence)."""
    return text[:1].upper() + text[1:]
