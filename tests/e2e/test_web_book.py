"""The assessment grid in real Chromium at 360x640: the homeroom teacher signs in with /web's
link, fills a few cells of the end of term I (saved as typed), a refused score stays with its
reason, the page reloads with the values; the table scrolls inside its own box, never the page;
a locked period's cells read with the link that opens the correction request in chat; without
JavaScript the cells read and none can be typed in. Screenshots in the test's tmp dir
(web-book*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import Period
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from storage.names import class_list_key, split_name
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.test_web_family import CHROMIUM, FLAGS, PHONE, layout_of, site
from tests.web.conftest import web_bot, web_link
from tests.web.teacher import class_pupils, on_2026_calendar
from tests.web.test_assessment_grid import YEAR, book_of

__all__ = ["site", "web_bot"]

THURSDAY = vn(2026, 12, 3, 10, 0)
FILLED = {"score.TOAN": "9", "level.TOAN": "T", "score.TV": "7", "quality.pc_cham_chi": "Đ"}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


def cell(pupil: int, item: str) -> str:
    return f'#p{pupil} input[name="{item}"]'


async def box_of(page: Any) -> dict[str, Any]:
    """The page's width, the table box's own scrolling, and the smallest text in the table."""
    found: dict[str, Any] = await page.evaluate(
        """() => {
            const box = document.querySelector('.book-box');
            return {
                page: document.documentElement.scrollWidth,
                box: box.clientWidth, inside: box.scrollWidth,
                smallest: Math.min(...[...document.querySelectorAll(
                    '.book th, .book td, .book a, .book input')]
                    .map(e => parseFloat(getComputedStyle(e).fontSize)))
            };
        }"""
    )
    return found


async def test_a_teacher_fills_cells_reloads_and_a_locked_cell_links_to_a_request(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    BotClock(web_bot, THURSDAY)
    school = await on_2026_calendar(session, lists)
    await assessment.set_lock(
        session,
        school_id=school.id,
        school_year=YEAR,
        period=Period.GK1,
        scope="school",
        locked=True,
        by=None,
        actor="test",
    )
    await session.commit()
    teacher = await linked_person(make_person, *TEACHER_1A)
    pupils = [
        i
        for i, _name in sorted(
            await class_pupils(session, school, "1A"),
            key=lambda p: class_list_key(split_name(p[1])),
        )
    ]
    secret, _code = await web_link(teacher)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            page = await phone.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.locator("form button.primary").click()
            await page.wait_for_url(f"{site}/")
            await page.locator('a[href="/teacher/book"]').click()
            await page.goto(f"{site}/teacher/book?period=ck1")
            await page.locator(f"{cell(pupils[0], 'score.TOAN')}:not([readonly])").wait_for()
            await page.screenshot(path=str(tmp_path / "web-book-empty.png"))
            for pupil in pupils[:3]:
                for item, value in FILLED.items():
                    await page.locator(cell(pupil, item)).fill(value.lower())
                    await page.locator(cell(pupil, item)).press("Tab")
            await page.wait_for_function(
                "() => document.querySelectorAll('.book input.saved').length === 12",
                timeout=15_000,
            )
            refused = page.locator(cell(pupils[3], "score.TOAN"))
            await refused.fill("11")
            await refused.press("Tab")
            await page.locator(f"{cell(pupils[3], 'score.TOAN')}.error").wait_for()
            assert "10" in await page.locator("#book-state").inner_text()
            assert await refused.input_value() == "11"
            await page.screenshot(path=str(tmp_path / "web-book.png"), full_page=True)
            layout = await box_of(page)
            assert layout["page"] <= PHONE["width"], layout  # no sideways scroll of the page
            assert layout["inside"] > layout["box"], layout  # the table scrolls in its box
            assert layout["smallest"] >= 16, layout
            assert (await layout_of(page))["smallest"] >= 16

            await page.reload()
            for pupil in pupils[:3]:
                for item, value in FILLED.items():
                    assert await page.locator(cell(pupil, item)).input_value() == value
            assert await page.locator(cell(pupils[3], "score.TOAN")).input_value() == ""

            await page.locator('nav.periods a[href$="period=gk1"]').click()
            await page.locator(".book td.locked a.fix").first.wait_for()
            assert await page.locator(".book input").count() == 0
            link = await page.locator(".book td.locked a.fix").first.get_attribute("href")
            assert link is not None
            assert link.startswith(f"https://t.me/{web_bot.bot.username}?start=sd-{pupils[0]}-")
            await page.screenshot(path=str(tmp_path / "web-book-locked.png"))

            plain = await browser.new_context(viewport=PHONE, java_script_enabled=False)
            await plain.add_cookies(await phone.cookies())
            no_js = await plain.new_page()
            await no_js.goto(f"{site}/teacher/book?period=ck1")
            shown = no_js.locator(cell(pupils[0], "score.TOAN"))
            assert await shown.input_value() == "9"
            assert await shown.get_attribute("readonly") is not None
            assert not await shown.is_editable()
            await no_js.screenshot(path=str(tmp_path / "web-book-no-js.png"))
        finally:
            await browser.close()
    stored = await book_of(session, pupils[0])
    assert stored["score.TOAN"] == "9" and stored["quality.pc_cham_chi"] == "dat"
    assert "score.TOAN" not in await book_of(session, pupils[3])
