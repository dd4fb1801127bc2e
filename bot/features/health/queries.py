"""Health queries: check-up results stored with BMI-for-age (WHO 2007) and each family told,
a record shown only to those who may see the child's health, school-wide notices, and the
nurse's look-ups. Session first, never a commit; the rules are checked here, with the actor.

Parents get a short notice without any figure (it shows in previews, design.md section 5) and
open the details with a button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import translator
from bot.delivery.audience import Audience, resolve
from bot.delivery.outbox import REPLY, BulkOutcome, Draft, enqueue_notice, enqueue_per_pupil
from bot.features.calendar.queries import TeachingWeek, load_calendar
from bot.features.health.buttons import CheckDetails
from bot.features.health.documents import HealthRow
from bot.features.health.growth import Growth, assess
from bot.features.health.notices import SEE_DETAILS, alert_html, notice_text
from bot.features.health.rules import alert_problem, alert_sender, may_alert, may_record
from bot.features.health.senders import Sender, sender
from bot.features.weekly.queries import class_pupils
from storage.models import (
    CommentKind,
    HealthCheck,
    Notice,
    School,
    SchoolClass,
    Student,
    StudentStatus,
    WeeklyComment,
)
from storage.queries import audit

KIND = "health"
ALERT_KIND = "health_alert"


def screen(student: Student, measured_on: date, height_cm: float, weight_kg: float) -> Growth:
    """BMI and, when the birth date and gender are known, the WHO 2007 z-scores."""
    if student.birth_date is None or student.gender is None:
        bmi = round(weight_kg / (height_cm / 100) ** 2, 1)
        return Growth(0, bmi, None, None, None, None)
    return assess(student.gender, student.birth_date, measured_on, height_cm, weight_kg)


async def _pupils_by_code(session: AsyncSession, actor: Actor, class_id: int) -> dict[str, Student]:
    klass = await session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != actor.school_id:
        raise ValueError(f"class {class_id} is not in this school")
    pupils = await session.scalars(
        select(Student).where(
            Student.class_id == class_id, Student.status == StudentStatus.STUDYING
        )
    )
    return {pupil.student_code: pupil for pupil in pupils}


def _check(student: Student, row: HealthRow, measured_on: date) -> HealthCheck:
    growth = screen(student, measured_on, row.height_cm, row.weight_kg)
    return HealthCheck(
        school_id=student.school_id,
        student_id=student.id,
        measured_on=measured_on,
        height_cm=row.height_cm,
        weight_kg=row.weight_kg,
        vision_left=row.vision_left,
        vision_right=row.vision_right,
        vision_left_glasses=row.vision_left_glasses,
        vision_right_glasses=row.vision_right_glasses,
        teeth=row.teeth,
        spine=row.spine,
        notes=row.notes,
        bmi=growth.bmi,
        bmi_z=growth.bmi_z,
        height_z=growth.height_z,
        nutrition=growth.nutrition.value if growth.nutrition else None,
        stunted=growth.stunted,
    )


async def assess_rows(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    rows: Sequence[HealthRow],
    measured_on: date,
) -> list[HealthCheck]:
    """The checks the rows would store, not added to the session (a dry run)."""
    if not may_record(actor):
        raise PermissionError("only the school nurse records health checks")
    pupils = await _pupils_by_code(session, actor, class_id)
    missing = [row.student_code for row in rows if row.student_code not in pupils]
    if missing:
        raise ValueError(f"not pupils of class {class_id}: {missing}")
    return [_check(pupils[row.student_code], row, measured_on) for row in rows]


async def record_checks(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    rows: Sequence[HealthRow],
    measured_on: date,
    who: str,
) -> list[HealthCheck]:
    """Store a class's results with BMI-for-age; only the nurse, only pupils of that class."""
    checks = await assess_rows(session, actor, class_id, rows, measured_on)
    for check in checks:
        check.recorded_by = actor.account.id
    session.add_all(checks)
    await session.flush()
    audit(
        session,
        school_id=actor.school_id,
        actor=who,
        action="health.recorded",
        entity="class",
        entity_id=class_id,
        after={"measured_on": measured_on.isoformat(), "count": len(checks)},
    )
    return checks


@dataclass(frozen=True, slots=True)
class Recorded:
    """Results stored and queued for the families: how many, and who has no linked family."""

    checks: list[HealthCheck]
    notified: int
    not_linked: list[str]  # the pupils' names, in class-list order


async def record_and_notify(
    session: AsyncSession,
    actor: Actor,
    class_id: int,
    rows: Sequence[HealthRow],
    measured_on: date,
    now: datetime,
) -> Recorded:
    """Store a class's results and queue each pupil's notice for that pupil's guardians."""
    who = f"tg:{actor.account.telegram_user_id}"
    checks = await record_checks(session, actor, class_id, rows, measured_on, who)
    outcome = await notify(session, actor.school_id, checks, actor.account.id, now)
    checked = {check.student_id for check in checks}
    unlinked = [
        name
        for pupil, _code, name in await class_pupils(session, class_id)
        if pupil in checked and pupil in outcome.not_linked
    ]
    return Recorded(checks, len(outcome.notices), unlinked)


async def notify(
    session: AsyncSession,
    school_id: int,
    checks: Sequence[HealthCheck],
    created_by: int | None,
    now: datetime,
) -> BulkOutcome:
    """Queue one short notice per pupil for that pupil's guardians, with a details button,
    under the school's name and the nurse's (`created_by`, the nurse who recorded them)."""
    names = await _names(session, [check.student_id for check in checks])
    signed = await sender(session, school_id, created_by)
    vi, en = translator("vi"), translator("en")
    drafts = {
        check.student_id: Draft(
            KIND,
            notice_text(check, *names[check.student_id], signed, vi),
            f"health:{check.id}",
            translations={"en": notice_text(check, *names[check.student_id], signed, en)},
            buttons=[(SEE_DETAILS, CheckDetails(check.id).data()), REPLY],
        )
        for check in checks
    }
    return await enqueue_per_pupil(session, school_id, drafts, created_by=created_by, now=now)


async def _names(session: AsyncSession, student_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = await session.execute(
        select(Student.id, Student.full_name, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.id.in_(list(student_ids)))
    )
    return {pupil: (name, klass) for pupil, name, klass in rows}


async def check_for(
    session: AsyncSession, actor: Actor, check_id: int
) -> tuple[HealthCheck, str, str] | None:
    """A check with the pupil's name and class, if this person may see the child's health."""
    check = await session.get(HealthCheck, check_id)
    if check is None or check.school_id != actor.school_id:
        return None
    pupil = await _pupil_shown(session, actor, check.student_id)
    return None if pupil is None else (check, *pupil)


async def note_for(
    session: AsyncSession, actor: Actor, comment_id: int
) -> tuple[WeeklyComment, str, str] | None:
    """The nurse's weekly note with the pupil's name and class, if this person may see it."""
    note = await session.get(WeeklyComment, comment_id)
    if note is None or note.school_id != actor.school_id or note.kind is not CommentKind.HEALTH:
        return None
    pupil = await _pupil_shown(session, actor, note.student_id)
    return None if pupil is None else (note, *pupil)


async def _pupil_shown(
    session: AsyncSession, actor: Actor, student_id: int
) -> tuple[str, str] | None:
    """The pupil's name and class, if this person may see the child's health."""
    found = (
        await session.execute(
            select(Student.full_name, Student.class_id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id == student_id)
        )
    ).first()
    if found is None:
        return None
    name, class_id, class_name = found
    if not actor.can_see_health(student_id, class_id):
        return None
    return name, class_name


async def school_families(session: AsyncSession, school_id: int) -> int:
    """How many accounts a school-wide notice to families would reach."""
    return len((await resolve(session, school_id, Audience.school())).accounts)


async def alert_signature(session: AsyncSession, actor: Actor) -> Sender:
    """Who a school-wide health notice is from: the school, and the nurse by name or the
    school's leaders (the principal)."""
    return await sender(session, actor.school_id, actor.account.id, alert_sender(actor))


def alert_ref(actor: Actor, token: int) -> str:
    """The `Notice.ref` of the notice typed in message `token`: a late press finds it."""
    return f"health_alert:{actor.account.id}:{token}"


async def sent_alert(session: AsyncSession, actor: Actor, token: int) -> Notice | None:
    """The school-wide notice this person typed in message `token`, if it was sent."""
    if not token:
        return None
    return await session.scalar(
        select(Notice).where(
            Notice.school_id == actor.school_id, Notice.ref == alert_ref(actor, token)
        )
    )


async def saved_today(session: AsyncSession, actor: Actor, student_id: int, today: date) -> bool:
    """Whether this nurse saved results for this pupil today (a late "Xác nhận" finds them)."""
    found = await session.scalar(
        select(HealthCheck.id).where(
            HealthCheck.school_id == actor.school_id,
            HealthCheck.student_id == student_id,
            HealthCheck.recorded_by == actor.account.id,
            HealthCheck.measured_on == today,
        )
    )
    return found is not None


async def school_alert(
    session: AsyncSession, actor: Actor, text: str, now: datetime, token: int = 0
) -> Notice | None:
    """Queue a health notice for every family of the school; None if refused."""
    if not may_alert(actor) or alert_problem(text) is not None:
        return None
    signed = await alert_signature(session, actor)
    notice = await enqueue_notice(
        session,
        actor.school_id,
        Audience.school(),
        ALERT_KIND,
        alert_html(text, translator("vi"), signed),
        report_to=actor.account.chat_id,
        created_by=actor.account.id,
        now=now,
    )
    notice.translations = {"en": alert_html(text, translator("en"), signed)}
    notice.ref = alert_ref(actor, token) if token else None
    notice.buttons = [list(REPLY)]
    audit(
        session,
        school_id=actor.school_id,
        actor=f"tg:{actor.account.telegram_user_id}",
        action="health.alert",
        entity="notice",
        entity_id=notice.id,
    )
    return notice


async def nurse_class(session: AsyncSession, actor: Actor, class_id: int) -> SchoolClass | None:
    """A class of the nurse's school; None for anyone but the nurse, or another school's class."""
    if not may_record(actor):
        return None
    klass = await session.get(SchoolClass, class_id)
    return klass if klass is not None and klass.school_id == actor.school_id else None


async def nurse_pupil(session: AsyncSession, actor: Actor, student_id: int) -> Student | None:
    """A pupil studying in the nurse's school; None for anyone but the nurse, or any other."""
    if not may_record(actor):
        return None
    pupil = await session.get(Student, student_id)
    if (
        pupil is None
        or pupil.school_id != actor.school_id
        or pupil.status != StudentStatus.STUDYING
    ):
        return None
    return pupil


async def teaching_week(session: AsyncSession, school_id: int, today: date) -> TeachingWeek | None:
    """The week a weekly health note is written for; None when the calendar has none ahead."""
    school = await session.get(School, school_id)
    assert school is not None
    return (await load_calendar(session, school, today)).working_week(today)
