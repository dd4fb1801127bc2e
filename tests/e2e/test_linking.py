"""Linking through the sandbox: consent, own phone, other people's cards, unknown phones, codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import load_actor
from bot.core.context import BotApplication
from bot.features.accounts import invitations
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AccountState,
    AuditEvent,
    Guardian,
    School,
    Student,
    TelegramAccount,
)
from tests.e2e.conftest import MOTHER, TEACHER_3B, consent, linked_person, send_outbox


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
    await grandmother.send("cháu Trần Minh Trí lớp 3b")
    assert "đã được gửi" in (await grandmother.next_message(timeout=10))["text"]
    assert await send_outbox(running_bot) == 1  # the request reaches the teacher
    request = await teacher.next_message(timeout=10)
    assert "+84909555666" in request["text"]
    await teacher.press("Trần Minh Trí")
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
