"""Every menu button of the principal and the vice principal, through the sandbox: each opens its
screen; the book's screens lock by grade or class, set a deadline from buttons, publish after a
confirmation; old and double presses are answered truthfully, forged ones refused."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import keyboards
from bot.core.context import BotApplication
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.buttons import Publish, SetDeadline, SetLock
from bot.features.assessment.rules import Period
from bot.features.calendar.queries import load_calendar
from bot.features.inbox.chat import MENU_INBOX
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import AssessmentLock, Notice, School, SchoolClass
from tests.e2e.conftest import MOTHER, TEACHER_1A, BotClock, forge, linked_person, vn
from tests.e2e.menus import data_of, menu, press, tap, vi

PRINCIPAL = ("Trịnh Văn Khải", "+84789183623")
VICE = ("Nguyễn Thị Hồng", "+84901078852")
YEAR = "2026-2027"
LOCK, UNLOCK = "\U0001f512 " + vi("Lock"), "\U0001f513 " + vi("Unlock")

PRINCIPAL_MENU = [
    MENU_INBOX,
    keyboards.MENU_OVERVIEW,
    keyboards.MENU_URGENT,
    keyboards.MENU_HEALTH_ALERT,
    keyboards.MENU_BOOK,
    keyboards.MENU_DECIDE,
    keyboards.MENU_DATA,
    keyboards.MENU_LANGUAGE,
    keyboards.MENU_HELP,
]
# Each leader's button and a piece of the screen it opens.
OPENS = {
    MENU_INBOX: "Inbox: nothing is waiting for you.",
    keyboards.MENU_OVERVIEW: "Feedback per class and topic",
    keyboards.MENU_URGENT: "Who is the urgent notice for?",
    keyboards.MENU_HEALTH_ALERT: (
        "Write the health notice for every family of the school in one message "
        "(at most {limit} characters)."
    ),
    keyboards.MENU_BOOK: "Assessment book, school year {year}:",
    keyboards.MENU_DECIDE: "No correction request is waiting for you.",
    keyboards.MENU_LANGUAGE: "Choose your language:",
    keyboards.MENU_HELP: "What you can do:",
}


async def locks(session: AsyncSession, school: School) -> dict[str, bool]:
    """Each class's CK1 lock, by class name."""
    await session.commit()
    classes = await session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id))
    return {
        klass.name: await assessment.is_locked(session, school.id, YEAR, Period.CK1, klass)
        for klass in classes
    }


async def lock_rows(session: AsyncSession, school: School) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count())
        .select_from(AssessmentLock)
        .where(AssessmentLock.school_id == school.id)
    )
    return int(count or 0)


async def test_each_button_of_the_leaders_menus_opens_its_screen(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    principal = await linked_person(make_person, *PRINCIPAL)
    assert await menu(principal) == [vi(label) for label in PRINCIPAL_MENU]
    for label, piece in OPENS.items():
        screen = await tap(principal, label)
        assert vi(piece).split("{")[0] in screen["text"], (label, screen)
        if label == keyboards.MENU_HEALTH_ALERT:
            await principal.choose(vi(keyboards.MENU_HELP))  # a menu tap drops the question
            await principal.next_message(timeout=10, new_only=True)
    data = await tap(principal, keyboards.MENU_DATA)
    assert data["buttons"], data
    vice = await linked_person(make_person, *VICE)
    shown = await menu(vice)
    assert vi(keyboards.MENU_HEALTH_ALERT) not in shown
    assert vi(keyboards.MENU_BOOK) in shown and vi(keyboards.MENU_OVERVIEW) in shown
    table = await tap(vice, keyboards.MENU_BOOK)
    screen = await press(vice, vi("End of term I"))
    assert vi("Only the principal can change this.") in screen["text"]
    assert LOCK not in str(screen["buttons"]) and vi("« Back") in str(screen["buttons"])
    assert table["buttons"]


async def test_the_principal_locks_a_grade_and_a_class_from_buttons(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    principal = await linked_person(make_person, *PRINCIPAL)
    await tap(principal, keyboards.MENU_BOOK)
    period = await press(principal, "End of term I")
    assert vi("By grade") in str(period["buttons"])
    grades = await press(principal, "By grade")
    assert vi("grade {grade}").format(grade=3) in str(grades["buttons"])
    scope = await press(principal, "grade {grade}", grade=3)
    assert vi("open") in scope["text"]
    locked = await press(principal, LOCK)
    assert vi("locked") in locked["text"] and "/suadiem" in locked["text"]
    state = await locks(session, lists)
    assert state["3B"] and not state["1A"], state  # grade 3 only
    rows = await lock_rows(session, lists)
    again = await press(principal, LOCK)  # a double press: said, nothing changes
    already = vi("{period} is already locked for {scope}: nothing changed.")
    assert (
        already.format(period=vi("End of term I"), scope=vi("grade {grade}").format(grade=3))
        in (again["text"])
    )
    assert await lock_rows(session, lists) == rows

    # A class of another grade, then the whole school opened again.
    await press(principal, "« Back")
    await press(principal, "« Back")
    await press(principal, "By class")
    await press(principal, "1A")
    await press(principal, LOCK)
    state = await locks(session, lists)
    assert state["1A"] and state["3B"] and not state["5C"], state
    await press(principal, "« Back")
    await press(principal, "« Back")
    opened = await press(principal, "\U0001f513 " + vi("Unlock the whole school"))
    unlocked = vi("Unlocked {period} for {scope}. Teachers can send their spreadsheets again.")
    assert (
        unlocked.format(period=vi("End of term I"), scope=vi("the whole school"))
        in (opened["text"])
    )
    assert not any((await locks(session, lists)).values())


async def test_a_deadline_is_picked_from_buttons_and_shown_as_a_date(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    principal = await linked_person(make_person, *PRINCIPAL)
    await tap(principal, keyboards.MENU_BOOK)
    await press(principal, "End of term I")
    screen = await press(principal, "Deadline for corrections")
    week = vi("+{days} days ({date})").format(days=7, date="12/12/2026")
    assert week in str(screen["buttons"]), screen["buttons"]
    chosen = await press(principal, week)
    assert "12/12/2026" in chosen["text"]
    assert await _deadline(session, lists) == date(2026, 12, 12)
    back = await press(principal, "Default")
    await session.commit()
    calendar = await load_calendar(session, lists, date(2026, 12, 5))
    default = assessment.default_deadline(calendar, Period.CK1)
    assert default.strftime("%d/%m/%Y") in back["text"]
    assert await _deadline(session, lists) == default
    # An old screen's day, now past, is refused and nothing changes.
    BotClock(running_bot, vn(2026, 12, 20))
    old = SetDeadline(Period.CK1.value, date(2026, 12, 12)).data()
    alert = await forge(sandbox, principal, old)
    assert alert == vi("{date} has already passed.").format(date="12/12/2026")
    assert await _deadline(session, lists) == default


async def _deadline(session: AsyncSession, school: School) -> date:
    await session.commit()
    calendar = await load_calendar(session, school, date(2026, 12, 5))
    return await assessment.deadline(session, school.id, YEAR, Period.CK1, calendar)


async def test_publication_asks_first_and_a_second_press_tells_no_one_again(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    principal = await linked_person(make_person, *PRINCIPAL)
    await linked_person(make_person, *MOTHER)
    await tap(principal, keyboards.MENU_BOOK)
    await press(principal, "End of term I")
    asked = await press(principal, "Publish the results")
    assert "/ketqua" in asked["text"] and await _published(session, lists) == []
    cancelled = await press(principal, "Cancel")
    assert vi("not published") in cancelled["text"] and await _published(session, lists) == []
    await press(principal, "Publish the results")
    confirm = "\u2705 " + vi("Publish")
    ask = await principal.last_message()
    assert ask is not None
    old = data_of(ask, confirm)
    done = await press(principal, confirm)
    assert vi("published") in done["text"] and await _published(session, lists) == [Period.CK1]
    notices = await _notices(session, lists)
    await principal.press(data=old, forged=True)  # the old confirmation pressed again
    again = await principal.next_message(timeout=10)
    assert (
        vi("{period} was already published.").format(period=vi("End of term I")) in (again["text"])
    )
    assert await _notices(session, lists) == notices == 1


async def _published(session: AsyncSession, school: School) -> list[Period]:
    await session.commit()
    return await assessment.published(session, school.id, YEAR)


async def _notices(session: AsyncSession, school: School) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    )
    return int(count or 0)


async def test_forged_presses_of_people_without_the_role_change_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    teacher = await linked_person(make_person, *TEACHER_1A)
    vice = await linked_person(make_person, *VICE)
    mother = await linked_person(make_person, *MOTHER)
    forged = (
        SetLock(Period.CK1.value, "g", 3, True).data(),
        SetLock(Period.CK1.value, "s", 0, True).data(),
        SetDeadline(Period.CK1.value, date(2026, 12, 30)).data(),
        Publish(Period.CK1.value).data(),
    )
    for person in (teacher, vice, mother):
        for data in forged:
            alert = await forge(sandbox, person, data)
            assert alert is not None, (person, data)
    assert await lock_rows(session, lists) == 0
    assert await _published(session, lists) == []
    assert await _deadline(session, lists) != date(2026, 12, 30)
