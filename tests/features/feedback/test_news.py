"""Feedback news through the outbox: a parent's message to staff (at once or held), the
school's answer to the parent, and the file attached kept as the kind it was sent as."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.features.feedback import news
from bot.features.feedback import queries as feedback
from bot.features.feedback.rules import Draft
from storage.models import (
    AccountState,
    Delivery,
    Feedback,
    FeedbackMessage,
    FeedbackTopic,
    Notice,
    School,
)
from tests.features.feedback.test_feedback import (  # noqa: F401  (lists is a fixture)
    FRIDAY,
    ZONE,
    actor_for,
    lists,
)

TEXT = "Con cần ôn thêm <toán> & tiếng Việt."


async def write(
    session: AsyncSession,
    parent: Actor,
    now: datetime = FRIDAY,
    media: tuple[str, str] | None = None,
    to_leaders: bool = False,
) -> tuple[Feedback, FeedbackMessage]:
    draft = Draft(min(parent.children), to_leaders, FeedbackTopic.STUDY, False, TEXT)
    result = await feedback.create(session, parent, draft, now, "t", ZONE, media)
    assert not isinstance(result, str), result
    item, (message,) = result
    return item, message


async def queued(session: AsyncSession, school: School, kind: str) -> list[Notice]:
    return list(
        await session.scalars(
            select(Notice).where(Notice.school_id == school.id, Notice.kind == kind)
        )
    )


async def deliveries(session: AsyncSession, notice: Notice) -> list[Delivery]:
    return list(await session.scalars(select(Delivery).where(Delivery.notice_id == notice.id)))


async def test_a_message_goes_to_the_teacher_at_once_with_its_buttons_and_file(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    parent = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    item, message = await write(session, parent, media=("document", "BQACdoc"))
    about = await feedback.about(session, item)
    assert await news.to_staff(session, item, [message], about, news.NEW, FRIDAY, ZONE) == 1

    (notice,) = await queued(session, lists, news.KIND)
    (delivery,) = await deliveries(session, notice)
    assert delivery.account_id == teacher.account.id and delivery.due_at == FRIDAY
    assert notice.urgent and not notice.requires_ack and notice.ref == f"feedback:{item.id}"
    assert (notice.media_kind, notice.media_file) == ("document", "BQACdoc")
    assert notice.buttons == [
        ["Reply", f"v1:fb:reply:{item.id}"],
        ["Mark as handled", f"v1:fb:done:{item.id}"],
    ]
    assert "&lt;toán&gt; &amp; tiếng Việt." in notice.translations["vi"]
    assert about.student in notice.translations["vi"]


async def test_outside_the_teachers_hours_the_message_waits_for_them(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    parent = await actor_for(session, lists, "mother")
    teacher = await actor_for(session, lists, "1A")
    assert await feedback.set_hours(session, teacher, ("06:30", "21:00"), "t")
    night = datetime.combine(FRIDAY.date(), time(22, 0), tzinfo=ZONE)
    item, message = await write(session, parent, night, media=("photo", "AgACphoto"))
    assert item.deliver_at is not None
    about = await feedback.about(session, item)
    assert await news.to_staff(session, item, [message], about, news.NEW, night, ZONE) == 1

    (notice,) = await queued(session, lists, news.KIND)
    (delivery,) = await deliveries(session, notice)
    assert not notice.urgent and notice.not_before == item.deliver_at
    assert delivery.due_at == item.deliver_at and notice.media_kind == "photo"
    assert [button[1] for button in notice.buttons] == [
        f"v1:fb:reply:{item.id}",
        f"v1:fb:done:{item.id}",
    ]


async def test_the_answer_goes_to_the_parent_with_reply_unless_unreachable(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    parent = await actor_for(session, lists, "mother")
    principal = await actor_for(session, lists, "principal")
    item, _message = await write(session, parent, to_leaders=True)
    about = await feedback.about(session, item)
    lines = news.answer_text(item, about, "Đã sửa <vòi nước>.")
    told = await news.to_parent(
        session, item, lines, more=True, created_by=principal.account.id, now=FRIDAY
    )
    assert told
    (notice,) = await queued(session, lists, news.ANSWER_KIND)
    assert [d.account_id for d in await deliveries(session, notice)] == [parent.account.id]
    assert notice.buttons == [["Reply", f"v1:fb:more:{item.id}"]]
    assert "Đã sửa &lt;vòi nước&gt;." in notice.translations["vi"]
    assert "School leaders" in notice.translations["en"]

    parent.account.state = AccountState.BLOCKED
    await session.flush()
    handled = news.handled_text(item, about)
    assert not await news.to_parent(
        session, item, handled, more=False, created_by=principal.account.id, now=FRIDAY
    )
    assert len(await queued(session, lists, news.ANSWER_KIND)) == 1
