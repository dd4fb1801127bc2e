"""What `schoolbot worker` does: run every enabled school's bot of the bots table."""

from __future__ import annotations

import argparse
import sys

from bot.cli.database import require_current_schema
from bot.core.i18n import Translator
from bot.core.settings import Settings


async def worker(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Run the district's worker; refuse without SCHOOLBOT_PUBLIC_URL or a current schema."""
    from bot.district.run import run_worker
    from bot.runner import stop_on_signals

    if settings.public_url is None:
        print(
            _(
                "Set SCHOOLBOT_PUBLIC_URL to the https address where Telegram reaches the "
                "workers (each bot's webhook is that address followed by /tg/<bot id>)."
            ),
            file=sys.stderr,
        )
        return 2
    await require_current_schema(settings, _)
    await run_worker(settings, stop_on_signals())
    return 0
