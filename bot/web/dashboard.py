"""The leaders' dashboard (docs/web.md, "Leaders' dashboard"): a week's or an assessment
period's figures for the principal and the vice principal, as SVG bar charts, each with its
numbers in a table. Nobody else sees any of it (the whole-school scope of bot/core/access.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.core.access import WHOLE_SCHOOL, Actor
from bot.core.context import Services
from bot.core.i18n import N_
from bot.features.calendar.queries import school_calendar
from bot.web.charts import legend, svg
from bot.web.dashboard_figures import Asked, all_charts
from bot.web.dashboard_spans import PERIOD, WEEK, Span, choices
from bot.web.render import page
from bot.web.signin import Endpoint, common, sign_in_page
from bot.web.visit import WebVisit, web_visit

NOT_LEADER = N_("The dashboard is for the school's leaders.")
NO_WEEK = N_("The school year has not begun: there is no week to show yet.")
NO_SUCH_SPAN = N_(
    "There is no such week or period on the dashboard. Please choose one from the list."
)


def may_see(actor: Actor | None) -> bool:
    """The principal and the vice principal (the whole school's scope); nobody else."""
    return actor is not None and actor.has(*WHOLE_SCHOOL)


def chosen(weeks: list[Span], periods: list[Span], asked: str | None) -> Span | None:
    """The span the select asked for ("week-12", "period-ck1"); the newest week by default;
    None for anything not offered."""
    if not asked:
        return weeks[0] if weeks else None
    kind, _dash, key = asked.partition("-")
    offered = weeks if kind == WEEK else periods if kind == PERIOD else []
    return next((span for span in offered if span.key == key), None)


def dashboard_page(services: Services) -> Endpoint:
    """GET /dashboard: the school's figures, for its leaders only (403 for anyone else)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            context = await common(visit)
            if not may_see(visit.actor):
                return _message(visit, context, NOT_LEADER, 403)
            return await _dashboard(visit, context, request.query_params.get("span"))

    return endpoint


async def _dashboard(visit: WebVisit, context: dict[str, Any], asked: str | None) -> Response:
    assert visit.actor is not None
    _, zone = visit._, visit.settings.zone
    today = visit.now.astimezone(zone).date()
    calendar = await school_calendar(visit.session, visit.actor.school_id, today)
    weeks, periods = choices(calendar, today, _)
    if not weeks:
        return _message(visit, context, NO_WEEK, 200)
    span = chosen(weeks, periods, asked)
    if span is None:
        return _message(visit, context, NO_SUCH_SPAN, 404)
    asked_for = Asked(
        visit.session, visit.actor.school_id, span, calendar.year_start, visit.now, zone, _
    )
    charts = await all_charts(asked_for)
    return page(
        "dashboard.html",
        _,
        span=span,
        weeks=weeks,
        periods=periods,
        charts=[(chart, svg(chart)) for chart in charts],
        legend=legend,
        **context,
    )


def _message(visit: WebVisit, context: dict[str, Any], message: str, status: int) -> Response:
    return page("message.html", visit._, status_code=status, message=visit._(message), **context)
