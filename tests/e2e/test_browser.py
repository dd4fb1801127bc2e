"""The demo in a real browser: a parent sends /start on the page and reads the reply."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`schoolbot demo` running in its own process, stopped with Ctrl-C (SIGINT) afterwards."""
    port = free_port()
    env = {**os.environ, "SCHOOLBOT_LANGUAGE": "vi", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(port), "--folder", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if url in line:
            break
        if not line and process.poll() is not None:
            pytest.fail("demo exited early:\n" + "".join(seen))
    else:
        pytest.fail("demo did not print its address:\n" + "".join(seen))
    yield url
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0


async def test_parent_links_in_the_browser_in_vietnamese(demo: str) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(demo)
            panel = page.locator(".panel").first
            picker = panel.locator("select.person")
            await picker.locator("option").first.wait_for(state="attached", timeout=10_000)
            chosen = await picker.evaluate("s => s.options[s.selectedIndex].text")
            assert "Phụ huynh của" in chosen
            await panel.get_by_placeholder("Nhập tin nhắn…").fill("/start")
            await panel.get_by_role("button", name="Gửi", exact=True).click()
            greeting = panel.get_by_text("Đây là Sổ liên lạc điện tử của nhà trường")
            await greeting.wait_for(timeout=15_000)
            SCREENSHOTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "demo-parent-start.png"))
            await panel.get_by_role("button", name="Đồng ý", exact=True).click()
            await panel.locator(".kbd button.contact").click()
            welcome = panel.get_by_text("Tài khoản của Quý vị đã được liên kết")
            await welcome.wait_for(timeout=15_000)
            await page.screenshot(path=str(SCREENSHOTS / "demo-parent-linked.png"))
        finally:
            await browser.close()
