"""`schoolbot worker`: serve the district's routes and keep the bots in step with the table."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.core.settings import Settings
from bot.core.webhook import AppServer
from bot.district import logcontext
from bot.district.routes import build_routes
from bot.district.worker import District

log = logging.getLogger(__name__)


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Listen on SCHOOLBOT_LISTEN and run every enabled bot until `stop` is set."""
    logcontext.install()
    district = District(settings)
    server = AppServer(build_routes(district), settings.listen, "district")
    try:
        await server.start()  # /healthz answers while the bots start; /readyz says when ready
        while not stop.is_set():
            await refresh_once(district)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.worker_refresh_seconds):
                    await stop.wait()
    finally:
        await server.stop()
        await district.close()


async def refresh_once(district: District) -> None:
    """Refresh the running bots; a failed read (the database away) is logged and retried."""
    try:
        await district.refresh()
    except Exception as error:
        log.warning("could not read the bots table (%s); tried again later", type(error).__name__)
