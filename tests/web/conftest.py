"""The web contact book under test: the real bot on the sandbox, its web app in process."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_application, shutdown, startup
from bot.core.context import BotApplication, Services
from bot.core.settings import load_settings
from bot.delivery.outbox import Draft, enqueue_per_pupil
from bot.features.weekly.notices import ref
from bot.web import build_web_app
from sandbox.client import PersonClient
from sandbox.pytest_plugin import SandboxBot
from sandbox.server import RunningSandbox
from storage.models import Delivery, School, Student
from tests.e2e.conftest import lists, send_outbox

__all__ = ["lists"]

LINK = re.compile(r"/login/([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")


@pytest_asyncio.fixture
async def web_bot(
    request: pytest.FixtureRequest,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    database_url: str,
    school: School,
) -> AsyncIterator[BotApplication]:
    """The bot polling the sandbox, with the web contact book configured (http by default;
    `@pytest.mark.parametrize("web_bot", ["https://..."], indirect=True)` for another URL)."""
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        send_outbox=False,
        web_url=getattr(request, "param", "http://testserver/"),
    )
    application = build_application(settings)
    await startup(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=2)
    yield application
    await application.updater.stop()
    await shutdown(application)


def services_of(application: BotApplication) -> Services:
    services = application.bot_data["services"]
    assert isinstance(services, Services)
    return services


@pytest_asyncio.fixture
async def browser(web_bot: BotApplication) -> AsyncIterator[httpx.AsyncClient]:
    """A browser without JavaScript: httpx on the web app, keeping its cookies."""
    app = build_web_app(services_of(web_bot))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def web_link(person: PersonClient) -> tuple[str, str]:
    """Send /web; return the one-time link's secret and the short code."""
    await person.command("web")
    for _ in range(10):  # notices delivered before come first
        message = await person.next_message(timeout=10)
        link, code = LINK.search(message["text"] or ""), CODE.search(message["text"] or "")
        if link and code:
            return link.group(1), code.group(1)
    raise AssertionError("no link came")


async def sign_in(browser: httpx.AsyncClient, secret: str) -> httpx.Response:
    """Press the link page's button (or type the code)."""
    return await browser.post("/login", data={"secret": secret})


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]*)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


async def weekly_notice(
    application: BotApplication,
    session: AsyncSession,
    school: School,
    pupil: int,
    text: str,
    monday: date,
) -> int:
    """A pupil's weekly notice queued and delivered (as Friday's send does); its delivery ids."""
    class_id = await session.scalar(select(Student.class_id).where(Student.id == pupil))
    assert class_id is not None
    draft = Draft("weekly", text, ref(monday, class_id, pupil))
    now = datetime.now(UTC)
    outcome = await enqueue_per_pupil(session, school.id, {pupil: draft}, now=now)
    await session.commit()
    await send_outbox(application)
    return outcome.notices[pupil]


async def deliveries_of(session: AsyncSession, notice_id: int) -> list[Delivery]:
    fresh = select(Delivery).where(Delivery.notice_id == notice_id)
    return list(await session.scalars(fresh.execution_options(populate_existing=True)))
