"""/nhanxet's "Nhập cả lớp": over HTTPS, a web_app button under the homeroom list opens the
class grid as a Mini App (the sign-in page takes it on to /teacher); none over plain HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import TEACHER_1A, TEACHER_3B, linked_person

SITE = "https://solienlac.example.edu.vn/"


def markup_of(sandbox: RunningSandbox, person: PersonClient, message: dict[str, Any]) -> Any:
    (bot_id,) = sandbox.state.bots
    log = sandbox.state.chat_log(bot_id, person.person_id)
    return log.by_id[message["message_id"]].message["reply_markup"]["inline_keyboard"]


@pytest.mark.parametrize("web_bot", [SITE], indirect=True)
async def test_over_https_the_homeroom_list_opens_the_grid(
    web_bot: BotApplication,
    make_person: PersonFactory,
    sandbox: RunningSandbox,
    lists: School,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10, new_only=True)
    (last,) = markup_of(sandbox, teacher, listing)[-1]
    assert last["web_app"] == {"url": f"{SITE}app?next=teacher"}
    assert last["text"] in ("Nhập cả lớp", "Fill in the whole class")
    # Back to the list from a pupil's prompt: the button is there again.
    await teacher.press(listing["buttons"][0][0]["text"])
    prompt = await teacher.next_message(timeout=10)
    await teacher.press("Về danh sách", message_id=prompt["message_id"])
    again = await teacher.next_message(timeout=10)
    assert markup_of(sandbox, teacher, again)[-1][0].get("web_app") == last["web_app"]


async def test_over_plain_http_there_is_no_grid_button(
    web_bot: BotApplication,
    make_person: PersonFactory,
    sandbox: RunningSandbox,
    lists: School,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_3B)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10, new_only=True)
    rows = markup_of(sandbox, teacher, listing)
    assert all("web_app" not in button for row in rows for button in row)


async def test_the_mini_app_page_goes_on_to_the_page_asked_for(
    web_bot: BotApplication, browser: httpx.AsyncClient
) -> None:
    script = (await browser.get("/static/app.js")).text
    assert 'get("next")' in script and "answer.next + page" in script
    assert "postEvent: postEvent" in script  # grid.js closes the Mini App after sending
    grid = (await browser.get("/static/grid.js")).text
    assert "web_app_close" in grid and len(grid.encode()) < 5000
