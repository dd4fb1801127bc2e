"""The leaders' screens for a period's correction deadline (a day picked from buttons, or the
default) and its publication to families (asked to confirm first).

The same operations as /hansua and /congbo (queries/leaders.py: change_deadline,
publish_results); every press re-checks the presser and re-reads the state.
"""

from __future__ import annotations

import html
from datetime import timedelta

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.buttons import (
    AskPublish,
    LeadDeadline,
    LeadPeriod,
    Publish,
    ResetDeadline,
    SetDeadline,
)
from bot.features.assessment.chat.leaders import (
    back_row,
    period_of,
    period_screen,
    period_state,
    refused,
)
from bot.features.assessment.rules import Period, RuleError

OFFSETS = (7, 14, 30)  # the days offered from today
IN_DAYS = N_("+{days} days ({date})")


async def deadline_screen(
    visit: Visit, context: BotContext, period: Period, done: str = ""
) -> None:
    """The period's last day for corrections and the days to choose from."""
    _ = visit._
    today = context.today(visit.now)
    text = (html.escape(done) + "\n\n" if done else "") + await period_state(visit, context, period)
    text += "\n\n" + html.escape(_("Choose the last day for correction requests:"))
    days = [
        (
            _(IN_DAYS).format(days=days, date=short(today + timedelta(days=days))),
            SetDeadline(period, today + timedelta(days=days)).data(),
        )
        for days in OFFSETS
    ]
    markup = keyboards.inline(
        [
            days,
            [(_("Default"), ResetDeadline(period).data())],
            back_row(_, LeadPeriod(period)),
        ]
    )
    visit.edit(text, markup)


async def deadline_pressed(press: LeadDeadline, visit: Visit, context: BotContext) -> None:
    """ "Hạn sửa điểm": the deadline screen."""
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    await deadline_screen(visit, context, period)


async def day_pressed(press: SetDeadline, visit: Visit, context: BotContext) -> None:
    """A day chosen (it is on the button): store it, unless the rules refuse it."""
    await _set(visit, context, press.period, press)


async def default_pressed(press: ResetDeadline, visit: Visit, context: BotContext) -> None:
    """ "Mặc định": back to the default last day."""
    await _set(visit, context, press.period, None)


async def _set(visit: Visit, context: BotContext, code: str, press: SetDeadline | None) -> None:
    _ = visit._
    period = period_of(visit, code)
    if period is None or refused(visit, changing=True):
        return
    today = context.today(visit.now)
    try:
        last = await assessment.change_deadline(
            visit.session,
            visit.actor,
            visit.who,
            school_year=assessment.school_year_of(today),
            period=period,
            day=None if press is None else press.day,
            today=today,
        )
    except RuleError as refusal:  # a day already past (an old screen) or outside the year
        visit.alert(refusal.message(_))
        return
    done = _("Last day for correction requests of {period}: {date}.").format(
        period=assessment.period_name(period, _), date=short(last)
    )
    await deadline_screen(visit, context, period, done)


async def ask_pressed(press: AskPublish, visit: Visit, context: BotContext) -> None:
    """ "Công bố kết quả": ask before every family is told (or say it already was)."""
    _ = visit._
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    name = assessment.period_name(period, _)
    if await _published(visit, context, period):
        done = _("{period} was already published.").format(period=name)
        await period_screen(visit, context, period, html.escape(done))
        return
    question = _(
        "Publish the results of {period} to parents? Every family of the school will be told "
        "to use /ketqua."
    ).format(period=name)
    markup = keyboards.inline(
        [
            [
                ("\u2705 " + _("Publish"), Publish(period).data()),
                (_("Cancel"), LeadPeriod(period).data()),
            ]
        ]
    )
    visit.edit(html.escape(question), markup)


async def publish_pressed(press: Publish, visit: Visit, context: BotContext) -> None:
    """The confirmation: publish and tell every family through the outbox, once."""
    _ = visit._
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    name = assessment.period_name(period, _)
    try:
        families = await assessment.publish_results(
            visit.session,
            visit.actor,
            visit.who,
            school_year=assessment.school_year_of(context.today(visit.now)),
            period=period,
            now=visit.now,
        )
    except RuleError as refusal:
        visit.alert(refusal.message(_))
        return
    if families is None:
        done = _("{period} was already published.").format(period=name)
    else:
        visit.wake_sender()
        done = _("Published {period}. {count} parent accounts are being told to use /ketqua.")
        done = done.format(period=name, count=families)
    await period_screen(visit, context, period, html.escape(done))


async def _published(visit: Visit, context: BotContext, period: Period) -> bool:
    today = context.today(visit.now)
    states, _names = await assessment.year_table(
        visit.session, visit.actor, assessment.school_year_of(today), today
    )
    return any(s.published for s in states if s.period is period)
