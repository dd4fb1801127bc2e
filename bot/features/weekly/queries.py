"""Weekly comments in the database: the class list with what is written, comments and the
class-wide note saved when the rules (bot/features/weekly/rules.py) allow it.

`Saved`, `clean`, `may_write` and the limits are the rules'; they are importable from here too,
as other features (health, assessment, leave, corrections) use this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.weekly.rules import (
    COMMENT_LIMIT,
    NOTE_LIMIT,
    Saved,
    check_comment,
    clean,
    may_change,
    may_write,
    tell_apart,
)
from storage.models import (
    ClassWeek,
    CommentKind,
    SchoolClass,
    Student,
    StudentStatus,
    WeeklyComment,
)
from storage.names import class_list_key, split_name
from storage.queries import audit

__all__ = [
    "COMMENT_LIMIT",
    "NOTE_LIMIT",
    "Pupil",
    "PupilEntry",
    "Saved",
    "audit_import",
    "class_pupils",
    "class_roll",
    "class_week",
    "clean",
    "homeroom_class",
    "may_write",
    "progress",
    "pupil_class",
    "save_comment",
    "save_many",
    "save_note",
    "set_hold",
    "upsert_comments",
]


@dataclass(frozen=True, slots=True)
class PupilEntry:
    """A pupil of a class with this week's comment of one kind, if written."""

    student_id: int
    code: str
    name: str
    comment: str | None
    label: str = ""  # the name as staff read it: namesakes told apart (`rules.tell_apart`)
    birth_date: date | None = None


@dataclass(frozen=True, slots=True)
class Pupil:
    """A pupil on a class list, with the label that tells namesakes apart."""

    student_id: int
    code: str
    name: str
    birth_date: date | None
    label: str


async def class_pupils(session: AsyncSession, class_id: int) -> list[tuple[int, str, str]]:
    """(id, student code, name) of a class's pupils in class-list order."""
    rows = await session.execute(
        select(Student.id, Student.student_code, Student.full_name).where(
            Student.class_id == class_id, Student.status == StudentStatus.STUDYING
        )
    )
    return sorted(
        ((i, code, name) for i, code, name in rows),
        key=lambda row: class_list_key(split_name(row[2])),
    )


async def class_roll(session: AsyncSession, class_id: int) -> list[Pupil]:
    """A class's studying pupils in class-list order, namesakes told apart by their labels."""
    rows = await session.execute(
        select(Student.id, Student.student_code, Student.full_name, Student.birth_date).where(
            Student.class_id == class_id, Student.status == StudentStatus.STUDYING
        )
    )
    found: list[tuple[int, str, str, date | None]] = [(i, c, n, b) for i, c, n, b in rows]
    ordered = sorted(found, key=lambda row: class_list_key(split_name(row[2])))
    labels = tell_apart([(name, code, born) for _i, code, name, born in ordered])
    return [
        Pupil(i, code, name, born, label)
        for (i, code, name, born), label in zip(ordered, labels, strict=True)
    ]


async def class_week(
    session: AsyncSession, school_id: int, class_id: int, week_start: date
) -> ClassWeek:
    """The class's row for a week, created on first use.

    Read FOR UPDATE (on PostgreSQL): a change made while the week is being sent waits for the
    sender and then finds it sent, so nothing is written that the families will not get.
    """
    found = await session.scalar(
        select(ClassWeek)
        .where(ClassWeek.class_id == class_id, ClassWeek.week_start == week_start)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        found = ClassWeek(school_id=school_id, class_id=class_id, week_start=week_start)
        session.add(found)
        await session.flush()
    return found


async def progress(
    session: AsyncSession,
    class_id: int,
    week_start: date,
    kind: CommentKind = CommentKind.HOMEROOM,
    subject: str = "",
) -> list[PupilEntry]:
    """The class list with this week's comments of one kind."""
    written = dict(
        (
            await session.execute(
                select(WeeklyComment.student_id, WeeklyComment.text)
                .join(Student, Student.id == WeeklyComment.student_id)
                .where(
                    Student.class_id == class_id,
                    WeeklyComment.week_start == week_start,
                    WeeklyComment.kind == kind,
                    WeeklyComment.subject == subject,
                )
            )
        ).all()
    )
    return [
        PupilEntry(p.student_id, p.code, p.name, written.get(p.student_id), p.label, p.birth_date)
        for p in await class_roll(session, class_id)
    ]


async def pupil_class(session: AsyncSession, school_id: int, student_id: int) -> int | None:
    """The class of a pupil of this school who is studying, or None."""
    return await session.scalar(
        select(Student.class_id).where(
            Student.id == student_id,
            Student.school_id == school_id,
            Student.status == StudentStatus.STUDYING,
        )
    )


async def save_comment(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    week_start: date,
    text: str,
    *,
    kind: CommentKind = CommentKind.HOMEROOM,
    subject: str = "",
) -> Saved:
    """Write or replace a pupil's comment for the week, if the actor may and it is not sent."""
    class_id = await pupil_class(session, actor.school_id, student_id)
    if class_id is None or not may_write(actor, class_id, kind, subject):
        return Saved.NOT_ALLOWED
    text = clean(text)
    checked = check_comment(text)
    if checked is not Saved.OK:
        return checked
    week = await class_week(session, actor.school_id, class_id, week_start)
    if not may_change(week.sent_at):
        return Saved.ALREADY_SENT
    await upsert_comments(session, actor, {student_id: text}, week_start, kind, subject)
    return Saved.OK


async def save_many(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    week_start: date,
    texts: Mapping[int, str],
) -> Saved:
    """Write many homeroom comments of one class at once (a spreadsheet), all or nothing."""
    if not may_write(actor, class_id, CommentKind.HOMEROOM):
        return Saved.NOT_ALLOWED
    cleaned = {pupil: clean(text) for pupil, text in texts.items()}
    if any(len(text) > COMMENT_LIMIT for text in cleaned.values()):
        return Saved.TOO_LONG
    week = await class_week(session, actor.school_id, class_id, week_start)
    if not may_change(week.sent_at):
        return Saved.ALREADY_SENT
    await upsert_comments(
        session,
        actor,
        {p: t for p, t in cleaned.items() if t},
        week_start,
        CommentKind.HOMEROOM,
        "",
    )
    return Saved.OK


async def upsert_comments(
    session: AsyncSession,
    actor: Actor,
    texts: Mapping[int, str],
    week_start: date,
    kind: CommentKind,
    subject: str,
) -> None:
    """Write or replace these pupils' comments of one kind for a week (checks done before)."""
    existing = {
        row.student_id: row
        for row in await session.scalars(
            select(WeeklyComment).where(
                WeeklyComment.student_id.in_(list(texts)),
                WeeklyComment.week_start == week_start,
                WeeklyComment.kind == kind,
                WeeklyComment.subject == subject,
            )
        )
    }
    for student_id, text in texts.items():
        row = existing.get(student_id)
        if row is None:
            session.add(
                WeeklyComment(
                    school_id=actor.school_id,
                    student_id=student_id,
                    week_start=week_start,
                    kind=kind,
                    subject=subject,
                    text=text,
                    author_id=actor.account.staff_id,
                )
            )
        else:
            row.text, row.author_id = text, actor.account.staff_id
    await session.flush()


async def save_note(
    session: AsyncSession, actor: Actor, class_id: int, week_start: date, text: str | None
) -> Saved:
    """Set (or clear, with None) the class-wide note of the week."""
    if not may_write(actor, class_id, CommentKind.HOMEROOM):
        return Saved.NOT_ALLOWED
    cleaned = clean(text) if text is not None else None
    if cleaned is not None and len(cleaned) > NOTE_LIMIT:
        return Saved.TOO_LONG
    week = await class_week(session, actor.school_id, class_id, week_start)
    if not may_change(week.sent_at):
        return Saved.ALREADY_SENT
    week.note = cleaned or None
    return Saved.OK


async def set_hold(
    session: AsyncSession, actor: Actor, class_id: int, week_start: date, hold: bool
) -> Saved:
    """Choose what pupils without a comment get: the class-wide note only, or nothing yet."""
    if not may_write(actor, class_id, CommentKind.HOMEROOM):
        return Saved.NOT_ALLOWED
    week = await class_week(session, actor.school_id, class_id, week_start)
    if not may_change(week.sent_at):
        return Saved.ALREADY_SENT
    week.hold_missing = hold
    return Saved.OK


async def homeroom_class(session: AsyncSession, actor: Actor) -> SchoolClass | None:
    """The class this person is homeroom teacher of (one per teacher)."""
    if not actor.homeroom_classes:
        return None
    return await session.get(SchoolClass, min(actor.homeroom_classes))


def audit_import(
    session: AsyncSession, actor: Actor, who: str, class_id: int, week_start: date, count: int
) -> None:
    """Record a spreadsheet of comments taken in."""
    audit(
        session,
        school_id=actor.school_id,
        actor=who,
        action="weekly.comments_imported",
        entity="class",
        entity_id=class_id,
        after={"week_start": week_start.isoformat(), "comments": count},
    )
