"""Linking through the sandbox: consent, own phone, other people's cards, unknown phones, codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import load_actor
from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.accounts import invitations
from bot.features.accounts.chat.requests import REJECTED
from bot.features.administration.imports import import_roster
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AccountState,
    AuditEvent,
    Guardian,
    School,
    Staff,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import (
    ADMIN,
    MOTHER,
    TEACHER_1A,
    TEACHER_3B,
    BotClock,
    consent,
    forge,
    linked_person,
    send_outbox,
    vn,
)
from tests.factories import pupil, write_table

TODAY = date(2026, 11, 23)


async def account_of(session: AsyncSession, school: School, user_id: int) -> TelegramAccount:
    account = await session.scalar(
        select(TelegramAccount)
        .where(TelegramAccount.school_id == school.id, TelegramAccount.telegram_user_id == user_id)
        .execution_options(populate_existing=True)
    )
    assert account is not None
    return account


async def children_names(session: AsyncSession, account: TelegramAccount) -> set[str]:
    actor = await load_actor(session, account)
    names = await session.scalars(select(Student.full_name).where(Student.id.in_(actor.children)))
    return set(names)


async def test_parent_sharing_own_contact_gets_exactly_their_children(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await make_person(*MOTHER)
    asked = await consent(mother)
    assert asked["reply_keyboard"] is not None
    await mother.share_contact()
    welcome = (await mother.next_message(timeout=10))["text"]
    assert "Hoàng Anh Đăng, lớp 1A" in welcome
    assert "Hoàng Hà Thuý, lớp 1A" in welcome
    assert "Hoàng Minh Khôi, lớp 3B" in welcome
    account = await account_of(session, lists, mother.person_id)
    assert account.state == AccountState.LINKED
    assert account.consent_version is not None and account.consent_at is not None
    assert await children_names(session, account) == {
        "Hoàng Anh Đăng",
        "Hoàng Hà Thuý",
        "Hoàng Minh Khôi",
    }


async def test_someone_elses_contact_card_is_refused(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    stranger = await make_person("Người lạ", "+84909111222")
    await consent(stranger)
    await stranger.share_contact_of(phone="+84841860913", first_name="Hạnh")
    refusal = (await stranger.next_message(timeout=10))["text"]
    assert "chỉ nhận số điện thoại của chính Quý vị" in refusal
    account = await account_of(session, lists, stranger.person_id)
    assert account.guardian_id is None and account.state == AccountState.CONSENTED


async def test_refusing_consent_links_nothing(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    mother = await make_person(*MOTHER)
    await mother.command("start")
    await mother.next_message(timeout=10)
    await mother.press("Không đồng ý")
    assert "tôn trọng" in (await mother.next_message(timeout=10, new_only=True))["text"]
    await mother.share_contact(require_button=False)
    assert "đồng ý" in (await mother.next_message(timeout=10))["text"].lower()
    account = await account_of(session, lists, mother.person_id)
    assert account.guardian_id is None and account.consent_at is None


async def test_unknown_phone_is_linked_after_the_homeroom_teacher_approves(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    teacher = await linked_person(make_person, *TEACHER_3B)
    grandmother = await make_person("Bà Năm", "+84909555666")
    await consent(grandmother)
    await grandmother.share_contact()
    asked = (await grandmother.next_message(timeout=10))["text"]
    assert "chưa có trong danh sách" in asked
    await grandmother.send("bà của cháu Trần Minh Trí lớp 3b")
    assert "đã được gửi" in (await grandmother.next_message(timeout=10))["text"]
    assert await send_outbox(running_bot) == 1  # the request reaches the teacher
    request = await teacher.next_message(timeout=10)
    assert "0909 555 666" in request["text"] and "+84909555666" not in request["text"]
    assert "Bà Năm" in request["text"] and "3B" in request["text"]
    await teacher.press("Trần Minh Trí")
    # One tap links nobody: the teacher is asked to confirm, after calling the number.
    question = await teacher.next_message(timeout=10)
    assert "Trần Minh Trí" in question["text"] and "19/08/2016" in question["text"]
    assert "0909 555 666" in question["text"]
    assert (await account_of(session, lists, grandmother.person_id)).guardian_id is None
    await teacher.press(data=button_data(question, "v1:lnk:yes:"))
    assert "Trần Minh Trí" in (await teacher.next_message(timeout=10))["text"]
    assert await send_outbox(running_bot) == 1  # the decision reaches the parent
    note = (await grandmother.next_message(timeout=10))["text"]
    assert "Trần Minh Trí" in note
    account = await account_of(session, lists, grandmother.person_id)
    assert await children_names(session, account) == {"Trần Minh Trí"}
    actions = set(
        await session.scalars(select(AuditEvent.action).where(AuditEvent.school_id == lists.id))
    )
    assert {"account.link_refused", "link_request.approve", "account.link"} <= actions
    approved = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.school_id == lists.id, AuditEvent.action == "link_request.approve"
        )
    )
    assert approved is not None and approved.after is not None
    assert approved.after["claimed_relation"] == "grandparent"
    assert approved.after["confirmed_after_check"] is True


def button_data(message: dict[str, Any], prefix: str) -> str:
    """The callback data of the message's button whose data starts with `prefix`."""
    (data,) = [
        b["callback_data"]
        for row in message["buttons"]
        for b in row
        if b["callback_data"].startswith(prefix)
    ]
    return str(data)


async def test_an_invitation_code_works_once_and_only_once(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    guardian_id = await session.scalar(
        select(Guardian.id).where(Guardian.school_id == lists.id, Guardian.phone == MOTHER[1])
    )
    code, _row = invitations.add_code(session, lists.id, datetime.now(UTC), guardian_id=guardian_id)
    await session.commit()
    first = await make_person("Hạnh", "+84909000001")
    welcome = await consent(first, code)
    assert "Hoàng Anh Đăng, lớp 1A" in welcome["text"]
    second = await make_person("Ai đó", "+84909000002")
    refusal = await consent(second, code)
    assert "không hợp lệ" in refusal["text"]
    assert (await account_of(session, lists, second.person_id)).guardian_id is None


async def test_the_sixth_wrong_code_meets_a_locked_door(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    guardian_id = await session.scalar(
        select(Guardian.id).where(Guardian.school_id == lists.id, Guardian.phone == MOTHER[1])
    )
    code, _row = invitations.add_code(session, lists.id, datetime.now(UTC), guardian_id=guardian_id)
    await session.commit()
    guesser = await make_person("Đoán mò", "+84909000003")
    await consent(guesser)
    answers = []
    for wrong in ("AAAA2222", "BBBB3333", "CCCC4444", "DDDD5555", "EEEE6666"):
        await guesser.send(wrong)
        answers.append((await guesser.next_message(timeout=10))["text"])
    assert all("không hợp lệ" in text for text in answers[:4])
    assert "Quý vị đã nhập sai quá nhiều lần" in answers[4]
    await guesser.send(code)
    assert "Quý vị đã nhập sai quá nhiều lần" in (await guesser.next_message(timeout=10))["text"]
    account = await account_of(session, lists, guesser.person_id)
    assert account.guardian_id is None
    assert account.locked_until is not None
    locked_until = account.locked_until.replace(tzinfo=account.locked_until.tzinfo or UTC)
    assert locked_until - datetime.now(UTC) > timedelta(minutes=25)


async def test_a_new_telegram_account_replaces_the_old_one(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    old = await linked_person(make_person, *MOTHER)
    new = await linked_person(make_person, "Hạnh (máy mới)", MOTHER[1])
    assert (await account_of(session, lists, old.person_id)).guardian_id is None
    assert (await account_of(session, lists, new.person_id)).guardian_id is not None
    replaced = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.school_id == lists.id, AuditEvent.action == "account.replaced"
        )
    )
    assert replaced is not None


@pytest.mark.parametrize("typed", ["123", "xin chào cô", "K7MW3QX"])
async def test_text_that_is_not_a_code_gets_a_hint(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, typed: str
) -> None:
    person = await make_person("Lan", "+84909000004")
    await consent(person)
    await person.send(typed)
    assert "8 chữ và số" in (await person.next_message(timeout=10))["text"]


# Link requests on a real school day: kept for a teacher not in the bot yet, one tap links
# nobody, namesakes told apart, and every button pressed late answers with what it finds.


async def ask_to_be_linked(make_person: PersonFactory, phone: str, description: str) -> Any:
    """A person whose phone is not on the lists asks to be linked; returns them and the answer."""
    parent = await make_person("Người xin liên kết", phone)
    await consent(parent)
    await parent.share_contact()
    await parent.next_message(timeout=10)
    await parent.send(description)
    return parent, (await parent.next_message(timeout=10))["text"]


async def test_a_request_before_the_teacher_links_reaches_her_when_she_links(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 5, 9, 0))  # Saturday morning
    parent, told = await ask_to_be_linked(make_person, "+84909555668", "mẹ cháu Trần Minh Trí 3B")
    # Told truthfully: the teacher has not joined; the request is kept for her (vi: catalog).
    assert "chưa tham gia" in told and "3B" in told and "đã được gửi" not in told
    assert await send_outbox(running_bot) == 0  # nobody who decides is in the bot yet
    clock.advance(days=2)  # Monday: the homeroom teacher of 3B joins
    teacher = await linked_person(make_person, *TEACHER_3B)
    assert await send_outbox(running_bot) == 1  # the kept request reaches her at once
    card = await teacher.next_message(timeout=10)
    assert "0909 555 668" in card["text"] and "Trần Minh Trí" in card["text"]
    await teacher.press("Trần Minh Trí")
    question = await teacher.next_message(timeout=10)
    await teacher.press(data=button_data(question, "v1:lnk:yes:"))
    await teacher.next_message(timeout=10)
    assert await send_outbox(running_bot) == 1
    assert "Trần Minh Trí" in (await parent.next_message(timeout=10))["text"]
    account = await account_of(session, lists, parent.person_id)
    assert await children_names(session, account) == {"Trần Minh Trí"}
    # A second member of staff joining later is not given the decided request.
    await linked_person(make_person, *ADMIN)
    assert await send_outbox(running_bot) == 0


async def test_the_administrator_gets_the_request_when_the_teacher_has_not_joined(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    admin = await linked_person(make_person, *ADMIN)
    _parent, told = await ask_to_be_linked(make_person, "+84909555669", "Trần Minh Trí 3B")
    assert "chưa tham gia" in told and "quản trị" in told  # vi: waits for the catalog
    assert await send_outbox(running_bot) == 1
    card = (await admin.next_message(timeout=10))["text"]
    assert "Trần Minh Trí" in card and "3B" in card
    assert "chưa tham gia" in card  # the administrator is told who has not joined


async def test_one_tap_on_a_name_links_nobody_and_late_presses_change_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    stranger, _told = await ask_to_be_linked(make_person, "+84909555670", "Mai Hà Linh lớp 1A")
    assert await send_outbox(running_bot) == 1
    card = await teacher.next_message(timeout=10)
    await teacher.press("Mai Hà Linh")
    question = await teacher.next_message(timeout=10)
    assert "06/03/2018" in question["text"]
    assert (await account_of(session, lists, stranger.person_id)).guardian_id is None
    await teacher.press(data=button_data(question, "v1:lnk:back:"))
    again = await teacher.next_message(timeout=10)
    assert "0909 555 670" in again["text"]
    assert "Mai Hà Linh" in [b["text"] for row in again["buttons"] for b in row]
    await teacher.press(data=button_data(again, "v1:lnk:no:"))
    assert "từ chối" in (await teacher.next_message(timeout=10))["text"].lower()
    # Pressed late: the confirmation, the old card's name, a second refusal.
    confirm = button_data(question, "v1:lnk:yes:")
    for late in (confirm, button_data(card, "v1:lnk:ok:"), button_data(card, "v1:lnk:no:")):
        assert await forge(sandbox, teacher, late) is None  # no refusal pop-up: it says why
    refused = translator("vi")(REJECTED).split("{date}")[0]  # the msgid until the catalog
    assert refused in (await teacher.next_message(timeout=10))["text"]
    assert await send_outbox(running_bot) == 1  # only the one refusal reaches the stranger
    assert (await account_of(session, lists, stranger.person_id)).guardian_id is None
    actions = [
        a
        for a in await session.scalars(
            select(AuditEvent.action).where(AuditEvent.school_id == lists.id)
        )
        if a.startswith("link_request.")
    ]
    assert actions == ["link_request.reject"]


async def test_namesakes_in_a_request_card_are_told_apart(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    twins = [
        pupil(201, name="Ngô Khánh Oanh", klass="1A", born="25/01/2018"),
        pupil(202, name="Ngô Khánh Oanh", klass="1A", born="02/11/2018"),
        pupil(203, name="Lê Văn Tám", klass="1A", born="02/11/2018"),
    ]
    outcome = await import_roster(
        session, lists, write_table(tmp_path / "oanh.csv", twins), today=TODAY, actor="test"
    )
    assert not outcome.refused, outcome.problems
    await session.commit()
    teacher = await linked_person(make_person, *TEACHER_1A)
    await ask_to_be_linked(make_person, "+84909555671", "Ngô Khánh Oanh 1A")
    assert await send_outbox(running_bot) == 1
    card = await teacher.next_message(timeout=10)
    labels = [b["text"] for row in card["buttons"] for b in row]
    assert "Ngô Khánh Oanh (25/01/2018)" in labels and "Ngô Khánh Oanh (02/11/2018)" in labels
    assert "Lê Văn Tám" not in labels  # the description named Oanh: she comes first, alone
    await teacher.press("Ngô Khánh Oanh (02/11/2018)")
    assert "02/11/2018" in (await teacher.next_message(timeout=10))["text"]


# Vietnamese first, and the consent text per role.


async def test_a_parent_with_an_english_telegram_on_the_lists_gets_vietnamese(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await make_person(*MOTHER, language_code="en-GB")
    await mother.command("start")
    screen = await mother.next_message(timeout=10)
    assert screen["text"].startswith("Hello")  # not known yet: the app's language
    await mother.press("I agree")
    await mother.next_message(timeout=10, new_only=True)
    await mother.share_contact()
    welcome = await mother.next_message(timeout=10)
    assert "Tài khoản của Quý vị đã được liên kết" in welcome["text"]
    labels = [
        b if isinstance(b, str) else b["text"]
        for row in welcome["reply_keyboard"]["keyboard"]
        for b in row
    ]
    assert "Con của tôi" in labels and "My children" not in labels


async def test_staff_with_an_invitation_code_read_the_staff_consent_text(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    staff_id = await session.scalar(select(Staff.id).where(Staff.phone == TEACHER_3B[1]))
    code, _row = invitations.add_code(session, lists.id, datetime.now(UTC), staff_id=staff_id)
    await session.commit()
    teacher = await make_person("Nam", "+84909000020", language_code="en")
    await teacher.command("start", code)
    screen = await teacher.next_message(timeout=10)
    assert screen["text"].startswith("Xin chào Nam!")  # on the lists: Vietnamese
    assert "họ tên, lớp và ngày sinh của con" not in screen["text"]  # not the parents' text
    labels = [b["text"] for row in screen["buttons"] for b in row]
    assert labels == ["Đồng ý", "Không đồng ý"]
    await teacher.press("Đồng ý")
    welcome = await teacher.next_message(timeout=10, new_only=True)
    assert "đã được liên kết" in welcome["text"]
