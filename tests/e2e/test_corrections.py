"""Correction requests through the sandbox: the 1A teacher asks, the principal decides, the
administrator changes the system, the three sign, and the minutes come back as a .docx."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.corrections.chat.evidence import RECEIVED
from bot.features.corrections.documents import minutes_fields
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AssessmentKind,
    AssessmentResult,
    AuditEvent,
    CorrectionFile,
    CorrectionRequest,
    CorrectionState,
    LeaderAbsence,
    Notice,
    School,
    Student,
)
from tests.e2e.conftest import (
    ADMIN,
    MOTHER,
    TEACHER_1A,
    TEACHER_3B,
    BotClock,
    linked_person,
    send_outbox,
    vn,
)
from tests.e2e.test_leave import forge, pupil_id
from tests.e2e.test_weekly import YEAR_START, ZONE, download

PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE = ("Nguyễn Thị Hồng", "+84901078852")
CHILD = "Hoàng Anh Đăng"  # 1A, grade 1
PHOTO = b"\xff\xd8\xff\xe0" + b"mark book page" * 50
vi = translator("vi")
SCORE_TOAN = Item(AssessmentKind.SCORE, "TOAN")
# How messages name the request: by the item, the period and the pupil, never by a number.
TOAN_CN = f"Toán — điểm kiểm tra định kỳ (Cuối năm học) của {CHILD}, lớp 1A"


def year() -> str:
    return assessment.school_year_of(datetime.now(ZONE).date())


# What the minutes need of the school (Nghị định 30/2020), as the demo fills it.
PAPER = {"governing_body": "UBND PHƯỜNG XUÂN HÒA", "place": "Xuân Hòa", "abbreviation": "THNK"}


@pytest.fixture
async def book(lists: School, session: AsyncSession) -> School:
    """A grade-1 CN record that is "Hoàn thành tốt" (Toán 8), the period locked for the school."""
    lists.year_start = YEAR_START
    lists.settings = {**(lists.settings or {}), **PAPER}
    session.add(lists)
    student_id = await pupil_id(session, lists, CHILD)
    student = await session.get(Student, student_id)
    assert student is not None
    values: dict[Item, str | None] = {}
    for item in assessment.items_for(1, Period.CN):
        if item.kind is AssessmentKind.LEVEL:
            values[item] = "hoan_thanh_tot"
        elif item.kind is AssessmentKind.QUALITY:
            values[item] = "tot"
        else:
            values[item] = "9" if item.code == "TV" else "8"
    await assessment.record(
        session,
        school_id=lists.id,
        student_id=student_id,
        class_id=student.class_id,
        school_year=year(),
        period=Period.CN,
        values=values,
        by=None,
    )
    for period in (Period.CN, Period.CK1):
        await assessment.set_lock(
            session,
            school_id=lists.id,
            school_year=year(),
            period=period,
            scope="school",
            locked=True,
            by=None,
            actor="test",
        )
    await session.commit()
    return lists


def datas(message: dict[str, Any]) -> list[str]:
    return [button["callback_data"] for row in message.get("buttons") or [] for button in row]


CARD = ("okq", "noq", "more")  # the card's "Duyệt", "Từ chối" (both confirmed), "Cần bổ sung"


async def confirm(person: PersonClient, action: str, rid: int, message_id: int) -> None:
    """The card's "Duyệt" ("ok") or "Từ chối" ("no"), then its "Xác nhận …" on the same card,
    once the card shows it (what the bot sent before that edit is read on the way)."""
    await person.press(data=f"v1:corr:{action}q:{rid}", message_id=message_id)
    wanted = f"v1:corr:{action}:{rid}"
    while True:
        event = await person.next_message(timeout=10)
        if event["message_id"] == message_id and wanted in datas(event):
            break
    await person.press(data=wanted, message_id=message_id)


async def reply(person: PersonClient) -> dict[str, Any]:
    return await person.next_message(timeout=10, new_only=True)


async def edited(person: PersonClient) -> dict[str, Any]:
    return await person.next_message(timeout=10)


def with_flow(message: dict[str, Any], action: str) -> str:
    """The callback data of the button `action` ("v1:corr:done", "v1:corr:why:entry_error")
    under a message: the same with the form's flow token after it."""
    found = [data for data in datas(message) if data.startswith(action + ":")]
    assert len(found) == 1, (action, datas(message))
    flow = found[0].removeprefix(action + ":")
    assert len(flow) == 5 and ":" not in flow, found
    return found[0]


async def tap(person: PersonClient, action: str) -> str:
    """Press the button `action` of the bot's last message with buttons (its data carries the
    form's flow); return the data pressed."""
    for message in reversed(await person.messages()):
        if message["from_bot"] and datas(message):
            data = with_flow(message, action)
            await person.press(data=data, message_id=message["message_id"])
            return data
    raise AssertionError(f"no message with {action}")


async def start_request(
    sandbox: RunningSandbox,
    teacher: PersonClient,
    student_id: int,
    period: Period,
    item: Item,
    grade: int = 1,
) -> dict[str, Any] | str:
    """/suadiem → pupil → period → item; the bot's answer to the item, or its refusal."""
    await teacher.command("suadiem")
    await reply(teacher)
    await tap(teacher, f"v1:corr:pup:{student_id}")
    await edited(teacher)
    await tap(teacher, f"v1:corr:per:{student_id}:{period.value}")
    await edited(teacher)
    index = assessment.items_for(grade, period).index(item)
    refusal = await forge(sandbox, teacher, f"v1:corr:item:{student_id}:{period.value}:{index}")
    return refusal if refusal is not None else await edited(teacher)


async def draft_to_evidence(
    sandbox: RunningSandbox, teacher: PersonClient, student_id: int, value: str
) -> None:
    """/suadiem for Toán's CN score up to the evidence: the value, the reason and its text."""
    asked = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert not isinstance(asked, str), asked
    with_flow(asked, "v1:corr:x")  # a score is typed: "Hủy" is the only button
    await teacher.send(value)
    await reply(teacher)
    await tap(teacher, "v1:corr:why:entry_error")
    await edited(teacher)
    await teacher.send("Nhập nhầm 8 thay cho 9 khi chép từ sổ theo dõi.")
    await reply(teacher)


async def send_draft(teacher: PersonClient) -> dict[str, Any]:
    """ "Xong", then "Gửi đề nghị" if offered; the bot's last answer."""
    await tap(teacher, "v1:corr:done")
    summary = await edited(teacher)
    if not any(data.startswith("v1:corr:send:") for data in datas(summary)):
        return summary
    await tap(teacher, "v1:corr:send")
    return await edited(teacher)


async def file_request(
    sandbox: RunningSandbox, teacher: PersonClient, student_id: int, value: str, *, files: int = 2
) -> dict[str, Any]:
    """A whole request for Toán's CN score; returns the bot's last answer (once the request is
    filed, its card and evidence are queued for the principal)."""
    await draft_to_evidence(sandbox, teacher, student_id, value)
    if files:
        await teacher.send_photo(PHOTO, "so-diem.jpg")
        await reply(teacher)
        await mark(teacher, "book")
    if files > 1:
        await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
        await reply(teacher)
        await mark(teacher, "test")
    return await send_draft(teacher)


def taken_text(label: str) -> str:
    """The answer to a file taken, naming it as people do ("ảnh 1", "tệp PDF 1"), never by the
    teacher's own file name (the msgid until the catalog has it)."""
    text = vi(RECEIVED).format(file=label)
    return text[:1].upper() + text[1:]


async def mark(teacher: PersonClient, kind: str) -> dict[str, Any]:
    """Say what the file just received shows ("book", "test", "other") with its button under
    the bot's last message that has them, as a teacher does; the bot's edit."""
    for message in reversed(await teacher.messages()):
        found = [d for d in datas(message) if d.startswith("v1:corr:ek:")]
        if message["from_bot"] and found:
            (data,) = [d for d in found if d.split(":")[4] == kind]
            await teacher.press(data=data, message_id=message["message_id"])
            return await edited(teacher)
    raise AssertionError("no file waits for its kind")


async def requests(session: AsyncSession, school_id: int) -> list[CorrectionRequest]:
    await session.rollback()
    rows = await session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.school_id == school_id)
        .order_by(CorrectionRequest.id)
    )
    return list(rows)


@dataclass(frozen=True)
class OnTheDesk:
    """A filed request waiting for the principal: the three people, its id and its card."""

    teacher: PersonClient
    principal: PersonClient
    admin: PersonClient
    school_id: int
    request_id: int
    card: dict[str, Any]


async def request_on_the_desk(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    session: AsyncSession,
    book: School,
) -> OnTheDesk:
    """The teacher, principal and administrator linked; a request for the child's Toán score
    with a photo of the record book's page and the test as a PDF filed (a score needs both),
    its card and evidence queued and received by the principal."""
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    admin = await linked_person(make_person, *ADMIN)
    school_id = book.id  # read before `requests` rolls the session back
    student_id = await pupil_id(session, book, CHILD)
    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    assert await send_outbox(running_bot) == 3  # the card, the photo and the PDF
    card = await principal.next_message(timeout=10, new_only=True)
    await principal.next_message(timeout=10, new_only=True)  # the evidence: the photo
    await principal.next_message(timeout=10, new_only=True)  # and the PDF
    return OnTheDesk(teacher, principal, admin, school_id, request.id, card)


async def value_of(session: AsyncSession, student_id: int, item: Item) -> AssessmentResult:
    await session.rollback()
    row = await session.scalar(
        select(AssessmentResult).where(
            AssessmentResult.student_id == student_id,
            AssessmentResult.period == "cn",
            AssessmentResult.kind == item.kind,
            AssessmentResult.item == item.code,
        )
    )
    assert row is not None
    return row


async def test_the_whole_path_ends_in_minutes_signed_by_three(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    admin = await linked_person(make_person, *ADMIN)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id

    done = await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    rid = request.id
    # Named by the pupil and the item, never by the request's number.
    assert done["text"].startswith(f"Đề nghị sửa {TOAN_CN} đã được gửi Hiệu trưởng"), done
    assert " số " not in done["text"], done
    assert (request.old_value, request.new_value, request.state) == (
        "8",
        "9",
        CorrectionState.PENDING,
    )
    assert (request.outcome_before, request.outcome_after) == ("htt", "htxs")
    stored = (
        await session.scalars(select(CorrectionFile).where(CorrectionFile.request_id == rid))
    ).all()
    names = sorted(f.name for f in stored)  # a photo has no name in Telegram: "anh-<id>.jpg"
    assert names[0].startswith("anh-") and names[1] == "bai-kiem-tra.pdf", names
    assert any(f.content == PHOTO for f in stored)

    # The card and each piece of evidence go through the outbox, the card first.
    assert await send_outbox(running_bot) == 3
    card = await reply(principal)
    assert "8 → 9" in card["text"] and CHILD in card["text"]
    assert "Hoàn thành tốt → Hoàn thành xuất sắc" in card["text"], card["text"]
    assert datas(card) == [f"v1:corr:{a}:{rid}" for a in CARD]
    evidence = [await reply(principal), await reply(principal)]
    assert [m["file"]["kind"] for m in evidence] == ["photo", "document"], evidence
    assert evidence[1]["file"]["file_name"] == "bai-kiem-tra.pdf", evidence[1]["file"]

    await confirm(principal, "ok", rid, card["message_id"])
    await edited(principal)
    await send_outbox(running_bot)
    told = await reply(teacher)
    assert told["text"].startswith(f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi đã được duyệt"), told
    to_admin = await reply(admin)
    assert datas(to_admin) == [f"v1:corr:sys:{rid}"]
    assert "trên hệ thống chính thức (CSDL ngành)" in to_admin["text"], to_admin["text"]
    assert (await value_of(session, student_id, SCORE_TOAN)).value == "8"

    await admin.press(data=f"v1:corr:sys:{rid}")
    await edited(admin)
    await send_outbox(running_bot)
    row = await value_of(session, student_id, SCORE_TOAN)
    assert (row.value, row.relocked) == ("9", True)

    for person, role in ((principal, "principal"), (admin, "admin"), (teacher, "teacher")):
        ask = await reply(person)
        assert f"v1:corr:sign:{rid}:{role}" in datas(ask), ask
        assert ask["buttons"][0][0]["text"].startswith("Ký xác nhận ("), ask["buttons"]
        # The draft comes with the request to sign: read before signing, marked DỰ THẢO.
        assert ask["file"]["kind"] == "document", ask
        draft = Document(io.BytesIO(await download(sandbox, ask)))
        assert "DỰ THẢO" in "\n".join(p.text for p in draft.paragraphs), role
    drafts = await session.scalars(
        select(CorrectionFile.kind).where(CorrectionFile.request_id == rid)
    )
    assert sorted(drafts) == ["draft", "evidence", "evidence"]  # kept apart from the evidence
    for person, role in ((principal, "principal"), (admin, "admin"), (teacher, "teacher")):
        await person.press(data=f"v1:corr:sign:{rid}:{role}")
        signed = await reply(person)
        assert signed["text"].startswith("Đã ký xác nhận với vai trò "), signed
        assert signed["text"].endswith(f": đề nghị sửa {TOAN_CN}."), signed
    (request,) = await requests(session, school_id)
    rid = request.id
    assert request.state is CorrectionState.SIGNED and request.open_key is None

    # The minutes were queued with the third signature: one delivery for each of the three.
    assert await send_outbox(running_bot) == 3
    for person in (principal, admin, teacher):
        for _ in range(4):
            message = await person.next_message(timeout=10)
            if message.get("file"):
                break
        else:
            raise AssertionError("no minutes")
        assert message["caption"] == f"Biên bản sửa {TOAN_CN}, đã đủ ba chữ ký xác nhận."
        assert request.completed_at is not None
        minutes_year = request.completed_at.astimezone(ZONE).year
        assert message["file"]["file_name"] == f"bien-ban-so-01-{minutes_year}.docx"
        content = await download(sandbox, message)
        fields = minutes_fields(content)
        document = Document(io.BytesIO(content))
        heading = " ".join(cell.text for cell in document.tables[0].rows[0].cells)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading, heading
        assert "Độc lập - Tự do - Hạnh phúc" in heading, heading
        assert "Đồng ý cho sửa" in fields.values(), fields
        values = " | ".join(fields.values())
        assert CHILD in values and "1A" in values and "8" in values and "9" in values, fields
        assert "ảnh 1" in values and ("tệp PDF 1" in values or "PDF file 1" in values), fields
        assert "bai-kiem-tra" not in values, fields  # files by kind, never by their names
        assert names[0] not in values and "SHA-256" not in values, fields  # in the index only
        number = document.tables[0].rows[1].cells[0].text
        assert number == "Số: 01/BB-THNK", number
        assert "UBND PHƯỜNG XUÂN HÒA" in heading, heading
        assert document.tables[0].rows[1].cells[1].text.startswith("Xuân Hòa, ngày ")
        assert TEACHER_1A[0] in values and PRINCIPAL[0] in values and ADMIN[0] in values, fields
    kept = await session.scalar(
        select(func.count(CorrectionFile.id)).where(
            CorrectionFile.request_id == rid, CorrectionFile.kind == "minutes"
        )
    )
    assert kept == 1
    actions = set(
        await session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(rid)))
    )
    assert {"correction.request", "correction.approve", "correction.signed"} <= actions


async def test_a_rejection_and_a_needs_more_round_trip(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id

    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    rid = request.id
    await send_outbox(running_bot)
    card = await reply(principal)
    await reply(principal)  # the photo of the book's page
    await reply(principal)  # the test
    await principal.press(data=f"v1:corr:more:{rid}", message_id=card["message_id"])
    await reply(principal)
    await principal.send("Xin gửi thêm ảnh bài kiểm tra của con.")
    await reply(principal)
    await send_outbox(running_bot)
    asked = await reply(teacher)
    assert "Xin gửi thêm ảnh bài kiểm tra của con." in asked["text"]
    assert asked["text"].startswith(f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi cần bổ sung")
    assert datas(asked) == [f"v1:corr:add:{rid}"]
    (request,) = await requests(session, school_id)
    rid = request.id
    assert request.state is CorrectionState.NEEDS_INFO
    await teacher.press(data=f"v1:corr:add:{rid}")
    await reply(teacher)
    await teacher.send_document(b"%PDF-1.4 bai kiem tra lam lai", "bai-kiem-tra.pdf")
    await reply(teacher)
    await mark(teacher, "test")
    await teacher.press(data=f"v1:corr:addok:{rid}")
    sent = await edited(teacher)
    assert sent["text"] == f"Nội dung bổ sung cho đề nghị sửa {TOAN_CN} đã được gửi Hiệu trưởng."
    assert await send_outbox(running_bot) == 4  # the card again, and the three files
    again = await reply(principal)
    assert datas(again) == [f"v1:corr:{a}:{rid}" for a in CARD]
    (request,) = await requests(session, school_id)
    rid = request.id
    assert request.state is CorrectionState.PENDING

    for _ in range(3):  # the evidence, now three files
        await reply(principal)
    await confirm(principal, "no", rid, again["message_id"])
    await reply(principal)
    await principal.send("Bài kiểm tra ghi 8 điểm, không có sai sót.")
    await reply(principal)
    await send_outbox(running_bot)
    told = await reply(teacher)
    assert "Bài kiểm tra ghi 8 điểm, không có sai sót." in told["text"]
    assert told["text"].startswith(f"Đề nghị sửa {TOAN_CN} do thầy/cô gửi không được duyệt")
    (request,) = await requests(session, school_id)
    rid = request.id
    assert request.state is CorrectionState.REJECTED and request.open_key is None
    assert request.decision_note == "Bài kiểm tra ghi 8 điểm, không có sai sót."
    assert (await value_of(session, student_id, SCORE_TOAN)).value == "8"


async def test_a_pdf_and_a_jpeg_sent_as_files_reach_the_principal_as_documents(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    """Telegram takes a document's file id only in sendDocument: evidence sent as a file (a
    JPEG too) goes on as a file, a photo as a photo, each after the card."""
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    pdf = b"%PDF-1.4 bai kiem tra cua con"
    await draft_to_evidence(sandbox, teacher, student_id, "9")
    await teacher.send_document(PHOTO, "so-diem.jpg", mime_type="image/jpeg")
    assert (await reply(teacher))["text"] == taken_text(
        vi("picture file {number}").format(number=1)
    )
    await mark(teacher, "book")
    await teacher.send_document(pdf, "bai-kiem-tra.pdf", mime_type="application/pdf")
    await reply(teacher)
    await mark(teacher, "test")
    await teacher.send_photo(PHOTO, "anh.jpg")
    await reply(teacher)
    await mark(teacher, "other")
    done = await send_draft(teacher)
    (request,) = await requests(session, school_id)
    assert done["text"].startswith(f"Đề nghị sửa {TOAN_CN} đã được gửi"), done

    assert await send_outbox(running_bot) == 4
    card = await reply(principal)
    assert datas(card) == [f"v1:corr:{a}:{request.id}" for a in CARD]
    received = [await reply(principal) for _ in range(3)]
    kinds = [(m["file"]["kind"], m["file"]["file_name"]) for m in received]
    assert kinds[:2] == [("document", "so-diem.jpg"), ("document", "bai-kiem-tra.pdf")], kinds
    assert kinds[2][0] == "photo", kinds
    assert [await download(sandbox, m) for m in received] == [PHOTO, pdf, PHOTO]
    to_principal = sandbox.state.recorder.calls
    sent = [c.method for c in to_principal if c.chat_id == principal.person_id and c.ok]
    assert (sent.count("sendDocument"), sent.count("sendPhoto")) == (2, 1), sent


async def test_deadline_lock_and_duplicate_rules(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, vn(2026, 12, 3, 16, 50))  # Thursday, after school
    teacher = await linked_person(make_person, *TEACHER_1A)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    await file_request(sandbox, teacher, student_id, "9")
    assert len(await requests(session, school_id)) == 1

    # The same item again, the next morning: refused while the first is open, which is named
    # by the day it was filed (in Vietnam), not by a number.
    clock.advance(hours=15)
    duplicate = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert duplicate == (
        "Mục này có đề nghị sửa gửi ngày 03/12/2026 chưa xử lý xong; không thể gửi đề nghị thứ hai."
    ), duplicate

    # An unlocked period needs no request; past the deadline a request is refused.
    student = await session.get(Student, student_id)
    assert student is not None
    await assessment.set_lock(
        session,
        school_id=school_id,
        school_year=year(),
        period=Period.CK1,
        scope=f"class:{student.class_id}",
        locked=False,
        by=None,
        actor="test",
    )
    yesterday = date(2026, 12, 3)  # the bot's clock says Friday 04/12/2026
    await assessment.set_deadline(
        session,
        school_id=school_id,
        school_year=year(),
        period=Period.CN,
        day=yesterday,
        actor="test",
    )
    await session.commit()
    tv = Item(AssessmentKind.LEVEL, "TV")
    unlocked = await start_request(sandbox, teacher, student_id, Period.CK1, tv)
    assert isinstance(unlocked, str) and "/sodiem" in unlocked
    late = await start_request(sandbox, teacher, student_id, Period.CN, tv)
    assert isinstance(late, str) and yesterday.strftime("%d/%m/%Y") in late
    assert len(await requests(session, school_id)) == 1


async def test_bad_values_and_a_request_without_evidence_store_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    asked = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert not isinstance(asked, str)
    for typed in ("11", "7.5", "7,5", "mười"):
        await teacher.send(typed)
        answer = await reply(teacher)
        assert typed in answer["text"] or "0" in answer["text"], answer
        assert not datas(answer), answer  # still waiting for a value, no reason buttons
    level = Item(AssessmentKind.LEVEL, "TOAN")
    asked = await start_request(sandbox, teacher, student_id, Period.CN, level)
    # The level the book holds is not offered; typed or forged, it is refused.
    assert not isinstance(asked, str)
    offered = [data.rsplit(":", 1)[0] for data in datas(asked)]  # without the form's flow
    assert offered == ["v1:corr:val:hoan_thanh", "v1:corr:val:chua_hoan_thanh", "v1:corr:x"]
    await teacher.send("Giỏi")
    answer = await reply(teacher)
    assert "Giỏi" in answer["text"] and not datas(answer)
    await teacher.send("hoàn thành tốt")
    answer = await reply(teacher)
    assert "trùng với giá trị đang ghi" in answer["text"] and not datas(answer), answer
    await teacher.press(
        data="v1:corr:val:hoan_thanh_tot", message_id=asked["message_id"], forged=True
    )
    same = await edited(teacher)
    assert "trùng với giá trị đang ghi" in same["text"] and not datas(same), same

    # A request without evidence: "Done" is refused, and the form never offers "send".
    await teacher.send("Hoàn thành")
    await reply(teacher)
    await tap(teacher, "v1:corr:why:remarked")
    await edited(teacher)
    await teacher.send("Chấm lại bài kiểm tra.")
    await reply(teacher)
    refusal = await forge(sandbox, teacher, "v1:corr:done")
    assert refusal is not None and "minh chứng" in refusal, refusal
    assert await forge(sandbox, teacher, "v1:corr:send") is not None  # nothing ready to send
    assert await requests(session, school_id) == []
    assert (await value_of(session, student_id, SCORE_TOAN)).value == "8"


async def test_forged_double_and_stale_presses_change_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 3, 9, 0))  # a Thursday morning in Vietnam
    filed = "03/12/2026"
    teacher = await linked_person(make_person, *TEACHER_1A)
    other = await linked_person(make_person, *TEACHER_3B)
    mother = await linked_person(make_person, *MOTHER)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    rid = request.id

    for person in (teacher, other, mother):
        for action in ("ok", "no", "more"):
            refusal = await forge(sandbox, person, f"v1:corr:{action}:{rid}")
            assert refusal is not None, (person.person_id, action)
    assert await forge(sandbox, mother, f"v1:corr:sys:{rid}") is not None
    assert await forge(sandbox, other, f"v1:corr:item:{student_id}:cn:0") is not None
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.PENDING and request.decided_by is None
    refused = await session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "correction.refused_press", AuditEvent.entity_id == str(rid)
        )
    )
    assert refused == 10  # three presses by each of three people, and the parent's "sys"

    assert await forge(sandbox, principal, f"v1:corr:ok:{rid}") is None
    again = await forge(sandbox, principal, f"v1:corr:ok:{rid}")
    stale = await forge(sandbox, principal, f"v1:corr:no:{rid}")
    assert again is not None and again == stale, (again, stale)
    state = "đã được duyệt, chờ cập nhật trên hệ thống"
    assert again == f"Đề nghị sửa {TOAN_CN}, gửi ngày {filed}: {state}.", again
    assert len(again) <= 200
    approvals = await session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "correction.approve", AuditEvent.entity_id == str(rid)
        )
    )
    assert approvals == 1
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED


async def test_the_vice_principal_decides_while_the_principal_is_away(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    vice = await linked_person(make_person, *VICE)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    today = datetime.now(ZONE).date()
    monday = today + timedelta(days=7 - today.weekday())

    await principal.command("vangmat", "hôm qua")
    told = (await reply(principal))["text"]
    assert told.endswith("\nChưa có gì được ghi nhận."), told
    assert "Quý phụ huynh" not in told and "dd/mm" in told, told  # said to the principal
    absences = select(func.count(LeaderAbsence.id)).where(LeaderAbsence.school_id == school_id)
    assert await session.scalar(absences) == 0
    await principal.command("vangmat", f"{monday:%d/%m}-{monday + timedelta(days=4):%d/%m}")
    await reply(principal)
    assert await send_outbox(running_bot) == 1
    told = await reply(vice)
    assert monday.strftime("%d/%m") in told["text"]
    await vice.command("vangmat", f"{monday:%d/%m}")  # only the principal records it
    assert (await reply(vice))["text"] == "Chỉ Hiệu trưởng ghi nhận lịch vắng mặt của mình."

    # Today the principal is present: the card goes to the principal, the vice's press fails.
    await file_request(sandbox, teacher, student_id, "9")
    (request,) = await requests(session, school_id)
    rid = request.id
    assert await forge(sandbox, vice, f"v1:corr:ok:{rid}") is not None

    # From an absence that covers today, the vice principal decides and the principal cannot.
    await principal.command("vangmat", "huy")
    await reply(principal)
    await principal.command("vangmat", f"{today:%d/%m}")
    await reply(principal)
    await send_outbox(running_bot)
    assert today.strftime("%d/%m") in (await reply(vice))["text"]
    assert await forge(sandbox, principal, f"v1:corr:ok:{rid}") is not None
    await vice.command("duyet")
    listed = await reply(vice)
    assert datas(listed) == [f"v1:corr:{a}:{rid}" for a in CARD]
    assert await send_outbox(running_bot) == 2  # the card's evidence follows it, by its kind
    shown = await reply(vice)
    assert shown["file"]["kind"] == "photo" and shown["caption"].endswith(": ảnh 1"), shown
    await reply(vice)  # the test, as a PDF
    assert await forge(sandbox, vice, f"v1:corr:ok:{rid}") is None
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED and request.decided_role == "vice_principal"


# Buttons that tell the truth: every back and cancel pressed late and twice -------------------

THURSDAY = vn(2026, 12, 3, 9, 0)  # the bot's clock: a school morning in Vietnam
CLOSED = (
    "Biểu mẫu này đã đóng: chưa có gì được gửi từ biểu mẫu này, và nút này không thay đổi gì. "
    "Thầy/cô gửi /suadiem để bắt đầu lại."
)


def already_sent(state: str) -> str:
    """The pop-up of a button of a form that filed a request on Thursday 03/12/2026."""
    return f"Đề nghị này đã được gửi ngày 03/12/2026; nút này không thay đổi gì. Hiện tại: {state}."


async def alert_on(
    sandbox: RunningSandbox, person: PersonClient, data: str, message: dict[str, Any]
) -> str | None:
    """Press `data` on `message` (even once its buttons are gone); the pop-up's text, if any."""
    (bot_id,) = sandbox.state.bots
    alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=data, message_id=message["message_id"], forged=True)
    for _ in range(200):
        if sandbox.state.callbacks[sent["callback_query_id"]][2]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the press {data!r} was never answered")
    return str(alerts[-1]["text"]) if len(alerts) > before else None


async def edit_of(person: PersonClient, message: dict[str, Any]) -> dict[str, Any]:
    """The next edit of this message (other edits, of stale buttons, passed over)."""
    for _ in range(10):
        changed = await edited(person)
        if changed["message_id"] == message["message_id"]:
            return changed
    raise AssertionError("the message was not edited")


async def as_it_is(person: PersonClient, message: dict[str, Any]) -> dict[str, Any]:
    """The message as the person's chat shows it now."""
    for shown in await person.messages():
        if shown["message_id"] == message["message_id"]:
            return shown
    raise AssertionError("no such message")


async def with_button(person: PersonClient, action: str) -> dict[str, Any]:
    """The bot's last message carrying a button `action` (with its form's flow)."""
    for message in reversed(await person.messages()):
        if message["from_bot"] and any(d.startswith(action + ":") for d in datas(message)):
            return message
    raise AssertionError(f"no message with {action}")


async def test_an_old_cancel_of_a_sent_request_says_so_and_changes_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, THURSDAY)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    await draft_to_evidence(sandbox, teacher, student_id, "9")
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    taken = await reply(teacher)
    assert taken["text"] == taken_text("ảnh 1"), taken["text"]  # no machine file name
    cancel, done = with_flow(taken, "v1:corr:x"), with_flow(taken, "v1:corr:done")
    await mark(teacher, "book")
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    await reply(teacher)
    await mark(teacher, "test")
    # A typed text while the form waits for "Gửi đề nghị" is no answer to anything.
    await tap(teacher, "v1:corr:done")
    summary = await edited(teacher)
    assert "Minh chứng: ảnh 1, tệp PDF 1" in summary["text"], summary["text"]
    send = with_flow(summary, "v1:corr:send")
    await teacher.send("Cảm ơn Ban giám hiệu ạ")
    ready = await reply(teacher)
    assert ready["text"] == ("Đề nghị đã sẵn sàng: thầy/cô bấm “Gửi đề nghị” hoặc “Hủy” ở trên."), (
        ready["text"]
    )
    await tap(teacher, "v1:corr:send")
    await edited(teacher)
    (request,) = await requests(session, school_id)

    # The old "Hủy", "Xong" and "Gửi đề nghị" of the sent form, pressed late and twice.
    waiting = already_sent("chờ duyệt")
    clock.advance(hours=3)
    assert await alert_on(sandbox, teacher, cancel, taken) == waiting
    assert await alert_on(sandbox, teacher, cancel, taken) == waiting
    assert await alert_on(sandbox, teacher, done, taken) == waiting
    assert await alert_on(sandbox, teacher, send, summary) == waiting
    assert [r.state for r in await requests(session, school_id)] == [CorrectionState.PENDING]
    assert not datas(await as_it_is(teacher, taken))  # the stale buttons are gone
    assert not datas(await as_it_is(teacher, summary))

    # Approved the next day: the old "Hủy" says so, and still changes nothing.
    clock.set(vn(2026, 12, 4, 8, 0))
    await send_outbox(running_bot)
    card = await reply(principal)
    await confirm(principal, "ok", request.id, card["message_id"])
    await edited(principal)
    for _ in range(100):  # the decision is stored (its card may be edited before we look)
        session.expire_all()
        if [r.state for r in await requests(session, school_id)] == [CorrectionState.APPROVED]:
            break
        await asyncio.sleep(0.05)
    approved = already_sent("đã được duyệt, chờ cập nhật trên hệ thống")
    assert await alert_on(sandbox, teacher, cancel, taken) == approved
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED


async def test_cancel_twice_and_a_replaced_form_send_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    teacher = await linked_person(make_person, *TEACHER_1A)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id

    # Cancelled, then "Hủy" again: the form is closed and nothing was sent.
    asked = await start_request(sandbox, teacher, student_id, Period.CN, SCORE_TOAN)
    assert not isinstance(asked, str)
    cancel = with_flow(asked, "v1:corr:x")
    await teacher.press(data=cancel, message_id=asked["message_id"])
    cancelled = await edited(teacher)
    assert cancelled["text"] == "Đã hủy đề nghị sửa điểm; chưa có gì được gửi.", cancelled
    assert await alert_on(sandbox, teacher, cancel, asked) == CLOSED
    await teacher.send("9")  # the value prompt is closed: the text is not taken as a value
    assert "Biểu mẫu" not in (await reply(teacher))["text"]
    assert await requests(session, school_id) == []

    # A form replaced by a newer /suadiem: its buttons change nothing, the new one goes on.
    await draft_to_evidence(sandbox, teacher, student_id, "9")
    old = await with_button(teacher, "v1:corr:x")
    old_cancel, old_reason = with_flow(old, "v1:corr:x"), "v1:corr:why:remarked"
    await teacher.command("suadiem")
    listed = await reply(teacher)
    assert await alert_on(sandbox, teacher, old_cancel, old) == CLOSED
    pupil = with_flow(listed, f"v1:corr:pup:{student_id}")
    assert pupil.rsplit(":", 1)[1] != old_cancel.rsplit(":", 1)[1]  # a new flow
    await teacher.press(data=pupil, message_id=listed["message_id"])
    periods = await edit_of(teacher, listed)
    assert with_flow(periods, f"v1:corr:per:{student_id}:cn")
    flow = old_cancel.rsplit(":", 1)[1]
    assert await alert_on(sandbox, teacher, f"{old_reason}:{flow}", old) == CLOSED
    assert await requests(session, school_id) == []
    # A photo while a list waits for a press is not taken either.
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    assert (await reply(teacher))["text"] == "Thầy/cô vui lòng chọn bằng các nút ở trên."


async def test_the_decisions_and_the_addition_pressed_late_and_twice(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    teacher, principal, rid, card = desk.teacher, desk.principal, desk.request_id, desk.card

    # "Cần bổ sung" and its question; the teacher's "Bổ sung đề nghị" twice keeps the addition.
    await principal.press(data=f"v1:corr:more:{rid}", message_id=card["message_id"])
    await reply(principal)
    await principal.send("Xin gửi thêm bài kiểm tra.")
    await reply(principal)
    await send_outbox(running_bot)
    asked = await reply(teacher)
    await teacher.press(data=f"v1:corr:add:{rid}", message_id=asked["message_id"])
    await reply(teacher)
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    taken = await reply(teacher)
    assert taken["text"] == taken_text("tệp PDF 2"), taken["text"]  # after the request's PDF
    await mark(teacher, "test")
    await teacher.press(data=f"v1:corr:add:{rid}", message_id=asked["message_id"])
    kept = await reply(teacher)
    assert kept["text"].startswith("Phần bổ sung đang mở (đã có 1 tệp)"), kept["text"]
    await teacher.press(data=f"v1:corr:addok:{rid}", message_id=kept["message_id"])
    await edited(teacher)
    waiting = f"Đề nghị sửa {TOAN_CN}, gửi ngày 03/12/2026: chờ duyệt."
    assert await alert_on(sandbox, teacher, f"v1:corr:addok:{rid}", kept) == waiting
    assert await alert_on(sandbox, teacher, f"v1:corr:add:{rid}", asked) == waiting
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.PENDING

    # "Từ chối" then "Duyệt": the question for the reason is over, a typed text is not a reason.
    await send_outbox(running_bot)
    again = await principal.next_message(timeout=10, new_only=True)
    while f"v1:corr:okq:{rid}" not in datas(again):
        again = await principal.next_message(timeout=10, new_only=True)
    await confirm(principal, "no", rid, again["message_id"])
    await reply(principal)
    await principal.press(data=f"v1:corr:ok:{rid}", message_id=again["message_id"], forged=True)
    await edited(principal)
    await principal.send("Không đồng ý vì thiếu chữ ký.")
    approved = (
        f"Đề nghị sửa {TOAN_CN}, gửi ngày 03/12/2026: đã được duyệt, chờ cập nhật trên hệ thống."
    )
    for action in (
        "ok",
        "no",
        "more",
        "okq",
        "noq",
        "back",
    ):  # late and twice: the state, nothing decided again
        assert await alert_on(sandbox, principal, f"v1:corr:{action}:{rid}", again) == approved
    (request,) = await requests(session, desk.school_id)
    assert request.state is CorrectionState.APPROVED and request.decision_note is None


# Pupils sharing a name ------------------------------------------------------------------------


async def test_two_pupils_of_one_name_are_told_apart_in_the_list_the_prompts_and_the_card(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    student_id = await pupil_id(session, book, CHILD)
    child = await session.get(Student, student_id)
    assert child is not None
    child.birth_date = date(2019, 1, 25)
    namesake = Student(
        school_id=book.id,
        student_code="7900000777",
        full_name=CHILD,
        family_name="Hoàng",
        middle_name="Anh",
        given_name="Đăng",
        search_key="hoang anh dang",
        birth_date=date(2019, 10, 3),
        class_id=child.class_id,
    )
    session.add(namesake)
    await session.commit()
    school_id, namesake_id = book.id, namesake.id
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)

    await teacher.command("suadiem")
    listed = await reply(teacher)
    labels = {
        button["callback_data"].split(":")[3]: button["text"]
        for row in listed["buttons"]
        for button in row
    }
    assert labels[str(student_id)] == f"{CHILD} (sinh ngày 25/01/2019)", labels
    assert labels[str(namesake_id)] == f"{CHILD} (sinh ngày 03/10/2019)", labels
    assert "Mai Hà Linh" in labels.values()  # a name nobody shares stays as it is

    await tap(teacher, f"v1:corr:pup:{namesake_id}")
    periods = await edited(teacher)
    assert periods["text"].startswith(f"{CHILD} (sinh ngày 03/10/2019), lớp 1A"), periods["text"]
    await file_request(sandbox, teacher, student_id, "9")
    await send_outbox(running_bot)
    card = await reply(principal)
    assert f"Học sinh: {CHILD} (sinh ngày 25/01/2019), lớp 1A" in card["text"], card["text"]
    (request,) = await requests(session, school_id)
    assert request.student_id == student_id


# Changed results are told ---------------------------------------------------------------------


async def test_a_correction_of_a_published_result_is_told_to_the_family(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, THURSDAY)
    await assessment.publish(
        session,
        school_id=book.id,
        school_year=year(),
        period=Period.CN,
        by=None,
        actor="test",
        now=THURSDAY,
    )
    await session.commit()
    mother = await linked_person(make_person, *MOTHER)
    desk = await request_on_the_desk(running_bot, sandbox, make_person, session, book)
    await confirm(desk.principal, "ok", desk.request_id, desk.card["message_id"])
    await edited(desk.principal)
    await send_outbox(running_bot)
    to_admin = await desk.admin.next_message(timeout=10, new_only=True)
    families = select(func.count(Notice.id)).where(Notice.kind == "result_corrected")
    assert await session.scalar(families) == 0  # approved is not changed: nothing yet

    clock.advance(hours=2)
    applied = f"v1:corr:sys:{desk.request_id}"
    await desk.admin.press(data=applied, message_id=to_admin["message_id"])
    await edited(desk.admin)
    await send_outbox(running_bot)
    told = await mother.next_message(timeout=10, new_only=True)
    assert told["text"].split("\n") == [
        "Trường Tiểu học Thử",
        f"Kính gửi Quý phụ huynh em {CHILD} (lớp 1A): nhà trường đã điều chỉnh một kết quả "
        "học tập đã công bố.",
        "Toán — điểm kiểm tra định kỳ, Cuối năm học: 8 → 9",
        "Lý do: Nhập sai",
        "Kết quả cuối năm: Hoàn thành tốt → Hoàn thành xuất sắc",
        "Quý phụ huynh gửi /ketqua để xem toàn bộ kết quả.",
    ], told["text"]
    assert "Nhập nhầm" not in told["text"]  # the teacher's explanation stays with the school
    await session.rollback()
    assert await session.scalar(families) == 1


# Files as what they are -----------------------------------------------------------------------


async def test_a_file_telegram_refuses_to_show_is_sent_again_and_reported_at_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    book: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    student_id = await pupil_id(session, book, CHILD)
    school_id = book.id
    await file_request(sandbox, teacher, student_id, "9")  # a photo and a PDF
    (request,) = await requests(session, school_id)
    rid = request.id
    photo = (
        await session.scalars(
            select(CorrectionFile)
            .where(CorrectionFile.request_id == rid)
            .order_by(CorrectionFile.id)
        )
    ).first()
    assert photo is not None and photo.name == "anh-1.jpg", photo
    # Telegram will not know the photo's id (as after a bot token change): sendPhoto fails.
    carrying = await session.scalar(
        select(Notice).where(Notice.ref == f"correction:{rid}:file:{photo.id}")
    )
    assert carrying is not None and carrying.media_kind == "photo"
    carrying.media_file = "AgACunknownfileid"
    await session.commit()

    # Refused when it is sent: at once, the photo's kept bytes go again to the principal, who
    # is told which file (by kind and number) and the teacher too; nothing waits for a press.
    assert await send_outbox(running_bot) == 6
    card = await reply(principal)
    assert "ảnh 1, " in card["text"] and "bai-kiem-tra" not in card["text"], card["text"]
    pdf = await reply(principal)
    assert pdf["file"]["kind"] == "document" and "bai-kiem-tra" not in pdf["caption"], pdf
    again = await reply(principal)
    assert again["file"]["kind"] == "document" and again["file"]["file_name"] == "anh-1.jpg"
    assert await download(sandbox, again) == PHOTO
    assert again["caption"] == f"Minh chứng cho đề nghị sửa {TOAN_CN}: ảnh 1"
    told = await reply(principal)
    assert "ảnh 1" in told["text"] and TOAN_CN in told["text"], told["text"]  # vi: catalog
    to_teacher = await reply(teacher)
    assert "ảnh 1" in to_teacher["text"] and TOAN_CN in to_teacher["text"], to_teacher["text"]
    assert await send_outbox(running_bot) == 0  # told once
    await confirm(principal, "ok", rid, card["message_id"])  # every file shown: decided
    for _ in range(100):
        (request,) = await requests(session, school_id)
        if request.state is not CorrectionState.PENDING:
            break
        await asyncio.sleep(0.05)
    (request,) = await requests(session, school_id)
    assert request.state is CorrectionState.APPROVED
