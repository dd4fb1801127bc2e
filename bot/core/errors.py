"""The one error handler: log ids and the traceback, apologise in the person's language."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.context import BotContext
from bot.core.i18n import choose_language, translator

log = logging.getLogger(__name__)

# The kinds of update the bot receives, in the order Telegram documents them.
_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "inline_query",
    "chosen_inline_result",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "message_reaction",
    "message_reaction_count",
    "chat_boost",
    "removed_chat_boost",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "purchased_paid_media",
)


def describe(update: object) -> str:
    """Name a failed update by ids and kinds only: never its texts, names or phone numbers."""
    if update is None:  # a scheduled job or the sender failed, not a person's update
        return "a job (no update)"
    if not isinstance(update, Update):
        return f"not an update ({type(update).__name__})"
    kind = next((name for name in _KINDS if getattr(update, name, None) is not None), "unknown")
    parts = [f"update {update.update_id}", f"kind {kind}"]
    message = update.effective_message
    if message is not None:
        parts.append(f"content {_content_kind(message)}")
    if update.effective_user is not None:
        parts.append(f"user {update.effective_user.id}")
    if update.effective_chat is not None:
        parts.append(f"chat {update.effective_chat.id}")
    return ", ".join(parts)


def _content_kind(message: object) -> str:
    for name in ("text", "contact", "document", "photo", "location", "voice", "video", "sticker"):
        if getattr(message, name, None):
            return name
    return "other"


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the person something went wrong."""
    job = context.job
    if update is None and job is not None:
        log.error("job %s failed", job.name, exc_info=context.error)
        return
    log.error("update failed: %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = update.effective_user.language_code if update.effective_user else None
    _ = translator(choose_language(None, language))
    await context.bot.send_message(
        update.effective_chat.id,
        _("Sorry, something went wrong. Please try again in a moment."),
    )
