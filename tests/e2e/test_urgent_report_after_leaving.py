"""An urgent message's delivery report: stamped by the bot's clock, and never edited in the chat
of a sender who has left the school (it names pupils and families)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.features.administration.imports import import_staff
from sandbox.pytest_plugin import PersonFactory
from storage.models import Notice, School
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.test_notifications import parents_of
from tests.features.administration.test_imports import SUCCESSOR, staff_list

READ = "\u2705 Đã xem"


async def test_the_report_is_stamped_by_the_bots_clock_and_stops_when_its_sender_leaves(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    parents = await parents_of(session, lists, make_person, "1A", count=2)
    teacher = await linked_person(make_person, *TEACHER_1A)
    clock = BotClock(running_bot, vn(2027, 2, 3, 10, 0))
    services = running_bot.bot_data["services"]
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=lambda: services.clock(),
        per_chat_interval=0.0,
    )
    await teacher.command("khan")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Trường cho học sinh nghỉ học ngày mai vì bão.")
    preview = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Gửi ngay", message_id=preview["message_id"])
    await teacher.next_message(timeout=10)
    clock.advance(minutes=1)
    assert await dispatcher.tick() == len(parents)
    await dispatcher.reports.refresh(force=True)
    report = await teacher.next_message(timeout=10, new_only=True)
    assert report["text"].startswith("Báo cáo gửi thông báo lúc 10:00, 03/02/2027\n")
    assert "Chưa liên kết" in report["text"]  # it names the families to call

    # She leaves the school; a parent reads the message afterwards.
    clock.advance(days=1)
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    outcome = await import_staff(session, lists, path, actor="test", now=clock())
    await session.commit()
    assert outcome.leaving == ["Phan Thị Thu"]
    await parents[0].press(READ)
    await parents[0].next_message(timeout=10)
    notice = await session.scalar(
        select(Notice).where(Notice.school_id == lists.id, Notice.kind == "urgent")
    )
    assert notice is not None
    before = [m for m in await teacher.messages() if m["from_bot"]]
    dispatcher.reports.touch(notice.id)
    await dispatcher.reports.refresh(force=True)
    after = [m for m in await teacher.messages() if m["from_bot"]]
    assert after == before  # no edit, no new report
    await session.refresh(notice)
    assert notice.report_text is not None and "Đã xem: 0" in notice.report_text
