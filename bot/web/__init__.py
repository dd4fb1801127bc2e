"""The contact book on the web (docs/web.md): an ASGI app inside the bot's process.

The pages call the features' own rules and queries, each request in one unit of work
(bot/web/visit.py); who someone is comes from a one-time link or code given by /web, or from
a Telegram Mini App's init data, then a short-lived session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.core.context import Services
from bot.web import dashboard, family, feedback, signin, teacher_routes
from bot.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"


def routes(services: Services) -> list[BaseRoute]:
    """The pages, relative to the web's base path."""
    return [
        Route("/", family.family_page(services)),
        Route("/login", signin.sign_in(services), methods=["POST"]),
        Route("/login/{secret}", signin.link_page(services)),
        Route("/app", signin.mini_app(services)),
        Route("/auth/telegram", signin.from_telegram(services), methods=["POST"]),
        Route("/logout", signin.sign_out(services), methods=["POST"]),
        Route("/language", signin.choose_language(services), methods=["POST"]),
        Route("/seen", family.seen(services), methods=["POST"]),
        Route("/feedback", feedback.feedback_form(services)),
        Route("/feedback", feedback.send_feedback(services), methods=["POST"]),
        # The homeroom teacher's class grid (bot/web/teacher*.py).
        *teacher_routes.routes(services),
        # The leaders' dashboard (bot/web/dashboard*.py).
        Route("/dashboard", dashboard.dashboard_page(services)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


Extra = Callable[[Services], list[BaseRoute]]


def build_web_app(services: Services, extra: Extra | None = None) -> SecurityHeaders:
    """The web app for a running bot's services, under the path of SCHOOLBOT_WEB_URL (`extra`:
    more pages, such as the demo's door)."""
    base = services.settings.web_path
    pages = routes(services) + (extra(services) if extra is not None else [])
    app = Starlette(routes=[Mount(base, routes=pages)] if base else pages)
    # Text answers of 500 bytes or more go gzipped to a browser that accepts it (a page
    # weighs about a fifth); images are left as they are. Form tokens are masked per answer.
    return SecurityHeaders(GZipMiddleware(app, minimum_size=500, compresslevel=6))
