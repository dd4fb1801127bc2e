"""A link request keeps the relation the stranger claimed as data (migration 0011): filled when
the request is made, shown on the teacher's card and confirmation, stored on the lists and in
the audit; a request made before the column existed still shows its card, read from the words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AuditEvent,
    Guardian,
    LinkRequest,
    Relation,
    RequestState,
    School,
    SchoolClass,
    StudentGuardian,
    TelegramAccount,
)
from tests.e2e.conftest import TEACHER_1A, forge, linked_person, send_outbox
from tests.e2e.test_linking import ask_to_be_linked, button_data

CLAIM = "Tự nhận là {} của học sinh"


async def latest_request(session: AsyncSession, school: School) -> LinkRequest:
    await session.commit()
    found = await session.scalar(
        select(LinkRequest)
        .where(LinkRequest.school_id == school.id)
        .order_by(LinkRequest.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def test_the_claimed_relation_is_kept_shown_and_stored(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    stranger, _told = await ask_to_be_linked(
        make_person, "+84909555671", "Tôi là mẹ cháu Mai Hà Linh lớp 1A"
    )
    request = await latest_request(session, lists)
    assert (request.state, request.claimed_relation) == (RequestState.PENDING, "mother")
    assert await send_outbox(running_bot) == 1
    card = await teacher.next_message(timeout=10)
    assert CLAIM.format("mẹ") in card["text"], card["text"]

    # The card reads the kept claim, not the words: with the words changed, it still says "mẹ".
    await session.execute(
        update(LinkRequest)
        .where(LinkRequest.id == request.id)
        .values(description="Mai Hà Linh lớp 1A")
    )
    await session.commit()
    await teacher.press("Mai Hà Linh")
    question = await teacher.next_message(timeout=10)
    assert "(mẹ)" in question["text"], question["text"]
    await teacher.press(data=button_data(question, "v1:lnk:back:"))
    again = await teacher.next_message(timeout=10)
    assert CLAIM.format("mẹ") in again["text"], again["text"]
    await teacher.press("Mai Hà Linh", message_id=again["message_id"])
    question = await teacher.next_message(timeout=10)
    await teacher.press(data=button_data(question, "v1:lnk:yes:"))
    await teacher.next_message(timeout=10)

    await session.commit()
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == stranger.person_id,
        )
    )
    assert account is not None and account.guardian_id is not None
    guardian = await session.get(Guardian, account.guardian_id)
    assert guardian is not None
    relations = set(
        await session.scalars(
            select(StudentGuardian.relation).where(StudentGuardian.guardian_id == guardian.id)
        )
    )
    assert relations == {Relation.MOTHER}
    approved = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.school_id == lists.id, AuditEvent.action == "link_request.approve"
        )
    )
    assert approved is not None and approved.after is not None
    assert approved.after["claimed_relation"] == "mother"


async def old_request(
    session: AsyncSession, school: School, account_id: int, description: str
) -> LinkRequest:
    """A pending request as rows made before migration 0011 are: no claimed relation kept."""
    class_id = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    request = LinkRequest(
        school_id=school.id,
        account_id=account_id,
        phone="+84909555672",
        name="Người xin liên kết",
        description=description,
        class_id=class_id,
        state=RequestState.PENDING,
    )
    session.add(request)
    await session.commit()
    assert request.claimed_relation is None
    return request


async def test_an_old_request_without_the_column_still_shows_its_card(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    account_id = await session.scalar(
        select(TelegramAccount.id).where(
            TelegramAccount.school_id == lists.id,
            TelegramAccount.telegram_user_id == teacher.person_id,
        )
    )
    assert account_id is not None
    for words, shown in (
        ("bố cháu Mai Hà Linh 1A", CLAIM.format("bố")),
        ("Mai Hà Linh 1A", CLAIM.format("chưa nói rõ")),
    ):
        request = await old_request(session, lists, account_id, words)
        await forge(sandbox, teacher, f"v1:lnk:back:{request.id}")
        card: dict[str, Any] = await teacher.next_message(timeout=10)
        assert shown in card["text"], card["text"]
        assert "0909 555 672" in card["text"]
        assert "Mai Hà Linh" in [b["text"] for row in card["buttons"] for b in row]
