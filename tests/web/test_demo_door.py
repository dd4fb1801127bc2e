"""The demo's door: the family page as a parent, the Mini App as a teacher, both signing in
through the same checks as anyone (a one-time link; init data signed with the bot's token)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.demo.web import demo_routes
from bot.web import build_web_app
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import MOTHER, TEACHER_1A, linked_person
from tests.web.conftest import services_of

CHILD = "Hoàng Anh Đăng"


async def test_the_demo_opens_the_family_page_and_the_mini_app(
    web_bot: BotApplication,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    door = demo_routes(sandbox, sandbox_bot.token, translator("vi"))
    app = build_web_app(services_of(web_bot), door)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        index = await client.get("/demo")
        assert f"demo/family/{mother.person_id}" in index.text
        to_link = await client.get(f"/demo/family/{mother.person_id}")
        assert to_link.status_code == 303
        link = to_link.headers["location"].removeprefix("../..")
        secret = link.removeprefix("/login/")
        assert (await client.post("/login", data={"secret": secret})).status_code == 303
        assert CHILD in (await client.get("/")).text
        client.cookies.clear()
        to_app = await client.get(f"/demo/app/{teacher.person_id}")
        fragment = parse_qs(urlsplit(to_app.headers["location"]).fragment)
        (data,) = fragment["tgWebAppData"]
        opened = await client.post("/auth/telegram", data={"init_data": data})
        assert opened.status_code == 200 and "sb_session" in client.cookies
        home = await client.get("/")
        assert home.status_code == 200 and CHILD not in home.text  # staff: no family page
