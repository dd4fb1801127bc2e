"""A person opens the bot: the first words, in their language, through the sandbox."""

from __future__ import annotations

import pytest

from bot.context import BotApplication
from sandbox.pytest_plugin import PersonFactory


async def test_parent_is_welcomed_in_vietnamese(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Ngô Kim Hạnh", "+84841860913")
    await parent.command("start")
    reply = await parent.next_message(timeout=10)
    assert reply["text"].startswith("Xin chào Ngô Kim Hạnh! Đây là sổ liên lạc điện tử")
    assert "Quý phụ huynh" in reply["text"]
    assert reply["entities"][0]["type"] == "bold"
    with pytest.raises(TimeoutError):
        await parent.next_message(timeout=1)


async def test_english_client_is_answered_in_english(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    guest = await make_person("Anna", "+84909000000", language_code="en-GB")
    await guest.command("start")
    welcome = (await guest.next_message(timeout=10))["text"]
    assert welcome.startswith("Hello Anna! This is the school's electronic contact book.")
    assert "phụ huynh" not in welcome
    await guest.command("help")
    reply = await guest.next_message(timeout=10)
    assert reply["text"].splitlines()[0] == "What you can do:"


async def test_help_lists_the_commands_in_vietnamese(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.command("help")
    reply = await parent.next_message(timeout=10)
    assert "/start - bắt đầu sử dụng" in reply["text"]


async def test_start_with_an_unknown_code_still_welcomes(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    await parent.command("start", "KHONGCO!!")
    assert "sổ liên lạc điện tử" in (await parent.next_message(timeout=10))["text"]


async def test_a_name_with_markup_is_escaped(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("<b>Tí & Tèo</b>", "+84901000002")
    await parent.command("start")
    reply = await parent.next_message(timeout=10)
    assert reply["text"].startswith("Xin chào <b>Tí & Tèo</b>!")


async def test_unknown_text_and_commands_get_a_pointer_to_help(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    parent = await make_person("Lan", "+84901000001")
    for said in ("cho tôi hỏi điểm của cháu", "/diem"):
        await parent.send(said)
        reply = await parent.next_message(timeout=10)
        assert reply["text"] == (
            "Xin lỗi, tôi chưa hiểu yêu cầu này. Gửi /help để xem các việc có thể làm."
        )
    with pytest.raises(TimeoutError):
        await parent.next_message(timeout=1)


async def test_commands_are_published_per_language(running_bot: BotApplication) -> None:
    vietnamese = await running_bot.bot.get_my_commands(language_code="vi")
    english = await running_bot.bot.get_my_commands(language_code="en")
    assert [(c.command, c.description) for c in vietnamese] == [
        ("start", "Bắt đầu sử dụng"),
        ("help", "Các việc có thể làm"),
    ]
    assert english[0].description == "Start using the bot"
