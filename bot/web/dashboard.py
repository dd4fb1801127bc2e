"""The leaders' dashboard (docs/web.md, "Leaders' dashboard"): the week's and the period's
figures for the principal and the vice principal, as SVG bar charts with their tables."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.core.context import Services
from bot.web.family import not_found
from bot.web.signin import Endpoint, common, sign_in_page
from bot.web.visit import web_visit


def dashboard_page(services: Services) -> Endpoint:
    """GET /dashboard: the school's figures, for its leaders only."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.actor is None:
                return await sign_in_page(visit)
            return not_found(visit, await common(visit))

    return endpoint
