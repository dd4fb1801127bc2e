"""A teacher who leaves the staff list loses her class in chat; her successor takes it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.administration.imports import LEFT_KIND, import_staff
from sandbox.pytest_plugin import PersonFactory
from storage.models import Delivery, Notice, School, Staff
from tests.e2e.conftest import ADMIN, TEACHER_1A, BotClock, linked_person, send_outbox, vn
from tests.features.administration.test_imports import SUCCESSOR, staff_list

NOT_YOURS = "Chức năng này dành cho giáo viên chủ nhiệm và quản trị hệ thống."


async def test_a_teacher_dropped_from_the_list_is_refused_and_her_successor_served(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("chualienket")
    before = await teacher.next_message(timeout=10, new_only=True)
    assert before["text"].startswith("Lớp 1A:")

    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    outcome = await import_staff(session, lists, path, actor="test")
    await session.commit()
    assert outcome.leaving == ["Phan Thị Thu"]

    await teacher.command("chualienket")
    refused = await teacher.next_message(timeout=10, new_only=True)
    assert refused["text"] == NOT_YOURS
    await teacher.command("nhanxet")
    comments = await teacher.next_message(timeout=10, new_only=True)
    assert comments["text"] == "Nhận xét tuần do giáo viên của lớp viết."

    successor = await linked_person(make_person, "Vũ Thị Lan", "+84912345678")
    await successor.command("chualienket")
    served = await successor.next_message(timeout=10, new_only=True)
    assert served["text"].startswith("Lớp 1A:")


async def test_a_staff_list_imported_in_chat_is_applied_on_the_bots_clock(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
    tmp_path: Path,
) -> None:
    teacher = await linked_person(make_person, *TEACHER_1A)
    admin = await linked_person(make_person, *ADMIN)
    clock = BotClock(running_bot, vn(2027, 2, 6, 15, 0))
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    await admin.send_document(path.read_bytes(), "nhansu.csv", mime_type="text/csv")
    assert "Nhập tệp này?" in (await admin.next_message(timeout=20))["text"]
    clock.advance(minutes=3)
    await admin.press("Xác nhận")
    assert (await admin.next_message(timeout=20))["text"].startswith("Đã nhập xong.")

    await session.commit()
    left_at = await session.scalar(
        select(Staff.left_at).where(Staff.school_id == lists.id, Staff.full_name == "Phan Thị Thu")
    )
    assert left_at == vn(2027, 2, 6, 15, 3)
    due = await session.scalar(
        select(Delivery.due_at)
        .join(Notice)
        .where(Notice.school_id == lists.id, Notice.kind == LEFT_KIND)
    )
    assert due == vn(2027, 2, 6, 15, 3)
    assert await send_outbox(running_bot) == 1
    told = await teacher.next_message(timeout=10, new_only=True)
    assert "danh sách" in told["text"]
