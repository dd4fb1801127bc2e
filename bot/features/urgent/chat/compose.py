"""Urgent notices, step two: the message (a text, or a photo or document with a caption), kept
as a draft, and its preview with the number of families. Sending is in chat/sending.py."""

from __future__ import annotations

import html

from telegram import Message

from bot.core import keyboards, limits, pending
from bot.core.context import BotContext, Visit
from bot.delivery.audience import Audience
from bot.delivery.dispatcher import CAPTION_LIMIT as SENT_CAPTION_LIMIT
from bot.features.urgent import queries as urgent
from bot.features.urgent.buttons import CancelDraft, Schedule, SendNow
from bot.features.urgent.chat.audience import NOT_ALLOWED
from bot.features.urgent.queries import CONFIRM, TEXT
from bot.features.urgent.rules import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    URGENT_TITLE,
    Draft,
    audience_from,
    may_send,
    text_problem,
)

Media = tuple[str, str] | None


async def take_text(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take the urgent message the person was asked for; False if none was asked."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != TEXT or message.text is None:
        return False
    audience = audience_from(waiting.data.get("audience"))
    await _take(visit, audience, message.text, None, message.message_id)
    return True


async def take_media(message: Message, visit: Visit, context: BotContext) -> bool:
    """Take a photo or document (with an optional caption) as the urgent message."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if waiting is None or waiting.kind != TEXT:
        return False
    if message.photo:
        largest = max(
            message.photo, key=lambda size: (size.width * size.height, size.file_size or 0)
        )
        media = ("photo", largest.file_id)
    elif message.document is not None:
        document = message.document
        problem = limits.file_problem(document.file_name, document.file_size)
        if problem is not None:
            _ = visit._
            again = _("Please send it again.")
            visit.reply(limits.fill(problem, _(problem)) + "\n" + again, as_html=False)
            return True
        media = ("document", document.file_id)
    else:
        return False
    audience = audience_from(waiting.data.get("audience"))
    await _take(visit, audience, message.caption or "", media, message.message_id)
    return True


async def _take(
    visit: Visit, audience: Audience | None, text: str, media: Media, token: int
) -> None:
    """Check the message; keep it as a draft and show the preview, or ask again."""
    _ = visit._
    if audience is None or not may_send(visit.actor, audience):
        await pending.clear(visit.session, visit.account.id)
        visit.reply(_(NOT_ALLOWED), as_html=False)
        return
    problem = text_problem(text, caption=media is not None)
    if problem is not None:  # the wait stays: the next message is taken instead
        limit = CAPTION_LIMIT if media else TEXT_LIMIT
        again = _("Please send it again.")
        visit.reply(_(problem).format(limit=limit) + "\n" + again, as_html=False)
        return
    draft = Draft(audience, text.strip(), media, token)
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, CONFIRM, draft.data(), visit.now
    )
    await _preview(visit, draft)


async def _summary(visit: Visit, draft: Draft) -> str:
    """To whom, how many families, and how many pupils have no linked family (HTML)."""
    _ = visit._
    school_id = visit.actor.school_id
    families, unlinked = await urgent.reach(visit.session, school_id, draft.audience)
    label = await urgent.audience_label(visit.session, school_id, draft.audience, _)
    count = _.ngettext("Send to {count} family", "Send to {count} families", families)
    lines = [
        html.escape(_("To: {audience}").format(audience=label)),
        "<b>" + html.escape(count.format(count=families)) + "</b>",
    ]
    if unlinked:
        lines.append(
            html.escape(
                _.ngettext(
                    "{count} pupil has no linked family yet and will not get it.",
                    "{count} pupils have no linked family yet and will not get it.",
                    unlinked,
                ).format(count=unlinked)
            )
        )
    return "\n".join(lines)


async def _preview(visit: Visit, draft: Draft) -> None:
    """The message as families will see it, the number of families, and the choices."""
    _ = visit._
    signed = await urgent.signature(visit.session, visit.actor)
    shown = urgent.compose(draft.text, _(URGENT_TITLE), signed, _)
    summary = await _summary(visit, draft)
    markup = keyboards.inline(
        [
            [
                (_("Send now"), SendNow(draft.token).data()),
                (_("Schedule for later"), Schedule(draft.token).data()),
            ],
            [(_("Cancel"), CancelDraft(draft.token).data())],
        ]
    )
    if draft.media is None:
        visit.reply(shown + "\n\n" + summary, markup)
        return
    kind, file_id = draft.media
    # The caption as the dispatcher will send it: too long for a caption, the text follows.
    caption = shown if len(shown) <= SENT_CAPTION_LIMIT else None
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    if kind == "photo":
        visit.later(lambda: bot.send_photo(chat_id, file_id, caption=caption))
    else:
        visit.later(lambda: bot.send_document(chat_id, file_id, caption=caption))
    if caption is None:
        visit.reply(shown)
    visit.reply(summary, markup)
