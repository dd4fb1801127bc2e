"""The offer made for a text over the limit (long.py): "Gửi bản rút gọn" or "Gửi thành N phần".
The draft's text goes on to the photo question; a follow-up or an answer is sent at once."""

from __future__ import annotations

from bot.core import pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.feedback import rules
from bot.features.feedback.buttons import SendLong
from bot.features.feedback.chat import late
from bot.features.feedback.chat.ask import WAIT_TEXT, ask
from bot.features.feedback.chat.staff import WAIT_REPLY, finish_reply
from bot.features.feedback.chat.thread import WAIT_MORE, finish_more
from bot.features.feedback.rules import Draft

NOTHING_KEPT = N_("Nothing is waiting to be sent here any more; nothing was sent.")
LONG_KEYS = ("long", "long_at", "long_piece")


async def long_pressed(press: SendLong, visit: Visit, context: BotContext) -> None:
    """Send the kept text shortened or in parts (each within the limit), if this offer is
    still the latest one."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    kinds = (WAIT_TEXT, WAIT_MORE, WAIT_REPLY)
    if waiting is None or waiting.kind not in kinds or not waiting.data.get("long"):
        visit.alert(_(NOTHING_KEPT))
        visit.edit_markup(None)
        return
    data = dict(waiting.data)
    whole = str(data["long"])
    if len(whole) != press.length:
        visit.alert(_(late.REPLACED))
        return
    parts = rules.split_text(whole) if press.split else [rules.shorten(whole)]
    for key in LONG_KEYS:
        data.pop(key, None)
    if waiting.kind == WAIT_TEXT:
        draft = Draft.from_data(data)
        draft.text, draft.rest = parts[0], parts[1:] or None
        visit.edit(*await ask(visit, draft))
        return
    visit.edit_markup(None)
    if waiting.kind == WAIT_MORE:
        await finish_more(visit, context, parts, data)
    else:
        await finish_reply(visit, context, parts, data)
