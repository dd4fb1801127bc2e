"""The leaders' screens of the assessment book, with buttons instead of codes: the year's table,
a period, and its locks for the school, a grade or a class.

The menu's "Sổ điểm" (for a leader) and /khoaso, /mokhoa, /hansua, /congbo without arguments
open the table. Every press re-checks the presser and re-reads the state; the changes are the
same operations the commands call (bot/features/assessment/queries/leaders.py). Deadlines and
publication are in chat/dates.py.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_, Translator
from bot.features.assessment import queries as assessment
from bot.features.assessment.chat.buttons import (
    CLASS,
    GRADE,
    SCHOOL,
    AskPublish,
    LeadDeadline,
    LeadHome,
    LeadPeriod,
    LeadScope,
    LeadScopes,
    SetLock,
)
from bot.features.assessment.rules import GRADES, Period, RuleError, locks_refusal
from storage.queries import class_by_name, school_classes

BACK = N_("« Back")
ALREADY = N_("{period} is already locked for {scope}: nothing changed.")
ALREADY_OPEN = N_("{period} is already open for {scope}: nothing changed.")


async def overview(visit: Visit, context: BotContext) -> str:
    """The year's periods: lock state with its exceptions, the deadline, publication (HTML)."""
    _ = visit._
    today = context.today(visit.now)
    year = assessment.school_year_of(today)
    states, names = await assessment.year_table(visit.session, visit.actor, year, today)
    lines = [html.escape(_("Assessment book, school year {year}:").format(year=year))]
    lines += [period_line(state, names, _) for state in states]
    return "\n".join(lines)


async def period_state(visit: Visit, context: BotContext, period: Period) -> str:
    """One period's line of the table (HTML), read now."""
    today = context.today(visit.now)
    year = assessment.school_year_of(today)
    states, names = await assessment.year_table(visit.session, visit.actor, year, today)
    return period_line(next(s for s in states if s.period is period), names, visit._)


def period_line(state: assessment.PeriodState, names: dict[int, str], _: Translator) -> str:
    """ "<b>Cuối học kì I</b>: đã khoá (khối 3: mở); hạn sửa điểm ...; chưa công bố"."""
    shown = _("locked") if state.locked else _("open")
    exceptions = [
        _("{scope}: {state}").format(
            scope=_scope_name(scope, names, _), state=_("locked") if locked else _("open")
        )
        for scope, locked in state.exceptions
    ]
    if exceptions:
        shown += " (" + "; ".join(exceptions) + ")"
    last = short(state.deadline)
    if state.default_deadline:
        last = _("{date} (default)").format(date=last)
    return _("<b>{period}</b>: {state}; last day for corrections {date}; {published}").format(
        period=assessment.period_name(state.period, _),
        state=shown,
        date=last,
        published=_("published") if state.published else _("not published"),
    )


def _scope_name(scope: str, names: dict[int, str], _: Translator) -> str:
    kind, _sep, value = scope.partition(":")
    if kind == "grade":
        return _("grade {grade}").format(grade=value)
    return _("class {name}").format(name=html.escape(names.get(int(value), value)))


def refused(visit: Visit, *, changing: bool) -> bool:
    """Answer a press by someone outside the leaders (or, changing, not the principal)."""
    refusal = locks_refusal(visit.actor, changing=changing)
    if refusal is not None:
        visit.alert(visit._(refusal))
    return refusal is not None


def period_of(visit: Visit, code: str) -> Period | None:
    """The period a button names; None (answered) for data no button carries."""
    try:
        return Period(code)
    except ValueError:
        visit.alert(visit._("This button is no longer valid."))
        return None


def home_markup(_: Translator) -> InlineKeyboardMarkup:
    """A button per period."""
    buttons = [(assessment.period_name(p, _), LeadPeriod(p.value).data()) for p in Period]
    return keyboards.choices(buttons, per_row=2)


def back_row(_: Translator, press: LeadHome | LeadPeriod | LeadScopes) -> list[tuple[str, str]]:
    return [(_(BACK), press.data())]


async def home_pressed(press: LeadHome, visit: Visit, context: BotContext) -> None:
    """ "« Quay lại" to the year's table."""
    if refused(visit, changing=False):
        return
    visit.edit(await overview(visit, context), home_markup(visit._))


async def period_screen(visit: Visit, context: BotContext, period: Period, done: str = "") -> None:
    """Show the period's state, and to the principal what may be done with it."""
    _ = visit._
    text = (done + "\n\n" if done else "") + await period_state(visit, context, period)
    rows: list[list[tuple[str, str]]] = []
    if locks_refusal(visit.actor, changing=True) is None:
        rows += [
            [
                (
                    "\U0001f512 " + _("Lock the whole school"),
                    SetLock(period, SCHOOL, 0, True).data(),
                ),
                (
                    "\U0001f513 " + _("Unlock the whole school"),
                    SetLock(period, SCHOOL, 0, False).data(),
                ),
            ],
            [
                (_("By grade"), LeadScopes(period, GRADE).data()),
                (_("By class"), LeadScopes(period, CLASS).data()),
            ],
            [
                (_("Deadline for corrections"), LeadDeadline(period).data()),
                (_("Publish the results"), AskPublish(period).data()),
            ],
        ]
    else:
        text += "\n\n" + html.escape(_(locks_refusal(visit.actor, changing=True) or ""))
    rows.append(back_row(_, LeadHome()))
    visit.edit(text, keyboards.inline(rows))


async def period_pressed(press: LeadPeriod, visit: Visit, context: BotContext) -> None:
    """A period chosen on the table."""
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=False):
        return
    await period_screen(visit, context, period)


async def scopes_pressed(press: LeadScopes, visit: Visit, context: BotContext) -> None:
    """The grades, or the classes, of the school to choose one from."""
    _ = visit._
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    if press.kind == GRADE:
        title = _("{period}: which grade?")
        items = [
            (_("grade {grade}").format(grade=g), LeadScope(period, GRADE, g).data()) for g in GRADES
        ]
    else:
        title = _("{period}: which class?")
        classes = await school_classes(visit.session, visit.actor.school_id)
        items = [(name, LeadScope(period, CLASS, class_id).data()) for class_id, name in classes]
    name = assessment.period_name(period, _)
    markup = keyboards.choices(items, per_row=5, extra=back_row(_, LeadPeriod(period)))
    visit.edit(html.escape(title.format(period=name)), markup)


@dataclass(frozen=True, slots=True)
class Scope:
    """A scope the principal chose: its key in the locks, its name, whether it is locked."""

    key: str
    name: str
    locked: bool
    apart: bool = False  # the school's: some grade or class is set apart from it


async def scope_of(
    visit: Visit, context: BotContext, period: Period, kind: str, value: int
) -> Scope | None:
    """The scope a button names, read again now; None for one no button of this school carries."""
    _ = visit._
    year = assessment.school_year_of(context.today(visit.now))
    states, _names = await assessment.year_table(
        visit.session, visit.actor, year, context.today(visit.now)
    )
    state = next(s for s in states if s.period is period)
    if kind == SCHOOL and value == 0:
        return Scope(assessment.SCHOOL, _("the whole school"), state.locked, bool(state.exceptions))
    if kind == GRADE and value in GRADES:
        key = f"grade:{value}"
        locked = dict(state.exceptions).get(key, state.locked)
        return Scope(key, _("grade {grade}").format(grade=value), locked)
    names = dict(await school_classes(visit.session, visit.actor.school_id))
    if kind != CLASS or value not in names:
        return None
    klass = await class_by_name(visit.session, visit.actor.school_id, names[value])
    assert klass is not None
    locked = await assessment.is_locked(visit.session, klass.school_id, year, period, klass)
    return Scope(f"class:{klass.id}", _("class {name}").format(name=klass.name), locked)


async def scope_screen(
    visit: Visit, context: BotContext, period: Period, kind: str, value: int, done: str = ""
) -> None:
    """One scope: locked or open, with the two buttons."""
    _ = visit._
    scope = await scope_of(visit, context, period, kind, value)
    if scope is None:
        visit.alert(_("This button is no longer valid."))
        return
    name = assessment.period_name(period, _)
    state = _("locked") if scope.locked else _("open")
    line = _("{period}, {scope}: {state}.").format(period=name, scope=scope.name, state=state)
    text = (done + "\n\n" if done else "") + line
    back = LeadPeriod(period) if kind == SCHOOL else LeadScopes(period, kind)
    markup = keyboards.inline(
        [
            [
                ("\U0001f512 " + _("Lock"), SetLock(period, kind, value, True).data()),
                ("\U0001f513 " + _("Unlock"), SetLock(period, kind, value, False).data()),
            ],
            back_row(_, back),
        ]
    )
    visit.edit(html.escape(text), markup)


async def scope_pressed(press: LeadScope, visit: Visit, context: BotContext) -> None:
    """A grade or a class chosen: its state, to lock or unlock it."""
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    await scope_screen(visit, context, period, press.kind, press.value)


async def lock_pressed(press: SetLock, visit: Visit, context: BotContext) -> None:
    """Lock or unlock the period for the scope, unless it already is: then say so."""
    _ = visit._
    period = period_of(visit, press.period)
    if period is None or refused(visit, changing=True):
        return
    scope = await scope_of(visit, context, period, press.kind, press.value)
    if scope is None:
        visit.alert(_("This button is no longer valid."))
        return
    name = assessment.period_name(period, _)
    if scope.locked == press.locked and not scope.apart:
        done = _(ALREADY if press.locked else ALREADY_OPEN).format(period=name, scope=scope.name)
    else:
        try:
            await assessment.change_lock(
                visit.session,
                visit.actor,
                visit.who,
                school_year=assessment.school_year_of(context.today(visit.now)),
                period=period,
                scope=scope.key,
                locked=press.locked,
            )
        except RuleError as refusal:
            visit.alert(refusal.message(_))
            return
        done = (
            _("Locked {period} for {scope}. Changes now go through /suadiem.")
            if press.locked
            else _("Unlocked {period} for {scope}. Teachers can send their spreadsheets again.")
        ).format(period=name, scope=scope.name)
    if press.kind == SCHOOL:
        await period_screen(visit, context, period, html.escape(done))
    else:
        await scope_screen(visit, context, period, press.kind, press.value, done)
