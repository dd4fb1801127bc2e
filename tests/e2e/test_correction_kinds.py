"""Evidence by kind through the sandbox: each file is marked with what it shows; a score
correction goes on only with the record book's page and the pupil's test; a file not marked is
asked about; an old or a second press of a kind changes nothing and says what it finds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.corrections import evidence_kinds as kinds
from bot.features.corrections.chat.kinds import ALREADY
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import CorrectionFile, School
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.test_corrections import (
    CHILD,
    PHOTO,
    book,  # noqa: F401  (a fixture)
    datas,
    draft_to_evidence,
    edited,
    mark,
    reply,
    requests,
    tap,
    vi,
)
from tests.e2e.test_leave import forge, pupil_id


async def test_a_score_goes_on_only_with_the_book_page_and_the_test(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 3, 9, 0))
    teacher = await linked_person(make_person, *TEACHER_1A)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    await draft_to_evidence(sandbox, teacher, student_id, "9")
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    taken = await reply(teacher)
    labels = [b["text"] for row in taken["buttons"] for b in row]
    assert labels[:3] == [vi(kinds.BUTTONS[k]) for k in kinds.KINDS], labels
    marked = await mark(teacher, "book")
    assert vi(kinds.WORDS["test"]) in marked["text"]  # still needed
    book_press = next(d for d in datas(taken) if d.split(":")[4] == "book")
    again = await forge(sandbox, teacher, book_press)  # the same kind again: said, no change
    assert again == vi(ALREADY).format(file="ảnh 1", kind=vi(kinds.WORDS["book"])), again

    # "Xong" with the page only: the test is asked for, nothing is summed up.
    await tap(teacher, "v1:corr:done")
    asked = await reply(teacher)
    missing = vi(kinds.MISSING).format(missing=vi(kinds.WORDS["test"]))
    assert asked["text"] == missing, asked["text"]
    # A file not marked yet is asked about before anything goes on.
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    await reply(teacher)
    await tap(teacher, "v1:corr:done")
    unmarked = await reply(teacher)
    assert vi(kinds.UNMARKED_FILE).format(file="tệp PDF 1") in unmarked["text"]
    await mark(teacher, "test")
    await tap(teacher, "v1:corr:done")
    summary = await edited(teacher)
    assert any(d.startswith("v1:corr:send:") for d in datas(summary)), summary
    await tap(teacher, "v1:corr:send")
    await edited(teacher)
    (request,) = await requests(session, school_id)
    kept = await session.scalars(
        select(CorrectionFile.evidence_kind)
        .where(CorrectionFile.request_id == request.id)
        .order_by(CorrectionFile.id)
    )
    assert list(kept) == ["book", "test"]

    # The kind's button of the sent form, pressed late: the request's state, nothing changes.
    late = await forge(sandbox, teacher, book_press.replace(":book:", ":other:"))
    assert late is not None and "03/12/2026" in late, late
    (request,) = await requests(session, school_id)
    assert len(request.reason_text) > 0
