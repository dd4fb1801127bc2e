"""What each school does through its own bot: people link, the homeroom teacher sends an
urgent message, Friday's notice goes by the schedule, a parent writes to the teacher and asks
leave, the nurse imports check-ups, a correction goes through to its minutes, the clerk asks
for the archive."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import CommentKind, WeeklyComment
from tests.district.isolation_world import (
    SHARED_MOTHER,
    Campus,
    link,
    person,
    pupil_ids,
)
from tests.e2e.conftest import vn
from tests.e2e.test_feedback import press_step
from tests.e2e.test_weekly import WEEK_13

URGENT = "Học sinh lớp 3A nghỉ học ngày mai vì bão."


async def people(sandbox: RunningSandbox, http: httpx.AsyncClient, campuses: list[Campus]) -> None:
    """Every school's staff and three families link; the mother of two schools is one
    Telegram user who links through both bots."""
    shared_user: int | None = None
    for campus in campuses:
        spec = campus.spec
        for key, staff in zip(
            ("principal", "admin", "nurse", "clerk", "teacher"), spec.staff, strict=True
        ):
            campus.people[key] = await person(sandbox, http, campus, staff.name, staff.phone)
        rows = {int(str(row[0])): row for row in spec.pupils}
        campus.people["father1"] = await person(
            sandbox, http, campus, str(rows[1][6]), str(rows[1][7])
        )
        campus.people["mother3"] = await person(
            sandbox, http, campus, str(rows[3][8]), str(rows[3][9])
        )
        shared = spec.index in (1, 2)
        campus.people["mother2"] = await person(
            sandbox,
            http,
            campus,
            str(rows[2][8]),
            str(rows[2][9]),
            user_id=shared_user if shared else None,
        )
        if shared:
            assert str(rows[2][9]) == SHARED_MOTHER[1]
            shared_user = campus.people["mother2"].person_id
    for campus in campuses:  # one school after the other: the shared mother is one person
        for client in campus.people.values():
            await link(client)


async def urgent(campus: Campus) -> None:
    """The 3A homeroom teacher's /khan, sent at once; the families receive it."""
    teacher = campus.people["teacher"]
    await teacher.command("khan")
    prompt = await teacher.next_message(timeout=10, new_only=True)
    assert "3A" in prompt["text"], prompt["text"]
    await teacher.send(URGENT)
    preview = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Gửi ngay", message_id=preview["message_id"])
    confirmation = await teacher.next_message(timeout=10)
    assert confirmation["event"] == "edit", confirmation
    assert await campus.send() == 3  # three linked families in 3A


async def weekly_comments(engine: AsyncEngine, campus: Campus) -> None:
    """Week 13's comments of every 3A pupil (written as /nhanxet would store them)."""
    pupils = await pupil_ids(engine, campus.school_id)
    async with session_factory(engine)() as session:
        session.add_all(
            WeeklyComment(
                school_id=campus.school_id,
                student_id=student_id,
                week_start=WEEK_13.start,
                kind=CommentKind.HOMEROOM,
                text=f"Tuần này {name} đọc to, rõ ràng.",
            )
            for name, student_id in pupils.items()
        )
        await session.commit()


async def friday(campus: Campus) -> None:
    """The bot's clock moved to Friday 16:31: the schedule sends week 13's notices."""
    assert await campus.clock.run_until(vn(2026, 12, 4, 16, 31)) >= 1
    assert await campus.send() >= 3


async def feedback(engine: AsyncEngine, campus: Campus) -> None:
    """The mother of pupil 3 (her only child) writes to the homeroom teacher, who receives it."""
    mother, teacher = campus.people["mother3"], campus.people["teacher"]
    await mother.skip_pending()
    await teacher.skip_pending()
    await mother.command("gopy")
    screen = await mother.next_message(timeout=10, new_only=True)
    for step in ("to:0", "topic:study"):
        await press_step(mother, screen, f"v1:fb:{step}")
        screen = await mother.next_message(timeout=10)
    await mother.send(f"Nhờ cô nhắc {campus.spec.marker} Bảo mang áo mưa.")
    offer = await mother.next_message(timeout=10, new_only=True)
    await press_step(mother, offer, "v1:fb:send")
    await mother.next_message(timeout=10)
    assert await campus.send() == 1
    received = await teacher.next_message(timeout=10, new_only=True)
    assert "áo mưa" in received["text"] and "3A" in received["text"], received["text"]


async def the_days_after(campus: Campus) -> None:
    """The clock moved on to Tuesday morning: Saturday's summary to the leaders and the
    reminders of the school days run by each school's schedule, and are sent."""
    assert await campus.clock.run_until(vn(2026, 12, 8, 8, 0)) >= 3
    await campus.send()
    summaries = [
        m["text"] or ""
        for m in await campus.people["principal"].messages()
        if "tổng hợp" in (m["text"] or "")
    ]
    assert summaries and all("3A" in text for text in summaries), summaries


async def personal_data(campus: Campus) -> None:
    """/dulieu's export for two parents (one of them a mother in two schools): the JSON and
    the workbook of what the school keeps about them."""
    for key in ("mother2", "mother3"):
        parent = campus.people[key]
        await parent.skip_pending()
        await parent.command("dulieu")
        await parent.next_message(timeout=10, new_only=True)
        await parent.press("Tải dữ liệu của tôi")
        files = [await parent.next_message(timeout=10, new_only=True) for _ in range(2)]
        names = sorted(message["file"]["file_name"] for message in files)
        assert names[1] == "du-lieu-cua-toi.xlsx", names
