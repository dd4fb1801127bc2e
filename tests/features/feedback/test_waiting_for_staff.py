"""Nothing waits unseen: a parent's message to a teacher who has not joined is kept for her,
the administrators are told who has not joined, the reminder of an item nobody could receive
goes to the leaders; and a long text is kept whole, shortened or split without a loss."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import limits
from bot.core.i18n import translator
from bot.delivery.kept import deliver_kept
from bot.features.feedback import absent, news, rules
from bot.features.feedback import queries as feedback
from bot.features.feedback.rules import Draft
from storage.models import Delivery, Feedback, FeedbackMessage, FeedbackTopic, Notice, School
from tests.features.feedback.test_feedback import (  # noqa: F401  (lists is a fixture)
    FRIDAY,
    ZONE,
    actor_for,
    lists,
)


async def write(
    session: AsyncSession, school: School, to_leaders: bool = False, started: int = 0
) -> tuple[Feedback, list[FeedbackMessage]]:
    parent = await actor_for(session, school, "mother")
    draft = Draft(min(parent.children), to_leaders, FeedbackTopic.BOARDING, False, "Cơm nguội.")
    draft.started = started
    result = await feedback.create(session, parent, draft, FRIDAY, "tg:1", ZONE)
    assert not isinstance(result, str), result
    return result


async def notices(session: AsyncSession, school: School, kind: str) -> list[Notice]:
    found = select(Notice).where(Notice.school_id == school.id, Notice.kind == kind)
    return list(await session.scalars(found.order_by(Notice.id)))


async def reached_by(session: AsyncSession, notice: Notice) -> list[int]:
    found = select(Delivery.account_id).where(Delivery.notice_id == notice.id)
    return list(await session.scalars(found))


async def test_a_message_for_a_teacher_not_yet_joined_is_kept_and_the_admin_told_once(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    admin = await actor_for(session, lists, "admin")
    item, messages = await write(session, lists)
    about = await feedback.about(session, item)
    reached = await news.to_staff(session, item, messages, about, news.NEW, FRIDAY, ZONE)
    assert reached == 0
    (kept,) = await notices(session, lists, news.KIND)
    assert kept.kept_until == FRIDAY + rules.KEPT_FOR and await reached_by(session, kept) == []
    (told,) = await notices(session, lists, absent.KIND)
    assert await reached_by(session, told) == [admin.account.id]
    assert "Phan Thị Thu" in told.translations["vi"] and "1A" in told.translations["vi"]

    # A second item the same day: kept too, but the administrator is not told again.
    second, more = await write(session, lists)
    await news.to_staff(session, second, more, about, news.NEW, FRIDAY, ZONE)
    assert len(await notices(session, lists, news.KIND)) == 2
    assert len(await notices(session, lists, absent.KIND)) == 1

    teacher = await actor_for(session, lists, "1A")  # she joins: both reach her
    assert await deliver_kept(session, teacher.account, FRIDAY + timedelta(days=3)) == 2


async def test_the_reminder_of_an_item_nobody_could_receive_goes_to_the_leaders(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    principal = await actor_for(session, lists, "principal")
    item, messages = await write(session, lists)
    about = await feedback.about(session, item)
    await news.remind(session, item, messages[-1], about, FRIDAY, ZONE)
    (escalated,) = await notices(session, lists, news.KIND)
    assert await reached_by(session, escalated) == [principal.account.id]
    assert escalated.buttons == []  # the leaders are told; the teacher answers
    vi = escalated.translations["vi"]
    assert "Nhắc việc" in vi and "Bán trú" in vi and "Giáo viên chủ nhiệm lớp 1A" in vi
    assert f"#{item.id}" not in vi


async def test_a_cancel_knows_the_draft_it_belongs_to_was_sent(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    parent = await actor_for(session, lists, "mother")
    item, _messages = await write(session, lists, started=4242)
    parent.account.telegram_user_id = 1
    assert await feedback.sent_from(session, parent, 4242) == (item, True)
    assert await feedback.sent_from(session, parent, 4243) is None
    assert await feedback.sent_from(session, parent, 0) is None


def test_an_item_is_named_by_its_topic_and_day_never_its_number() -> None:
    item = Feedback(id=2, topic=FeedbackTopic.BOARDING, created_at=FRIDAY)
    assert rules.title(item, ZONE, translator("en")) == "feedback about Boarding of 27/11"
    assert rules.capital("góp ý") == "Góp ý"


def test_the_tail_telegram_cut_off_is_recognised() -> None:
    head, tail = "a" * rules.TELEGRAM_LIMIT, "b" * 904
    data: dict[str, object] = {"started": 7}
    assert not rules.keep_long(data, head, 1000.0)
    assert rules.keep_long(data, tail, 1001.0)
    assert data["long"] == head + tail
    # A short text long after, or after a piece well under Telegram's limit, is not a tail.
    assert not rules.is_tail(rules.TELEGRAM_LIMIT, 1000.0, 1060.0)
    assert not rules.is_tail(2500, 1000.0, 1001.0)
    assert not rules.is_tail(10_000, 1000.0, 1001.0)  # no Telegram app sends one this long
    assert not rules.is_tail(rules.TELEGRAM_LIMIT, None, 1001.0)


def test_a_long_text_is_split_without_a_loss_or_shortened_within_the_limit() -> None:
    sentence = "Con về kể bữa trưa ở trường có cơm nguội, nhờ nhà trường xem lại giúp. "
    text = (sentence * 80).strip()  # about 5,800 characters
    parts = rules.split_text(text)
    assert len(parts) == 3 and all(len(part) <= limits.TEXT_LIMIT for part in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    short = rules.shorten(text)
    assert len(short) <= limits.TEXT_LIMIT and short.endswith("…")
    assert text.startswith(short[:-1].rstrip())
    assert rules.shorten("ngắn") == "ngắn"


async def test_a_handled_item_is_no_longer_kept_for_newcomers(
    session: AsyncSession,
    lists: School,  # noqa: F811
) -> None:
    item, messages = await write(session, lists, to_leaders=True)
    about = await feedback.about(session, item)
    assert await news.to_staff(session, item, messages, about, news.NEW, FRIDAY, ZONE) == 0
    principal = await actor_for(session, lists, "principal")
    assert await deliver_kept(session, principal.account, FRIDAY) == 1
    assert feedback.close(session, principal, item, FRIDAY, "t") is None
    await feedback.stop_keeping(session, item)
    vice = await actor_for(session, lists, "vice")  # joins after it was handled
    assert await deliver_kept(session, vice.account, FRIDAY + timedelta(days=1)) == 0
