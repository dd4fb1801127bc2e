"""All handlers, registered in one place in a deliberate order."""

from __future__ import annotations

from bot.context import BotApplication
from bot.handlers import errors, start


def register(application: BotApplication) -> None:
    """Register every feature's handlers; earlier groups see updates first."""
    # Commands that reset a conversation come first so they always work.
    application.add_handlers(start.build_handlers())
    application.add_error_handler(errors.on_error)
