"""Run the Application by polling or by webhook, inside an existing event loop."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from starlette.types import ASGIApp
from telegram import Update

from bot.app import build_application, shutdown, startup
from bot.core.context import BotApplication
from bot.core.settings import Settings
from bot.core.webhook import AppServer, WebhookReceiver
from bot.web import Extra, build_web_app


def stop_on_signals(stop: asyncio.Event | None = None) -> asyncio.Event:
    """Return an event that SIGINT (Ctrl-C) and SIGTERM set, for a clean stop."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_bot(
    settings: Settings, stop: asyncio.Event | None = None, web_extra: Extra | None = None
) -> None:
    """Run until `stop` is set or the process gets SIGINT/SIGTERM (`web_extra`: more pages
    for the web contact book, the demo's)."""
    stop = stop_on_signals(stop)
    application = build_application(settings)
    try:
        await startup(application)
        services = application.bot_data["services"]
        web = build_web_app(services, web_extra) if settings.web_url else None
        if settings.webhook_url:
            # Settings refuse webhook mode without a secret; the receiver checks it on each POST.
            assert settings.webhook_secret is not None
            receiver = WebhookReceiver(
                application,
                url=settings.webhook_url,
                path=settings.webhook_path,
                secret=settings.webhook_secret.get_secret_value(),
                listen=settings.listen,
                web=web,  # the contact book on the web, on the webhook's own server
            )
            await receiver.start()
            try:
                await stop.wait()
            finally:
                await receiver.stop()
        else:
            await _poll(application, stop, web, settings.listen)
    finally:
        await shutdown(application)


async def _poll(
    application: BotApplication, stop: asyncio.Event, web: ASGIApp | None, listen: str
) -> None:
    """Poll for updates until `stop`; the web contact book, if served, on SCHOOLBOT_LISTEN."""
    server = AppServer(web, listen, "web") if web is not None else None
    if server is not None:
        await server.start()
    try:
        updater = application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await stop.wait()
        await updater.stop()
    finally:
        if server is not None:
            await server.stop()
