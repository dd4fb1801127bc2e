"""An evidence file Telegram refuses to show the principal is reported at once, through the
strict sandbox: the file whose kind was recorded wrong is refused ("type of file mismatch"), it
is sent again as its kept bytes, and the principal and the teacher are each told once which file
(by its kind and number, never its name) and what happens next."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import Delivery, DeliveryState, Notice, School
from tests.e2e.conftest import ADMIN, TEACHER_1A, linked_person, send_outbox
from tests.e2e.test_corrections import CHILD, PRINCIPAL, book, file_request, requests
from tests.e2e.test_leave import pupil_id

__all__ = ["book"]  # the fixture


async def everything(person: PersonClient) -> list[dict[str, Any]]:
    return [message for message in await person.messages() if message["from_bot"]]


def about_unshown(messages: list[dict[str, Any]]) -> list[str]:
    texts = [m.get("text") or m.get("caption") or "" for m in messages]
    return [t for t in texts if "Telegram could not show" in t or "Telegram không" in t]


async def test_a_refused_evidence_file_is_reported_at_once_to_both(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    await linked_person(make_person, *ADMIN)
    school_id = book.id
    student_id = await pupil_id(session, book, CHILD)
    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    # The PDF's kind recorded wrong: the bot will try it with sendPhoto, which Telegram refuses.
    pdf_ref = await session.scalar(
        select(Notice.ref)
        .where(Notice.ref.startswith(f"correction:{request.id}:file:"))
        .order_by(Notice.id.desc())
    )
    await session.execute(update(Notice).where(Notice.ref == pdf_ref).values(media_kind="photo"))
    await session.commit()
    before_teacher = len(await everything(teacher))

    await send_outbox(running_bot)

    failed = await session.scalar(
        select(Delivery.error)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Notice.ref == pdf_ref, Delivery.state == DeliveryState.FAILED)
    )
    assert failed is not None and "type of file mismatch" in failed.lower(), failed
    got = await everything(principal)
    files = [m["file"] for m in got if m.get("file")]
    # The photo, then the PDF again as its kept bytes (a document with its own name).
    assert [f["kind"] for f in files] == ["photo", "document"], files
    told = about_unshown(got)
    assert len(told) == 1, told
    assert "PDF file 1" in told[0] or "tệp PDF 1" in told[0], told  # vi after the catalogs
    assert "bai-kiem-tra" not in told[0], told
    to_teacher = about_unshown((await everything(teacher))[before_teacher:])
    assert len(to_teacher) == 1, to_teacher
    assert "PDF file 1" in to_teacher[0] or "tệp PDF 1" in to_teacher[0], to_teacher

    # Nothing more goes: the failure was reported once, and the card's press decides normally.
    assert await send_outbox(running_bot) == 0
    assert len(about_unshown(await everything(principal))) == 1
