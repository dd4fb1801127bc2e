"""Buttons pressed late, or twice, through the sandbox: each press re-reads what it acts on and
answers with what it finds (done or cancelled, and when, in the school's time zone), changing
nothing. /huylienket's two answers, the administrator's list import, the nurse's health sheet,
an urgent notice's preview and a link request's card.

Expected texts are read through the Vietnamese catalog (`vi`): the msgid until the catalog has
the sentence, its translation after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.accounts.chat.account import UNLINKED
from bot.features.accounts.chat.requests import APPROVED, REJECTED
from bot.features.administration.chat.files import CANCELLED, IMPORTED
from bot.features.health.chat.sheet import SAVED
from bot.features.urgent.chat.sending import DROPPED
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AccountState,
    AuditEvent,
    Notice,
    RequestState,
    School,
    StagedImport,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import (
    ADMIN,
    MOTHER,
    SCHOOL_ZONE,
    TEACHER_1A,
    BotClock,
    consent,
    forge,
    linked_person,
    send_outbox,
    vn,
)
from tests.e2e.test_health import NURSE, checks_stored, sheet
from tests.factories import pupil, write_table

vi = translator("vi")


def data(message: dict[str, Any], prefix: str) -> str:
    """The callback data of the message's one button whose data starts with `prefix`."""
    (found,) = [
        b["callback_data"]
        for row in message["buttons"]
        for b in row
        if b.get("callback_data", "").startswith(prefix)
    ]
    return str(found)


async def late(
    sandbox: RunningSandbox,
    person: PersonClient,
    pressed: str,
    under: dict[str, Any],
    check: Callable[[str], bool],
) -> None:
    """Press an old button (its data) under the message `under`, as a stale message still
    carries it: no pop-up, and the message then says what the press found (`check` passes on
    its text; a second press edits it to the same words, which Telegram leaves as they are)."""
    (bot_id,) = sandbox.state.bots
    alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=pressed, message_id=under["message_id"], forged=True)
    for _ in range(200):
        if sandbox.state.callbacks[sent["callback_query_id"]][2]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the press {pressed!r} was never answered")
    assert len(alerts) == before, alerts[-1]
    text = ""
    for _ in range(100):  # the edit follows the answer
        (shown,) = [m for m in await person.messages() if m["message_id"] == under["message_id"]]
        text = str(shown["text"])
        if check(text):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(text)


async def late_alert(sandbox: RunningSandbox, person: PersonClient, pressed: str) -> str:
    """Press an old button that answers with a pop-up; its text."""
    alert = await forge(sandbox, person, pressed)
    assert alert is not None, pressed
    return alert


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.commit()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# /huylienket


async def test_unlink_pressed_twice_and_keep_pressed_after_it_say_the_link_is_gone_and_when(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Unlinked at 06:00 on Saturday 05/12 in Vietnam (still Friday 04/12 in UTC): the second
    "Có, hủy liên kết" and the old "Không, giữ lại" both say the link was removed on 05/12, and
    how to link again; nothing changes."""
    BotClock(running_bot, vn(2026, 12, 5, 6, 0))
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("huylienket")
    question = await mother.next_message(timeout=10)
    unlink, keep = data(question, "v1:acct:unlink:"), data(question, "v1:acct:keep:")
    await mother.press(data=unlink)
    assert "đã được hủy liên kết" in (await mother.next_message(timeout=10))["text"]
    await mother.next_message(timeout=10)  # "Gửi /start để liên kết lại."
    gone = vi(UNLINKED["account.unlink"]).format(date="05/12/2026")
    told = (
        vi("Your account is not linked."),
        gone,
        vi("Nothing was changed.") + " " + vi("Send /start to link again."),
    )
    for pressed in (unlink, keep):
        await late(sandbox, mother, pressed, question, lambda text: text == "\n".join(told))
    await session.commit()
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == mother.person_id,
        )
    )
    assert account is not None and account.guardian_id is None
    assert account.state == AccountState.CONSENTED
    unlinks = AuditEvent.action == "account.unlink"
    assert await count(session, AuditEvent, AuditEvent.school_id == lists.id, unlinks) == 1


async def test_an_old_unlink_question_leaves_a_newer_link_alone(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """The mother unlinks with one question's button, links again an hour later, then presses
    an older question's "Có, hủy liên kết": that question was about the earlier link, and the
    new link stays."""
    clock = BotClock(running_bot, vn(2026, 12, 5, 6, 0))
    mother = await linked_person(make_person, *MOTHER)
    await mother.command("huylienket")
    old_question = await mother.next_message(timeout=10)
    clock.advance(minutes=1)
    await mother.command("huylienket")
    question = await mother.next_message(timeout=10)
    await mother.press(data=data(question, "v1:acct:unlink:"))
    assert "đã được hủy liên kết" in (await mother.next_message(timeout=10))["text"]
    await mother.next_message(timeout=10)  # "Gửi /start để liên kết lại."
    clock.advance(hours=1)
    await mother.command("start")
    await mother.next_message(timeout=10)
    await mother.share_contact()
    welcome = await mother.next_message(timeout=10)
    assert "đã được liên kết" in welcome["text"], welcome["text"]

    earlier = vi("This question was about an earlier link; you have linked again since.")
    told = earlier + " " + vi("Nothing was changed.")
    for _ in range(2):  # late, and twice
        await late(
            sandbox,
            mother,
            data(old_question, "v1:acct:unlink:"),
            old_question,
            lambda text: text == told,
        )
    await session.commit()
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == mother.person_id,
        )
    )
    assert account is not None and account.guardian_id is not None  # still linked
    unlinks = AuditEvent.action == "account.unlink"
    assert await count(session, AuditEvent, AuditEvent.school_id == lists.id, unlinks) == 1


# The administrator's lists


async def test_an_import_cancelled_late_says_it_was_imported_and_one_confirmed_late_imports_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Any,
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 7, 9, 5))
    admin = await linked_person(make_person, *ADMIN)
    path = write_table(tmp_path / "bosung.csv", [pupil(500, name="Đỗ Gia Bảo", klass="2A")])
    await admin.send_document(path.read_bytes(), "bosung.csv", mime_type="text/csv")
    summary = await admin.next_message(timeout=20)
    confirm, cancel = data(summary, "v1:adm:impok:"), data(summary, "v1:adm:impno:")
    await admin.press(data=confirm)
    assert (await admin.next_message(timeout=20))["text"].startswith("Đã nhập xong.")
    clock.advance(minutes=20)
    imported = vi(IMPORTED).format(time="09:05", date="07/12/2026")
    # "Hủy" after "Xác nhận", then "Hủy" and "Xác nhận" again: imported at 09:05, once.
    for pressed in (cancel, cancel, confirm):
        await late(sandbox, admin, pressed, summary, imported.__eq__)
    assert await count(session, Student, Student.full_name == "Đỗ Gia Bảo") == 1

    path = write_table(tmp_path / "bosung2.csv", [pupil(501, name="Lý Thị Mai", klass="2A")])
    await admin.send_document(path.read_bytes(), "bosung2.csv", mime_type="text/csv")
    summary = await admin.next_message(timeout=20, new_only=True)
    confirm, cancel = data(summary, "v1:adm:impok:"), data(summary, "v1:adm:impno:")
    await admin.press(data=cancel)
    assert "Không có gì được lưu" in (await admin.next_message(timeout=20))["text"]
    clock.advance(hours=2)
    cancelled = vi(CANCELLED).format(time="09:25", date="07/12/2026")
    # "Xác nhận" after "Hủy", and "Hủy" twice: cancelled at 09:25, nothing imported.
    for pressed in (confirm, cancel):
        await late(sandbox, admin, pressed, summary, cancelled.__eq__)
    assert await count(session, Student, Student.full_name == "Lý Thị Mai") == 0
    states = await session.scalars(
        select(StagedImport.state)
        .where(StagedImport.school_id == lists.id)
        .order_by(StagedImport.id)
    )
    assert list(states) == [RequestState.DONE, RequestState.CANCELLED]


# The nurse's health sheet


async def test_the_nurses_cancel_after_confirm_and_twice_says_the_results_were_saved(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 7, 14, 30))
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(await sheet(session, lists), "ket-qua-1A.xlsx")
    summary = await nurse.next_message(timeout=10)
    save, drop = data(summary, "v1:hlf:ok:"), data(summary, "v1:hlf:no:")
    await nurse.press(data=save)
    done = await nurse.next_message(timeout=10)
    assert done["event"] == "edit" and "1A" in done["text"]
    stored = await checks_stored(session, lists)
    assert stored > 0
    clock.advance(days=1)
    saved = vi(SAVED).format(time="14:30", date="07/12/2026")
    for pressed in (drop, drop, save):
        await late(sandbox, nurse, pressed, summary, saved.__eq__)
    assert await checks_stored(session, lists) == stored


async def test_the_nurses_cancel_pressed_twice_says_when_and_confirm_after_it_saves_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 7, 14, 30))
    nurse = await linked_person(make_person, *NURSE)
    await nurse.send_document(await sheet(session, lists), "ket-qua-1A.xlsx")
    summary = await nurse.next_message(timeout=10)
    save, drop = data(summary, "v1:hlf:ok:"), data(summary, "v1:hlf:no:")
    await nurse.press(data=drop)
    assert "Không có gì được lưu" in (await nurse.next_message(timeout=10))["text"]
    clock.advance(minutes=5)
    cancelled = vi(CANCELLED).format(time="14:30", date="07/12/2026")
    for pressed in (drop, save):
        await late(sandbox, nurse, pressed, summary, cancelled.__eq__)
    assert await checks_stored(session, lists) == 0


# The urgent notice's preview


async def urgent_preview(teacher: PersonClient, text: str) -> dict[str, Any]:
    """/khan, a message, and its preview (with "Gửi ngay", "Hẹn giờ gửi" and "Hủy")."""
    await teacher.command("khan")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.send(text)
    return await teacher.next_message(timeout=10, new_only=True)


async def notices(session: AsyncSession, school: School) -> int:
    return await count(session, Notice, Notice.school_id == school.id, Notice.kind == "urgent")


async def test_an_urgent_notices_cancel_pressed_after_sending_and_twice_says_what_happened(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    """Sent at 10:00 to the one linked family of 1A: "Hủy" (twice) and "Gửi ngay" again say so;
    a preview cancelled at 10:10 says that to its second "Hủy" and to "Gửi ngay"."""
    clock = BotClock(running_bot, vn(2026, 12, 7, 10, 0))
    await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    preview = await urgent_preview(teacher, "Nghỉ học chiều nay vì mưa lớn")
    send, cancel = data(preview, "v1:urg:send:"), data(preview, "v1:urg:cancel:")
    await teacher.press(data=send, message_id=preview["message_id"])
    assert "vì mưa lớn" in (await teacher.next_message(timeout=10))["text"]
    clock.advance(minutes=10)
    sent = vi.ngettext(
        "This notice was already sent at {time} on {date} to {count} family; nothing more "
        "was done.",
        "This notice was already sent at {time} on {date} to {count} families; nothing "
        "more was done.",
        1,
    ).format(time="10:00", date="07/12/2026", count=1)
    for pressed in (cancel, cancel, send):
        assert await late_alert(sandbox, teacher, pressed) == sent
    assert await notices(session, lists) == 1

    preview = await urgent_preview(teacher, "Mai học bù thứ Bảy")
    send, cancel = data(preview, "v1:urg:send:"), data(preview, "v1:urg:cancel:")
    await teacher.press(data=cancel, message_id=preview["message_id"])
    assert "Không có gì được gửi" in (await teacher.next_message(timeout=10))["text"]
    clock.advance(minutes=1)
    dropped = vi(DROPPED).format(time="10:10", date="07/12/2026")
    for pressed in (cancel, send):
        assert await late_alert(sandbox, teacher, pressed) == dropped
    assert await notices(session, lists) == 1

    # Scheduled for later: its "Hủy" says for when; the notice stays scheduled, once.
    preview = await urgent_preview(teacher, "Họp phụ huynh thứ Bảy")
    await teacher.press(data=data(preview, "v1:urg:later:"), message_id=preview["message_id"])
    await teacher.next_message(timeout=10)  # the times offered, in place of the buttons
    (times,) = [m for m in await teacher.messages() if m["message_id"] == preview["message_id"]]
    slot = next(b for row in times["buttons"] for b in row if "v1:urg:at:" in b["callback_data"])
    await teacher.press(data=slot["callback_data"], message_id=preview["message_id"])
    await teacher.next_message(timeout=10)
    await session.commit()
    (moment,) = await session.scalars(
        select(Notice.not_before).where(Notice.school_id == lists.id, Notice.kind == "notice")
    )
    assert moment is not None
    local = moment.astimezone(SCHOOL_ZONE)
    scheduled = vi.ngettext(
        "This notice was already scheduled for {time} on {date}, to {count} family; nothing "
        "more was done.",
        "This notice was already scheduled for {time} on {date}, to {count} families; "
        "nothing more was done.",
        1,
    ).format(time=f"{local:%H:%M}", date=f"{local:%d/%m/%Y}", count=1)
    cancel = data(preview, "v1:urg:cancel:")
    for pressed in (cancel, cancel, slot["callback_data"]):
        assert await late_alert(sandbox, teacher, pressed) == scheduled
    assert await count(session, Notice, Notice.school_id == lists.id, Notice.kind == "notice") == 1


# A link request's card


async def ask_to_be_linked(make_person: PersonFactory, phone: str, description: str) -> None:
    parent = await make_person("Người xin liên kết", phone)
    await consent(parent)
    await parent.share_contact()
    await parent.next_message(timeout=10)
    await parent.send(description)
    await parent.next_message(timeout=10)


async def test_a_link_requests_card_pressed_after_the_decision_says_which_and_when(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 7, 8, 0))
    teacher = await linked_person(make_person, *TEACHER_1A)
    await ask_to_be_linked(make_person, "+84909555671", "mẹ cháu Mai Hà Linh lớp 1A")
    await send_outbox(running_bot)
    card = await teacher.next_message(timeout=10)
    await teacher.press("Mai Hà Linh")
    question = await teacher.next_message(timeout=10)
    await teacher.press(data=data(question, "v1:lnk:yes:"))
    assert "Mai Hà Linh" in (await teacher.next_message(timeout=10))["text"]
    clock.advance(days=1)
    linked = vi(APPROVED).format(date="07/12/2026", name="Mai Hà Linh")
    for pressed in (data(card, "v1:lnk:no:"), data(question, "v1:lnk:yes:")):
        await late(sandbox, teacher, pressed, card, linked.__eq__)

    await ask_to_be_linked(make_person, "+84909555672", "bố cháu Mai Hà Linh lớp 1A")
    await send_outbox(running_bot)
    card = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press(data=data(card, "v1:lnk:no:"))
    assert "từ chối" in (await teacher.next_message(timeout=10))["text"].lower()
    refused = vi(REJECTED).format(date="08/12/2026")
    await late(sandbox, teacher, data(card, "v1:lnk:no:"), card, refused.__eq__)
    approvals = AuditEvent.action == "link_request.approve"
    assert await count(session, AuditEvent, AuditEvent.school_id == lists.id, approvals) == 1
