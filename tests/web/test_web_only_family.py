"""A family without Telegram: the invitation slip's second QR code signs them in on the web,
where they read Friday's notice, press "Đã xem" and send feedback; the outbox never calls
Telegram for them, and a family in both places gets each notice once."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.accounts.invitations import ClassSlips, class_slips
from bot.features.web_access.slips import SlipLink, SlipLinks
from bot.features.weekly.figures import class_figures
from bot.features.weekly.jobs import send_due as weekly_send_due
from bot.web import build_web_app
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AccountState,
    Delivery,
    DeliveryState,
    Feedback,
    Guardian,
    School,
    SchoolClass,
    TelegramAccount,
)
from storage.models.accounts import AccountChannel
from storage.phones import normalize_phone
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_feedback import send_due
from tests.test_cli import db, schoolbot, shared_file
from tests.web.conftest import csrf_of, services_of, sign_in, web_link
from tests.web.teacher import WEEK_13, class_pupils, on_2026_calendar, post_row, signed_in

__all__ = ["db"]

CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A
WEB_URL = "http://testserver/"
MONDAY = vn(2026, 11, 30, 8, 0)  # week 13: the slips go home on Monday
FRIDAY = datetime.combine(WEEK_13.end, time(16, 30), tzinfo=MONDAY.tzinfo)


class Recorded(SlipLinks):
    """The web feature's slip links, remembering what they printed (the QR codes' links)."""

    printed: dict[int, SlipLink]

    async def __call__(
        self,
        session: AsyncSession,
        school_id: int,
        class_id: int,
        guardians: Sequence[int],
        now: datetime,
        expires_at: datetime,
    ) -> Mapping[int, SlipLink]:
        self.printed = dict(
            await super().__call__(session, school_id, class_id, guardians, now, expires_at)
        )
        return self.printed


async def print_slips(
    session: AsyncSession, school: School, now: datetime, days: int = 30
) -> tuple[ClassSlips, dict[int, SlipLink]]:
    class_id = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    assert class_id is not None
    web = Recorded(WEB_URL)
    made = await class_slips(
        session,
        school.id,
        class_id,
        now,
        school_name="Trường Tiểu học Thử",
        bot_username="truong_bot",
        _=translator("vi"),
        actor="test",
        days=days,
        web=web,
    )
    await session.commit()
    assert made is not None
    return made, web.printed


async def mother_guardian(session: AsyncSession, school: School) -> int:
    found = await session.scalar(
        select(Guardian.id).where(
            Guardian.school_id == school.id, Guardian.phone == normalize_phone(MOTHER[1])
        )
    )
    assert found is not None
    return found


def secret_of(link: SlipLink) -> str:
    return link.link.rsplit("/", 1)[1]


def images_per_slip(document_bytes: bytes) -> list[int]:
    document = Document(io.BytesIO(document_bytes))
    rows = [row for table in document.tables for row in table.rows]
    return [len(row._tr.xpath(".//a:blip/@r:embed")) for row in rows]


def new_browser(application: BotApplication) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=build_web_app(services_of(application)))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def web_account(session: AsyncSession, guardian: int) -> TelegramAccount | None:
    await session.commit()
    return await session.scalar(
        select(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == -guardian)
        .execution_options(populate_existing=True)
    )


async def join_on_the_web(browser: httpx.AsyncClient, secret: str) -> None:
    """Open the slip's link, read the privacy notice, agree: signed in."""
    opened = await browser.get(f"/login/{secret}")
    assert opened.status_code == 200 and secret in opened.text
    asked = await sign_in(browser, secret)
    assert asked.status_code == 200 and "Nhà trường lưu" in asked.text, asked.text[:400]
    agreed = await browser.post("/login", data={"secret": secret, "consent": "yes"})
    assert agreed.status_code == 303, agreed.text[:400]


async def weekly_deliveries(session: AsyncSession, account_id: int) -> list[Delivery]:
    await session.commit()
    rows = await session.scalars(
        select(Delivery)
        .where(Delivery.account_id == account_id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def test_a_family_without_telegram_reads_friday_s_notice_on_the_web(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    sandbox: RunningSandbox,
) -> None:
    clock = BotClock(web_bot, MONDAY)
    school = await on_2026_calendar(session, lists)
    guardian = await mother_guardian(session, school)
    made, printed = await print_slips(session, school, MONDAY)
    assert made.web_links == made.count and set(images_per_slip(made.document)) == {2}
    link = printed[guardian]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", link.code) and link.site == "testserver"

    # The link page and the privacy notice spend nothing; disagreeing records nothing.
    assert (await browser.get(f"/login/{secret_of(link)}")).status_code == 200
    asked = await sign_in(browser, secret_of(link))
    assert asked.status_code == 200 and "Đồng ý" in asked.text
    declined = await browser.post("/login", data={"secret": secret_of(link), "consent": "no"})
    assert declined.status_code == 200 and CHILD not in declined.text
    assert CHILD not in (await browser.get("/")).text
    account = await web_account(session, guardian)
    assert account is not None and account.state is AccountState.NEW
    assert account.channel == AccountChannel.WEB and account.guardian_id is None
    # Agreeing signs in: the child's book; the account is linked with the consent recorded.
    await join_on_the_web(browser, secret_of(link))
    home = await browser.get("/")
    assert CHILD in home.text
    account = await web_account(session, guardian)
    assert account is not None and account.state is AccountState.LINKED
    assert account.guardian_id == guardian and account.consent_version is not None
    # The link worked once: another browser is refused, by link and by code.
    async with new_browser(web_bot) as other:
        assert (await sign_in(other, secret_of(link))).status_code == 403
        assert (await sign_in(other, link.code)).status_code == 403

    # The teacher writes the week in the grid; Friday's job sends it.
    child = dict((name, i) for i, name in await class_pupils(session, school, "1A"))[CHILD]
    clock.set(vn(2026, 12, 3, 20, 0))
    async with new_browser(web_bot) as teacher_browser:
        csrf = await signed_in(make_person, teacher_browser, TEACHER_1A)
        saved = await post_row(teacher_browser, csrf, child, comment="Con đọc to, rõ ràng.")
        assert saved.json()["ok"] is True
    clock.set(FRIDAY)
    await weekly_send_due(services_of(web_bot).sessions, school.id, FRIDAY.astimezone(UTC))
    clock.advance(minutes=1)
    await send_outbox(web_bot)
    (delivery,) = await weekly_deliveries(session, account.id)
    assert delivery.state is DeliveryState.SENT and delivery.message_ids == []
    # Telegram was never called for the family's synthetic chat.
    calls = sandbox.state.recorder.calls
    assert not [c for c in calls if str(c.chat_id) in (str(-guardian), str(account.chat_id))]

    # This week's notice on the page; "Đã xem" once, counted once.
    home = await browser.get("/")
    assert "Con đọc to, rõ ràng." in home.text
    csrf = csrf_of(home)
    for _ in range(2):
        seen = await browser.post("/seen", data={"csrf": csrf, "delivery": str(delivery.id)})
        assert seen.status_code == 303
    await session.commit()
    figures = await class_figures(session, school.id, WEEK_13.start)
    (class_1a,) = [
        f for class_id, f in figures.items() if class_id == await class_of(session, school.id)
    ]
    assert class_1a[2:] == (1, 1)  # delivered to one family, read by it once

    # Feedback from the web; the teacher answers in chat; the family reads it on the web.
    teacher = await linked_person(make_person, *TEACHER_1A)
    form = await browser.get(f"/feedback?child={child}")
    fields = {"child": str(child), "topic": "study", "to": "teacher", "text": "Con cần sách gì?"}
    sent = await browser.post("/feedback", data={**fields, "csrf": csrf_of(form)})
    assert sent.status_code == 200
    item = await session.scalar(select(Feedback).where(Feedback.school_id == school.id))
    assert item is not None and item.account_id == account.id
    await send_due(web_bot)
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press(data=f"v1:fb:reply:{item.id}")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Con cần vở ô li và bút chì.")
    assert "Đã gửi" in (await teacher.next_message(timeout=10, new_only=True))["text"]
    await send_due(web_bot)
    answered = await browser.get(f"/feedback?child={child}")
    assert "Con cần vở ô li và bút chì." in answered.text
    calls = sandbox.state.recorder.calls
    assert not [c for c in calls if str(c.chat_id) == str(account.chat_id)]


async def class_of(session: AsyncSession, school_id: int) -> int:
    from storage.models import Student

    found = await session.scalar(  # this school's: the run's database holds other tests' schools
        select(Student.class_id).where(Student.school_id == school_id, Student.full_name == CHILD)
    )
    assert found is not None
    return found


async def test_the_slip_s_link_expires_with_the_slip_and_a_reprint_ends_it(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, MONDAY)
    guardian = await mother_guardian(session, lists)
    _made, first = await print_slips(session, lists, MONDAY, days=7)
    clock.set(MONDAY + timedelta(days=7, minutes=1))  # a day after the slip's last
    expired = await sign_in(browser, secret_of(first[guardian]))
    assert expired.status_code == 403 and CHILD not in expired.text
    clock.set(MONDAY + timedelta(days=8))
    _made, second = await print_slips(session, lists, MONDAY + timedelta(days=8), days=7)
    clock.advance(minutes=5)
    _made, third = await print_slips(session, lists, MONDAY + timedelta(days=8, minutes=5))
    # The reprint ended the second slips' links (not used yet); the newest works once.
    assert (await sign_in(browser, second[guardian].code)).status_code == 403
    await join_on_the_web(browser, secret_of(third[guardian]))
    assert CHILD in (await browser.get("/")).text


async def test_a_family_in_both_places_gets_each_notice_once(
    web_bot: BotApplication,
    browser: httpx.AsyncClient,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(web_bot, MONDAY)
    school = await on_2026_calendar(session, lists)
    guardian = await mother_guardian(session, school)
    _made, printed = await print_slips(session, school, MONDAY)
    await join_on_the_web(browser, secret_of(printed[guardian]))
    # The mother joins in Telegram too: Telegram keeps her, the web account is released and
    # its browser signed out (/web in the chat opens the page again).
    mother = await linked_person(make_person, *MOTHER)
    web = await web_account(session, guardian)
    assert web is not None and web.guardian_id is None and web.state is not AccountState.LINKED
    assert CHILD not in (await browser.get("/")).text
    # A new slip's web link now opens her Telegram account (no privacy notice again, nothing
    # linked anew).
    clock.advance(minutes=5)
    _made, again = await print_slips(session, school, MONDAY + timedelta(minutes=5))
    signed = await sign_in(browser, secret_of(again[guardian]))
    assert signed.status_code == 303
    assert CHILD in (await browser.get("/")).text
    telegram = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.guardian_id == guardian,
            TelegramAccount.state == AccountState.LINKED,
        )
    )
    assert telegram is not None and telegram.channel == AccountChannel.TELEGRAM

    child = dict((name, i) for i, name in await class_pupils(session, school, "1A"))[CHILD]
    clock.set(vn(2026, 12, 3, 20, 0))
    async with new_browser(web_bot) as teacher_browser:
        csrf = await signed_in(make_person, teacher_browser, TEACHER_1A)
        await post_row(teacher_browser, csrf, child, comment="Con vẽ đẹp.")
    clock.set(FRIDAY)
    await weekly_send_due(services_of(web_bot).sessions, school.id, FRIDAY.astimezone(UTC))
    clock.advance(minutes=1)
    await send_outbox(web_bot)
    assert await weekly_deliveries(session, web.id) == []
    (delivery,) = await weekly_deliveries(session, telegram.id)
    assert delivery.state is DeliveryState.SENT
    received = [m for m in await mother.messages() if "Con vẽ đẹp." in (m["text"] or "")]
    assert len(received) == 1
    secret, _code = await web_link(mother)  # days later: the session ended, /web opens it
    assert (await sign_in(browser, secret)).status_code == 303
    home = await browser.get("/")  # the same delivery, on the web
    assert home.text.count("Con vẽ đẹp.") == 1


@pytest.mark.parametrize("web_url", [None, "https://truong.example.edu.vn/solienlac/"])
def test_the_cli_prints_the_second_qr_code_only_when_the_web_is_served(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web_url: str | None
) -> None:
    assert schoolbot("import", "roster", str(shared_file("roster.csv")), db=db).returncode == 0
    if web_url:
        monkeypatch.setenv("SCHOOLBOT_WEB_URL", web_url)
    else:
        monkeypatch.delenv("SCHOOLBOT_WEB_URL", raising=False)
    out = tmp_path / "thu-moi-3B.docx"
    result = schoolbot("invites", "--class", "3B", "--out", str(out), "--bot", "@truong_bot", db=db)
    assert result.returncode == 0, result.stderr
    counts = images_per_slip(out.read_bytes())
    assert len(counts) == 12 and set(counts) == {2 if web_url else 1}
    text = "".join(Document(str(out)).element.xpath("//w:t/text()"))
    assert ("truong.example.edu.vn/solienlac" in text) == bool(web_url)
    said = "web links on this class's earlier slips no longer work"
    assert (said in result.stdout or "không còn dùng được" in result.stdout) == bool(web_url)
