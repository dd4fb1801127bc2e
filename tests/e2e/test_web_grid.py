"""The teacher's class grid in real Chromium at 360x640: opened as a Mini App, ten comments and
the day's attendance typed and saved as typed, a refused text kept with its reason, "Xem trước",
"Gửi ngay" and "Xác nhận"; the Mini App closes itself and the family gets the notice through
the sandbox. Without JavaScript the grid reads and a row saves with its button. Screenshots in
the test's tmp dir (web-grid*.png)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.web_access.rules import sign_init_data
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from storage.models import DayPart, School
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_web_family import CHROMIUM, FLAGS, PHONE, layout_of, site
from tests.web.conftest import web_bot, web_link
from tests.web.teacher import absences_of, class_pupils, comment_of, on_2026_calendar

__all__ = ["site", "web_bot"]

CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A
FRIDAY = vn(2026, 12, 4, 7, 30)  # the last school day of week 13 (30/11–04/12/2026)
THEME = {"bg_color": "#ffffff", "text_color": "#1b1b1b", "button_color": "#2481cc"}
# Telegram's webview bridge, as the phone apps provide it: the page's events are recorded.
BRIDGE = """window.__events = [];
window.TelegramWebviewProxy = { postEvent: function (type) { window.__events.push(type); } };"""

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


def mini_app_address(site: str, teacher: PersonClient, token: str) -> str:
    """/app?next=teacher as "Nhập cả lớp" opens it, with init data signed for this bot."""
    user = {"id": teacher.person_id, "first_name": "Thu", "language_code": "vi"}
    fields = {
        "auth_date": str(int(FRIDAY.timestamp())),
        "query_id": f"AAG{teacher.person_id}",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
    }
    hash_part = urlencode(
        {"tgWebAppData": sign_init_data(fields, token), "tgWebAppThemeParams": json.dumps(THEME)}
    )
    return f"{site}/app?next=teacher#{hash_part}"


async def all_saved(page: Any, rows: list[int]) -> None:
    """Wait until each of these rows says "Đã lưu" (the grid's data-saved)."""
    await page.wait_for_function(
        """ids => ids.every(id => document.querySelector('#p' + id + ' .state').textContent
                .startsWith(document.getElementById('grid').dataset.saved))""",
        arg=rows,
        timeout=15_000,
    )


async def fill_grid(page: Any, pupils: list[int], child: int) -> None:
    """Ten comments (one from a quick phrase), the child absent this morning with leave."""
    for index, pupil in enumerate(pupils):
        box = page.locator(f"#c{pupil}")
        if index == 1:
            await page.locator(f"#p{pupil} select.phrase").select_option("0")
        else:
            await box.fill(f"Tuần này con học tốt, số {index + 1}.")
    await page.locator(f"#p{child} select[name=morning]").select_option("excused")
    await page.locator(f"#p{pupils[2]} select[name=afternoon]").select_option("unexcused")
    await all_saved(page, pupils)


async def test_a_teacher_fills_the_grid_and_the_families_get_the_notice(
    web_bot: BotApplication,
    site: str,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    BotClock(web_bot, FRIDAY)
    school = await on_2026_calendar(session, lists)
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    pupils = {name: i for i, name in await class_pupils(session, school, "1A")}
    child = pupils[CHILD]
    ten = [child, *[i for i in pupils.values() if i != child][:9]]
    others = [i for i in pupils.values() if i not in ten]
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            await phone.add_init_script(BRIDGE)
            page = await phone.new_page()
            await page.goto(mini_app_address(site, teacher, sandbox_bot.token))
            await page.locator("#grid").wait_for(timeout=10_000)
            assert page.url.endswith("/teacher")
            await page.screenshot(path=str(tmp_path / "web-grid-empty.png"))
            await fill_grid(page, ten, child)
            # Too long: refused with the reason, the text still in its box.
            too_long = "Con ngoan. " * 100
            await page.locator(f"#c{others[0]}").fill(too_long)
            await page.locator(f"#p{others[0]} .state.error").wait_for(timeout=10_000)
            assert await page.locator(f"#c{others[0]}").input_value() == too_long
            await page.screenshot(path=str(tmp_path / "web-grid.png"), full_page=True)
            await page.locator(f"#p{ten[3]}").screenshot(path=str(tmp_path / "web-grid-row.png"))
            layout = await layout_of(page)
            assert layout["scroll"] <= PHONE["width"], layout
            assert layout["smallest"] >= 16, layout
            for pupil in ten:
                assert await comment_of(session, pupil) not in (None, "")
            assert await comment_of(session, others[0]) is None
            assert await absences_of(session, child) == {(date(2026, 12, 4), DayPart.MORNING): True}

            await page.locator("#send a.button").click()
            await page.locator(".notice .text").wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-grid-preview.png"), full_page=True)
            await page.locator(".actions a.button").click()
            await page.locator("form button.primary").wait_for(timeout=10_000)
            assert "10" in await page.locator("ul.plain").inner_text()  # with a comment: 10
            await page.screenshot(path=str(tmp_path / "web-grid-confirm.png"))
            await page.locator("form button.primary").click()
            await page.locator("#sent").wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-grid-sent.png"))
            await page.wait_for_function(
                "() => window.__events.includes('web_app_close')", timeout=5_000
            )
        finally:
            await browser.close()
    await send_outbox(web_bot)
    notice = await mother.next_message(timeout=10)
    assert "Tuần này con học tốt, số 1." in notice["text"], notice["text"]
    assert CHILD in notice["text"]


async def test_without_javascript_the_grid_reads_and_a_row_saves_with_its_button(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    BotClock(web_bot, FRIDAY)
    school = await on_2026_calendar(session, lists)
    teacher = await linked_person(make_person, *TEACHER_1A)
    ((pupil, _name), *_rest) = await class_pupils(session, school, "1A")
    secret, _code = await web_link(teacher)
    sizes: list[int] = []
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
            page = await context.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.locator("form.card button.primary").click()
            await page.locator('a[href="/teacher"]').click()

            async def body_size(response: Any) -> None:
                sizes.append(len(await response.body()))

            page.on("response", body_size)
            await page.reload()
            await page.locator("#grid").wait_for(timeout=10_000)
            page.remove_listener("response", body_size)
            await page.locator(f"#c{pupil}").fill("Con viết chữ đẹp.")
            await page.locator(f"#p{pupil} select[name=afternoon]").select_option("excused")
            await page.locator(f"#p{pupil} button.save").click()
            await page.wait_for_url(f"**/teacher?day=2026-12-04#p{pupil}")
            assert await page.locator(f"#c{pupil}").input_value() == "Con viết chữ đẹp."
            await page.screenshot(path=str(tmp_path / "web-grid-no-js.png"))
        finally:
            await browser.close()
    assert await comment_of(session, pupil) == "Con viết chữ đẹp."
    assert await absences_of(session, pupil) == {(date(2026, 12, 4), DayPart.AFTERNOON): True}
    assert 0 < sum(sizes) < 150 * 1024, sizes  # the grid of a class of 12 and its stylesheet
