"""Urgent messages end to end: /khan, the preview, quiet hours, the report and "Nhắc lại"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import Audience, enqueue_notice
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import Delivery, DeliveryState, Notice, PendingInput, School, TelegramAccount
from tests.e2e.conftest import TEACHER_1A, TEACHER_3B, linked_person
from tests.e2e.test_notifications import DAYTIME, NIGHT, Clock, class_id, drain, parents_of

PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
TEXT = "Trường cho học sinh nghỉ học ngày mai vì bão <số 5> & mưa lớn."
SCHOOL = "Trường Tiểu học Thử"
# Every notice says who sends it: the school, then the class and its teacher (or the leaders).
SHOWN = (
    "THÔNG BÁO KHẨN\n" + SCHOOL + "\nNgười gửi: Giáo viên chủ nhiệm lớp 1A, Phan Thị Thu\n\n" + TEXT
)
FROM_LEADERS = "THÔNG BÁO KHẨN\n" + SCHOOL + "\nNgười gửi: Ban giám hiệu\n\n"
READ = "\u2705 Đã xem"


@pytest.fixture
def clock() -> Clock:
    return Clock(DAYTIME)


@pytest.fixture
def dispatcher(running_bot: BotApplication, clock: Clock) -> Dispatcher:
    services = running_bot.bot_data["services"]
    return Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0.0,
    )


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message["buttons"] for button in row]


async def notices(session: AsyncSession, school: School) -> int:
    await session.commit()
    found = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    )
    return int(found or 0)


async def refused(sandbox: RunningSandbox, person: PersonClient, data: str) -> str:
    """Press a forged (or stale) button; return the pop-up it got."""
    (bot_id,) = sandbox.state.bots
    shown = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(shown)
    await person.press(data=data, forged=True)
    for _ in range(200):
        if len(shown) > before:
            return str(shown[-1]["text"])
        await asyncio.sleep(0.05)
    raise AssertionError(f"no pop-up for {data}")


def received(messages: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["from_bot"] and (m["text"] or m["caption"]) == text]


async def test_an_urgent_message_reaches_every_linked_guardian_at_night_with_a_live_report(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    dispatcher: Dispatcher,
    clock: Clock,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parents = await parents_of(session, lists, make_person, "1A")
    teacher = await linked_person(make_person, *TEACHER_1A)
    clock.now = NIGHT  # 22:00 in Hà Nội: quiet hours
    class_1a = await class_id(session, lists, "1A")
    routine = await enqueue_notice(
        session, lists.id, Audience.classes(class_1a), "class", "Họp phụ huynh", now=clock()
    )
    await session.commit()

    await teacher.command("khan")
    prompt = await teacher.next_message(timeout=10, new_only=True)
    assert "1A" in prompt["text"]
    await teacher.send(TEXT)
    preview = await teacher.next_message(timeout=10, new_only=True)
    assert preview["text"].startswith(SHOWN + "\n\n")
    assert f"Gửi tới {len(parents)} gia đình" in preview["text"]
    assert labels(preview) == ["Gửi ngay", "Hẹn giờ gửi", "Hủy"]
    assert await notices(session, lists) == 1  # the preview stores nothing

    await teacher.press("Gửi ngay", message_id=preview["message_id"])
    confirmation = await teacher.next_message(timeout=10)
    assert confirmation["event"] == "edit" and confirmation["text"].startswith(SHOWN)
    assert labels(confirmation) == ["Nhắc lại"]
    assert f"tới {len(parents)} gia đình" in confirmation["text"]
    # A second press of "Gửi ngay" (a double tap, a stale screen) sends nothing again.
    assert "đã được gửi" in await refused(sandbox, teacher, "v1:urg:send")
    assert await notices(session, lists) == 2
    notice = await session.scalar(
        select(Notice).where(Notice.school_id == lists.id, Notice.kind == "urgent")
    )
    assert notice is not None and notice.urgent

    assert await dispatcher.tick() == len(parents)  # the urgent one only: routine ones wait
    for parent in parents:
        message = await parent.next_message(timeout=10, new_only=True)
        assert message["text"] == SHOWN and labels(message) == [READ, "Phản hồi"]
    assert await dispatcher.tick() == 0
    await dispatcher.reports.refresh(force=True)
    report = await teacher.next_message(timeout=10, new_only=True)
    assert f"Đã gửi: {len(parents)}/{len(parents)} · Đã xem: 0" in report["text"]

    await parents[0].press(READ)
    await parents[0].next_message(timeout=10)
    dispatcher.reports.touch(notice.id)
    await dispatcher.reports.refresh(force=True)
    edited = await teacher.next_message(timeout=10)
    assert edited["event"] == "edit" and edited["message_id"] == report["message_id"]
    assert f"Đã gửi: {len(parents)}/{len(parents)} · Đã xem: 1" in edited["text"]

    # "Nhắc lại" goes to those who have not read it, and gets its own report.
    await teacher.press("Nhắc lại", message_id=confirmation["message_id"])
    told = await teacher.next_message(timeout=10, new_only=True)
    assert f"{len(parents) - 1} gia đình" in told["text"]
    await drain(dispatcher, clock)
    for parent in parents:
        texts = [m["text"] for m in await parent.messages() if m["from_bot"]]
        assert texts.count(SHOWN) == (1 if parent is parents[0] else 2)
        assert "Họp phụ huynh" not in texts
    await dispatcher.reports.refresh(force=True)
    second = await teacher.next_message(timeout=10, new_only=True)
    assert f"Đã gửi: {len(parents) - 1}/{len(parents) - 1} · Đã xem: 0" in second["text"]

    # In the morning the routine notice queued before the urgent one goes out, after it.
    clock.now = NIGHT + timedelta(hours=9)
    await drain(dispatcher, clock)
    for parent in parents:
        texts = [m["text"] for m in await parent.messages() if m["from_bot"]]
        assert texts.index(SHOWN) < texts.index("Họp phụ huynh")
    await session.commit()
    states = await session.scalars(select(Delivery.state).where(Delivery.notice_id == routine.id))
    assert set(states) == {DeliveryState.SENT}


async def test_the_principal_sends_a_photo_with_a_caption_to_chosen_classes(
    running_bot: BotApplication,
    dispatcher: Dispatcher,
    clock: Clock,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    parents = await parents_of(session, lists, make_person, "3B")
    principal = await linked_person(make_person, *PRINCIPAL)
    await principal.command("khan")
    choice = await principal.next_message(timeout=10, new_only=True)
    assert labels(choice)[:2] == ["Toàn trường", "Khối 1"]
    await principal.press("Chọn lớp")
    picker = await principal.next_message(timeout=10)
    assert "3B" in labels(picker)
    await principal.press("3B")
    assert "✓ 3B" in labels(await principal.next_message(timeout=10))
    await principal.press("Xong")
    prompt = await principal.next_message(timeout=10)
    assert "3B" in prompt["text"]
    await principal.send_photo(b"\xff\xd8\xff fake jpeg", caption="Lịch học bù <thứ Bảy>")
    photo = await principal.next_message(timeout=10, new_only=True)
    assert photo["file"]["kind"] == "photo"
    assert photo["caption"] == FROM_LEADERS + "Lịch học bù <thứ Bảy>"
    summary = await principal.next_message(timeout=10, new_only=True)
    assert f"Gửi tới {len(parents)} gia đình" in summary["text"]
    await principal.press("Gửi ngay", message_id=summary["message_id"])
    await principal.next_message(timeout=10)
    await drain(dispatcher, clock)
    for parent in parents:
        message = await parent.next_message(timeout=10, new_only=True)
        assert message["file"]["kind"] == "photo"
        assert message["file"]["file_id"] == photo["file"]["file_id"]
        assert message["caption"] == FROM_LEADERS + "Lịch học bù <thứ Bảy>"


async def test_forged_presses_and_bad_messages_are_refused_and_store_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    (parent,) = await parents_of(session, lists, make_person, "1A", 1)
    teacher = await linked_person(make_person, *TEACHER_1A)
    other = await linked_person(make_person, *TEACHER_3B)
    await teacher.command("khan")
    await teacher.next_message(timeout=10, new_only=True)

    # Bad messages: a reason, and the bot still waits for the message.
    await teacher.send("x" * 10_000)
    answer = await teacher.next_message(timeout=10, new_only=True)
    assert "3500" in answer["text"]
    await teacher.send_document(b"MZ\x90\x00", "lich-hoc.exe")
    answer = await teacher.next_message(timeout=10, new_only=True)
    assert "not accepted" in answer["text"] or "không" in answer["text"].lower()
    assert await notices(session, lists) == 0
    await teacher.send("Nghỉ học")
    preview = await teacher.next_message(timeout=10, new_only=True)
    assert "Nghỉ học" in preview["text"]

    # Another teacher and a parent cannot send the teacher's draft or choose an audience.
    for person in (other, parent):
        for data in ("v1:urg:send", "v1:urg:at:1", "v1:urg:cancel"):
            assert "đã được gửi" in await refused(sandbox, person, data)
        assert "không dành cho" in await refused(sandbox, person, "v1:urg:all")
        assert "không dành cho" in await refused(sandbox, person, "v1:urg:grade:1")
    assert await notices(session, lists) == 0
    pending = await session.scalar(
        select(PendingInput.kind)
        .join(TelegramAccount, TelegramAccount.id == PendingInput.account_id)
        .where(
            TelegramAccount.telegram_user_id == teacher.person_id,
            TelegramAccount.school_id == lists.id,  # people of other tests share the ids
        )
    )
    assert pending == "urgent_confirm"  # the teacher's own draft is untouched

    await teacher.press("Gửi ngay", message_id=preview["message_id"])
    await teacher.next_message(timeout=10)
    notice_id = await session.scalar(select(Notice.id).where(Notice.school_id == lists.id))
    assert await notices(session, lists) == 1
    for person in (other, parent):
        assert "không dành cho" in await refused(sandbox, person, f"v1:urg:again:{notice_id}")
    assert await notices(session, lists) == 1
    # The sender's own "Nhắc lại" while the notice is still on its way sends nothing either.
    assert "vẫn đang được gửi" in await refused(sandbox, teacher, f"v1:urg:again:{notice_id}")
    assert await notices(session, lists) == 1


async def test_a_class_notice_can_be_scheduled_for_later_as_a_routine_one(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("khan")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Họp phụ huynh thứ Bảy")
    preview = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Hẹn giờ gửi", message_id=preview["message_id"])
    choices = await teacher.next_message(timeout=10)
    times = labels(choices)[:-1]
    assert 2 <= len(times) <= 3 and labels(choices)[-1] == "Hủy"
    assert any(label.startswith("Sáng mai, 07:00") for label in times)
    await teacher.press(times[0], message_id=preview["message_id"])
    done = await teacher.next_message(timeout=10)
    assert done["text"].startswith(
        "THÔNG BÁO\n" + SCHOOL + "\nNgười gửi: Giáo viên chủ nhiệm lớp 1A, Phan Thị Thu\n\n"
        "Họp phụ huynh thứ Bảy"
    )
    assert done["buttons"] == []
    await session.commit()
    notice = await session.scalar(select(Notice).where(Notice.school_id == lists.id))
    assert notice is not None and not notice.urgent and notice.not_before is not None
    assert notice.not_before > datetime.now(UTC)
    assert await notices(session, lists) == 1


async def test_an_older_preview_sends_nothing_and_a_late_cancel_changes_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("khan")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Nghỉ học chiều nay")
    first = await teacher.next_message(timeout=10, new_only=True)
    await teacher.command("khan")  # she starts again and writes a better message
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send("Nghỉ học chiều nay vì mưa lớn")
    second = await teacher.next_message(timeout=10, new_only=True)
    old_send = next(b for row in first["buttons"] for b in row if b["text"] == "Gửi ngay")
    old_cancel = next(b for row in first["buttons"] for b in row if b["text"] == "Hủy")
    # The older preview's buttons act on nothing: neither sends nor drops the newer draft.
    for data in (old_send["callback_data"], old_cancel["callback_data"]):
        assert "mới hơn" in await refused(sandbox, teacher, data)  # vi: waits for the catalog
    assert await notices(session, lists) == 0
    await teacher.press("Gửi ngay", message_id=second["message_id"])
    sent = await teacher.next_message(timeout=10)
    assert "vì mưa lớn" in sent["text"] and "Người gửi: Giáo viên chủ nhiệm lớp 1A" in sent["text"]
    # "Hủy" of the sent preview, pressed late: it was sent, nothing changes.
    cancel = next(b for row in second["buttons"] for b in row if b["text"] == "Hủy")
    told = await refused(sandbox, teacher, cancel["callback_data"])
    assert "đã được gửi" in told or "already sent" in told  # vi: waits for the catalog
    assert await notices(session, lists) == 1
