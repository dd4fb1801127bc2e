"""Bot API methods that send, copy, forward, edit and delete messages."""

from __future__ import annotations

import itertools
import time
from typing import Any

from starlette.datastructures import UploadFile

from sandbox.botapi import Call, method
from sandbox.errors import bad_request, forbidden
from sandbox.limits import check_markup, format_text
from sandbox.world import ChatLog, Entry

_media_groups = itertools.count(13_000_000_000_000_001)


def int_param(call: Call, name: str) -> int:
    """A required integer parameter or Telegram's 400."""
    value = call.params.get(name)
    try:
        return int(str(value))
    except ValueError:
        raise bad_request(
            f"{name} is empty" if value in (None, "") else f"invalid {name}"
        ) from None


def resolve_chat(call: Call, name: str = "chat_id") -> tuple[int, bool]:
    """The chat a bot addresses, checked like Telegram: (chat id, is a group)."""
    world, bot = call.world, call.bot
    raw = call.params.get(name)
    if raw in (None, ""):
        raise bad_request(f"{name} is empty")
    text = str(raw)
    if not text.lstrip("-").isdigit():
        raise bad_request("chat not found")
    chat_id = int(text)
    if chat_id in world.faults.config.missing_chats:
        raise bad_request("chat not found")
    group = world.groups.get(chat_id)
    if group is not None:
        if bot.id not in group.bots:
            raise forbidden("bot is not a member of the group chat")
        return chat_id, True
    person = world.people.get(chat_id)
    if person is None:
        raise bad_request("chat not found")
    if world.config.limits.require_contact and chat_id not in bot.contacts:
        raise bad_request("chat not found")
    if bot.id in person.blocked or chat_id in world.faults.config.forbidden_people:
        raise forbidden("bot was blocked by the user")
    return chat_id, False


def _split_markup(call: Call) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    markup = call.params.get("reply_markup")
    if markup is None or markup == "":
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    check_markup(markup, call.world.config.limits)
    if "inline_keyboard" in markup:
        return (_as_returned(markup) if call.world.config.strict else markup), None
    if "keyboard" in markup or markup.get("remove_keyboard"):
        return None, markup
    return None, None


def _as_returned(markup: dict[str, Any]) -> dict[str, Any]:
    # Telegram answers with the keyboard it understood: no nulls, callback data as a string.
    rows = [
        [
            {k: str(v) if k == "callback_data" else v for k, v in button.items() if v is not None}
            for button in row
        ]
        for row in markup["inline_keyboard"]
    ]
    return {"inline_keyboard": rows}


def _reply_to(call: Call, chat_id: int) -> int | None:
    params = call.params.get("reply_parameters")
    target: Any = call.params.get("reply_to_message_id")
    allow = call.params.get("allow_sending_without_reply") in (True, "true", "True")
    if isinstance(params, dict):
        target = params.get("message_id", target)
        allow = bool(params.get("allow_sending_without_reply", allow))
    if target in (None, ""):
        return None
    log = call.world.chats.get((call.bot.id, chat_id))
    entry = log.by_id.get(int(target)) if log else None
    if entry is None or entry.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return int(target)


async def _deliver(call: Call, content: dict[str, Any]) -> Entry:
    chat_id, is_group = resolve_chat(call)
    inline, keyboard = _split_markup(call)
    if inline is not None:
        content["reply_markup"] = inline
    reply_to = _reply_to(call, chat_id)
    call.world.limiter.check(call.bot.id, chat_id, is_group)
    return call.world.add_message(
        call.bot,
        chat_id,
        call.bot.user(),
        content,
        outgoing=True,
        reply_keyboard=keyboard,
        reply_to=reply_to,
    )


def _caption(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("caption") in (None, ""):
        return {}
    text, entities = format_text(
        params.get("caption"),
        params.get("parse_mode"),
        params.get("caption_entities"),
        call.world.config.limits,
        caption=True,
        strict=call.world.config.strict,
    )
    return {"caption": text, "caption_entities": entities} if entities else {"caption": text}


async def _input_file(call: Call, value: Any, kind: str) -> dict[str, Any]:
    files = call.world.files
    if isinstance(value, str) and value.startswith("attach://"):
        value = call.uploads.get(value.removeprefix("attach://"))
    if isinstance(value, UploadFile):
        stored = files.add(await value.read(), kind, value.filename, value.content_type)
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    else:
        found = files.get(str(value)) if value else None
        if found is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = found
    if stored.kind != kind:  # a lenient sandbox lets it through; Telegram would refuse
        return {kind: stored.as_photo()} if kind == "photo" else {kind: stored.as_document()}
    return stored.as_media()


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    """sendMessage."""
    p = call.params
    text, entities = format_text(
        p.get("text"),
        p.get("parse_mode"),
        p.get("entities"),
        call.world.config.limits,
        strict=call.world.config.strict,
    )
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    return (await _deliver(call, content)).message


_SEND_KINDS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvideo": "video",
    "sendvoice": "voice",
    "sendaudio": "audio",
}


@method("sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio")
async def send_file(call: Call) -> dict[str, Any]:
    """sendPhoto, sendDocument, sendVideo, sendVoice and sendAudio."""
    kind = _SEND_KINDS[call.method]
    resolve_chat(call)
    content = {
        **_caption(call, call.params),
        **await _input_file(call, call.params.get(kind), kind),
    }
    return (await _deliver(call, content)).message


_ALBUM_KINDS = ("photo", "video", "document", "audio")


@method("sendMediaGroup")
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    """sendMediaGroup (photos, videos, documents and audio)."""
    media = call.params.get("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("wrong number of messages in the media group, must be 2-10")
    chat_id, is_group = resolve_chat(call)
    contents = []
    for item in media:
        kind = item.get("type") if item.get("type") in _ALBUM_KINDS else "document"
        contents.append(
            {**_caption(call, item), **await _input_file(call, item.get("media"), kind)}
        )
    reply_to = _reply_to(call, chat_id)
    call.world.limiter.check(call.bot.id, chat_id, is_group)
    group_id = str(next(_media_groups))
    return [
        call.world.add_message(
            call.bot,
            chat_id,
            call.bot.user(),
            {**content, "media_group_id": group_id},
            outgoing=True,
            reply_to=reply_to,
        ).message
        for content in contents
    ]


_COPIED = (
    "text",
    "entities",
    "photo",
    "document",
    "video",
    "voice",
    "audio",
    "caption",
    "caption_entities",
    "contact",
)


def _source(call: Call, verb: str) -> Entry:
    from_chat = int_param(call, "from_chat_id")
    message_id = int_param(call, "message_id")
    log = call.world.chats.get((call.bot.id, from_chat))
    entry = log.by_id.get(message_id) if log else None
    if entry is None or entry.deleted:
        raise bad_request(f"message to {verb} not found")
    return entry


@method("copyMessage")
async def copy_message(call: Call) -> dict[str, Any]:
    """copyMessage: the content without a link to the original."""
    source = _source(call, "copy")
    content = {k: v for k, v in source.message.items() if k in _COPIED}
    if "caption" in call.params:
        content.pop("caption_entities", None)
        content.pop("caption", None)
        content.update(_caption(call, call.params))
    return {"message_id": (await _deliver(call, content)).message["message_id"]}


@method("forwardMessage")
async def forward_message(call: Call) -> dict[str, Any]:
    """forwardMessage: the content with its forward_origin."""
    source = _source(call, "forward")
    content = {k: v for k, v in source.message.items() if k in _COPIED}
    origin = source.message.get("from") or call.bot.user()
    content["forward_origin"] = {
        "type": "user",
        "sender_user": origin,
        "date": source.message["date"],
    }
    return (await _deliver(call, content)).message


def _editable(call: Call) -> tuple[ChatLog, Entry]:
    if call.params.get("inline_message_id"):
        raise bad_request("inline messages are not supported by the sandbox")
    chat_id, _ = resolve_chat(call)
    message_id = int_param(call, "message_id")
    log = call.world.chats.get((call.bot.id, chat_id))
    entry = log.by_id.get(message_id) if log else None
    if log is None or entry is None or entry.deleted:
        raise bad_request("message to edit not found")
    if not entry.outgoing:
        raise bad_request("message can't be edited")
    return log, entry


def _apply_edit(call: Call, log: ChatLog, entry: Entry, changes: dict[str, Any]) -> Any:
    message = entry.message
    if all(message.get(k) == (v or None) for k, v in changes.items()):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    for key, value in changes.items():
        if value:
            message[key] = value
        else:
            message.pop(key, None)
    message["edit_date"] = max(message["date"], int(time.time()))
    entry.edited = True
    call.world.touch(entry, log, "edit")
    return message


@method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    """editMessageText."""
    log, entry = _editable(call)
    if "text" not in entry.message:
        raise bad_request("there is no text in the message to edit")
    p = call.params
    text, entities = format_text(
        p.get("text"),
        p.get("parse_mode"),
        p.get("entities"),
        call.world.config.limits,
        strict=call.world.config.strict,
    )
    inline, _ = _split_markup(call)
    return _apply_edit(
        call, log, entry, {"text": text, "entities": entities, "reply_markup": inline}
    )


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> Any:
    """editMessageCaption."""
    log, entry = _editable(call)
    if "text" in entry.message:
        raise bad_request("there is no caption in the message to edit")
    caption = _caption(call, call.params)
    inline, _ = _split_markup(call)
    changes = {
        "caption": caption.get("caption"),
        "caption_entities": caption.get("caption_entities"),
        "reply_markup": inline,
    }
    return _apply_edit(call, log, entry, changes)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    """editMessageReplyMarkup."""
    log, entry = _editable(call)
    inline, _ = _split_markup(call)
    return _apply_edit(call, log, entry, {"reply_markup": inline})


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    """deleteMessage."""
    chat_id, _ = resolve_chat(call)
    message_id = int_param(call, "message_id")
    log = call.world.chats.get((call.bot.id, chat_id))
    entry = log.by_id.get(message_id) if log else None
    if log is None or entry is None or entry.deleted:
        raise bad_request("message to delete not found")
    entry.deleted = True
    call.world.touch(entry, log, "delete")
    return True
