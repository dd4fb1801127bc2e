"""A person opens the bot: the first words, in their language, through the sandbox."""

from __future__ import annotations

import pytest

from bot.core.context import BotApplication
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School
from tests.e2e.conftest import MOTHER, consent, forge, linked_person


async def test_parent_is_greeted_in_vietnamese_and_asked_for_consent(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Ngô Kim Hạnh", "+84841860913")
    await parent.command("start")
    reply = await parent.next_message(timeout=10)
    assert reply["text"].startswith("Xin chào Ngô Kim Hạnh! Đây là Sổ liên lạc điện tử")
    assert "Quý vị" in reply["text"]
    assert any(entity["type"] == "bold" for entity in reply["entities"])
    assert [b["text"] for row in reply["buttons"] for b in row] == [
        "Đồng ý",
        "Không đồng ý",
        "Tôi là cán bộ, giáo viên của trường",  # the staff's own text (vi: catalog)
    ]
    with pytest.raises(TimeoutError):
        await parent.next_message(timeout=1)


async def test_english_client_is_answered_in_english(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    guest = await make_person("Anna", "+84909000000", language_code="en-GB")
    await guest.command("start")
    welcome = await guest.next_message(timeout=10)
    assert welcome["text"].startswith("Hello Anna! This is the school's electronic contact book.")
    assert "Quý vị" not in welcome["text"]
    assert [b["text"] for row in welcome["buttons"] for b in row] == [
        "I agree",
        "I do not agree",
        "I work at the school",
    ]
    await guest.command("help")
    reply = await guest.next_message(timeout=10)
    assert reply["text"].splitlines()[0] == "What you can do:"


async def test_help_for_a_newcomer_lists_the_common_commands_in_vietnamese(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.command("help")
    text = (await parent.next_message(timeout=10))["text"]
    assert "/start - Bắt đầu, hoặc liên kết tài khoản" in text
    assert "/dulieu" in text
    assert "/moi" not in text and "/thuhoi" not in text
    assert "gửi /start" in text


async def test_start_with_a_malformed_code_still_asks_for_consent_then_the_phone(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    asked = await consent(parent, "KHONGCO!!")
    assert "chia sẻ số điện thoại" in asked["text"]
    assert asked["reply_keyboard"] is not None


async def test_a_name_with_markup_is_escaped(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("<b>Tí & Tèo</b>", "+84901000002")
    await parent.command("start")
    reply = await parent.next_message(timeout=10)
    assert reply["text"].startswith("Xin chào <b>Tí & Tèo</b>!")


async def test_unknown_commands_get_a_pointer_to_help(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.send("/diem")
    reply = await parent.next_message(timeout=10)
    assert reply["text"] == (
        "Xin lỗi, tôi chưa hiểu yêu cầu này. Gửi /help để xem các việc có thể làm."
    )
    with pytest.raises(TimeoutError):
        await parent.next_message(timeout=1)


async def test_free_text_from_a_linked_parent_gets_one_pointer_to_help(
    running_bot: BotApplication, make_person: PersonFactory, lists: School
) -> None:
    mother = await linked_person(make_person, *MOTHER)
    await mother.send("cho tôi hỏi điểm của cháu")
    reply = await mother.next_message(timeout=10)
    assert "Gửi /help" in reply["text"]
    with pytest.raises(TimeoutError):
        await mother.next_message(timeout=1)


async def test_free_text_before_consent_brings_the_consent_screen(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.send("chào cô")
    assert "đồng ý" in (await parent.next_message(timeout=10))["text"]


async def test_commands_are_published_per_language(running_bot: BotApplication) -> None:
    vietnamese = await running_bot.bot.get_my_commands(language_code="vi")
    english = await running_bot.bot.get_my_commands(language_code="en")
    default = await running_bot.bot.get_my_commands()
    assert [(c.command, c.description) for c in vietnamese][:2] == [
        ("start", "Bắt đầu, hoặc liên kết tài khoản"),
        ("menu", "Mở danh mục"),
    ]
    assert {c.command for c in vietnamese} >= {"ngonngu", "dulieu", "huylienket", "con"}
    assert english[0].description == "Start, or link your account"
    assert [c.description for c in default] == [c.description for c in vietnamese]


@pytest.mark.parametrize(
    ("first", "last", "greeting"),
    [
        ("", None, "Xin chào! Đây là Sổ liên lạc điện tử"),
        (" \u3164\u200b", None, "Xin chào! Đây là Sổ liên lạc điện tử"),
        ("", "Nguyễn", "Xin chào Nguyễn! Đây là Sổ liên lạc điện tử"),
        ("Lan ", "Trần", "Xin chào Lan Trần! Đây là Sổ liên lạc điện tử"),
    ],
)
async def test_a_person_without_a_usable_first_name_is_greeted_without_a_stray_space(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    sandbox_bot: SandboxBot,
    first: str,
    last: str | None,
    greeting: str,
) -> None:
    someone = sandbox.add_person(first, "+84901000003", last_name=last)
    async with PersonClient(sandbox.url, someone.id, sandbox_bot.id) as person:
        await person.command("start")
        reply = await person.next_message(timeout=10)
    assert reply["text"].startswith(greeting)


async def test_a_double_tap_on_i_agree_is_answered_quietly(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.command("start")
    screen = await parent.next_message(timeout=10)
    agree = next(b for row in screen["buttons"] for b in row if b["text"] == "Đồng ý")
    await parent.press("Đồng ý")
    await parent.press(data=agree["callback_data"], message_id=screen["message_id"], forged=True)
    asked = await parent.next_message(timeout=10, new_only=True)
    assert "chia sẻ số điện thoại" in asked["text"]
    with pytest.raises(TimeoutError):
        await parent.next_message(timeout=1, new_only=True)
    alerts = (await parent.chat())["alerts"]
    assert alerts == [{"text": "Quý vị đã đồng ý rồi.", "show_alert": False}]


async def test_staff_read_their_own_consent_text_and_old_answers_change_nothing(
    running_bot: BotApplication, sandbox: RunningSandbox, make_person: PersonFactory
) -> None:
    teacher = await make_person("Thu", "+84901000004")
    await teacher.command("start")
    screen = await teacher.next_message(timeout=10)
    staff_button = [b for row in screen["buttons"] for b in row][-1]
    await teacher.press(data=staff_button["callback_data"])
    staff_text = (await teacher.next_message(timeout=10))["text"]
    assert "ngày sinh của con" not in staff_text  # the parents' text is gone
    assert "phiên bản 2026.1" in staff_text
    await teacher.press("Đồng ý")
    asked = await teacher.next_message(timeout=10, new_only=True)
    assert "chia sẻ số điện thoại" in asked["text"]
    # "Không đồng ý" pressed late on the old screen: the consent stands.
    disagree = [b for row in screen["buttons"] for b in row][1]
    assert await forge(sandbox, teacher, disagree["callback_data"]) == "Quý vị đã đồng ý rồi."
    with pytest.raises(TimeoutError):
        await teacher.next_message(timeout=1, new_only=True)
