"""Telegram's theme colours in real Chromium: the Mini App opened with a dark theme's params
(`tgWebAppThemeParams` in the address's hash, as Telegram opens it) signs in and shows the class
grid in those colours, kept on the next page; a theme changed while the page is open (Telegram's
"theme_changed" event, as the phone apps deliver it) repaints the page at once and stays.
Screenshots in the test's tmp dir (web-theme*.png)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.web_access.rules import sign_init_data
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from storage.models import School
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.test_web_family import CHROMIUM, FLAGS, PHONE, site
from tests.web.conftest import web_bot
from tests.web.teacher import on_2026_calendar

__all__ = ["site", "web_bot"]

NOW = vn(2026, 12, 2, 8, 0)
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}
LIGHT = {"bg_color": "#fdf6e3", "text_color": "#073642", "button_color": "#b58900"}
# Telegram's webview bridge, as the phone apps provide it: the page's events are recorded.
BRIDGE = """window.__events = [];
window.TelegramWebviewProxy = { postEvent: function (type) { window.__events.push(type); } };"""

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


def rgb(colour: str) -> str:
    """#rrggbb as the browser's computed style says it."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def opened_with(site: str, teacher: PersonClient, token: str, theme: dict[str, str]) -> str:
    """/app?next=teacher as "Nhập cả lớp" opens it: init data and theme in the hash."""
    user = {"id": teacher.person_id, "first_name": "Thu", "language_code": "vi"}
    fields = {
        "auth_date": str(int(NOW.timestamp())),
        "query_id": f"AAT{teacher.person_id}",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
    }
    hash_part = urlencode(
        {"tgWebAppData": sign_init_data(fields, token), "tgWebAppThemeParams": json.dumps(theme)}
    )
    return f"{site}/app?next=teacher#{hash_part}"


async def colours(page: Any) -> dict[str, str]:
    """The page's background and text, a plain link's and a primary button's colours."""
    found: dict[str, str] = await page.evaluate(
        """() => {
            const style = e => e ? getComputedStyle(e) : {};
            const button = document.querySelector('button.primary, .button');
            const link = document.querySelector('main').appendChild(document.createElement('a'));
            link.href = '#';
            link.textContent = 'link';
            const found = {
                bg: style(document.body).backgroundColor,
                text: style(document.body).color,
                link: style(link).color,
                button: style(button).backgroundColor,
                buttonText: style(button).color,
            };
            link.remove();
            return found;
        }"""
    )
    return found


async def test_the_mini_app_wears_telegrams_theme_and_follows_its_changes(
    web_bot: BotApplication,
    site: str,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    BotClock(web_bot, NOW)
    await on_2026_calendar(session, lists)
    teacher = await linked_person(make_person, *TEACHER_1A)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            await phone.add_init_script(BRIDGE)
            page = await phone.new_page()
            # Outside Telegram's theme the page keeps its own colours.
            await page.goto(f"{site}/app")
            plain = await colours(page)
            assert plain["bg"] == rgb("#ffffff") and plain["text"] == rgb("#1b1b1b"), plain
            # Opened by Telegram with a dark theme: signed in, the grid in the theme's colours.
            await page.goto(opened_with(site, teacher, sandbox_bot.token, DARK))
            await page.locator("#grid").wait_for(timeout=10_000)
            assert page.url.endswith("/teacher")
            await page.screenshot(path=str(tmp_path / "web-theme-dark.png"))
            dark = await colours(page)
            assert dark == {
                "bg": rgb(DARK["bg_color"]),
                "text": rgb(DARK["text_color"]),
                "link": rgb(DARK["link_color"]),
                "button": rgb(DARK["button_color"]),
                "buttonText": rgb(DARK["button_text_color"]),
            }, dark
            # The page asked Telegram for the current theme (it answers with theme_changed).
            assert "web_app_request_theme" in await page.evaluate("() => window.__events")
            # The next page (no theme in its address) keeps it for the session.
            await page.goto(f"{site}/teacher/book")
            assert (await colours(page))["bg"] == rgb(DARK["bg_color"])
            # The person switches Telegram to another theme while the page is open.
            await page.evaluate(
                "theme => window.Telegram.WebView.receiveEvent("
                "'theme_changed', {theme_params: theme})",
                LIGHT,
            )
            light = await colours(page)
            await page.screenshot(path=str(tmp_path / "web-theme-changed.png"))
            assert light["bg"] == rgb(LIGHT["bg_color"]), light
            assert light["text"] == rgb(LIGHT["text_color"]), light
            # A colour the new theme does not give falls back to the page's own, not the old.
            assert light["link"] == rgb("#0b57d0"), light
            # Older apps call TelegramGameProxy; junk is ignored.
            await page.evaluate(
                "() => { window.TelegramGameProxy.receiveEvent('theme_changed', "
                "{theme_params: {bg_color: 'red;x', text_color: '#000000'}});"
                "window.TelegramGameProxy.receiveEvent('viewport_changed', {height: 1}); }"
            )
            junk = await colours(page)
            assert junk["bg"] == rgb("#ffffff") and junk["text"] == rgb("#000000"), junk
            await page.goto(f"{site}/teacher")
            assert (await colours(page))["text"] == rgb("#000000")
        finally:
            await browser.close()
    assert (tmp_path / "web-theme-dark.png").stat().st_size > 0
