"""The weekly notice: one message per pupil to each linked guardian, composed in bulk.

A whole school's week is read in a fixed number of queries (classes, class weeks, pupils,
comments, absences) and stored through `enqueue_per_pupil`, so 2,000 pupils cost what 30 do.
Each notice carries only its own pupil's data: it is addressed to that pupil's guardians.
It never ranks or compares pupils (domain-vn.md 1.2).
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import pack
from bot.core.datefmt import weekday
from bot.core.i18n import LANGUAGES, N_, Translator, translator
from bot.delivery.outbox import REPLY, Draft, enqueue_per_pupil
from bot.features.calendar.queries import TeachingWeek
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
from storage.subjects import SUBJECTS

KIND = "weekly"
HEALTH_NOTE = N_("Health note")
PARTS = {DayPart.MORNING: N_("morning"), DayPart.AFTERNOON: N_("afternoon")}


@dataclass(slots=True)
class PupilWeek:
    """What one pupil's notice says."""

    student_id: int
    name: str
    homeroom: str | None = None
    subjects: list[tuple[str, str]] = field(default_factory=list)
    health: str | None = None
    health_id: int | None = None  # the nurse's note, shown behind HEALTH_NOTE's button
    absences: list[tuple[date, DayPart, bool]] = field(default_factory=list)


@dataclass(slots=True)
class ClassBatch:
    """One class's week: its pupils, note, choice for pupils without a comment, and state."""

    class_id: int
    class_name: str
    teacher: str | None
    teacher_staff_id: int | None
    note: str | None = None
    hold_missing: bool = False
    sent: bool = False
    exists: bool = False
    pupils: list[PupilWeek] = field(default_factory=list)


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
    for batch in batches.values():
        batch.pupils.sort(key=lambda p: class_list_key(split_name(p.name)))
        for pupil in batch.pupils:
            pupil.subjects.sort()
            pupil.absences.sort(key=lambda a: (a[0], a[1] != DayPart.MORNING))
    return sorted(batches.values(), key=lambda b: b.class_name)


def attendance(pupil: PupilWeek, _: Translator) -> str:
    """ "Đi học đầy đủ." or the sessions missed, each with its day and whether excused."""
    if not pupil.absences:
        return _("Present every day this week.")
    items = [
        _("{weekday} {date} ({part}, {excused})").format(
            weekday=weekday(day, _),
            date=day.strftime("%d/%m"),
            part=_(PARTS[part]),
            excused=_("excused") if excused else _("not excused"),
        )
        for day, part, excused in pupil.absences
    ]
    count = len(pupil.absences)
    return (
        _.ngettext("Absent {count} session: {list}.", "Absent {count} sessions: {list}.", count)
    ).format(count=count, list="; ".join(items))


def compose(pupil: PupilWeek, batch: ClassBatch, week: TeachingWeek, _: Translator) -> str:
    """One pupil's weekly notice as Telegram HTML; user text is escaped."""
    lines = [
        "<b>"
        + _("Contact book, week {number} ({start}–{end})").format(
            number=week.number,
            start=week.start.strftime("%d/%m"),
            end=week.end.strftime("%d/%m/%Y"),
        )
        + "</b>",
        _("Pupil: {name}, class {class_name}").format(
            name=f"<b>{html.escape(pupil.name)}</b>", class_name=html.escape(batch.class_name)
        ),
    ]
    if pupil.homeroom:
        lines += ["", _bold(_("Homeroom teacher’s comment")), html.escape(pupil.homeroom)]
    if pupil.subjects:
        lines += ["", _bold(_("Subject teachers’ comments"))]
        lines += [
            f"• {html.escape(SUBJECTS.get(code, (code,))[0])}: {html.escape(text)}"
            for code, text in pupil.subjects
        ]
    lines += ["", _bold(_("Attendance")) + ": " + html.escape(attendance(pupil, _))]
    if pupil.health:
        # The note itself stays behind the button: notices show in previews (design.md 5).
        there = _("The school nurse wrote a note this week; press “{button}” to read it.")
        lines += [_bold(_("Health")) + ": " + html.escape(there.format(button=_(HEALTH_NOTE)))]
    if batch.note:
        lines += ["", _bold(_("Note to all families of the class")), html.escape(batch.note)]
    if batch.teacher:
        lines += [
            "",
            "<i>"
            + html.escape(
                _("{teacher}, homeroom teacher of class {class_name}").format(
                    teacher=batch.teacher, class_name=batch.class_name
                )
            )
            + "</i>",
        ]
    return "\n".join(lines)


def _bold(text: str) -> str:
    return f"<b>{html.escape(text)}</b>"


def buttons(pupil: PupilWeek) -> list[tuple[str, str]]:
    """The notice's buttons: the nurse's note, if any, and "Phản hồi"."""
    if pupil.health and pupil.health_id is not None:
        return [(HEALTH_NOTE, pack("hlth", "wn", pupil.health_id)), REPLY]
    return [REPLY]


def drafts_for(batch: ClassBatch, week: TeachingWeek) -> tuple[dict[int, Draft], list[str]]:
    """The class's drafts, and the pupils held back (no comment while the teacher holds them)."""
    drafts: dict[int, Draft] = {}
    held: list[str] = []
    languages = {language: translator(language) for language in LANGUAGES}
    for pupil in batch.pupils:
        if not pupil.homeroom and (batch.hold_missing or not batch.note):
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


async def send_week(
    session: AsyncSession,
    school_id: int,
    week: TeachingWeek,
    *,
    class_ids: Collection[int] | None = None,
    by: int | None = None,
    now: datetime,
) -> list[ClassSent]:
    """Enqueue the week's notices of every class not sent yet; return what each class got.

    The classes are claimed first (`claim`): a class that another sender claimed, even one
    still in its transaction, is reported as already sent and gets nothing from this call.
    """
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
