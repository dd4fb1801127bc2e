"""All handlers, registered in one place in a deliberate order."""

from __future__ import annotations

from bot.context import BotApplication
from bot.handlers import (
    account,
    admin,
    archive,
    assessment,
    attendance,
    calendar,
    corrections,
    errors,
    fallback,
    feedback,
    health,
    health_import,
    inputs,
    leave,
    linking,
    menu,
    receipts,
    urgent,
    weekly,
)


def register(application: BotApplication) -> None:
    """Register every feature's handlers, then plain text, then the fallback and errors.

    Everything shares group 0: PTB runs the first matching handler of each group, so order
    matters. Menu buttons are recognised before plain text (codes, a child's description);
    the catch-all for unknown commands sits last so it never answers a second time.
    Before all of them, in their own group, the routers hand a typed answer or a spreadsheet to
    the feature that waits for it (bot/handlers/inputs.py).
    """
    application.add_handlers(inputs.build_handlers(), group=inputs.GROUP)
    application.add_handlers(linking.build_handlers())
    application.add_handlers(menu.build_handlers())
    application.add_handlers(account.build_handlers())
    application.add_handlers(admin.build_handlers())
    application.add_handlers(receipts.build_handlers())
    application.add_handlers(weekly.build_handlers())
    application.add_handlers(attendance.build_handlers())
    application.add_handlers(calendar.build_handlers())
    application.add_handlers(health.build_handlers())
    application.add_handlers(health_import.build_handlers())
    application.add_handlers(urgent.build_handlers())
    application.add_handlers(feedback.build_handlers())
    application.add_handlers(leave.build_handlers())
    application.add_handlers(assessment.build_handlers())
    application.add_handlers(corrections.build_handlers())
    application.add_handlers(archive.build_handlers())
    application.add_handlers(linking.build_text_handler())
    application.add_handlers(fallback.build_fallback())
    application.add_error_handler(errors.on_error)
