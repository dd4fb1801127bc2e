"""Feedback still waiting for an answer when the class gets a new homeroom teacher reaches her:
queued at the staff import, delivered when she joins, once; an item already answered, or one
to the leaders, does not follow. (Found by the term simulation: the teacher who left had the
parent's message, her successor never did.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.administration.imports import import_staff
from bot.features.feedback.news import KIND
from sandbox.pytest_plugin import PersonFactory
from storage.models import Feedback, FeedbackState, Notice, School
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_feedback import CHILD, datas, latest, pupil_id, write_feedback
from tests.features.administration.test_imports import SUCCESSOR, staff_list


async def notices_of(session: AsyncSession, item: Feedback) -> int:
    await session.commit()
    found = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.school_id == item.school_id, Notice.ref == f"{KIND}:{item.id}")
    )
    return int(found or 0)


async def test_open_feedback_follows_the_class_to_its_new_teacher_once(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    clock = BotClock(running_bot, vn(2026, 11, 24, 9, 0))  # a Tuesday morning
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, lists, CHILD)
    await write_feedback(running_bot, mother, child, text="Nhờ cô xem lại bài tập về nhà của con.")
    item = await latest(session, lists)
    received = await teacher.next_message(timeout=10, new_only=True)
    assert "bài tập về nhà" in received["text"]
    assert await notices_of(session, item) == 1

    # Phan Thị Thu leaves before answering; Vũ Thị Lan takes 1A.
    clock.advance(hours=2)
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    outcome = await import_staff(session, lists, path, actor="test", now=clock())
    await session.commit()
    assert outcome.leaving == ["Phan Thị Thu"]
    assert await notices_of(session, item) == 2  # queued for her, kept until she joins

    clock.advance(hours=1)
    successor = await linked_person(make_person, "Vũ Thị Lan", "+84912345678")
    await send_outbox(running_bot)
    card = await successor.next_message(timeout=10, new_only=True)
    assert "bài tập về nhà" in card["text"] and CHILD in card["text"], card["text"]
    assert datas(card) == [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"]

    # The same list again: nothing twice, and the teacher who left hears nothing more of it.
    clock.advance(hours=1)
    before = len(await teacher.messages())
    again = await import_staff(session, lists, path, actor="test", now=clock())
    await session.commit()
    assert not again.refused and await notices_of(session, item) == 2
    await send_outbox(running_bot)
    assert all(
        "bài tập về nhà" not in (m.get("text") or "") for m in (await teacher.messages())[before:]
    )

    # She answers it from the card, as its own teacher would.
    await successor.press(data=f"v1:fb:reply:{item.id}")
    await successor.next_message(timeout=10, new_only=True)
    await successor.send("Chào chị, cô đã xem bài và sẽ nhắn lại chiều nay.")
    assert "Đã gửi" in (await successor.next_message(timeout=10, new_only=True))["text"]
    await session.refresh(item)
    assert item.state is FeedbackState.ANSWERED
