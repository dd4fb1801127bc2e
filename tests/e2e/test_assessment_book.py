"""The assessment book end to end: the class summary sheet, the principal's lock, /ketqua."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import Period
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import AssessmentResult, School, SchoolClass, Student
from tests.e2e.conftest import (
    MOTHER,
    TEACHER_1A,
    BotClock,
    forge,
    linked_person,
    send_outbox,
)

PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = assessment.school_year_of(datetime.now(ZONE).date())


async def download(sandbox: RunningSandbox, message: dict[str, Any]) -> bytes:
    async with httpx.AsyncClient() as http:
        return (await http.get(sandbox.url + message["file"]["url"])).content


def data_of(message: dict[str, Any], suffix: str) -> str:
    """The callback data of the button whose data ends with `suffix`."""
    found = [
        b["callback_data"]
        for row in message["buttons"]
        for b in row
        if b.get("callback_data", "").endswith(suffix)
    ]
    assert len(found) == 1, message["buttons"]
    return str(found[0])


async def book(session: AsyncSession, school: School) -> dict[str, dict[str, str]]:
    """The 1A book at CK1: {pupil name: {"kind.item": value}}."""
    await session.commit()
    rows = await session.execute(
        select(Student.full_name, AssessmentResult)
        .join(Student, Student.id == AssessmentResult.student_id)
        .where(AssessmentResult.school_id == school.id, AssessmentResult.period == "ck1")
    )
    found: dict[str, dict[str, str]] = {}
    for name, result in rows:
        found.setdefault(name, {})[f"{result.kind.value}.{result.item}"] = result.value
    return found


async def template(teacher: PersonClient, sandbox: RunningSandbox) -> Any:
    await teacher.command("sodiem")
    choice = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press(data=data_of(choice, ":ck1"))
    sheet = await teacher.next_message(timeout=30, new_only=True)
    assert sheet["file"] is not None and "1A" in sheet["file"]["file_name"]
    assert "T/H/C" in sheet["caption"], sheet["caption"]
    return load_workbook(io.BytesIO(await download(sandbox, sheet)))


def fill(workbook: Any, score: int) -> tuple[bytes, dict[str, int]]:
    """Fill Toán and Tiếng Việt for every pupil; return the file and the Toán scores by name."""
    sheet = workbook.worksheets[0]
    header = next(r[0].row for r in sheet.iter_rows() if r[0].value == "STT")
    columns = {cell.value: cell.column for cell in sheet[header]}
    scores = {}
    for row in range(header + 1, sheet.max_row + 1):
        name = sheet.cell(row, columns["Họ và tên"]).value
        if not name:
            continue
        scores[name] = score - (row % 3)
        sheet.cell(row, columns["Toán (mức)"]).value = "T"
        sheet.cell(row, columns["Toán (điểm)"]).value = scores[name]
        sheet.cell(row, columns["Tiếng Việt (mức)"]).value = "H"
        sheet.cell(row, columns["Tiếng Việt (điểm)"]).value = 7
        sheet.cell(row, columns["Chăm chỉ"]).value = "Đ"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), scores


async def test_the_class_sheet_is_locked_published_and_seen_by_each_family(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    school = lists
    # Today at 10:00 on the bot's clock: the publication's notice to families is routine news,
    # which quiet hours (21:00-06:30) would hold if the test ran in the evening.
    BotClock(running_bot, datetime.now(ZONE).replace(hour=10, minute=0, second=0, microsecond=0))
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    mother = await linked_person(make_person, *MOTHER)

    # The homeroom teacher downloads the template, fills it in and sends it back.
    workbook = await template(teacher, sandbox)
    data, scores = fill(workbook, 10)
    await teacher.send_document(data, "tong-hop-1A.xlsx")
    answer = await teacher.next_message(timeout=30, new_only=True)
    assert "12" in answer["text"] and "60" in answer["text"], answer["text"]  # 12 pupils x 5
    stored = await book(session, school)
    assert len(stored) == 12
    assert {name: int(values["score.TOAN"]) for name, values in stored.items()} == scores

    # The parent sees nothing before publication.
    await mother.command("ketqua")
    nothing = await mother.next_message(timeout=10, new_only=True)
    assert not nothing["buttons"] and "chưa công bố" in nothing["text"]

    await lock_and_refuse_the_others(session, school, workbook, stored, teacher, principal, mother)
    await publish_once(session, school, principal)
    assert await send_outbox(running_bot) >= 1
    told = await mother.next_message(timeout=10, new_only=True)
    first, *rest = told["text"].split("\n")  # the notice says who sends it: the school
    assert first == school.name and "/ketqua" in rest[0], told["text"]
    await see_one_child(session, mother, scores)


async def lock_and_refuse_the_others(
    session: AsyncSession,
    school: School,
    workbook: Any,
    stored: dict[str, dict[str, str]],
    teacher: PersonClient,
    principal: PersonClient,
    mother: PersonClient,
) -> None:
    """The principal locks CK1 for the school: a second import is refused as a whole, and a
    teacher's and a parent's /khoaso, /mokhoa and /congbo change nothing."""
    await principal.command("khoaso", "ck1")
    locked = await principal.next_message(timeout=10, new_only=True)
    assert "/suadiem" in locked["text"]
    klass = await session.scalar(
        select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    assert klass is not None
    assert await assessment.is_locked(session, school.id, YEAR, Period.CK1, klass)
    again, _scores = fill(workbook, 6)
    await teacher.send_document(again, "tong-hop-1A.xlsx")
    refused = await teacher.next_message(timeout=30, new_only=True)
    assert "/suadiem" in refused["text"], refused["text"]
    assert await book(session, school) == stored
    for person, command in ((teacher, "mokhoa"), (mother, "mokhoa"), (mother, "congbo")):
        await person.command(command, "ck1")
        no = await person.next_message(timeout=10, new_only=True)
        assert "Ban giám hiệu" in no["text"], no["text"]
    await teacher.command("khoaso")
    assert "Ban giám hiệu" in (await teacher.next_message(timeout=10, new_only=True))["text"]
    await session.commit()
    assert await assessment.is_locked(session, school.id, YEAR, Period.CK1, klass)
    assert await assessment.published(session, school.id, YEAR) == []


async def publish_once(session: AsyncSession, school: School, principal: PersonClient) -> None:
    """The principal's "Sổ điểm" button shows the locks table; /congbo publishes once."""
    await principal.choose("Sổ điểm")
    table = await principal.next_message(timeout=10, new_only=True)
    assert YEAR in table["text"] and "/khoaso ck1 3A" in table["text"]
    await principal.command("congbo", "ck1")
    published = await principal.next_message(timeout=10, new_only=True)
    assert "/ketqua" in published["text"]
    await principal.command("congbo", "ck1")
    assert "đã được công bố" in (await principal.next_message(timeout=10, new_only=True))["text"]
    await session.commit()
    assert await assessment.published(session, school.id, YEAR) == [Period.CK1]


async def see_one_child(
    session: AsyncSession, mother: PersonClient, scores: dict[str, int]
) -> None:
    """The mother picks her 1A child, then the period: that child's results only; a forged
    press for another family's child is refused."""
    await mother.command("ketqua")
    children = await mother.next_message(timeout=10, new_only=True)
    labels = [b["text"] for row in children["buttons"] for b in row]
    assert len(labels) == 3 and sum("(1A)" in label for label in labels) == 2
    child = next(label for label in labels if "(1A)" in label).split(" (")[0]
    await mother.press(next(label for label in labels if label.startswith(child)))
    periods = await mother.next_message(timeout=10)
    assert [b["callback_data"].endswith(":ck1") for row in periods["buttons"] for b in row] == [
        True
    ]
    await mother.press(data=data_of(periods, ":ck1"))
    shown = await mother.next_message(timeout=10)
    text = shown["text"]
    assert child in text and str(scores[child]) in text
    others = [name for name in scores if name != child]
    assert not any(name in text for name in others)
    other_id = await session.scalar(select(Student.id).where(Student.full_name == others[0]))
    await mother.press(data=f"v1:book:r:{other_id}:ck1", forged=True)
    last = await mother.last_message()
    assert last is not None and others[0] not in (last["text"] or "")


VICE_PRINCIPAL = ("Nguyễn Thị Hồng", "+84901078852")


async def test_bad_arguments_are_answered_and_change_nothing(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    principal = await linked_person(make_person, *PRINCIPAL)
    vice = await linked_person(make_person, *VICE_PRINCIPAL)
    bad = {
        ("khoaso", "hk9"): "hk9",
        ("khoaso", "ck1 khoi 6"): "6",
        ("mokhoa", "ck1 9Z"): "9Z",
        ("hansua", "ck1 31/02/2027"): "31/02/2027",
        ("hansua", "ck1"): "/hansua ck1 15/01/2027",
        ("congbo", "cuoinam"): "cuoinam",
    }
    for (command, args), shown in bad.items():
        await principal.command(command, args)
        answer = await principal.next_message(timeout=10, new_only=True)
        assert shown in answer["text"], answer["text"]
    await vice.command("khoaso", "ck1")
    assert "Hiệu trưởng" in (await vice.next_message(timeout=10, new_only=True))["text"]
    await vice.command("khoaso")
    assert YEAR in (await vice.next_message(timeout=10, new_only=True))["text"]
    await session.commit()
    assert await assessment.lock_table(session, lists.id, YEAR) == {}
    assert await assessment.published(session, lists.id, YEAR) == []
    # A good grade-wide lock, then the school's deadline reset to its default.
    await principal.command("khoaso", "gk2 khối 3")
    assert "3" in (await principal.next_message(timeout=10, new_only=True))["text"]
    await principal.command("hansua", "gk2 macdinh")
    await principal.next_message(timeout=10, new_only=True)
    await session.commit()
    assert await assessment.lock_table(session, lists.id, YEAR) == {"gk2": {"grade:3": True}}


async def test_a_sheets_problems_are_shown_as_written_and_other_classes_are_refused(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    workbook = await template(teacher, sandbox)
    sheet = workbook.worksheets[0]
    header = next(r[0].row for r in sheet.iter_rows() if r[0].value == "STT")
    column = next(c.column for c in sheet[header] if c.value == "Toán (mức)")
    sheet.cell(header + 1, column).value = "<b>Giỏi & ngoan"
    buffer = io.BytesIO()
    workbook.save(buffer)
    await teacher.send_document(buffer.getvalue(), "tong-hop-1A.xlsx")
    answer = await teacher.next_message(timeout=30, new_only=True)
    assert "<b>Giỏi & ngoan" in answer["text"], answer["text"]
    assert await book(session, lists) == {}

    # Another class's template, a period no button carries, a child who is not the teacher's.
    class_3b = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == lists.id, SchoolClass.name == "3B")
    )
    own = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == lists.id, SchoolClass.name == "1A")
    )
    pupil = await session.scalar(select(Student.id).where(Student.school_id == lists.id))
    shown = await teacher.last_message()
    assert await forge(sandbox, teacher, f"v1:book:t:{class_3b}:ck1") == (
        "Đây không phải lớp của thầy/cô."
    )
    assert await forge(sandbox, teacher, f"v1:book:t:{own}:hk9") is None
    assert await forge(sandbox, teacher, f"v1:book:c:{pupil}") == (
        "Quý phụ huynh chỉ xem được kết quả của con mình."
    )
    assert await teacher.last_message() == shown
