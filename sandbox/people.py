"""What people do towards a bot: messages, contacts, buttons, files, blocking."""

from __future__ import annotations

import time
from typing import Any

from sandbox.errors import UserError
from sandbox.views import entry_view
from sandbox.world import Bot, Entry, Person, World


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    end = 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return [
        {"type": "bot_command", "offset": 0, "length": len(text[:end].encode("utf-16-le")) // 2}
    ]


def _chat_id(world: World, person: Person, bot: Bot, chat_id: int | None) -> int:
    if chat_id is None or chat_id == person.id:
        return person.id
    group = world.groups.get(chat_id)
    if group is None or person.id not in group.members or bot.id not in group.bots:
        raise UserError(f"person {person.id} and bot {bot.id} are not both in chat {chat_id}")
    return chat_id


def _deliver(
    world: World,
    person: Person,
    bot: Bot,
    content: dict[str, Any],
    chat_id: int | None = None,
    reply_to: int | None = None,
) -> dict[str, Any]:
    target = _chat_id(world, person, bot, chat_id)
    if target == person.id and bot.id in person.blocked:
        # Writing to a blocked bot restarts it, as Telegram's "Restart" button does.
        set_blocked(world, person, bot, blocked=False)
    bot.contacts.add(target)
    entry = world.add_message(
        bot, target, person.user(), content, outgoing=False, reply_to=reply_to
    )
    world.push_update(bot, "message", entry.message)
    return entry_view(world, entry)


def send_text(
    world: World,
    person: Person,
    bot: Bot,
    text: str,
    chat_id: int | None = None,
    reply_to: int | None = None,
) -> dict[str, Any]:
    """The person sends a text (a "/command" gets its bot_command entity)."""
    if not text.strip():
        raise UserError("text must not be empty")
    content: dict[str, Any] = {"text": text}
    entities = _command_entities(text)
    if entities:
        content["entities"] = entities
    return _deliver(world, person, bot, content, chat_id, reply_to)


def _keyboard_buttons(world: World, bot: Bot, person: Person) -> list[dict[str, Any]]:
    keyboard = world.chat_log(bot.id, person.id).keyboard
    if not keyboard:
        return []
    rows = keyboard.get("keyboard") or []
    return [b if isinstance(b, dict) else {"text": str(b)} for row in rows for b in row]


def _hide_one_time(world: World, bot: Bot, person: Person) -> None:
    log = world.chat_log(bot.id, person.id)
    if log.keyboard and log.keyboard.get("one_time_keyboard"):
        log.keyboard = None
        world.bump()


def share_contact(
    world: World, person: Person, bot: Bot, *, require_button: bool = True
) -> dict[str, Any]:
    """The person shares their own phone number via a request_contact button."""
    if require_button and not any(
        b.get("request_contact") for b in _keyboard_buttons(world, bot, person)
    ):
        raise UserError("the current reply keyboard has no request_contact button")
    _hide_one_time(world, bot, person)
    contact: dict[str, Any] = {
        "phone_number": person.phone,
        "first_name": person.first_name,
        "user_id": person.id,
    }
    if person.last_name:
        contact["last_name"] = person.last_name
    return _deliver(world, person, bot, {"contact": contact})


def share_contact_of(
    world: World,
    person: Person,
    bot: Bot,
    *,
    other_id: int | None = None,
    phone: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> dict[str, Any]:
    """The person forwards a contact card of someone else (a person or a bare number)."""
    contact: dict[str, Any]
    if other_id is not None:
        other = world.person(other_id)
        contact = {
            "phone_number": phone or other.phone,
            "first_name": first_name or other.first_name,
            "user_id": other.id,
        }
        if last_name or other.last_name:
            contact["last_name"] = last_name or other.last_name
    else:
        if not phone:
            raise UserError("a contact needs a phone number or another person's id")
        contact = {"phone_number": phone, "first_name": first_name or phone}
        if last_name:
            contact["last_name"] = last_name
    return _deliver(world, person, bot, {"contact": contact})


def choose(world: World, person: Person, bot: Bot, label: str) -> dict[str, Any]:
    """The person taps a reply keyboard button."""
    buttons = _keyboard_buttons(world, bot, person)
    for button in buttons:
        if button.get("text") == label:
            if button.get("request_contact"):
                return share_contact(world, person, bot)
            _hide_one_time(world, bot, person)
            return send_text(world, person, bot, label)
    shown = [b.get("text") for b in buttons]
    raise UserError(f"no reply keyboard button {label!r}; the keyboard shows {shown}")


def _target_message(world: World, person: Person, bot: Bot, message_id: int | None) -> Entry:
    log = world.chat_log(bot.id, person.id)
    if message_id is not None:
        entry = log.by_id.get(message_id)
        if entry is None or entry.deleted:
            raise UserError(f"no message {message_id} in the chat")
        return entry
    for entry in reversed(log.entries):
        if entry.outgoing and not entry.deleted:
            return entry
    raise UserError("the bot has not sent any message yet")


def press(
    world: World,
    person: Person,
    bot: Bot,
    *,
    label: str | None = None,
    data: str | None = None,
    message_id: int | None = None,
    forged: bool = False,
) -> dict[str, Any]:
    """The person presses an inline button (by label or callback_data) on a bot message.

    With `forged`, the callback data need not be on any button, as a modified client can send.
    """
    entry = _target_message(world, person, bot, message_id)
    rows = (entry.message.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = [b for row in rows for b in row]
    if forged and data is not None:
        buttons = [{"text": "(forged)", "callback_data": data}]
    for button in buttons:
        if (label is not None and button.get("text") == label) or (
            data is not None and button.get("callback_data") == data
        ):
            if "callback_data" not in button:
                raise UserError(f"button {button.get('text')!r} has no callback_data")
            query_id = world.new_callback_id(bot.id, person.id)
            log = world.chat_log(bot.id, person.id)
            query = {
                "id": query_id,
                "from": person.user(),
                "message": entry.message,
                "chat_instance": log.instance,
                "data": button["callback_data"],
            }
            world.push_update(bot, "callback_query", query)
            world.bump()
            return {"callback_query_id": query_id, "message_id": entry.message["message_id"]}
    shown = [(b.get("text"), b.get("callback_data")) for b in buttons]
    wanted = f"label {label!r}" if label is not None else f"data {data!r}"
    raise UserError(
        f"no inline button with {wanted} on message {entry.message['message_id']}; "
        f"buttons there: {shown}"
    )


def send_file(
    world: World,
    person: Person,
    bot: Bot,
    data: bytes,
    file_name: str,
    *,
    kind: str,
    caption: str | None = None,
    mime_type: str | None = None,
    chat_id: int | None = None,
) -> dict[str, Any]:
    """The person sends a photo, document, video, voice note or audio with an optional
    caption (a voice note has none in the sandbox's people, as in most apps)."""
    stored = world.files.add(data, kind, file_name, mime_type)
    content: dict[str, Any] = stored.as_media()
    if caption:
        content["caption"] = caption
    return _deliver(world, person, bot, content, chat_id)


def set_blocked(world: World, person: Person, bot: Bot, *, blocked: bool) -> dict[str, Any]:
    """The person blocks or unblocks the bot, which gets a my_chat_member update."""
    if (bot.id in person.blocked) == blocked:
        return person.to_json()
    member = {"status": "member", "user": bot.user()}
    kicked = {"status": "kicked", "user": bot.user(), "until_date": 0}
    if blocked:
        person.blocked.add(bot.id)
    else:
        person.blocked.discard(bot.id)
    update = {
        "chat": person.chat(),
        "from": person.user(),
        "date": int(time.time()),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    world.push_update(bot, "my_chat_member", update)
    world.bump()
    return person.to_json()
