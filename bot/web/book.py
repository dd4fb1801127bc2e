"""The assessment grid of a period (docs/web.md, "Assessment grid"): the homeroom teacher's class
for the school year and period, one row per pupil, one column per item the TT27 matrix asks for
that grade and period (assessment.items_for: levels, scores where the period has a test, the
parts of Nghệ thuật and Tin học và Công nghệ, the optional subjects the school teaches, the
qualities and competences).

Values are shown as the class summary spreadsheet writes them (T/H/C, T/Đ/C, the score). An
open cell is saved as typed (book_save.py, static/book.js); a locked one (the period locked by
the principal, or an item a correction locked again) is read-only with a deep link that opens
the correction request in chat (corrections/deep_link.py). Without JavaScript every cell reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.core.context import Services
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.documents import cell_value, column_title
from bot.features.assessment.queries import Item
from bot.features.assessment.rules import QUALITIES, Period, item_name
from bot.features.calendar.queries import school_calendar
from bot.features.corrections import deep_link
from bot.features.weekly.queries import class_roll, homeroom_class
from bot.web.family import not_found
from bot.web.render import page
from bot.web.signin import Endpoint, common, sign_in_page
from bot.web.visit import WebVisit, web_visit
from storage.models import AssessmentKind, SchoolClass

KIND_SHORT = {AssessmentKind.LEVEL: N_("Level"), AssessmentKind.SCORE: N_("Score")}


@dataclass(frozen=True, slots=True)
class BookOf:
    """The class a request is about, the school year and today, on the bot's clock."""

    klass: SchoolClass
    school_year: str
    today: date


async def book_of(visit: WebVisit) -> BookOf | None:
    """The signed-in person's homeroom class, if they keep its book; else None (the web grid
    is the homeroom teacher's: the assessment book has no subject teachers' part)."""
    assert visit.actor is not None
    mine = await homeroom_class(visit.session, visit.actor)
    klass = (
        None if mine is None else await assessment.book_class(visit.session, visit.actor, mine.id)
    )
    if klass is None:
        return None
    today = visit.now.astimezone(visit.settings.zone).date()
    return BookOf(klass, assessment.school_year_of(today), today)


async def chosen_period(visit: WebVisit, mine: BookOf, asked: str | None) -> Period | None:
    """The period asked for (None: not a period); by default the latest whose test week has
    begun (the one being entered), the mid-term I before it."""
    if asked is not None:
        return next((period for period in Period if period.value == asked), None)
    calendar = await school_calendar(visit.session, mine.klass.school_id, mine.today)
    weeks = calendar.weeks()
    begun = [
        period
        for period in Period
        if weeks
        and weeks[min(max(assessment.test_week(calendar, period), 1), len(weeks)) - 1].start
        <= mine.today
    ]
    return begun[-1] if begun else Period.GK1


def headings(items: list[Item]) -> list[dict[str, Any]]:
    """The first heading row: a subject (or part) over its level and score, a quality alone
    (over both heading rows)."""
    groups: list[dict[str, Any]] = []
    for item in items:
        if item.kind is AssessmentKind.QUALITY:
            groups.append({"name": QUALITIES[item.code], "span": 1, "alone": True, "code": ""})
        elif groups and groups[-1]["code"] == item.code:
            groups[-1]["span"] += 1
        else:
            groups.append(
                {"name": item_name(item.code), "span": 1, "alone": False, "code": item.code}
            )
    return groups


async def grid_context(visit: WebVisit, mine: BookOf, period: Period) -> dict[str, Any]:
    """Everything the grid page shows."""
    assert visit.actor is not None
    _, klass, year = visit._, mine.klass, mine.school_year
    optional = await assessment.optional_subjects(visit.session, klass)
    items = assessment.items_for(klass.grade, period, optional)
    # item_locked's rule, read once for the class: the period's lock, or the item relocked.
    period_locked = await assessment.is_locked(visit.session, klass.school_id, year, period, klass)
    bot = visit.services.bot_username
    rows, any_locked = [], False
    for pupil in await class_roll(visit.session, klass.id):
        results = await assessment.pupil_results(visit.session, pupil.student_id, year, period)
        cells = []
        for item in items:
            row = results.get(item)
            locked = period_locked or (row is not None and row.relocked)
            any_locked = any_locked or locked
            start = deep_link.payload(pupil.student_id, year, period, item)
            cells.append(
                {
                    "key": item.key,
                    "value": "" if row is None else str(cell_value(item, row.value)),
                    "locked": locked,
                    "link": deep_link.link(bot, start) if locked and bot else "",
                    "title": column_title(item),
                    "score": item.kind is AssessmentKind.SCORE,
                }
            )
        rows.append({"id": pupil.student_id, "label": pupil.label or pupil.name, "cells": cells})
    published = period in await assessment.published(visit.session, klass.school_id, year)
    return {
        "class_name": klass.name,
        "school_year": year,
        "period": period,
        "period_name": assessment.period_name(period, _),
        "periods": [(p.value, assessment.period_name(p, _)) for p in Period],
        "groups": headings(items),
        "kinds": [
            _(KIND_SHORT[item.kind]) for item in items if item.kind is not AssessmentKind.QUALITY
        ],
        "rows": rows,
        "period_locked": period_locked,
        "published": published,
        "any_locked": any_locked,
    }


def book_page(services: Services) -> Endpoint:
    """GET /teacher/book?period=<gk1|ck1|gk2|cn>: the homeroom teacher's assessment grid."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            context = await common(visit)
            mine = await book_of(visit)
            period = None
            if mine is not None:
                period = await chosen_period(visit, mine, request.query_params.get("period"))
            if mine is None or period is None:
                return not_found(visit, context)
            grid = await grid_context(visit, mine, period)
            return page("book.html", visit._, **grid, **context)

    return endpoint
