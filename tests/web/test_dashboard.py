"""The leaders' dashboard: only the principal and the vice principal see it; its tables show the
seeded week's numbers; its charts are well-formed SVG; a week or a period is chosen by a select,
and anything else is answered plainly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import School, Student
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person
from tests.web.conftest import sign_in, web_link
from tests.web.dashboard_seed import EXPECTED, NOW, PRINCIPAL, VICE_PRINCIPAL, seed

SVG = "{http://www.w3.org/2000/svg}"
CHILDREN = ("Hoàng Anh Đăng", "Hoàng Minh Khôi")  # the mother's, in 1A and 3B


class Tables(HTMLParser):
    """Each table's body rows by id: {row header: (cells...)}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, tuple[str, ...]]] = {}
        self.table: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = dict(attrs).get("id") or ""
            self.tables[self.table] = {}
        elif tag == "tbody":
            self.body = True
        elif tag == "tr" and self.body:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row and self.table is not None:
            self.tables[self.table][self.row[0]] = tuple(self.row[1:])
            self.row = None
        elif tag == "tbody":
            self.body = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(page: str) -> dict[str, dict[str, tuple[str, ...]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


async def signed_in(
    make_person: PersonFactory, browser: httpx.AsyncClient, who: tuple[str, str]
) -> None:
    person = await linked_person(make_person, *who)
    secret, _code = await web_link(person)
    assert (await sign_in(browser, secret)).status_code == 303


async def dashboard(browser: httpx.AsyncClient, span: str | None = None) -> httpx.Response:
    """The dashboard in English (the msgids: the catalog is not needed)."""
    params = {"lang": "en"} | ({"span": span} if span is not None else {})
    return await browser.get("/dashboard", params=params)


async def children(session: AsyncSession, school: School) -> list[Student]:
    found = {
        s.full_name: s
        for s in await session.scalars(select(Student).where(Student.school_id == school.id))
    }
    return [found[name] for name in CHILDREN]


async def test_the_principal_sees_the_weeks_numbers_in_tables_and_svg_charts(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, NOW)
    await linked_person(make_person, *MOTHER)
    await seed(web_bot, session, lists, await children(session, lists))
    await signed_in(make_person, browser, PRINCIPAL)
    page = await dashboard(browser)
    assert page.status_code == 200, page.text[:500]
    assert "Week 12, 23/11–27/11" in page.text  # the week being written, by default
    found = tables_of(page.text)
    for key, rows in EXPECTED.items():
        if key == "bmi":  # many series: the table turns, one row per category (below)
            continue
        for label, values in rows.items():
            shown = found[f"{key}-table"][label]
            assert tuple(int(cell) for cell in shown[: len(values)]) == values, (key, shown)
    bmi = found["bmi-table"]
    grades = list(EXPECTED["bmi"])
    for index, series in enumerate(bmi):
        assert tuple(int(v) for v in bmi[series]) == tuple(
            EXPECTED["bmi"][grade][index] for grade in grades
        ), series
    drawings = re.findall(r"<svg [^>]*class=\"chart\".*?</svg>", page.text, flags=re.S)
    assert len(drawings) == len(EXPECTED)
    for drawing in drawings:
        root = ET.fromstring(drawing)  # well-formed XML
        assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 320 ")
        assert root.find(f"{SVG}title") is not None
        assert root.findall(f".//{SVG}rect")


async def test_an_earlier_week_and_a_period_are_chosen_by_the_select(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, NOW)
    await linked_person(make_person, *MOTHER)
    await seed(web_bot, session, lists, await children(session, lists))
    await signed_in(make_person, browser, VICE_PRINCIPAL)
    earlier = await dashboard(browser, "week-11")
    assert earlier.status_code == 200
    found = tables_of(earlier.text)
    assert "notices-table" not in found and "feedback-table" not in found  # none that week
    assert earlier.text.count("Nothing to show for this span.") == 2
    assert found["leave-table"]["Confirmed"] == ("1",)  # 20/11-24/11 covers week 11 too
    period = await dashboard(browser, "period-ck1")  # weeks 10-12
    assert period.status_code == 200 and "End of term I" in period.text
    assert tables_of(period.text)["notices-table"]["1A"][:2] == ("1", "1")
    assert tables_of(period.text)["feedback-table"]["Boarding"][:1] == ("0",)
    for wrong in ("week-13", "week-99", "period-cn", "period-gk2", "x", "week-", "period-<b>"):
        answer = await dashboard(browser, wrong)
        assert answer.status_code == 404, wrong
        assert "There is no such week or period" in answer.text and "<svg" not in answer.text


async def test_a_teacher_and_a_parent_get_nothing(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(web_bot, NOW)
    before_signing_in = await dashboard(browser)
    assert before_signing_in.status_code == 200 and 'name="secret"' in before_signing_in.text
    for who in (TEACHER_1A, MOTHER):
        browser.cookies.clear()
        await signed_in(make_person, browser, who)
        answer = await dashboard(browser, "period-gk1")
        assert answer.status_code == 403, who
        assert "The dashboard is for the school&#39;s leaders." in answer.text
        assert "<svg" not in answer.text and "<table" not in answer.text
