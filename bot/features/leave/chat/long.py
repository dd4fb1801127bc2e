"""A reason over the limit is kept, never lost (bot/core/long_text.py): the parent is told how
long it may be and offered to send it shortened, or to type a shorter one; the rest of a text
Telegram cut in two (the first part at Telegram's own limit, the next moments later) is added to
it, never taken as the reason of its own."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.core import keyboards, limits, long_text
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.leave.buttons import ShortenReason
from bot.features.leave.chat import form
from bot.features.leave.chat.form import WAIT_REASON

OFFER = N_(
    "The reason is {length} characters long, and a leave request's reason may hold at most "
    "{limit}. It is kept: send it shortened to {limit} characters, or type a shorter one."
)
NOTHING_KEPT = N_("No long reason is waiting here any more; nothing was changed.")


async def take(message: Message, visit: Visit, data: dict[str, Any]) -> bool:
    """Keep a reason over the limit (or the rest of one Telegram cut) in the form and make the
    offer; False for a text within the limit, which the form takes as the reason."""
    kept = dict(data)
    tail = long_text.take(kept, message.text or "", message.date.timestamp())
    if tail is None:
        return False
    kept.pop("reason", None)  # the newest text replaces a reason typed before: no old "Gửi"
    await form.expect(visit, WAIT_REASON, kept)
    visit.reply(*offer(visit, kept, tail))
    return True


def offer(
    visit: Visit, draft: dict[str, Any], tail: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """How long the kept reason is and may be, with "Gửi bản rút gọn" and "Huỷ"."""
    _ = visit._
    whole, started = str(draft["long"]), int(draft.get("started") or 0)
    lines = [_(long_text.TAIL)] if tail else []
    lines.append(_(OFFER).format(length=len(whole), limit=limits.TEXT_LIMIT))
    short = ShortenReason(int(draft["student_id"]), len(whole), started).data()
    markup = keyboards.choices(
        [(_(long_text.SHORTENED), short), form.cancel(_, started)], per_row=1
    )
    return "\n".join(html.escape(line, quote=False) for line in lines), markup


async def shorten_pressed(press: ShortenReason, visit: Visit, context: BotContext) -> None:
    """ "Gửi bản rút gọn": the kept reason, cut to the limit, becomes the request's reason
    (shown with "Gửi"), if this offer is still the latest one."""
    draft = await form.opened(visit, context, press.started, (WAIT_REASON,), press.student_id)
    if draft is None:
        return
    if not draft.get("long"):
        visit.alert(visit._(NOTHING_KEPT))
        visit.edit_markup(None)
        return
    whole = str(draft["long"])
    if len(whole) != press.length:
        visit.alert(visit._(form.REPLACED))
        return
    reason = long_text.shorten(whole.strip())
    visit.edit(*await form.summary(visit, long_text.without_long(draft) | {"reason": reason}))
