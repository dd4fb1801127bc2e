"""The Mini App's init data: checked with the bot's token; forged, other-bot, old and replayed
init data refused; the cookie opens the same contact book as a link."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.web_access.rules import (
    EXPIRED,
    FORGED,
    InitData,
    check_init_data,
    sign_init_data,
)
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School, WebSession
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person

CHILD = "Hoàng Anh Đăng"
OTHER_TOKEN = "7000000002:ANOTHER-bot-token"


def init_data(person: PersonClient, token: str, when: datetime, **extra: str) -> str:
    user = {"id": person.person_id, "first_name": "Hạnh", "language_code": "vi"}
    fields = {
        "auth_date": str(int(when.timestamp())),
        "query_id": "AAH" + str(person.person_id),
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        **extra,
    }
    return sign_init_data(fields, token)


async def opened(browser: httpx.AsyncClient, data: str) -> httpx.Response:
    return await browser.post("/auth/telegram", data={"init_data": data})


def test_the_check_is_telegrams_algorithm() -> None:
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    # The data-check-string and key of core.telegram.org/bots/webapps, computed by hand.
    good = sign_init_data({"auth_date": str(int(now.timestamp())), "user": '{"id":42}'}, "1:T")
    checked = check_init_data(good, "1:T", now, 3600)
    assert isinstance(checked, InitData) and checked.user_id == 42
    assert check_init_data(good, "1:U", now, 3600) == FORGED
    assert check_init_data(good + "&user=%7B%22id%22%3A43%7D", "1:T", now, 3600) == FORGED
    assert check_init_data(good.replace("42", "43"), "1:T", now, 3600) == FORGED
    assert check_init_data("", "1:T", now, 3600) == FORGED
    assert check_init_data("hash=00", "1:T", now, 3600) == FORGED
    assert check_init_data(good, "1:T", now + timedelta(hours=2), 3600) == EXPIRED
    assert check_init_data(good, "1:T", now - timedelta(minutes=5), 3600) == FORGED  # future


async def test_init_data_signs_in_once_and_only_from_this_bot(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    sandbox_bot: SandboxBot,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, datetime.now(UTC))
    mother = await linked_person(make_person, *MOTHER)
    now = clock()
    # Another bot's init data, and this bot's with a changed field: refused.
    assert (await opened(browser, init_data(mother, OTHER_TOKEN, now))).status_code == 403
    tampered = init_data(mother, sandbox_bot.token, now).replace("query_id=AAH", "query_id=BBH")
    assert (await opened(browser, tampered)).status_code == 403
    # Older than SCHOOLBOT_WEB_INIT_MAX_AGE (an hour) by the bot's clock: refused.
    old = init_data(mother, sandbox_bot.token, now - timedelta(hours=1, minutes=1))
    assert (await opened(browser, old)).status_code == 403
    assert "sb_session" not in browser.cookies
    good = init_data(mother, sandbox_bot.token, now)
    first = await opened(browser, good)
    assert first.status_code == 200 and first.json() == {"next": "/"}
    assert "httponly" in first.headers["set-cookie"].lower()
    assert CHILD in (await browser.get("/")).text
    # The same init data from another browser: a replay, refused.
    browser.cookies.clear()
    replay = await opened(browser, good)
    assert replay.status_code == 403 and "sb_session" not in browser.cookies
    assert (
        await session.scalar(
            select(func.count(WebSession.id)).where(WebSession.school_id == lists.id)
        )
        == 1
    )


async def test_someone_not_linked_gets_no_session(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    sandbox_bot: SandboxBot,
    lists: School,
) -> None:
    stranger = await make_person("Người lạ", "+84909000000")
    await stranger.command("start")
    await stranger.next_message(timeout=10)
    refused = await opened(browser, init_data(stranger, sandbox_bot.token, datetime.now(UTC)))
    assert refused.status_code == 403 and "sb_session" not in browser.cookies


async def test_the_mini_app_page_works_from_local_files(
    web_bot: BotApplication, browser: httpx.AsyncClient
) -> None:
    page = await browser.get("/app")
    assert page.status_code == 200
    assert "telegram.org/js" not in page.text and "/static/app.js" in page.text
    script = await browser.get("/static/app.js")
    assert script.status_code == 200 and "tgWebAppThemeParams" in script.text
    assert "script-src 'self'" in script.headers["content-security-policy"]


@pytest.mark.parametrize("web_bot", ["https://solienlac.example.edu.vn/"], indirect=True)
async def test_over_https_the_bot_opens_the_mini_app(
    web_bot: BotApplication,
    make_person: PersonFactory,
    sandbox: RunningSandbox,
    lists: School,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    (bot_id,) = sandbox.state.bots
    await asyncio.sleep(0.3)  # linking set the menu button (tests/web/test_menu_mini_app.py)
    sandbox.state.bots[bot_id].menu_buttons.pop(teacher.person_id, None)
    await teacher.command("web")
    message = await teacher.next_message(timeout=10, new_only=True)
    assert "https://solienlac.example.edu.vn/login/" in message["text"]
    log = sandbox.state.chat_log(bot_id, teacher.person_id)
    markup = log.by_id[message["message_id"]].message["reply_markup"]
    (button,) = markup["inline_keyboard"][0]
    assert button["web_app"] == {"url": "https://solienlac.example.edu.vn/app"}
    assert message["buttons"][0][0]["text"] in ("Mở sổ liên lạc", "Open the contact book")
    for _ in range(100):  # the menu button is set after the message
        menu = sandbox.state.bots[bot_id].menu_buttons.get(teacher.person_id)
        if menu is not None:
            break
        await asyncio.sleep(0.05)
    assert menu is not None and menu["type"] == "web_app"
    assert menu["web_app"]["url"] == "https://solienlac.example.edu.vn/app?next=teacher"


async def test_over_plain_http_there_is_no_mini_app_button(
    web_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("web")
    message = await mother.next_message(timeout=10, new_only=True)
    assert "/login/" in message["text"] and not message["buttons"]
