"""How chats look from the person's side, as JSON for the user API and the web page."""

from __future__ import annotations

from typing import Any

from sandbox.world import ChatLog, Entry, World


def _file_view(world: World, message: dict[str, Any]) -> dict[str, Any] | None:
    if "photo" in message:
        info, kind = message["photo"][-1], "photo"
    else:
        kind = next((k for k in ("document", "video", "voice", "audio") if k in message), "")
        if not kind:
            return None
        info = message[kind]
    stored = world.files.get(info["file_id"])
    return {
        "kind": kind,
        "file_id": info["file_id"],
        "file_name": info.get("file_name") or (stored.file_name if stored else None),
        "mime_type": stored.mime_type if stored else info.get("mime_type"),
        "file_size": info.get("file_size"),
        "url": f"/sandbox/api/files/{info['file_id']}",
    }


def entry_view(world: World, entry: Entry) -> dict[str, Any]:
    """One message as the person sees it."""
    message = entry.message
    sender = message.get("from") or {}
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = [
        [
            {k: b[k] for k in ("text", "callback_data", "url", "web_app", "style") if k in b}
            for b in row
            if isinstance(b, dict)
        ]
        for row in rows
    ]
    reply = message.get("reply_to_message")
    return {
        "message_id": message["message_id"],
        "chat_id": message["chat"]["id"],
        "seq": entry.seq,
        "date": message["date"],
        "from_bot": entry.outgoing,
        "sender_id": sender.get("id"),
        "sender_name": sender.get("first_name"),
        "text": message.get("text"),
        "caption": message.get("caption"),
        "entities": message.get("entities") or message.get("caption_entities") or [],
        "buttons": buttons,
        "reply_keyboard": entry.reply_keyboard,
        "contact": message.get("contact"),
        "file": _file_view(world, message),
        "media_group_id": message.get("media_group_id"),
        "reply_to": reply["message_id"] if reply else None,
        "edited": entry.edited,
        "deleted": entry.deleted,
    }


def chat_view(world: World, log: ChatLog, person_id: int) -> dict[str, Any]:
    """The whole chat: messages both ways in order, current keyboard and status."""
    person = world.people.get(person_id)
    keyboard = log.keyboard
    return {
        "bot_id": log.bot_id,
        "chat_id": log.chat_id,
        "seq": world.seq,
        "blocked": bool(person and log.bot_id in person.blocked),
        "messages": [entry_view(world, e) for e in log.entries if not e.deleted],
        "reply_keyboard": keyboard,
        "alerts": log.alerts[-5:],
    }


def next_bot_event(log: ChatLog, after: int, world: World) -> dict[str, Any] | None:
    """The first bot message or edit with seq > after, if any."""
    for seq, kind, message_id in log.events:
        if seq <= after or kind == "delete":
            continue
        entry = log.by_id[message_id]
        if not entry.outgoing:
            continue
        return {"seq": seq, "kind": kind, "message": entry_view(world, entry)}
    return None
