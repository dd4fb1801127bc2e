"""The typed callback context every handler receives."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator, choose_language, translator
from bot.notifications.dispatcher import Dispatcher
from bot.pacing import current_session
from bot.services.access import Actor, load_actor
from bot.services.accounts import account_for
from bot.settings import Settings
from storage.models import TelegramAccount


@dataclass(slots=True)
class Services:
    """Long-lived services shared by handlers, created by `build_application`."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    school_id: int = 0
    dispatcher: Dispatcher | None = None
    dispatcher_stop: asyncio.Event | None = None
    dispatcher_task: asyncio.Task[None] | None = None


@dataclass(slots=True)
class Visit:
    """One update's unit of work: the session, the person's account, roles and language."""

    session: AsyncSession
    account: TelegramAccount
    actor: Actor
    _: Translator
    now: datetime

    async def save(self) -> None:
        """Commit what this update changed so far.

        The unit of work commits at its end, and before every call to Telegram (bot/pacing.py);
        a handler calls this where it wants the point to be explicit.
        """
        await self.session.commit()

    @property
    def who(self) -> str:
        """Return the audit actor name of this person."""
        return f"tg:{self.account.telegram_user_id}"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with the database, the settings and the person's translator."""

    @property
    def services(self) -> Services:
        """Return the application's services."""
        services = self.bot_data["services"]
        assert isinstance(services, Services)
        return services

    @property
    def settings(self) -> Settings:
        """Return the settings."""
        return self.services.settings

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        """Return the session factory (one session per update)."""
        return self.services.sessions

    def today(self, now: datetime) -> date:
        """The date of `now` in the school's time zone."""
        return now.astimezone(self.settings.zone).date()

    def wake_sender(self) -> None:
        """Let the dispatcher look at the outbox now (a notice was just stored)."""
        if self.services.dispatcher is not None:
            self.services.dispatcher.wake()

    @contextlib.asynccontextmanager
    async def visit(self, update: Update) -> AsyncIterator[Visit]:
        """Open the update's transaction with the sender's account, roles and translator."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        async with self.db() as session:
            token = current_session.set(session)
            try:
                account = await account_for(session, self.services.school_id, user.id, chat.id)
                actor = await load_actor(session, account)
                language = choose_language(account.language, user.language_code)
                yield Visit(session, account, actor, translator(language), datetime.now(UTC))
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
