"""Importing the school's lists: all-or-nothing, idempotent, updates in place."""

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import load_actor
from bot.core.i18n import translator
from bot.features.administration.imports import ImportOutcome, describe, import_roster, import_staff
from storage.models import (
    AccountState,
    AuditEvent,
    Delivery,
    DeliveryState,
    Guardian,
    Notice,
    School,
    SchoolClass,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    TeachingAssignment,
    TelegramAccount,
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
    assert staff.summary == {"staff": {"new": 9, "updated": 0, "unchanged": 0, "left": 0}}
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


STAFF_HEADER = ["Họ và tên", "SĐT", "Vai trò", "Lớp chủ nhiệm", "Môn dạy", "Lớp dạy"]
THU = ["Phan Thị Thu", "0784437323", "Giáo viên chủ nhiệm", "1A", "", ""]
SUCCESSOR = ["Vũ Thị Lan", "0912345678", "Giáo viên chủ nhiệm", "1A", "", ""]


def staff_list(path: Path, *, without: str = "", extra: tuple[list[str], ...] = ()) -> Path:
    """The shared staff list, without one person (by phone) and with extra rows."""
    with shared_file("staff.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    kept = [row for row in rows if row[1] != without]
    return write_table(path, [*kept, *extra], header=STAFF_HEADER, titles=())


async def linked_account(session: AsyncSession, school: School, phone: str) -> TelegramAccount:
    staff_id = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.phone == phone)
    )
    account = TelegramAccount(
        school_id=school.id,
        telegram_user_id=880_001,
        chat_id=880_001,
        staff_id=staff_id,
        state=AccountState.LINKED,
        failed_codes=0,
    )
    session.add(account)
    await session.commit()
    return account


async def test_a_teacher_dropped_from_the_list_loses_her_class_to_her_successor(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    await roster(session, school, shared_file("roster.csv"))
    await import_staff(session, school, shared_file("staff.csv"), actor="test")
    await session.commit()
    account = await linked_account(session, school, "+84784437323")
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    outcome = await import_staff(session, school, path, actor="admin")
    await session.commit()
    assert not outcome.refused, outcome.problems
    assert outcome.summary == {"staff": {"new": 1, "updated": 0, "unchanged": 8, "left": 1}}
    assert outcome.leaving == ["Phan Thị Thu"]
    class_1a = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    successor = await session.scalar(
        select(Staff).where(Staff.school_id == school.id, Staff.phone == "+84912345678")
    )
    assert successor is not None and successor.homeroom_class_id == class_1a
    thu = await session.scalar(
        select(Staff).where(Staff.school_id == school.id, Staff.phone == "+84784437323")
    )
    assert thu is not None and thu.homeroom_class_id is None and thu.left_at is not None
    assert await session.scalar(select(func.count()).where(StaffRole.staff_id == thu.id)) == 0
    actor = await load_actor(session, account)
    assert not actor.linked and not actor.homeroom_classes and not actor.roles
    assert class_1a is not None and not actor.can_manage_class_accounts(class_1a)
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.school_id == school.id, AuditEvent.action == "staff.left"
        )
    )
    assert event is not None and (event.actor, event.entity_id) == ("admin", str(thu.id))
    assert event.before == {"roles": ["homeroom"], "homeroom": "1A", "teaching": []}
    delivery = await session.scalar(select(Delivery).where(Delivery.account_id == account.id))
    assert delivery is not None and delivery.state == DeliveryState.QUEUED
    notice = await session.get(Notice, delivery.notice_id)
    assert notice is not None and notice.kind == "staff.left"
    assert notice.text.startswith("Kính gửi thầy/cô Phan Thị Thu")
    assert notice.translations["en"].startswith("Dear teacher Phan Thị Thu")


async def test_a_dry_run_names_who_would_lose_their_roles_and_changes_nothing(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    await roster(session, school, shared_file("roster.csv"))
    await import_staff(session, school, shared_file("staff.csv"), actor="test")
    await session.commit()
    path = staff_list(tmp_path / "new.csv", without="0784437323", extra=(SUCCESSOR,))
    school_id = school.id
    outcome = await import_staff(session, school, path, actor="admin", dry_run=True)
    await session.rollback()
    assert outcome.leaving == ["Phan Thị Thu"] and outcome.summary["staff"]["left"] == 1
    thu = await session.scalar(
        select(Staff).where(Staff.school_id == school_id, Staff.phone == "+84784437323")
    )
    assert thu is not None and thu.homeroom_class_id is not None and thu.left_at is None
    left = select(func.count()).where(
        AuditEvent.school_id == school_id, AuditEvent.action == "staff.left"
    )
    assert await session.scalar(left) == 0


async def test_a_teacher_named_again_gets_her_roles_back(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    await roster(session, school, shared_file("roster.csv"))
    await import_staff(session, school, shared_file("staff.csv"), actor="test")
    path = staff_list(tmp_path / "new.csv", without="0853883170")
    await import_staff(session, school, path, actor="test")
    again = await import_staff(session, school, path, actor="test")
    assert again.leaving == [] and again.summary["staff"]["left"] == 0
    back = await import_staff(session, school, shared_file("staff.csv"), actor="test")
    await session.commit()
    assert back.summary["staff"] == {"new": 0, "updated": 1, "unchanged": 8, "left": 0}
    anh = await session.scalar(
        select(Staff).where(Staff.school_id == school.id, Staff.phone == "+84853883170")
    )
    assert anh is not None and anh.left_at is None and anh.homeroom_class_id is not None


async def test_a_list_without_any_administrator_or_anybody_is_refused(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    await roster(session, school, shared_file("roster.csv"))
    await import_staff(session, school, shared_file("staff.csv"), actor="test")
    await session.commit()
    partial = write_table(tmp_path / "partial.csv", [SUCCESSOR], header=STAFF_HEADER, titles=())
    empty = write_table(tmp_path / "empty.csv", [], header=STAFF_HEADER, titles=())
    _ = translator("vi")
    for path, words in ((partial, "Trần Minh Khoa"), (empty, "không có ai")):
        outcome = await import_staff(session, school, path, actor="test")
        assert outcome.refused
        assert words in str(describe(outcome.problems[0], _)["reason"])
    school_id = school.id
    await session.rollback()
    left = select(func.count()).where(Staff.school_id == school_id, Staff.left_at.is_not(None))
    assert await session.scalar(left) == 0


async def test_names_longer_than_the_database_keeps_are_refused_with_their_row(
    session: AsyncSession, school: School, tmp_path: Path
) -> None:
    long_name = "Nguyễn " + "Thị " * 30 + "An"  # 129 characters
    many_middles = "Lê " + "Hoàng " * 11 + "Ba"  # 71 characters, a 65-character middle name
    rows = [
        pupil(1, name=long_name),
        pupil(2, mother=(long_name, None)),
        pupil(3, name=many_middles),
        pupil(4),
    ]
    outcome = await roster(session, school, write_table(tmp_path / "long.xlsx", rows))
    _ = translator("vi")
    errors = [describe(problem, _) for problem in outcome.problems]
    assert [(e["row"], e["column"]) for e in errors] == [
        (5, "Họ tên"),
        (6, "Họ tên mẹ"),
        (7, "Họ tên"),
    ]
    assert errors[0]["reason"] == "Họ tên quá dài (129 ký tự); chỉ lưu được tối đa 120 ký tự."
    assert await count(session, Student, school) == 0
    clerk = ["Vũ Thị Lan", "0912345678", "Văn thư", "", "", ""]
    staff_rows = [clerk, ["Trần " + "Văn " * 30 + "Bốn", "0912000111", "Văn thư", "", "", ""]]
    path = write_table(tmp_path / "staff.csv", staff_rows, header=STAFF_HEADER, titles=())
    refused = await import_staff(session, school, path, actor="test")
    assert [(p.row, p.column) for p in refused.problems] == [(3, "Họ và tên")]
    assert await count(session, Staff, school) == 0
