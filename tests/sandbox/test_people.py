"""What people do: contacts, buttons, files, blocking, reading the chat."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from sandbox.client import SandboxClientError
from sandbox.pytest_plugin import PersonFactory

pytestmark = pytest.mark.usefixtures("no_rates")


async def _drain(bot: telegram.Bot) -> tuple[telegram.Update, ...]:
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


async def test_share_own_contact_needs_the_button(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan", "+84901000001", label="Phụ huynh")
    await lan.command("start")
    with pytest.raises(SandboxClientError, match="request_contact"):
        await lan.share_contact()
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Chia sẻ số", request_contact=True)]], one_time_keyboard=True
    )
    await ptb_bot.send_message(lan.person_id, "Cho xin số điện thoại", reply_markup=keyboard)
    await lan.choose("Chia sẻ số")
    contact = (await _drain(ptb_bot))[-1].message
    assert contact is not None and contact.contact is not None
    assert contact.contact.phone_number == "+84901000001"
    assert contact.contact.user_id == lan.person_id
    assert (await lan.chat())["reply_keyboard"] is None  # one-time keyboard hides


async def test_share_someone_elses_contact(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan", "+84901000001")
    minh = await make_person("Minh", "+84901000002")
    await lan.share_contact_of(minh.person_id)
    await lan.share_contact_of(phone="+84909999999", first_name="Bà ngoại")
    updates = await _drain(ptb_bot)
    cards = [u.message.contact for u in updates if u.message and u.message.contact]
    assert [(c.phone_number, c.user_id) for c in cards] == [
        ("+84901000002", minh.person_id),
        ("+84909999999", None),
    ]


async def test_press_by_label_and_data(ptb_bot: telegram.Bot, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Có", callback_data="y"),
                InlineKeyboardButton("Không", callback_data="n"),
            ]
        ]
    )
    sent = await ptb_bot.send_message(lan.person_id, "Đi học?", reply_markup=keyboard)
    await ptb_bot.send_message(lan.person_id, "Nhắc lại", reply_markup=keyboard)
    await lan.press("Có")
    await lan.press(data="n", message_id=sent.message_id)
    with pytest.raises(SandboxClientError, match="no inline button"):
        await lan.press("Có lẽ")
    queries = [u.callback_query for u in await _drain(ptb_bot) if u.callback_query]
    assert [q.data for q in queries] == ["y", "n"]
    assert queries[0].id != queries[1].id
    assert queries[1].message is not None and queries[1].message.message_id == sent.message_id


async def test_reply_keyboard_choice_and_reading_the_chat(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    await ptb_bot.send_message(
        lan.person_id, "Chọn lớp", reply_markup=ReplyKeyboardMarkup([["1A", "1B"]])
    )
    assert (await lan.next_message())["text"] == "Chọn lớp"
    await lan.choose("1B")
    with pytest.raises(SandboxClientError):
        await lan.choose("2C")
    sent = await ptb_bot.send_message(lan.person_id, "Đã chọn 1B")
    await ptb_bot.edit_message_text("Đã chọn lớp 1B", lan.person_id, sent.message_id)
    first = await lan.next_message()
    edit = await lan.next_message()
    assert (first["text"], first["event"]) == ("Đã chọn lớp 1B", "message")
    assert edit["event"] == "edit" and edit["edited"] is True
    with pytest.raises(TimeoutError):
        await lan.next_message(timeout=0.2)
    chat = await lan.chat()
    assert [m["text"] for m in chat["messages"]] == ["hi", "Chọn lớp", "1B", "Đã chọn lớp 1B"]
    assert [m["from_bot"] for m in chat["messages"]] == [False, True, False, True]


async def test_person_file_downloaded_by_bot(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send_document(b"%PDF-1.4 giay xin phep", "don.pdf", caption="Đơn xin phép")
    await lan.send_photo(b"\xff\xd8\xff fake jpeg", caption="Ảnh")
    updates = await _drain(ptb_bot)
    document = updates[0].message
    assert document is not None and document.document is not None
    assert document.caption == "Đơn xin phép" and document.document.file_name == "don.pdf"
    file = await ptb_bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 giay xin phep"
    photo = updates[1].message
    assert photo is not None and photo.photo
    data = await (await photo.photo[-1].get_file()).download_as_bytearray()
    assert bytes(data).startswith(b"\xff\xd8")


async def test_block_and_unblock(ptb_bot: telegram.Bot, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    await lan.block()
    with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(lan.person_id, "Thông báo")
    await lan.unblock()
    await ptb_bot.send_message(lan.person_id, "Thông báo")
    changes = [u.my_chat_member for u in await _drain(ptb_bot) if u.my_chat_member]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        ("member", "kicked"),
        ("kicked", "member"),
    ]


async def test_unknown_chat_and_groups(ptb_bot: telegram.Bot, make_person: PersonFactory) -> None:
    stranger = await make_person("Stranger")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(stranger.person_id, "x")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(42, "x")
