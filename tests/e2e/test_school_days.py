"""The week as schools live it, through the sandbox with the bot's clock set.

Saturday morning the week just ended is offered, previewed, confirmed and sent, and what comes
after (a comment written late, a correction, Friday's absence entered on Saturday) reaches the
family as an addendum; Sunday evening the coming week cannot go; the Friday notice goes at
16:30, not a minute before; at 22:00 routine news waits for 06:30 while urgent news goes at
once; two pupils of one class with one name are told apart; old buttons say what is.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import schedules
from bot.core.context import BotApplication
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import Audience, enqueue_notice
from bot.features.administration.imports import import_roster
from bot.features.calendar.rules import Calendar
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import (
    Absence,
    ClassWeek,
    CommentKind,
    Notice,
    School,
    SchoolClass,
    Student,
    WeeklyComment,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, forge, linked_person, vn
from tests.e2e.test_weekly import alert_after, download
from tests.factories import pupil, write_table

WEEK_13 = Calendar(date(2026, 9, 7)).weeks()[12]  # 30/11–04/12/2026
SATURDAY = vn(2026, 12, 5, 9, 0)
OANH = "Ngô Khánh Oanh"
NAMESAKES = [
    pupil(
        201,
        code="7900000201",
        name=OANH,
        born="25/01/2018",
        gender="Nữ",
        father=("Ngô Văn Bình", "0912000201"),
        mother=("Lê Thị Hoa", "0983000201"),
    ),
    pupil(
        202,
        code="7900000202",
        name=OANH,
        born="14/08/2018",
        gender="Nữ",
        father=("Ngô Đức Minh", "0912000202"),
        mother=("Trần Thị Lan", "0983000202"),
    ),
]
FIRST_OANH, SECOND_OANH = f"{OANH} (25/01/2018)", f"{OANH} (14/08/2018)"


@pytest_asyncio.fixture
async def school_days(lists: School, session: AsyncSession, tmp_path: Path) -> School:
    """The sample school on the 2026–2027 calendar (week 13 is 30/11–04/12), with two pupils
    of 1A named Ngô Khánh Oanh (born on different days, with different codes and parents)."""
    lists.year_start = date(2026, 9, 7)
    session.add(lists)
    path = write_table(tmp_path / "namesakes.csv", NAMESAKES)
    outcome = await import_roster(session, lists, path, today=date(2026, 11, 23), actor="test")
    assert not outcome.refused, outcome.problems
    await session.commit()
    return lists


async def deliver(application: BotApplication) -> int:
    """Send what is due in the outbox now, by the bot's clock (quiet hours included)."""
    services = application.bot_data["services"]
    dispatcher = Dispatcher(
        application.bot,
        services.sessions,
        school_id=services.school_id,
        clock=services.clock,
        per_chat_interval=0,
    )
    claimed = 0
    while sent := await dispatcher.tick():
        claimed += sent
    return claimed


async def from_bot(person: PersonClient, words: str) -> list[dict[str, Any]]:
    """The bot's messages to a person that contain `words`."""
    return [m for m in await person.messages() if m["from_bot"] and words in (m["text"] or "")]


async def class_1a(session: AsyncSession, school: School) -> int:
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == "1A")
    )
    assert found is not None
    return found


async def student(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.full_name == name)
    )
    assert found is not None
    return found


async def sent_weeks(session: AsyncSession, school: School) -> list[tuple[date, Any]]:
    await session.commit()
    rows = await session.execute(
        select(ClassWeek.week_start, ClassWeek.sent_at).where(
            ClassWeek.school_id == school.id, ClassWeek.sent_at.is_not(None)
        )
    )
    return [(start, sent) for start, sent in rows]


async def notices(session: AsyncSession, school: School, kind: str) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.school_id == school.id, Notice.kind == kind)
    )
    return int(count or 0)


async def class_list(teacher: PersonClient) -> dict[str, Any]:
    """Send /nhanxet and return the class list (passing over news that came meanwhile)."""
    await teacher.command("nhanxet")
    while True:
        listing = await teacher.next_message(timeout=10, new_only=True)
        if "Đã viết" in listing["text"]:
            return listing


async def write(teacher: PersonClient, name: str, text: str) -> dict[str, Any]:
    """Open /nhanxet, choose the pupil, type the comment; the bot's answer."""
    listing = await class_list(teacher)
    (data,) = [
        b["callback_data"]
        for row in listing["buttons"]
        for b in row
        if b["text"] in (name, f"✓ {name}")
    ]
    await teacher.press(data=data, message_id=listing["message_id"])
    await teacher.next_message(timeout=10)
    await teacher.send(text)
    return await teacher.next_message(timeout=10, new_only=True)


async def test_on_saturday_morning_the_week_just_ended_is_offered_and_sent(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    clock = BotClock(running_bot, SATURDAY)
    school = school_days
    mother = await linked_person(make_person, *MOTHER)  # Đăng's and Thuý's, in 1A
    teacher = await linked_person(make_person, *TEACHER_1A)

    # /lichhoc and /nhanxet say the same week: the one just ended, not the one to come.
    await teacher.command("lichhoc")
    assert "Tuần này: Tuần 13, 30/11–04/12" in (await teacher.next_message(timeout=10))["text"]
    saved = await write(teacher, "Hoàng Anh Đăng", "Con ngoan, đọc to rõ ràng.")
    assert saved["text"].startswith("Đã lưu nhận xét cho Hoàng Anh Đăng.")
    assert "Tuần 13, 30/11–04/12" in saved["text"] and "Tuần 14" not in saved["text"]

    # "Xem trước và gửi", then "Gửi ngay" says what will go and asks to confirm.
    listing = await class_list(teacher)
    await teacher.press("Xem trước và gửi", message_id=listing["message_id"])
    shown = await teacher.next_message(timeout=10, new_only=True)
    assert "Sổ liên lạc tuần 13 (30/11–04/12/2026)" in shown["text"]
    assert school.name in shown["text"] and "Phan Thị Thu" in shown["text"]
    await teacher.press("Gửi ngay")
    asked = await teacher.next_message(timeout=10)
    assert asked["event"] == "edit" and asked["message_id"] == shown["message_id"]
    assert "Có nhận xét: 1 học sinh." in asked["text"], asked["text"]
    assert "Chưa có nhận xét: 13 học sinh; các em được tạm giữ" in asked["text"]
    assert await sent_weeks(session, school) == []  # nothing went yet
    confirm = asked["buttons"][0][0]["callback_data"]
    assert confirm == f"v1:wk:sendok:{await class_1a(session, school)}:20261130"
    await teacher.press("Xác nhận")
    done = await teacher.next_message(timeout=10)
    assert done["event"] == "edit" and done["buttons"] == []
    ((week_start, sent_at),) = await sent_weeks(session, school)
    assert week_start == WEEK_13.start and sent_at == SATURDAY.astimezone(sent_at.tzinfo)
    await deliver(running_bot)
    (notice,) = await from_bot(mother, "Sổ liên lạc tuần 13")
    assert "Con ngoan, đọc to rõ ràng." in notice["text"] and school.name in notice["text"]
    assert "Phan Thị Thu, giáo viên chủ nhiệm lớp 1A" in notice["text"]

    # The confirmation pressed again: it says when the week went, and sends nothing more.
    again = await alert_after(
        sandbox, teacher, confirm, message_id=shown["message_id"], forged=True
    )
    assert again is not None and "đã được gửi lúc 09:00" in again, again
    assert await notices(session, school, "weekly") == 1

    # Later that morning: Thuý, held back, gets the notice itself once her comment is written.
    clock.advance(minutes=30)
    saved = await write(teacher, "Hoàng Hà Thuý", "Con chăm chỉ, viết chữ đẹp.")
    assert "Gia đình chưa nhận sổ liên lạc tuần này" in saved["text"], saved["text"]
    await deliver(running_bot)
    (thuy,) = [m for m in await from_bot(mother, "Sổ liên lạc tuần 13") if "Thuý" in m["text"]]
    assert "viết chữ đẹp" in thuy["text"]

    # A correction of Đăng's comment: kept, and sent as one addendum ten minutes later.
    saved = await write(teacher, "Hoàng Anh Đăng", "Con ngoan, đọc to rõ ràng, hay phát biểu.")
    assert "bổ sung" in saved["text"], saved["text"]
    await deliver(running_bot)
    assert await from_bot(mother, "Bổ sung sổ liên lạc") == []
    clock.advance(minutes=11)
    await deliver(running_bot)
    (addendum,) = await from_bot(mother, "Bổ sung sổ liên lạc tuần 13")
    assert "hay phát biểu" in addendum["text"] and "Hoàng Anh Đăng" in addendum["text"]
    assert "Phan Thị Thu" in addendum["text"]

    # Friday's absence, entered on Saturday: /diemdanh opens Friday; the family is told.
    await teacher.command("diemdanh")
    ask = await teacher.next_message(timeout=10, new_only=True)
    assert "04/12/2026" in ask["text"], ask["text"]
    await teacher.press("Sáng")
    sheet = await teacher.next_message(timeout=10)
    assert "gửi bổ sung" in sheet["text"]
    await teacher.press("Hoàng Anh Đăng")
    await teacher.next_message(timeout=10)
    await session.commit()
    absent = await session.scalar(select(Absence.day).where(Absence.school_id == school.id))
    assert absent == date(2026, 12, 4)
    clock.advance(minutes=11)
    await deliver(running_bot)
    (_comment, attendance) = await from_bot(mother, "Bổ sung sổ liên lạc tuần 13")
    assert "Chuyên cần" in attendance["text"] and "04/12" in attendance["text"]


async def test_on_sunday_evening_the_coming_week_cannot_be_sent(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 6, 20, 0))
    school = school_days
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10, new_only=True)
    assert "Tuần 13, 30/11–04/12" in listing["text"], listing["text"]
    class_id = await class_1a(session, school)
    for data in (f"v1:wk:send:{class_id}:20261207", f"v1:wk:sendok:{class_id}:20261207"):
        refused = await forge(sandbox, teacher, data)
        assert refused is not None and "chỉ được gửi từ Thứ Sáu, 11/12/2026" in refused, refused
    # A week no calendar has (a forged Wednesday, a week of 2020) sends nothing either.
    for day in ("20261202", "20200106"):
        refused = await forge(sandbox, teacher, f"v1:wk:sendok:{class_id}:{day}")
        assert refused == "Nút này không còn hiệu lực.", refused
    assert await sent_weeks(session, school) == []
    assert await notices(session, school, "weekly") == 0


@pytest.mark.parametrize("running_bot", [True], indirect=True)  # the bot sends, as in production
async def test_the_friday_notice_goes_at_half_past_four_not_a_minute_before(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    school = school_days
    clock = BotClock(running_bot, vn(2026, 12, 4, 16, 29))
    mother = await linked_person(make_person, *MOTHER)
    dang = await student(session, school, "Hoàng Anh Đăng")
    session.add(
        WeeklyComment(
            school_id=school.id,
            student_id=dang,
            week_start=WEEK_13.start,
            kind=CommentKind.HOMEROOM,
            text="Con ngoan.",
        )
    )
    await session.commit()
    # The schedule plans the job on Friday (Thứ Sáu) at 16:30 in the school's time zone...
    planned = await schedules.rebuild(running_bot)
    (notice_job,) = [p for p in planned if p.school_id == school.id and p.kind == "weekly_notice"]
    assert (notice_job.weekday, notice_job.at.strftime("%H:%M")) == (5, "16:30")
    assert running_bot.job_queue is not None
    (job,) = running_bot.job_queue.get_jobs_by_name(notice_job.name)
    assert job.next_t is not None
    local = job.next_t.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.isoweekday(), local.strftime("%H:%M")) == (5, "16:30")

    # ... and the JobQueue, on the bot's clock, fires nothing before 16:30 (count this
    # school's weeks: the test database holds other tests' schools)...
    await clock.run_until(vn(2026, 12, 4, 16, 29) + timedelta(seconds=59))
    assert await sent_weeks(session, school) == []
    # ... and at 16:30 sends the week, once (nothing more by 16:31).
    assert await clock.run_until(vn(2026, 12, 4, 16, 31)) >= 1
    sent = await sent_weeks(session, school)
    assert sent and {start for start, _ in sent} == {WEEK_13.start}
    assert {moment for _, moment in sent} == {vn(2026, 12, 4, 16, 30)}  # fired at 16:30 exactly
    assert job.next_t is not None
    assert job.next_t.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date() == date(2026, 12, 11)
    # The bot's own sender delivers it.
    notice = await mother.next_message(timeout=10)
    assert "Sổ liên lạc tuần 13" in notice["text"] and "Con ngoan." in notice["text"]


async def test_at_ten_at_night_routine_news_waits_for_the_morning_and_urgent_goes_at_once(
    running_bot: BotApplication,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    school = school_days
    clock = BotClock(running_bot, vn(2026, 12, 4, 22, 0))
    mother = await linked_person(make_person, *MOTHER)
    teacher = await linked_person(make_person, *TEACHER_1A)
    await write(teacher, "Hoàng Anh Đăng", "Con ngoan.")
    listing = await class_list(teacher)
    await teacher.press("Xem trước và gửi", message_id=listing["message_id"])
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Gửi ngay")
    await teacher.next_message(timeout=10)
    await teacher.press("Xác nhận")
    await teacher.next_message(timeout=10)
    assert len(await sent_weeks(session, school)) == 1
    dang = await student(session, school, "Hoàng Anh Đăng")
    await enqueue_notice(
        session,
        school.id,
        Audience.student(dang),
        "urgent",
        "<b>THÔNG BÁO KHẨN</b>",
        urgent=True,
        now=clock(),
    )
    await session.commit()
    await deliver(running_bot)
    assert len(await from_bot(mother, "THÔNG BÁO KHẨN")) == 1  # at once
    assert await from_bot(mother, "Sổ liên lạc tuần 13") == []  # held for the night
    clock.set(vn(2026, 12, 5, 6, 29))
    await deliver(running_bot)
    assert await from_bot(mother, "Sổ liên lạc tuần 13") == []
    clock.set(vn(2026, 12, 5, 6, 30))
    await deliver(running_bot)
    assert len(await from_bot(mother, "Sổ liên lạc tuần 13")) == 1


async def test_two_pupils_with_one_name_are_told_apart(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 3, 10, 0))  # Thursday of week 13
    school = school_days
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    listing = await teacher.next_message(timeout=10, new_only=True)
    labels = [b["text"] for row in listing["buttons"] for b in row]
    assert FIRST_OANH in labels and SECOND_OANH in labels and OANH not in labels
    await teacher.press(SECOND_OANH)
    prompt = await teacher.next_message(timeout=10)
    assert SECOND_OANH in prompt["text"]
    await teacher.send("Con hát hay.")
    saved = await teacher.next_message(timeout=10, new_only=True)
    assert saved["text"].startswith(f"Đã lưu nhận xét cho {SECOND_OANH}.")
    await session.commit()
    written = await session.scalar(
        select(Student.student_code)
        .join(WeeklyComment, WeeklyComment.student_id == Student.id)
        .where(WeeklyComment.school_id == school.id)
    )
    assert written == "7900000202"  # the pupil born on 14/08/2018, and only her

    # The spreadsheet tells them apart too (its rows are read back by the student code).
    listing = await class_list(teacher)
    await teacher.press("Bảng tính (Excel)", message_id=listing["message_id"])
    sheet_message = await teacher.next_message(timeout=30, new_only=True)
    workbook = load_workbook(io.BytesIO(await download(sandbox, sheet_message)))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert FIRST_OANH in cells and SECOND_OANH in cells and OANH not in cells

    await teacher.command("diemdanh")
    await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Sáng")
    sheet = await teacher.next_message(timeout=10)
    names = [b["text"] for row in sheet["buttons"][:-1] for b in row]
    assert FIRST_OANH in names and SECOND_OANH in names
    await teacher.press(FIRST_OANH)
    marked = await teacher.next_message(timeout=10)
    assert f"P · {FIRST_OANH}" in [b["text"] for row in marked["buttons"] for b in row]


async def test_old_back_buttons_say_what_is_and_drop_no_newer_question(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    school_days: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 3, 10, 0))
    school = school_days
    teacher = await linked_person(make_person, *TEACHER_1A)
    await teacher.command("nhanxet")
    first = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Hoàng Anh Đăng", message_id=first["message_id"])
    old_prompt = await teacher.next_message(timeout=10)
    back = next(
        b["callback_data"]
        for row in old_prompt["buttons"]
        for b in row
        if b["text"] == "Về danh sách"
    )
    await teacher.command("nhanxet")
    second = await teacher.next_message(timeout=10, new_only=True)
    await teacher.press("Hoàng Hà Thuý", message_id=second["message_id"])
    await teacher.next_message(timeout=10)
    # The old question's "Về danh sách", pressed twice (the second time on a phone that still
    # showed it): the list, and Thuý's question stays.
    for time in range(2):
        pressed = await alert_after(
            sandbox, teacher, back, message_id=first["message_id"], forged=True
        )
        assert pressed is None
        if time == 0:  # the second shows the same list: Telegram has nothing to change
            shown = await teacher.next_message(timeout=10)
            assert shown["event"] == "edit" and "Đã viết: 0/14" in shown["text"], shown["text"]
    await teacher.send("Con chăm chỉ.")
    saved = await teacher.next_message(timeout=10, new_only=True)
    assert saved["text"].startswith("Đã lưu nhận xét cho Hoàng Hà Thuý.")
    await session.commit()
    thuy = await student(session, school, "Hoàng Hà Thuý")
    stored = await session.scalar(
        select(WeeklyComment.text).where(WeeklyComment.student_id == thuy)
    )
    assert stored == "Con chăm chỉ."
