"""Run the Application by polling or by webhook, inside an existing event loop."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from telegram import Update

from bot.app import build_application, shutdown, startup
from bot.core.settings import Settings
from bot.core.webhook import WebhookReceiver


def stop_on_signals(stop: asyncio.Event | None = None) -> asyncio.Event:
    """Return an event that SIGINT (Ctrl-C) and SIGTERM set, for a clean stop."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set or the process gets SIGINT/SIGTERM."""
    stop = stop_on_signals(stop)
    application = build_application(settings)
    try:
        await startup(application)
        if settings.webhook_url:
            # Settings refuse webhook mode without a secret; the receiver checks it on each POST.
            assert settings.webhook_secret is not None
            receiver = WebhookReceiver(
                application,
                url=settings.webhook_url,
                path=settings.webhook_path,
                secret=settings.webhook_secret.get_secret_value(),
                listen=settings.listen,
            )
            await receiver.start()
            try:
                await stop.wait()
            finally:
                await receiver.stop()
        else:
            updater = application.updater
            assert updater is not None
            await updater.start_polling(allowed_updates=Update.ALL_TYPES)
            await stop.wait()
            await updater.stop()
    finally:
        await shutdown(application)
