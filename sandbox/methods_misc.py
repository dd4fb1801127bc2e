"""Bot API methods about the bot itself: updates, webhook, commands, files, chats."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from sandbox.botapi import Call, method
from sandbox.errors import ApiError, bad_request
from sandbox.methods_send import resolve_chat
from sandbox.webhook import start_delivery
from sandbox.world import Webhook

_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


def _int(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(float(str(value)))
    except ValueError:
        raise bad_request(f"invalid number {value!r}") from None


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    """getMe."""
    return call.bot.me()


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    """getUpdates with real long polling and Telegram's 409 conflicts."""
    bot, world, p = call.bot, call.world, call.params
    if bot.webhook is not None:
        raise ApiError(409, _CONFLICT_WEBHOOK)
    offset = _int(p.get("offset"), 0)
    limit = min(max(_int(p.get("limit"), 100), 1), 100)
    timeout = min(max(float(p.get("timeout") or 0), 0.0), world.config.max_poll_timeout)
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(a) for a in allowed] or None
    if offset > 0:
        bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
    elif offset < 0:
        bot.updates = bot.updates[offset:]
    bot.poll_generation += 1
    mine = bot.poll_generation
    bot.notify()
    deadline = time.monotonic() + timeout
    while True:
        wake = bot.wake
        if bot.poll_generation != mine:
            raise ApiError(409, "Conflict: terminated by other getUpdates request")
        if bot.webhook is not None:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        remaining = deadline - time.monotonic()
        if bot.updates or remaining <= 0 or world.closing:
            return bot.updates[:limit]
        try:
            await asyncio.wait_for(wake.wait(), timeout=remaining)
        except TimeoutError:
            continue


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    """setWebhook; an empty url removes the webhook."""
    bot, p = call.bot, call.params
    url = str(p.get("url") or "")
    if not url:
        deleted: bool = await delete_webhook(call)
        return deleted
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = p.get("secret_token")
    if secret not in (None, "") and not _SECRET.match(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    if _truthy(p.get("drop_pending_updates")):
        bot.updates.clear()
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(a) for a in allowed] or None
    old = bot.webhook
    if old is not None and old.task is not None:
        old.task.cancel()
    bot.webhook = Webhook(url, str(secret) if secret else None, _int(p.get("max_connections"), 40))
    bot.notify()
    start_delivery(call.world, bot)
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    """deleteWebhook, optionally dropping pending updates."""
    bot = call.bot
    if bot.webhook is not None and bot.webhook.task is not None:
        bot.webhook.task.cancel()
    bot.webhook = None
    if _truthy(call.params.get("drop_pending_updates")):
        bot.updates.clear()
    bot.notify()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    """getWebhookInfo."""
    bot = call.bot
    info: dict[str, Any] = {
        "url": bot.webhook.url if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook is not None:
        info["max_connections"] = bot.webhook.max_connections
        info["ip_address"] = "127.0.0.1"
        if bot.webhook.last_error_date is not None:
            info["last_error_date"] = bot.webhook.last_error_date
            info["last_error_message"] = bot.webhook.last_error_message
    if bot.allowed_updates:
        info["allowed_updates"] = bot.allowed_updates
    return info


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery; the text shows up in the person's chat as an alert."""
    query_id = str(call.params.get("callback_query_id") or "")
    known = call.world.callbacks.get(query_id)
    if known is None or known[0] != call.bot.id or known[2]:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    bot_id, chat_id, _ = known
    call.world.callbacks[query_id] = (bot_id, chat_id, True)
    text = call.params.get("text")
    if text:
        log = call.world.chat_log(bot_id, chat_id)
        log.alerts.append({"text": str(text), "show_alert": _truthy(call.params.get("show_alert"))})
        call.world.bump()
    return True


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    """getFile."""
    stored = call.world.files.get(str(call.params.get("file_id") or ""))
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.as_file()


def _scope_key(call: Call) -> tuple[str, str]:
    scope = call.params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    scope = {k: int(v) if k in {"chat_id", "user_id"} else v for k, v in scope.items()}
    return json.dumps(scope, sort_keys=True), str(call.params.get("language_code") or "")


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    """setMyCommands, kept per scope and language."""
    commands = call.params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 commands")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
    call.bot.commands[_scope_key(call)] = cleaned
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    """getMyCommands for exactly this scope and language."""
    return call.bot.commands.get(_scope_key(call), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    """deleteMyCommands for exactly this scope and language."""
    call.bot.commands.pop(_scope_key(call), None)
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    """sendChatAction."""
    resolve_chat(call)
    if call.params.get("action") not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    """getChat (a ChatFullInfo)."""
    chat_id, _ = resolve_chat(call)
    return {
        **call.world.chat_object(chat_id),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _menu_chat(call: Call) -> int | None:
    raw = call.params.get("chat_id")
    return None if raw in (None, "") else _int(raw, 0)


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    """setChatMenuButton."""
    button = call.params.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in {"default", "commands", "web_app"}:
        raise bad_request("can't parse menu button JSON object")
    call.bot.menu_buttons[_menu_chat(call)] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    """getChatMenuButton, falling back to the bot's default button."""
    buttons = call.bot.menu_buttons
    return buttons.get(_menu_chat(call)) or buttons.get(None) or {"type": "commands"}


@method("close", "logOut")
async def close_or_log_out(call: Call) -> bool:
    """close and logOut: accepted and otherwise ignored."""
    return True
