"""The application factory: engine, sessions and the PTB Application, built on demand."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, Defaults, filters
from telegram.request import BaseRequest

from bot.core import errors, fallback, inputs, menu, presses, schedules
from bot.core.clock import ClockedJobQueue
from bot.core.context import BotApplication, BotContext, Services
from bot.core.features import Features
from bot.core.i18n import LANGUAGES, translator
from bot.core.pacing import BotApiGate
from bot.core.settings import Settings
from bot.core.updates import PerPersonUpdates
from bot.delivery import receipts
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.leader import Leadership
from bot.features import (
    accounts,
    administration,
    archive,
    assessment,
    attendance,
    calendar,
    corrections,
    data_rights,
    feedback,
    health,
    inbox,
    leave,
    urgent,
    web_access,
    weekly,
)
from storage import bots
from storage.db import create_engine, session_factory
from storage.models import School
from storage.queries import ensure_school

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
# The order features register in: their handlers are tried in this order.
FEATURES = (
    accounts,
    data_rights,
    administration,
    weekly,
    attendance,
    calendar,
    health,
    urgent,
    feedback,
    leave,
    inbox,
    assessment,
    corrections,
    archive,
    web_access,
)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    engine: AsyncEngine | None = None,
    updater: bool = True,
) -> BotApplication:
    """Build the Application with its services; nothing connects until it starts.

    A district's worker builds one per school's bot with the worker's shared `engine` (which
    it disposes of itself) and no `updater` (its own routes feed the updates)."""
    if settings.token is None:
        raise ValueError("SCHOOLBOT_TOKEN is required")
    owned = engine is None
    engine = engine or create_engine(settings.database_url, write_lock_at_begin=True)
    services = Services(
        settings=settings, engine=engine, sessions=session_factory(engine), owns_engine=owned
    )
    builder = (
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_api_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML))  # every text the bot sends is HTML
        .rate_limiter(BotApiGate(per_second=settings.send_per_second))
        .concurrent_updates(PerPersonUpdates(settings.concurrent_updates))
        .job_queue(ClockedJobQueue())  # the schedules fire by the bot's clock
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if not updater:
        builder = builder.updater(None)
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    queue = application.job_queue
    assert isinstance(queue, ClockedJobQueue)
    queue.follow(lambda: services.clock())
    services.features = register_features(application)
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
    services.bot_username = application.bot.username or ""
    async with services.sessions() as session, session.begin():
        await _keep_bot_row(session, services, application.bot.username)
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
            clock=lambda: services.clock(),
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
    if isinstance(services, Services) and services.owns_engine:
        await services.engine.dispose()


async def _keep_bot_row(session: AsyncSession, services: Services, username: str) -> None:
    """Record the school's bot (its token, username and webhook secret) in the bots table, so
    that a single school run with SCHOOLBOT_TOKEN is the one-school case of a district's
    deployment (`schoolbot school list` shows it; `schoolbot worker` can take it over)."""
    settings = services.settings
    assert settings.token is not None
    school = await session.get(School, services.school_id)
    assert school is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    try:
        await bots.put_bot(
            session,
            school,
            settings.token.get_secret_value(),
            username=username,
            webhook_secret=secret,
        )
    except ValueError:  # another school has the bot, or the token is not in BotFather's form
        log.warning("school %s: its bot is not recorded (taken or unlike a token)", school.id)


async def _publish_commands(application: BotApplication) -> None:
    """Publish the command list in each language (Vietnamese also as the default)."""
    for language in (*LANGUAGES, None):
        _ = translator(language or "vi")
        commands = [
            BotCommand(command.name, _(command.description))
            for command in application.bot_data["services"].features.ordered_commands()
        ]
        await application.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language
        )


def register_features(application: BotApplication) -> Features:
    """Let every feature register, in a fixed order, and build the handlers from it.

    Group -1 holds the routers of typed answers and files (bot/core/inputs.py); group 0 the
    commands, the menu buttons, every feature's own handlers, the press router, then free text
    and the catch-all, which must come last so that it never answers a second time.
    """
    features = Features()
    menu.register(features)
    receipts.register(features)
    for feature in FEATURES:
        feature.register(features)
    application.add_handlers(inputs.build_handlers(), group=inputs.GROUP)
    application.add_handlers(
        [
            CommandHandler(command.name, command.callback, filters=PRIVATE)
            for command in features.ordered_commands()
        ]
    )
    application.add_handler(menu.menu_handler(features))
    application.add_handlers(features.handlers)
    application.add_handler(presses.router(features))
    application.add_handlers(features.late_handlers)
    application.add_handlers(fallback.build_fallback())
    application.add_error_handler(errors.on_error)
    return features
