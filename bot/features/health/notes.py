"""The nurse's weekly health note, before the class's week went out or after it (session first,
never a commit; no Telegram).

Before, the note is stored and the week's notice carries it behind its button. After, it is
stored all the same and the family gets a short addendum (bot/features/weekly/addenda.py, the
health part): the note stays behind the button, and an addendum not sent yet is replaced by a
newer one. Nothing the nurse types is refused for coming late.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.calendar.queries import load_calendar
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly.addenda import tell_changes
from bot.features.weekly.notice_text import HEALTH_PART
from bot.features.weekly.queries import pupil_class, save_comment, upsert_comments
from bot.features.weekly.rules import Saved, Told, clean
from storage.models import CommentKind, School, WeeklyComment


async def week_starting(
    session: AsyncSession, school_id: int, week_start: date
) -> TeachingWeek | None:
    """The calendar's teaching week that starts on this Monday, if there is one."""
    school = await session.get(School, school_id)
    assert school is not None
    week = (await load_calendar(session, school, week_start)).week_of(week_start)
    return week if week is not None and week.start == week_start else None


async def write_note(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    week: TeachingWeek,
    text: str,
    now: datetime,
) -> tuple[Saved, Told]:
    """Write or replace the nurse's note about a pupil for the week; if the class's week went
    out already, the family is told by an addendum (only when the note's text changed)."""
    saved = await save_comment(
        session, actor, student_id, week.start, text, kind=CommentKind.HEALTH
    )
    if saved is not Saved.ALREADY_SENT:
        return saved, Told.NOT_SENT
    class_id = await pupil_class(session, actor.school_id, student_id)
    assert class_id is not None  # save_comment found it
    cleaned = clean(text)
    before = await session.scalar(
        select(WeeklyComment.text).where(
            WeeklyComment.student_id == student_id,
            WeeklyComment.week_start == week.start,
            WeeklyComment.kind == CommentKind.HEALTH,
        )
    )
    if before == cleaned:
        return Saved.OK, Told.NOTHING
    await upsert_comments(session, actor, {student_id: cleaned}, week.start, CommentKind.HEALTH, "")
    told = await tell_changes(
        session, actor.school_id, week, class_id, [student_id], HEALTH_PART, now
    )
    return Saved.OK, told[student_id]
