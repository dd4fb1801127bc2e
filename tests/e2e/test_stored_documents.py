"""A notice can carry a document the database keeps: the dispatcher reads it when it sends and
uploads it under its own file name, with the caption in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import Audience, enqueue_news, enqueue_notice, stored_document
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AssessmentKind,
    CorrectionFile,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Delivery,
    DeliveryState,
    School,
    Student,
    TelegramAccount,
)
from tests.e2e.test_notifications import Clock, class_id, parents_of
from tests.e2e.test_weekly import download

CONTENT = b"PK\x03\x04 the minutes " * 40
NAME = "bien-ban-sua-diem-7.docx"


async def kept_file(session: AsyncSession, school: School) -> CorrectionFile:
    """A request of a 1A pupil with a file kept in the database (the minutes)."""
    pupil = await session.scalar(
        select(Student)
        .where(Student.class_id == await class_id(session, school, "1A"))
        .order_by(Student.id)
        .limit(1)
    )
    assert pupil is not None
    request = CorrectionRequest(
        school_id=school.id,
        school_year="2026-2027",
        student_id=pupil.id,
        class_id=pupil.class_id,
        period="cn",
        kind=AssessmentKind.SCORE,
        item="TOAN",
        old_value="8",
        new_value="9",
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Nhập nhầm.",
        state=CorrectionState.SIGNED,
    )
    session.add(request)
    await session.flush()
    kept = CorrectionFile(
        school_id=school.id,
        request_id=request.id,
        kind="minutes",
        name=NAME,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(CONTENT),
        sha256="0" * 64,
        content=CONTENT,
    )
    session.add(kept)
    await session.flush()
    return kept


def sender(running_bot: BotApplication, clock: Clock) -> Dispatcher:
    services = running_bot.bot_data["services"]
    return Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0.0,
    )


async def test_a_stored_document_is_sent_with_its_file_name_and_caption(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    first, second = await parents_of(session, lists, make_person, "1A", 2)
    await session.execute(
        update(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == second.person_id)
        .values(language="en")
    )
    kept = await kept_file(session, lists)
    accounts = list(
        await session.scalars(
            select(TelegramAccount.id).where(
                TelegramAccount.telegram_user_id.in_([first.person_id, second.person_id])
            )
        )
    )
    notice = await enqueue_news(
        session,
        lists.id,
        Audience.accounts(*accounts),
        "correction",
        {"vi": "Biên bản <b>số 7</b>.", "en": "Minutes <b>no. 7</b>."},
        media=stored_document(kept),
    )
    assert (notice.media_kind, notice.media_file) == ("stored", f"correction_file:{kept.id}")
    await session.commit()
    clock = Clock(datetime.now(UTC))
    assert await sender(running_bot, clock).tick() == 2
    for person, caption in ((first, "Biên bản số 7."), (second, "Minutes no. 7.")):
        message = await person.next_message(timeout=10, new_only=True)
        assert message["file"]["file_name"] == NAME, message["file"]
        assert message["caption"] == caption, message
        assert await download(sandbox, message) == CONTENT
    await session.rollback()
    states = await session.scalars(select(Delivery.state).where(Delivery.notice_id == notice.id))
    assert list(states) == [DeliveryState.SENT] * 2


async def test_a_long_caption_follows_the_document_and_a_lost_file_fails_at_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    (parent,) = await parents_of(session, lists, make_person, "1A", 1)
    kept = await kept_file(session, lists)
    audience = Audience.classes(await class_id(session, lists, "1A"))
    long_text = "Biên bản. " + "Nội dung dài. " * 120  # over the caption's 1,024 characters
    # Noon today: a class notice is routine news, which quiet hours would hold in the evening.
    noon = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(hour=12, minute=0, second=0)
    await enqueue_notice(
        session, lists.id, audience, "class", long_text, media=stored_document(kept), now=noon
    )
    await session.commit()
    clock = Clock(noon)
    dispatcher = sender(running_bot, clock)
    assert await dispatcher.tick() == 1
    document = await parent.next_message(timeout=10, new_only=True)
    assert document["file"]["file_name"] == NAME and not document["caption"], document
    text = await parent.next_message(timeout=10, new_only=True)
    assert text["text"] == long_text, text
    assert text["buttons"], text  # the receipt button goes under the last part

    # The file is gone before its notice is sent (its request was deleted): no retries.
    lost = await enqueue_notice(
        session, lists.id, audience, "class", "Biên bản.", media=stored_document(kept), now=clock()
    )
    await session.delete(await session.get(CorrectionRequest, kept.request_id))
    await session.commit()
    assert await dispatcher.tick() == 1
    await session.rollback()
    row = await session.scalar(select(Delivery).where(Delivery.notice_id == lost.id))
    assert row is not None and row.state is DeliveryState.FAILED, row
    assert "gone" in (row.error or ""), row.error
    uploads = sandbox.state.recorder.find(method="sendDocument", chat_id=parent.person_id)
    assert len(uploads) == 1  # only the long notice's document was ever sent


async def test_a_stored_reference_to_nothing_known_is_refused_when_queued(
    lists: School, session: AsyncSession
) -> None:
    audience = Audience.school()
    for reference in ("photo_file:1", "correction_file:", "correction_file:x"):
        with pytest.raises(ValueError, match="stored document"):
            await enqueue_notice(
                session, lists.id, audience, "class", "x", media=("stored", reference)
            )
