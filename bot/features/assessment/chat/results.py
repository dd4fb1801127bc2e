"""A parent's view of the assessment book (/ketqua): their own child, published periods only.

No rank, no average and no other pupil: the message holds one child's levels, scores and
quality levels, and at the end of the year the outcome (Điều 9 TT27).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Annotated

from telegram import InlineKeyboardMarkup, Update

from bot.core import keyboards
from bot.core.callbacks import Button, Max, button
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.assessment import parent_view
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import (
    Period,
    reads_results,
)
from storage.models import SchoolClass, Student
from storage.queries import students_with_ids

FEATURE = "book"
NOT_YOUR_CHILD = N_("You can only see your own children's results.")
NONE_PUBLISHED = N_("The school has not published any results for this school year yet.")


# The action names are those of the buttons already in parents' chats: keep them.
@button(FEATURE, "c")
@dataclass(frozen=True, slots=True)
class ResultsChild(Button):
    """A parent's choice of a child: offer the published periods."""

    student_id: int


@button(FEATURE, "r")
@dataclass(frozen=True, slots=True)
class ResultsPeriod(Button):
    """A parent's choice of a period: that child's results of that period."""

    student_id: int
    period: Annotated[str, Max(3)]


async def results_command(update: Update, context: BotContext) -> None:
    """/ketqua: the child first (unless there is one), then a published period."""
    async with context.visit(update) as visit:
        _ = visit._
        if not reads_results(visit.actor):
            visit.reply(
                _("Results are shown to the parents of the school's pupils."), as_html=False
            )
            return
        periods = await _published(visit, context)
        if not periods:
            visit.reply(_(NONE_PUBLISHED), as_html=False)
            return
        children = await students_with_ids(visit.session, visit.actor.children)
        if len(children) == 1:
            visit.reply(*await _periods(visit, children[0][0], periods))
            return
        buttons = [
            (f"{name} ({klass})", ResultsChild(student_id).data())
            for student_id, name, klass in children
        ]
        visit.reply(
            _("Whose results would you like to see?"),
            keyboards.choices(buttons, per_row=1),
            as_html=False,
        )


async def _published(visit: Visit, context: BotContext) -> list[Period]:
    year = assessment.school_year_of(context.today(visit.now))
    return await assessment.published(visit.session, visit.actor.school_id, year)


async def _periods(
    visit: Visit, student_id: int, periods: list[Period]
) -> tuple[str, InlineKeyboardMarkup]:
    """The published periods of one child, as buttons."""
    _ = visit._
    found = await assessment.child_of(visit.session, visit.actor, student_id)
    name = found[0].full_name if found else ""
    buttons = [
        (assessment.period_name(period, _), ResultsPeriod(student_id, period.value).data())
        for period in periods
    ]
    text = _("Results of {name}: which period?").format(name=f"<b>{html.escape(name)}</b>")
    return text, keyboards.choices(buttons, per_row=2)


async def child_pressed(press: ResultsChild, visit: Visit, context: BotContext) -> None:
    """A parent chose a child: offer the published periods."""
    if await assessment.child_of(visit.session, visit.actor, press.student_id) is None:
        visit.alert(visit._(NOT_YOUR_CHILD))
        return
    periods = await _published(visit, context)
    if not periods:
        visit.edit(html.escape(visit._(NONE_PUBLISHED), quote=False))
        return
    visit.edit(*await _periods(visit, press.student_id, periods))


async def period_pressed(press: ResultsPeriod, visit: Visit, context: BotContext) -> None:
    """A parent chose a period: the child's results, with the other periods still offered."""
    _ = visit._
    try:
        period = Period(press.period)
    except ValueError:
        return  # not a period any button carries: answered quietly
    found = await assessment.child_of(visit.session, visit.actor, press.student_id)
    if found is None:
        visit.alert(_(NOT_YOUR_CHILD))
        return
    periods = await _published(visit, context)
    if period not in periods:
        visit.alert(_("These results have not been published yet."))
        return
    year = assessment.school_year_of(context.today(visit.now))
    results = await assessment.pupil_results(visit.session, press.student_id, year, period)
    values = {item: row.value for item, row in results.items()}
    text = results_text(visit, found[0], found[1], year, period, values)
    _unused, markup = await _periods(visit, press.student_id, periods)
    visit.edit(text, markup)


def results_text(
    visit: Visit,
    student: Student,
    klass: SchoolClass,
    year: str,
    period: Period,
    values: dict[Item, str],
) -> str:
    """One child's results of one period, as the parent reads them (HTML; shared with the
    web's family page: bot/features/assessment/parent_view.py)."""
    return parent_view.results_text(visit._, student, klass, year, period, values)
