"""The outbox sender started with the bot takes its settings from the environment."""

from __future__ import annotations

from datetime import timedelta

from bot.app import build_application, shutdown, startup
from bot.core.settings import load_settings
from sandbox.pytest_plugin import SandboxBot
from sandbox.server import RunningSandbox
from storage.models import School


async def test_the_outbox_lease_comes_from_the_settings(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, database_url: str, school: School
) -> None:
    settings = load_settings(
        _env_file=None,
        token=sandbox_bot.token,
        api_base_url=sandbox.url,
        database_url=database_url,
        school=school.code,
        send_outbox=True,
        outbox_lease_seconds=300,
    )
    application = build_application(settings)
    await startup(application)
    try:
        dispatcher = application.bot_data["services"].dispatcher
        assert dispatcher is not None
        assert dispatcher.lease == timedelta(seconds=300)
    finally:
        await shutdown(application)
