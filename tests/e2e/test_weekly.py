"""The weekly contact book end to end: comments in chat and by spreadsheet, Friday's notices.

The tests here run on the 2026–2027 calendar with the bot's clock set (week 13 is 30/11–04/12);
`school_year` and `working_week` (a calendar around today) stay for the tests of other
features that use them. tests/e2e/test_school_days.py has the days and hours themselves.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from bot.core.i18n import translator
from bot.delivery.dispatcher import Dispatcher
from bot.features.calendar.queries import Calendar, TeachingWeek
from bot.features.weekly.documents import SheetPupil, SheetWeek, build_comment_sheet
from bot.features.weekly.jobs import remind_due, send_due, summarise_due
from bot.features.weekly.queries import COMMENT_LIMIT
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    Absence,
    ClassWeek,
    CommentKind,
    DayPart,
    Notice,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    TelegramAccount,
    WeeklyComment,
)
from tests.e2e.conftest import TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.test_notifications import Clock, drain, parents_of

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.now(ZONE).date()
# A school year that started ten weeks ago on a Monday, so that this week is a teaching week.
YEAR_START = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=10)


def working_week() -> TeachingWeek:
    week = Calendar(YEAR_START).working_week(TODAY)
    assert week is not None
    return week


WEEK_13 = Calendar(date(2026, 9, 7)).weeks()[12]  # 30/11–04/12/2026
THURSDAY = vn(2026, 12, 3, 10, 0)


@pytest.fixture
async def year_2026(lists: School, session: AsyncSession) -> School:
    """The sample school on the 2026–2027 calendar."""
    lists.year_start = date(2026, 9, 7)
    session.add(lists)
    await session.commit()
    return lists


@pytest.fixture
async def school_year(lists: School, session: AsyncSession) -> School:
    lists.year_start = YEAR_START
    session.add(lists)
    await session.commit()
    return lists


async def class_pupils(session: AsyncSession, school: School, name: str) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Student.id, Student.full_name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.school_id == school.id, SchoolClass.name == name)
    )
    return [(i, n) for i, n in rows]


async def comments(session: AsyncSession, school: School) -> dict[str, str]:
    await session.commit()
    rows = await session.execute(
        select(Student.full_name, WeeklyComment.text)
        .join(Student, Student.id == WeeklyComment.student_id)
        .where(WeeklyComment.school_id == school.id, WeeklyComment.kind == CommentKind.HOMEROOM)
    )
    return {name: text for name, text in rows}


async def download(sandbox: RunningSandbox, message: dict[str, Any]) -> bytes:
    async with httpx.AsyncClient() as http:
        return (await http.get(sandbox.url + message["file"]["url"])).content


def buttons(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message["buttons"] for button in row]


async def open_list(teacher: PersonClient) -> dict[str, Any]:
    await teacher.command("nhanxet")
    return await teacher.next_message(timeout=10, new_only=True)


async def test_comments_in_chat_and_by_spreadsheet_reach_each_family_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    year_2026: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    school = year_2026
    week = WEEK_13
    parents_1a = await parents_of(session, school, make_person, "1A", 6)
    parents_3b = await parents_of(session, school, make_person, "3B", 3)
    teacher = await linked_person(make_person, *TEACHER_1A)
    pupils = await class_pupils(session, school, "1A")

    # In chat: the class list, a pupil, a typed comment; the next pupil comes by itself.
    listing = await open_list(teacher)
    assert f"Tuần {week.number}" in listing["text"] and "0/12" in listing["text"]
    first = listing["buttons"][0][0]["text"]
    await teacher.press(first)
    prompt = await teacher.next_message(timeout=10)
    assert first in prompt["text"]
    await teacher.send(f"{first}: đọc to, rõ ràng; con cần luyện viết thêm.")
    saved = await teacher.next_message(timeout=10, new_only=True)
    assert saved["text"].startswith(f"Đã lưu nhận xét cho {first}.")
    second = re.search(r"cho (.+?),", saved["text"])
    assert second is not None and second.group(1) != first
    await teacher.send(f"{second.group(1)}: chăm chỉ & <b>ngoan</b>.")
    # ... and a quick phrase for the third, whose prompt came with "Saved".
    third = await teacher.next_message(timeout=10, new_only=True)
    phrase = third["buttons"][0][0]["text"]
    await teacher.press(phrase)
    await teacher.next_message(timeout=10)
    written = await comments(session, school)
    assert len(written) == 3
    assert written[first] == f"{first}: đọc to, rõ ràng; con cần luyện viết thêm."

    # By spreadsheet for the rest: the bot's file, filled on a computer, sent back.
    listing = await open_list(teacher)
    await teacher.press("Bảng tính (Excel)")
    sheet_message = await teacher.next_message(timeout=30, new_only=True)
    workbook = load_workbook(io.BytesIO(await download(sandbox, sheet_message)))
    sheet = workbook.worksheets[0]
    header = next(
        row[0].row for row in sheet.iter_rows() if any(c.value == "Nhận xét" for c in row)
    )
    columns = {cell.value: cell.column for cell in sheet[header]}
    filled = {}
    for row in range(header + 1, sheet.max_row + 1):
        name = sheet.cell(row, columns["Họ và tên"]).value
        if name and not sheet.cell(row, columns["Nhận xét"]).value:
            filled[name] = f"Nhận xét tuần của {name}: con tiến bộ."
            sheet.cell(row, columns["Nhận xét"]).value = filled[name]
    assert len(filled) == 9
    buffer = io.BytesIO()
    workbook.save(buffer)
    await teacher.send_document(buffer.getvalue(), "nhan-xet-1A.xlsx")
    summary = await teacher.next_message(timeout=30, new_only=True)
    assert "12/12" in summary["text"], summary["text"]
    written = await comments(session, school)
    assert len(written) == 12 and all(written[name] == text for name, text in filled.items())

    # Friday at the school's weekly time: every linked guardian gets their own children only.
    friday = datetime.combine(week.end, time(16, 30), tzinfo=ZONE).astimezone(UTC)
    results = await send_due(running_bot.bot_data["services"].sessions, school.id, friday)
    (result_1a,) = [r for r in results if r.class_name == "1A"]
    assert result_1a.notices == 12 - len(result_1a.not_linked)
    services = running_bot.bot_data["services"]
    clock = Clock(friday + timedelta(minutes=1))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )
    await drain(dispatcher, clock)
    names = dict(pupils)
    for parent in parents_1a:
        children = await children_of(session, school, parent) & names.keys()  # 3B: held
        received = [
            m for m in await parent.messages() if m["from_bot"] and "Sổ liên lạc tuần" in m["text"]
        ]
        assert len(received) == len(children), [m["text"] for m in received]
        for child_id in children:
            (mine,) = [m for m in received if names[child_id] in m["text"]]
            assert written[names[child_id]] in mine["text"]
            others = [n for i, n in pupils if i != child_id and i not in children]
            assert not any(written[other] in mine["text"] for other in others)
            assert buttons(mine) == ["\u2705 Đã xem", "Phản hồi"]
    for parent in parents_3b:  # 3B wrote nothing: only their 1A children, if any, get notices
        received = [m for m in await parent.messages() if "Sổ liên lạc tuần" in (m["text"] or "")]
        assert len(received) == len(await children_of(session, school, parent) & names.keys())
    # The teacher hears which families nobody could reach.
    told = [m for m in await teacher.messages() if "đang được gửi" in (m["text"] or "")]
    assert len(told) == 1
    assert all(name in told[0]["text"] for name in result_1a.not_linked)
    # A second Friday run sends nothing again.
    again = await send_due(services.sessions, school.id, friday)
    assert all(r.already_sent for r in again)


async def children_of(session: AsyncSession, school: School, person: PersonClient) -> set[int]:
    await session.commit()
    guardian = await session.scalar(
        select(TelegramAccount.guardian_id).where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == person.person_id,
        )
    )
    return set(
        await session.scalars(
            select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == guardian)
        )
    )


async def sheet_for(
    school: School, class_name: str, week: TeachingWeek, pupils: list[Any]
) -> bytes:
    data = build_comment_sheet(
        school.name,
        class_name,
        SheetWeek(week.number, week.start, week.end),
        [SheetPupil(code, name, comment) for code, name, comment in pupils],
        translator("vi"),
    )
    return data


async def test_bad_spreadsheets_and_comments_are_refused_and_store_nothing(
    running_bot: BotApplication,
    make_person: PersonFactory,
    year_2026: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    school = year_2026
    week = WEEK_13
    teacher = await linked_person(make_person, *TEACHER_1A)
    codes = dict(
        (
            await session.execute(
                select(Student.full_name, Student.student_code)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
            )
        ).all()
    )
    rows = [(code, name, "Con ngoan.") for name, code in codes.items()]
    cases = [
        (await sheet_for(school, "3B", week, rows), "3B"),
        (await sheet_for(school, "1A", Calendar(date(2026, 9, 7)).weeks()[0], rows), "tuần"),
        (
            await sheet_for(school, "1A", week, [*rows, ("7999999999", "Người Lạ", "Ngoan.")]),
            "7999999999",
        ),
        (await sheet_for(school, "1A", week, [(rows[0][0], rows[0][1], "x" * 1001)]), "1000"),
    ]
    for data, expected in cases:
        await teacher.send_document(data, "nhan-xet.xlsx")
        answer = await teacher.next_message(timeout=30, new_only=True)
        assert expected in answer["text"], answer["text"]
    # A comment over the limit typed in chat.
    listing = await open_list(teacher)
    await teacher.press(listing["buttons"][0][0]["text"])
    await teacher.next_message(timeout=10)
    await teacher.send("a" * (COMMENT_LIMIT + 1))
    answer = await teacher.next_message(timeout=10, new_only=True)
    assert str(COMMENT_LIMIT) in answer["text"]
    assert await comments(session, school) == {}
    # A parent cannot open anything, and a forged press for a pupil changes nothing.
    (parent,) = await parents_of(session, school, make_person, "1A", 1)
    await parent.command("nhanxet")
    assert "giáo viên" in (await parent.next_message(timeout=10, new_only=True))["text"]
    pupil_id = next(iter(await children_of(session, school, parent)))
    await parent.press(data=f"v1:wk:q:{pupil_id}:-:0", forged=True)
    await parent.press(data=f"v1:wk:send:{await class_1a(session, school)}", forged=True)
    await teacher.command("help")  # a round trip, so the presses above have been handled
    await teacher.next_message(timeout=10, new_only=True)
    assert await comments(session, school) == {}
    await session.commit()
    sent = await session.scalar(
        select(func.count())
        .select_from(ClassWeek)
        .where(ClassWeek.school_id == school.id, ClassWeek.sent_at.is_not(None))
    )
    assert sent == 0


async def class_1a(session: AsyncSession, school: School) -> int:
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    assert found is not None
    return found


PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")


async def test_the_teacher_is_reminded_the_day_before_and_the_leaders_get_a_summary(
    running_bot: BotApplication,
    make_person: PersonFactory,
    year_2026: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    school = year_2026
    week = WEEK_13
    parents = await parents_of(session, school, make_person, "1A")
    teacher = await linked_person(make_person, *TEACHER_1A)
    principal = await linked_person(make_person, *PRINCIPAL)
    pupils = sorted(await class_pupils(session, school, "1A"), key=lambda p: p[0])
    absent_id, absent_name = pupils[3]  # absent on Tuesday morning and afternoon
    session.add_all(
        Absence(school_id=school.id, student_id=absent_id, day=date(2026, 12, 1), part=part)
        for part in (DayPart.MORNING, DayPart.AFTERNOON)
    )
    for student_id, name in pupils[:2]:
        session.add(
            WeeklyComment(
                school_id=school.id,
                student_id=student_id,
                week_start=week.start,
                kind=CommentKind.HOMEROOM,
                text=f"Nhận xét cho {name}.",
            )
        )
    await session.commit()
    services = running_bot.bot_data["services"]
    clock = Clock(datetime.combine(week.start + timedelta(days=3), time(16, 30), tzinfo=ZONE))
    dispatcher = Dispatcher(
        running_bot.bot,
        services.sessions,
        school_id=services.school_id,
        clock=clock,
        per_chat_interval=0,
    )

    await remind_due(services.sessions, school.id, clock())  # Thursday 16:30
    await drain(dispatcher, clock)
    (reminder,) = [m for m in await teacher.messages() if "Nhắc việc" in (m["text"] or "")]
    assert "10/12" in reminder["text"]
    assert all(name in reminder["text"] for _id, name in pupils[2:])
    assert not any(name in reminder["text"] for _id, name in pupils[:2])

    clock.now += timedelta(days=1)  # Friday 16:30: two notices, the other ten held back
    await send_due(services.sessions, school.id, clock())
    await drain(dispatcher, clock)
    readers = []
    for parent in parents:
        last = await parent.last_message()
        if last and "Sổ liên lạc tuần" in (last["text"] or ""):
            readers.append(parent)
    reader = readers[0]
    await reader.skip_pending()  # the press's own edit comes next, once it is recorded
    await reader.press("\u2705 Đã xem")
    while (await reader.next_message(timeout=10))["event"] != "edit":
        pass
    await session.commit()
    delivered = 0
    for parent in parents:
        delivered += sum("Sổ liên lạc tuần" in (m["text"] or "") for m in await parent.messages())

    clock.now += timedelta(hours=16, minutes=30)  # Saturday 09:00
    await summarise_due(services.sessions, school.id, clock())
    await drain(dispatcher, clock)
    (summary,) = [m for m in await principal.messages() if "tổng hợp" in (m["text"] or "")]
    assert f"1A: nhận xét 2/12, đã gửi {delivered}, đã xem 1" in summary["text"], summary["text"]
    assert "3B: nhận xét 0/" in summary["text"]
    # The leaders read who was absent, by name, not only how many.
    assert f"Vắng: {absent_name} (2 buổi)" in summary["text"], summary["text"]


async def alert_after(
    sandbox: RunningSandbox,
    person: PersonClient,
    data: str,
    *,
    message_id: int,
    forged: bool = False,
) -> str | None:
    """Press a button and wait for the press's answer; the pop-up's text (None: quiet)."""
    (bot_id,) = sandbox.state.bots
    alerts = sandbox.state.chat_log(bot_id, person.person_id).alerts
    before = len(alerts)
    sent = await person.press(data=data, message_id=message_id, forged=forged)
    for _ in range(200):
        if sandbox.state.callbacks[sent["callback_query_id"]][2]:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the press {data!r} was never answered")
    return str(alerts[-1]["text"]) if len(alerts) > before else None


async def test_the_teacher_previews_the_class_and_sends_it_now_once(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    year_2026: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 4, 17, 0))  # Friday: the week's last school day
    school = year_2026
    week = WEEK_13
    teacher = await linked_person(make_person, *TEACHER_1A)
    ((pupil, name), *_rest) = sorted(await class_pupils(session, school, "1A"))
    session.add(
        WeeklyComment(
            school_id=school.id,
            student_id=pupil,
            week_start=week.start,
            kind=CommentKind.HOMEROOM,
            text="Con <b>ngoan</b> & chăm.",
        )
    )
    await session.commit()
    await open_list(teacher)
    await teacher.press("Xem trước và gửi")
    shown = await teacher.next_message(timeout=10, new_only=True)
    assert name in shown["text"] and "Con <b>ngoan</b> & chăm." in shown["text"]
    assert "1 học sinh; tạm giữ: 11" in shown["text"], shown["text"]
    (send, edit) = [button["callback_data"] for button in shown["buttons"][0]]
    assert edit == f"v1:wk:l:{await class_1a(session, school)}:-:0"

    # "Gửi ngay" asks first; "Xác nhận" sends.
    assert await alert_after(sandbox, teacher, send, message_id=shown["message_id"]) is None
    asked = await teacher.next_message(timeout=10)
    assert asked["event"] == "edit" and [b["text"] for b in asked["buttons"][0]] == [
        "Xác nhận",
        "Về danh sách",
    ]
    confirm = asked["buttons"][0][0]["callback_data"]
    assert await alert_after(sandbox, teacher, confirm, message_id=shown["message_id"]) is None
    edited = await teacher.next_message(timeout=10)
    assert edited["event"] == "edit" and edited["buttons"] == []
    await session.commit()
    row = await session.scalar(
        select(ClassWeek).where(ClassWeek.class_id == await class_1a(session, school))
    )
    account = await session.scalar(
        select(TelegramAccount.id).where(
            TelegramAccount.school_id == school.id,
            TelegramAccount.telegram_user_id == teacher.person_id,
        )
    )
    assert row is not None and row.sent_at is not None and row.sent_by == account
    told = await notices_of(session, school, "weekly_teacher")
    assert told == 1

    # The same buttons pressed again (on another device, where they still show): the week is
    # sent, nothing more is queued.
    for data in (confirm, send):
        again = await alert_after(
            sandbox, teacher, data, message_id=shown["message_id"], forged=True
        )
        assert again is not None and "đã được gửi" in again
    assert await notices_of(session, school, "weekly_teacher") == 1
    # A comment written afterwards is kept (no family of this class has linked: the teacher is
    # told to call; tests/e2e/test_school_days.py follows an addendum to a linked family).
    listing = await open_list(teacher)
    first = listing["buttons"][0][0]["text"].removeprefix("✓ ")
    await teacher.press(listing["buttons"][0][0]["text"])
    await teacher.next_message(timeout=10)
    await teacher.send("Sửa sau khi gửi.")
    kept = await teacher.next_message(timeout=10, new_only=True)
    assert kept["text"].startswith(f"Đã lưu nhận xét cho {first}."), kept["text"]
    assert (
        f"Chưa có phụ huynh liên kết (thầy/cô vui lòng gọi cho gia đình): {first}."
        in (kept["text"])
    )
    written = await comments(session, school)
    assert written[first] == "Sửa sau khi gửi."
    if first != name:
        assert written[name] == "Con <b>ngoan</b> & chăm."


async def notices_of(session: AsyncSession, school: School, kind: str) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.school_id == school.id, Notice.kind == kind)
    )
    return int(count or 0)


async def test_the_class_note_and_the_hold_decide_who_gets_a_notice(
    running_bot: BotApplication,
    make_person: PersonFactory,
    year_2026: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, THURSDAY)
    teacher = await linked_person(make_person, *TEACHER_1A)
    await open_list(teacher)
    await teacher.press("Lời nhắn chung cả lớp")
    asked = await teacher.next_message(timeout=10)
    assert asked["event"] == "edit" and buttons(asked) == ["Về danh sách"]
    await teacher.send("Thứ Bảy họp phụ huynh lúc 8 giờ <phòng 3> & mang sổ.")
    listing = await teacher.next_message(timeout=10, new_only=True)
    assert listing["text"].startswith("Đã lưu lời nhắn chung của lớp.")
    assert "Chưa có nhận xét: chỉ gửi lời nhắn chung" in buttons(listing)
    await teacher.press("Xem trước và gửi")
    shown = await teacher.next_message(timeout=10, new_only=True)
    assert "<phòng 3> & mang sổ." in shown["text"]
    assert "12 học sinh; tạm giữ: 0" in shown["text"], shown["text"]

    note_only = "Chưa có nhận xét: chỉ gửi lời nhắn chung"
    await teacher.press(note_only, message_id=listing["message_id"])
    listing = await teacher.next_message(timeout=10)
    assert "Chưa có nhận xét: tạm giữ" in buttons(listing)
    await teacher.press("Xem trước và gửi", message_id=listing["message_id"])
    shown = await teacher.next_message(timeout=10, new_only=True)
    assert "0 học sinh; tạm giữ: 12" in shown["text"], shown["text"]
    await session.commit()
    row = await session.scalar(
        select(ClassWeek).where(ClassWeek.class_id == await class_1a(session, year_2026))
    )
    assert row is not None and row.hold_missing and row.sent_at is None
    assert row.note == "Thứ Bảy họp phụ huynh lúc 8 giờ <phòng 3> & mang sổ."
