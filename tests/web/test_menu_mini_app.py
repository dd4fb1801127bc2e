"""Over HTTPS the staff's menus open their web page as a Mini App: a homeroom teacher's or a
leader's menu keyboard has a button for it whose tap answers with an inline `web_app` button
(a Mini App opened from a reply keyboard gets no init data, so it could not sign them in), and
the chat's menu button is set as soon as they link (and again at /start and /menu). A parent
gets neither; over plain HTTP nobody does."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.core.context import BotApplication
from bot.features.web_access.chat import DASHBOARD, GRID
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import MOTHER, TEACHER_1A, consent
from tests.e2e.menus import vi

SITE = "https://solienlac.example.edu.vn/"
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")


async def link(make_person: PersonFactory, name: str, phone: str) -> tuple[PersonClient, Any]:
    """A person who consents and shares their phone; the welcome with its menu keyboard."""
    person = await make_person(name, phone)
    await consent(person)
    await person.share_contact()
    welcome = await person.next_message(timeout=10)
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"], welcome["text"]
    return person, welcome


def web_apps(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The reply keyboard's `web_app` buttons: (label, address); none may be there."""
    rows = (message.get("reply_keyboard") or {}).get("keyboard") or []
    return [
        (button["text"], button["web_app"]["url"])
        for row in rows
        for button in row
        if isinstance(button, dict) and "web_app" in button
    ]


def labels(message: dict[str, Any]) -> list[str]:
    """The reply keyboard's labels."""
    rows = (message.get("reply_keyboard") or {}).get("keyboard") or []
    return [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]


async def opened(person: PersonClient, label: str) -> list[tuple[str, str]]:
    """Tap a menu button; the inline `web_app` buttons of the answer: (label, address)."""
    await person.send(label)
    answer = await person.next_message(timeout=10, new_only=True)
    assert answer["text"] == vi("Tap the button below to open it inside Telegram."), answer
    return [
        (button["text"], button["web_app"]["url"])
        for row in answer["buttons"]
        for button in row
        if "web_app" in button
    ]


def menu_button(sandbox: RunningSandbox, person: PersonClient) -> dict[str, Any] | None:
    (bot_id,) = sandbox.state.bots
    return sandbox.state.bots[bot_id].menu_buttons.get(person.person_id)


async def menu_button_set(sandbox: RunningSandbox, person: PersonClient) -> dict[str, Any]:
    """The chat's menu button, once set (after the message that came with it)."""
    for _ in range(100):
        found = menu_button(sandbox, person)
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("no menu button was set")


async def no_menu_button(sandbox: RunningSandbox, person: PersonClient) -> None:
    """Nothing is set (the bot has answered; a moment more for a later call it might make)."""
    await asyncio.sleep(0.3)
    assert menu_button(sandbox, person) is None


@pytest.mark.parametrize("web_bot", [SITE], indirect=True)
async def test_a_teacher_who_links_gets_the_grid_in_both_menus(
    web_bot: BotApplication, make_person: PersonFactory, sandbox: RunningSandbox, lists: School
) -> None:
    teacher, welcome = await link(make_person, *TEACHER_1A)
    assert vi(GRID) == "Nhập cả lớp" and vi(GRID) in labels(welcome)
    assert web_apps(welcome) == []  # no init data from a reply keyboard's Mini App
    assert await opened(teacher, vi(GRID)) == [(vi(GRID), f"{SITE}app?next=teacher")]
    button = await menu_button_set(sandbox, teacher)
    assert button == {
        "type": "web_app",
        "text": vi(GRID),
        "web_app": {"url": f"{SITE}app?next=teacher"},
    }
    # An already linked teacher: /menu and /start set it again (it may have been changed).
    (bot_id,) = sandbox.state.bots
    for command in ("menu", "start"):
        sandbox.state.bots[bot_id].menu_buttons.pop(teacher.person_id)
        await teacher.command(command)
        answer = await teacher.next_message(timeout=10, new_only=True)
        assert vi(GRID) in labels(answer) and web_apps(answer) == []
        assert (await menu_button_set(sandbox, teacher))["web_app"] == button["web_app"]


@pytest.mark.parametrize("web_bot", [SITE], indirect=True)
async def test_a_principal_gets_the_dashboard(
    web_bot: BotApplication, make_person: PersonFactory, sandbox: RunningSandbox, lists: School
) -> None:
    principal, welcome = await link(make_person, *PRINCIPAL)
    assert vi(DASHBOARD) in labels(welcome)
    assert await opened(principal, vi(DASHBOARD)) == [(vi(DASHBOARD), f"{SITE}app?next=dashboard")]
    button = await menu_button_set(sandbox, principal)
    assert button["web_app"] == {"url": f"{SITE}app?next=dashboard"}


@pytest.mark.parametrize("web_bot", [SITE], indirect=True)
async def test_a_parent_gets_neither(
    web_bot: BotApplication, make_person: PersonFactory, sandbox: RunningSandbox, lists: School
) -> None:
    mother, welcome = await link(make_person, *MOTHER)
    assert welcome["reply_keyboard"]["keyboard"] and not web_apps(welcome)
    assert vi(GRID) not in labels(welcome) and vi(DASHBOARD) not in labels(welcome)
    await mother.command("menu")
    assert not web_apps(await mother.next_message(timeout=10, new_only=True))
    await no_menu_button(sandbox, mother)


async def test_over_plain_http_no_one_gets_them(
    web_bot: BotApplication, make_person: PersonFactory, sandbox: RunningSandbox, lists: School
) -> None:
    for who in (TEACHER_1A, PRINCIPAL):
        person, welcome = await link(make_person, *who)
        assert welcome["reply_keyboard"]["keyboard"] and not web_apps(welcome)
        assert vi(GRID) not in labels(welcome) and vi(DASHBOARD) not in labels(welcome)
        await person.command("menu")
        assert not web_apps(await person.next_message(timeout=10, new_only=True))
        await no_menu_button(sandbox, person)
