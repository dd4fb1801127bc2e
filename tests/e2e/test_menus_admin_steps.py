"""The administrator's menu one step further than its screens (tests/e2e/test_menus_staff.py taps
each): with something to show, "Sửa điểm cần cập nhật" lists an approved correction with its
button, "Nhập danh sách" takes the file it asks for and imports it once confirmed, and
"Yêu cầu về dữ liệu" lists a parent's deletion request."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import keyboards
from bot.core.context import BotApplication
from bot.features.corrections.chat.buttons import Applied
from bot.features.corrections.chat.review import UPDATED
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    School,
    Staff,
    Student,
)
from tests.e2e.conftest import ADMIN, MOTHER, TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.menus import inline, press, tap, vi
from tests.factories import pupil, write_table

YEAR = "2026-2027"
SATURDAY = vn(2026, 12, 5)
CHILD = "Hoàng Anh Đăng"  # 1A (tests/data/roster.xlsx)


async def approved_request(session: AsyncSession, school: School) -> int:
    """The child's Toán score at the end of term I, 8 → 9, approved by the principal and
    waiting for the change in the official system."""
    student = await session.scalar(
        select(Student).where(Student.school_id == school.id, Student.full_name == CHILD)
    )
    teacher = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.full_name == TEACHER_1A[0])
    )
    assert student is not None and teacher is not None
    decided = datetime(2026, 12, 4, 3, 0, tzinfo=SATURDAY.tzinfo)
    request = CorrectionRequest(
        school_id=school.id,
        school_year=YEAR,
        student_id=student.id,
        class_id=student.class_id,
        period="ck1",
        kind=AssessmentKind.SCORE,
        item="TOAN",
        old_value="8",
        new_value="9",
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Nhập nhầm 8 thay cho 9 khi chép từ sổ theo dõi.",
        state=CorrectionState.APPROVED,
        requested_by=teacher,
        created_at=decided,
        decided_at=decided,
        decided_role="principal",
    )
    session.add(request)
    await session.commit()
    return request.id


async def test_an_approved_correction_waits_in_corrections_to_enter(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, SATURDAY)
    admin = await linked_person(make_person, *ADMIN)
    rid = await approved_request(session, lists)
    card = await tap(admin, keyboards.MENU_APPLY)
    assert vi("No correction request is waiting for you.") not in card["text"]
    assert CHILD in card["text"] and "1A" in card["text"], card["text"]
    assert "8 → 9" in card["text"] and TEACHER_1A[0] in card["text"], card["text"]
    data = [button["callback_data"] for row in card["buttons"] for button in row]
    assert inline(card) == [vi(UPDATED)] and data == [Applied(rid).data()]


async def students(session: AsyncSession, school: School, name: str) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count())
        .select_from(Student)
        .where(Student.school_id == school.id, Student.full_name == name)
    )
    return int(count or 0)


async def test_import_lists_takes_a_roster_and_imports_it_once_confirmed(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    BotClock(running_bot, SATURDAY)
    admin = await linked_person(make_person, *ADMIN)
    asked = await tap(admin, keyboards.MENU_IMPORT)
    assert ".xlsx" in asked["text"] and ".csv" in asked["text"]
    newcomer = pupil(500, code="7900000500", name="Đỗ Gia Bảo", klass="1A")
    path = write_table(tmp_path / "bosung.csv", [newcomer])
    await admin.send_document(path.read_bytes(), "bosung.csv", mime_type="text/csv")
    summary = await admin.next_message(timeout=20, new_only=True)
    assert vi("Import this file?") in summary["text"]
    assert inline(summary) == [vi("Confirm"), vi("Cancel")]
    assert await students(session, lists, "Đỗ Gia Bảo") == 0  # nothing saved before confirming
    done = await press(admin, "Confirm")
    assert done["text"].startswith(vi("Imported.")), done["text"]
    assert await students(session, lists, "Đỗ Gia Bảo") == 1


async def test_a_parents_deletion_request_is_listed_under_data_requests(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    BotClock(running_bot, SATURDAY)
    mother = await linked_person(make_person, *MOTHER)
    await tap(mother, keyboards.MENU_DATA)
    await press(mother, "Ask to delete my data")
    await press(mother, "Confirm")
    admin = await linked_person(make_person, *ADMIN)
    listed = await tap(admin, keyboards.MENU_REQUESTS)
    assert vi("Open data requests:") in listed["text"], listed["text"]
    assert MOTHER[0] in listed["text"]
