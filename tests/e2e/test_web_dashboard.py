"""The leaders' dashboard in real Chromium at 360x640: the principal signs in with a one-time
link, opens the dashboard and sees its charts; nothing scrolls sideways, no text is under 16 px,
and the page prints. Screenshots in the test's tmp dir (web-dashboard*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from tests.e2e.conftest import MOTHER, BotClock, linked_person
from tests.e2e.test_web_family import CHROMIUM, FLAGS, PHONE, SMALLEST, site
from tests.web.conftest import web_bot, web_link
from tests.web.dashboard_seed import EXPECTED, NOW, PRINCIPAL, seed
from tests.web.test_dashboard import children

__all__ = ["site", "web_bot"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


async def measured(page: Any) -> dict[str, Any]:
    """Sideways scrolling, the smallest text (SVG text by its size on screen), the charts."""
    found: dict[str, Any] = await page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            svgText: Math.min(...[...document.querySelectorAll('svg.chart text')]
                .map(e => e.getBoundingClientRect().height)),
            charts: [...document.querySelectorAll('svg.chart')].map(e => ({
                width: e.getBoundingClientRect().width,
                bars: e.querySelectorAll('rect').length})),
        })"""
    )
    found["smallest"] = await page.evaluate(SMALLEST)  # with the element that shows it
    return found


async def test_a_leader_opens_the_dashboard_and_sees_the_charts(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    BotClock(web_bot, NOW)
    await linked_person(make_person, *MOTHER)
    await seed(web_bot, session, lists, await children(session, lists))
    principal = await linked_person(make_person, *PRINCIPAL)
    secret, _code = await web_link(principal)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            page = await phone.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.locator("form.card button.primary").click()
            await page.wait_for_url(f"{site}/")
            await page.goto(f"{site}/dashboard")
            await page.locator("svg.chart").first.wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-dashboard-top.png"))
            await page.screenshot(path=str(tmp_path / "web-dashboard.png"), full_page=True)
            layout = await measured(page)
            assert len(layout["charts"]) == len(EXPECTED), layout
            assert all(chart["bars"] and chart["width"] <= 330 for chart in layout["charts"])
            assert layout["scroll"] <= PHONE["width"], layout
            assert layout["smallest"]["size"] >= 16, layout
            assert layout["svgText"] >= 15, layout  # a 16-unit glyph box at about 1:1
            # An earlier period, chosen with the select (a plain GET form: no script needed).
            await page.locator("select#span").select_option("period-ck1")
            await page.locator("form.choose button").click()
            await page.wait_for_url("**span=period-ck1")
            await page.locator("svg.chart").first.wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-dashboard-period.png"), full_page=True)
            # Printed: the header, the select and the footer go; the charts stay.
            await page.emulate_media(media="print")
            await page.screenshot(path=str(tmp_path / "web-dashboard-print.png"), full_page=True)
            assert not await page.locator("form.choose").is_visible()
            assert await page.locator("svg.chart").count() == len(EXPECTED)
        finally:
            await browser.close()
    for name in ("web-dashboard.png", "web-dashboard-period.png", "web-dashboard-print.png"):
        assert (tmp_path / name).stat().st_size > 0
