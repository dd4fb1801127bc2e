"""Weekly comments, the homeroom teacher's last step: a preview of one family's notice with the
counts ("Xem trước và gửi"), then "Gửi ngay" for the class."""

from __future__ import annotations

import html

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.features.weekly.chat.buttons import SendNow, ShowList, ShowPreview
from bot.features.weekly.chat.class_list import pressed_week, refusal
from bot.features.weekly.jobs import tell_teachers
from bot.features.weekly.notice_text import compose
from bot.features.weekly.notices import preview, send_week
from bot.features.weekly.rules import NotYourClass, Saved


async def show_preview(press: ShowPreview, visit: Visit, context: BotContext) -> None:
    """Show one family's notice and how many are ready, held back or unreachable."""
    _ = visit._
    week = await pressed_week(visit, context)
    if week is None:
        return
    seen = await preview(visit.session, visit.actor, week, press.class_id)
    if isinstance(seen, Saved):
        visit.alert(refusal(seen, _))
        return
    counts = _(
        "Notices ready for {count} pupils; held back: {held}; families not linked: {unlinked}."
    ).format(count=seen.ready, held=seen.held, unlinked=seen.unlinked)
    lines = [
        html.escape(
            _("Preview of the notice to one family (each family sees only its own child):")
        ),
        "",
        compose(seen.sample, seen.batch, week, _) if seen.sample else "",
        "",
        "<b>" + html.escape(counts) + "</b>",
    ]
    markup = keyboards.inline(
        [
            [
                (_("Send now"), SendNow(press.class_id).data()),
                (_("Edit"), ShowList(press.class_id).data()),
            ]
        ]
    )
    visit.reply("\n".join(lines), markup)


async def send_now(press: SendNow, visit: Visit, context: BotContext) -> None:
    """Send the class's notices now; a second press finds the week already sent."""
    _ = visit._
    week = await pressed_week(visit, context)
    if week is None:
        return
    try:
        (result,) = await send_week(
            visit.session,
            visit.actor.school_id,
            week,
            visit.actor,
            class_ids=[press.class_id],
            now=visit.now,
        )
    except NotYourClass:
        visit.alert(refusal(Saved.NOT_ALLOWED, _))
        return
    visit.edit_markup(None)
    if result.already_sent:
        visit.alert(refusal(Saved.ALREADY_SENT, _))
        return
    await tell_teachers(visit.session, visit.actor.school_id, week, [result], visit.now)
    visit.wake_sender()
