"""Weekly comments, the homeroom teacher's last step: a preview of one family's notice with the
counts ("Xem trước và gửi"), "Gửi ngay" which says what will go and asks to confirm, and the
confirmation, which sends the class's week once its last school day has come.

Every button carries the week it was shown for, so a press on an old preview answers about
that week: sent already (and when), or not before its last school day.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import local_datetime
from bot.core.i18n import Translator
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly.chat.buttons import (
    WRITING_WEEK,
    ConfirmSend,
    SendNow,
    ShowList,
    ShowPreview,
)
from bot.features.weekly.chat.class_list import pressed_week, teaching_week
from bot.features.weekly.jobs import tell_teachers
from bot.features.weekly.notice_text import compose
from bot.features.weekly.notices import Preview, preview, send_week, sent_at
from bot.features.weekly.rules import NotYourClass, Saved, TooEarly
from bot.features.weekly.wording import (
    SENT,
    confirmation_lines,
    not_yet,
    ready_line,
    refusal,
)
from storage.queries import class_name


async def show_preview(press: ShowPreview, visit: Visit, context: BotContext) -> None:
    """Show one family's notice and how many are ready, held back or unreachable."""
    _ = visit._
    week = await pressed_week(visit, context)
    if week is None:
        return
    seen = await preview(visit.session, visit.actor, week, press.class_id)
    if isinstance(seen, Saved):
        await refuse(visit, context, seen, press.class_id, week, sending=False)
        return
    counts = ready_line(seen, _)
    lines = [
        html.escape(
            _("Preview of the notice to one family (each family sees only its own child):")
        ),
        "",
        compose(seen.sample, seen.batch, week, _) if seen.sample else "",
        "",
        "<b>" + html.escape(counts) + "</b>",
    ]
    if context.today(visit.now) < seen.first_day:
        lines.append(html.escape(not_yet(week, seen.first_day, _)))
    markup = keyboards.inline(
        [
            [
                (_("Send now"), SendNow(press.class_id, week.start).data()),
                (_("Edit"), ShowList(press.class_id).data()),
            ]
        ]
    )
    visit.reply("\n".join(lines), markup)


async def send_now(press: SendNow, visit: Visit, context: BotContext) -> None:
    """ "Gửi ngay": say what will go for the class's week and ask to confirm."""
    _ = visit._
    week = await shown_week(visit, context, press.week)
    if week is None:
        return
    seen = await preview(visit.session, visit.actor, week, press.class_id)
    if isinstance(seen, Saved):
        await refuse(visit, context, seen, press.class_id, week)
        return
    if context.today(visit.now) < seen.first_day:
        visit.alert(not_yet(week, seen.first_day, _))
        return
    visit.edit(confirmation(seen, week, _), confirm_markup(press.class_id, week, _))


async def confirm_send(press: ConfirmSend, visit: Visit, context: BotContext) -> None:
    """Send the class's week now; a second or late press says what is and sends nothing."""
    _ = visit._
    week = await teaching_week(visit, context, press.week)
    if week is None:
        visit.alert(_("This button is no longer valid."))
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
    except TooEarly as early:
        visit.alert(not_yet(week, early.first_day, _))
        return
    visit.edit_markup(None)
    if result.already_sent:
        await refuse(visit, context, Saved.ALREADY_SENT, press.class_id, week)
        return
    await tell_teachers(visit.session, visit.actor.school_id, week, [result], visit.now)
    visit.wake_sender()


async def shown_week(visit: Visit, context: BotContext, monday: date) -> TeachingWeek | None:
    """The week a button was shown for (an old button without one: the week being written);
    None, the press answered, when the button's week is no teaching week."""
    if monday == WRITING_WEEK:
        return await pressed_week(visit, context)
    week = await teaching_week(visit, context, monday)
    if week is None:
        visit.alert(visit._("This button is no longer valid."))
    return week


async def refuse(
    visit: Visit,
    context: BotContext,
    saved: Saved,
    class_id: int,
    week: TeachingWeek,
    *,
    sending: bool = True,
) -> None:
    """Answer a press that sends nothing: not the person's class, or the week already sent
    (saying when; under a sending screen, its buttons are taken off)."""
    _ = visit._
    when = await sent_at(visit.session, class_id, week)
    if saved is not Saved.ALREADY_SENT or when is None:
        visit.alert(refusal(saved, _))
        return
    name = await class_name(visit.session, class_id) or ""
    time = local_datetime(when, context.settings.zone, _)
    visit.alert(_(SENT).format(week=week_label(week, _), class_name=name, time=time)[:200])
    if sending:
        visit.edit_markup(None)


def confirmation(seen: Preview, week: TeachingWeek, _: Translator) -> str:
    """What "Gửi ngay" will send, then the question (HTML)."""
    lines = confirmation_lines(seen, week, _)
    return "<b>" + html.escape(lines[0]) + "</b>\n" + html.escape("\n".join(lines[1:]))


def confirm_markup(class_id: int, week: TeachingWeek, _: Translator) -> InlineKeyboardMarkup:
    """ "Xác nhận" sends; "Về danh sách" goes back without sending."""
    return keyboards.inline(
        [
            [
                (_("Confirm"), ConfirmSend(class_id, week.start).data()),
                (_("Back to the list"), ShowList(class_id).data()),
            ]
        ]
    )
