"""The buttons under a delivered notice: "✅ Đã xem" and the notice's own (details, reply)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import Button, button
from bot.core.i18n import N_, Translator
from bot.core.keyboards import button as styled
from bot.delivery.outbox import REPLY

__all__ = ["READ_BUTTON", "REPLY", "SEEN", "Seen", "SeenAgain", "notice_markup"]


@button("rcpt", "ok")
@dataclass(frozen=True, slots=True)
class Seen(Button):
    """ "✅ Đã xem" under a delivered notice."""

    delivery_id: int


@button("rcpt", "seen")
@dataclass(frozen=True, slots=True)
class SeenAgain(Button):
    """The same button once pressed, showing when (pressing it again changes nothing)."""

    delivery_id: int


ONE_ROW, PER_ROW = 3, 2
READ_BUTTON = "\u2705 "  # the label is "✅ " + the translated "Seen"
SEEN = N_("Seen")


def notice_markup(
    _: Translator,
    delivery_id: int,
    requires_ack: bool,
    extra: Sequence[Sequence[str]],
    seen_label: str | None = None,
) -> InlineKeyboardMarkup | None:
    """The receipt button (or, once pressed, when it was read) and the notice's extra buttons.

    `extra` holds (label msgid, callback data[, style]) rows; "{delivery}" in the data is the
    delivery id; a style is one of the Bot API's button colours ("success", "danger").
    Up to three buttons share one row, as they always did; more (a link request naming every
    pupil of a phone) go two per row under the receipt, since Telegram refuses long rows.
    """
    first: list[InlineKeyboardButton] = []
    if requires_ack:
        if seen_label is None:
            first.append(
                InlineKeyboardButton(READ_BUTTON + _(SEEN), callback_data=Seen(delivery_id).data())
            )
        else:
            first.append(
                InlineKeyboardButton(seen_label, callback_data=SeenAgain(delivery_id).data())
            )
    buttons = [
        styled(
            _(entry[0]),
            entry[1].replace("{delivery}", str(delivery_id)),
            entry[2] if len(entry) > 2 else None,
        )
        for entry in extra
    ]
    if len(first) + len(buttons) <= ONE_ROW:
        rows = [first + buttons]
    else:
        rows = [first] + [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None
