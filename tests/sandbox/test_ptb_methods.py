"""PTB 22's Bot parses every answer of the sandbox's methods."""

from __future__ import annotations

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from sandbox.pytest_plugin import PersonFactory, SandboxBot

pytestmark = pytest.mark.usefixtures("no_rates")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03"
    b"\x08\x02\x00\x00\x00\x00\x00\x00\x00"
)


async def test_get_me(ptb_bot: telegram.Bot, sandbox_bot: SandboxBot) -> None:
    me = await ptb_bot.get_me()
    assert me.id == sandbox_bot.id
    assert me.is_bot and me.username == "school_test_bot"
    assert me.can_join_groups is True and me.has_main_web_app is False


async def test_messages_edits_and_keyboards(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan", "+84901000001")
    await lan.command("start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    sent = await ptb_bot.send_message(
        lan.person_id, "<b>Xin chào</b> &amp; <i>chào</i>", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Xin chào & chào"
    assert [e.type for e in sent.entities] == ["bold", "italic"]
    assert sent.reply_markup == keyboard
    assert sent.from_user is not None and sent.from_user.is_bot

    edited = await ptb_bot.edit_message_text(
        "Mới", chat_id=lan.person_id, message_id=sent.message_id
    )
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message is not modified"):
        await ptb_bot.edit_message_text("Mới", chat_id=lan.person_id, message_id=sent.message_id)
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("x", chat_id=lan.person_id, message_id=999)
    await ptb_bot.edit_message_reply_markup(
        chat_id=lan.person_id, message_id=sent.message_id, reply_markup=keyboard
    )

    contact_kb = ReplyKeyboardMarkup(
        [[KeyboardButton("Chia sẻ", request_contact=True)]], one_time_keyboard=True
    )
    reply = await ptb_bot.send_message(
        lan.person_id,
        "Số điện thoại?",
        reply_markup=contact_kb,
        reply_parameters=ReplyParameters(sent.message_id),
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    assert (await lan.chat())["reply_keyboard"]["keyboard"][0][0]["request_contact"] is True
    await ptb_bot.send_message(lan.person_id, "Xong", reply_markup=ReplyKeyboardRemove())
    assert (await lan.chat())["reply_keyboard"] is None

    copied = await ptb_bot.copy_message(lan.person_id, lan.person_id, sent.message_id)
    forwarded = await ptb_bot.forward_message(lan.person_id, lan.person_id, sent.message_id)
    assert copied.message_id < forwarded.message_id
    assert forwarded.forward_origin is not None
    assert await ptb_bot.delete_message(lan.person_id, copied.message_id)
    assert await ptb_bot.send_chat_action(lan.person_id, "typing")
    chat = await ptb_bot.get_chat(lan.person_id)
    assert chat.type == "private" and chat.first_name == "Lan"


async def test_files_and_media(ptb_bot: telegram.Bot, make_person: PersonFactory) -> None:
    lan = await make_person("Lan", "+84901000001")
    await lan.send("hi")
    photo = await ptb_bot.send_photo(lan.person_id, PNG, caption="<b>Ảnh</b>", parse_mode="HTML")
    assert photo.photo[-1].width == 2 and photo.caption == "Ảnh"
    doc = await ptb_bot.send_document(lan.person_id, b"hello", filename="a.txt", caption="Tệp")
    assert doc.document is not None and doc.document.file_name == "a.txt"
    again = await ptb_bot.send_document(lan.person_id, doc.document.file_id)
    assert again.document is not None and again.document.file_id == doc.document.file_id
    edited = await ptb_bot.edit_message_caption(
        chat_id=lan.person_id, message_id=doc.message_id, caption="Tệp mới"
    )
    assert isinstance(edited, telegram.Message) and edited.caption == "Tệp mới"
    album = await ptb_bot.send_media_group(
        lan.person_id,
        [InputMediaPhoto(PNG, caption="1"), InputMediaPhoto(photo.photo[-1].file_id)],
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    docs = await ptb_bot.send_media_group(
        lan.person_id,
        [InputMediaDocument(b"a", filename="1.txt"), InputMediaDocument(b"b", filename="2.txt")],
    )
    assert len(docs) == 2
    file = await ptb_bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"hello"
    view = await lan.last_message()
    assert view is not None and view["file"]["kind"] == "document"


async def test_commands_menu_callback_and_lifecycle(
    ptb_bot: telegram.Bot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    vi = [BotCommand("start", "Bắt đầu")]
    en = [BotCommand("start", "Start"), BotCommand("help", "Help")]
    assert await ptb_bot.set_my_commands(vi, language_code="vi")
    assert await ptb_bot.set_my_commands(en)
    scope = BotCommandScopeChat(lan.person_id)
    assert await ptb_bot.set_my_commands([BotCommand("admin", "Quản trị")], scope=scope)
    assert await ptb_bot.get_my_commands(language_code="vi") == tuple(vi)
    assert await ptb_bot.get_my_commands() == tuple(en)
    assert [c.command for c in await ptb_bot.get_my_commands(scope=scope)] == ["admin"]
    assert await ptb_bot.delete_my_commands(language_code="vi")
    assert await ptb_bot.get_my_commands(language_code="vi") == ()

    assert await ptb_bot.set_chat_menu_button(lan.person_id, MenuButtonCommands())
    assert (await ptb_bot.get_chat_menu_button(lan.person_id)).type == "commands"

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đồng ý", callback_data="ok")]])
    await ptb_bot.send_message(lan.person_id, "Xác nhận?", reply_markup=keyboard)
    await lan.press("Đồng ý")
    updates = await ptb_bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.data == "ok" and query.chat_instance
    assert await ptb_bot.answer_callback_query(query.id, "Đã lưu")
    assert (await lan.chat())["alerts"][-1]["text"] == "Đã lưu"
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)query ID is invalid"):
        await ptb_bot.answer_callback_query(query.id)
    assert await ptb_bot.close()
    assert await ptb_bot.log_out()
