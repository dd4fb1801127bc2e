"""The typed callback context every handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator, choose_language, translator
from bot.settings import Settings


@dataclass(slots=True)
class Services:
    """Long-lived services shared by handlers, created by `build_application`."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


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

    def translator_for(self, telegram_language: str | None) -> Translator:
        """Return the translator for a person (saved choice first, once accounts exist)."""
        return translator(choose_language(None, telegram_language))


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
