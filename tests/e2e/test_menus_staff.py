"""Every menu button of the nurse, the administrator and the clerk, through the sandbox: each
opens its screen, the screens' buttons do what they say, and a forged press by someone without
the role is refused and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import keyboards
from bot.core.context import BotApplication
from bot.features.administration.buttons import ShowUnlinked
from bot.features.assessment.chat.book import BookClass
from bot.features.corrections.chat.official import MENU_OFFICIAL
from bot.features.health.buttons import TemplateWanted
from bot.features.inbox.chat import MENU_INBOX
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.models import Notice, School, SchoolClass
from tests.e2e.conftest import ADMIN, MOTHER, TEACHER_1A, BotClock, forge, linked_person, vn
from tests.e2e.menus import inline, menu, press, tap, vi

NURSE = ("Lê Thị Mai", "+84907723267")
CLERK = ("Đỗ Thanh Hương", "+84848144494")
COMMON = [keyboards.MENU_DATA, keyboards.MENU_LANGUAGE, keyboards.MENU_HELP]


async def class_id(session: AsyncSession, school: School, name: str) -> int:
    found = await session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_id == school.id, SchoolClass.name == name)
    )
    assert found is not None
    return int(found)


async def notices(session: AsyncSession, school: School) -> int:
    await session.commit()
    count = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.school_id == school.id)
    )
    return int(count or 0)


async def common_buttons(person: PersonClient) -> None:
    """My data, Language and Help open their screens."""
    assert (await tap(person, keyboards.MENU_DATA))["buttons"]
    assert vi("Choose your language:") in (await tap(person, keyboards.MENU_LANGUAGE))["text"]
    assert vi("What you can do:") in (await tap(person, keyboards.MENU_HELP))["text"]


async def test_the_nurses_menu(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    nurse = await linked_person(make_person, *NURSE)
    shown = [
        keyboards.MENU_HEALTH,
        keyboards.MENU_HEALTH_IMPORT,
        keyboards.MENU_HEALTH_ALERT,
        *COMMON,
    ]
    assert await menu(nurse) == [vi(label) for label in shown]

    classes = await tap(nurse, keyboards.MENU_HEALTH)
    assert "1A" in inline(classes)
    chosen = await press(nurse, "1A")
    assert vi("Download the spreadsheet template") in inline(chosen)

    help_screen = await tap(nurse, keyboards.MENU_HEALTH_IMPORT)
    assert vi("To import the results of a health check:") in help_screen["text"]
    assert "1A" in inline(help_screen) and "3B" in inline(help_screen)
    await nurse.press("3B")
    sheet = await nurse.next_message(timeout=30, new_only=True)
    assert sheet["file"] is not None and "3B" in sheet["file"]["file_name"]

    before = await notices(session, lists)
    prompt = await tap(nurse, keyboards.MENU_HEALTH_ALERT)
    asked = "Write the health notice for every family of the school in one message"
    assert vi(asked + " (at most {limit} characters).").split("(")[0] in prompt["text"]
    await nurse.send("Trường phun thuốc muỗi chiều thứ Bảy.")
    preview = await nurse.next_message(timeout=10, new_only=True)
    assert vi("Send") in inline(preview) and vi("Cancel") in inline(preview)
    cancelled = await press(nurse, "Cancel")
    assert vi("Cancelled. Nothing was sent.") in cancelled["text"]
    assert await notices(session, lists) == before
    await common_buttons(nurse)

    # Someone else's forged press for a class sheet is refused.
    teacher = await linked_person(make_person, *TEACHER_1A)
    data = TemplateWanted(await class_id(session, lists, "1A")).data()
    assert await forge(sandbox, teacher, data) is not None
    assert vi("Import health results") not in await menu(teacher)


async def test_the_administrators_menu(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
    session: AsyncSession,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    admin = await linked_person(make_person, *ADMIN)
    shown = [
        MENU_INBOX,
        keyboards.MENU_UNLINKED,
        keyboards.MENU_INVITES,
        keyboards.MENU_BOOK,
        keyboards.MENU_APPLY,
        MENU_OFFICIAL,
        keyboards.MENU_IMPORT,
        keyboards.MENU_REQUESTS,
        *COMMON,
    ]
    labels = await menu(admin)
    assert labels == [vi(label) for label in shown]
    assert vi(keyboards.MENU_DECIDE) not in labels  # deciding corrections is the principal's

    assert vi("Inbox: nothing is waiting for you.") in (await tap(admin, MENU_INBOX))["text"]
    await tap(admin, keyboards.MENU_UNLINKED)
    unlinked = await press(admin, "1A")
    assert "1A" in unlinked["text"]
    await tap(admin, keyboards.MENU_INVITES)
    await admin.press("1A")
    slips = await admin.next_message(timeout=30, new_only=True)
    assert slips["file"] is not None, slips  # the slips themselves, never a refusal
    assert slips["file"]["file_name"].endswith(".docx"), slips["file"]
    assert "1A" in slips["file"]["file_name"] and "1A" in slips["caption"], slips
    book = await tap(admin, keyboards.MENU_BOOK)
    assert "5C" in inline(book)  # a class picked from buttons, no code to type
    periods = await press(admin, "5C")
    assert vi("End of term I") in inline(periods)
    waiting = await tap(admin, keyboards.MENU_APPLY)
    assert vi("No correction request is waiting for you.") in waiting["text"]
    official = await tap(admin, MENU_OFFICIAL)  # tests/e2e/test_official_export.py goes on
    assert vi("End of term I") in inline(official)
    lists_help = await tap(admin, keyboards.MENU_IMPORT)
    assert ".xlsx" in lists_help["text"]
    requests = await tap(admin, keyboards.MENU_REQUESTS)
    assert vi("There are no open data requests.") in requests["text"]
    await common_buttons(admin)

    # A parent's forged presses of the administrator's screens are refused.
    mother = await linked_person(make_person, *MOTHER)
    one_a = await class_id(session, lists, "1A")
    for data in (ShowUnlinked(one_a).data(), BookClass(one_a).data()):
        assert await forge(sandbox, mother, data) is not None, data


async def test_the_clerks_menu(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    lists: School,
) -> None:
    BotClock(running_bot, vn(2026, 12, 5))
    clerk = await linked_person(make_person, *CLERK)
    assert await menu(clerk) == [vi(label) for label in (keyboards.MENU_ARCHIVE, *COMMON)]
    preparing = await tap(clerk, keyboards.MENU_ARCHIVE)
    assert "2026-2027" in preparing["text"]
    empty = await clerk.next_message(timeout=30, new_only=True)
    assert (
        vi("There is no correction request in school year {year}.").format(year="2026-2027")
        in (empty["text"])
    )
    await common_buttons(clerk)
    # The clerk's menu offers nothing of the leaders' or the nurse's.
    mother = await linked_person(make_person, *MOTHER)
    assert vi(keyboards.MENU_ARCHIVE) not in await menu(mother)
