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

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import LANGUAGES, translator
from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.calendar.rules import TeachingWeek
from bot.features.weekly.notice_text import ClassBatch, PupilWeek, buttons, compose
from bot.features.weekly.rules import (
    NotYourClass,
    Saved,
    TheSchool,
    held_back,
    may_send,
    sender_account,
)
from storage.models import (
    Absence,
    ClassWeek,
    CommentKind,
    DayPart,
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
    "drafts_for",
    "gather",
    "preview",
    "ref",
    "send_week",
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
    """Read a week of the school (or of some classes) in five queries."""
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
    for sid, name, cid in await session.execute(
        select(Student.id, Student.full_name, Student.class_id).where(
            Student.school_id == school_id,
            Student.status == StudentStatus.STUDYING,
            Student.class_id.in_(list(batches)),
        )
    ):
        pupils[sid] = PupilWeek(sid, name)
        batches[cid].pupils.append(pupils[sid])
    await _add_comments(session, school_id, week, pupils)
    for batch in batches.values():
        batch.pupils.sort(key=lambda p: class_list_key(split_name(p.name)))
        for pupil in batch.pupils:
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
    languages = {language: translator(language) for language in LANGUAGES}
    for pupil in batch.pupils:
        if held_back(bool(pupil.homeroom), batch.hold_missing, batch.note):
            held.append(pupil.name)
            continue
        texts = {language: compose(pupil, batch, week, _) for language, _ in languages.items()}
        default = texts.pop("vi")
        drafts[pupil.student_id] = Draft(
            KIND,
            default,
            ref(week.start, batch.class_id, pupil.student_id),
            translations=texts,
            buttons=buttons(pupil),
        )
    return drafts, held


@dataclass(frozen=True, slots=True)
class Preview:
    """One family's notice as it will read, and how many are ready, held back or unreachable."""

    batch: ClassBatch
    sample: PupilWeek | None
    ready: int
    held: int
    unlinked: int


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
    written = next((p for p in batch.pupils if p.homeroom), None)
    sample = written or (batch.pupils[0] if batch.pupils else None)
    _total, unlinked = await unlinked_families(session, class_id)
    return Preview(batch, sample, len(drafts), len(held), len(unlinked))


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
    ngay", their own class); anyone else raises NotYourClass before anything is written. The
    classes are claimed first (`claim`): a class that another sender claimed, even one still
    in its transaction, is reported as already sent and gets nothing from this call.
    """
    if not may_send(sender, school_id, class_ids):
        raise NotYourClass(class_ids)
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
    names = {p.student_id: p.name for b in batches for p in b.pupils}
    for pupil in outcome.notices:
        class_of[pupil].notices += 1
        class_of[pupil].deliveries += outcome.deliveries[pupil]
    for pupil in outcome.not_linked:
        class_of[pupil].not_linked.append(names[pupil])
    return results


async def claim(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    class_ids: Collection[int] | None,
    by: int | None,
    now: datetime,
) -> set[int]:
    """Mark the classes' week sent and return the classes this call marked.

    One conditional update (`... WHERE sent_at IS NULL`): on PostgreSQL a second sender's
    update waits for the first's transaction and then finds the rows sent, so of the Friday job
    and a teacher's "Gửi ngay" at the same moment only one queues the notices. The class's row
    is created first where missing, skipping one another sender has just created.
    """
    query = select(SchoolClass.id).where(SchoolClass.school_id == school_id)
    if class_ids is not None:
        query = query.where(SchoolClass.id.in_(list(class_ids)))
    classes = list(await session.scalars(query))
    if not classes:
        return set()
    existing = set(
        await session.scalars(
            select(ClassWeek.class_id).where(
                ClassWeek.week_start == week.start, ClassWeek.class_id.in_(classes)
            )
        )
    )
    missing = [
        {"school_id": school_id, "class_id": c, "week_start": week.start, "hold_missing": False}
        for c in classes
        if c not in existing
    ]
    if missing:
        dialect = session.get_bind().dialect.name
        new_rows = (pg_insert if dialect == "postgresql" else sqlite_insert)(ClassWeek)
        await session.execute(
            new_rows.values(missing).on_conflict_do_nothing(
                index_elements=["class_id", "week_start"]
            )
        )
    marked = await session.execute(
        update(ClassWeek)
        .where(
            ClassWeek.week_start == week.start,
            ClassWeek.class_id.in_(classes),
            ClassWeek.sent_at.is_(None),
        )
        .values(sent_at=now, sent_by=by)
        .returning(ClassWeek.class_id)
    )
    return set(marked.scalars())
