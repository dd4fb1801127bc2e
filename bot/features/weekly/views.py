"""What a teacher's screens of a class's week read: only for a teacher who writes its comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.weekly.queries import PupilEntry, class_week, progress, pupil_class
from bot.features.weekly.rules import may_write
from storage.models import ClassWeek, CommentKind, School
from storage.queries import class_name


@dataclass(frozen=True, slots=True)
class ClassPage:
    """A class's list for one kind of comment, and (for the homeroom) the week's choices."""

    entries: list[PupilEntry]
    hold_missing: bool = False
    note: str | None = None
    sent_at: datetime | None = None  # when the class's notice of the week went out


async def class_page(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    week_start: date,
    kind: CommentKind,
    subject: str = "",
) -> ClassPage | None:
    """The class list with the week's comments, for a teacher who writes them; else None."""
    if not may_write(actor, class_id, kind, subject):
        return None
    entries = await progress(session, class_id, week_start, kind, subject)
    if kind is not CommentKind.HOMEROOM:
        sent = await session.scalar(
            select(ClassWeek.sent_at).where(
                ClassWeek.class_id == class_id, ClassWeek.week_start == week_start
            )
        )
        return ClassPage(entries, sent_at=sent)
    week = await class_week(session, actor.school_id, class_id, week_start)
    return ClassPage(entries, week.hold_missing, week.note, week.sent_at)


async def pupil_entry(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    week_start: date,
    kind: CommentKind,
    subject: str = "",
) -> tuple[int, PupilEntry] | None:
    """A pupil's class and week's comment, for a teacher who writes it; else None."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    if class_id is None:
        return None
    page = await class_page(session, actor, class_id, week_start, kind, subject)
    if page is None:
        return None
    return class_id, next(e for e in page.entries if e.student_id == student_id)


@dataclass(frozen=True, slots=True)
class ClassSheet:
    """What the comments spreadsheet of a class is built from."""

    school_name: str
    class_name: str
    entries: list[PupilEntry]


async def sheet_of(
    session: AsyncSession, actor: Actor, class_id: int, week_start: date
) -> ClassSheet | None:
    """The class's homeroom comments for its spreadsheet, for its homeroom teacher; else None."""
    if not may_write(actor, class_id, CommentKind.HOMEROOM):
        return None
    school = await session.get(School, actor.school_id)
    assert school is not None
    name = await class_name(session, class_id) or ""
    return ClassSheet(school.name, name, await progress(session, class_id, week_start))
