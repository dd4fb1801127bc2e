"""Parents' feedback end to end: the thread, anonymity, forged buttons, reminders, limits, hours."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.limits import PER_HOUR
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import Draft as NoticeDraft
from bot.delivery.outbox import enqueue_per_pupil
from bot.features.feedback.jobs import remind_due
from bot.features.weekly.notices import ref
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    Delivery,
    DeliveryState,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    FeedbackTopic,
    Notice,
    PendingInput,
    School,
    Staff,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import (
    MOTHER,
    TEACHER_1A,
    TEACHER_3B,
    BotClock,
    forge,
    linked_person,
    vn,
)
from tests.e2e.test_notifications import Clock, drain

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
CHILD = "Hoàng Anh Đăng"  # the mother's child in 1A
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02" + b"\x00" * 40


def phones(e164: str) -> list[str]:
    """A phone in every form a message could carry it."""
    return [e164, e164[1:], "0" + e164[3:], e164[3:]]


async def pupil_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def rows(
    session: AsyncSession, school: School, model: type[Feedback] | type[FeedbackMessage]
) -> int:
    await session.commit()
    found = await session.scalar(
        select(func.count()).select_from(model).where(model.school_id == school.id)
    )
    return int(found or 0)


async def latest(session: AsyncSession, school: School) -> Feedback:
    await session.commit()
    item = await session.scalar(
        select(Feedback)
        .where(Feedback.school_id == school.id)
        .order_by(Feedback.id.desc())
        .execution_options(populate_existing=True)
    )
    assert item is not None
    return item


async def write_feedback(
    bot: BotApplication,
    parent: PersonClient,
    child: int,
    *,
    to_leaders: bool = False,
    topic: str = "study",
    anonymous: bool = False,
    text: str = "Con kể bị bạn trêu trong giờ ra chơi, nhờ cô để ý giúp.",
    photo: bool = False,
    document: bool = False,
) -> dict[str, Any]:
    """/gopy through every step, then the outbox sent (the message reaches the school through
    it, unless held for the teacher's hours); returns what the parent is told at the end."""
    await parent.command("gopy")
    screen = await parent.next_message(timeout=10, new_only=True)
    steps = [f"kid:{child}", f"to:{int(to_leaders)}", f"topic:{topic}"]
    if to_leaders:
        steps.append(f"anon:{int(anonymous)}")
    for step in steps:
        await press_step(parent, screen, f"v1:fb:{step}")
        screen = await parent.next_message(timeout=10)
    await parent.send(text)
    offer = await parent.next_message(timeout=10, new_only=True)
    assert offer["buttons"][0][0]["callback_data"].startswith("v1:fb:send:")
    if photo:
        await parent.send_photo(PNG, "bai-tap.png")
        told = await parent.next_message(timeout=10, new_only=True)
    elif document:
        await parent.send_document(PDF, "giay-kham.pdf", mime_type="application/pdf")
        told = await parent.next_message(timeout=10, new_only=True)
    else:
        await press_step(parent, offer, "v1:fb:send")
        told = await parent.next_message(timeout=10)
    await send_due(bot)
    return told


async def send_due(application: BotApplication) -> int:
    """Send what the outbox holds now by the bot's clock (`Services.clock`, which BotClock
    moves), as the running bot's sender would; returns how many deliveries were claimed."""
    services = application.bot_data["services"]
    dispatcher = Dispatcher(
        application.bot,
        services.sessions,
        school_id=services.school_id,
        clock=services.clock,
        per_chat_interval=0,
    )
    claimed = 0
    while sent := await dispatcher.tick():
        claimed += sent
    return claimed


def step_data(screen: dict[str, Any], prefix: str) -> str:
    """The data of the button of a screen that takes this step (it also names its draft)."""
    (found,) = [data for data in datas(screen) if data == prefix or data.startswith(prefix + ":")]
    return found


async def press_step(person: PersonClient, screen: dict[str, Any], prefix: str) -> None:
    """Press the button of a draft's screen whose data starts with `prefix`."""
    await person.press(data=step_data(screen, prefix), message_id=screen["message_id"])


def named(item: Feedback, topic: str) -> str:
    """How an item is named to people: its topic and day, never its number."""
    day = item.created_at.astimezone(ZONE).strftime("%d/%m")
    return f"góp ý về {topic} ngày {day}"


def datas(message: dict[str, Any]) -> list[str]:
    return [button["callback_data"] for row in message["buttons"] for button in row]


def said(messages: list[dict[str, Any]]) -> str:
    return "\n".join(f"{m['text'] or ''}\n{m['caption'] or ''}" for m in messages if m["from_bot"])


async def since(person: PersonClient, count: int) -> list[dict[str, Any]]:
    return (await person.messages())[count:]


async def new_alert(sandbox: RunningSandbox, person: PersonClient, before: int) -> str:
    (bot_id,) = sandbox.state.bots
    log = sandbox.state.chat_log(bot_id, person.person_id)
    for _ in range(100):
        if len(log.alerts) > before:
            return str(log.alerts[-1]["text"])
        await asyncio.sleep(0.05)
    raise AssertionError("no alert came")


def alerts(sandbox: RunningSandbox, person: PersonClient) -> int:
    (bot_id,) = sandbox.state.bots
    return len(sandbox.state.chat_log(bot_id, person.person_id).alerts)


async def test_a_round_trip_parent_teacher_parent_keeps_both_identities_private(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    parent_start, teacher_start = len(await parent.messages()), len(await teacher.messages())
    child = await pupil_id(session, lists, CHILD)

    told = await write_feedback(running_bot, parent, child, photo=True)
    assert "1A" in told["text"]
    item = await latest(session, lists)
    assert (item.student_id, item.to_leaders, item.state) == (child, False, FeedbackState.OPEN)
    # The photo goes as a photo, by its file id, with the message as its caption and buttons.
    received = await teacher.next_message(timeout=10, new_only=True)
    assert received["file"]["kind"] == "photo"
    assert CHILD in received["caption"] and "1A" in received["caption"]
    assert "bị bạn trêu" in received["caption"]
    assert datas(received) == [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"]

    await teacher.press(data=f"v1:fb:reply:{item.id}")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Cảm ơn chị, cô sẽ để ý và báo lại.")
    assert "Đã gửi" in (await teacher.next_message(timeout=10, new_only=True))["text"]
    assert await send_due(running_bot) == 1
    answer = await parent.next_message(timeout=10, new_only=True)
    assert "Cảm ơn chị, cô sẽ để ý và báo lại." in answer["text"]
    assert "1A" in answer["text"]
    assert answer["buttons"][0][0]["callback_data"] == f"v1:fb:more:{item.id}"

    # The parent answers back; it reaches the same teacher.
    await parent.press(data=f"v1:fb:more:{item.id}")
    await parent.next_message(timeout=10, new_only=True)
    await parent.send("Dạ, cảm ơn cô.")
    await parent.next_message(timeout=10, new_only=True)
    assert await send_due(running_bot) == 1
    more = await teacher.next_message(timeout=10, new_only=True)
    assert "Dạ, cảm ơn cô." in more["text"] and named(item, "Học tập") in more["text"]
    assert f"#{item.id}" not in more["text"]

    await teacher.press(data=f"v1:fb:done:{item.id}")
    await teacher.next_message(timeout=10, new_only=True)  # "marked as handled"
    assert await send_due(running_bot) == 1
    closed = await parent.next_message(timeout=10, new_only=True)
    assert CHILD in closed["text"]
    item = await latest(session, lists)
    assert item.state is FeedbackState.CLOSED and item.answered_at is not None
    thread = list(
        await session.scalars(
            select(FeedbackMessage.from_parent)
            .where(FeedbackMessage.feedback_id == item.id)
            .order_by(FeedbackMessage.id)
        )
    )
    assert thread == [True, False, True]

    # A second "Đã xử lý" (from an old copy of the button) changes nothing.
    before = alerts(sandbox, teacher)
    await teacher.press(data=f"v1:fb:done:{item.id}", forged=True)
    assert "đã xử lý" in await new_alert(sandbox, teacher, before)
    assert (await latest(session, lists)).closed_at == item.closed_at

    to_teacher = said(await since(teacher, teacher_start))
    for secret in [*phones(MOTHER[1]), MOTHER[0], str(parent.person_id)]:
        assert secret not in to_teacher, secret
    to_parent = said(await since(parent, parent_start))
    for secret in [*phones(TEACHER_1A[1]), TEACHER_1A[0], str(teacher.person_id)]:
        assert secret not in to_parent, secret


async def test_an_anonymous_item_shows_the_leaders_only_the_class(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parent = await linked_person(make_person, *MOTHER)
    principal = await linked_person(make_person, *PRINCIPAL)
    start = len(await principal.messages())
    child = await pupil_id(session, lists, CHILD)
    await write_feedback(
        running_bot,
        parent,
        child,
        to_leaders=True,
        topic="facilities",
        anonymous=True,
        text="Nhà vệ sinh hỏng.",
    )
    item = await latest(session, lists)
    assert item.to_leaders and item.anonymous and item.topic is FeedbackTopic.FACILITIES
    received = await principal.next_message(timeout=10, new_only=True)
    assert "lớp 1A" in received["text"] or "class 1A" in received["text"]
    assert "Nhà vệ sinh hỏng." in received["text"]
    await principal.press(data=f"v1:fb:reply:{item.id}")
    await principal.next_message(timeout=10, new_only=True)
    await principal.send("Nhà trường đã cho sửa trong tuần này.")
    await principal.next_message(timeout=10, new_only=True)
    assert await send_due(running_bot) == 1
    answer = await parent.next_message(timeout=10, new_only=True)
    assert "Nhà trường đã cho sửa" in answer["text"] and PRINCIPAL[0] not in answer["text"]
    seen = said(await since(principal, start))
    for secret in [CHILD, "Hoàng Hà Thuý", *phones(MOTHER[1]), MOTHER[0], str(parent.person_id)]:
        assert secret not in seen, secret


async def test_forged_and_stale_buttons_are_refused_and_store_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    other = await linked_person(make_person, *TEACHER_3B)
    await write_feedback(running_bot, parent, await pupil_id(session, lists, CHILD))
    await teacher.next_message(timeout=10, new_only=True)
    item = await latest(session, lists)
    for person in (parent, other):
        for action in ("reply", "done"):
            before = alerts(sandbox, person)
            await person.press(data=f"v1:fb:{action}:{item.id}", forged=True)
            assert "không dành cho" in await new_alert(sandbox, person, before)
    before = alerts(sandbox, teacher)
    await teacher.press(data=f"v1:fb:more:{item.id}", forged=True)
    assert "không dành cho" in await new_alert(sandbox, teacher, before)
    accounts = select(TelegramAccount.id).where(
        TelegramAccount.school_id == lists.id,
        TelegramAccount.telegram_user_id.in_([parent.person_id, other.person_id]),
    )
    await session.commit()
    assert (
        await session.scalar(
            select(func.count())
            .select_from(PendingInput)
            .where(PendingInput.account_id.in_(accounts))
        )
        == 0
    )
    item = await latest(session, lists)
    assert item.state is FeedbackState.OPEN
    assert await rows(session, lists, FeedbackMessage) == 1
    # A step of a draft that is no longer open is refused too.
    before = alerts(sandbox, parent)
    await parent.press(data="v1:fb:topic:study", forged=True)
    assert "/gopy" in await new_alert(sandbox, parent, before)


async def test_an_unanswered_item_is_reminded_and_listed_after_two_working_days(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Written on Saturday 09:00: two working days end on Tuesday 09:00, so Tuesday's 07:30
    job passes it over and Wednesday's reminds, once."""
    clock = BotClock(running_bot, vn(2026, 12, 5, 9, 0))
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    child = await pupil_id(session, lists, CHILD)
    await write_feedback(running_bot, parent, child)
    to_teacher = await latest(session, lists)
    await write_feedback(
        running_bot, parent, child, to_leaders=True, topic="boarding", anonymous=True
    )
    to_leaders = await latest(session, lists)
    await teacher.next_message(timeout=10, new_only=True)
    await principal.next_message(timeout=10, new_only=True)

    services = running_bot.bot_data["services"]
    tuesday, wednesday = vn(2026, 12, 8, 7, 30), vn(2026, 12, 9, 7, 30)
    assert await remind_due(services.sessions, lists.id, vn(2026, 12, 7, 7, 30)) == []
    assert await remind_due(services.sessions, lists.id, tuesday) == []
    reminded = await remind_due(services.sessions, lists.id, wednesday)
    assert reminded == [to_teacher.id, to_leaders.id]
    assert await remind_due(services.sessions, lists.id, vn(2026, 12, 10, 7, 30)) == []
    clock.set(wednesday)
    await send_due(running_bot)
    reminder = await teacher.next_message(timeout=10, new_only=True)
    assert named(to_teacher, "Học tập") in reminder["text"] and "2" in reminder["text"]
    assert "Nhắc việc" in reminder["text"] and f"#{to_teacher.id}" not in reminder["text"]
    data = [b["callback_data"] for row in reminder["buttons"] for b in row]
    assert data == [f"v1:fb:reply:{to_teacher.id}", f"v1:fb:done:{to_teacher.id}"]
    await principal.next_message(timeout=10, new_only=True)  # the leaders' own reminder

    await principal.command("gopy_bgh")
    listing = (await principal.next_message(timeout=10, new_only=True))["text"]
    assert "1A:" in listing
    lines = listing.splitlines()
    (teacher_line,) = [line for line in lines if line.startswith("Góp ý về Học tập ngày 05/12")]
    (leaders_line,) = [line for line in lines if line.startswith("Góp ý về Bán trú ngày 05/12")]
    assert CHILD in teacher_line
    assert "1A" in leaders_line and CHILD not in leaders_line and MOTHER[0] not in listing
    assert "#" not in listing
    await parent.command("gopy_bgh")
    refused = await parent.next_message(timeout=10, new_only=True)
    assert "Góp ý về" not in refused["text"]


async def test_bad_input_is_refused_and_stores_nothing(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parent = await linked_person(make_person, *MOTHER)
    await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, lists, CHILD)
    await parent.command("gopy")
    screen = await parent.next_message(timeout=10, new_only=True)
    for step in (f"kid:{child}", "to:0", "topic:health"):
        await press_step(parent, screen, f"v1:fb:{step}")
        screen = await parent.next_message(timeout=10)
    await parent.send("x" * 10_000)
    assert "2000" in (await parent.next_message(timeout=10, new_only=True))["text"]
    await parent.send("Con bị ho, nhờ cô nhắc con uống nước ấm.")  # still waiting for the text
    await parent.next_message(timeout=10, new_only=True)
    await parent.send_document(b"MZ\x90\x00" + b"\x00" * 100, "hinh-anh.exe")
    refused = await parent.next_message(timeout=10, new_only=True)
    assert "PDF" in refused["text"]
    assert (
        await rows(session, lists, Feedback) == 0
        and await rows(session, lists, FeedbackMessage) == 0
    )

    # Ten in the last hour: the eleventh is refused, at the start and at the end of a draft.
    account = await session.scalar(
        select(TelegramAccount.id).where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == parent.person_id,
        )
    )
    class_id = await session.scalar(select(Student.class_id).where(Student.id == child))
    assert class_id is not None
    recent = datetime.now(UTC) - timedelta(minutes=5)
    session.add_all(
        Feedback(
            school_id=lists.id,
            account_id=account,
            student_id=child,
            class_id=class_id,
            topic=FeedbackTopic.OTHER,
            state=FeedbackState.OPEN,
            created_at=recent,
        )
        for _ in range(PER_HOUR)
    )
    await session.commit()
    await parent.press(data="v1:fb:send", forged=True)  # the draft above, waiting for its photo
    assert str(PER_HOUR) in (await parent.next_message(timeout=10))["text"]
    await parent.command("gopy")
    assert str(PER_HOUR) in (await parent.next_message(timeout=10, new_only=True))["text"]
    assert (
        await rows(session, lists, Feedback) == PER_HOUR
        and await rows(session, lists, FeedbackMessage) == 0
    )


async def test_a_teachers_hours_hold_a_message_and_the_parent_is_told_when(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Her hours are 07:00-20:00; a message at 20:30 on Saturday waits for Sunday 07:00."""
    clock = BotClock(running_bot, vn(2026, 12, 5, 20, 30))
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("giolamviec", "21:00 06:30")
    assert "/giolamviec" in (await teacher.next_message(timeout=10, new_only=True))["text"]
    await teacher.command("giolamviec", "07:00 20:00")
    assert "07:00" in (await teacher.next_message(timeout=10, new_only=True))["text"]
    await session.commit()
    hours = select(Staff.hours_start, Staff.hours_end).where(
        Staff.school_id == lists.id, Staff.phone == TEACHER_1A[1]
    )
    assert (await session.execute(hours)).one() == ("07:00", "20:00")

    told = await write_feedback(running_bot, parent, await pupil_id(session, lists, CHILD))
    assert "07:00, Chủ nhật, 06/12/2026" in told["text"], told["text"]
    item = await latest(session, lists)
    assert item.deliver_at == vn(2026, 12, 6, 7, 0)
    assert not [m for m in await teacher.messages() if "bị bạn trêu" in (m["text"] or "")]

    clock.set(vn(2026, 12, 6, 6, 59))
    await send_due(running_bot)
    assert not [m for m in await teacher.messages() if "bị bạn trêu" in (m["text"] or "")]
    clock.set(vn(2026, 12, 6, 7, 1))
    await send_due(running_bot)
    held = await teacher.next_message(timeout=10, new_only=True)
    assert "bị bạn trêu" in held["text"] and CHILD in held["text"]
    assert held["buttons"][0][0]["callback_data"] == f"v1:fb:reply:{item.id}"

    await teacher.command("giolamviec", "tat")
    await teacher.next_message(timeout=10, new_only=True)
    await session.commit()
    assert (await session.execute(hours)).one() == (None, None)
    await parent.command("giolamviec", "06:30 21:00")
    assert "cán bộ" in (await parent.next_message(timeout=10, new_only=True))["text"]


async def test_reply_under_a_weekly_notice_asks_about_that_notices_child(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parent = await linked_person(make_person, *MOTHER)
    stranger = await linked_person(make_person, *TEACHER_3B)
    child = await pupil_id(session, lists, CHILD)
    class_id = await session.scalar(select(Student.class_id).where(Student.id == child))
    assert class_id is not None
    weekly_ref = ref(datetime.now(UTC).date(), class_id, child)
    buttons = [("Reply", "v1:fb:new:{delivery}")]
    draft = NoticeDraft("weekly", "Sổ liên lạc tuần", weekly_ref, buttons=buttons)
    clock = Clock(datetime.combine(datetime.now(UTC).date(), time(3, 0), tzinfo=UTC))
    outcome = await enqueue_per_pupil(session, lists.id, {child: draft}, now=clock.now)
    await session.commit()
    services = running_bot.bot_data["services"]
    await drain(
        Dispatcher(
            running_bot.bot,
            services.sessions,
            school_id=services.school_id,
            clock=clock,
            per_chat_interval=0,
        ),
        clock,
    )
    notice = await parent.next_message(timeout=10, new_only=True)
    press = notice["buttons"][0][-1]["callback_data"]
    delivery = await session.scalar(
        select(Delivery.id).where(Delivery.notice_id == outcome.notices[child])
    )
    assert press == f"v1:fb:new:{delivery}"
    await parent.press(data=press)
    question = await parent.next_message(timeout=10, new_only=True)
    assert CHILD in question["text"]
    data = [b["callback_data"] for row in question["buttons"] for b in row]
    assert [step_data(question, "v1:fb:to:0"), step_data(question, "v1:fb:to:1")] == data[:2]
    before = alerts(sandbox, stranger)
    await stranger.press(data=press, forged=True)
    assert "không dành cho" in await new_alert(sandbox, stranger, before)


async def test_a_file_reaches_the_teacher_as_a_document_by_its_file_id(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """A PDF goes as a document (Telegram refuses a document's file id in sendPhoto)."""
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    told = await write_feedback(
        running_bot, parent, await pupil_id(session, lists, CHILD), document=True
    )
    assert "1A" in told["text"]
    item = await latest(session, lists)
    kind = await session.scalar(
        select(FeedbackMessage.media_kind).where(FeedbackMessage.feedback_id == item.id)
    )
    assert kind == "document"
    received = await teacher.next_message(timeout=10, new_only=True)
    assert received["file"]["kind"] == "document"
    assert received["file"]["file_name"] == "giay-kham.pdf"
    assert CHILD in received["caption"] and "bị bạn trêu" in received["caption"]
    assert datas(received) == [f"v1:fb:reply:{item.id}", f"v1:fb:done:{item.id}"]
    sent = await session.scalar(
        select(func.count())
        .select_from(Delivery)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Notice.school_id == lists.id, Notice.kind == "feedback")
        .where(Delivery.state == DeliveryState.SENT)
    )
    assert sent == 1


async def open_draft(parent: PersonClient, child: int, topic: str = "study") -> dict[str, Any]:
    """/gopy up to the question for the text; returns that screen."""
    await parent.command("gopy")
    screen = await parent.next_message(timeout=10, new_only=True)
    for step in (f"kid:{child}", "to:0", f"topic:{topic}"):
        await press_step(parent, screen, f"v1:fb:{step}")
        screen = await parent.next_message(timeout=10)
    return screen


async def pending_kind(session: AsyncSession, school: School, person: PersonClient) -> str | None:
    await session.commit()
    account = select(TelegramAccount.id).where(
        TelegramAccount.school_id == school.id,
        TelegramAccount.telegram_user_id == person.person_id,
    )
    found = select(PendingInput.kind).where(PendingInput.account_id.in_(account))
    return await session.scalar(found)


CLOSED = "Phiếu này đã đóng; không có gì được gửi và không có gì thay đổi."
REPLACED = "Phiếu này đã được thay bằng phiếu mới hơn; không có gì thay đổi."


async def test_every_cancel_pressed_late_and_twice_tells_the_truth(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Saturday 09:00. The draft's "Huỷ" (under each of its questions) and its steps, pressed
    after it was sent; the answer's and the follow-up's "Huỷ" after they were sent; a cancelled
    draft's and a replaced draft's: each says what is true and changes nothing."""
    BotClock(running_bot, vn(2026, 12, 5, 9, 0))
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, lists, CHILD)

    question = await open_draft(parent, child, "boarding")
    await parent.send("Cơm trưa hôm nay bị nguội.")
    offer = await parent.next_message(timeout=10, new_only=True)
    late = [step_data(question, "v1:fb:cancel"), step_data(offer, "v1:fb:cancel")]
    late += [step_data(offer, "v1:fb:send"), late[0].replace("cancel", "topic:study")]
    await parent.send_photo(PNG, "com.png")
    await parent.next_message(timeout=10, new_only=True)
    item = await latest(session, lists)
    sent = "Góp ý về Bán trú ngày 05/12 đã được gửi đi; nút “Hủy” không còn thay đổi gì."
    for _twice in range(2):
        for data in late:
            assert await forge(sandbox, parent, data) == sent, data
    assert (
        await rows(session, lists, Feedback) == 1
        and await rows(session, lists, FeedbackMessage) == 1
    )
    assert (await latest(session, lists)).state is FeedbackState.OPEN

    # The teacher's answer and the parent's follow-up: their "Huỷ" after they were sent.
    await send_due(running_bot)
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press(data=f"v1:fb:reply:{item.id}")
    prompt = await teacher.next_message(timeout=10, new_only=True)
    assert "góp ý về Bán trú ngày 05/12" in prompt["text"] and f"#{item.id}" not in prompt["text"]
    await teacher.send("Cô đã báo nhà bếp.")
    await teacher.next_message(timeout=10, new_only=True)
    answered = (
        "Tin nhắn này (góp ý về Bán trú ngày 05/12) đã được gửi đi; "
        "nút “Hủy” không còn thay đổi gì."
    )
    for _twice in range(2):
        assert await forge(sandbox, teacher, step_data(prompt, "v1:fb:cancel")) == answered
    await send_due(running_bot)
    await parent.next_message(timeout=10, new_only=True)
    await parent.press(data=f"v1:fb:more:{item.id}")
    more = await parent.next_message(timeout=10, new_only=True)
    await parent.send("Dạ cảm ơn cô.")
    await parent.next_message(timeout=10, new_only=True)
    assert await forge(sandbox, parent, step_data(more, "v1:fb:cancel")) == answered
    assert await rows(session, lists, FeedbackMessage) == 3

    # A cancelled draft: cancelled once; its buttons then say it is closed.
    question = await open_draft(parent, child)
    cancel = step_data(question, "v1:fb:cancel")
    await parent.press(data=cancel)
    assert (await parent.next_message(timeout=10))["text"] == "Đã hủy. Không có gì được gửi."
    for _twice in range(2):
        assert await forge(sandbox, parent, cancel) == CLOSED
    assert await pending_kind(session, lists, parent) is None

    # A draft replaced by a newer one: its "Huỷ" leaves the newer one open.
    first = await open_draft(parent, child)
    await open_draft(parent, child, "health")
    assert await forge(sandbox, parent, step_data(first, "v1:fb:cancel")) == REPLACED
    assert await pending_kind(session, lists, parent) == "feedback_text"
    assert await rows(session, lists, Feedback) == 1


async def test_a_5000_character_feedback_is_kept_whole_and_sent_in_parts(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Telegram delivers 5,000 characters as 4,096 and the 904 after them: the bot keeps both
    as one text, says how long it may be, and sends it in parts as one feedback; nothing is
    lost and no fragment goes alone."""
    BotClock(running_bot, vn(2026, 12, 5, 9, 0))
    parent = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    child = await pupil_id(session, lists, CHILD)
    sentence = "Con kể ở lớp có bạn hay trêu, con buồn và không muốn đi học, nhờ cô để ý giúp. "
    text = (sentence * 70)[:5000]
    await open_draft(parent, child)
    await parent.send(text[:4096])
    await parent.send(text[4096:])
    first = await parent.next_message(timeout=10, new_only=True)
    assert "4096" in first["text"] and "2000" in first["text"]
    joined = await parent.next_message(timeout=10, new_only=True)
    assert "5000" in joined["text"] and "ghép" in joined["text"]
    assert await rows(session, lists, Feedback) == 0  # nothing was sent alone
    labels = [button["text"] for row in joined["buttons"] for button in row]
    assert labels == ["Gửi bản rút gọn", "Gửi thành 3 phần", "Hủy"]

    # The first offer was for the first piece only: its buttons are replaced.
    assert await forge(sandbox, parent, step_data(first, "v1:fb:long:1")) == REPLACED
    await parent.press("Gửi thành 3 phần", message_id=joined["message_id"])
    photo_step = await parent.next_message(timeout=10)
    await press_step(parent, photo_step, "v1:fb:send")
    told = await parent.next_message(timeout=10)
    assert "Đã gửi tới Giáo viên chủ nhiệm lớp 1A" in told["text"]
    await send_due(running_bot)

    item = await latest(session, lists)
    stored = list(
        await session.scalars(
            select(FeedbackMessage.text)
            .where(FeedbackMessage.feedback_id == item.id)
            .order_by(FeedbackMessage.id)
        )
    )
    assert len(stored) == 3 and all(len(part) <= 2000 for part in stored)
    assert "".join(stored).replace(" ", "") == text.replace(" ", "")
    received = [m for m in await teacher.messages() if m["from_bot"] and "Người gửi" in m["text"]]
    assert [("phần 1/3" in m["text"], m["buttons"] != []) for m in received] == [
        (True, False),
        (False, False),
        (False, True),
    ]
    assert await rows(session, lists, Feedback) == 1
    assert await forge(sandbox, parent, step_data(joined, "v1:fb:long:1")) == (
        "Ở đây không còn nội dung nào chờ gửi; không có gì được gửi."
    )
