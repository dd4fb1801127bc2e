"""A week of a school's life for the leaders' dashboard: week 12 (23/11-29/11/2026), with the
numbers each chart must show (`EXPECTED`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.weekly.notices import ref
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Delivery,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    HealthCheck,
    LeavePart,
    LeaveRequest,
    RequestState,
    School,
    SchoolClass,
    Staff,
    Student,
)
from tests.e2e.conftest import SCHOOL_ZONE, TEACHER_1A, TEACHER_3B, send_outbox, vn

NOW = vn(2026, 11, 27, 15)  # Friday of week 12
MONDAY = date(2026, 11, 23)
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE_PRINCIPAL = ("Nguyễn Thị Hồng", "+84901078852")

# chart key -> {row label: values}, as the English msgids show them.
EXPECTED: dict[str, dict[str, tuple[int, ...]]] = {
    "notices": {"1A": (1, 1), "3B": (1, 0)},
    "feedback": {"Study": (0, 1, 1), "Health": (1, 0, 0), "Boarding": (0, 0, 0)},
    "leave": {"Waiting for the teacher": (1,), "Confirmed": (1,), "Refused": (0,)},
    "corr-month": {"10/2026": (1,), "11/2026": (2,)},
    "corr-teacher": {TEACHER_1A[0]: (2,), TEACHER_3B[0]: (1,)},
    # normal, thinness... in Nutrition's order, then "no z-score"
    "bmi": {"Grade 1": (0, 1, 1, 0, 0, 0), "Grade 3": (0, 0, 0, 0, 1, 0)},
    "eyes": {"Grade 1": (1, 1, 0), "Grade 3": (0, 0, 1)},
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), SCHOOL_ZONE).astimezone(UTC)


async def pupils(session: AsyncSession, school: School, klass: str) -> list[Student]:
    found = await session.scalars(
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.school_id == school.id, SchoolClass.name == klass)
        .order_by(Student.id)
    )
    return list(found)


async def staff_id(session: AsyncSession, school: School, phone: str) -> int:
    found = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.phone == phone)
    )
    assert found is not None
    return found


async def weekly_notices(
    application: BotApplication, session: AsyncSession, school: School, children: list[Student]
) -> None:
    """This week's notice for each child (their linked mother receives it), the first seen."""
    drafts = {
        child.id: Draft(
            "weekly", f"Tuần 12: {child.full_name}", ref(MONDAY, child.class_id, child.id)
        )
        for child in children
    }
    outcome = await enqueue_per_pupil(session, school.id, drafts, now=NOW)
    await session.commit()
    await send_outbox(application)
    await session.execute(
        update(Delivery)
        .where(Delivery.notice_id == outcome.notices[children[0].id])
        .values(read_at=NOW)
    )
    await session.commit()


def feedback(
    school: School,
    pupil: Student,
    topic: FeedbackTopic,
    state: FeedbackState,
    day: date,
    reminded: bool = False,
) -> Feedback:
    return Feedback(
        school_id=school.id,
        student_id=pupil.id,
        class_id=pupil.class_id,
        topic=topic,
        state=state,
        reminded_at=at(day, 10) if reminded else None,
        created_at=at(day),
    )


async def feedback_items(session: AsyncSession, school: School, pupil: Student) -> None:
    """Study: one overdue (reminded), one open in time; health: one answered; one from before
    the week (not counted)."""
    items = [
        feedback(school, pupil, FeedbackTopic.STUDY, FeedbackState.OPEN, date(2026, 11, 23), True),
        feedback(school, pupil, FeedbackTopic.STUDY, FeedbackState.OPEN, date(2026, 11, 26)),
        feedback(school, pupil, FeedbackTopic.HEALTH, FeedbackState.ANSWERED, date(2026, 11, 24)),
        feedback(school, pupil, FeedbackTopic.BOARDING, FeedbackState.OPEN, date(2026, 11, 10)),
    ]
    session.add_all(items)
    await session.flush()
    session.add_all(
        FeedbackMessage(
            school_id=school.id,
            feedback_id=item.id,
            from_parent=True,
            text="Xin cô xem giúp ạ.",
            created_at=item.created_at,
        )
        for item in items
    )


def leave(
    school: School, pupil: Student, first: date, last: date, state: RequestState
) -> LeaveRequest:
    return LeaveRequest(
        school_id=school.id,
        student_id=pupil.id,
        class_id=pupil.class_id,
        first_day=first,
        last_day=last,
        part=LeavePart.ALL_DAY,
        reason="Con bị sốt.",
        state=state,
    )


def correction(
    school: School, pupil: Student, teacher: int, day: date, item: str
) -> CorrectionRequest:
    return CorrectionRequest(
        school_id=school.id,
        school_year="2026-2027",
        student_id=pupil.id,
        class_id=pupil.class_id,
        period="gk1",
        kind=AssessmentKind.SCORE,
        item=item,
        old_value="7",
        new_value="8",
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Nhập nhầm dòng.",
        state=CorrectionState.PENDING,
        requested_by=teacher,
        created_at=at(day),
    )


def check(
    school: School, pupil: Student, day: date, nutrition: str, left: str | None
) -> HealthCheck:
    return HealthCheck(
        school_id=school.id,
        student_id=pupil.id,
        measured_on=day,
        height_cm=120.0,
        weight_kg=22.0,
        vision_left=left,
        vision_right=left and "10/10",
        bmi=15.3,
        bmi_z=0.1,
        height_z=0.2,
        nutrition=nutrition,
        stunted=False,
    )


async def seed(
    application: BotApplication, session: AsyncSession, school: School, children: list[Student]
) -> None:
    """Everything `EXPECTED` counts (`children`: the linked mother's, in 1A and 3B)."""
    await weekly_notices(application, session, school, children)
    in_1a, in_3b = await pupils(session, school, "1A"), await pupils(session, school, "3B")
    await feedback_items(session, school, in_1a[0])
    session.add_all(
        [
            leave(school, in_1a[0], date(2026, 11, 26), date(2026, 11, 26), RequestState.PENDING),
            leave(school, in_1a[1], date(2026, 11, 20), date(2026, 11, 24), RequestState.APPROVED),
            leave(school, in_3b[0], date(2026, 12, 2), date(2026, 12, 2), RequestState.REJECTED),
        ]
    )
    first, third = (
        await staff_id(session, school, TEACHER_1A[1]),
        await staff_id(session, school, TEACHER_3B[1]),
    )
    session.add_all(
        [
            correction(school, in_1a[0], first, date(2026, 11, 2), "TOAN"),
            correction(school, in_1a[1], first, date(2026, 11, 25), "TOAN"),
            correction(school, in_3b[0], third, date(2026, 10, 20), "TV"),
            correction(school, in_3b[1], third, date(2026, 12, 1), "TV"),  # after the week
        ]
    )
    session.add_all(
        [
            check(school, in_1a[0], date(2026, 9, 20), "obesity", "10/10"),  # superseded
            check(school, in_1a[0], date(2026, 10, 15), "normal", "10/10"),
            check(school, in_1a[1], date(2026, 10, 15), "thinness", "7/10"),
            check(school, in_3b[0], date(2026, 10, 16), "obesity", None),
            check(school, in_3b[1], date(2026, 12, 1), "normal", "10/10"),  # after the week
        ]
    )
    await session.commit()
