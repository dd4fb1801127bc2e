"""The leaders' operations on the book check who acts before they change anything."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import LEADERS_ONLY, PRINCIPAL_ONLY, Period, RuleError
from storage.models import AccountState, Notice, Role, School, TelegramAccount
from tests.features.assessment.test_assessment import YEAR, make_class

NOW = datetime(2027, 1, 20, 3, tzinfo=UTC)
TODAY = date(2027, 1, 20)
_users = itertools.count(700_000_001)


async def person(session: AsyncSession, school: School, *roles: Role) -> Actor:
    """A linked account holding these roles."""
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=next(_users),
        chat_id=1,
        state=AccountState.LINKED,
        failed_codes=0,
    )
    session.add(account)
    await session.flush()
    return Actor(account, frozenset(roles))


async def test_only_the_principal_locks_and_a_refusal_changes_nothing(
    session: AsyncSession, school: School
) -> None:
    await make_class(session, school, "3A")
    vice = await person(session, school, Role.VICE_PRINCIPAL)
    principal = await person(session, school, Role.PRINCIPAL)

    async def lock(actor: Actor) -> None:
        await assessment.change_lock(
            session,
            actor,
            "tg:x",
            school_year=YEAR,
            period=Period.CK1,
            scope="grade:3",
            locked=True,
        )

    with pytest.raises(RuleError) as refused:
        await lock(vice)
    assert refused.value.msgid == PRINCIPAL_ONLY
    assert await assessment.lock_table(session, school.id, YEAR) == {}
    await lock(principal)
    assert await assessment.lock_table(session, school.id, YEAR) == {"ck1": {"grade:3": True}}


async def test_the_year_table_is_for_the_leaders(session: AsyncSession, school: School) -> None:
    teacher = await person(session, school, Role.HOMEROOM)
    vice = await person(session, school, Role.VICE_PRINCIPAL)
    with pytest.raises(RuleError) as refused:
        await assessment.year_table(session, teacher, YEAR, TODAY)
    assert refused.value.msgid == LEADERS_ONLY
    states, _names = await assessment.year_table(session, vice, YEAR, TODAY)
    assert [state.period for state in states] == list(Period)
    assert not any(state.locked or state.published for state in states)
    assert all(state.default_deadline for state in states)


async def test_publishing_queues_one_notice_for_the_families(
    session: AsyncSession, school: School
) -> None:
    principal = await person(session, school, Role.PRINCIPAL)

    async def publish() -> int | None:
        return await assessment.publish_results(
            session, principal, "tg:p", school_year=YEAR, period=Period.CK1, now=NOW
        )

    assert await publish() == 0  # no family is linked in this school
    assert await publish() is None
    notices = list(await session.scalars(select(Notice).where(Notice.school_id == school.id)))
    assert [(n.kind, n.ref) for n in notices] == [
        (assessment.NOTICE_KIND, f"assessment:{YEAR}:ck1")
    ]
    assert "/ketqua" in notices[0].text and "/ketqua" in notices[0].translations["en"]
    assert await assessment.published(session, school.id, YEAR) == [Period.CK1]


async def test_a_deadline_is_checked_then_set_and_reset_to_the_default(
    session: AsyncSession, school: School
) -> None:
    principal = await person(session, school, Role.PRINCIPAL)

    async def change(day: date | None) -> date:
        return await assessment.change_deadline(
            session, principal, "tg:p", school_year=YEAR, period=Period.CK1, day=day, today=TODAY
        )

    with pytest.raises(RuleError):
        await change(date(2027, 1, 19))
    assert await change(date(2027, 2, 1)) == date(2027, 2, 1)
    calendar = await assessment.school_calendar(session, school.id, TODAY)
    assert await assessment.deadline(session, school.id, YEAR, Period.CK1, calendar) == date(
        2027, 2, 1
    )
    assert await change(None) == assessment.default_deadline(calendar, Period.CK1)
