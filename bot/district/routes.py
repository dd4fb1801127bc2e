"""The worker's one ASGI app: each bot's webhook, health, readiness and the schools' web pages.

- `POST /tg/{telegram id}`: 404 for a bot this worker does not run (unknown or disabled), 403
  without that bot's own secret (compared in constant time); only then is the body read. The
  update is handled in the request and answered 200 after its answers are sent, so a worker
  that dies half-way gets it posted again by Telegram; 503 when the chat's lock was not had in
  time (Telegram retries). Nothing of a refused request is read, stored or logged.
- `GET /healthz`: 200 while the process runs. `GET /readyz`: 200 when the database answers and
  the bots have been started once (schools whose bot did not start are named in
  `not_started`), else 503 with the reason in JSON.
- `/s/{school code}/...`: that school's web contact book, when SCHOOLBOT_WEB_URL is set.
The paths are those of SCHOOLBOT_PUBLIC_URL and SCHOOLBOT_WEB_URL: the proxy passes them as is.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send
from telegram import Update
from telegram.ext import ExtBot

from bot.core.webhook import MAX_BODY, SECRET_HEADER, secret_matches
from bot.district.chat_lock import ChatBusy
from bot.district.worker import District

log = logging.getLogger(__name__)

RETRY_AFTER = "5"  # seconds, for a chat whose lock another worker holds too long


def build_routes(district: District) -> Router:
    """The worker's ASGI app (see the module's docstring)."""
    hooks = urlparse(district.settings.public_url or "").path.rstrip("/")

    async def receive(request: Request) -> Response:
        running = district.find(request.path_params["telegram_id"])
        if running is None:
            return Response(status_code=404)
        if not secret_matches(request.headers.get(SECRET_HEADER), running.row.webhook_secret):
            log.warning(
                "webhook: refused a request without bot %s's secret (403)", running.row.telegram_id
            )
            return Response(status_code=403)
        with running.in_hand():
            body = await request.body()
            if len(body) > MAX_BODY:
                return Response(status_code=413)
            application = running.application
            try:
                update = Update.de_json(json.loads(body), application.bot)
            except (ValueError, TypeError, KeyError, AttributeError):
                log.warning("webhook: a request with the secret held no readable update (400)")
                return Response(status_code=400)
            if isinstance(application.bot, ExtBot):
                application.bot.insert_callback_data(update)
            try:
                await district.handle(running, update)
            except ChatBusy:
                return Response(status_code=503, headers={"Retry-After": RETRY_AFTER})
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"alive": True})

    async def readyz(request: Request) -> Response:
        state = await district.readiness()
        return JSONResponse(state, status_code=200 if state["ready"] else 503)

    routes = [
        Route(hooks + "/tg/{telegram_id:int}", receive, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    return Router(routes=routes, redirect_slashes=False, default=SchoolPages(district))


class SchoolPages:
    """Pass `/s/{code}/...` to that school's web app (which serves its own full path)."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.base = urlparse(district.settings.web_url or "").path.rstrip("/") + "/s/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        web = None
        if scope["type"] == "http" and path.startswith(self.base):
            code = path[len(self.base) :].split("/", 1)[0]
            web = self.district.web_of(code)
        if web is None:
            await Response(status_code=404)(scope, receive, send)
            return
        await web(scope, receive, send)
