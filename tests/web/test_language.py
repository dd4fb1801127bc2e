"""Tiếng Việt first, English on request: saved with the account as /ngonngu does (with the
form's token), and never a way to send someone to another site."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.web.signin import local_path
from sandbox.pytest_plugin import PersonFactory
from storage.models import School, TelegramAccount
from tests.e2e.conftest import MOTHER, linked_person
from tests.web.conftest import csrf_of, sign_in, web_link


def test_going_back_stays_on_the_site() -> None:
    for address in ("//evil.example", "/\\evil.example", "https://evil.example", "", "x"):
        assert local_path(address, "") == "/"
        assert local_path(address, "/so") == "/so/"
    assert local_path("/?child=3", "") == "/?child=3"
    assert local_path("/so/feedback?child=3", "/so") == "/so/feedback?child=3"


async def test_english_is_chosen_with_the_form_token_and_kept(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    signed_out = await browser.get("/")
    assert '<html lang="vi">' in signed_out.text
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    await sign_in(browser, secret)
    home = await browser.get("/")
    refused = await browser.post("/language", data={"code": "en", "next": "/"})
    assert refused.status_code == 403
    chosen = await browser.post(
        "/language", data={"code": "en", "next": "//evil.example", "csrf": csrf_of(home)}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/"
    english = await browser.get("/")
    assert '<html lang="en">' in english.text and "This week" in english.text
    language = await session.scalar(
        select(TelegramAccount.language)
        .where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == mother.person_id,
        )
        .execution_options(populate_existing=True)
    )
    assert language == "en"
