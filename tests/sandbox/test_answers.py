"""Every object the sandbox answers with is shaped as the Bot API spec says."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.apispec import Checker, SpecError, spec
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from sandbox.world import Bot, BrokenUpdate, World, check_update
from tests.sandbox.conftest import RawApi

pytestmark = pytest.mark.usefixtures("no_rates")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03"
    b"\x08\x02\x00\x00\x00\x00\x00\x00\x00"
)
KEYBOARD = {"inline_keyboard": [[{"text": "Đồng ý", "callback_data": "ok"}]]}


def conforms(method: str, result: Any) -> None:
    """Assert that a method's result has the type, fields and field types the spec gives."""
    kind = spec().method(method)
    assert kind is not None, method
    try:
        Checker(spec(), answer=True).check(result, kind.returns, "result")
    except SpecError as exc:
        pytest.fail(f"{method}: {exc.message} at {exc.at('result').where()}\n{result!r}")


async def answer(raw_api: RawApi, method: str, **params: Any) -> Any:
    """Call a method, check its answer against the spec and return the result."""
    status, body = await raw_api(method, **params)
    assert status == 200, body
    conforms(method, body["result"])
    return body["result"]


async def test_the_checker_sees_what_is_wrong() -> None:
    checker = Checker(spec(), answer=True)
    user = {"id": 1, "is_bot": False, "first_name": "Lan"}
    checker.object(user, "User", "from")
    with pytest.raises(SpecError, match='User has no field "nickname"'):
        checker.object({**user, "nickname": "L"}, "User", "from")
    with pytest.raises(SpecError, match='Can\'t find field "first_name"'):
        checker.object({"id": 1, "is_bot": False}, "User", "from")
    with pytest.raises(SpecError, match='Field "id" must be of type Number'):
        checker.object({**user, "id": "1"}, "User", "from")
    with pytest.raises(SpecError, match='Field "is_bot" must be of type Boolean'):
        checker.object({**user, "is_bot": 0}, "User", "from")
    with pytest.raises(SpecError, match='Field "last_name" is null'):
        checker.object({**user, "last_name": None}, "User", "from")
    chat = {"id": 1, "type": "private"}
    message = {"message_id": 1, "date": 0, "chat": chat, "from": {**user, "age": 7}}
    with pytest.raises(SpecError) as caught:
        checker.object(message, "Message", "message")
    assert caught.value.at("result").where() == "result.from.age"


async def test_messages_and_edits(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan", "+84901000001")
    await lan.send("xin chào")
    me = lan.person_id
    await answer(raw_api, "getMe")
    first = await answer(
        raw_api,
        "sendMessage",
        chat_id=me,
        text="<b>Lớp 1A</b> &amp; <a href='https://a.vn'>xem</a>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    await answer(
        raw_api,
        "sendMessage",
        chat_id=me,
        text="Trả lời",
        reply_parameters={"message_id": first["message_id"]},
        reply_markup={"keyboard": [[{"text": "Chia sẻ", "request_contact": True}]]},
    )
    await answer(
        raw_api, "sendMessage", chat_id=me, text="Xong", reply_markup={"remove_keyboard": True}
    )
    ids = {"chat_id": me, "message_id": first["message_id"]}
    await answer(raw_api, "editMessageText", **ids, text="Mới", reply_markup=KEYBOARD)
    await answer(raw_api, "editMessageReplyMarkup", **ids)
    await answer(
        raw_api, "copyMessage", chat_id=me, from_chat_id=me, message_id=first["message_id"]
    )
    forwarded = await answer(
        raw_api, "forwardMessage", chat_id=me, from_chat_id=me, message_id=first["message_id"]
    )
    assert forwarded["forward_origin"]["type"] == "user"
    await answer(raw_api, "deleteMessage", chat_id=me, message_id=forwarded["message_id"])
    await answer(raw_api, "sendChatAction", chat_id=me, action="typing")
    await answer(raw_api, "getChat", chat_id=me)


async def test_files(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan", "+84901000001")
    await lan.send("xin chào")
    me = lan.person_id
    document = await lan.send_document(b"%PDF-1.4", "don.pdf", mime_type="application/pdf")
    photo = await lan.send_photo(PNG, caption="Ảnh")
    sent_document = await answer(
        raw_api, "sendDocument", chat_id=me, document=document["file"]["file_id"], caption="Đơn"
    )
    await answer(raw_api, "sendPhoto", chat_id=me, photo=photo["file"]["file_id"])
    await answer(
        raw_api,
        "editMessageCaption",
        chat_id=me,
        message_id=sent_document["message_id"],
        caption="<i>Đơn mới</i>",
        parse_mode="HTML",
    )
    album = [
        {"type": "photo", "media": photo["file"]["file_id"], "caption": "1"},
        {"type": "photo", "media": photo["file"]["file_id"]},
    ]
    await answer(raw_api, "sendMediaGroup", chat_id=me, media=album)
    await answer(raw_api, "getFile", file_id=document["file"]["file_id"])
    upload = await raw_api.http.post(
        f"{raw_api.base}/sendPhoto",
        data={"chat_id": str(me), "caption": "tải lên"},
        files={"photo": ("a.png", PNG, "image/png")},
    )
    conforms("sendPhoto", upload.json()["result"])


async def test_updates_of_every_kind(
    raw_api: RawApi, make_person: PersonFactory, sandbox: RunningSandbox
) -> None:
    lan = await make_person("Lan", "+84901000001")
    minh = await make_person("Minh", "+84901000002")
    await lan.command("start", "CODE")
    await answer(
        raw_api,
        "sendMessage",
        chat_id=lan.person_id,
        text="Số điện thoại?",
        reply_markup={"keyboard": [[{"text": "Chia sẻ", "request_contact": True}]]},
    )
    await lan.share_contact()
    await lan.share_contact_of(minh.person_id)
    await lan.send_document(b"x", "a.txt")
    await lan.send_photo(PNG, caption="Ảnh")
    await answer(raw_api, "sendMessage", chat_id=lan.person_id, text="Chọn", reply_markup=KEYBOARD)
    await lan.press("Đồng ý")
    reply = await lan.send("trả lời", reply_to=1)
    assert reply["reply_to"] == 1
    await lan.block()
    await lan.unblock()
    group = sandbox.create_group("Lớp 1A", [lan.person_id, minh.person_id])
    await lan.send("chào lớp", chat_id=group.id)
    updates = await answer(raw_api, "getUpdates")
    kinds = {next(k for k in update if k != "update_id") for update in updates}
    assert kinds == {"message", "callback_query", "my_chat_member"}
    query = next(u["callback_query"] for u in updates if "callback_query" in u)
    await answer(raw_api, "answerCallbackQuery", callback_query_id=query["id"], text="Đã lưu")
    await answer(raw_api, "getChat", chat_id=group.id)


async def test_settings(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    commands = [{"command": "start", "description": "Bắt đầu"}]
    scope = {"type": "chat", "chat_id": lan.person_id}
    await answer(raw_api, "setMyCommands", commands=commands, scope=scope, language_code="vi")
    await answer(raw_api, "getMyCommands", scope=scope, language_code="vi")
    await answer(raw_api, "deleteMyCommands", scope=scope, language_code="vi")
    await answer(
        raw_api, "setChatMenuButton", chat_id=lan.person_id, menu_button={"type": "commands"}
    )
    await answer(raw_api, "getChatMenuButton", chat_id=lan.person_id)
    await answer(raw_api, "getWebhookInfo")
    await answer(
        raw_api, "setWebhook", url="https://bot.example.vn/hook", allowed_updates=["message"]
    )
    await answer(raw_api, "getWebhookInfo")
    await answer(raw_api, "deleteWebhook", drop_pending_updates=True)
    await answer(raw_api, "close")


async def test_a_strict_sandbox_reports_its_own_broken_answer(
    sandbox: RunningSandbox, raw_api: RawApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.config.strict = True
    broken = Bot.me
    monkeypatch.setattr(Bot, "me", lambda self: {**broken(self), "mood": "happy"})
    status, body = await raw_api("getMe")
    assert status == 500
    assert body["description"] == (
        "Internal Server Error: the sandbox's answer breaks the spec at result.mood: "
        'User has no field "mood"'
    )


async def test_every_update_is_checked_when_made_for_polling_and_webhooks_alike(
    sandbox: RunningSandbox, make_person: PersonFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Updates are checked where they are made, so what a webhook receives is held to the spec
    # as what getUpdates answers is; a broken one fails the person's call that made it.
    sandbox.config.strict = True
    lan = await make_person("Lan")
    await lan.send("chào cô")  # a well-formed update goes through
    (bot,) = sandbox.state.bots.values()
    assert any("message" in update for update in bot.updates)
    made = World.push_update

    def with_mood(self: World, bot: Bot, kind: str, payload: dict[str, Any]) -> None:
        made(self, bot, kind, {**payload, "mood": "happy"})

    monkeypatch.setattr(World, "push_update", with_mood)
    with pytest.raises(Exception):  # noqa: B017  (the user API answers 500)
        await lan.send("chào cô lần nữa")
    assert not any("chào cô lần nữa" in str(update) for update in bot.updates)
    with pytest.raises(BrokenUpdate, match=r"update\.message: Can't find field \"message_id\""):
        check_update({"update_id": 1, "message": {"date": 0}})
