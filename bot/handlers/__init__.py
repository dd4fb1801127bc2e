"""All handlers, registered in one place in a deliberate order."""

from __future__ import annotations

from bot.context import BotApplication
from bot.handlers import errors, start


def register(application: BotApplication) -> None:
    """Register every feature's handlers, then the fallback, then the error handler.

    Everything shares group 0: PTB runs the first matching handler of each group, so the
    catch-all must sit last in the same group or it would answer every message a second time.
    """
    application.add_handlers(start.build_handlers())
    application.add_handlers(start.build_fallback())
    application.add_error_handler(errors.on_error)
