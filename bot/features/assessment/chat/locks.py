"""The principal's side of the assessment book: /khoaso, /mokhoa, /congbo and /hansua.

Only the principal changes anything; the vice principal sees the same tables. Arguments are a
period code (gk1, ck1, gk2, cn) and a scope: nothing for the school, "khoi 3" for a grade,
a class name for a class.
"""

from __future__ import annotations

import html
import re
from datetime import date

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import filters

from bot.core.access import WHOLE_SCHOOL
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_, Translator, translator
from bot.delivery.outbox import Audience, enqueue_notice, resolve
from bot.delivery.replies import reply_long
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import GRADES, Period
from bot.features.calendar.queries import Calendar, load_calendar
from storage.models import Role, School
from storage.names import search_key
from storage.queries import class_by_name, school_classes

PRIVATE = filters.ChatType.PRIVATE
NOTICE_KIND = "assessment_published"
LEADERS_ONLY = N_("The assessment book's locks and deadlines are for the school's leaders.")
PRINCIPAL_ONLY = N_("Only the principal can change this.")
USAGE = (
    N_("How to use:"),
    N_("/khoaso ck1 — lock End of term I for the whole school"),
    N_("/khoaso ck1 khoi 3 — for grade 3 only"),
    N_("/khoaso ck1 3A — for class 3A only"),
    N_("/mokhoa — unlock, written the same way"),
    N_("/congbo ck1 — publish the results to parents"),
    N_("/hansua ck1 15/01/2027 — set the last day for correction requests"),
    N_("/hansua ck1 macdinh — back to the default last day"),
    N_("Periods: gk1, ck1, gk2, cn."),
)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class BadArgument(ValueError):
    """An argument the commands refuse; args[0] is the answer to give."""


def period_of(text: str, _: Translator) -> Period:
    """The period a code names ("ck1", "CK1"); BadArgument otherwise."""
    try:
        return Period(search_key(text).strip())
    except ValueError:
        raise BadArgument(
            _("“{value}” is not a period: write gk1, ck1, gk2 or cn.").format(
                value=html.escape(text)
            )
        ) from None


async def scope_of(visit: Visit, words: list[str]) -> tuple[str, str]:
    """The lock scope the words after the period name, and how to say it; BadArgument if none."""
    _ = visit._
    if not words:
        return assessment.SCHOOL, _("the whole school")
    first = search_key(words[0])
    if first in ("khoi", "k") or (first.startswith("khoi") and len(words) == 1):
        number = (words[1] if len(words) > 1 else first.removeprefix("khoi")).strip()
        if not number.isdigit() or int(number) not in GRADES or len(words) > 2:
            raise BadArgument(
                _("A primary school has grades 1 to 5: “{value}” is not one of them.").format(
                    value=html.escape(" ".join(words[1:]) or number)
                )
            )
        return f"grade:{int(number)}", _("grade {grade}").format(grade=int(number))
    klass = await class_by_name(visit.session, visit.actor.school_id, "".join(words))
    if klass is None:
        raise BadArgument(
            _("There is no class {name} in this school.").format(name=html.escape(" ".join(words)))
        )
    return f"class:{klass.id}", _("class {name}").format(name=html.escape(klass.name))


async def _school_calendar(visit: Visit, context: BotContext) -> tuple[School, Calendar, str]:
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None
    today = context.today(visit.now)
    return (
        school,
        await load_calendar(visit.session, school, today),
        assessment.school_year_of(today),
    )


async def overview(visit: Visit, context: BotContext) -> str:
    """The year's periods: lock state with its exceptions, the deadline, publication."""
    _ = visit._
    school, calendar, year = await _school_calendar(visit, context)
    locks = await assessment.lock_table(visit.session, school.id, year)
    shown = set(await assessment.published(visit.session, school.id, year))
    names = dict(await school_classes(visit.session, school.id))
    lines = [_("Assessment book, school year {year}:").format(year=year)]
    for period in Period:
        scopes = locks.get(period.value, {})
        state = _("locked") if scopes.get(assessment.SCHOOL, False) else _("open")
        exceptions = [
            _("{scope}: {state}").format(
                scope=_scope_name(scope, names, _), state=_("locked") if locked else _("open")
            )
            for scope, locked in sorted(scopes.items())
            if scope != assessment.SCHOOL
        ]
        if exceptions:
            state += " (" + "; ".join(exceptions) + ")"
        day = await assessment.deadline(visit.session, school.id, year, period, calendar)
        last = short(day)
        if day == assessment.default_deadline(calendar, period):
            last = _("{date} (default)").format(date=last)
        lines.append(
            _("<b>{period}</b>: {state}; last day for corrections {date}; {published}").format(
                period=assessment.period_name(period, _),
                state=state,
                date=last,
                published=_("published") if period in shown else _("not published"),
            )
        )
    return "\n".join(lines)


def _scope_name(scope: str, names: dict[int, str], _: Translator) -> str:
    kind, _sep, value = scope.partition(":")
    if kind == "grade":
        return _("grade {grade}").format(grade=value)
    return _("class {name}").format(name=html.escape(names.get(int(value), value)))


async def _start(update: Update, context: BotContext) -> tuple[Message, list[str]]:
    message = update.effective_message
    assert message is not None
    return message, list(context.args or [])


async def _refused(message: Message, visit: Visit, changing: bool) -> bool:
    """Refuse people outside the school's leaders, and changes by anyone but the principal."""
    if not visit.actor.has(*WHOLE_SCHOOL):
        await message.reply_text(visit._(LEADERS_ONLY))
        return True
    if changing and not visit.actor.has(Role.PRINCIPAL):
        await message.reply_text(visit._(PRINCIPAL_ONLY))
        return True
    return False


async def _show_overview(message: Message, visit: Visit, context: BotContext) -> None:
    usage = "\n".join(visit._(line) for line in USAGE)
    text = await overview(visit, context) + "\n\n" + usage
    await reply_long(message, text, as_html=True)


async def _lock(update: Update, context: BotContext, locked: bool) -> None:
    message, args = await _start(update, context)
    async with context.visit(update) as visit:
        _ = visit._
        if await _refused(message, visit, changing=bool(args)):
            return
        if not args:
            await _show_overview(message, visit, context)
            return
        try:
            period = period_of(args[0], _)
            scope, where = await scope_of(visit, args[1:])
        except BadArgument as bad:
            await message.reply_text(str(bad.args[0]), parse_mode=ParseMode.HTML)
            return
        await assessment.set_lock(
            visit.session,
            school_id=visit.actor.school_id,
            school_year=assessment.school_year_of(context.today(visit.now)),
            period=period,
            scope=scope,
            locked=locked,
            by=visit.account.id,
            actor=visit.who,
        )
        done = (
            _("Locked {period} for {scope}. Changes now go through /suadiem.")
            if locked
            else _("Unlocked {period} for {scope}. Teachers can send their spreadsheets again.")
        )
        await message.reply_text(
            done.format(period=assessment.period_name(period, _), scope=where),
            parse_mode=ParseMode.HTML,
        )


async def lock_command(update: Update, context: BotContext) -> None:
    """/khoaso: the table, or lock a period for the school, a grade or a class."""
    await _lock(update, context, True)


async def unlock_command(update: Update, context: BotContext) -> None:
    """/mokhoa: the table, or unlock a period for the school, a grade or a class."""
    await _lock(update, context, False)


def notice_text(period: Period, year: str, _: Translator) -> str:
    """The short notice parents get when a period is published."""
    return _(
        "The school has published the results of {period}, school year {year}. "
        "Send /ketqua to see your child's results."
    ).format(period=assessment.period_name(period, _), year=year)


async def publish_command(update: Update, context: BotContext) -> None:
    """/congbo ck1: let parents see a period's results and tell them so."""
    message, args = await _start(update, context)
    async with context.visit(update) as visit:
        _ = visit._
        if await _refused(message, visit, changing=bool(args)):
            return
        if len(args) != 1:
            await _show_overview(message, visit, context)
            return
        try:
            period = period_of(args[0], _)
        except BadArgument as bad:
            await message.reply_text(str(bad.args[0]), parse_mode=ParseMode.HTML)
            return
        school_id, year = visit.actor.school_id, assessment.school_year_of(context.today(visit.now))
        name = assessment.period_name(period, _)
        first = await assessment.publish(
            visit.session,
            school_id=school_id,
            school_year=year,
            period=period,
            by=visit.account.id,
            actor=visit.who,
            now=visit.now,
        )
        if not first:
            await message.reply_text(_("{period} was already published.").format(period=name))
            return
        families = len((await resolve(visit.session, school_id, Audience.school())).accounts)
        notice = await enqueue_notice(
            visit.session,
            school_id,
            Audience.school(),
            NOTICE_KIND,
            notice_text(period, year, translator("vi")),
            requires_ack=False,
            created_by=visit.account.id,
            now=visit.now,
        )
        notice.translations = {"en": notice_text(period, year, translator("en"))}
        notice.ref = f"assessment:{year}:{period.value}"
        await visit.save()
        context.wake_sender()
        await message.reply_text(
            _("Published {period}. {count} parent accounts are being told to use /ketqua.").format(
                period=name, count=families
            )
        )


def _date_of(text: str, year: str, today: date, _: Translator) -> date:
    """A deadline typed as dd/mm/yyyy, within the school year and not in the past."""
    found = _DATE.match(text.strip())
    day: date | None = None
    if found:
        try:
            day = date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            day = None
    if day is None:
        raise BadArgument(
            _("“{value}” is not a date: write it as dd/mm/yyyy.").format(value=html.escape(text))
        )
    first, last = int(year[:4]), int(year[5:])
    if not date(first, 8, 1) <= day <= date(last, 8, 31):
        raise BadArgument(
            _("{date} is not in the school year {year}.").format(date=short(day), year=year)
        )
    if day < today:
        raise BadArgument(_("{date} has already passed.").format(date=short(day)))
    return day


async def deadline_command(update: Update, context: BotContext) -> None:
    """/hansua: the deadlines; /hansua ck1 15/01/2027 or /hansua ck1 macdinh sets one."""
    message, args = await _start(update, context)
    async with context.visit(update) as visit:
        _ = visit._
        if await _refused(message, visit, changing=bool(args)):
            return
        if not args:
            await _show_overview(message, visit, context)
            return
        _school, calendar, year = await _school_calendar(visit, context)
        try:
            if len(args) != 2:
                raise BadArgument(
                    _("Write the period and the date, for example /hansua ck1 15/01/2027.")
                )
            period = period_of(args[0], _)
            reset = search_key(args[1]).replace(" ", "") in ("macdinh", "default")
            day = None if reset else _date_of(args[1], year, context.today(visit.now), _)
        except BadArgument as bad:
            await message.reply_text(str(bad.args[0]), parse_mode=ParseMode.HTML)
            return
        await assessment.set_deadline(
            visit.session,
            school_id=visit.actor.school_id,
            school_year=year,
            period=period,
            day=day,
            actor=visit.who,
        )
        last = day or assessment.default_deadline(calendar, period)
        await message.reply_text(
            _("Last day for correction requests of {period}: {date}.").format(
                period=assessment.period_name(period, _), date=short(last)
            )
        )
