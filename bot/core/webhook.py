"""Webhook mode: receive Telegram's POSTs on the webhook URL's own path, only with the secret.

PTB's own webhook server compares the secret with `!=` and logs every body it receives; this
small Starlette app (the pattern of PTB's "custom webhook" example) compares the secret in
constant time, answers 403 without it, 404 on any other path, and puts nothing in the update
queue unless both hold. It logs no update's content.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp
from telegram import Update
from telegram.ext import ExtBot

from bot.core.context import BotApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; Telegram sends no files in them


def secret_matches(given: str | None, secret: str) -> bool:
    """Compare the header with the secret in constant time (a missing header never matches)."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


def build_receiver(
    application: BotApplication, path: str, secret: str, web: ASGIApp | None = None
) -> Router:
    """Return the ASGI app that accepts updates on `path` carrying `secret`; every other path
    goes to `web` (the contact book on the web) when it is given."""

    async def receive(request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            log.warning("webhook: refused a request without the right secret (403)")
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook: a request with the secret held no readable update (400)")
            return Response(status_code=400)
        if isinstance(application.bot, ExtBot):
            application.bot.insert_callback_data(update)
        await application.update_queue.put(update)
        return Response(status_code=200)

    routes: list[BaseRoute] = [Route(path, receive, methods=["POST"])]
    if web is not None:
        routes.append(Mount("", app=web))
    return Router(routes=routes, redirect_slashes=False)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the process's signal handlers to the runner."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(listen: str) -> socket.socket:
    host, _, port = listen.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, int(port)))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


class AppServer:
    """An ASGI app served on an address inside the bot's event loop: start, then stop."""

    def __init__(self, app: ASGIApp, listen: str, name: str) -> None:
        self.listen = listen
        self.name = name
        config = uvicorn.Config(
            app,
            log_config=None,  # our logging (and its redacting filter) handles uvicorn's lines
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
        self.server = _Server(config)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen (an error binding the address is raised here)."""
        sock = _bind(self.listen)
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]), name=self.name)
        while not self.server.started:
            if self.task.done():
                self.task.result()
                raise RuntimeError(f"the {self.name} server stopped while starting")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop listening."""
        if self.task is None:
            return
        self.server.should_exit = True
        await self.task
        self.task = None


class WebhookReceiver:
    """The receiving server for one application: start it, then tell Telegram; stop it."""

    def __init__(
        self,
        application: BotApplication,
        *,
        url: str,
        path: str,
        secret: str,
        listen: str,
        web: ASGIApp | None = None,
    ) -> None:
        self.application = application
        self.url = url
        self.secret = secret
        self.listen = listen
        self.app_server = AppServer(
            build_receiver(application, path, secret, web), listen, "webhook"
        )

    @property
    def server(self) -> uvicorn.Server:
        """The uvicorn server (tests look at it)."""
        return self.app_server.server

    async def start(self) -> None:
        """Listen (an error binding the address is raised here), then set the webhook."""
        await self.app_server.start()
        await self.application.bot.set_webhook(
            url=self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stop listening; Telegram keeps the webhook and holds updates until the next start."""
        await self.app_server.stop()
