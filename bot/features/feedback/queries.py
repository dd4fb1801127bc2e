"""Parents' feedback: who writes and who answers, the thread, teachers' hours, working days.

Nothing here talks to Telegram; refusals are English msgids for the caller to translate.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor
from bot.core.i18n import N_, Translator
from bot.features.calendar.queries import Calendar
from storage.models import (
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    Role,
    Staff,
    Student,
)
from storage.queries import audit

LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
ANSWER_WITHIN = 2  # working days before the recipient is reminded and the leaders see it
FOLLOW_UPS_PER_HOUR = 2 * limits.PER_HOUR
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
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:hH.]([0-5]\d)")


@dataclass(slots=True)
class Draft:
    """A feedback being written; kept in the person's pending input between steps."""

    student_id: int | None = None
    to_leaders: bool | None = None
    topic: FeedbackTopic | None = None
    anonymous: bool | None = None
    text: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """Read a draft back from pending data."""
        draft = cls(**{key: data.get(key) for key in cls.__slots__})
        draft.topic = FeedbackTopic(draft.topic) if draft.topic else None
        return draft

    def data(self) -> dict[str, Any]:
        """The draft as JSON-ready pending data."""
        return asdict(self) | {"topic": self.topic.value if self.topic else None}

    def next_step(self) -> str:
        """The next question: child, to, topic, anon, text, then photo."""
        if self.student_id is None:
            return "child"
        if self.to_leaders is None:
            return "to"
        if self.topic is None:
            return "topic"
        if self.anonymous is None:
            return "anon"
        return "text" if self.text is None else "photo"


@dataclass(frozen=True, slots=True)
class About:
    """Whom an item is about: the pupil's name and class (never the parent)."""

    student: str
    class_name: str


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


def is_author(actor: Actor, item: Feedback) -> bool:
    """The parent account that wrote the item, while still the child's guardian."""
    return (
        item.school_id == actor.school_id
        and item.account_id == actor.account.id
        and item.student_id in actor.children
    )


def parent_label(item: Feedback, about: About, _: Translator) -> str:
    """How staff see the sender: the child and class, or only the class when anonymous."""
    if item.anonymous:
        return _("A parent of class {class_name}").format(class_name=about.class_name)
    return _("Parent of {child} (class {class_name})").format(
        child=about.student, class_name=about.class_name
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


def _hours(staff: Staff | None) -> tuple[str, str] | None:
    if staff is None or not staff.hours_start or not staff.hours_end:
        return None
    return staff.hours_start, staff.hours_end


async def staff_hours(session: AsyncSession, staff_id: int) -> tuple[str, str] | None:
    """A member of staff's hours, or None if not set."""
    return _hours(await session.get(Staff, staff_id))


async def teacher_hours(session: AsyncSession, item: Feedback) -> tuple[str, str] | None:
    """The homeroom teacher's hours for an item to the teacher; None for the leaders or unset."""
    if item.to_leaders:
        return None
    return _hours(
        await session.scalar(
            select(Staff).where(
                Staff.school_id == item.school_id, Staff.homeroom_class_id == item.class_id
            )
        )
    )


async def set_hours(
    session: AsyncSession, actor: Actor, hours: tuple[str, str] | None, who: str
) -> bool:
    """Set (or with None remove) a member of staff's hours, audited; False if not staff."""
    staff = await session.get(Staff, actor.account.staff_id) if actor.account.staff_id else None
    if staff is None or not actor.linked:
        return False
    before = {"start": staff.hours_start, "end": staff.hours_end}
    staff.hours_start, staff.hours_end = hours if hours else (None, None)
    after = {"start": staff.hours_start, "end": staff.hours_end}
    audit(
        session,
        school_id=actor.school_id,
        actor=who,
        action="staff.hours",
        entity="staff",
        entity_id=staff.id,
        before=before,
        after=after,
    )
    return True


async def create(
    session: AsyncSession,
    actor: Actor,
    draft: Draft,
    now: datetime,
    who: str,
    zone: ZoneInfo,
    media: tuple[str, str] | None = None,
) -> tuple[Feedback, FeedbackMessage] | str:
    """Store a finished draft (held if outside the teacher's hours), or say why not."""
    if not may_write(actor) or draft.student_id not in actor.children or draft.topic is None:
        return NOT_YOURS
    problem = limits.text_problem(draft.text)
    if problem is not None or draft.text is None:
        return problem or limits.TEXT_EMPTY
    account = actor.account.id
    if await limits.over_rate(session, Feedback.account_id, Feedback.created_at, account, now):
        return limits.TOO_MANY
    class_id = await session.scalar(select(Student.class_id).where(Student.id == draft.student_id))
    assert class_id is not None
    to_leaders = bool(draft.to_leaders)
    item = Feedback(
        school_id=actor.school_id,
        account_id=account,
        student_id=draft.student_id,
        class_id=class_id,
        to_leaders=to_leaders,
        anonymous=to_leaders and bool(draft.anonymous),
        topic=draft.topic,
        state=FeedbackState.OPEN,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    item.deliver_at = hold_until(now, zone, await teacher_hours(session, item))
    record: dict[str, Any] = {"to_leaders": to_leaders, "anonymous": item.anonymous}
    record["topic"] = draft.topic.value
    if not item.anonymous:  # the log shows the leaders no more than the item does
        record["student_id"] = draft.student_id
    _audit(session, item, who, "feedback.created", record)
    return item, await _add(session, item, actor, True, draft.text, now, media)


async def follow_up(
    session: AsyncSession, actor: Actor, item: Feedback, text: str, now: datetime, zone: ZoneInfo
) -> FeedbackMessage | str:
    """Add the parent's next message to an item's thread, or say why not."""
    problem = _refusal(is_author(actor, item), item) or limits.text_problem(text)
    if problem is not None:
        return problem
    column = FeedbackMessage.author_id
    at = FeedbackMessage.created_at
    if await limits.over_rate(session, column, at, actor.account.id, now, FOLLOW_UPS_PER_HOUR):
        return limits.TOO_MANY
    item.state, item.reminded_at = FeedbackState.OPEN, None
    item.deliver_at = hold_until(now, zone, await teacher_hours(session, item))
    return await _add(session, item, actor, True, text, now)


async def reply(
    session: AsyncSession, actor: Actor, item: Feedback, text: str, now: datetime, who: str
) -> FeedbackMessage | str:
    """Store the school's answer and mark the item answered, or say why not."""
    problem = _refusal(may_answer(actor, item), item) or limits.text_problem(text)
    if problem is not None:
        return problem
    item.state, item.answered_at = FeedbackState.ANSWERED, now
    _audit(session, item, who, "feedback.replied", {"state": item.state.value})
    return await _add(session, item, actor, False, text, now)


def close(
    session: AsyncSession, actor: Actor, item: Feedback, now: datetime, who: str
) -> str | None:
    """Mark an item handled (audited), or say why not."""
    problem = _refusal(may_answer(actor, item), item)
    if problem is None:
        item.state, item.closed_at = FeedbackState.CLOSED, now
        _audit(session, item, who, "feedback.closed", {"state": item.state.value})
    return problem


def _refusal(allowed: bool, item: Feedback) -> str | None:
    if not allowed:
        return NOT_YOURS
    return CLOSED if item.state is FeedbackState.CLOSED else None


async def _add(
    session: AsyncSession,
    item: Feedback,
    actor: Actor,
    from_parent: bool,
    text: str,
    now: datetime,
    media: tuple[str, str] | None = None,
) -> FeedbackMessage:
    kind, file_id = media or (None, None)
    message = FeedbackMessage(
        school_id=item.school_id,
        feedback_id=item.id,
        from_parent=from_parent,
        author_id=actor.account.id,
        text=text,
        media_kind=kind,
        media_file=file_id,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


def _audit(
    session: AsyncSession, item: Feedback, who: str, action: str, after: dict[str, Any]
) -> None:
    audit(
        session,
        school_id=item.school_id,
        actor=who,
        action=action,
        entity="feedback",
        entity_id=item.id,
        after=after,
    )


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
