"""Feedback's two staff commands: the leaders' list (/gopy_bgh) and a teacher's hours
(/giolamviec), in which parents' messages reach them."""

from __future__ import annotations

import html
from collections import Counter

from telegram import Update

from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.feedback import queries as feedback
from bot.features.feedback import rules
from bot.features.feedback.rules import ANSWER_WITHIN, TOPICS
from bot.features.feedback.waiting import Waiting, counts, school_overdue, state_counts
from storage.models import FeedbackState

OFF = ("tat", "tắt", "off")
LINE = N_("{title} · {sender} → {recipient} · waiting since {date}: “{text}”")
EXCERPT = 80


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


async def list_command(update: Update, context: BotContext) -> None:
    """The leaders' overview (/gopy_bgh, the menu's "Góp ý của phụ huynh"): per class the open,
    answered and overdue items and the topics, then each item waiting too long."""
    async with context.visit(update) as visit:
        if not rules.may_list(visit.actor):
            visit.reply(visit._(rules.NOT_LEADER), as_html=False)
            return
        waiting = await school_overdue(visit.session, visit.actor.school_id, visit.now)
        lines = await _counts(visit, waiting) + _overdue(visit, context, waiting)
        visit.reply("\n".join(lines))


async def _counts(visit: Visit, waiting: list[Waiting]) -> list[str]:
    """Per class: open, answered and overdue items, then the topics."""
    _, school_id = visit._, visit.actor.school_id
    late = Counter(entry.about.class_name for entry in waiting)
    states = await state_counts(visit.session, school_id)
    lines = ["<b>" + _esc(_("Feedback per class and topic")) + "</b>"]
    for klass, counter in (await counts(visit.session, school_id)).items():
        state = states.get(klass, Counter())
        shown = _("open {open}, answered {answered}, overdue {overdue}").format(
            open=state[FeedbackState.OPEN],
            answered=state[FeedbackState.ANSWERED] + state[FeedbackState.CLOSED],
            overdue=late[klass],
        )
        topics = [f"{_(label)} {counter[t]}" for t, label in TOPICS.items() if counter[t]]
        lines.append(_esc(f"{klass}: {shown} · " + ", ".join(topics)))
    if len(lines) == 1:
        lines.append(_esc(_("No feedback yet.")))
    return lines


def _overdue(visit: Visit, context: BotContext, waiting: list[Waiting]) -> list[str]:
    _ = visit._
    title = _("Unanswered for more than {days} working days").format(days=ANSWER_WITHIN)
    lines = ["", "<b>" + _esc(title) + "</b>"]
    zone = context.settings.zone
    for entry in waiting:
        item, text = entry.item, entry.last.text
        short = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
        line = _(LINE).format(
            title=rules.capital(rules.title(item, zone, _)),
            sender=rules.parent_label(item, entry.about, _),
            recipient=rules.school_label(item, entry.about, _),
            date=entry.since.astimezone(zone).strftime("%d/%m"),
            text=short,
        )
        lines.append(_esc(line))
    if not waiting:
        lines.append(_esc(_("None: every feedback was answered in time.")))
    return lines


async def hours_command(update: Update, context: BotContext) -> None:
    """/giolamviec 06:30 21:00 sets the hours parents' messages reach a teacher; "tat" removes."""
    args = context.args or []
    async with context.visit(update) as visit:
        _ = visit._
        usage = _(
            "To set them: /giolamviec 06:30 21:00 (the start before the end). To remove them: "
            "/giolamviec tat"
        )
        if not args:
            staff = visit.account.staff_id
            hours = await feedback.staff_hours(visit.session, staff) if staff else None
            current = (
                _("Your hours: {start}–{end}.").format(start=hours[0], end=hours[1])
                if hours
                else _("You have not set hours: parents' messages reach you at once.")
            )
            visit.reply(current + "\n" + usage, as_html=False)
            return
        off = args[0].lower() in OFF and len(args) == 1
        hours = None if off else rules.parse_hours(" ".join(args))
        if not off and hours is None:
            visit.reply(usage, as_html=False)
            return
        if not await feedback.set_hours(visit.session, visit.actor, hours, visit.who):
            visit.reply(_("Only the school's staff set their hours."), as_html=False)
            return
        if hours is None:
            done = _("Your hours are removed: parents' messages reach you at once.")
        else:
            done = _(
                "Your hours are {start}–{end}. Parents' messages sent outside them wait until "
                "{start}, and the parent is told when you will see them. Urgent school notices "
                "are not affected."
            ).format(start=hours[0], end=hours[1])
        visit.reply(done, as_html=False)
