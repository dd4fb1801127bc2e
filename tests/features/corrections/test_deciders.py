"""Who decides and what waits for whom, on the database (bot/features/corrections/deciders.py):
the operations take the actor and refuse with the rules' own message, storing nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor, load_actor
from bot.features.corrections import deciders, rules
from bot.features.corrections.rules import Refused
from bot.features.leave.rules import DayProblem
from storage.models import (
    AccountState,
    AuditEvent,
    LeaderAbsence,
    Role,
    School,
    Staff,
    StaffRole,
    TelegramAccount,
)

MONDAY = date(2026, 11, 23)  # a school day of the year 2026-2027


async def person(session: AsyncSession, school: School, *roles: Role) -> Actor:
    """A member of staff holding `roles`, linked to a Telegram account, as an update sees them."""
    phone = f"09{uuid.uuid4().int % 10**8:08d}"
    staff = Staff(school_id=school.id, full_name=f"Cô {phone[-4:]}", phone=phone)
    session.add(staff)
    await session.flush()
    session.add_all(StaffRole(staff_id=staff.id, role=role) for role in roles)
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=int(uuid.uuid4().int % 10**9),
        chat_id=1,
        state=AccountState.LINKED,
        staff_id=staff.id,
        failed_codes=0,
    )
    session.add(account)
    await session.flush()
    return await load_actor(session, account)


async def absences(session: AsyncSession, school: School) -> int:
    return int(
        await session.scalar(
            select(func.count(LeaderAbsence.id)).where(LeaderAbsence.school_id == school.id)
        )
        or 0
    )


async def test_only_the_principal_records_lists_and_ends_an_absence(
    session: AsyncSession, school: School
) -> None:
    principal = await person(session, school, Role.PRINCIPAL)
    for role in (Role.VICE_PRINCIPAL, Role.ADMIN, Role.HOMEROOM):
        someone = await person(session, school, role)
        with pytest.raises(Refused) as refused:
            await deciders.record_absence(session, someone, "24/11-27/11", today=MONDAY, who="tg:1")
        assert refused.value.msgid == rules.NOT_PRINCIPAL
        with pytest.raises(Refused):
            await deciders.current_absences(session, someone, MONDAY)
        with pytest.raises(Refused):
            await deciders.cancel_absences(session, someone, MONDAY, who="tg:1")
    assert await absences(session, school) == 0

    absence = await deciders.record_absence(
        session, principal, "24/11-27/11", today=MONDAY, who="tg:7"
    )
    assert isinstance(absence, LeaderAbsence)
    assert (absence.first_day, absence.last_day) == (date(2026, 11, 24), date(2026, 11, 27))
    assert absence.staff_id == principal.account.staff_id
    assert absence.created_by == principal.account.id
    assert [a.id for a in await deciders.current_absences(session, principal, MONDAY)] == [
        absence.id
    ]
    assert await deciders.cancel_absences(session, principal, MONDAY, who="tg:7") == 1
    assert await deciders.current_absences(session, principal, MONDAY) == []
    actions = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.school_id == school.id).order_by(AuditEvent.id)
    )
    assert list(actions) == ["principal.absent", "principal.back"]


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ("hôm qua", DayProblem.BAD_FORM),
        ("20/11", DayProblem.PAST),
        ("27/11-24/11", DayProblem.END_BEFORE_START),
        ("24/11-31/12", DayProblem.TOO_LONG),
        ("01/07/2027", DayProblem.OUTSIDE_YEAR),
    ],
)
async def test_days_the_rules_refuse_record_nothing(
    session: AsyncSession, school: School, days: str, problem: DayProblem
) -> None:
    principal = await person(session, school, Role.PRINCIPAL)
    outcome = await deciders.record_absence(session, principal, days, today=MONDAY, who="tg:7")
    assert outcome is problem
    assert await absences(session, school) == 0


async def test_duyet_refuses_whoever_nothing_waits_for_and_follows_the_absence(
    session: AsyncSession, school: School
) -> None:
    principal = await person(session, school, Role.PRINCIPAL)
    vice = await person(session, school, Role.VICE_PRINCIPAL)
    nurse = await person(session, school, Role.MEDICAL)
    teacher = await person(session, school, Role.HOMEROOM)
    for someone in (vice, nurse):
        with pytest.raises(Refused) as refused:
            await deciders.waiting_for(session, someone, MONDAY)
        assert refused.value.msgid == rules.NOT_DECIDER
    assert await deciders.waiting_for(session, principal, MONDAY) == deciders.Waiting([], [], [])
    assert await deciders.waiting_for(session, teacher, MONDAY) == deciders.Waiting([], [], [])

    await deciders.record_absence(session, principal, "23/11", today=MONDAY, who="tg:7")
    assert await deciders.waiting_for(session, vice, MONDAY) == deciders.Waiting([], [], [])
    with pytest.raises(Refused):
        await deciders.waiting_for(session, principal, MONDAY)
