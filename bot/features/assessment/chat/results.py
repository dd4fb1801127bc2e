"""A parent's view of the assessment book (/ketqua): their own child, published periods only.

No rank, no average and no other pupil: the message holds one child's levels, scores and
quality levels, and at the end of the year the outcome (Điều 9 TT27).
"""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core import keyboards
from bot.core.callbacks import Callback, pack
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.core.presses import alert
from bot.features.assessment import queries as assessment
from bot.features.assessment.queries import Item, items_for, value_text
from bot.features.assessment.rules import OUTCOME_NAMES, Outcome, Period
from storage.models import AssessmentKind, Role, SchoolClass, Student
from storage.queries import students_with_ids
from storage.subjects import subject_name

PRIVATE = filters.ChatType.PRIVATE
FEATURE = "book"
NOT_YOUR_CHILD = N_("You can only see your own children's results.")
NONE_PUBLISHED = N_("The school has not published any results for this school year yet.")


async def results_command(update: Update, context: BotContext) -> None:
    """/ketqua: the child first (unless there is one), then a published period."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(Role.PARENT):
            await message.reply_text(_("Results are shown to the parents of the school's pupils."))
            return
        periods = await _published(visit, context)
        if not periods:
            await message.reply_text(_(NONE_PUBLISHED))
            return
        children = await students_with_ids(visit.session, visit.actor.children)
        if len(children) == 1:
            text, markup = await _periods(visit, children[0][0], periods)
            await message.reply_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)
            return
        buttons = [
            (f"{name} ({klass})", pack(FEATURE, "c", student_id))
            for student_id, name, klass in children
        ]
        await message.reply_text(
            _("Whose results would you like to see?"),
            reply_markup=keyboards.choices(buttons, per_row=1),
        )


async def _published(visit: Visit, context: BotContext) -> list[Period]:
    year = assessment.school_year_of(context.today(visit.now))
    return await assessment.published(visit.session, visit.actor.school_id, year)


async def _pupil(visit: Visit, student_id: int) -> tuple[Student, SchoolClass] | None:
    """The pupil and their class, if the person is one of the pupil's guardians."""
    if not visit.actor.has(Role.PARENT) or student_id not in visit.actor.children:
        return None
    student = await visit.session.get(Student, student_id)
    if student is None or student.class_id is None:
        return None
    klass = await visit.session.get(SchoolClass, student.class_id)
    return None if klass is None else (student, klass)


async def _periods(
    visit: Visit, student_id: int, periods: list[Period]
) -> tuple[str, InlineKeyboardMarkup]:
    """The published periods of one child, as buttons."""
    _ = visit._
    found = await _pupil(visit, student_id)
    name = found[0].full_name if found else ""
    buttons = [
        (assessment.period_name(period, _), pack(FEATURE, "r", student_id, period.value))
        for period in periods
    ]
    text = _("Results of {name}: which period?").format(name=f"<b>{html.escape(name)}</b>")
    return text, keyboards.choices(buttons, per_row=2)


async def child_pressed(
    query: CallbackQuery, visit: Visit, context: BotContext, press: Callback
) -> None:
    """A parent chose a child: offer the published periods."""
    student_id = press.int_arg(0)
    if await _pupil(visit, student_id) is None:
        await alert(query, visit._(NOT_YOUR_CHILD))
        return
    periods = await _published(visit, context)
    if not periods:
        await query.edit_message_text(visit._(NONE_PUBLISHED))
        return
    text, markup = await _periods(visit, student_id, periods)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


async def period_pressed(
    query: CallbackQuery, visit: Visit, context: BotContext, press: Callback
) -> None:
    """A parent chose a period: the child's results, with the other periods still offered."""
    _ = visit._
    student_id, period = press.int_arg(0), Period(press.args[1])
    found = await _pupil(visit, student_id)
    if found is None:
        await alert(query, _(NOT_YOUR_CHILD))
        return
    periods = await _published(visit, context)
    if period not in periods:
        await alert(query, _("These results have not been published yet."))
        return
    year = assessment.school_year_of(context.today(visit.now))
    results = await assessment.pupil_results(visit.session, student_id, year, period)
    values = {item: row.value for item, row in results.items()}
    text = results_text(visit, found[0], found[1], year, period, values)
    _unused, markup = await _periods(visit, student_id, periods)
    await query.edit_message_text(text, reply_markup=markup, parse_mode=ParseMode.HTML)


def results_text(
    visit: Visit,
    student: Student,
    klass: SchoolClass,
    year: str,
    period: Period,
    values: dict[Item, str],
) -> str:
    """One child's results of one period, as the parent reads them."""
    _ = visit._
    name = html.escape(student.full_name)
    lines = [
        _("<b>{name}</b>, class {class_name}").format(
            name=name, class_name=html.escape(klass.name)
        ),
        _("{period}, school year {year}").format(
            period=assessment.period_name(period, _), year=year
        ),
    ]
    if not values:
        lines.append(_("No results have been recorded for this period yet."))
        return "\n".join(lines)
    subjects, qualities = [], []
    for item in items_for(klass.grade, period):
        if item.kind is AssessmentKind.LEVEL:
            score = values.get(Item(AssessmentKind.SCORE, item.code))
            level = value_text(item, values.get(item), _)
            if item not in values and score is None:
                continue
            line = _("{subject}: {level}").format(subject=subject_name(item.code), level=level)
            if score is not None:
                line = _("{subject}: {level}, test score {score}").format(
                    subject=subject_name(item.code), level=level, score=score
                )
            subjects.append("• " + line)
        elif item.kind is AssessmentKind.QUALITY and item in values:
            qualities.append("• " + item.name(_) + ": " + value_text(item, values[item], _))
    if subjects:
        lines += ["", _("Subjects and educational activities:"), *subjects]
    if qualities:
        lines += ["", _("Qualities and competences:"), *qualities]
    if period is Period.CN:
        code = assessment.outcome_or_none(values, klass.grade)
        if code is not None:
            lines += [
                "",
                _("End-of-year outcome: <b>{outcome}</b>").format(
                    outcome=_(OUTCOME_NAMES[Outcome(code)])
                ),
            ]
    return "\n".join(lines)
