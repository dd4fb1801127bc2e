"""A text over the limit is kept, never lost: the person is told how long it may be and offered
to send it shortened or in parts (offer.py); the rest of a text Telegram cut in two (the first
part at Telegram's own limit, the next moments later) is added to it."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.core import keyboards, limits, long_text, pending
from bot.core.context import Visit
from bot.core.i18n import N_
from bot.core.long_text import SHORTENED, TAIL
from bot.features.feedback import rules
from bot.features.feedback.buttons import CancelFeedback, SendLong
from storage.models import PendingInput

PARENT, STAFF = "parent", "staff"
OFFER = {
    PARENT: N_(
        "Your message is {length} characters long, and one message may hold at most {limit}. "
        "It is kept: send it shortened to {limit} characters, or in {parts} parts, or write a "
        "shorter one."
    ),
    STAFF: N_(
        "Your answer is {length} characters long, and one message may hold at most {limit}. It "
        "is kept: send it shortened to {limit} characters, or in {parts} parts, or write a "
        "shorter one."
    ),
}
IN_PARTS = N_("Send in {parts} parts")


async def take(message: Message, visit: Visit, waiting: PendingInput, audience: str) -> bool:
    """Keep a text over the limit (or the rest of one Telegram cut) in the pending question
    and make the offer; False for a text within the limit, which the question takes."""
    data: dict[str, Any] = dict(waiting.data)
    tail = long_text.take(data, message.text or "", message.date.timestamp())
    if tail is None:
        return False
    account = visit.account
    await pending.expect(
        visit.session, account.id, account.school_id, waiting.kind, data, visit.now
    )
    visit.reply(*offer(visit, str(data["long"]), int(data.get("started") or 0), audience, tail))
    return True


def offer(
    visit: Visit, whole: str, started: int, audience: str, tail: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The offer for a kept text: how long it is and may be, "shortened", "in N parts", "Huỷ"."""
    _ = visit._
    parts = len(rules.split_text(whole))
    lines = [_(TAIL)] if tail else []
    lines.append(_(OFFER[audience]).format(length=len(whole), limit=limits.TEXT_LIMIT, parts=parts))
    buttons = [
        (_(SHORTENED), SendLong(False, len(whole)).data()),
        (_(IN_PARTS).format(parts=parts), SendLong(True, len(whole)).data()),
        (_("Cancel"), CancelFeedback(started).data()),
    ]
    text = "\n".join(html.escape(line, quote=False) for line in lines)
    return text, keyboards.choices(buttons, per_row=1)
