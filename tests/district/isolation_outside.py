"""What leaves a school outside its chats: the command line's outbox status, invitation slips
and archive export for one school, and the web pages its people open."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.web import build_web_app
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import Notice
from tests.district.isolation_check import Seen, text_of_file
from tests.district.isolation_papers import SCHOOL_YEAR
from tests.district.isolation_world import Campus, person
from tests.e2e.conftest import consent
from tests.web.conftest import sign_in, web_link

# Printed in two groups of four: "K7MW 3QXP".
CODE = re.compile(r"(?<![A-Z0-9])([A-HJKMNP-Z2-9]{4}) ([A-HJKMNP-Z2-9]{4})(?![A-Z0-9])")


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _run(database_url: str, args: tuple[str, ...]) -> Ran:
    from bot.cli import main

    env = {"SCHOOLBOT_DATABASE_URL": database_url, "SCHOOLBOT_LANGUAGE": "vi", "LANGUAGE": "vi"}
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        os.environ.pop("SCHOOLBOT_TOKEN", None)
        os.environ.pop("SCHOOLBOT_SCHOOL", None)
        code = main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())


async def schoolbot(database_url: str, *args: str) -> Ran:
    """Run `schoolbot ARGS` on the database, as its operator would (in a thread: the command
    runs its own event loop)."""
    ran = await asyncio.to_thread(_run, database_url, args)
    assert ran.returncode == 0, ran.stderr
    return ran


async def notices_of(engine: AsyncEngine, school_id: int) -> list[int]:
    """The school's newest notices, as the outbox status lists them (20 at most)."""
    async with session_factory(engine)() as session:
        found = await session.scalars(
            select(Notice.id)
            .where(Notice.school_id == school_id)
            .order_by(Notice.id.desc())
            .limit(20)
        )
        return list(found)


async def outbox_status(engine: AsyncEngine, database_url: str, campus: Campus) -> Seen:
    """`schoolbot outbox status --school CODE --json` lists the school's notices only."""
    ran = await schoolbot(database_url, "outbox", "status", "--school", campus.spec.code, "--json")
    listed = [row["notice"] for row in json.loads(ran.stdout.strip().splitlines()[-1])]
    mine = await notices_of(engine, campus.school_id)
    assert mine and listed == mine, (listed, mine)
    return Seen(f"outbox status --school {campus.spec.code}", ran.stdout)


async def invites(database_url: str, campus: Campus, folder: Path) -> Seen:
    """`schoolbot invites --school CODE --class 3A`: the slips of the school's 3A only."""
    out = folder / f"slips-{campus.spec.index}.docx"
    await schoolbot(
        database_url,
        "invites",
        "--school",
        campus.spec.code,
        "--class",
        "3A",
        "--out",
        str(out),
        "--bot",
        campus.services.bot_username,
    )
    text = text_of_file(out.read_bytes())
    for row in campus.spec.pupils:
        assert str(row[2]) in text, row[2]
    return Seen(f"invites --school {campus.spec.code}", text)


async def export(database_url: str, campus: Campus, folder: Path) -> Seen:
    """`schoolbot export archive --school CODE`: the year's minutes of the school only."""
    out = folder / f"archive-{campus.spec.index}.zip"
    await schoolbot(
        database_url,
        "export",
        "archive",
        "--school",
        campus.spec.code,
        "--year",
        SCHOOL_YEAR,
        "--out",
        str(out),
    )
    text = text_of_file(out.read_bytes())
    assert f"Phạm Thị {campus.spec.marker}" in text
    return Seen(f"export archive --school {campus.spec.code}", text)


class Site:
    """One school's web contact book, opened by its people (httpx on the ASGI app)."""

    def __init__(self, campus: Campus) -> None:
        self.campus = campus
        self.app = build_web_app(campus.services)

    def browser(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async def secret(self, person: PersonClient) -> str:
        await person.skip_pending()
        secret, _code = await web_link(person)
        return secret

    async def pages(self, key: str, paths: tuple[str, ...]) -> list[Seen]:
        """The person signs in with /web's link and opens the pages; what they showed."""
        seen = []
        async with self.browser() as browser:
            signed = await sign_in(browser, await self.secret(self.campus.people[key]))
            assert signed.status_code == 303, signed.text[:300]
            for path in paths:
                page = await browser.get(path)
                assert page.status_code == 200, (path, page.status_code)
                seen.append(Seen(f"web {self.campus.spec.code}{path} as {key}", page.text))
        return seen


async def web(campus: Campus) -> list[Seen]:
    """The family page of the mother of pupil 2, the teacher's grid, the dashboard."""
    site = Site(campus)
    seen = await site.pages("mother2", ("/",))
    assert f"Lê {campus.spec.marker} Anh" in seen[0].text
    grid = await site.pages("teacher", ("/teacher",))
    assert f"Trần {campus.spec.marker} Bảo" in grid[0].text
    dashboard = await site.pages("principal", ("/dashboard",))
    assert "3A" in dashboard[0].text
    return [*seen, *grid, *dashboard]


async def foreign_link(home: Campus, elsewhere: Campus) -> Seen:
    """A sign-in link one school's bot gave, used on another school's site: refused."""
    secret = await Site(home).secret(home.people["mother2"])
    async with Site(elsewhere).browser() as browser:
        tried = await sign_in(browser, secret)
        assert tried.status_code != 303, "another school's link signed in"
        page = await browser.get("/")
    return Seen(f"web {elsewhere.spec.code} with {home.spec.code}'s link", page.text)


def slip_codes(slips: Seen) -> list[str]:
    """The one-time codes printed on a class's invitation slips."""
    codes = list(dict.fromkeys(a + b for a, b in CODE.findall(slips.text)))
    assert len(codes) >= 4, codes  # one per child of 3A at least
    return codes


async def codes_elsewhere(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    campus: Campus,
    foreign_code: str,
    own_code: str,
) -> None:
    """Newcomers (phones no list has) type a code in the school's bot: one from another
    school's slips is refused, one from the school's own slips links its child."""
    stranger = await person(sandbox, http, campus, "Người Lạ", f"0966{campus.spec.index}00001")
    refused = await consent(stranger, foreign_code)
    assert "không hợp lệ" in refused["text"], refused["text"]
    invited = await person(sandbox, http, campus, "Người Mới", f"0966{campus.spec.index}00002")
    welcome = await consent(invited, own_code)
    assert campus.spec.marker in welcome["text"] or "Nguyễn Văn An" in welcome["text"], welcome
    campus.people["invited"] = invited
