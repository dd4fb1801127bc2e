"""Pages go gzipped to a browser that asks for it, with the same headers; the form token is
masked afresh on every answer (a compressed page's length tells nothing of it), and every
masked copy, like the plain token, is still this session's token."""

from __future__ import annotations

import gzip

import httpx

from bot.core.context import BotApplication
from bot.features.web_access.rules import csrf_matches, csrf_token
from bot.web.security import mask_token, unmask_token
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from tests.e2e.conftest import MOTHER, linked_person
from tests.web.conftest import csrf_of, sign_in, web_link

CHILD = "Hoàng Anh Đăng"


async def raw_get(browser: httpx.AsyncClient, path: str, encoding: str) -> tuple[dict, bytes]:
    """The answer's headers and its body as sent (not decoded)."""
    async with browser.stream("GET", path, headers={"Accept-Encoding": encoding}) as answer:
        body = b"".join([chunk async for chunk in answer.aiter_raw()])
        return dict(answer.headers), body


async def test_a_page_is_served_gzipped_when_asked(
    web_bot: BotApplication, browser: httpx.AsyncClient, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    assert (await sign_in(browser, secret)).status_code == 303
    headers, body = await raw_get(browser, "/", "gzip, deflate, br")
    assert headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()
    page = gzip.decompress(body).decode()
    assert CHILD in page and len(body) < len(page.encode()) / 2
    # The protections are on the compressed answer too.
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"
    # The stylesheet too; a browser that does not ask gets the page as it is.
    css, _body = await raw_get(browser, "/static/style.css", "gzip")
    assert css["content-encoding"] == "gzip"
    plain, body = await raw_get(browser, "/", "identity")
    assert "content-encoding" not in plain and CHILD in body.decode()


async def test_the_form_token_differs_on_every_answer_and_each_works(
    web_bot: BotApplication, browser: httpx.AsyncClient, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    secret, _code = await web_link(mother)
    assert (await sign_in(browser, secret)).status_code == 303
    first, second = csrf_of(await browser.get("/")), csrf_of(await browser.get("/"))
    assert first != second and len(first) == len(second) == 64
    # A token changed by one character is refused and signs nobody out.
    flipped = first[:40] + ("0" if first[40] != "0" else "1") + first[41:]
    assert (await browser.post("/logout", data={"csrf": flipped})).status_code == 403
    assert CHILD in (await browser.get("/")).text
    # The first page's token still works after the second page was served.
    assert (await browser.post("/logout", data={"csrf": first})).status_code == 303
    assert CHILD not in (await browser.get("/")).text


def test_masking_keeps_the_token_and_nothing_else() -> None:
    token = csrf_token("a-session-cookie")
    masked = {mask_token(token) for _ in range(20)}
    assert len(masked) == 20 and all(token not in m for m in masked)
    assert all(csrf_matches("a-session-cookie", unmask_token(m)) for m in masked)
    assert csrf_matches("a-session-cookie", unmask_token(token))  # the plain token
    assert not csrf_matches("another-cookie", unmask_token(masked.pop()))
    assert unmask_token("z" * 64) == "z" * 64 and unmask_token(None) is None
    assert not csrf_matches("a-session-cookie", unmask_token("z" * 64))
