"""Two pupils of 1A named Ngô Khánh Oanh (born 25/01/2018 and 14/08/2018, different codes and
parents), through the sandbox: the nurse's pupil buttons and prompts, the homeroom teacher's
leave request card (with its doctor's note), the feedback card and the inbox tell them apart;
so does the report of a notice to pupils with no linked family.

The bot's clock is Monday 07/12/2026 08:00 in Vietnam (week 14 of the 2026–2027 calendar).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.audience import resolve
from bot.delivery.outbox import Audience
from bot.features.administration.imports import import_roster
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import HealthCheck, School, Student, WeeklyComment
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.e2e.test_feedback import PNG
from tests.e2e.test_health import NURSE
from tests.e2e.test_school_days import FIRST_OANH, NAMESAKES, OANH, SECOND_OANH, class_1a
from tests.factories import write_table

MONDAY = date(2026, 12, 7)
FIRST_MOTHER = ("Lê Thị Hoa", "+84983000201")  # the mother of Oanh born 25/01/2018
SECOND_MOTHER = ("Trần Thị Lan", "+84983000202")  # the mother of Oanh born 14/08/2018


@pytest_asyncio.fixture
async def namesakes(
    lists: School, session: AsyncSession, tmp_path: Path, running_bot: BotApplication
) -> School:
    """The sample school on the 2026–2027 calendar with the two Oanh in 1A; the bot's clock
    on Monday 07/12/2026 08:00."""
    lists.year_start = date(2026, 9, 7)
    session.add(lists)
    path = write_table(tmp_path / "namesakes.csv", NAMESAKES)
    outcome = await import_roster(session, lists, path, today=date(2026, 11, 23), actor="test")
    assert not outcome.refused, outcome.problems
    await session.commit()
    BotClock(running_bot, vn(2026, 12, 7, 8, 0))
    return lists


async def oanh(session: AsyncSession, school: School, code: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.student_code == code)
    )
    assert found is not None
    return found


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message["buttons"] for button in row]


def data_of(message: dict[str, Any], prefix: str) -> str:
    (found,) = [
        button["callback_data"]
        for row in message["buttons"]
        for button in row
        if button.get("callback_data", "").startswith(prefix)
    ]
    return str(found)


def has(message: dict[str, Any], prefix: str) -> bool:
    return any(b.get("callback_data", "").startswith(prefix) for r in message["buttons"] for b in r)


async def class_pupils(nurse: PersonClient, class_id: int, what: str) -> dict[str, Any]:
    """/suckhoe, 1A, then "Nhập kết quả" (`one`) or "Nhận xét sức khỏe" (`note`)."""
    await nurse.command("suckhoe")
    await nurse.next_message(timeout=10, new_only=True)
    await nurse.press("1A")
    await nurse.next_message(timeout=10)
    await nurse.press(data=f"v1:hlth:{what}:{class_id}")
    return await nurse.next_message(timeout=10)


async def test_the_nurse_tells_the_two_oanh_apart_in_buttons_prompts_and_answers(
    running_bot: BotApplication,
    make_person: PersonFactory,
    namesakes: School,
    session: AsyncSession,
) -> None:
    school = namesakes
    nurse = await linked_person(make_person, *NURSE)
    class_id = await class_1a(session, school)

    pupils = await class_pupils(nurse, class_id, "one")
    shown = labels(pupils)
    assert FIRST_OANH in shown and SECOND_OANH in shown and OANH not in shown, shown
    assert "Hoàng Anh Đăng" in shown  # a pupil without a namesake keeps the name alone
    await nurse.press(SECOND_OANH, message_id=pupils["message_id"])
    prompt = await nurse.next_message(timeout=10)
    assert SECOND_OANH in prompt["text"], prompt["text"]
    await nurse.send("121; 23,5; 10/10; 10/10")
    preview = await nurse.next_message(timeout=10, new_only=True)
    assert SECOND_OANH in preview["text"] and FIRST_OANH not in preview["text"]
    await nurse.press("Xác nhận", message_id=preview["message_id"])
    saved = await nurse.next_message(timeout=10)
    assert saved["event"] == "edit" and SECOND_OANH in saved["text"], saved["text"]
    await session.commit()
    checked = await session.scalar(
        select(Student.student_code)
        .join(HealthCheck, HealthCheck.student_id == Student.id)
        .where(HealthCheck.school_id == school.id)
    )
    assert checked == "7900000202"  # the pupil born on 14/08/2018, and only her

    notes = await class_pupils(nurse, class_id, "note")
    assert FIRST_OANH in labels(notes) and SECOND_OANH in labels(notes)
    await nurse.press(FIRST_OANH, message_id=notes["message_id"])
    prompt = await nurse.next_message(timeout=10)
    assert FIRST_OANH in prompt["text"], prompt["text"]
    await nurse.send("Con hay bị ho, gia đình theo dõi thêm.")
    noted = await nurse.next_message(timeout=10, new_only=True)
    assert FIRST_OANH in noted["text"], noted["text"]
    await session.commit()
    written = await session.scalar(
        select(Student.student_code)
        .join(WeeklyComment, WeeklyComment.student_id == Student.id)
        .where(WeeklyComment.school_id == school.id)
    )
    assert written == "7900000201"


async def ask_leave(mother: PersonClient, child: int, reason: str) -> None:
    """/xinnghi for Monday morning with a doctor's note (a photo), sent."""
    await mother.command("xinnghi")
    screen = await mother.next_message(timeout=10, new_only=True)
    if has(screen, "v1:leave:child:"):
        await mother.press(data=data_of(screen, f"v1:leave:child:{child}:"))
        screen = await mother.next_message(timeout=10)
    await mother.press(data=data_of(screen, f"v1:leave:day:{child}:{MONDAY:%Y%m%d}:"))
    sessions = await mother.next_message(timeout=10)
    await mother.press(data=data_of(sessions, f"v1:leave:part:{child}:morning:"))
    await mother.next_message(timeout=10)
    await mother.send(reason)
    await mother.next_message(timeout=10, new_only=True)
    await mother.send_photo(PNG, "giay-kham.jpg")
    summary = await mother.next_message(timeout=10, new_only=True)
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    await mother.next_message(timeout=10)


async def write_feedback(parent: PersonClient, child: int, text: str) -> None:
    """/gopy to the homeroom teacher about studies, sent."""
    await parent.command("gopy")
    screen = await parent.next_message(timeout=10, new_only=True)
    for step in (f"v1:fb:kid:{child}", "v1:fb:to:0", "v1:fb:topic:study"):
        if has(screen, step):
            await parent.press(data=data_of(screen, step), message_id=screen["message_id"])
            screen = await parent.next_message(timeout=10)
    await parent.send(text)
    offer = await parent.next_message(timeout=10, new_only=True)
    await parent.press(data=data_of(offer, "v1:fb:send:"), message_id=offer["message_id"])
    await parent.next_message(timeout=10)


async def test_the_teachers_leave_and_feedback_cards_and_inbox_say_which_oanh(
    running_bot: BotApplication,
    make_person: PersonFactory,
    namesakes: School,
    session: AsyncSession,
) -> None:
    school = namesakes
    teacher = await linked_person(make_person, *TEACHER_1A)
    first = await linked_person(make_person, *FIRST_MOTHER)
    second = await linked_person(make_person, *SECOND_MOTHER)

    await ask_leave(first, await oanh(session, school, "7900000201"), "Con bị sốt.")
    await send_outbox(running_bot)
    card = await teacher.next_message(timeout=10, new_only=True)
    assert f"Học sinh: {FIRST_OANH}, lớp 1A" in card["text"], card["text"]
    assert f"phụ huynh của em {FIRST_OANH}" in card["text"] and SECOND_OANH not in card["text"]
    note = await teacher.next_message(timeout=10, new_only=True)
    assert note["file"]["kind"] == "photo" and FIRST_OANH in note["caption"], note["caption"]

    await write_feedback(second, await oanh(session, school, "7900000202"), "Nhờ cô để ý con.")
    await send_outbox(running_bot)
    item = await teacher.next_message(timeout=10, new_only=True)
    assert f"Phụ huynh em {SECOND_OANH} (lớp 1A)" in item["text"], item["text"]
    assert FIRST_OANH not in item["text"]

    # The inbox lists both with the same cards.
    await teacher.command("hopthu")
    await teacher.next_message(timeout=10, new_only=True)  # the heading
    shown = [await teacher.next_message(timeout=10, new_only=True) for _ in range(3)]
    texts = "\n".join(m["text"] or m["caption"] or "" for m in shown)
    assert f"Học sinh: {FIRST_OANH}, lớp 1A" in texts, texts
    assert f"Phụ huynh em {SECOND_OANH} (lớp 1A)" in texts, texts

    # Once decided, the teacher's card still says which Oanh.
    await teacher.press("Xác nhận", message_id=card["message_id"])
    decided = await teacher.next_message(timeout=10)
    assert decided["message_id"] == card["message_id"] and FIRST_OANH in decided["text"]


async def test_a_notice_report_lists_the_unlinked_namesakes_apart(
    namesakes: School, session: AsyncSession
) -> None:
    class_id = await class_1a(session, namesakes)
    found = await resolve(session, namesakes.id, Audience.classes(class_id))
    assert FIRST_OANH in found.not_linked and SECOND_OANH in found.not_linked
    assert OANH not in found.not_linked
