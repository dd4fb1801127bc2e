"""Read receipts: "✅ Đã xem" under a notice records when its recipient read it."""

from __future__ import annotations

from bot.core.context import BotContext, Visit
from bot.core.features import Features
from bot.delivery.buttons import READ_BUTTON, Seen, SeenAgain, notice_markup
from bot.delivery.outbox import mark_read, notice_of


async def receipt_pressed(press: Seen | SeenAgain, visit: Visit, context: BotContext) -> None:
    """Record the first press of "Seen" by the delivery's own recipient; show when."""
    _ = visit._
    delivery, first = await mark_read(visit.session, visit.account.id, press.delivery_id, visit.now)
    if delivery is None:
        visit.alert(_("This button is not for you."))
        return
    if first:
        notice_id = delivery.notice_id

        async def show_in_report() -> None:  # the sender's report shows the new count
            dispatcher = context.services.dispatcher
            if dispatcher is not None:
                dispatcher.reports.touch(notice_id)
                dispatcher.wake()

        visit.later(show_in_report)
    if isinstance(press, SeenAgain):
        return
    assert delivery.read_at is not None
    local = delivery.read_at.astimezone(context.settings.zone)
    label = READ_BUTTON + _("Seen at {time}, {date}").format(
        time=local.strftime("%H:%M"), date=local.strftime("%d/%m")
    )
    notice = await notice_of(visit.session, delivery)
    visit.edit_markup(notice_markup(_, delivery.id, True, notice.buttons, seen_label=label))


def register(features: Features) -> None:
    """Route the "Đã xem" presses."""
    features.press(Seen, receipt_pressed)
    features.press(SeenAgain, receipt_pressed)
