"""The school leaders' operations on the book: the year's table, locks, deadlines, publication.

Each takes the person acting and checks the rules (bot/features/assessment/rules/access.py)
before it changes anything; a refusal is a RuleError whose message the chat side shows.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.access import Actor
from bot.core.i18n import Translator, translator
from bot.delivery.outbox import Audience, enqueue_notice, resolve
from bot.features.assessment.queries.items import period_name
from bot.features.assessment.queries.locks import SCHOOL, lock_table, set_lock
from bot.features.assessment.queries.periods import (
    deadline,
    default_deadline,
    publish,
    published,
    set_deadline,
)
from bot.features.assessment.rules import Period, RuleError, check_deadline, locks_refusal
from bot.features.calendar.queries import Calendar, load_calendar
from storage.models import School
from storage.queries import school_classes

NOTICE_KIND = "assessment_published"


def require(actor: Actor, *, changing: bool) -> None:
    """Raise the refusal (a RuleError) when this person may not see or change the locks."""
    refusal = locks_refusal(actor, changing=changing)
    if refusal is not None:
        raise RuleError(refusal)


async def school_calendar(session: AsyncSession, school_id: int, today: date) -> Calendar:
    """The school's calendar of the year `today` is in."""
    school = await session.get(School, school_id)
    assert school is not None
    return await load_calendar(session, school, today)


@dataclass(frozen=True, slots=True)
class PeriodState:
    """One period of the year as the leaders' table shows it."""

    period: Period
    locked: bool  # for the whole school
    exceptions: list[tuple[str, bool]]  # (grade or class scope, locked), sorted
    deadline: date
    default_deadline: bool
    published: bool


async def year_table(
    session: AsyncSession, actor: Actor, school_year: str, today: date
) -> tuple[list[PeriodState], dict[int, str]]:
    """The year's periods (locks and their exceptions, deadline, publication) and class names."""
    require(actor, changing=False)
    school_id = actor.school_id
    calendar = await school_calendar(session, school_id, today)
    locks = await lock_table(session, school_id, school_year)
    shown = set(await published(session, school_id, school_year))
    states = []
    for period in Period:
        scopes = locks.get(period.value, {})
        day = await deadline(session, school_id, school_year, period, calendar)
        states.append(
            PeriodState(
                period,
                scopes.get(SCHOOL, False),
                sorted((scope, on) for scope, on in scopes.items() if scope != SCHOOL),
                day,
                day == default_deadline(calendar, period),
                period in shown,
            )
        )
    return states, dict(await school_classes(session, school_id))


async def change_lock(
    session: AsyncSession,
    actor: Actor,
    who: str,
    *,
    school_year: str,
    period: Period,
    scope: str,
    locked: bool,
) -> None:
    """The principal locks or unlocks a period for the school, a grade or a class."""
    require(actor, changing=True)
    await set_lock(
        session,
        school_id=actor.school_id,
        school_year=school_year,
        period=period,
        scope=scope,
        locked=locked,
        by=actor.account.id,
        actor=who,
    )


async def change_deadline(
    session: AsyncSession,
    actor: Actor,
    who: str,
    *,
    school_year: str,
    period: Period,
    day: date | None,
    today: date,
) -> date:
    """The principal sets (None: resets) a period's last day for corrections; return it."""
    require(actor, changing=True)
    if day is not None:
        check_deadline(day, school_year, today)
    await set_deadline(
        session,
        school_id=actor.school_id,
        school_year=school_year,
        period=period,
        day=day,
        actor=who,
    )
    if day is not None:
        return day
    return default_deadline(await school_calendar(session, actor.school_id, today), period)


def notice_text(period: Period, year: str, _: Translator) -> str:
    """The short notice parents get when a period is published."""
    return _(
        "The school has published the results of {period}, school year {year}. "
        "Send /ketqua to see your child's results."
    ).format(period=period_name(period, _), year=year)


def _signed(school: School, period: Period, year: str, language: str) -> str:
    """The notice in HTML under the school's name: who sends it."""
    text = notice_text(period, year, translator(language))
    return f"<b>{html.escape(school.name)}</b>\n{html.escape(text)}"


async def publish_results(
    session: AsyncSession,
    actor: Actor,
    who: str,
    *,
    school_year: str,
    period: Period,
    now: datetime,
) -> int | None:
    """The principal publishes a period and every family is told through the outbox.

    Returns how many parent accounts are told, or None when it was already published.
    """
    require(actor, changing=True)
    school_id = actor.school_id
    first = await publish(
        session,
        school_id=school_id,
        school_year=school_year,
        period=period,
        by=actor.account.id,
        actor=who,
        now=now,
    )
    if not first:
        return None
    families = len((await resolve(session, school_id, Audience.school())).accounts)
    school = await session.get(School, school_id)
    assert school is not None
    texts = {code: _signed(school, period, school_year, code) for code in ("vi", "en")}
    notice = await enqueue_notice(
        session,
        school_id,
        Audience.school(),
        NOTICE_KIND,
        texts["vi"],
        requires_ack=False,
        created_by=actor.account.id,
        now=now,
    )
    notice.translations = texts
    notice.ref = f"assessment:{school_year}:{period.value}"
    return families
