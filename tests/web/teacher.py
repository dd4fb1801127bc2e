"""What the teacher's grid tests share: the 2026–2027 calendar, a signed-in teacher, posts."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.calendar.rules import Calendar
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    Absence,
    ClassWeek,
    CommentKind,
    DayPart,
    School,
    SchoolClass,
    Student,
    WeeklyComment,
)
from tests.e2e.conftest import linked_person
from tests.web.conftest import csrf_of, sign_in, web_link

WEEK_13 = Calendar(date(2026, 9, 7)).weeks()[12]  # 30/11–04/12/2026
WEEK_14 = Calendar(date(2026, 9, 7)).weeks()[13]  # 07/12–11/12/2026
JSON = {"Accept": "application/json"}


async def on_2026_calendar(session: AsyncSession, school: School) -> School:
    school.year_start = date(2026, 9, 7)
    session.add(school)
    await session.commit()
    return school


async def class_pupils(session: AsyncSession, school: School, name: str) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Student.id, Student.full_name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.school_id == school.id, SchoolClass.name == name)
    )
    return [(i, n) for i, n in rows]


async def signed_in(
    make_person: PersonFactory, browser: httpx.AsyncClient, who: tuple[str, str]
) -> str:
    """Link the person, sign in on the web with /web's link; the grid's form token."""
    return await sign_in_again(await linked_person(make_person, *who), browser)


async def sign_in_again(person: PersonClient, browser: httpx.AsyncClient) -> str:
    """A new link from /web (a session lasts hours, not days); the form token."""
    secret, _code = await web_link(person)
    assert (await sign_in(browser, secret)).status_code == 303
    return csrf_of(await browser.get("/"))


async def post_row(
    browser: httpx.AsyncClient, csrf: str, pupil: int, week: date = WEEK_13.start, **fields: Any
) -> httpx.Response:
    data = {"csrf": csrf, "week": week.isoformat(), "pupil": str(pupil), **fields}
    return await browser.post("/teacher/row", data=data, headers=JSON)


async def comment_of(session: AsyncSession, pupil: int, week: date = WEEK_13.start) -> str | None:
    await session.commit()
    return await session.scalar(
        select(WeeklyComment.text).where(
            WeeklyComment.student_id == pupil,
            WeeklyComment.week_start == week,
            WeeklyComment.kind == CommentKind.HOMEROOM,
        )
    )


async def absences_of(session: AsyncSession, pupil: int) -> dict[tuple[date, DayPart], bool]:
    await session.commit()
    rows = await session.scalars(select(Absence).where(Absence.student_id == pupil))
    return {(row.day, row.part): row.excused for row in rows}


async def sent_at(session: AsyncSession, pupil: int, week: date) -> object:
    await session.commit()
    class_id = await session.scalar(select(Student.class_id).where(Student.id == pupil))
    return await session.scalar(
        select(ClassWeek.sent_at).where(
            ClassWeek.class_id == class_id, ClassWeek.week_start == week
        )
    )
