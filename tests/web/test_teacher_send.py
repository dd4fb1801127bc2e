"""The grid's "Xem trước" and "Gửi": the chat's preview and confirmation, the week's last school
day rule on the bot's clock, one sending, a late comment as an addendum; the staff's landing."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import Notice, School
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_menus_leaders import PRINCIPAL
from tests.web.teacher import (
    JSON,
    WEEK_13,
    WEEK_14,
    class_pupils,
    comment_of,
    on_2026_calendar,
    post_row,
    sent_at,
    sign_in_again,
    signed_in,
)

CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A


async def notices(session: AsyncSession, school: School, kind: str = "weekly") -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.school_id == school.id, Notice.kind == kind)
    )
    return int(count or 0)


async def test_the_week_goes_once_after_its_last_school_day_and_a_late_comment_follows(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, vn(2026, 12, 3, 20, 0))  # Thursday evening of week 13
    school = await on_2026_calendar(session, lists)
    mother = await linked_person(make_person, *MOTHER)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    pupils = dict((name, i) for i, name in await class_pupils(session, school, "1A"))
    child = pupils[CHILD]
    ok = await post_row(browser, csrf, child, comment="Con đọc to, rõ ràng <3.")
    assert ok.json()["ok"] is True
    # Thursday: the preview shows the family's notice and says when it may go; "Gửi" refuses.
    shown = await browser.get("/teacher/preview")
    assert shown.status_code == 200
    assert "Con đọc to, rõ ràng &lt;3." in shown.text and CHILD in shown.text
    assert "chỉ được gửi từ Thứ Sáu, 04/12/2026" in shown.text
    early = await browser.get(f"/teacher/send?week={WEEK_13.start}")
    assert early.status_code == 409 and "chỉ được gửi từ" in early.text
    refused = await browser.post("/teacher/send", data={"csrf": csrf, "week": "2026-11-30"})
    assert refused.status_code == 409
    assert (
        await sent_at(session, child, WEEK_13.start) is None and await notices(session, school) == 0
    )

    clock.set(vn(2026, 12, 4, 7, 30))  # Friday morning, the week's last school day (one session)
    asked = await browser.get(f"/teacher/send?week={WEEK_13.start}")
    assert asked.status_code == 200
    total = len(pupils)
    assert "Có nhận xét: 1 học sinh." in asked.text
    assert f"Chưa có nhận xét: {total - 1} học sinh; các em được tạm giữ" in asked.text
    forged = await browser.post("/teacher/send", data={"week": "2026-11-30"})
    assert forged.status_code == 403 and await notices(session, school) == 0
    sent = await browser.post("/teacher/send", data={"csrf": csrf, "week": "2026-11-30"})
    assert sent.status_code == 200 and 'id="sent"' in sent.text
    assert await sent_at(session, child, WEEK_13.start) is not None
    assert await notices(session, school) == 1  # the others are held back (no comment, no note)
    assert await notices(session, school, "weekly_teacher") == 1  # the chat's summary
    await send_outbox(web_bot)
    got = await mother.next_message(timeout=10)
    assert "Con đọc to, rõ ràng &lt;3." in got["text"] or "Con đọc to, rõ ràng <3." in got["text"]
    again = await browser.post("/teacher/send", data={"csrf": csrf, "week": "2026-11-30"})
    assert again.status_code == 409 and "đã được gửi lúc" in again.text
    assert await notices(session, school) == 1

    # After the notice: the change is kept and the family gets it as an addendum.
    late = await post_row(browser, csrf, child, comment="Con đọc to; cần viết chữ đều hơn.")
    assert late.json()["ok"] is True and late.json()["told"], late.json()
    assert await comment_of(session, child) == "Con đọc to; cần viết chữ đều hơn."
    grid = await browser.get("/teacher")
    assert 'class="notice"' in grid.text  # the grid says the week was sent


async def test_saturday_writes_the_week_just_ended_and_sunday_cannot_send_the_next(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, vn(2026, 12, 5, 9, 0))  # Saturday
    school = await on_2026_calendar(session, lists)
    teacher = await linked_person(make_person, *TEACHER_1A)
    csrf = await sign_in_again(teacher, browser)
    ((pupil, _name), *_rest) = await class_pupils(session, school, "1A")
    grid = await browser.get("/teacher")
    assert 'name="week" value="2026-11-30"' in grid.text  # the week just ended
    assert 'name="day" value="2026-12-04"' in grid.text  # its Friday's attendance
    assert (await post_row(browser, csrf, pupil, comment="Tuần qua con ngoan.")).json()["ok"]
    assert await comment_of(session, pupil, WEEK_13.start) == "Tuần qua con ngoan."

    clock.set(vn(2026, 12, 6, 20, 0))  # Sunday evening: the coming week cannot go
    assert (await post_row(browser, csrf, pupil, comment="x")).status_code == 403  # expired
    csrf = await sign_in_again(teacher, browser)
    coming = await browser.get(f"/teacher/send?week={WEEK_14.start}")
    assert coming.status_code == 409 and "chỉ được gửi từ" in coming.text
    posted = await browser.post("/teacher/send", data={"csrf": csrf, "week": "2026-12-07"})
    assert posted.status_code == 409
    assert await sent_at(session, pupil, WEEK_14.start) is None
    assert await notices(session, school) == 0
    # A week that is no teaching week's Monday reaches nothing.
    odd = await browser.post("/teacher/send", data={"csrf": csrf, "week": "2026-12-08"})
    assert odd.status_code == 404
    # Sunday still writes the week just ended, whose page says so.
    assert 'value="2026-11-30"' in (await browser.get("/teacher")).text
    late = await post_row(browser, csrf, pupil, week=WEEK_13.start, comment="Chủ nhật sửa.")
    assert late.json()["ok"] is True


async def test_the_staff_landing_leads_to_the_grid_or_the_dashboard(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
) -> None:
    await signed_in(make_person, browser, TEACHER_1A)
    home = await browser.get("/")
    assert 'href="/teacher"' in home.text and 'href="/dashboard"' not in home.text
    async with httpx.AsyncClient(transport=browser._transport, base_url=browser.base_url) as other:
        await signed_in(make_person, other, PRINCIPAL)
        leader = await other.get("/")
        assert 'href="/dashboard"' in leader.text and 'href="/teacher"' not in leader.text
        assert (await other.get("/teacher")).status_code == 404
        sent = await other.post("/teacher/send", data={"week": "2026-11-30"}, headers=JSON)
        assert sent.status_code == 404
