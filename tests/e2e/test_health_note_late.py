"""The nurse's weekly note written after the class's week went out (issue 16): the notice went
on Friday at 16:30, the note is written on Saturday at 09:00, and the family gets a short
addendum with the note behind its button; a correction before it goes replaces it; nothing
typed is lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.weekly.jobs import send_due
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import CommentKind, School, WeeklyComment
from tests.e2e.conftest import MOTHER, BotClock, linked_person, vn
from tests.e2e.test_health import NURSE, button
from tests.e2e.test_school_days import (
    SATURDAY,
    WEEK_13,
    class_1a,
    deliver,
    from_bot,
    school_days,  # noqa: F401  (a fixture)
    student,
)

DANG = "Hoàng Anh Đăng"
FIRST = "Con bị đau mắt đỏ ngày thứ Sáu; gia đình cho con nghỉ ngơi."
SECOND = "Con bị đau mắt đỏ ngày thứ Sáu; gia đình nhỏ thuốc theo đơn và cho con nghỉ ngơi."


async def stored_note(session: AsyncSession, school: School, pupil: int) -> Any:
    """The nurse's note about the pupil as stored now: (id, text, week_start), or None."""
    await session.commit()
    return (
        await session.execute(
            select(WeeklyComment.id, WeeklyComment.text, WeeklyComment.week_start).where(
                WeeklyComment.school_id == school.id,
                WeeklyComment.student_id == pupil,
                WeeklyComment.kind == CommentKind.HEALTH,
            )
        )
    ).first()


async def ask_for_note(nurse: PersonClient, class_id: int) -> dict[str, Any]:
    """/suckhoe, class 1A, "Ghi chú sức khỏe tuần", Đăng: the prompt for the note."""
    await nurse.command("suckhoe")
    await nurse.next_message(timeout=10, new_only=True)
    await nurse.press("1A")
    await nurse.next_message(timeout=10)
    await nurse.press(data=f"v1:hlth:note:{class_id}")
    pupils = await nurse.next_message(timeout=10)
    (choice,) = [b for row in pupils["buttons"] for b in row if b["text"] == DANG]
    await nurse.press(data=choice["callback_data"], message_id=pupils["message_id"])
    return await nurse.next_message(timeout=10)


async def test_a_note_written_on_saturday_reaches_the_family_as_an_addendum(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_days: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    school = school_days
    clock = BotClock(running_bot, vn(2026, 12, 4, 16, 29))
    mother = await linked_person(make_person, *MOTHER)
    dang = await student(session, school, DANG)
    session.add(
        WeeklyComment(
            school_id=school.id,
            student_id=dang,
            week_start=WEEK_13.start,
            kind=CommentKind.HOMEROOM,
            text="Con ngoan.",
        )
    )
    await session.commit()
    # Friday 16:30: the schedule's job sends the week (as bot/core/schedules runs it).
    clock.set(vn(2026, 12, 4, 16, 30))
    services = running_bot.bot_data["services"]
    sent = await send_due(services.sessions, school.id, clock.moment)
    assert any(result.notices for result in sent)
    await deliver(running_bot)
    notice = await mother.next_message(timeout=10)
    assert "Sổ liên lạc tuần 13" in notice["text"] and "Sức khỏe" not in notice["text"]

    # Saturday 09:00: the nurse writes a note about Đăng for the week just ended.
    clock.set(SATURDAY)
    nurse = await linked_person(make_person, *NURSE)
    prompt = await ask_for_note(nurse, await class_1a(session, school))
    assert "13" in prompt["text"]  # the week just ended
    await nurse.send(FIRST)
    saved = await nurse.next_message(timeout=10, new_only=True)
    assert DANG in saved["text"]  # "... addendum in a few minutes" (vi: catalog)
    note = await stored_note(session, school, dang)
    assert note is not None and (note.text, note.week_start) == (FIRST, WEEK_13.start)

    # Two minutes later she corrects it: the newer addendum replaces the one not sent yet.
    clock.advance(minutes=2)
    await ask_for_note(nurse, await class_1a(session, school))
    await nurse.send(SECOND)
    await nurse.next_message(timeout=10, new_only=True)
    note = await stored_note(session, school, dang)
    assert note is not None and note.text == SECOND

    assert await deliver(running_bot) == 0  # an addendum waits a few minutes
    clock.advance(minutes=11)
    await deliver(running_bot)
    addendum = await mother.next_message(timeout=10, new_only=True)
    (told,) = await from_bot(mother, "Bổ sung sổ liên lạc tuần 13")  # one: the newer replaced
    assert told["message_id"] == addendum["message_id"]
    assert DANG in addendum["text"] and "Sức khỏe" in addendum["text"]
    assert "Trường" in addendum["text"] and "Người gửi: Nhân viên y tế" in addendum["text"]
    assert "đau mắt" not in addendum["text"]  # the note stays behind its button
    assert button(addendum, "v1:hlth:wn:") == f"v1:hlth:wn:{note.id}"
    await mother.press(data=f"v1:hlth:wn:{note.id}", message_id=addendum["message_id"])
    shown = await mother.next_message(timeout=10, new_only=True)
    assert SECOND in shown["text"] and DANG in shown["text"]

    # The same note sent again tells nobody anything new.
    clock.advance(minutes=1)
    await ask_for_note(nurse, await class_1a(session, school))
    await nurse.send(SECOND)
    await nurse.next_message(timeout=10, new_only=True)
    clock.advance(minutes=15)
    await deliver(running_bot)
    assert len(await from_bot(mother, "Bổ sung sổ liên lạc tuần 13")) == 1
    assert clock.moment - vn(2026, 12, 5, 9, 0) < timedelta(hours=1)
