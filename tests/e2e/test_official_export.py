"""Into the official system (issue 17 §6): the administrator downloads a period's approved
corrections as a spreadsheet in the national database's order, through the sandbox, and reads
it back with openpyxl; an empty period has no file; a teacher's command or forged press is
refused."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.features.assessment.rules import (
    QUALITY_LEVEL_NAMES,
    SUBJECT_LEVEL_NAMES,
    QualityLevel,
    SubjectLevel,
)
from bot.features.corrections.chat.buttons import OfficialPeriod
from bot.features.corrections.chat.official import CAPTION, CHOOSE, MENU_OFFICIAL, NONE
from bot.features.corrections.official import NOT_EXPORTER
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    School,
    SchoolClass,
    Student,
)
from storage.names import class_list_key, split_name
from tests.e2e.conftest import ADMIN, TEACHER_1A, BotClock, forge, linked_person, vn
from tests.e2e.menus import data_of, inline, menu, tap, vi
from tests.e2e.test_weekly import download

YEAR = "2026-2027"
PAPER = {"governing_body": "UBND PHƯỜNG XUÂN HÒA", "place": "Xuân Hòa", "abbreviation": "THNK"}


async def pupils_of(session: AsyncSession, school: School, class_name: str) -> list[Student]:
    rows = await session.scalars(
        select(Student)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.school_id == school.id, SchoolClass.name == class_name)
    )
    return sorted(rows, key=lambda s: class_list_key(split_name(s.full_name)))


def request(
    school: School,
    student: Student,
    period: str,
    kind: AssessmentKind,
    item: str,
    values: tuple[str | None, str],
    state: CorrectionState,
    decided: datetime,
    number: int | None = None,
) -> CorrectionRequest:
    return CorrectionRequest(
        school_id=school.id,
        school_year=YEAR,
        student_id=student.id,
        class_id=student.class_id,
        period=period,
        kind=kind,
        item=item,
        old_value=values[0],
        new_value=values[1],
        reason=CorrectionReason.ENTRY_ERROR,
        reason_text="Nhập nhầm khi chép từ sổ theo dõi.",
        state=state,
        decided_at=decided,
        created_at=decided,
        minutes_year=None if number is None else 2027,
        minutes_number=number,
    )


async def test_the_administrator_downloads_a_periods_approved_corrections(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2027, 1, 20))
    lists.settings = {**(lists.settings or {}), **PAPER}
    one_a, three_b = await pupils_of(session, lists, "1A"), await pupils_of(session, lists, "3B")
    first, second, third = one_a[0], one_a[1], three_b[0]
    ck1, cn = "ck1", "cn"
    score, level, quality = AssessmentKind.SCORE, AssessmentKind.LEVEL, AssessmentKind.QUALITY
    session.add_all(
        [
            # Listed: 3B after 1A whatever the order they were decided in.
            request(
                lists,
                third,
                ck1,
                level,
                "AN",
                ("hoan_thanh", "hoan_thanh_tot"),
                CorrectionState.SIGNED,
                vn(2027, 1, 8),
                number=1,
            ),
            request(
                lists,
                second,
                ck1,
                quality,
                "pc_trung_thuc",
                ("dat", "tot"),
                CorrectionState.APPROVED,
                vn(2027, 1, 12),
            ),
            request(
                lists,
                first,
                ck1,
                score,
                "TOAN",
                ("8", "9"),
                CorrectionState.APPLIED,
                vn(2027, 1, 10),
            ),
            # Not listed: refused, waiting for a decision, another period.
            request(
                lists, first, ck1, score, "TV", ("7", "8"), CorrectionState.REJECTED, vn(2027, 1, 9)
            ),
            request(
                lists, second, ck1, score, "TV", ("6", "7"), CorrectionState.PENDING, vn(2027, 1, 9)
            ),
            request(
                lists,
                first,
                cn,
                score,
                "TOAN",
                ("8", "9"),
                CorrectionState.SIGNED,
                vn(2027, 1, 9),
                number=2,
            ),
        ]
    )
    await session.commit()
    admin = await linked_person(make_person, *ADMIN)
    assert vi(MENU_OFFICIAL) in await menu(admin)

    await admin.command("xuatsuadiem", "ck1")
    sent = await admin.next_message(timeout=30, new_only=True)
    assert sent["file"] is not None, sent
    assert sent["file"]["file_name"] == f"sua-diem-ck1-{YEAR}.xlsx"
    assert vi(CAPTION).format(period=vi("End of term I"), year=YEAR, count=3) in sent["caption"]
    workbook = load_workbook(io.BytesIO(await download(sandbox, sent)))
    sheet = workbook.active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    texts = [str(c) for row in cells for c in row if c is not None]
    assert "UBND PHƯỜNG XUÂN HÒA" in texts and lists.name.upper() in texts
    assert vi("End of term I") + " — Năm học 2026-2027" in texts
    (header,) = [r for r, row in enumerate(cells, start=1) if row[0] == "STT"]
    assert cells[header - 1][:10] == (
        "STT",
        "Lớp",
        "Mã học sinh",
        "Họ và tên",
        "Nội dung sửa",
        "Kết quả đã ghi",
        "Kết quả sửa",
        "Ngày duyệt",
        "Số biên bản",
        "Ghi chú",
    )
    body = [row[:10] for row in cells[header : header + 3]]
    assert body == [
        (
            1,
            "1A",
            first.student_code,
            first.full_name,
            "Toán — điểm kiểm tra định kỳ",
            "8",
            "9",
            "10/01/2027",
            None,
            "Chờ ký biên bản",
        ),
        (
            2,
            "1A",
            second.student_code,
            second.full_name,
            "Trung thực",
            vi(QUALITY_LEVEL_NAMES[QualityLevel.D]),
            vi(QUALITY_LEVEL_NAMES[QualityLevel.T]),
            "12/01/2027",
            None,
            "Chưa cập nhật trên hệ thống",
        ),
        (
            3,
            "3B",
            third.student_code,
            third.full_name,
            "Âm nhạc — " + vi("level"),
            vi(SUBJECT_LEVEL_NAMES[SubjectLevel.H]),
            vi(SUBJECT_LEVEL_NAMES[SubjectLevel.T]),
            "08/01/2027",
            "01/BB-THNK",
            None,
        ),
    ], body
    # Printed on A4: fitted to the width, the heading row and STT…name on every page.
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.print_title_cols == "$A:$D"
    assert "NGƯỜI LẬP BẢNG" in texts and "HIỆU TRƯỞNG" in texts and ADMIN[0] in texts
    assert any(t.startswith("Xuân Hòa, ngày 20 tháng 01 năm 2027") for t in texts)

    # The menu button asks for the period with buttons; an empty period has no file.
    asked = await tap(admin, MENU_OFFICIAL)
    assert vi(CHOOSE) in asked["text"]
    assert inline(asked) == [
        vi(p) for p in ("Mid-term I", "End of term I", "Mid-term II", "End of year")
    ]
    await admin.press(data=data_of(asked, vi("Mid-term I")), message_id=asked["message_id"])
    empty = await admin.next_message(timeout=30, new_only=True)
    assert empty["file"] is None
    assert vi(NONE).format(period=vi("Mid-term I"), year=YEAR) in empty["text"]
    await admin.press(data=data_of(asked, vi("End of year")), message_id=asked["message_id"])
    year_end = await admin.next_message(timeout=30, new_only=True)
    assert year_end["file"] is not None
    assert vi(CAPTION).format(period=vi("End of year"), year=YEAR, count=1) in year_end["caption"]

    # A teacher may neither download it nor press a period's button.
    teacher = await linked_person(make_person, *TEACHER_1A)
    assert vi(MENU_OFFICIAL) not in await menu(teacher)
    await teacher.command("xuatsuadiem", "ck1")
    refused = await teacher.next_message(timeout=30, new_only=True)
    assert refused["file"] is None and vi(NOT_EXPORTER) in refused["text"]
    alert = await forge(sandbox, teacher, OfficialPeriod("ck1").data())
    assert alert is not None and vi(NOT_EXPORTER)[:40] in alert
