"""Every button of the vice principal's menu, through the sandbox: each opens its real screen
(its content, not merely an answer), and where the screen has something to show the test puts
it there first: feedback to the leaders in her inbox and in "Góp ý của phụ huynh", a grade
chosen for an urgent notice, a correction request in "Duyệt sửa điểm" while the principal is
away (and not while the principal is in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import keyboards
from bot.core.context import BotApplication
from bot.features.assessment.chat.locks import SEE_ONLY
from bot.features.corrections.rules import NOT_DECIDER
from bot.features.inbox.chat import MENU_INBOX
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Notice,
    School,
    Staff,
    Student,
)
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, linked_person, vn
from tests.e2e.menus import inline, menu, press, tap, vi
from tests.e2e.test_feedback import pupil_id, write_feedback

PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE = ("Nguyễn Thị Hồng", "+84901078852")
YEAR = "2026-2027"
SATURDAY = vn(2026, 12, 5)
CHILD = "Hoàng Anh Đăng"  # 1A, the mother's child (tests/data/roster.xlsx)

# Her menu as the features register it (bot/features/*/__init__.py: menu_button), in order.
VICE_MENU = [
    MENU_INBOX,
    keyboards.MENU_OVERVIEW,
    keyboards.MENU_URGENT,
    keyboards.MENU_BOOK,
    keyboards.MENU_DECIDE,
    keyboards.MENU_DATA,
    keyboards.MENU_LANGUAGE,
    keyboards.MENU_HELP,
]


async def vice_principal(running_bot: BotApplication, make_person: PersonFactory) -> PersonClient:
    BotClock(running_bot, SATURDAY)
    return await linked_person(make_person, *VICE)


async def notices(session: AsyncSession, school: School) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    )
    return int(count or 0)


async def test_each_button_of_the_vice_principals_menu_opens_its_screen(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    vice = await vice_principal(running_bot, make_person)
    labels = await menu(vice)
    assert labels == [vi(label) for label in VICE_MENU]
    # Not hers: the principal's school health notice, the administrator's screens.
    for other in (keyboards.MENU_HEALTH_ALERT, keyboards.MENU_APPLY, keyboards.MENU_IMPORT):
        assert vi(other) not in labels

    inbox = await tap(vice, MENU_INBOX)
    assert vi("Inbox: nothing is waiting for you.") in inbox["text"]

    overview = await tap(vice, keyboards.MENU_OVERVIEW)
    assert vi("Feedback per class and topic") in overview["text"]
    assert vi("No feedback yet.") in overview["text"]

    urgent = await tap(vice, keyboards.MENU_URGENT)
    assert vi("Who is the urgent notice for?") in urgent["text"]
    grades = [vi("Grade {grade}").format(grade=grade) for grade in (1, 3, 5)]
    assert inline(urgent) == [vi("Whole school"), *grades, vi("Choose classes")]

    book = await tap(vice, keyboards.MENU_BOOK)
    assert vi("Assessment book, school year {year}:").format(year=YEAR) in book["text"]
    assert inline(book) == [
        vi(name) for name in ("Mid-term I", "End of term I", "Mid-term II", "End of year")
    ]
    period = await press(vice, "End of term I")  # she sees the book; only the principal locks
    assert vi("Only the principal can change this.") in period["text"]

    decide = await tap(vice, keyboards.MENU_DECIDE)  # the principal is in: not hers to decide
    assert decide["text"] == vi(NOT_DECIDER) and not decide["buttons"]

    data = await tap(vice, keyboards.MENU_DATA)
    staff = vi("Staff: {name}, phone {phone}").format(name=VICE[0], phone="0901 078 852")
    assert staff in data["text"], data["text"]
    assert vi("Download my data") in inline(data)

    language = await tap(vice, keyboards.MENU_LANGUAGE)
    assert vi("Choose your language:") in language["text"]
    assert inline(language) == ["Tiếng Việt", "English"]

    help_screen = await tap(vice, keyboards.MENU_HELP)
    assert vi("What you can do:") in help_screen["text"]
    for command in ("/hopthu", "/gopy_bgh", "/khan", "/duyet", "/dulieu", "/ngonngu"):
        assert command in help_screen["text"], command
    assert "/suadiem" not in help_screen["text"]  # a teacher's, not hers
    for command in ("/khoaso", "/mokhoa", "/hansua", "/congbo"):  # the principal's to use
        assert command not in help_screen["text"], command
    await vice.command("khoaso")  # typed without words: where things stand, no usage lines
    typed = await vice.next_message(timeout=10, new_only=True)
    assert vi(SEE_ONLY) in typed["text"], typed["text"]
    assert vi("How to use:") not in typed["text"], typed["text"]


async def test_feedback_to_the_leaders_shows_in_her_inbox_and_overview(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    vice = await vice_principal(running_bot, make_person)
    mother = await linked_person(make_person, *MOTHER)
    child = await pupil_id(session, lists, CHILD)
    await write_feedback(running_bot, mother, child, to_leaders=True, topic="boarding")
    await vice.next_message(timeout=10, new_only=True)  # the feedback itself, as it came

    heading = await tap(vice, MENU_INBOX)
    waiting = vi.ngettext(
        "Inbox: {count} item waiting for you", "Inbox: {count} items waiting for you", 1
    ).format(count=1)
    assert heading["text"].startswith(waiting), heading["text"]
    item = await vice.next_message(timeout=10, new_only=True)  # the item's card
    assert "1A" in item["text"] and vi("Boarding") in item["text"], item["text"]
    assert item["buttons"], item  # answered from the card

    overview = await tap(vice, keyboards.MENU_OVERVIEW)
    shown = vi("open {open}, answered {answered}, overdue {overdue}").format(
        open=1, answered=0, overdue=0
    )
    assert f"1A: {shown}" in overview["text"], overview["text"]
    assert vi("No feedback yet.") not in overview["text"]


async def test_an_urgent_notice_to_a_grade_is_previewed_and_cancelled(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    vice = await vice_principal(running_bot, make_person)
    before = await notices(session, lists)
    await tap(vice, keyboards.MENU_URGENT)
    asked = await press(vice, "Grade {grade}", grade=1)
    grade = vi("Grade {grade}").format(grade=1)
    assert vi("Urgent notice to {audience}.").split("{")[0] in asked["text"], asked["text"]
    assert grade.lower() in asked["text"].lower(), asked["text"]
    await vice.send("Chiều nay trường cho học sinh khối 1 nghỉ sớm lúc 15 giờ vì mất điện.")
    preview = await vice.next_message(timeout=10, new_only=True)
    assert "mất điện" in preview["text"]
    assert inline(preview) == [vi("Send now"), vi("Schedule for later"), vi("Cancel")]
    cancelled = await press(vice, "Cancel")
    assert vi("Cancelled. Nothing was sent.") in cancelled["text"]
    assert await notices(session, lists) == before


async def pending_request(session: AsyncSession, school: School) -> int:
    """A correction request of the child's Toán score at the end of term I, waiting for a
    decision (what a teacher's /suadiem files)."""
    student = await session.scalar(
        select(Student).where(Student.school_id == school.id, Student.full_name == CHILD)
    )
    teacher = await session.scalar(
        select(Staff.id).where(Staff.school_id == school.id, Staff.full_name == TEACHER_1A[0])
    )
    assert student is not None and teacher is not None
    filed = datetime(2026, 12, 4, 2, 0, tzinfo=SATURDAY.tzinfo)
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
        state=CorrectionState.PENDING,
        requested_by=teacher,
        created_at=filed,
    )
    session.add(request)
    await session.commit()
    return request.id


async def test_a_pending_correction_shows_in_duyet_only_while_the_principal_is_away(
    running_bot: BotApplication,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    vice = await vice_principal(running_bot, make_person)
    principal = await linked_person(make_person, *PRINCIPAL)
    rid = await pending_request(session, lists)

    # The principal is in: the request is the principal's, her "Duyệt" shows no card.
    refused = await tap(vice, keyboards.MENU_DECIDE)
    assert refused["text"] == vi(NOT_DECIDER) and not refused["buttons"]
    assert CHILD not in refused["text"]

    await principal.command("vangmat", "05/12")
    recorded = await principal.next_message(timeout=10, new_only=True)
    assert "05/12" in recorded["text"]
    card = await tap(vice, keyboards.MENU_DECIDE)
    assert CHILD in card["text"] and "1A" in card["text"], card["text"]
    assert TEACHER_1A[0] in card["text"] and "8 → 9" in card["text"], card["text"]
    data = [button["callback_data"] for row in card["buttons"] for button in row]
    assert data == [f"v1:corr:{action}:{rid}" for action in ("okq", "noq", "more")]
