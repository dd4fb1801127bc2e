"""Health results through the sandbox: the nurse's sheet, the families' notices and details."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import (
    filters,
)

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.delivery.dispatcher import Dispatcher
from bot.features.health.chat.sheet import CANCELLED
from bot.features.health.template import HealthPaper, build_health_template
from bot.features.weekly.queries import class_pupils
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    CommentKind,
    HealthCheck,
    School,
    Student,
    StudentGuardian,
    TelegramAccount,
    WeeklyComment,
)
from tests.e2e.conftest import forge, linked_person
from tests.e2e.test_notifications import Clock, class_id, drain, parents_of

NURSE = ("Lê Thị Mai", "+84907723267")
PRIVATE = filters.ChatType.PRIVATE
FIRST_ROW = 7  # the template's titles, a blank row and the header come first


@pytest_asyncio.fixture
async def health_bot(running_bot: BotApplication) -> AsyncIterator[BotApplication]:
    """The running bot (the health feature is registered with the others)."""
    yield running_bot


@pytest.fixture
def dispatcher(health_bot: BotApplication) -> tuple[Dispatcher, Clock]:
    from tests.e2e.test_notifications import DAYTIME

    clock = Clock(DAYTIME)
    services = health_bot.bot_data["services"]
    sender = Dispatcher(
        health_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0.0,
    )
    return sender, clock


async def sheet(session: AsyncSession, school: School, height: float | None = None) -> bytes:
    """Class 1A's template filled in; `height` replaces the first pupil's height."""
    pupils = await class_pupils(session, await class_id(session, school, "1A"))
    paper = HealthPaper(school.name, "1A", "Lê Thị Mai", "", "Phường Xuân Hòa", date(2026, 9, 15))
    data = build_health_template(
        paper, [(code, name) for _i, code, name in pupils], translator("vi")
    )
    workbook = load_workbook(io.BytesIO(data))
    page = workbook.worksheets[0]
    for n in range(len(pupils)):
        number = FIRST_ROW + n
        page.cell(number, 4, 118 + n)
        page.cell(number, 5, 21 + n / 2)
        page.cell(number, 6, "10/10")
        page.cell(number, 7, "8/10" if n % 3 == 0 else "10/10")
        page.cell(number, 10, "Sâu 1 răng" if n % 4 == 0 else "Bình thường")
    if height is not None:
        page.cell(FIRST_ROW, 4, height)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def checks_stored(session: AsyncSession, school: School) -> int:
    await session.commit()
    query = select(func.count()).select_from(HealthCheck).where(HealthCheck.school_id == school.id)
    return int(await session.scalar(query) or 0)


async def children_in(
    session: AsyncSession, school: School, person: PersonClient, class_name: str
) -> set[str]:
    """The names of the person's children in a class."""
    await session.commit()
    guardian = await session.scalar(
        select(TelegramAccount.guardian_id).where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == person.person_id,
        )
    )
    names = await session.scalars(
        select(Student.full_name)
        .join(StudentGuardian, StudentGuardian.student_id == Student.id)
        .where(
            StudentGuardian.guardian_id == guardian,
            Student.class_id == await class_id(session, school, class_name),
        )
    )
    return set(names)


async def everything_new(person: PersonClient) -> list[dict[str, Any]]:
    received = []
    while True:
        try:
            received.append(await person.next_message(timeout=1.5, new_only=True))
        except TimeoutError:
            return received


def button(message: dict[str, Any], prefix: str) -> str:
    (data,) = [
        b["callback_data"]
        for row in message["buttons"]
        for b in row
        if b.get("callback_data", "").startswith(prefix)
    ]
    return str(data)


async def last_alert(sandbox: RunningSandbox, person: PersonClient) -> str:
    (bot_id,) = sandbox.state.bots
    for _ in range(100):
        alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
        if alerts:
            return str(alerts[-1]["text"])
        await asyncio.sleep(0.05)
    raise TimeoutError("no alert")


async def test_a_class_sheet_notifies_only_each_childs_guardians_with_details_behind_a_button(
    health_bot: BotApplication,
    dispatcher: tuple[Dispatcher, Clock],
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parents = await parents_of(session, lists, make_person, "1A", 3)
    (stranger,) = await parents_of(session, lists, make_person, "5C", 1)
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(await sheet(session, lists), "ket-qua-1A.xlsx")
    summary = await nurse.next_message(timeout=10)
    pupils = len(await class_pupils(session, await class_id(session, lists, "1A")))
    assert "1A" in summary["text"] and str(pupils) in summary["text"]
    assert not any(
        name in summary["text"] for name in await children_in(session, lists, parents[0], "1A")
    )
    assert await checks_stored(session, lists) == 0  # nothing before the confirmation
    await nurse.press("Xác nhận")
    done = await nurse.next_message(timeout=10)
    assert done["event"] == "edit" and str(pupils) in done["text"]
    assert await checks_stored(session, lists) == pupils
    await nurse.press(data=button(summary, "v1:hlf:ok:"), forged=True)  # a second press
    again = await nurse.next_message(timeout=10)
    assert again["event"] == "edit", again
    assert await checks_stored(session, lists) == pupils
    sender, clock = dispatcher
    await drain(sender, clock)
    received = {id(p): await everything_new(p) for p in [*parents, stranger]}
    assert received[id(stranger)] == []
    for parent in parents:
        children = await children_in(session, lists, parent, "1A")
        notices = received[id(parent)]
        assert len(notices) == len(children) >= 1, [n["text"] for n in notices]
        named = {name for name in children for notice in notices if name in notice["text"]}
        assert named == children
        for notice in notices:
            assert "cm" not in notice["text"] and "kg" not in notice["text"]
            # Who sends it: the school, and the nurse by name, as urgent and class notices.
            assert notice["text"].startswith(
                "Kết quả khám sức khỏe\nTrường Tiểu học Thử\n"
                "Người gửi: Nhân viên y tế, Lê Thị Mai\n\n"
            ), notice["text"]
    first = received[id(parents[0])][0]
    show = button(first, "v1:hlth:show:")
    await parents[0].press(data=show, message_id=first["message_id"])
    details = await parents[0].next_message(timeout=10, new_only=True)
    child = next(
        name
        for name in await children_in(session, lists, parents[0], "1A")
        if name in first["text"]
    )
    assert child in details["text"] and "cm" in details["text"] and "BMI" in details["text"]
    await stranger.press(data=show, forged=True)
    assert "không dành cho" in await last_alert(sandbox, stranger)
    assert await everything_new(stranger) == []


async def test_a_sheet_with_a_height_of_1500_is_refused_with_its_row(
    health_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(await sheet(session, lists, height=1500), "ket-qua-1A.xlsx")
    reply = await nurse.next_message(timeout=10)
    assert f"Dòng {FIRST_ROW}" in reply["text"] and "Chiều cao" in reply["text"]
    assert not reply["buttons"]
    assert await checks_stored(session, lists) == 0


async def test_one_pupil_in_chat_refuses_a_weight_of_0_then_saves_a_good_line(
    health_bot: BotApplication,
    sandbox: RunningSandbox,
    dispatcher: tuple[Dispatcher, Clock],
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    nurse = await linked_person(make_person, *NURSE)
    await nurse.command("suckhoe")
    await nurse.next_message(timeout=10)
    await nurse.press("1A")
    await nurse.next_message(timeout=10)
    await nurse.press(data=f"v1:hlth:one:{await class_id(session, lists, '1A')}")
    pupils = await nurse.next_message(timeout=10)
    pupil = pupils["buttons"][0][0]
    await nurse.press(pupil["text"])
    await nurse.next_message(timeout=10)
    await nurse.send("128; 0")
    refused = await nurse.next_message(timeout=10)
    assert "Cân nặng" in refused["text"] and "10" in refused["text"]
    assert await checks_stored(session, lists) == 0
    await nurse.send("128; 26,5; 10/10; 8/10; sâu 2 răng")
    shown = await nurse.next_message(timeout=10)
    assert pupil["text"] in shown["text"] and "26,5" in shown["text"] and "8/10" in shown["text"]
    assert await checks_stored(session, lists) == 0
    await nurse.press("Xác nhận")
    saved = await nurse.next_message(timeout=10)
    assert saved["event"] == "edit" and pupil["text"] in saved["text"]
    assert await checks_stored(session, lists) == 1
    # A second press, and "Hủy" pressed late: each says the results were saved (the pupil's
    # name; vi: catalog), nothing changes and the message keeps showing what was done.
    for late in (button(shown, "v1:hlth:eok:"), button(shown, "v1:hlth:eno:")):
        alert = await forge(sandbox, nurse, late)
        assert alert is not None and pupil["text"] in alert
    assert await checks_stored(session, lists) == 1


async def test_a_school_health_notice_reaches_the_families_after_a_preview(
    health_bot: BotApplication,
    sandbox: RunningSandbox,
    dispatcher: tuple[Dispatcher, Clock],
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parents = await parents_of(session, lists, make_person, "1A", 2)
    nurse = await linked_person(make_person, *NURSE)
    await nurse.command("canhbao")
    await nurse.next_message(timeout=10)
    await nurse.send("Phòng chống bệnh tay chân miệng: rửa tay bằng xà phòng <mỗi ngày>.")
    preview = await nurse.next_message(timeout=10)
    assert "<mỗi ngày>" in preview["text"] and " 2 " in preview["text"]
    for parent in parents:
        assert await everything_new(parent) == []  # nothing goes before "Send"
    assert "Trường Tiểu học Thử\nNgười gửi: Nhân viên y tế, Lê Thị Mai" in preview["text"]
    await nurse.press(data=button(preview, "v1:hlth:aok:"))
    assert (await nurse.next_message(timeout=10))["event"] == "edit"
    sender, clock = dispatcher
    await drain(sender, clock)
    for parent in parents:
        (notice,) = await everything_new(parent)
        assert "rửa tay bằng xà phòng <mỗi ngày>" in notice["text"]
        # Who sends it: the school and the nurse.
        assert notice["text"].startswith(
            "Thông báo y tế\nTrường Tiểu học Thử\nNgười gửi: Nhân viên y tế, Lê Thị Mai\n\n"
        )
    # "Gửi" again, and "Hủy" late: nothing more is sent; the pop-up says it went.
    for late in (button(preview, "v1:hlth:aok:"), button(preview, "v1:hlth:ano:")):
        alert = await forge(sandbox, nurse, late)
        assert alert is not None  # vi: "Thông báo này đã được gửi..." (catalog)
    await drain(sender, clock)
    for parent in parents:
        assert await everything_new(parent) == []


async def test_the_nurses_weekly_note_is_stored_for_the_working_week(
    health_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    nurse = await linked_person(make_person, *NURSE)
    await nurse.command("suckhoe")
    await nurse.next_message(timeout=10)
    await nurse.press("1A")
    await nurse.next_message(timeout=10)
    await nurse.press(data=f"v1:hlth:note:{await class_id(session, lists, '1A')}")
    pupils = await nurse.next_message(timeout=10)
    pupil = pupils["buttons"][0][0]
    await nurse.press(pupil["text"])
    await nurse.next_message(timeout=10)
    await nurse.send("Con hay bị ho, gia đình theo dõi thêm.")
    saved = await nurse.next_message(timeout=10)
    assert pupil["text"] in saved["text"]
    await session.commit()
    stored = (
        await session.execute(
            select(WeeklyComment.kind, WeeklyComment.text, WeeklyComment.week_start).where(
                WeeklyComment.school_id == lists.id
            )
        )
    ).all()
    assert [(kind, text) for kind, text, _week in stored] == [
        (CommentKind.HEALTH, "Con hay bị ho, gia đình theo dõi thêm.")
    ]
    assert stored[0][2].weekday() == 0


async def test_a_sheet_without_its_class_in_the_title_asks_which_class(
    health_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    pupils = await class_pupils(session, await class_id(session, lists, "1A"))
    rows = [f"{code},{120 + n},{22 + n}" for n, (_i, code, _name) in enumerate(pupils[:2])]
    data = "\n".join(["Mã học sinh,Chiều cao,Cân nặng", *rows]).encode()
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(data, "suckhoe.csv", mime_type="text/csv")
    await nurse.next_message(timeout=10)
    await nurse.press("1A")
    assert (await nurse.next_message(timeout=10))["event"] == "edit"
    summary = await nurse.next_message(timeout=10)
    assert "2" in summary["text"]
    await nurse.press("Xác nhận")
    await nurse.next_message(timeout=10)
    assert await checks_stored(session, lists) == 2


async def test_a_cancelled_sheet_stores_nothing_and_its_buttons_are_then_stale(
    health_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(await sheet(session, lists), "ket-qua-1A.xlsx")
    summary = await nurse.next_message(timeout=10)
    await nurse.press("Hủy", message_id=summary["message_id"])
    cancelled = await nurse.next_message(timeout=10)
    assert cancelled["event"] == "edit" and "Không có gì được lưu" in cancelled["text"]
    await nurse.press(data=button(summary, "v1:hlf:ok:"), forged=True)  # "Xác nhận" afterwards
    stale = await nurse.next_message(timeout=10)
    cancelled = translator("vi")(CANCELLED).split("{time}")[0]  # the msgid until the catalog
    assert stale["event"] == "edit" and cancelled in stale["text"]
    assert await checks_stored(session, lists) == 0
