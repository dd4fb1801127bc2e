"""`schoolbot demo` in a real browser: its page links to the web contact book beside it, the
family page as a parent and the Mini App as a teacher, each for the person chosen in a chat."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import BROWSER_FLAGS, CHROMIUM, SCREENSHOTS, free_port

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)
OPENED = re.compile(r"(http://127\.0\.0\.1:\d+/\?web=(\d+))")


@pytest.fixture
def demo_address(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`schoolbot demo` in its own process; the address it prints and its web door."""
    port = free_port()
    env = {**os.environ, "SCHOOLBOT_LANGUAGE": "vi", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(port), "--folder", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    deadline, seen = time.monotonic() + 60, []
    found = None
    while time.monotonic() < deadline and found is None:
        line = process.stdout.readline()
        seen.append(line)
        found = OPENED.search(line)
        if not line and process.poll() is not None:
            pytest.fail("demo exited early:\n" + "".join(seen))
    if found is None:
        pytest.fail("demo did not print its address:\n" + "".join(seen))
    yield found.group(1), f"http://127.0.0.1:{found.group(2)}/demo"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0


async def link_in_chat(panel: Any) -> None:
    """/start, "Đồng ý", share the phone: the person chosen in the panel is linked."""
    await panel.get_by_placeholder("Nhập tin nhắn…").fill("/start")
    await panel.get_by_role("button", name="Gửi", exact=True).click()
    await panel.get_by_role("button", name="Đồng ý", exact=True).click(timeout=15_000)
    await panel.locator(".kbd button.contact").click(timeout=15_000)
    await panel.get_by_text("Tài khoản của Quý vị đã được liên kết").wait_for(timeout=15_000)


async def choose(panel: Any, words: str) -> str:
    """Choose the first person whose label has `words`; the option's text."""
    picker = panel.locator("select.person")
    await picker.locator("option").first.wait_for(state="attached", timeout=10_000)
    value, text = await picker.evaluate(
        "(s, w) => { const o = [...s.options].find(o => o.text.includes(w));"
        " return [o.value, o.text]; }",
        words,
    )
    await picker.select_option(value)
    return str(text)


async def test_the_demo_page_opens_the_family_page_and_the_mini_app(
    demo_address: tuple[str, str],
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    address, door = demo_address
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(address)
            header = page.locator("header a#web")
            await header.wait_for(state="visible", timeout=10_000)
            assert await header.get_attribute("href") == door
            parent, teacher = page.locator(".panel").nth(0), page.locator(".panel").nth(1)
            label = await choose(parent, "Phụ huynh của")
            child = re.search(r"Phụ huynh của ([^(,]+) \(", label)
            assert child, label
            family = parent.locator("a.web-family")
            assert re.fullmatch(rf"{door}/family/\d+", await family.get_attribute("href") or "")
            await link_in_chat(parent)
            await choose(teacher, "chủ nhiệm")
            mini_app = teacher.locator("a.web-app")
            assert re.fullmatch(rf"{door}/app/\d+", await mini_app.get_attribute("href") or "")
            await link_in_chat(teacher)
            SCREENSHOTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "demo-web-links.png"))

            # The family page, as the parent: the door's one-time link, its button, the book.
            async with page.context.expect_page() as opening:
                await family.click()
            opened = await opening.value
            await opened.locator('form[action$="/login"] button').click()
            await opened.get_by_text(child.group(1).strip()).first.wait_for(timeout=15_000)
            await opened.screenshot(path=str(SCREENSHOTS / "demo-web-family.png"))
            await opened.close()

            # The Mini App, as the teacher: signed in with init data, then the staff's page.
            async with page.context.expect_page() as opening:
                await mini_app.click()
            opened = await opening.value
            await opened.locator('a[href$="/teacher"]').wait_for(timeout=15_000)
            await opened.screenshot(path=str(SCREENSHOTS / "demo-web-mini-app.png"))
        finally:
            await browser.close()


async def test_an_address_given_to_the_page_that_is_not_the_web_gives_no_link(
    demo_address: tuple[str, str],
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    address, _door = demo_address
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            page = await browser.new_page()
            plain = address.split("?")[0]
            for query in ("?web=javascript:alert(1)", "?web=1%22onclick=x", ""):
                await page.goto(plain + query)
                await page.locator(".panel select.person option").first.wait_for(
                    state="attached", timeout=10_000
                )
                assert await page.locator("header a#web").is_hidden()
                assert await page.locator(".panel .web").first.is_hidden()
        finally:
            await browser.close()
