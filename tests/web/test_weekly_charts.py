"""The Saturday summary's photos: the dashboard's charts of the week as PNG, to the principal and
the vice principal only, each captioned with its numbers in words, the very numbers the
dashboard's tables show (one copy of the figures, bot/features/weekly/figures.py)."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import chart_png
from bot.core.context import BotApplication
from bot.features.weekly.jobs import summarise_due
from bot.features.weekly.pictures import week_chart
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import Notice, School, Staff, TelegramAccount
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.web.conftest import sign_in, web_link
from tests.web.dashboard_seed import EXPECTED, MONDAY, NOW, PRINCIPAL, VICE_PRINCIPAL, seed
from tests.web.test_dashboard import children, dashboard, tables_of

SATURDAY_0900 = vn(2026, 11, 28, 9, 0)  # the Saturday of week 12 (23/11-29/11/2026)


def photos(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["from_bot"] and (m.get("file") or {}).get("kind") == "photo"]


async def download(sandbox: RunningSandbox, message: dict[str, Any]) -> bytes:
    async with httpx.AsyncClient() as http:
        return (await http.get(sandbox.url + message["file"]["url"])).content


async def speaks_english(session: AsyncSession, school: School, phone: str) -> None:
    staff = select(Staff.id).where(Staff.school_id == school.id, Staff.phone == phone)
    await session.execute(
        update(TelegramAccount)
        .where(TelegramAccount.staff_id == staff.scalar_subquery())
        .values(language="en")
    )
    await session.commit()


async def saturday_nine(application: BotApplication, clock: BotClock, school: School) -> None:
    """Saturday 09:00 on the bot's clock: the summary's job runs (as the schedule runs it in
    the sending process; this test bot does not send by itself), then the sender sends."""
    clock.set(SATURDAY_0900)
    services = application.bot_data["services"]
    await summarise_due(services.sessions, school.id, clock())
    clock.advance(minutes=1)
    await send_outbox(application)


async def test_the_leaders_get_the_weeks_charts_as_photos_with_their_numbers_in_words(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, NOW)
    mother = await linked_person(make_person, *MOTHER)
    await seed(web_bot, session, lists, await children(session, lists))
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    vice = await linked_person(make_person, *VICE_PRINCIPAL)
    await speaks_english(session, lists, VICE_PRINCIPAL[1])
    secret, _code = await web_link(principal)  # the dashboard, to compare
    assert (await sign_in(browser, secret)).status_code == 303
    shown = tables_of((await dashboard(browser, "week-12")).text)

    await saturday_nine(web_bot, clock, lists)

    # The text summary comes first, as before; then one photo per chart.
    said = [m["text"] or "" for m in await principal.messages() if m["from_bot"]]
    assert any("tổng hợp" in text for text in said), said
    pictures = photos(await principal.messages())
    assert [p["caption"].splitlines()[0] for p in pictures] == [
        "Sổ liên lạc tuần đã gửi đến và đã xem, theo lớp",
        "Góp ý của phụ huynh theo chủ đề và tình trạng",
    ], [p["caption"] for p in pictures]
    notices_vi, feedback_vi = (p["caption"] for p in pictures)
    assert "1A: Đã gửi đến 1, Đã xem 1" in notices_vi, notices_vi
    assert "3B: Đã gửi đến 1, Đã xem 0" in notices_vi, notices_vi
    assert "Học tập: Đã trả lời 0, Chưa trả lời 1, Quá hạn 1" in feedback_vi, feedback_vi
    assert "Sức khỏe: Đã trả lời 1, Chưa trả lời 0, Quá hạn 0" in feedback_vi, feedback_vi

    # The vice principal reads English: the same numbers as the dashboard's tables (the msgids).
    english = [p["caption"] for p in photos(await vice.messages())]
    assert len(english) == 2, english
    for caption, key in zip(english, ("notices", "feedback"), strict=True):
        in_caption = captioned(caption)
        for label, values in EXPECTED[key].items():
            table = tuple(int(cell) for cell in shown[f"{key}-table"][label][: len(values)])
            assert table == values
            assert in_caption.get(label, (0,) * len(values)) == values, (label, caption)
    assert "Nothing for: " in english[1] and "Boarding" in english[1].split("Nothing for: ")[1]

    # Each photo is a PNG of the drawing's size, as the sandbox (strict sendPhoto) stored it.
    for picture, name in zip(pictures, ("notices", "feedback"), strict=True):
        chart = await week_chart(session, lists.id, MONDAY, name, SATURDAY_0900, "vi")
        image = Image.open(io.BytesIO(await download(sandbox, picture)))
        assert image.format == "PNG"
        assert image.size == chart_png.size(chart) and image.size[0] == 720
    # Nobody else gets them: not the teacher, not the family.
    assert photos(await teacher.messages()) == [] and photos(await mother.messages()) == []
    await session.commit()
    kinds = await session.scalars(select(Notice.kind).where(Notice.school_id == lists.id))
    assert sorted(k for k in kinds if k == "weekly_chart") == ["weekly_chart"] * 2


def captioned(caption: str) -> dict[str, tuple[int, ...]]:
    """The rows a caption says in words: "1A: Delivered 1, Seen 1" -> {"1A": (1, 1)}."""
    rows = {}
    for line in caption.splitlines():
        label, colon, values = line.partition(": ")
        numbers = re.findall(r" (\d+)(?:,|$)", values)
        if colon and numbers and not line.startswith("Nothing for"):
            rows[label] = tuple(int(n) for n in numbers)
    return rows


async def test_a_week_with_nothing_sent_gets_the_summary_and_no_empty_chart(
    web_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, NOW)
    principal: PersonClient = await linked_person(make_person, *PRINCIPAL)

    await saturday_nine(web_bot, clock, lists)

    said = [m["text"] or "" for m in await principal.messages() if m["from_bot"]]
    summary = [text for text in said if "tổng hợp" in text]
    assert summary and "1A: nhận xét 0/" in summary[0] and "đã gửi 0" in summary[0], said
    assert photos(await principal.messages()) == []
    clock.advance(days=1)  # nothing is left waiting to be drawn
    assert await send_outbox(web_bot) == 0
