"""The flows that make papers: leave asked and confirmed, the nurse's check-up sheet, a grade
correction through to its minutes, and the clerk's archive of the year."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.i18n import translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import Period
from bot.features.health.template import HealthPaper, build_health_template
from bot.features.weekly.queries import class_pupils
from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import AssessmentKind, SchoolClass, Student
from tests.district.isolation_world import Campus, pupil_ids
from tests.e2e.test_corrections import (
    PHOTO,
    SCORE_TOAN,
    confirm,
    datas,
    edited,
    mark,
    reply,
    send_draft,
    tap,
)

SCHOOL_YEAR = "2026-2027"
LEAVE_DAY = date(2026, 12, 7)  # the Monday after week 13
FIRST_ROW = 7  # the health template's first pupil row


def corrected(campus: Campus) -> str:
    """The pupil whose Toán score is corrected: the one whose student code all three share."""
    return f"Phạm Thị {campus.spec.marker}"


async def forge(sandbox: RunningSandbox, person: PersonClient, data: str) -> str | None:
    """Press callback data no button carries (the item's index); the alert, if any."""
    alerts = sandbox.state.chat_log(int(person.bot_id), person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=data, forged=True)
    query_id = sent["callback_query_id"]
    for _ in range(200):
        if sandbox.state.callbacks[query_id][2]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the press {data!r} was never answered")
    return str(alerts[-1]["text"]) if len(alerts) > before else None


def data_of(message: dict[str, Any], prefix: str) -> str:
    (found,) = [d for d in datas(message) if d.startswith(prefix)]
    return found


async def leave(
    engine: AsyncEngine, campus: Campus, day: date = LEAVE_DAY, *, confirmed: bool = True
) -> None:
    """The mother of pupil 3 asks leave for a morning (Monday's by default); the teacher
    confirms it, or leaves it waiting."""
    mother, teacher = campus.people["mother3"], campus.people["teacher"]
    child = (await pupil_ids(engine, campus.school_id))[f"Trần {campus.spec.marker} Bảo"]
    await mother.skip_pending()
    await teacher.skip_pending()
    await mother.command("xinnghi")  # her only child: the days at once
    days = await mother.next_message(timeout=10, new_only=True)
    offered = [d for d in datas(days) if d.startswith(f"v1:leave:day:{child}:{day:%Y%m%d}")]
    if offered:
        await mother.press(data=offered[0])
    else:
        await mother.send(day.strftime("%d/%m"))
    sessions = await mother.next_message(timeout=10)
    await mother.press(data=data_of(sessions, f"v1:leave:part:{child}:morning:"))
    await mother.next_message(timeout=10)
    await mother.send("Con đi khám răng, xin nghỉ buổi sáng.")
    summary = await mother.next_message(timeout=10, new_only=True)
    await mother.press(data=data_of(summary, f"v1:leave:send:{child}:"))
    await mother.next_message(timeout=10)
    assert await campus.send() == 1
    asked = await teacher.next_message(timeout=10, new_only=True)
    assert "khám răng" in asked["text"], asked["text"]
    if not confirmed:
        return
    await teacher.press("Xác nhận", message_id=asked["message_id"])
    await teacher.next_message(timeout=10)
    assert await campus.send() >= 1
    told = await mother.next_message(timeout=10, new_only=True)
    assert f"Trần {campus.spec.marker} Bảo" in told["text"], told["text"]


async def health_sheet(engine: AsyncEngine, campus: Campus) -> bytes:
    """3A's check-up template, as the bot makes it, filled in by the nurse."""
    async with session_factory(engine)() as session:
        class_id = await session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == campus.school_id, SchoolClass.name == "3A"
            )
        )
        assert class_id is not None
        pupils = await class_pupils(session, class_id)
    nurse = campus.spec.staff[2].name
    paper = HealthPaper(campus.spec.name, "3A", nurse, "", "Phường Thử", date(2026, 11, 20))
    data = build_health_template(
        paper, [(code, name) for _i, code, name in pupils], translator("vi")
    )
    workbook = load_workbook(io.BytesIO(data))
    page = workbook.worksheets[0]
    for n in range(len(pupils)):
        row = FIRST_ROW + n
        page.cell(row, 4, 128 + n)
        page.cell(row, 5, 26 + n)
        page.cell(row, 6, "10/10")
        page.cell(row, 7, "10/10")
        page.cell(row, 10, "Bình thường")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def health(engine: AsyncEngine, campus: Campus) -> None:
    """The nurse sends 3A's filled sheet and confirms it; each family gets its child's result."""
    nurse = campus.people["nurse"]
    await nurse.skip_pending()
    await nurse.send_document(await health_sheet(engine, campus), "ket-qua-3A.xlsx")
    summary = await nurse.next_message(timeout=10)
    assert "3A" in summary["text"], summary["text"]
    await nurse.press("Xác nhận")
    await nurse.next_message(timeout=10)
    assert await campus.send() >= 3
    for key in ("father1", "mother2", "mother3"):
        texts = [m["text"] or "" for m in await campus.people[key].messages()]
        assert any(t.startswith("Kết quả khám sức khỏe\n" + campus.spec.name) for t in texts)


async def locked_book(engine: AsyncEngine, campus: Campus) -> int:
    """The corrected pupil's end-of-year record (Toán 8), the period locked; the pupil's id."""
    async with session_factory(engine)() as session:
        student = await session.scalar(
            select(Student).where(
                Student.school_id == campus.school_id, Student.full_name == corrected(campus)
            )
        )
        assert student is not None
        values: dict[Item, str | None] = {}
        for item in assessment.items_for(3, Period.CN):
            if item.kind is AssessmentKind.LEVEL:
                values[item] = "hoan_thanh_tot"
            elif item.kind is AssessmentKind.QUALITY:
                values[item] = "tot"
            else:
                values[item] = "8"
        await assessment.record(
            session,
            school_id=campus.school_id,
            student_id=student.id,
            class_id=student.class_id,
            school_year=SCHOOL_YEAR,
            period=Period.CN,
            values=values,
            by=None,
        )
        await assessment.set_lock(
            session,
            school_id=campus.school_id,
            school_year=SCHOOL_YEAR,
            period=Period.CN,
            scope="school",
            locked=True,
            by=None,
            actor="test",
        )
        await session.commit()
        return student.id


async def correction(sandbox: RunningSandbox, engine: AsyncEngine, campus: Campus) -> None:
    """The teacher asks 8 → 9 with a photo and a PDF, the principal approves, the
    administrator changes the system, the three sign, the minutes reach the three."""
    teacher, principal, admin = (campus.people[k] for k in ("teacher", "principal", "admin"))
    for person in (teacher, principal, admin):
        await person.skip_pending()
    student_id = await locked_book(engine, campus)
    await teacher.command("suadiem")
    await reply(teacher)
    await tap(teacher, f"v1:corr:pup:{student_id}")
    await edited(teacher)
    await tap(teacher, f"v1:corr:per:{student_id}:{Period.CN.value}")
    await edited(teacher)
    index = assessment.items_for(3, Period.CN).index(SCORE_TOAN)
    assert await forge(sandbox, teacher, f"v1:corr:item:{student_id}:cn:{index}") is None
    await edited(teacher)
    await teacher.send("9")
    await reply(teacher)
    await tap(teacher, "v1:corr:why:entry_error")
    await edited(teacher)
    await teacher.send("Nhập nhầm 8 thay cho 9 khi chép từ sổ theo dõi.")
    await reply(teacher)
    await teacher.send_photo(PHOTO, "so-diem.jpg")
    await reply(teacher)
    await mark(teacher, "book")
    await teacher.send_document(b"%PDF-1.4 bai kiem tra", "bai-kiem-tra.pdf")
    await reply(teacher)
    await mark(teacher, "test")
    await send_draft(teacher)
    assert await campus.send() == 3  # the card, the photo and the PDF
    card = await reply(principal)
    assert corrected(campus) in card["text"], card["text"]
    await reply(principal)
    await reply(principal)
    (approve,) = [d for d in datas(card) if d.startswith("v1:corr:okq:")]
    rid = int(approve.rsplit(":", 1)[1])
    await confirm(principal, "ok", rid, card["message_id"])
    await edited(principal)
    await campus.send()
    await reply(teacher)
    await reply(admin)
    await admin.press(data=f"v1:corr:sys:{rid}")
    await edited(admin)
    await campus.send()
    for person in (principal, admin, teacher):
        await person.skip_pending()
    for person, role in ((principal, "principal"), (admin, "admin"), (teacher, "teacher")):
        await person.press(data=f"v1:corr:sign:{rid}:{role}")
        signed = await reply(person)
        assert signed["text"].startswith("Đã ký xác nhận"), signed
    assert await campus.send() == 3
    for person in (principal, admin, teacher):
        minutes = [m for m in await person.messages() if (m.get("file") or {}).get("file_name")]
        assert any(m["file"]["file_name"].startswith("bien-ban-so-01-") for m in minutes), minutes


async def archive(campus: Campus) -> dict[str, Any]:
    """The clerk's /luutru: this year's archive as a .zip; its message."""
    clerk = campus.people["clerk"]
    await clerk.skip_pending()
    await clerk.command("luutru")
    answer = await clerk.next_message(timeout=30, new_only=True)
    while answer["file"] is None and answer["text"].endswith("…"):
        answer = await clerk.next_message(timeout=30, new_only=True)
    assert answer["file"]["file_name"] == f"luu-tru-sua-diem-{SCHOOL_YEAR}.zip", answer
    return answer
