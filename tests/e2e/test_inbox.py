"""The staff inbox, and nothing waiting unseen: a homeroom teacher who joins after a parent's
feedback and leave request receives both, and /hopthu lists them with their buttons.

The bot's clock is Monday 07/12/2026 08:00 in Vietnam.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.kept import deliver_kept
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import LinkRequest, RequestState, School, TelegramAccount
from tests.e2e.conftest import ADMIN, MOTHER, TEACHER_1A, linked_person, vn
from tests.e2e.test_feedback import PRINCIPAL, datas, latest, pupil_id, send_due, write_feedback
from tests.e2e.test_leave import (  # noqa: F401  (school_year is a fixture)
    CHILD,
    MONDAY,
    ask_leave,
    requests,
    school_year,
)

NOT_JOINED = "chưa tham gia sổ liên lạc điện tử"


async def from_bot(person: PersonClient, start: int) -> list[dict[str, Any]]:
    return [m for m in (await person.messages())[start:] if m["from_bot"]]


async def join(
    application: BotApplication, session: AsyncSession, school: School, person: PersonClient
) -> None:
    """What linking gives a newcomer: the notices kept for them (linking does it; again here
    it queues nothing twice), then the outbox sent."""
    await session.commit()
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == person.person_id,
        )
    )
    assert account is not None
    await deliver_kept(session, account, vn(2026, 12, 7, 8, 5))
    await session.commit()
    await send_due(application)


async def round_trip(person: PersonClient) -> None:
    """/help, and wait for its answer: everything sent before it has arrived."""
    await person.command("help")
    while "/start" not in ((await person.next_message(timeout=10, new_only=True))["text"] or ""):
        pass


async def inbox(person: PersonClient) -> list[dict[str, Any]]:
    """/hopthu, and every message it answers with."""
    start = len(await person.messages())
    await person.command("hopthu")
    await round_trip(person)
    return (await from_bot(person, start))[:-1]


async def test_a_teacher_who_joins_late_receives_everything_and_her_inbox_lists_it(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    school = school_year
    admin = await linked_person(make_person, *ADMIN)
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, school, CHILD)
    admin_start = len(await admin.messages())

    told = await write_feedback(running_bot, mother, child, topic="boarding")
    assert NOT_JOINED in told["text"] and "Giáo viên chủ nhiệm lớp 1A" in told["text"]
    assert "Đã gửi tới" not in told["text"]
    item = await latest(session, school)
    sent = await ask_leave(mother, child, MONDAY, "Con bị sốt.")
    assert NOT_JOINED in sent["text"] and "Đã gửi" not in sent["text"]
    (request,) = await requests(session, school)
    await send_due(running_bot)
    to_admin = [m["text"] for m in await from_bot(admin, admin_start)]
    assert len(to_admin) == 1, to_admin  # told once, not per message
    assert "Phan Thị Thu" in to_admin[0] and NOT_JOINED in to_admin[0]

    teacher = await linked_person(make_person, *TEACHER_1A)
    start = len(await teacher.messages())
    await join(running_bot, session, school, teacher)
    received = await from_bot(teacher, start)
    feedback_card = [m for m in received if "bị bạn trêu" in (m["text"] or "")]
    leave_card = [m for m in received if "Con bị sốt." in (m["text"] or "")]
    assert len(feedback_card) == 1 and len(leave_card) == 1, received
    assert datas(feedback_card[0]) == [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"]
    assert datas(leave_card[0]) == [f"v1:leave:ok:{request.id}", f"v1:leave:no:{request.id}"]

    listed = await inbox(teacher)
    assert "Hộp thư: 2 việc" in listed[0]["text"] and "Góp ý: 1" in listed[0]["text"]
    cards = listed[1:]
    assert [datas(card) for card in cards] == [
        [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"],
        [f"v1:leave:ok:{request.id}", f"v1:leave:no:{request.id}"],
    ]
    assert "Góp ý về Bán trú ngày 07/12" in cards[0]["text"] and CHILD in cards[1]["text"]

    # The buttons in the inbox are the cards' own: confirming there decides the request.
    await teacher.press("Xác nhận", message_id=cards[1]["message_id"])
    await teacher.next_message(timeout=10)
    (request,) = await requests(session, school)
    assert request.state == RequestState.APPROVED
    listed = await inbox(teacher)
    assert "Hộp thư: 1 việc" in listed[0]["text"] and len(listed) == 2


async def test_each_inbox_holds_what_its_owner_answers_and_pages_the_rest(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_year: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    school = school_year
    admin = await linked_person(make_person, *ADMIN)
    principal = await linked_person(make_person, *PRINCIPAL)
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, school, CHILD)
    await write_feedback(
        running_bot, mother, child, to_leaders=True, topic="facilities", anonymous=True
    )
    item = await latest(session, school)
    parent_account = await session.scalar(
        select(TelegramAccount.id).where(TelegramAccount.telegram_user_id == mother.person_id)
    )
    assert parent_account is not None
    for number in range(10):
        session.add(
            LinkRequest(
                school_id=school.id,
                account_id=parent_account,
                phone=f"+8490000{number:04d}",
                name=f"Phụ huynh {number}",
                description=f"Mai Hà Linh lớp 1A ({number})",
                class_id=item.class_id,
                state=RequestState.PENDING,
            )
        )
    await session.commit()

    listed = await inbox(principal)
    assert "Hộp thư: 1 việc" in listed[0]["text"]
    assert datas(listed[1]) == [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"]
    assert CHILD not in listed[1]["text"]  # anonymous: the leaders see only the class

    listed = await inbox(admin)
    assert "Hộp thư: 10 việc" in listed[0]["text"] and "Yêu cầu liên kết: 10" in listed[0]["text"]
    cards, more = listed[1:-1], listed[-1]
    assert len(cards) == 8 and all(datas(card)[-1].startswith("v1:lnk:no:") for card in cards)
    assert "8/10" in more["text"]
    start = len(await admin.messages())
    await admin.press("Xem thêm", message_id=more["message_id"])
    await round_trip(admin)
    rest = [m for m in await from_bot(admin, start) if m["buttons"]]
    assert len(rest) == 2 and all("Mai Hà Linh" in m["text"] for m in rest)

    await mother.command("hopthu")
    refused = await mother.next_message(timeout=10, new_only=True)
    assert refused["text"] == "Hộp thư dành cho cán bộ, giáo viên của trường."
