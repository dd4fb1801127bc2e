"""Link requests nobody decides: the school-day job at 07:40 (schedule `link_request_reminder`)
reminds the homeroom teacher of a request open for two working days, with the card's buttons;
when nobody holding that role has joined, or the request is still open two working days after
the reminder, the principal and vice principals are told. On the bot's clock, never sleeping.

Expected texts are read through the Vietnamese catalog (`vi`): the msgid until the catalog has
the sentence, its translation after.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import schedules
from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.accounts import news
from bot.features.accounts.jobs import KIND, remind_due
from bot.features.accounts.reminders import REMIND, STILL_OPEN
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import LinkRequest, Notice, RequestState, School
from tests.e2e.conftest import TEACHER_1A, BotClock, consent, linked_person, send_outbox, vn

vi = translator("vi")
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")


async def ask_to_be_linked(make_person: PersonFactory, phone: str, description: str) -> None:
    """A person whose phone is not on the lists asks to be linked to a child."""
    parent = await make_person("Người xin liên kết", phone)
    await consent(parent)
    await parent.share_contact()
    await parent.next_message(timeout=10)
    await parent.send(description)
    await parent.next_message(timeout=10)


async def link_request(session: AsyncSession, school: School, phone: str) -> LinkRequest:
    await session.commit()
    found = await session.scalar(
        select(LinkRequest).where(LinkRequest.school_id == school.id, LinkRequest.phone == phone)
    )
    assert found is not None and found.state == RequestState.PENDING
    return found


async def told(session: AsyncSession, school: School) -> list[tuple[str | None, Any]]:
    """The reminders queued (ref, when), oldest first."""
    await session.commit()
    rows = await session.execute(
        select(Notice.ref, Notice.created_at)
        .where(Notice.school_id == school.id, Notice.kind == "link_reminder")
        .order_by(Notice.id)
    )
    return [(ref, at) for ref, at in rows]


async def new_messages(person: PersonClient) -> list[dict[str, Any]]:
    """Every new message the person has not read yet."""
    found = []
    while True:
        try:
            found.append(await person.next_message(timeout=1, new_only=True))
        except TimeoutError:
            return found


def datas(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in message["buttons"] or [] for b in row]


@pytest.mark.parametrize("running_bot", [True], indirect=True)  # the bot sends, as in production
async def test_a_request_opened_on_monday_is_reminded_on_wednesday_at_0740_then_told_the_leaders(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Opened on Monday 07/12 at 07:00: two working days end on Wednesday 07:00, so Tuesday's
    07:40 job passes it over and Wednesday's reminds the 1A teacher, once; still open two
    working days later (Friday 07:40), the principal is told, once."""
    clock = BotClock(running_bot, vn(2026, 12, 7, 7, 0))
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    await ask_to_be_linked(make_person, "+84909555681", "mẹ cháu Mai Hà Linh lớp 1A")
    card = await teacher.next_message(timeout=10, new_only=True)
    assert "0909 555 681" in card["text"]
    request = await link_request(session, lists, "+84909555681")
    await new_messages(principal)

    planned = await schedules.rebuild(running_bot)  # planned on the bot's clock
    (job,) = [p for p in planned if p.school_id == lists.id and p.kind == KIND]
    assert (job.weekday, job.at.strftime("%H:%M")) == (schedules.SCHOOL_DAYS, "07:40")
    await clock.run_until(vn(2026, 12, 8, 7, 41))  # Tuesday
    assert await told(session, lists) == []
    await clock.run_until(vn(2026, 12, 9, 7, 41))  # Wednesday
    assert await told(session, lists) == [(f"link_reminder:{request.id}", vn(2026, 12, 9, 7, 40))]
    (reminder,) = [m for m in await new_messages(teacher) if "0909 555 681" in m["text"]]
    heading = vi(REMIND).format(days=2)
    assert reminder["text"].startswith(heading), reminder["text"]
    assert datas(reminder) == datas(card)  # the pupils to choose from, and "Từ chối"
    assert [m for m in await new_messages(principal) if "0909 555 681" in m["text"]] == []

    await clock.run_until(vn(2026, 12, 10, 7, 41))  # Thursday: reminded once, leaders not yet
    assert len(await told(session, lists)) == 1
    await clock.run_until(vn(2026, 12, 11, 7, 41))  # Friday
    refs = [ref for ref, _at in await told(session, lists)]
    assert refs == [f"link_reminder:{request.id}", f"link_escalation:{request.id}"]
    (escalated,) = [m for m in await new_messages(principal) if "0909 555 681" in m["text"]]
    assert vi(STILL_OPEN).format(days=2) in escalated["text"]
    assert vi(news.LEADERS_NOTE) in escalated["text"]
    assert not escalated["buttons"]  # the teacher or the administrator decides
    await clock.run_until(vn(2026, 12, 14, 7, 41))  # Saturday, Sunday, Monday: nothing more
    assert len(await told(session, lists)) == 2


async def test_weekends_are_not_working_days_and_a_class_without_its_teacher_goes_to_the_leaders(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Opened on Monday 07/12 at 09:00 for 1A: not reminded on Wednesday at 07:40 (one working
    day and 22 hours), on Thursday. Opened on Thursday 10/12 at 09:00 for 3B, whose homeroom
    teacher has not joined: nothing on Friday, Saturday, Sunday or Monday at 07:40; on Tuesday
    the principal is told why (Monday, the 1A request still open two working days after its
    reminder goes to the leaders)."""
    clock = BotClock(running_bot, vn(2026, 12, 7, 9, 0))
    sessions = running_bot.bot_data["services"].sessions
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    await ask_to_be_linked(make_person, "+84909555683", "bố cháu Mai Hà Linh lớp 1A")
    await send_outbox(running_bot)
    await teacher.next_message(timeout=10, new_only=True)
    monday = await link_request(session, lists, "+84909555683")
    assert await remind_due(sessions, lists.id, vn(2026, 12, 9, 7, 40)) == []
    assert await remind_due(sessions, lists.id, vn(2026, 12, 10, 7, 40)) == [monday.id]

    clock.set(vn(2026, 12, 10, 9, 0))
    await ask_to_be_linked(make_person, "+84909555682", "bà cháu Trần Minh Trí lớp 3B")
    assert await send_outbox(running_bot) == 1  # the 1A reminder; nobody who decides 3B joined
    request = await link_request(session, lists, "+84909555682")
    for day in (11, 12, 13):  # Friday, Saturday, Sunday
        assert await remind_due(sessions, lists.id, vn(2026, 12, day, 7, 40)) == [], day
    assert await remind_due(sessions, lists.id, vn(2026, 12, 14, 7, 40)) == [monday.id]
    tuesday = vn(2026, 12, 15, 7, 40)
    assert await remind_due(sessions, lists.id, tuesday) == [request.id]
    assert await remind_due(sessions, lists.id, vn(2026, 12, 16, 7, 40)) == []
    clock.set(tuesday)
    await send_outbox(running_bot)
    (escalated,) = [m for m in await new_messages(principal) if "0909 555 682" in m["text"]]
    assert vi(news.NOT_JOINED).format(class_name="3B") in escalated["text"]
    assert not escalated["buttons"]
    assert [ref for ref, _at in await told(session, lists)] == [
        f"link_reminder:{monday.id}",
        f"link_escalation:{monday.id}",
        f"link_escalation:{request.id}",
    ]
