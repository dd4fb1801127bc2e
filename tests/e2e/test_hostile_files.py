"""Hostile files sent in chat: the spreadsheet bombs, an oversized sheet and evidence that is not
what its name says are answered in Vietnamese and store nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment.rules import Period
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.files import MAX_FILE_BYTES
from storage.models import CorrectionFile, CorrectionRequest, School, StagedImport, Student
from tests.bombs import dimension_bomb, xml_bomb
from tests.e2e.conftest import ADMIN, TEACHER_1A, linked_person
from tests.e2e.test_corrections import (
    CHILD,
    PHOTO,
    SCORE_TOAN,
    book,  # noqa: F401  (a fixture)
    datas,
    edited,
    mark,
    reply,
    requests,
    start_request,
    tap,
)
from tests.e2e.test_health import NURSE
from tests.e2e.test_leave import pupil_id

EXE = b"MZ\x90\x00" + b"\x00" * 200
UNPACKS = "không mở tệp"  # "... nên hệ thống không mở tệp."


async def counts(session: AsyncSession, school: School) -> tuple[int, int]:
    """The school's staged imports and pupils."""
    school_id = school.id
    await session.rollback()
    staged = await session.scalar(
        select(func.count()).select_from(StagedImport).where(StagedImport.school_id == school_id)
    )
    pupils = await session.scalar(
        select(func.count()).select_from(Student).where(Student.school_id == school_id)
    )
    return int(staged or 0), int(pupils or 0)


async def test_the_spreadsheet_bombs_are_refused_in_chat_and_store_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    before = await counts(session, lists)
    dimension = dimension_bomb(tmp_path / "dimension.xlsx").read_bytes()
    xml = xml_bomb(tmp_path / "xml.xlsx").read_bytes()
    teacher = await linked_person(make_person, *TEACHER_1A)
    admin = await linked_person(make_person, *ADMIN)
    nurse = await linked_person(make_person, *NURSE)
    for person, data, expected in (
        (teacher, xml, UNPACKS),
        (teacher, dimension, "hơn 10000 dòng"),
        (admin, dimension, "hơn 10000 dòng"),
        (admin, xml, UNPACKS),
        (nurse, xml, UNPACKS),
    ):
        await person.send_document(data, "danh-sach-1A.xlsx")
        answer = await person.next_message(timeout=30, new_only=True)
        assert expected in answer["text"], answer["text"]
        assert not answer.get("buttons")
    assert await counts(session, lists) == before


async def test_an_oversized_sheet_is_refused_before_it_is_downloaded(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    before = await counts(session, lists)
    teacher = await linked_person(make_person, *TEACHER_1A)
    admin = await linked_person(make_person, *ADMIN)
    downloads = len(sandbox.state.recorder.find(method="getFile"))
    for person in (teacher, admin):
        await person.send_document(b"PK" + b"\x00" * MAX_FILE_BYTES, "danh-sach.xlsx")
        answer = await person.next_message(timeout=30, new_only=True)
        assert answer["text"] == "Tệp lớn hơn 5 MB."
    assert len(sandbox.state.recorder.find(method="getFile")) == downloads
    assert await counts(session, lists) == before


async def test_evidence_that_is_not_what_its_name_says_is_refused_and_not_kept(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,  # noqa: F811
    session: AsyncSession,
) -> None:
    school_id = book.id
    teacher = await linked_person(make_person, *TEACHER_1A)
    student_id = await pupil_id(session, book, CHILD)
    asked = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert not isinstance(asked, str)
    await teacher.send("9")
    await reply(teacher)
    await tap(teacher, "v1:corr:why:entry_error")
    await edited(teacher)
    await teacher.send("Nhập nhầm 8 thay cho 9 khi chép từ sổ theo dõi.")
    await reply(teacher)
    for data, name in ((EXE, "so-diem.jpg"), (b"%PDF-1.4", "so-diem.jpg"), (EXE, "bai.pdf")):
        await teacher.send_document(data, name)
        refusal = await reply(teacher)
        assert refusal["text"].startswith("Nội dung tệp không đúng với tên tệp"), refusal["text"]
    await teacher.send_photo(b"PK\x03\x04 not a photo", "anh.jpg")
    assert (await reply(teacher))["text"].startswith("Nội dung tệp không đúng")
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    taken = await reply(teacher)
    # Taken, and named by its kind, never by a machine file name (vi "ảnh 1": the catalog).
    assert "ảnh 1" in taken["text"].lower() and "so-diem" not in taken["text"], taken["text"]
    await mark(teacher, "book")  # what it shows; a score needs the pupil's test too
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    await reply(teacher)
    await mark(teacher, "test")
    await tap(teacher, "v1:corr:done")
    summary = await edited(teacher)
    assert any(data.startswith("v1:corr:send:") for data in datas(summary))
    await tap(teacher, "v1:corr:send")
    await edited(teacher)
    (request,) = await requests(session, school_id)
    kept = (
        await session.scalars(select(CorrectionFile).where(CorrectionFile.request_id == request.id))
    ).all()
    assert [file.content for file in kept] == [PHOTO, b"%PDF-1.4 bai kiem tra"]
    assert [file.evidence_kind for file in kept] == ["book", "test"]
    assert isinstance(request, CorrectionRequest)
