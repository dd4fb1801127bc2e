"""The weekly notice: one message per pupil to each linked guardian, composed in bulk.

A whole school's week is read in a fixed number of queries (classes, class weeks, pupils,
comments, absences) and stored through `enqueue_per_pupil`, so 2,000 pupils cost what 30 do.
What a notice says is in bot/features/weekly/notice_text.py; who may send a class's week is
the rules' `may_send`, checked by `send_week` and `preview` before anything is read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import LANGUAGES, translator
from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.calendar.queries import load_calendar
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly.claim import claim
from bot.features.weekly.notice_text import ClassBatch, PupilWeek, buttons, compose
from bot.features.weekly.rules import (
    NotYourClass,
    Saved,
    TheSchool,
    TooEarly,
    held_back,
    may_send,
    sender_account,
    tell_apart,
)
from storage.models import (
    Absence,
    ClassWeek,
    CommentKind,
    DayPart,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentStatus,
    WeeklyComment,
)
from storage.names import class_list_key, split_name
from storage.queries import unlinked_families

__all__ = [
    "KIND",
    "ClassBatch",
    "ClassSent",
    "Preview",
    "PupilWeek",
    "claim",
    "draft_for",
    "drafts_for",
    "first_sending_day",
    "gather",
    "preview",
    "ref",
    "send_week",
    "sent_at",
]

KIND = "weekly"


@dataclass(slots=True)
class ClassSent:
    """What went out for one class, for the teacher's summary."""

    class_id: int
    class_name: str
    teacher_staff_id: int | None
    pupils: int
    notices: int = 0
    deliveries: int = 0
    held: list[str] = field(default_factory=list)
    not_linked: list[str] = field(default_factory=list)
    already_sent: bool = False


def ref(week_start: date, class_id: int, student_id: int) -> str:
    """The notice's ref: weekly:<Monday>:<class id>:<pupil id>."""
    return f"{KIND}:{week_start.isoformat()}:{class_id}:{student_id}"


async def gather(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    class_ids: Collection[int] | None = None,
) -> list[ClassBatch]:
    """Read a week of the school (or of some classes) in six queries."""
    query = (
        select(SchoolClass.id, SchoolClass.name, Staff.full_name, Staff.id)
        .outerjoin(Staff, Staff.homeroom_class_id == SchoolClass.id)
        .where(SchoolClass.school_id == school_id)
    )
    if class_ids is not None:
        query = query.where(SchoolClass.id.in_(list(class_ids)))
    batches = {
        cid: ClassBatch(cid, name, teacher, staff_id)
        for cid, name, teacher, staff_id in await session.execute(query)
    }
    for row in await session.scalars(
        select(ClassWeek).where(
            ClassWeek.school_id == school_id, ClassWeek.week_start == week.start
        )
    ):
        if row.class_id in batches:
            batch = batches[row.class_id]
            batch.note, batch.hold_missing = row.note, row.hold_missing
            batch.sent, batch.exists = row.sent_at is not None, True
    pupils: dict[int, PupilWeek] = {}
    known: dict[int, tuple[str, date | None]] = {}
    for sid, name, cid, code, born in await session.execute(
        select(
            Student.id,
            Student.full_name,
            Student.class_id,
            Student.student_code,
            Student.birth_date,
        ).where(
            Student.school_id == school_id,
            Student.status == StudentStatus.STUDYING,
            Student.class_id.in_(list(batches)),
        )
    ):
        pupils[sid] = PupilWeek(sid, name)
        known[sid] = (code, born)
        batches[cid].pupils.append(pupils[sid])
    await _add_comments(session, school_id, week, pupils)
    school_name = await session.scalar(select(School.name).where(School.id == school_id)) or ""
    for batch in batches.values():
        batch.school_name = school_name
        batch.pupils.sort(key=lambda p: class_list_key(split_name(p.name)))
        labels = tell_apart([(p.name, *known[p.student_id]) for p in batch.pupils])
        for pupil, label in zip(batch.pupils, labels, strict=True):
            pupil.label = label
            pupil.subjects.sort()
            pupil.absences.sort(key=lambda a: (a[0], a[1] != DayPart.MORNING))
    return sorted(batches.values(), key=lambda b: b.class_name)


async def _add_comments(
    session: AsyncSession, school_id: int, week: TeachingWeek, pupils: dict[int, PupilWeek]
) -> None:
    """Give the pupils their week's comments, the nurse's note and their absences."""
    for comment_id, sid, kind, subject, text in await session.execute(
        select(
            WeeklyComment.id,
            WeeklyComment.student_id,
            WeeklyComment.kind,
            WeeklyComment.subject,
            WeeklyComment.text,
        ).where(WeeklyComment.school_id == school_id, WeeklyComment.week_start == week.start)
    ):
        pupil = pupils.get(sid)
        if pupil is None:
            continue
        if kind is CommentKind.HOMEROOM:
            pupil.homeroom = text
        elif kind is CommentKind.SUBJECT:
            pupil.subjects.append((subject, text))
        else:
            pupil.health, pupil.health_id = text, comment_id
    for sid, day, part, excused in await session.execute(
        select(Absence.student_id, Absence.day, Absence.part, Absence.excused).where(
            Absence.school_id == school_id,
            Absence.day >= week.start,
            Absence.day <= week.start + timedelta(days=6),
        )
    ):
        if sid in pupils:
            pupils[sid].absences.append((day, part, excused))


def drafts_for(batch: ClassBatch, week: TeachingWeek) -> tuple[dict[int, Draft], list[str]]:
    """The class's drafts, and the pupils held back (no comment while the teacher holds them)."""
    drafts: dict[int, Draft] = {}
    held: list[str] = []
    for pupil in batch.pupils:
        if held_back(bool(pupil.homeroom), batch.hold_missing, batch.note):
            held.append(pupil.label or pupil.name)
            continue
        drafts[pupil.student_id] = draft_for(pupil, batch, week)
    return drafts, held


def draft_for(pupil: PupilWeek, batch: ClassBatch, week: TeachingWeek) -> Draft:
    """One pupil's weekly notice in every language, Vietnamese first."""
    texts = {language: compose(pupil, batch, week, translator(language)) for language in LANGUAGES}
    default = texts.pop("vi")
    return Draft(
        KIND,
        default,
        ref(week.start, batch.class_id, pupil.student_id),
        translations=texts,
        buttons=buttons(pupil),
    )


@dataclass(frozen=True, slots=True)
class Preview:
    """What "Gửi ngay" would send for a class: one family's notice as it will read, how many
    pupils have a comment and how many not (and what those get), and from which day it may go."""

    batch: ClassBatch
    sample: PupilWeek | None
    ready: int  # notices that would go
    held: int  # pupils held back: nothing goes for them
    unlinked: int  # families nobody can reach yet
    written: int  # pupils with a homeroom comment
    without: int  # pupils without one
    first_day: date  # the week's last school day: nothing goes before it

    @property
    def note_only(self) -> bool:
        """Pupils without a comment get the class note only (else they are held back)."""
        return not held_back(False, self.batch.hold_missing, self.batch.note)


async def first_sending_day(session: AsyncSession, school_id: int, week: TeachingWeek) -> date:
    """The week's last school day: nothing about the week reaches parents before it."""
    school = await session.get(School, school_id)
    assert school is not None
    return (await load_calendar(session, school, week.start)).last_school_day(week)


async def preview(
    session: AsyncSession, actor: Actor, week: TeachingWeek, class_id: int
) -> Preview | Saved:
    """What "Gửi ngay" would send for the class, for its homeroom teacher, if not sent yet."""
    if not may_send(actor, actor.school_id, [class_id]):
        return Saved.NOT_ALLOWED
    batches = await gather(session, actor.school_id, week, [class_id])
    if not batches:  # not a class of the school
        return Saved.NOT_ALLOWED
    (batch,) = batches
    if batch.sent:
        return Saved.ALREADY_SENT
    drafts, held = drafts_for(batch, week)
    written = [p for p in batch.pupils if p.homeroom]
    sample = written[0] if written else (batch.pupils[0] if batch.pupils else None)
    _total, unlinked = await unlinked_families(session, class_id)
    return Preview(
        batch,
        sample,
        len(drafts),
        len(held),
        len(unlinked),
        len(written),
        len(batch.pupils) - len(written),
        await first_sending_day(session, actor.school_id, week),
    )


async def sent_at(session: AsyncSession, class_id: int, week: TeachingWeek) -> datetime | None:
    """When the class's week went out, if it did."""
    return await session.scalar(
        select(ClassWeek.sent_at).where(
            ClassWeek.class_id == class_id, ClassWeek.week_start == week.start
        )
    )


async def send_week(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    sender: Actor | TheSchool,
    *,
    class_ids: Collection[int] | None = None,
    now: datetime,
) -> list[ClassSent]:
    """Enqueue the week's notices of every class not sent yet; return what each class got.

    The sender is the school (the Friday schedule, every class) or a homeroom teacher ("Gửi
    ngay", their own class); anyone else raises NotYourClass before anything is written. Before
    the week's last school day (in the school's time zone) it raises TooEarly: nothing about a
    week reaches parents before the week has been lived. The classes are claimed first
    (`claim`): a class that another sender claimed, even one still in its transaction, is
    reported as already sent and gets nothing from this call.
    """
    if not may_send(sender, school_id, class_ids):
        raise NotYourClass(class_ids)
    school = await session.get(School, school_id)
    assert school is not None
    first_day = await first_sending_day(session, school_id, week)
    if now.astimezone(ZoneInfo(school.timezone)).date() < first_day:
        raise TooEarly(first_day)
    by = sender_account(sender)
    claimed = await claim(session, school_id, week, class_ids, by, now)
    batches = await gather(session, school_id, week, class_ids)
    results: list[ClassSent] = []
    drafts: dict[int, Draft] = {}
    class_of: dict[int, ClassSent] = {}
    for batch in batches:
        mine = batch.class_id in claimed
        result = ClassSent(
            batch.class_id,
            batch.class_name,
            batch.teacher_staff_id,
            len(batch.pupils),
            already_sent=not mine,
        )
        results.append(result)
        if not mine:
            continue
        queued, result.held = drafts_for(batch, week)
        drafts |= queued
        class_of |= dict.fromkeys(queued, result)
    outcome = await enqueue_per_pupil(session, school_id, drafts, created_by=by, now=now)
    names = {p.student_id: p.label or p.name for b in batches for p in b.pupils}
    for pupil in outcome.notices:
        class_of[pupil].notices += 1
        class_of[pupil].deliveries += outcome.deliveries[pupil]
    for pupil in outcome.not_linked:
        class_of[pupil].not_linked.append(names[pupil])
    return results
