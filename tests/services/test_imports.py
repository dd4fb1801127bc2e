"""Importing the school's lists: all-or-nothing, idempotent, updates in place."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from bot.services.imports import ImportOutcome, describe, import_roster, import_staff
from storage.models import (
    AuditEvent,
    Guardian,
    School,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    TeachingAssignment,
)
from tests.factories import pupil, shared_file, write_table

TODAY = date(2026, 11, 23)


async def roster(session: AsyncSession, school: School, path: Path, **kw: bool) -> ImportOutcome:
    outcome = await import_roster(session, school, path, today=TODAY, actor="test", **kw)
    await session.commit()
    return outcome


async def count(session: AsyncSession, model: type, school: School) -> int:
    column = model.school_id  # type: ignore[attr-defined]
    return int(await session.scalar(select(func.count()).where(column == school.id)) or 0)


async def test_sample_lists_create_classes_pupils_guardians_and_staff(
    session: AsyncSession, school: School
) -> None:
    outcome = await roster(session, school, shared_file("roster.xlsx"))
    assert outcome.summary["classes"] == {"new": 3, "updated": 0, "unchanged": 0}
    assert outcome.summary["students"] == {"new": 36, "updated": 0, "unchanged": 0}
    guardians = await count(session, Guardian, school)
    assert outcome.summary["guardians"]["new"] == guardians
    staff = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    await session.commit()
    assert staff.summary == {"staff": {"new": 9, "updated": 0, "unchanged": 0}}
    assert await count(session, Student, school) == 36
    english = await session.scalar(select(func.count()).select_from(TeachingAssignment))
    assert english is not None and english >= 2


async def test_siblings_share_one_guardian(session: AsyncSession, school: School) -> None:
    await roster(session, school, shared_file("roster.csv"))
    shared = (
        await session.execute(
            select(StudentGuardian.guardian_id, func.count())
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(Guardian.school_id == school.id, Guardian.phone == "+84841860913")
            .group_by(StudentGuardian.guardian_id)
        )
    ).all()
    assert len(shared) == 1 and shared[0][1] == 2


async def test_csv_after_xlsx_of_the_same_roster_changes_nothing(
    session: AsyncSession, school: School
) -> None:
    await roster(session, school, shared_file("roster.xlsx"))
    again = await roster(session, school, shared_file("roster.csv"))
    for name in ("classes", "students", "guardians"):
        assert again.summary[name]["new"] == 0
        assert again.summary[name]["updated"] == 0


async def test_bad_rows_refuse_the_whole_file_and_change_nothing(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    rows = [pupil(n) for n in range(1, 6)]
    rows[1] = pupil(2, mother=("Trần Thị Cúc", "0521 234 567"))
    rows[3] = pupil(4, code="7900000001")
    outcome = await roster(session, school, write_table(tmp_path / "bad.xlsx", rows))
    errors = [describe(problem, translator("vi")) for problem in outcome.problems]
    named = [(e["row"], e["column"]) for e in errors]
    assert named == [(6, "SĐT mẹ"), (8, "Mã định danh Bộ GD&ĐT")]
    assert "không phải là số điện thoại hợp lệ" in str(errors[0]["reason"])
    assert "trùng với dòng 5" in str(errors[1]["reason"])
    assert await count(session, Student, school) == 0
    assert await count(session, Guardian, school) == 0


async def test_corrected_file_updates_in_place_and_keeps_missing_pupils(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    first = [pupil(1), pupil(2, name="Lê Thị Hoa", gender="Nữ"), pupil(3)]
    await roster(session, school, write_table(tmp_path / "a.csv", first))
    fixed = [
        pupil(1, klass="1B", mother=("Trần Thị Cúc", "0977000001")),
        pupil(2, name="Lê Thị Hòa"),
    ]
    outcome = await roster(session, school, write_table(tmp_path / "b.csv", fixed))
    assert outcome.summary["students"] == {"new": 0, "updated": 2, "unchanged": 0}
    assert outcome.summary["classes"] == {"new": 1, "updated": 0, "unchanged": 1}
    assert outcome.summary["guardians"] == {"new": 1, "updated": 0, "unchanged": 3}
    assert await count(session, Student, school) == 3
    renamed = await session.scalar(
        select(Student.full_name).where(
            Student.school_id == school.id, Student.student_code == "7900000002"
        )
    )
    assert renamed == "Lê Thị Hòa"


async def test_dry_run_reports_and_writes_nothing(session: AsyncSession, school: School) -> None:
    outcome = await roster(session, school, shared_file("roster.csv"), dry_run=True)
    assert outcome.summary["students"]["new"] == 36
    await session.rollback()
    assert await count(session, Student, school) == 0


async def test_import_is_audited(session: AsyncSession, school: School) -> None:
    await roster(session, school, shared_file("roster.csv"))
    event = await session.scalar(select(AuditEvent).where(AuditEvent.school_id == school.id))
    assert event is not None
    assert (event.action, event.actor, event.note) == ("roster.import", "test", "roster.csv")
    assert event.after is not None and event.after["students"]["new"] == 36


async def test_staff_with_unknown_class_or_role_is_refused(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    header = ["Họ và tên", "SĐT", "Vai trò", "Lớp chủ nhiệm", "Môn dạy", "Lớp dạy"]
    rows = [
        ["Phan Thị Thu", "0784437323", "Giáo viên chủ nhiệm", "4D", "", ""],
        ["Mai Anh Thư", "0380737504", "Bảo vệ", "", "", ""],
        ["Lê Văn Ba", "0784.437.323", "Văn thư", "", "", ""],
        ["Vũ Văn Năm", "0901234567", "Giáo viên bộ môn", "", "Tiếng Anh", ""],
    ]
    path = write_table(tmp_path / "staff.csv", rows, header=header, titles=())
    outcome = await import_staff(session, school, path, actor="test")
    rows_named = sorted({problem.row for problem in outcome.problems if problem.row})
    assert rows_named == [2, 3, 4, 5]
    assert await count(session, Staff, school) == 0


async def test_staff_reimport_replaces_roles(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    await roster(session, school, shared_file("roster.csv"))
    header = ["Họ và tên", "SĐT", "Vai trò"]
    path = write_table(tmp_path / "s.csv", [["Lê Thị Mai", "0907723267", "Y tế"]], header=header)
    await import_staff(session, school, path, actor="test")
    write_table(path, [["Lê Thị Mai", "0907723267", "Y tế, Văn thư"]], header=header)
    outcome = await import_staff(session, school, path, actor="test")
    await session.commit()
    assert outcome.summary["staff"]["updated"] == 1
    roles = await session.scalars(
        select(StaffRole.role).join(Staff).where(Staff.school_id == school.id)
    )
    assert sorted(role.value for role in roles) == ["clerk", "medical"]
