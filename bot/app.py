"""The application factory: engine, sessions and the PTB Application, built on demand."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest

from bot.core import errors, fallback, inputs, menu, schedules
from bot.core.context import BotApplication, BotContext, Services
from bot.core.i18n import LANGUAGES, translator
from bot.core.pacing import BotApiGate
from bot.core.settings import Settings
from bot.core.updates import PerPersonUpdates
from bot.delivery import receipts
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.leader import Leadership
from bot.features.accounts.chat import account, linking
from bot.features.administration import chat as admin
from bot.features.administration import jobs as anomaly_jobs
from bot.features.archive import chat as archive
from bot.features.assessment.chat import book as assessment
from bot.features.attendance import chat as attendance
from bot.features.calendar import chat as calendar
from bot.features.corrections import jobs as correction_jobs
from bot.features.corrections.chat import presses as corrections
from bot.features.feedback import jobs as feedback_jobs
from bot.features.feedback.chat import parent as feedback
from bot.features.health.chat import records as health
from bot.features.health.chat import sheet as health_import
from bot.features.leave.chat import parent as leave
from bot.features.urgent.chat import compose as urgent
from bot.features.weekly import jobs as weekly_jobs
from bot.features.weekly.chat import comments as weekly
from storage.db import create_engine, session_factory
from storage.queries import ensure_school


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
) -> BotApplication:
    """Build the Application with its services; nothing connects until it starts."""
    if settings.token is None:
        raise ValueError("SCHOOLBOT_TOKEN is required")
    engine = create_engine(settings.database_url, write_lock_at_begin=True)
    services = Services(settings=settings, engine=engine, sessions=session_factory(engine))
    builder = (
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_api_url)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(BotApiGate(per_second=settings.send_per_second))
        .concurrent_updates(PerPersonUpdates(settings.concurrent_updates))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    register_handlers(application)
    weekly_jobs.register()
    feedback_jobs.register()
    correction_jobs.register()
    anomaly_jobs.register()
    return application


async def startup(application: BotApplication) -> None:
    """Initialise and start the application, then publish the command lists.

    The bot is run with an explicit lifecycle (not `run_polling`), so this does the work a
    `post_init` hook would.
    """
    services = application.bot_data["services"]
    async with services.sessions() as session, session.begin():
        school = await ensure_school(
            session,
            services.settings.school,
            services.settings.school_name,
            services.settings.timezone,
        )
        services.school_id = school.id
        await schedules.ensure_defaults(session, school.id)
    await application.initialize()
    await _publish_commands(application)
    await application.start()
    if services.settings.send_outbox:
        leadership = Leadership(services.engine, f"sender:{application.bot.id}")
        services.dispatcher = Dispatcher(
            application.bot,
            services.sessions,
            lease=timedelta(seconds=services.settings.outbox_lease_seconds),
            leadership=leadership,
            school_id=services.school_id,
        )
        services.dispatcher_stop = asyncio.Event()
        services.dispatcher_task = asyncio.create_task(
            services.dispatcher.run(services.dispatcher_stop), name="outbox-dispatcher"
        )
    await schedules.rebuild(application)


async def shutdown(application: BotApplication) -> None:
    """Stop the dispatcher and the application, and close the database engine."""
    services = application.bot_data.get("services")
    if isinstance(services, Services) and services.dispatcher_task is not None:
        assert services.dispatcher_stop is not None
        services.dispatcher_stop.set()
        if services.dispatcher is not None:
            services.dispatcher.wake()
        await services.dispatcher_task
        services.dispatcher_task = None
    if application.running:
        await application.stop()
    await application.shutdown()
    if isinstance(services, Services):
        await services.engine.dispose()


async def _publish_commands(application: BotApplication) -> None:
    """Publish the command list in each language (Vietnamese also as the default)."""
    for language in (*LANGUAGES, None):
        _ = translator(language or "vi")
        commands = [BotCommand(name, _(text)) for name, text, _roles in menu.COMMANDS]
        await application.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language
        )


def register_handlers(application: BotApplication) -> None:
    """Register every feature's handlers, then plain text, then the fallback and errors.

    Everything shares group 0: PTB runs the first matching handler of each group, so order
    matters. Menu buttons are recognised before plain text (codes, a child's description);
    the catch-all for unknown commands sits last so it never answers a second time.
    Before all of them, in their own group, the routers hand a typed answer or a spreadsheet to
    the feature that waits for it (bot/core/inputs.py).
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
