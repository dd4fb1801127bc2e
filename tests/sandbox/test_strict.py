"""The strict sandbox refuses what Telegram would refuse, in Telegram's words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.__main__ import parse_args
from sandbox.apispec import SCALARS, Checker, SpecError, spec
from sandbox.client import PersonClient
from sandbox.config import SandboxConfig
from sandbox.pytest_plugin import PersonFactory, write_refusals
from sandbox.server import RunningSandbox
from tests.sandbox.conftest import RawApi

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03"
    b"\x08\x02\x00\x00\x00\x00\x00\x00\x00"
)
TEXT_BUTTON = "Bad Request: can't parse inline keyboard button: "


@pytest.fixture
def strict(sandbox: RunningSandbox) -> RunningSandbox:
    """The test's sandbox, strict and without send rates."""
    sandbox.config.strict = True
    sandbox.config.limits.rates = False
    return sandbox


@pytest.fixture
async def lan(strict: RunningSandbox, make_person: PersonFactory) -> PersonClient:
    """A person who has written to the bot, so the bot may write to her."""
    person = await make_person("Lan", "+84901000001")
    await person.send("hi")
    return person


async def refused(raw_api: RawApi, method: str, **params: Any) -> str:
    """Call a method that must fail with 400 and return Telegram's description."""
    status, body = await raw_api(method, **params)
    assert (status, body["ok"]) == (400, False), body
    return str(body["description"])


async def sent(raw_api: RawApi, method: str, **params: Any) -> Any:
    """Call a method that must succeed and return its result."""
    status, body = await raw_api(method, **params)
    assert status == 200, body
    return body["result"]


def test_strict_is_on_by_default() -> None:
    assert SandboxConfig().strict is True
    assert parse_args([]).strict is True and parse_args(["--loose"]).strict is False


async def test_loose_sandbox_lets_an_unknown_parse_mode_through(
    sandbox: RunningSandbox, raw_api: RawApi, make_person: PersonFactory
) -> None:
    sandbox.config.strict = False
    lan = await make_person("Lan")
    await lan.send("hi")
    result = await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="x", parse_mode="no")
    assert result["text"] == "x"


async def test_unknown_method_is_not_found(strict: RunningSandbox, raw_api: RawApi) -> None:
    status, body = await raw_api("sendTelepathy", chat_id=1)
    assert (status, body["description"]) == (404, "Not Found")


async def test_a_method_the_sandbox_lacks_says_so(strict: RunningSandbox, raw_api: RawApi) -> None:
    status, body = await raw_api("pinChatMessage", chat_id=1, message_id=1)
    assert status == 404
    assert body["description"] == "Not Found: the sandbox does not implement pinChatMessage"


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": "{me}"}, "Bad Request: message text is empty"),
        ("sendPhoto", {"chat_id": "{me}"}, "Bad Request: there is no photo in the request"),
        (
            "copyMessage",
            {"chat_id": "{me}", "from_chat_id": "{me}"},
            "Bad Request: message_id is empty",
        ),
        ("setMyCommands", {}, 'Bad Request: parameter "commands" is required'),
        ("getFile", {}, 'Bad Request: parameter "file_id" is required'),
    ],
    ids=["chat_id", "text", "photo", "message_id", "commands", "file_id"],
)
async def test_missing_required_parameter(
    raw_api: RawApi, lan: PersonClient, method: str, params: dict[str, Any], description: str
) -> None:
    params = {k: lan.person_id if v == "{me}" else v for k, v in params.items()}
    assert await refused(raw_api, method, **params) == description


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"message_id": "abc"}, 'parameter "message_id" must be of type Integer'),
        ({"text": {"a": 1}}, 'parameter "text" must be of type String'),
        (
            {"disable_notification": "maybe"},
            'parameter "disable_notification" must be of type Boolean',
        ),
        ({"entities": {"type": "bold"}}, "expected an Array of MessageEntity"),
        ({"reply_parameters": {"message_id": "x"}}, 'field "message_id" must be a valid Number'),
        ({"reply_parameters": {"message_id": [1]}}, 'field "message_id" must be of type Number'),
        (
            {"link_preview_options": {"is_disabled": "yes"}},
            'field "is_disabled" must be of type Boolean',
        ),
        ({"link_preview_options": {"url": True}}, 'field "url" must be of type String'),
    ],
    ids=[
        "integer",
        "string",
        "boolean",
        "array",
        "nested-number",
        "nested-type",
        "nested-boolean",
        "nested-string",
    ],
)
async def test_wrong_types(
    raw_api: RawApi, lan: PersonClient, params: dict[str, Any], description: str
) -> None:
    method = "editMessageText" if "message_id" in params else "sendMessage"
    params = {"chat_id": lan.person_id, "text": "hi", **params}
    assert await refused(raw_api, method, **params) == f"Bad Request: {description}"


async def test_wrong_type_of_a_float(strict: RunningSandbox) -> None:
    checker = Checker(spec())
    checker.object({"latitude": 10.5, "longitude": "106.7"}, "Location", "location")
    with pytest.raises(SpecError, match='Field "latitude" must be a valid Number'):
        checker.object({"latitude": "north", "longitude": 1}, "Location", "location")
    with pytest.raises(SpecError, match='Field "longitude" must be of type Number'):
        checker.object({"latitude": 1, "longitude": True}, "Location", "location")


def test_the_spec_names_only_types_it_defines() -> None:
    api = spec()
    named = {
        t.removeprefix("Array of ").removeprefix("Array of ")
        for kind in [*api.types.values(), *api.methods.values()]
        for field in kind.fields.values()
        for t in field.types
    }
    assert named - set(api.types) - SCALARS == set()
    assert api.version == "Bot API 10.1" and len(api.methods) == 180


def test_union_members_sharing_a_tag_are_each_tried() -> None:
    checker = Checker(spec())
    checker.object({"type": "audio", "id": "1", "audio_file_id": "x"}, "InlineQueryResult", "r")
    with pytest.raises(SpecError, match='Can\'t find field "audio_file_id"'):
        checker.object({"type": "audio", "id": "1"}, "InlineQueryResult", "r")


async def test_input_file_or_string(raw_api: RawApi, lan: PersonClient) -> None:
    me = lan.person_id
    assert (
        await refused(raw_api, "sendPhoto", chat_id=me, photo={"file_id": "x"})
        == 'Bad Request: field "photo" must be of type InputFile or String'
    )
    assert (
        await refused(raw_api, "sendPhoto", chat_id=me, photo="attach://nothing")
        == "Bad Request: there is no photo in the request"
    )


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ({"inline_keyboard": "x"}, 'field "inline_keyboard" must be of type Array'),
        (
            {"inline_keyboard": [{"text": "A", "callback_data": "a"}]},
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
        ),
        ({"keyboard": [{"text": "A"}]}, 'field "keyboard" must be an Array of Arrays'),
        ("{not json", "can't parse reply keyboard markup JSON object"),
        ([1], "object expected as reply markup"),
    ],
    ids=["not-array", "inline-rows", "reply-rows", "not-json", "not-object"],
)
async def test_keyboards_are_arrays_of_arrays(
    raw_api: RawApi, lan: PersonClient, markup: Any, description: str
) -> None:
    params = {"chat_id": lan.person_id, "text": "hi", "reply_markup": markup}
    assert await refused(raw_api, "sendMessage", **params) == f"Bad Request: {description}"


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "A"}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "A", "callback_data": ""}, "Text buttons are unallowed in the inline keyboard"),
        (
            {"text": "A", "url": "https://a.vn", "callback_data": "a"},
            "only one of url, callback_data may be used",
        ),
        ({"callback_data": "a"}, 'Can\'t find field "text"'),
        ({"text": "A", "callback_data": 5.5, "url": None}, None),
        ({"text": "A", "callback_data": True}, 'Field "callback_data" must be of type String'),
        ("A", "InlineKeyboardButton must be an Object"),
        (
            {"text": "A", "login_url": {"url": "https://a.vn", "request_write_access": "yes"}},
            'Field "request_write_access" must be of type Boolean',
        ),
    ],
    ids=[
        "no-action",
        "empty-data",
        "two-actions",
        "no-text",
        "number-as-data",
        "boolean-data",
        "string",
        "nested",
    ],
)
async def test_an_inline_button_does_exactly_one_thing(
    raw_api: RawApi, lan: PersonClient, button: Any, description: str | None
) -> None:
    params = {
        "chat_id": lan.person_id,
        "text": "hi",
        "reply_markup": {"inline_keyboard": [[button]]},
    }
    if description is None:
        await sent(raw_api, "sendMessage", **params)  # Telegram reads a number as a string
    else:
        assert await refused(raw_api, "sendMessage", **params) == TEXT_BUTTON + description


async def test_a_reply_button_needs_text(raw_api: RawApi, lan: PersonClient) -> None:
    markup = {"keyboard": [[{"request_contact": True}]]}
    description = await refused(
        raw_api, "sendMessage", chat_id=lan.person_id, text="hi", reply_markup=markup
    )
    assert description == "Bad Request: can't parse keyboard button: Can't find field \"text\""
    plain = {"keyboard": [["Có", {"text": "Không"}]], "one_time_keyboard": True}
    await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="hi", reply_markup=plain)


async def test_an_edit_takes_only_an_inline_keyboard(raw_api: RawApi, lan: PersonClient) -> None:
    message = await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="hi")
    params = {"chat_id": lan.person_id, "message_id": message["message_id"], "text": "ho"}
    markup = {"keyboard": [["Có"]]}
    assert (
        await refused(raw_api, "editMessageText", **params, reply_markup=markup)
        == "Bad Request: inline keyboard expected"
    )


@pytest.mark.parametrize("mode", ["Markdown3", "htm", "text"])
async def test_unsupported_parse_mode(raw_api: RawApi, lan: PersonClient, mode: str) -> None:
    params = {"chat_id": lan.person_id, "text": "hi", "parse_mode": mode}
    assert await refused(raw_api, "sendMessage", **params) == "Bad Request: unsupported parse_mode"


@pytest.mark.parametrize("mode", ["HTML", "html", "MarkdownV2", "markdownv2", "Markdown", "None"])
async def test_parse_modes_in_any_case(raw_api: RawApi, lan: PersonClient, mode: str) -> None:
    await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="hi", parse_mode=mode)


async def test_a_caption_with_an_unsupported_parse_mode(raw_api: RawApi, lan: PersonClient) -> None:
    document = await sent(
        raw_api, "sendDocument", chat_id=lan.person_id, document=await _document_id(lan)
    )
    params = {
        "chat_id": lan.person_id,
        "message_id": document["message_id"],
        "caption": "x",
        "parse_mode": "bbcode",
    }
    assert (
        await refused(raw_api, "editMessageCaption", **params)
        == "Bad Request: unsupported parse_mode"
    )


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("Hẹn gặp lại.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("1-2", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("Lớp (1A)", "Character '(' is reserved and must be escaped with the preceding '\\'"),
        ("a>b", "Character '>' is reserved and must be escaped with the preceding '\\'"),
        ("*đậm", "Can't find end of Bold entity at byte offset 0"),
        ("ok _nghiêng", "Can't find end of Italic entity at byte offset 3"),
    ],
    ids=["dot", "dash", "paren", "greater", "bold", "italic"],
)
async def test_markdown_v2_reserved_characters(
    raw_api: RawApi, lan: PersonClient, text: str, description: str
) -> None:
    params = {"chat_id": lan.person_id, "text": text, "parse_mode": "MarkdownV2"}
    assert await refused(raw_api, "sendMessage", **params) == (
        f"Bad Request: can't parse entities: {description}"
    )


async def test_markdown_v2_escaped_and_formatted(raw_api: RawApi, lan: PersonClient) -> None:
    text = "*Lớp 1A* \\(sáng\\) _đi học_ `9\\.30` [xem](https://a.vn/x) ||bí mật|| 1\\-2\\."
    result = await sent(
        raw_api, "sendMessage", chat_id=lan.person_id, text=text, parse_mode="MarkdownV2"
    )
    assert result["text"] == "Lớp 1A (sáng) đi học 9.30 xem bí mật 1-2."
    kinds = [(e["type"], e["offset"], e["length"]) for e in result["entities"]]
    assert kinds == [
        ("bold", 0, 6),
        ("italic", 14, 6),
        ("code", 21, 4),
        ("text_link", 26, 3),
        ("spoiler", 30, 6),
    ]
    assert result["entities"][3]["url"] == "https://a.vn/x"


async def test_legacy_markdown(raw_api: RawApi, lan: PersonClient) -> None:
    params = {"chat_id": lan.person_id, "parse_mode": "Markdown"}
    result = await sent(raw_api, "sendMessage", text="*đậm* a.b", **params)
    assert result["text"] == "đậm a.b" and result["entities"][0]["type"] == "bold"
    assert await refused(raw_api, "sendMessage", text="a *b", **params) == (
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2"
    )


async def _document_id(person: PersonClient) -> str:
    view = await person.send_document(b"%PDF-1.4", "don.pdf", mime_type="application/pdf")
    return str(view["file"]["file_id"])


async def test_type_of_file_mismatch(raw_api: RawApi, lan: PersonClient) -> None:
    document = await _document_id(lan)
    photo = (await lan.send_photo(PNG))["file"]["file_id"]
    me = lan.person_id
    mismatch = "Bad Request: type of file mismatch"
    assert await refused(raw_api, "sendPhoto", chat_id=me, photo=document) == mismatch
    assert await refused(raw_api, "sendDocument", chat_id=me, document=photo) == mismatch
    album = [{"type": "photo", "media": photo}, {"type": "photo", "media": document}]
    assert await refused(raw_api, "sendMediaGroup", chat_id=me, media=album) == mismatch
    await sent(raw_api, "sendPhoto", chat_id=me, photo=photo)
    await sent(raw_api, "sendDocument", chat_id=me, document=document)


async def test_video_voice_and_audio_are_their_own_kinds(
    raw_api: RawApi, lan: PersonClient
) -> None:
    video = (await lan.send_video(b"\x00\x00\x00\x18ftypmp42" + b"0" * 64))["file"]
    voice = (await lan.send_voice(b"OggS" + b"0" * 64))["file"]
    audio = (await lan.send_audio(b"ID3" + b"0" * 64, "bai-hat.mp3"))["file"]
    assert (video["kind"], voice["kind"], audio["kind"]) == ("video", "voice", "audio")
    me = lan.person_id
    document = await _document_id(lan)
    mismatch = "Bad Request: type of file mismatch"
    for method, field, wrong in (
        ("sendVideo", "video", voice["file_id"]),
        ("sendVoice", "voice", document),
        ("sendAudio", "audio", video["file_id"]),
        ("sendDocument", "document", voice["file_id"]),
    ):
        assert await refused(raw_api, method, chat_id=me, **{field: wrong}) == mismatch
    got = await sent(
        raw_api, "sendVideo", chat_id=me, video=video["file_id"], caption="Lễ khai giảng"
    )
    assert got["video"]["file_id"] == video["file_id"] and got["caption"] == "Lễ khai giảng"
    assert (await sent(raw_api, "sendVoice", chat_id=me, voice=voice["file_id"]))["voice"]
    assert (await sent(raw_api, "sendAudio", chat_id=me, audio=audio["file_id"]))["audio"]
    assert "Bad Request: " in await refused(raw_api, "sendVoice", chat_id=me)


async def test_an_album_does_not_mix_documents(raw_api: RawApi, lan: PersonClient) -> None:
    document = await _document_id(lan)
    photo = (await lan.send_photo(PNG))["file"]["file_id"]
    album = [{"type": "document", "media": document}, {"type": "photo", "media": photo}]
    assert await refused(raw_api, "sendMediaGroup", chat_id=lan.person_id, media=album) == (
        "Bad Request: can't use the media of the specified type in the album"
    )
    odd = [{"type": "sticker", "media": photo}, {"type": "photo", "media": photo}]
    assert await refused(raw_api, "sendMediaGroup", chat_id=lan.person_id, media=odd) == (
        'Bad Request: can\'t parse InputMedia: type "sticker" is unsupported'
    )


async def test_callback_answer_text_is_at_most_200_characters(
    strict: RunningSandbox, raw_api: RawApi, lan: PersonClient
) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="hi", reply_markup=markup)
    first = (await lan.press("A"))["callback_query_id"]
    assert await refused(
        raw_api, "answerCallbackQuery", callback_query_id=first, text="x" * 201
    ) == ("Bad Request: MESSAGE_TOO_LONG")
    assert await sent(raw_api, "answerCallbackQuery", callback_query_id=first, text="ả" * 200)


@pytest.mark.parametrize(
    ("scope", "description"),
    [
        ({"type": "everyone"}, "can't parse BotCommandScope: Unsupported type specified"),
        ({"type": "chat"}, "can't parse BotCommandScope: Can't find field \"chat_id\""),
        (
            {"type": "chat_member", "chat_id": "{me}"},
            "can't parse BotCommandScope: Can't find field \"user_id\"",
        ),
        ({"chat_id": 1}, "can't parse BotCommandScope: Can't find field \"type\""),
        ("default", "can't parse BotCommandScope JSON object"),
        ({"type": "chat", "chat_id": 123}, "chat not found"),
    ],
    ids=["type", "chat_id", "user_id", "no-type", "not-json", "unknown-chat"],
)
async def test_bad_command_scope(
    raw_api: RawApi, lan: PersonClient, scope: Any, description: str
) -> None:
    if isinstance(scope, dict):
        scope = {k: lan.person_id if v == "{me}" else v for k, v in scope.items()}
    commands = [{"command": "start", "description": "Bắt đầu"}]
    assert await refused(raw_api, "setMyCommands", commands=commands, scope=scope) == (
        f"Bad Request: {description}"
    )


@pytest.mark.parametrize("code", ["zh-hans", "VI", "vie", "v"])
async def test_bad_language_code(raw_api: RawApi, lan: PersonClient, code: str) -> None:
    commands = [{"command": "start", "description": "Bắt đầu"}]
    assert await refused(raw_api, "setMyCommands", commands=commands, language_code=code) == (
        "Bad Request: invalid language code specified"
    )
    assert await sent(raw_api, "getMyCommands", language_code="vi") == []


async def test_malformed_reply_parameters(raw_api: RawApi, lan: PersonClient) -> None:
    me = lan.person_id
    assert await refused(
        raw_api, "sendMessage", chat_id=me, text="hi", reply_parameters={"quote": "x"}
    ) == ('Bad Request: can\'t find field "message_id"')
    assert await refused(raw_api, "sendMessage", chat_id=me, text="hi", reply_parameters=5) == (
        "Bad Request: object expected as reply parameters"
    )
    form = {"chat_id": str(me), "text": "hi", "reply_parameters": "{message_id: 1"}
    response = await raw_api.http.post(f"{raw_api.base}/sendMessage", data=form)
    assert response.json()["description"] == "Bad Request: can't parse reply parameters JSON object"
    await sent(raw_api, "sendMessage", chat_id=me, text="hi", reply_parameters={})


async def test_malformed_link_preview_options(raw_api: RawApi, lan: PersonClient) -> None:
    me = lan.person_id
    assert await refused(
        raw_api, "sendMessage", chat_id=me, text="hi", link_preview_options=[1]
    ) == ("Bad Request: object expected as link preview options")
    await sent(
        raw_api, "sendMessage", chat_id=me, text="hi", link_preview_options={"is_disabled": True}
    )


@pytest.mark.parametrize(
    ("entities", "description"),
    [
        (
            [{"type": "shout", "offset": 0, "length": 1}],
            "can't parse MessageEntity: Unsupported type specified",
        ),
        (
            [{"type": "text_link", "offset": 0, "length": 1}],
            "can't parse MessageEntity: Can't find field \"url\"",
        ),
        ([{"type": "bold", "offset": 0}], "can't parse MessageEntity: Can't find field \"length\""),
        (
            [{"type": "bold", "offset": 9, "length": 1}],
            "entity begins after the end of the text at UTF-16 offset 9",
        ),
        (
            [{"type": "bold", "offset": 0, "length": 9}],
            "entity beginning at UTF-16 offset 0 ends after the end of the text at UTF-16 offset 9",
        ),
    ],
    ids=["type", "url", "length", "begins-after", "ends-after"],
)
async def test_bad_entities(
    raw_api: RawApi, lan: PersonClient, entities: list[dict[str, Any]], description: str
) -> None:
    params = {"chat_id": lan.person_id, "text": "hi", "entities": entities}
    assert await refused(raw_api, "sendMessage", **params) == f"Bad Request: {description}"


async def test_unknown_allowed_updates_are_dropped(strict: RunningSandbox, raw_api: RawApi) -> None:
    (bot,) = strict.state.bots.values()
    await sent(raw_api, "getUpdates", allowed_updates=["message", "callback_query", "telepathy"])
    assert bot.allowed_updates == ["message", "callback_query"]
    await sent(raw_api, "getUpdates", allowed_updates=["telepathy"])
    assert bot.allowed_updates is None  # nothing known left: the default set
    info = await sent(raw_api, "getWebhookInfo")
    assert "allowed_updates" not in info


async def test_a_menu_button_of_an_unknown_type(strict: RunningSandbox, raw_api: RawApi) -> None:
    assert await refused(raw_api, "setChatMenuButton", menu_button={"type": "burger"}) == (
        "Bad Request: can't parse menu button: MenuButton has unsupported type"
    )


async def test_refusals_are_recorded_and_logged(
    strict: RunningSandbox, raw_api: RawApi, lan: PersonClient, tmp_path: Path
) -> None:
    await refused(raw_api, "sendMessage", chat_id=lan.person_id, text="x", parse_mode="bbcode")
    await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="x")
    status, _ = await raw_api("deleteMessage", chat_id=lan.person_id, message_id=99)
    assert status == 400  # refused by the loose sandbox too, so not a strict refusal
    (call,) = strict.state.recorder.find(ok=False, method="sendMessage")
    assert call.strict
    log = tmp_path / "refusals.jsonl"
    write_refusals(strict, "tests/x.py::test_y", log)
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == {
        "test": "tests/x.py::test_y",
        "method": "sendMessage",
        "code": 400,
        "error": "Bad Request: unsupported parse_mode",
    }


async def test_uploads_must_be_non_empty_and_photos_images(
    raw_api: RawApi, lan: PersonClient
) -> None:
    async def upload(method: str, field: str, data: bytes) -> str:
        form = {"chat_id": str(lan.person_id)}
        files = {field: ("a.bin", data, "application/octet-stream")}
        response = await raw_api.http.post(f"{raw_api.base}/{method}", data=form, files=files)
        body = response.json()
        return "sent" if body["ok"] else str(body["description"])

    assert await upload("sendDocument", "document", b"") == "Bad Request: file must be non-empty"
    assert await upload("sendPhoto", "photo", b"not an image") == (
        "Bad Request: IMAGE_PROCESS_FAILED"
    )
    album = '[{"type":"document","media":"attach://a"},{"type":"document","media":"attach://b"}]'
    form = {"chat_id": str(lan.person_id), "media": album}
    files = {"a": ("a.txt", b"a", "text/plain"), "b": ("b.txt", b"", "text/plain")}
    response = await raw_api.http.post(f"{raw_api.base}/sendMediaGroup", data=form, files=files)
    assert response.json()["description"] == "Bad Request: file must be non-empty"
    assert await upload("sendPhoto", "photo", PNG) == "sent"
