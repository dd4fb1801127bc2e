"""Two transactions at the same moment: two presses of one button on two devices, the last two
signatures of a correction, the Friday job and a teacher's "Gửi ngay".

Each race is played step by step: A does its step and keeps its transaction open; B starts the
same step and goes as far as the database lets it (on PostgreSQL, until it finished or waits
for a lock A holds); A commits; B finishes and commits. B must then find what A did: refused,
or a no-op. SQLite has a single writer, so there B simply comes after A; the interleaving is
meaningful on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest_asyncio
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.core.access import Actor, load_actor
from bot.features.administration.imports import import_roster, import_staff
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import TeachingWeek
from bot.features.corrections import steps as correction_steps
from bot.features.corrections.queries import Refused, Stale
from bot.features.corrections.steps import Decision
from bot.features.weekly import queries as weekly
from bot.features.weekly.notices import KIND as WEEKLY
from bot.features.weekly.notices import send_week
from bot.features.weekly.rules import SCHOOL
from storage.db import session_factory
from storage.models import (
    AccountState,
    AssessmentKind,
    AuditEvent,
    ClassWeek,
    CorrectionReason,
    CorrectionRequest,
    CorrectionSignature,
    CorrectionState,
    Delivery,
    Guardian,
    Notice,
    School,
    SchoolClass,
    Staff,
    Student,
    TelegramAccount,
)
from tests.factories import shared_file

YEAR = "2026-2027"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Friday 10:00 in Hà Nội
WEEK = TeachingWeek(12, 1, date(2026, 11, 23), date(2026, 11, 27))
TOAN = Item(AssessmentKind.SCORE, "TOAN")
PHONES = {
    "principal": "+84789183623",
    "admin": "+84931149131",
    "teacher": "+84784437323",  # homeroom teacher of 1A
    "mother": "+84841860913",  # of two 1A pupils
}
_users = itertools.count(930_000)

Step = Callable[[AsyncSession], Awaitable[Any]]


@pytest_asyncio.fixture
async def lists(session: AsyncSession, school: School) -> School:
    """The shared sample roster and staff list."""
    roster = await import_roster(
        session, school, shared_file("roster.xlsx"), today=date(2026, 11, 23), actor="test"
    )
    staff = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    assert not roster.refused and not staff.refused
    await session.commit()
    return school


async def account_of(session: AsyncSession, school: School, who: str) -> int:
    """A linked account for one of the people above; its id."""
    model = Guardian if who == "mother" else Staff
    person = await session.scalar(
        select(model.id).where(model.school_id == school.id, model.phone == PHONES[who])
    )
    assert person is not None
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=next(_users),
        state=AccountState.LINKED,
        failed_codes=0,
        guardian_id=person if who == "mother" else None,
        staff_id=None if who == "mother" else person,
    )
    session.add(account)
    await session.commit()
    return account.id


async def actor(session: AsyncSession, account_id: int) -> Actor:
    """The person's actor, read in this session (each side of a race has its own)."""
    account = await session.get(TelegramAccount, account_id)
    assert account is not None
    return await load_actor(session, account)


async def race(engine: AsyncEngine, first: Step, second: Step) -> tuple[Any, Any]:
    """Play `first` (A) and `second` (B) interleaved; each one's result or its refusal."""
    sessions = session_factory(engine)
    postgres = engine.dialect.name == "postgresql"
    ready, go = asyncio.Event(), asyncio.Event()
    pid: list[int] = []

    async def run(step: Step, mine: list[int] | None = None) -> Any:
        async with sessions() as session:
            if postgres and mine is not None:
                mine.append(int(await session.scalar(text("SELECT pg_backend_pid()")) or 0))
            try:
                result = await step(session)
            except (Refused, Stale) as error:
                result = error
            if mine is None:  # A keeps its transaction open until B has gone as far as it can
                ready.set()
                await go.wait()
            await session.commit()
            return result

    a = asyncio.create_task(run(first))
    await ready.wait()
    if not postgres:
        go.set()
        return await a, await run(second, pid)
    b = asyncio.create_task(run(second, pid))
    await _finished_or_waiting(engine, b, pid)
    go.set()
    return await a, await b


async def _finished_or_waiting(
    engine: AsyncEngine, task: asyncio.Task[Any], pid: list[int]
) -> None:
    """Wait until B has finished its step or waits for a lock that A holds."""
    async with engine.connect() as watcher:
        for _ in range(1000):
            if task.done():
                return
            if pid:
                waiting = await watcher.scalar(
                    text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": pid[0]},
                )
                await watcher.rollback()  # the activity view is read afresh in each transaction
                if waiting == "Lock":
                    return
            await asyncio.sleep(0.01)
    raise AssertionError("B neither finished nor waited for A")


# Corrections ------------------------------------------------------------------------------------


async def correction(
    session: AsyncSession, school: School, state: CorrectionState, **done: int | None
) -> int:
    """A request for a 1A pupil's CN Toán score, 8 → 9, in `state`; the book holds 8."""
    pupil = await session.scalar(
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.school_id == school.id, SchoolClass.name == "1A")
        .order_by(Student.id)
        .limit(1)
    )
    assert pupil is not None
    await assessment.record(
        session,
        school_id=school.id,
        student_id=pupil.id,
        class_id=pupil.class_id,
        school_year=YEAR,
        period=Period.CN,
        values={TOAN: "8"},
        by=None,
    )
    request = CorrectionRequest(
        school_id=school.id,
        school_year=YEAR,
        student_id=pupil.id,
        class_id=pupil.class_id,
        period=Period.CN.value,
        kind=TOAN.kind,
        item=TOAN.code,
        old_value="8",
        new_value="9",
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Nhập nhầm.",
        state=state,
        open_key=f"{pupil.id}:{YEAR}:cn:{TOAN.key}",
        requested_by=done.get("teacher_staff"),
        requester_account=done.get("teacher"),
        decided_by=done.get("principal_staff"),
        applied_by=done.get("admin_staff"),
        created_at=NOW,
    )
    session.add(request)
    await session.commit()
    return request.id


async def staff_of(session: AsyncSession, account_id: int) -> int | None:
    return await session.scalar(
        select(TelegramAccount.staff_id).where(TelegramAccount.id == account_id)
    )


async def audits(session: AsyncSession, action: str, request_id: int) -> int:
    await session.rollback()
    count = await session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.entity_id == str(request_id)
        )
    )
    return int(count or 0)


async def test_two_approvals_at_once_decide_once(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    principal = await account_of(session, lists, "principal")
    rid = await correction(session, lists, CorrectionState.PENDING)

    async def approve(s: AsyncSession) -> CorrectionRequest:
        return await correction_steps.decide(
            s,
            await actor(s, principal),
            rid,
            Decision.APPROVE,
            note=None,
            now=NOW,
            today=NOW.date(),
            who="tg:principal",
        )

    first, second = await race(engine, approve, approve)
    assert isinstance(first, CorrectionRequest) and first.state is CorrectionState.APPROVED
    assert isinstance(second, Stale), second
    assert await audits(session, "correction.approve", rid) == 1


async def test_updated_pressed_on_two_devices_applies_once(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    admin = await account_of(session, lists, "admin")
    rid = await correction(
        session, lists, CorrectionState.APPROVED, admin_staff=await staff_of(session, admin)
    )

    async def apply(s: AsyncSession) -> CorrectionRequest:
        return await correction_steps.apply(s, await actor(s, admin), rid, now=NOW, who="tg:a")

    first, second = await race(engine, apply, apply)
    assert isinstance(first, CorrectionRequest) and first.state is CorrectionState.APPLIED
    assert isinstance(second, Stale) and second.request.state is CorrectionState.APPLIED
    await session.rollback()
    applied = await session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "correction.applied",
            AuditEvent.entity_id.like(f"%:{YEAR}:cn:{TOAN.key}"),
            AuditEvent.school_id == lists.id,
        )
    )
    assert applied == 1


async def test_the_last_two_signatures_at_once_complete_the_request_once(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    principal = await account_of(session, lists, "principal")
    admin = await account_of(session, lists, "admin")
    teacher = await account_of(session, lists, "teacher")
    rid = await correction(
        session,
        lists,
        CorrectionState.APPLIED,
        principal_staff=await staff_of(session, principal),
        admin_staff=await staff_of(session, admin),
        teacher_staff=await staff_of(session, teacher),
        teacher=teacher,
    )
    session.add(CorrectionSignature(request_id=rid, role="principal", name="HT", signed_at=NOW))
    await session.commit()

    def signs(account: int, role: str) -> Step:
        async def step(s: AsyncSession) -> bool:
            _request, complete = await correction_steps.sign(
                s, await actor(s, account), rid, role, now=NOW, who=f"tg:{role}"
            )
            return complete

        return step

    first, second = await race(engine, signs(admin, "admin"), signs(teacher, "teacher"))
    assert (first, second) == (False, True)  # the later one sees all three and completes
    await session.rollback()
    request = await session.get(CorrectionRequest, rid, populate_existing=True)
    assert request is not None and request.state is CorrectionState.SIGNED
    assert request.open_key is None and request.completed_at is not None
    roles = set(
        await session.scalars(
            select(CorrectionSignature.role).where(CorrectionSignature.request_id == rid)
        )
    )
    assert roles == {"principal", "admin", "teacher"}


# The weekly notice ------------------------------------------------------------------------------


async def class_1a(session: AsyncSession, school: School) -> int:
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    assert found is not None
    return found


async def weekly_rows(session: AsyncSession, class_id: int) -> tuple[int, int]:
    """(notices, deliveries) of class 1A's weekly notice this week."""
    await session.rollback()
    refs = Notice.ref.like(f"{WEEKLY}:{WEEK.start.isoformat()}:{class_id}:%")
    notices = await session.scalar(select(func.count(Notice.id)).where(refs))
    deliveries = await session.scalar(
        select(func.count(Delivery.id)).join(Notice, Notice.id == Delivery.notice_id).where(refs)
    )
    return int(notices or 0), int(deliveries or 0)


async def test_the_friday_job_and_send_now_at_once_queue_each_family_once(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    teacher = await account_of(session, lists, "teacher")
    await account_of(session, lists, "mother")
    klass = await class_1a(session, lists)
    session.add(
        ClassWeek(school_id=lists.id, class_id=klass, week_start=WEEK.start, note="Họp lớp.")
    )
    await session.commit()

    async def job(s: AsyncSession) -> list[Any]:
        return await send_week(s, lists.id, WEEK, SCHOOL, now=NOW)

    async def press(s: AsyncSession) -> list[Any]:
        return await send_week(
            s, lists.id, WEEK, await actor(s, teacher), class_ids=[klass], now=NOW
        )

    by_job, by_press = await race(engine, job, press)
    (sent,) = [result for result in by_job if result.class_id == klass]
    assert not sent.already_sent and sent.notices == 2, sent  # the mother's two children
    (again,) = by_press
    assert again.already_sent and again.notices == 0, again
    assert await weekly_rows(session, klass) == (2, 2)


async def test_two_send_now_presses_at_once_on_a_week_never_touched(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    teacher = await account_of(session, lists, "teacher")
    await account_of(session, lists, "mother")
    klass = await class_1a(session, lists)
    comments = await weekly.class_pupils(session, klass)
    mine = await actor(session, teacher)
    assert (
        await weekly.save_many(
            session, mine, klass, WEEK.start, {pupil: "Con ngoan." for pupil, _c, _n in comments}
        )
        is weekly.Saved.OK
    )
    # As if the class's week row had never been made: both presses create it.
    await session.execute(delete(ClassWeek).where(ClassWeek.class_id == klass))
    await session.commit()

    async def press(s: AsyncSession) -> list[Any]:
        return await send_week(
            s, lists.id, WEEK, await actor(s, teacher), class_ids=[klass], now=NOW
        )

    (first,), (second,) = await race(engine, press, press)
    assert not first.already_sent and first.notices == 2
    assert second.already_sent and second.notices == 0
    assert await weekly_rows(session, klass) == (2, 2)


async def test_a_comment_saved_while_the_week_goes_out_is_refused(
    engine: AsyncEngine, session: AsyncSession, lists: School
) -> None:
    teacher = await account_of(session, lists, "teacher")
    await account_of(session, lists, "mother")
    klass = await class_1a(session, lists)
    ((pupil, _code, _name), *_rest) = await weekly.class_pupils(session, klass)
    session.add(
        ClassWeek(school_id=lists.id, class_id=klass, week_start=WEEK.start, note="Họp lớp.")
    )
    await session.commit()

    async def job(s: AsyncSession) -> list[Any]:
        return await send_week(s, lists.id, WEEK, SCHOOL, now=NOW)

    async def comment(s: AsyncSession) -> weekly.Saved:
        return await weekly.save_comment(s, await actor(s, teacher), pupil, WEEK.start, "Muộn.")

    _sent, saved = await race(engine, job, comment)
    assert saved is weekly.Saved.ALREADY_SENT
