"""Signing in on the web: a one-time link or code from /web, once, before it expires."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.web import build_web_app
from sandbox.pytest_plugin import PersonFactory
from storage.models import School, WebSession, WebSignIn
from tests.e2e.conftest import MOTHER, BotClock, linked_person
from tests.web.conftest import csrf_of, services_of, sign_in, web_link

CHILD = "Hoàng Anh Đăng"


async def test_the_link_opens_the_childs_book_once(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    # Opening the link (or a preview fetching it) spends nothing: only the button does.
    shown = await browser.get(f"/login/{secret}")
    assert shown.status_code == 200 and 'name="secret"' in shown.text
    signed = await sign_in(browser, secret)
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"].lower()
    assert "sb_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/" in cookie and "secure" not in cookie  # plain http here: see the https test
    home = await browser.get("/")
    assert home.status_code == 200 and CHILD in home.text
    assert home.headers["cache-control"] == "no-store"
    assert "frame-ancestors" in home.headers["content-security-policy"]
    # The same link again, in another browser: refused, and nothing opened.
    again = await sign_in(httpx_client_without_cookies(browser), secret)
    assert again.status_code == 403 and "sb_session" not in again.headers.get("set-cookie", "")
    sessions = await session.scalar(select(func.count(WebSession.id)))
    assert sessions is not None and sessions >= 1


def httpx_client_without_cookies(browser: httpx.AsyncClient) -> httpx.AsyncClient:
    browser.cookies.clear()
    return browser


async def test_the_code_works_once_and_expires_on_the_bots_clock(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, datetime.now(UTC))
    mother = await linked_person(make_person, *MOTHER)
    _secret, code = await web_link(mother)
    clock.advance(minutes=16)
    late = await sign_in(browser, code)
    assert late.status_code == 403 and "/web" in late.text
    assert "sb_session" not in browser.cookies
    clock.set(datetime.now(UTC))
    _secret, code = await web_link(mother)
    typed = await sign_in(browser, code.lower().replace("-", " "))  # as a person types it
    assert typed.status_code == 303
    browser.cookies.clear()
    assert (await sign_in(browser, code)).status_code == 403


async def test_a_new_link_ends_the_earlier_one(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    first, _code = await web_link(mother)
    second, _code = await web_link(mother)
    assert (await sign_in(browser, first)).status_code == 403
    assert (await sign_in(browser, second)).status_code == 303


async def test_strangers_get_no_link_and_wrong_secrets_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    stranger = await make_person("Người lạ", "+84909000000")
    await stranger.command("web")
    answer = await stranger.next_message(timeout=10)
    assert "/start" in answer["text"] and "/login/" not in answer["text"]
    for secret in ("", "ABCD-EFGH", "x" * 43, "' OR 1=1 --"):
        refused = await sign_in(browser, secret)
        assert refused.status_code == 403, secret
    assert (
        await session.scalar(
            select(func.count(WebSignIn.id)).where(WebSignIn.school_id == lists.id)
        )
        == 0
    )


async def test_signing_out_needs_the_form_token_and_ends_the_session(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    await sign_in(browser, secret)
    home = await browser.get("/")
    forged = await browser.post("/logout", data={"csrf": "0" * 32})
    assert CHILD in (await browser.get("/")).text, forged.status_code
    out = await browser.post("/logout", data={"csrf": csrf_of(home)})
    assert out.status_code == 303
    kept = browser.cookies.get("sb_session")
    assert kept is None
    assert CHILD not in (await browser.get("/")).text


async def test_the_cookie_is_secure_over_https(
    web_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    transport = httpx.ASGITransport(app=build_web_app(services_of(web_bot)))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        signed = await sign_in(client, secret)
    assert signed.status_code == 303 and "secure" in signed.headers["set-cookie"].lower()
