"""Parents' feedback in the database: items and their threads, teachers' hours.

Every step checks its rule (rules.py) here, with the actor passed in; refusals are msgids.
Who receives an item is in recipients.py; the open items waiting for the school (reminders,
/gopy_bgh, the inbox) are in waiting.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.access import Actor
from bot.features.feedback.rules import (
    FOLLOW_UPS_PER_HOUR,
    NOT_YOURS,
    About,
    Draft,
    follow_up_refusal,
    hold_until,
    is_author,
    may_answer,
    may_write,
    pupil_of_ref,
    refusal,
)
from storage.models import (
    AuditEvent,
    Delivery,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    Notice,
    SchoolClass,
    Staff,
    Student,
)
from storage.queries import audit, told_apart_in_class


async def over_rate(session: AsyncSession, account_id: int, now: datetime) -> bool:
    """Tell whether this account has already sent as many items as an hour allows."""
    return await limits.over_rate(
        session, Feedback.account_id, Feedback.created_at, account_id, now
    )


async def item(session: AsyncSession, item_id: int) -> Feedback | None:
    """An item by its id (rights are checked by the step that uses it)."""
    return await session.get(Feedback, item_id)


async def notice_pupil(
    session: AsyncSession, actor: Actor, delivery_id: int
) -> tuple[bool, int | None]:
    """For "Phản hồi" under a notice: whether the delivery is the presser's, and the notice's
    pupil when it is one of the presser's children."""
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None or delivery.account_id != actor.account.id:
        return False, None
    ref = await session.scalar(select(Notice.ref).where(Notice.id == delivery.notice_id))
    pupil = pupil_of_ref(ref)
    return True, pupil if pupil in actor.children else None


async def about(session: AsyncSession, item: Feedback) -> About:
    """The pupil's name, the item's class, and the name as staff read it (`About.label`)."""
    student = await session.scalar(select(Student.full_name).where(Student.id == item.student_id))
    klass = await session.scalar(select(SchoolClass.name).where(SchoolClass.id == item.class_id))
    labels = await told_apart_in_class(session, [item.student_id])
    return About(student or "?", klass or "?", labels.get(item.student_id, ""))


async def staff_hours(session: AsyncSession, staff_id: int) -> tuple[str, str] | None:
    """A member of staff's hours, or None if not set."""
    return _hours(await session.get(Staff, staff_id))


def _hours(staff: Staff | None) -> tuple[str, str] | None:
    if staff is None or not staff.hours_start or not staff.hours_end:
        return None
    return staff.hours_start, staff.hours_end


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
) -> tuple[Feedback, list[FeedbackMessage]] | str:
    """Store a finished draft, its text and any further parts (held if outside the teacher's
    hours; an attached file goes with the last part), or say why not."""
    if not may_write(actor) or draft.student_id not in actor.children or draft.topic is None:
        return NOT_YOURS
    texts = draft.texts()
    problem = next(filter(None, (limits.text_problem(text) for text in texts)), None)
    if problem is not None or draft.text is None:
        return problem or limits.TEXT_EMPTY
    account = actor.account.id
    if await over_rate(session, account, now):
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
    record["topic"], record["draft"] = draft.topic.value, draft.started
    if not item.anonymous:  # the log shows the leaders no more than the item does
        record["student_id"] = draft.student_id
    _audit(session, item, who, "feedback.created", record)
    messages = [
        await _add(session, item, actor, True, text, now, media if last else None)
        for last, text in ((n == len(texts) - 1, text) for n, text in enumerate(texts))
    ]
    return item, messages


async def open_thread(session: AsyncSession, actor: Actor, item_id: int) -> Feedback | str:
    """The item whose thread its parent may write more in, or why not."""
    found = await item(session, item_id)
    problem = follow_up_refusal(actor, found)
    if problem is not None or found is None:
        return problem or NOT_YOURS
    return found


async def follow_up(
    session: AsyncSession,
    actor: Actor,
    item: Feedback,
    texts: list[str],
    now: datetime,
    zone: ZoneInfo,
    prompt: int = 0,
) -> list[FeedbackMessage] | str:
    """Add the parent's next message (in one or more parts) to an item's thread, or say why
    not; `prompt` is the question it answers, audited so that its "Huỷ" can tell."""
    problem = refusal(is_author(actor, item), item)
    problem = problem or next(filter(None, map(limits.text_problem, texts)), None)
    if problem is not None or not texts:
        return problem or limits.TEXT_EMPTY
    column = FeedbackMessage.author_id
    at = FeedbackMessage.created_at
    if await limits.over_rate(session, column, at, actor.account.id, now, FOLLOW_UPS_PER_HOUR):
        return limits.TOO_MANY
    item.state, item.reminded_at = FeedbackState.OPEN, None
    item.deliver_at = hold_until(now, zone, await teacher_hours(session, item))
    _audit(
        session, item, f"tg:{actor.account.telegram_user_id}", "feedback.more", {"draft": prompt}
    )
    return [await _add(session, item, actor, True, text, now) for text in texts]


async def to_answer(session: AsyncSession, actor: Actor, item_id: int) -> Feedback | str:
    """The item this member of staff may answer now ("Trả lời"), or why not."""
    found = await item(session, item_id)
    if found is None:
        return NOT_YOURS
    return refusal(may_answer(actor, found), found) or found


async def reply(
    session: AsyncSession,
    actor: Actor,
    item: Feedback,
    text: str,
    now: datetime,
    who: str,
    prompt: int = 0,
) -> FeedbackMessage | str:
    """Store the school's answer and mark the item answered, or say why not; `prompt` is the
    question it answers, audited so that its "Huỷ" can tell."""
    problem = refusal(may_answer(actor, item), item) or limits.text_problem(text)
    if problem is not None:
        return problem
    item.state, item.answered_at = FeedbackState.ANSWERED, now
    _audit(session, item, who, "feedback.replied", {"state": item.state.value, "draft": prompt})
    return await _add(session, item, actor, False, text, now)


SENDING = ("feedback.created", "feedback.more", "feedback.replied")


async def sent_from(
    session: AsyncSession, actor: Actor, started: int
) -> tuple[Feedback, bool] | None:
    """The item a draft or an answer opened by update `started` was sent to, if it was sent
    (its "Huỷ" then says so and changes nothing), and whether it was the item's first message
    (False: an answer or a follow-up)."""
    if not started:
        return None
    events = await session.execute(
        select(AuditEvent.entity_id, AuditEvent.after, AuditEvent.action)
        .where(
            AuditEvent.school_id == actor.school_id,
            AuditEvent.actor == f"tg:{actor.account.telegram_user_id}",
            AuditEvent.entity == "feedback",
            AuditEvent.action.in_(SENDING),
        )
        .order_by(AuditEvent.id.desc())
        .limit(200)
    )
    for entity_id, after, action in events:
        if (after or {}).get("draft") == started and entity_id is not None:
            found = await item(session, int(entity_id))
            return None if found is None else (found, action == "feedback.created")
    return None


async def stop_keeping(session: AsyncSession, item: Feedback) -> None:
    """A handled item's messages are no longer given to a recipient who joins later."""
    await session.execute(
        update(Notice)
        .where(Notice.school_id == item.school_id, Notice.ref == f"feedback:{item.id}")
        .values(kept_until=None)
    )


def close(
    session: AsyncSession, actor: Actor, item: Feedback, now: datetime, who: str
) -> str | None:
    """Mark an item handled (audited), or say why not."""
    problem = refusal(may_answer(actor, item), item)
    if problem is None:
        item.state, item.closed_at = FeedbackState.CLOSED, now
        _audit(session, item, who, "feedback.closed", {"state": item.state.value})
    return problem


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


async def received_between(
    session: AsyncSession, school_id: int, start: datetime, end: datetime
) -> list[tuple[int, FeedbackTopic, FeedbackState]]:
    """The school's items received from `start` to before `end`: (id, topic, state), for the
    leaders' dashboard (which marks the overdue ones with waiting.school_overdue)."""
    rows = await session.execute(
        select(Feedback.id, Feedback.topic, Feedback.state).where(
            Feedback.school_id == school_id, Feedback.created_at >= start, Feedback.created_at < end
        )
    )
    return [(item_id, topic, state) for item_id, topic, state in rows]
