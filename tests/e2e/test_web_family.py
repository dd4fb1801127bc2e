"""The family's page in real Chromium at 360x640: a one-time link from /web opens this week's
notice, "Đã xem" is recorded, then the link no longer works. Screenshots in the test's tmp dir."""

from __future__ import annotations

import shutil
import socket
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.webhook import AppServer
from bot.web import build_web_app
from sandbox.pytest_plugin import PersonFactory
from storage.models import Feedback, School, Student
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.e2e.test_feedback import send_due
from tests.web.conftest import deliveries_of, services_of, web_bot, web_link, weekly_notice

__all__ = ["web_bot"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PHONE = {"width": 360, "height": 640}
CHILD = "Hoàng Anh Đăng"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture
async def site(web_bot: BotApplication) -> AsyncIterator[str]:
    """The web contact book served on a real port, as SCHOOLBOT_LISTEN does in polling mode."""
    port = free_port()
    server = AppServer(build_web_app(services_of(web_bot)), f"127.0.0.1:{port}", "web")
    await server.start()
    yield f"http://127.0.0.1:{port}"
    await server.stop()


# The smallest text shown: every element with text of its own (a td, a th, a span, a small...)
# and every form control, by its computed size; SVG charts are measured on screen apart.
SMALLEST = """() => [...document.body.querySelectorAll('*')]
    .filter(e => e.offsetParent !== null && !e.closest('svg'))
    .filter(e => e.matches('input, select, textarea, button')
        || [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => ({size: parseFloat(getComputedStyle(e).fontSize),
        what: e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ': '
            + (e.textContent || '').trim().slice(0, 40)}))
    .reduce((a, b) => (b.size < a.size ? b : a), {size: Infinity, what: ''})"""


async def layout_of(page: Any) -> dict[str, Any]:
    """What a cheap phone cares about: horizontal scrolling and the smallest text (with the
    element that shows it)."""
    scroll = await page.evaluate("() => document.documentElement.scrollWidth")
    smallest = await page.evaluate(SMALLEST)
    return {"scroll": scroll, "smallest": smallest["size"], "where": smallest["what"]}


async def test_a_family_signs_in_with_a_link_and_reads_this_weeks_notice(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    child = await session.scalar(
        select(Student.id).where(Student.school_id == lists.id, Student.full_name == CHILD)
    )
    assert child is not None
    mother = await linked_person(make_person, *MOTHER)
    notice = await weekly_notice(
        web_bot,
        session,
        lists,
        child,
        "<b>SỔ LIÊN LẠC TUẦN 12 (23/11 - 27/11/2026)</b>\nHọc sinh: <b>Hoàng Anh Đăng</b>\n\n"
        "<b>Nhận xét của giáo viên chủ nhiệm:</b>\nCon đọc to, rõ ràng; cần luyện viết chữ "
        "hoa đều nét hơn. Tuần sau con ôn bảng nhân 3.\n\n<b>Chuyên cần:</b> đi học đầy đủ.",
        date(2026, 11, 23),
    )
    secret, _code = await web_link(mother)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            page = await phone.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.screenshot(path=str(tmp_path / "web-link.png"))
            await page.locator("form.card button.primary").click()
            await page.get_by_text("SỔ LIÊN LẠC TUẦN 12").wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-family.png"), full_page=True)
            layout = await layout_of(page)
            assert layout["scroll"] <= PHONE["width"], layout
            assert layout["smallest"] >= 16, layout
            await page.locator(f"#d{(await deliveries_of(session, notice))[0].id} button").click()
            await page.locator(".seen").first.wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-seen.png"), full_page=True)
            (delivery,) = await deliveries_of(session, notice)
            assert delivery.read_at is not None
            # "Phản hồi" under the notice: the same feedback as in chat.
            await page.locator(f"#d{delivery.id} a.button").click()
            await page.locator("textarea#text").fill("Cô cho con ôn thêm bảng nhân 3 ạ.")
            await page.screenshot(path=str(tmp_path / "web-feedback.png"), full_page=True)
            await page.locator("form.card button.primary").click()
            await page.locator(".message").wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-feedback-sent.png"))
            assert await page.locator(".message").count() == 1
            # The same link in another browser: it worked once.
            other = await browser.new_context(viewport=PHONE)
            again = await other.new_page()
            await again.goto(f"{site}/login/{secret}")
            await again.locator("form.card button.primary").click()
            await again.locator(".error").wait_for(timeout=10_000)
            await again.screenshot(path=str(tmp_path / "web-link-spent.png"))
            assert await again.get_by_text("SỔ LIÊN LẠC TUẦN 12").count() == 0
        finally:
            await browser.close()
    assert all((tmp_path / name).stat().st_size > 0 for name in ("web-link.png", "web-family.png"))


async def test_the_page_reads_without_javascript_and_weighs_little(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    sizes: list[int] = []
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
            page = await context.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.locator("form.card button.primary").click()
            await page.get_by_role("heading", name=CHILD).wait_for(timeout=10_000)

            async def body_size(response: Any) -> None:
                sizes.append(len(await response.body()))

            page.on("response", body_size)
            await page.reload()
            await page.get_by_role("heading", name=CHILD).wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-no-js.png"), full_page=True)
        finally:
            await browser.close()
    assert 0 < sum(sizes) < 150 * 1024, sizes


async def test_the_feedback_page_with_an_answer_fits_a_phone(
    web_bot: BotApplication,
    site: str,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    teacher = await linked_person(make_person, *TEACHER_1A)
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            phone = await browser.new_context(viewport=PHONE, device_scale_factor=1)
            page = await phone.new_page()
            await page.goto(f"{site}/login/{secret}")
            await page.locator("form.card button.primary").click()
            await page.get_by_role("heading", name=CHILD).wait_for(timeout=10_000)
            await page.goto(f"{site}/feedback")
            await page.locator("textarea#text").fill("Con bị ho từ sáng thứ Hai, cô để ý giúp ạ.")
            await page.locator("form.card button.primary").click()
            await page.locator(".message").wait_for(timeout=10_000)
            item = await session.scalar(select(Feedback.id).where(Feedback.school_id == lists.id))
            assert item is not None
            # The homeroom teacher answers in her chat (a long address must wrap, not scroll).
            await send_due(web_bot)
            await teacher.next_message(timeout=10, new_only=True)
            await teacher.press(data=f"v1:fb:reply:{item}")
            await teacher.next_message(timeout=10, new_only=True)
            await teacher.send(
                "Cô đã cho con uống nước ấm và báo y tế trường. Lịch khám: "
                "https://truong.example.edu.vn/thong-bao/lich-kham-suc-khoe-dinh-ky-hoc-ky-mot"
            )
            assert "Đã gửi" in (await teacher.next_message(timeout=10, new_only=True))["text"]
            await page.goto(f"{site}/feedback")
            await page.locator(".thread .answer").wait_for(timeout=10_000)
            await page.screenshot(path=str(tmp_path / "web-feedback-answered.png"), full_page=True)
            assert await page.locator(".thread").count() == 1
            layout = await layout_of(page)
            assert layout["scroll"] <= PHONE["width"], layout
            assert layout["smallest"] >= 16, layout
        finally:
            await browser.close()
