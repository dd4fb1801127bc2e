"""The teacher's class grid: the week's rows in class-list order, saved cell by cell through the
weekly and attendance features (their limits, their refusals), and nothing for anyone else."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.weekly.rules import COMMENT_LIMIT
from sandbox.pytest_plugin import PersonFactory
from storage.models import DayPart, School, Student
from storage.names import class_list_key, split_name
from tests.e2e.conftest import MOTHER, TEACHER_1A, TEACHER_3B, BotClock, vn
from tests.web.teacher import (
    JSON,
    absences_of,
    class_pupils,
    comment_of,
    on_2026_calendar,
    post_row,
    signed_in,
)

THURSDAY = vn(2026, 12, 3, 10, 0)


async def test_the_grid_shows_the_class_in_list_order_and_saves_each_cell(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    pupils = await class_pupils(session, school, "1A")
    grid = await browser.get("/teacher")
    assert grid.status_code == 200
    ordered = sorted(pupils, key=lambda p: class_list_key(split_name(p[1])))
    shown = re.findall(r'<label for="c(\d+)" class="name">\d+\. ([^<]+)</label>', grid.text)
    assert [int(i) for i, _name in shown] == [i for i, _name in ordered]
    assert 'name="week" value="2026-11-30"' in grid.text  # week 13, the week being written
    assert 'name="day" value="2026-12-03"' in grid.text  # today's attendance
    assert grid.text.count('<option value="4">') == len(pupils)  # the chat's five phrases
    (pupil, _name), (second, _other) = ordered[0], ordered[1]

    saved = await post_row(browser, csrf, pupil, comment="  Con đọc to, rõ ràng.  ")
    assert saved.status_code == 200 and saved.json()["ok"] is True, saved.text
    assert await comment_of(session, pupil) == "Con đọc to, rõ ràng."
    # A quick phrase, in the teacher's language, as the chat's button saves it.
    assert (await post_row(browser, csrf, second, phrase="1")).json()["ok"] is True
    assert await comment_of(session, second) not in (None, "")

    marked = await post_row(browser, csrf, pupil, day="2026-12-03", morning="excused")
    assert marked.json()["ok"] is True
    assert await absences_of(session, pupil) == {(date(2026, 12, 3), DayPart.MORNING): True}
    both = await post_row(
        browser, csrf, pupil, day="2026-12-03", morning="unexcused", afternoon="excused"
    )
    assert both.json()["ok"] is True
    assert await absences_of(session, pupil) == {
        (date(2026, 12, 3), DayPart.MORNING): False,
        (date(2026, 12, 3), DayPart.AFTERNOON): True,
    }
    await post_row(browser, csrf, pupil, day="2026-12-03", morning="present", afternoon="present")
    assert await absences_of(session, pupil) == {}
    again = await browser.get("/teacher?day=2026-12-01")
    assert 'name="day" value="2026-12-01"' in again.text
    assert "Con đọc to, rõ ràng." in again.text


async def test_a_refused_text_is_kept_with_the_reason_and_changes_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    ((pupil, _name), *_rest) = await class_pupils(session, school, "1A")
    long_text = "Con ngoan. " * (COMMENT_LIMIT // 10 + 1)
    refused = await post_row(browser, csrf, pupil, comment=long_text)
    assert refused.status_code == 422 and refused.json()["ok"] is False
    assert str(COMMENT_LIMIT) in refused.json()["message"]
    assert await comment_of(session, pupil) is None
    # An empty box where nothing was written is no change; emptying a comment is refused.
    assert (await post_row(browser, csrf, pupil, comment="  ")).json()["ok"] is True
    assert await comment_of(session, pupil) is None
    await post_row(browser, csrf, pupil, comment="Con chăm.")
    emptied = await post_row(browser, csrf, pupil, comment="")
    assert emptied.status_code == 422
    assert await comment_of(session, pupil) == "Con chăm."
    # Without JavaScript: the grid again, the typed text in its box and the reason by it.
    plain = await browser.post(
        "/teacher/row",
        data={"csrf": csrf, "week": "2026-11-30", "pupil": str(pupil), "comment": long_text},
    )
    assert plain.status_code == 422
    assert long_text.strip() in plain.text and 'class="error"' in plain.text
    assert await comment_of(session, pupil) == "Con chăm."
    # A day in the future or outside the week reaches nothing.
    future = await post_row(browser, csrf, pupil, day="2026-12-04", morning="excused")
    assert future.status_code == 404
    assert await absences_of(session, pupil) == {}
    wrong = await post_row(browser, csrf, pupil, day="2026-12-03", morning="sick")
    assert wrong.status_code == 404
    # Saved without JavaScript: back to the grid at the row.
    ok = await browser.post(
        "/teacher/row",
        data={"csrf": csrf, "week": "2026-11-30", "pupil": str(pupil), "comment": "Giỏi."},
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"/teacher#p{pupil}")
    assert await comment_of(session, pupil) == "Giỏi."


async def test_only_the_classs_teacher_reaches_it_and_every_post_needs_the_token(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    ((other, _name), *_rest) = await class_pupils(session, school, "3B")
    ((mine, _mine), *_rest) = await class_pupils(session, school, "1A")
    for fields in ({"comment": "Không phải lớp tôi."}, {"day": "2026-12-03", "morning": "excused"}):
        stranger = await post_row(browser, csrf, other, **fields)
        assert stranger.status_code == 404
    assert await comment_of(session, other) is None and await absences_of(session, other) == {}
    assert (await post_row(browser, csrf, 10**11, comment="x")).status_code == 404
    assert (await post_row(browser, csrf, int("9" * 13), comment="x")).status_code == 404
    forged = await post_row(browser, "0" * 64, mine, comment="Không có mã.")
    assert forged.status_code == 403
    missing = await browser.post(
        "/teacher/row", data={"week": "2026-11-30", "pupil": str(mine), "comment": "x"}
    )
    assert missing.status_code == 403
    note = await browser.post("/teacher/note", data={"week": "2026-11-30", "note": "x"})
    assert note.status_code == 403
    assert await comment_of(session, mine) is None
    # An old week's page (not this week's nor the one before) is out of date.
    old = await post_row(browser, csrf, mine, week=date(2026, 11, 16), comment="Cũ.")
    assert old.status_code == 409
    assert await comment_of(session, mine, date(2026, 11, 16)) is None

    # The teacher of 3B sees 3B's grid, not 1A's; a parent and a stranger see none.
    other_browser = httpx.AsyncClient(transport=browser._transport, base_url=browser.base_url)
    async with other_browser:
        csrf_3b = await signed_in(make_person, other_browser, TEACHER_3B)
        grid = await other_browser.get("/teacher")
        assert f'id="c{other}"' in grid.text and f'id="c{mine}"' not in grid.text
        assert (await post_row(other_browser, csrf_3b, mine, comment="x")).status_code == 404
    async with httpx.AsyncClient(transport=browser._transport, base_url=browser.base_url) as p:
        await signed_in(make_person, p, MOTHER)
        assert (await p.get("/teacher")).status_code == 404
        assert (await p.get("/teacher/preview")).status_code == 404
    async with httpx.AsyncClient(transport=browser._transport, base_url=browser.base_url) as s:
        assert 'name="secret"' in (await s.get("/teacher")).text  # the sign-in page
        blind = await s.post("/teacher/row", data={"pupil": str(mine)}, headers=JSON)
        assert blind.status_code == 403
    assert await comment_of(session, mine) is None


async def test_the_class_note_is_saved_and_a_namesake_is_told_apart(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, THURSDAY)
    await on_2026_calendar(session, lists)
    csrf = await signed_in(make_person, browser, TEACHER_1A)
    data = {"csrf": csrf, "week": "2026-11-30", "note": "Thứ Bảy họp phụ huynh <8 giờ>."}
    saved = await browser.post("/teacher/note", data=data, headers=JSON)
    assert saved.json()["ok"] is True
    grid = await browser.get("/teacher")
    assert "Thứ Bảy họp phụ huynh &lt;8 giờ&gt;." in grid.text
    too_long = {**data, "note": "x" * 1001}
    refused = await browser.post("/teacher/note", data=too_long, headers=JSON)
    assert refused.status_code == 422
    assert "&lt;8 giờ&gt;" in (await browser.get("/teacher")).text
    # A namesake joins the class: both are told apart by their birth dates, as in chat.
    ((pupil, name), *_rest) = await class_pupils(session, lists, "1A")
    first = await session.get(Student, pupil)
    assert first is not None and first.birth_date is not None
    twin = Student(
        school_id=lists.id,
        student_code="7999999999",
        full_name=first.full_name,
        family_name=first.family_name,
        middle_name=first.middle_name,
        given_name=first.given_name,
        search_key=first.search_key,
        birth_date=first.birth_date + timedelta(days=40),
        class_id=first.class_id,
    )
    session.add(twin)
    await session.commit()
    labels = re.findall(r'class="name">\d+\. ([^<]+)</label>', (await browser.get("/teacher")).text)
    assert f"{name} ({first.birth_date:%d/%m/%Y})" in labels
    assert f"{name} ({twin.birth_date:%d/%m/%Y})" in labels
