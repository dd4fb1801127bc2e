"""Messages at their longest through the sandbox, which refuses more than 4,096 characters like
Telegram: the largest class's list of families not linked, and a correction card after a
"Cần bổ sung" round with the longest texts the bot accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.limits import TEXT_LIMIT
from bot.delivery.dispatcher import Dispatcher
from bot.features.administration.imports import import_roster
from bot.features.assessment.rules import Period
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionState, School, SchoolClass
from tests.e2e.conftest import ADMIN, TEACHER_1A, linked_person
from tests.e2e.test_corrections import (
    CHILD,
    PHOTO,
    PRINCIPAL,
    SCORE_TOAN,
    book,  # noqa: F401  (a fixture)
    datas,
    edited,
    mark,
    reply,
    requests,
    start_request,
    tap,
)
from tests.e2e.test_leave import pupil_id
from tests.e2e.test_notifications import DAYTIME, Clock, drain
from tests.factories import HEADER, pupil, write_table

LARGEST_CLASS = 55
NAME_LIMIT = 120  # the longest name the lists keep
TELEGRAM_LIMIT = 4096


def longest_name(n: int, role: str) -> str:
    """A name of exactly NAME_LIMIT characters, no part over 60 (the stored parts' width)."""
    family = f"{role}{n:02d}Nguyễn"
    given = ("Ngọc" + "ánh" * 20)[:50]
    middle = ("Thị Bảo " * 10)[: NAME_LIMIT - len(family) - len(given) - 2].strip()
    middle += "o" * (NAME_LIMIT - len(family) - len(given) - 2 - len(middle))
    name = f"{family} {middle} {given}"
    assert len(name) == NAME_LIMIT and max(len(part) for part in name.split()) <= 60
    return name


async def send_outbox(bot: BotApplication) -> None:
    """Deliver what the bot queued for other people."""
    services = bot.bot_data["services"]
    clock = Clock(DAYTIME)
    dispatcher = Dispatcher(
        bot.bot, services.sessions, school_id=services.school_id, clock=clock, per_chat_interval=0
    )
    await drain(dispatcher, clock)


def squashed(text: str) -> str:
    """The text without its whitespace (a cut between parts drops the spaces at the cut)."""
    return "".join(text.split())


async def everything_new(person: PersonClient) -> list[dict[str, Any]]:
    received = []
    while True:
        try:
            received.append(await person.next_message(timeout=4, new_only=True))
        except TimeoutError:
            return received


async def test_the_largest_class_not_linked_comes_in_parts_that_each_fit(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    rows = [
        [
            *pupil(
                600 + n,
                code=f"79{600 + n:08d}",
                name=longest_name(n, "Con"),
                klass="5Z",
                father=(longest_name(n, "Bố"), None),
                mother=(longest_name(n, "Mẹ"), None),
                contact=f"0356{600 + n:06d}",
            ),
            longest_name(n, "Bà"),
            f"0357{600 + n:06d}",
        ]
        for n in range(LARGEST_CLASS)
    ]
    header = [*HEADER, "Họ tên người giám hộ", "SĐT người giám hộ"]
    path = write_table(tmp_path / "5z.xlsx", rows, header=header)
    outcome = await import_roster(session, lists, path, today=date(2026, 11, 23), actor="test")
    assert not outcome.refused, outcome.problems
    await session.commit()
    class_id = await session.scalar(select(SchoolClass.id).where(SchoolClass.name == "5Z"))

    admin = await linked_person(make_person, *ADMIN)
    await admin.command("chualienket")
    await admin.next_message(timeout=10)
    await admin.press(data=f"v1:adm:unl:{class_id}")
    parts = await everything_new(admin)
    assert len(parts) > 1
    assert all(len(part["text"]) <= TELEGRAM_LIMIT for part in parts)
    text = "\n".join(part["text"] for part in parts)
    assert text.startswith(f"Lớp 5Z: {LARGEST_CLASS}/{LARGEST_CLASS} gia đình chưa liên kết")
    for n in range(LARGEST_CLASS):
        for role in ("Con", "Bố", "Mẹ", "Bà"):
            assert longest_name(n, role) in text, (n, role)
    assert text.count("• ") == LARGEST_CLASS


async def file_long_request(
    sandbox: RunningSandbox, teacher: PersonClient, student_id: int, reason: str
) -> dict[str, Any]:
    """A request for Toán's CN score with the longest reason; returns the bot's last answer."""
    asked = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert not isinstance(asked, str), asked
    await teacher.send("9")
    await reply(teacher)
    await tap(teacher, "v1:corr:why:entry_error")
    await edited(teacher)
    await teacher.send(reason)
    await reply(teacher)
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    await reply(teacher)
    await mark(teacher, "book")  # a score needs the record book's page and the pupil's test
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    await reply(teacher)
    await mark(teacher, "test")
    await tap(teacher, "v1:corr:done")
    await edited(teacher)
    await tap(teacher, "v1:corr:send")
    return await edited(teacher)


def longest_text(opening: str) -> str:
    """A text of exactly TEXT_LIMIT characters with what HTML would take as markup."""
    filler = " Điểm <b>8</b> & điểm 9 — \u201cghi nhầm\u201d."
    text = opening + filler * (TEXT_LIMIT // len(filler))
    return text[: TEXT_LIMIT - 3] + "KẾT"


async def test_a_card_after_a_needs_more_round_with_the_longest_texts_can_still_be_decided(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    reason, question, addition = (
        longest_text("LÝ DO."),
        longest_text("CÂU HỎI."),
        longest_text("BỔ SUNG."),
    )
    await file_long_request(sandbox, teacher, student_id, reason)
    await send_outbox(running_bot)  # the card goes through the outbox
    (request,) = await requests(session, school_id)
    rid = request.id
    first = [m for m in await everything_new(principal) if m.get("text")]
    (card,) = [m for m in first if f"v1:corr:okq:{rid}" in datas(m)]
    await principal.press(data=f"v1:corr:more:{rid}", message_id=card["message_id"])
    await reply(principal)
    await principal.send(question)
    await reply(principal)
    await send_outbox(running_bot)
    asked = [m for m in await everything_new(teacher) if f"v1:corr:add:{rid}" in datas(m)]
    assert asked, "the teacher was not asked for more"
    await teacher.press(data=f"v1:corr:add:{rid}")
    await reply(teacher)
    await teacher.send(addition)
    await reply(teacher)
    await teacher.press(data=f"v1:corr:addok:{rid}")
    await edited(teacher)
    await send_outbox(running_bot)

    # The card comes again with its buttons, after the reason in full.
    received = [m for m in await everything_new(principal) if m.get("text")]
    assert all(len(m["text"]) <= TELEGRAM_LIMIT for m in received)
    (again,) = [
        m for m in received if datas(m) == [f"v1:corr:{a}:{rid}" for a in ["okq", "noq", "more"]]
    ]
    before = "".join(m["text"] for m in received if m["message_id"] < again["message_id"])
    assert squashed(reason) in squashed(before) and squashed(addition) in squashed(before)
    assert again["text"].count("…") == 1 and "KẾT" in again["text"]  # the end of the addition

    # The principal decides in chat; the edited card stays within the limit.
    await principal.press(data=f"v1:corr:okq:{rid}", message_id=again["message_id"])
    await principal.next_message(timeout=10)  # "Xác nhận duyệt" in place of the card's buttons
    await principal.press(data=f"v1:corr:ok:{rid}", message_id=again["message_id"])
    decided = await principal.next_message(timeout=10)
    assert decided["event"] == "edit" and len(decided["text"]) <= TELEGRAM_LIMIT
    assert datas(decided) == []
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED
