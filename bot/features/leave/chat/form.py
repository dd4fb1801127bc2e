"""The leave form's screens and its draft: the child, the days, the session, the reason and a
doctor's note, kept in the person's pending input (bot/core/pending.py) so that a half-written
request survives a restart. Every button carries the update that opened the form (`started`):
a button of a form already sent, replaced or closed says so and starts nothing (`opened`)."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.features.leave import news, rules
from bot.features.leave import queries as leave
from bot.features.leave.buttons import CancelForm, PickDay, PickPart, SendRequest
from storage.models import LeavePart

WAIT_CHILD = "leave_child"  # which child (buttons)
WAIT_DATES = "leave_dates"  # the days (buttons or typed), then the session (buttons)
WAIT_REASON = "leave_reason"  # the reason (typed) and a doctor's note, then "Gửi"
FORM_KINDS = (WAIT_CHILD, WAIT_DATES, WAIT_REASON)
STALE_FORM = N_("This form is no longer open; please send /xinnghi again.")
REPLACED = N_("This form was replaced by a newer one; nothing was changed.")
ANSWERED = N_("This question is already answered; please use the latest message.")
NOTE_HINT = N_("You may also send a doctor's note (a photo or a PDF).")


async def expect(visit: Visit, kind: str, data: dict[str, Any]) -> None:
    """Keep the draft at this step."""
    await pending.expect(
        visit.session, visit.account.id, visit.actor.school_id, kind, data, visit.now
    )


async def opened(
    visit: Visit, context: BotContext, started: int, kinds: tuple[str, ...], student_id: int = 0
) -> dict[str, Any] | None:
    """The draft a press belongs to, if it is open at one of these steps (for this pupil);
    otherwise the press is told what became of its form, and None."""
    _ = visit._
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    data: dict[str, Any] = dict(waiting.data) if waiting is not None else {}
    mine = waiting is not None and waiting.kind in FORM_KINDS
    if mine and started and int(data.get("started") or 0) != started:
        mine = False
    if not mine:
        sent = await leave.sent_from(visit.session, visit.actor, started)
        if sent is not None:
            visit.alert(_(rules.after_sending(sent)))
        elif waiting is not None and waiting.kind in FORM_KINDS:
            visit.alert(_(REPLACED))
        else:
            visit.alert(_(STALE_FORM))
        return None
    assert waiting is not None
    if waiting.kind not in kinds or (student_id and data.get("student_id") != student_id):
        visit.alert(_(ANSWERED))
        return None
    return data


def cancel(_: Translator, started: int) -> tuple[str, str]:
    """ "Huỷ" of the form opened by update `started`."""
    return _("Cancel"), CancelForm(started).data()


def lines(_: Translator, name: str, klass: str, draft: dict[str, Any]) -> list[str]:
    """The request as the parent will send it (HTML)."""
    first, last = date.fromisoformat(draft["first"]), date.fromisoformat(draft["last"])
    part = LeavePart(draft["part"])
    shown = news.describe(name, klass, first, last, part, draft["reason"], _)
    if draft.get("note"):
        shown.append(html.escape(_(news.NOTE_LINE), quote=False))
    return shown


async def ask_days(
    visit: Visit, context: BotContext, student_id: int, started: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The day buttons; a typed day or range is the other way."""
    _ = visit._
    await expect(visit, WAIT_DATES, {"student_id": student_id, "started": started})
    name, _klass = await leave.pupil(visit.session, student_id)
    days = rules.offered_days(visit.now.astimezone(context.settings.zone))
    buttons = [(rules.day_label(day, _), PickDay(student_id, day, started).data()) for day in days]
    text = html.escape(
        _("Leave for {name}: choose the day, or type it as dd/mm (several days: dd/mm-dd/mm).")
    ).format(name=f"<b>{html.escape(name)}</b>")
    return text, keyboards.choices(buttons, per_row=1, extra=[cancel(_, started)])


async def ask_part(
    visit: Visit, draft: dict[str, Any], first: date, last: date
) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the days in the draft and offer the sessions."""
    _ = visit._
    student_id, started = int(draft["student_id"]), int(draft.get("started") or 0)
    kept = {"student_id": student_id, "started": started}
    await expect(visit, WAIT_DATES, kept | {"first": first.isoformat(), "last": last.isoformat()})
    buttons = [
        (_(label), PickPart(student_id, part.value, started).data())
        for part, label in rules.PART_LABELS.items()
    ]
    text = _("{days}: which session?").format(days=rules.days_label(first, last, _))
    return html.escape(text), keyboards.choices(buttons, per_row=3, extra=[cancel(_, started)])


def ask_reason(_: Translator) -> str:
    """The question for the reason, and that a doctor's note may come with it (HTML)."""
    text = _("Please type the reason for the leave, for example: the child has a fever.")
    return html.escape(text + "\n" + _(NOTE_HINT), quote=False)


async def summary(visit: Visit, draft: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the finished draft and show the whole request, with "Gửi" and "Huỷ"."""
    _ = visit._
    await expect(visit, WAIT_REASON, draft)
    name, klass = await leave.pupil(visit.session, int(draft["student_id"]))
    shown = ["<b>" + html.escape(_("Leave request")) + "</b>", *lines(_, name, klass, draft)]
    question = _("Send it to the homeroom teacher? You can also type another reason.")
    shown += ["", html.escape(question)]
    if not draft.get("note"):
        shown.append(html.escape(_(NOTE_HINT), quote=False))
    started = int(draft.get("started") or 0)
    send = (_("Send"), SendRequest(int(draft["student_id"]), started).data())
    return "\n".join(shown), keyboards.choices([send, cancel(_, started)])
