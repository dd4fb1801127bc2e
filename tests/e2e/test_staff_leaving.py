"""A teacher who leaves the staff list loses her class in chat; her successor takes it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.administration.imports import import_staff
from sandbox.pytest_plugin import PersonFactory
from storage.models import School
from tests.e2e.conftest import TEACHER_1A, linked_person
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
