"""A leave request still open when the class gets a new homeroom teacher reaches her: queued at
the staff import, delivered when she joins, once; the teacher who left gets nothing more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.administration.imports import import_staff
from bot.features.leave import news
from bot.features.leave import queries as leave
from sandbox.pytest_plugin import PersonFactory
from storage.models import Delivery, LeavePart, LeaveRequest, Notice, RequestState, School
from tests.e2e.conftest import BotClock, linked_person, send_outbox, vn
from tests.features.administration.test_imports import SUCCESSOR, staff_list
from tests.features.leave.test_leave import actor_for, pupil_id


async def cards(session: AsyncSession, request: LeaveRequest) -> int:
    await session.commit()
    found = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.school_id == request.school_id, Notice.ref == f"leave:{request.id}")
    )
    return int(found or 0)


async def test_an_open_leave_request_follows_the_class_to_its_new_teacher(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    clock = BotClock(running_bot, vn(2026, 11, 24, 14, 0))
    mother = await actor_for(session, lists, "mother")
    dang = await pupil_id(session, lists, "Hoàng Anh Đăng")
    request = await leave.submit(
        session,
        mother,
        dang,
        date(2026, 11, 26),
        date(2026, 11, 26),
        LeavePart.ALL_DAY,
        "Con bị sốt.",
        now=clock(),
        today=date(2026, 11, 24),
    )
    assert isinstance(request, LeaveRequest)
    assert await news.queue_request(session, request, clock()) == 0  # as the chat step does
    await session.commit()
    assert await cards(session, request) == 1  # kept for Phan Thị Thu, who never joined

    clock.advance(hours=1)
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    outcome = await import_staff(session, lists, path, actor="test", now=clock())
    await session.commit()
    assert outcome.leaving == ["Phan Thị Thu"]
    assert await cards(session, request) == 2  # queued for Vũ Thị Lan, kept until she joins

    clock.advance(hours=1)
    successor = await linked_person(make_person, "Vũ Thị Lan", "+84912345678")
    await send_outbox(running_bot)
    card = await successor.next_message(timeout=10, new_only=True)
    assert card["text"].startswith("Đơn xin nghỉ học\n") and "Hoàng Anh Đăng" in card["text"]
    await session.commit()
    due = await session.scalar(
        select(Delivery.due_at)
        .join(Notice)
        .where(Notice.ref == f"leave:{request.id}", Delivery.chat_id == card["chat_id"])
    )
    assert due == vn(2026, 11, 24, 16, 0)

    # The same list again, or another list keeping her: nothing twice.
    clock.advance(hours=1)
    again = await import_staff(session, lists, path, actor="test", now=clock())
    await session.commit()
    assert not again.refused and await cards(session, request) == 2
    assert await send_outbox(running_bot) == 0

    await successor.press("Xác nhận", message_id=card["message_id"])
    await successor.next_message(timeout=10)
    await session.refresh(request)
    assert request.state == RequestState.APPROVED
