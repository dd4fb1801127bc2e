"""Leave news through the outbox: the request to the class's teacher, the decision to the parent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.kept import deliver_kept
from bot.features.feedback import absent
from bot.features.leave import news
from bot.features.leave import queries as leave
from bot.features.leave.rules import KEPT_FOR
from storage.models import Delivery, LeaveRequest, Notice, School, Staff
from tests.features.leave.test_leave import (  # noqa: F401  (lists is a fixture)
    PHONES,
    actor_for,
    ask,
    lists,
    pupil_id,
)

CHILD = "Hoàng Anh Đăng"


async def queued(session: AsyncSession, school: School, kind: str) -> list[Notice]:
    return list(
        await session.scalars(
            select(Notice).where(Notice.school_id == school.id, Notice.kind == kind)
        )
    )


async def recipients(session: AsyncSession, notice: Notice) -> list[int]:
    return list(
        await session.scalars(select(Delivery.account_id).where(Delivery.notice_id == notice.id))
    )


async def test_the_request_goes_to_the_homeroom_teacher_with_its_two_buttons(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    mother = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    await actor_for(session, lists, "3B")  # another class's teacher: not asked
    child = await pupil_id(session, lists, CHILD)
    request = await ask(session, mother, child, reason="Con sốt <39 độ> & ho.")
    assert isinstance(request, LeaveRequest)
    assert await news.queue_request(session, request, datetime.now(UTC)) == 1

    (notice,) = await queued(session, lists, news.REQUEST)
    assert await recipients(session, notice) == [teacher.account.id]
    assert notice.urgent and not notice.requires_ack
    assert notice.buttons == [
        ["Confirm", f"v1:leave:ok:{request.id}"],
        ["Refuse", f"v1:leave:no:{request.id}"],
    ]
    for text in notice.translations.values():
        assert CHILD in text and "&lt;39 độ&gt; &amp; ho." in text
        assert PHONES["mother"] not in text and PHONES["mother"][3:] not in text
    assert notice.translations["en"].startswith("<b>Leave request</b>")


async def test_a_class_without_a_linked_teacher_keeps_the_request_for_her(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    """Nobody receives it now (0): it is kept for the teacher, who gets it when she links,
    with the doctor's note as the photo it is; the administrators are told she has not
    joined."""
    mother = await actor_for(session, lists, "mother")
    request = await ask(session, mother, await pupil_id(session, lists, CHILD))
    assert isinstance(request, LeaveRequest)
    now = datetime.now(UTC)
    note = ("photo", "AgACnote")
    assert await news.queue_request(session, request, now, note) == 0
    (card,) = await queued(session, lists, news.REQUEST)
    (attached,) = await queued(session, lists, news.NOTE)
    assert card.kept_until == now + KEPT_FOR and await recipients(session, card) == []
    assert (attached.media_kind, attached.media_file) == note
    assert "Doctor's note" in card.translations["en"]
    (told,) = await queued(session, lists, absent.KIND)
    assert "Phan Thị Thu" in told.translations["en"]

    teacher = await actor_for(session, lists, "1A")  # she joins
    assert await deliver_kept(session, teacher.account, now + timedelta(days=1)) == 2
    assert await recipients(session, card) == [teacher.account.id]
    assert await recipients(session, attached) == [teacher.account.id]

    # Once decided, the request's card is no longer kept for anyone joining later.
    await leave.stop_keeping(session, request)
    await session.refresh(card)
    assert card.kept_until is None


async def test_the_decision_goes_to_the_parent_with_the_refusal_escaped(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    mother = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    request = await ask(session, mother, await pupil_id(session, lists, CHILD))
    assert isinstance(request, LeaveRequest)
    now = datetime.now(UTC)
    decision = await leave.decide(
        session, teacher, request.id, approve=False, now=now, who="t", refusal="Có bài <kiểm tra>"
    )
    assert decision.request is not None
    await news.queue_decision(session, decision.request, teacher.account.id, now)

    (notice,) = await queued(session, lists, news.NEWS)
    assert await recipients(session, notice) == [mother.account.id]
    assert notice.buttons == [] and notice.created_by == teacher.account.id
    assert "Có bài &lt;kiểm tra&gt;" in notice.translations["vi"]
    named = select(Staff.full_name).where(Staff.id == teacher.account.staff_id)
    teacher_name = await session.scalar(named)
    assert teacher_name is not None and teacher_name not in notice.translations["vi"]
