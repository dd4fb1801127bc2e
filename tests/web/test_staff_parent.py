"""A member of staff who is also a parent lands on the family page; its header leads to their
own pages (the grid for a homeroom teacher, the dashboard for a leader) by the same checks as
the staff's landing page, and a parent alone sees no such link."""

from __future__ import annotations

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import Guardian, School, TelegramAccount
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.e2e.test_menus_leaders import PRINCIPAL
from tests.web.conftest import sign_in, web_link

CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A


async def also_parent_of_childs(session: AsyncSession, school: School, person_id: int) -> None:
    """Make the linked staff account also the guardian who is the mother on the lists."""
    guardian = await session.scalar(
        select(Guardian.id).where(Guardian.school_id == school.id, Guardian.phone == MOTHER[1])
    )
    assert guardian is not None
    await session.execute(
        update(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == person_id)
        .values(guardian_id=guardian)
    )
    await session.commit()


async def test_a_homeroom_teacher_who_is_a_parent_finds_her_grid(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await also_parent_of_childs(session, lists, teacher.person_id)
    secret, _code = await web_link(teacher)
    assert (await sign_in(browser, secret)).status_code == 303
    home = await browser.get("/")
    assert home.status_code == 200 and CHILD in home.text  # the family page
    assert 'href="/teacher"' in home.text and 'href="/dashboard"' not in home.text
    assert (await browser.get("/teacher")).status_code == 200
    assert (await browser.get("/dashboard")).status_code == 403


async def test_a_principal_who_is_a_parent_finds_the_dashboard(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    principal = await linked_person(make_person, *PRINCIPAL)
    await also_parent_of_childs(session, lists, principal.person_id)
    secret, _code = await web_link(principal)
    assert (await sign_in(browser, secret)).status_code == 303
    home = await browser.get("/")
    assert CHILD in home.text
    assert 'href="/dashboard"' in home.text and 'href="/teacher"' not in home.text
    assert (await browser.get("/dashboard")).status_code == 200
    assert (await browser.get("/teacher")).status_code == 404


async def test_a_parent_alone_has_no_staff_link(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    assert (await sign_in(browser, secret)).status_code == 303
    home = await browser.get("/")
    assert CHILD in home.text
    assert 'href="/teacher"' not in home.text and 'href="/dashboard"' not in home.text
    assert (await browser.get("/teacher")).status_code == 404
