"""The deployment's bots (storage/models/bots.py): add, list, enable, disable, find.

A token is `<bot id>:<secret part>` (BotFather's form): the bot's Telegram id is read from it,
so adding a school's bot needs no network. Webhook secrets are generated here, 43 characters of
Telegram's allowed alphabet.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import School, SchoolBot

TOKEN = re.compile(r"(?P<id>[1-9][0-9]{2,19}):[A-Za-z0-9_-]{8,100}")


class BotTokenError(ValueError):
    """Not a token in BotFather's form."""


def telegram_id_of(token: str) -> int:
    """The bot's Telegram id, the token's first part; BotTokenError when it is not a token."""
    found = TOKEN.fullmatch(token.strip())
    if found is None:
        raise BotTokenError("not a bot token")
    return int(found.group("id"))


def new_webhook_secret() -> str:
    """A strong secret for the X-Telegram-Bot-Api-Secret-Token header."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class RunnableBot:
    """What a worker needs to run one school's bot (plain values, outside any session)."""

    id: int
    telegram_id: int
    school_id: int
    school_code: str
    school_name: str
    timezone: str
    token: str
    webhook_secret: str
    username: str | None
    updated_at: datetime


async def bot_of_school(session: AsyncSession, school_id: int) -> SchoolBot | None:
    """The school's bot, if it has one."""
    return await session.scalar(select(SchoolBot).where(SchoolBot.school_id == school_id))


async def bot_by_telegram_id(session: AsyncSession, telegram_id: int) -> SchoolBot | None:
    """The bot with this Telegram id, if the deployment has it."""
    return await session.scalar(select(SchoolBot).where(SchoolBot.telegram_id == telegram_id))


async def put_bot(
    session: AsyncSession,
    school: School,
    token: str,
    *,
    username: str | None = None,
    webhook_secret: str | None = None,
) -> SchoolBot:
    """Give the school this bot (a new token replaces the old one; the secret is kept unless
    one is given). BotTokenError for a malformed token; ValueError when another school has
    the bot already."""
    telegram_id = telegram_id_of(token)
    other = await bot_by_telegram_id(session, telegram_id)
    if other is not None and other.school_id != school.id:
        raise ValueError("another school has this bot")
    bot = await bot_of_school(session, school.id)
    if bot is None:
        bot = SchoolBot(
            school_id=school.id,
            telegram_id=telegram_id,
            token=token.strip(),
            webhook_secret=webhook_secret or new_webhook_secret(),
            username=username,
            enabled=True,
        )
        session.add(bot)
    else:
        bot.telegram_id = telegram_id
        bot.token = token.strip()
        bot.username = username or bot.username
        if webhook_secret:
            bot.webhook_secret = webhook_secret
    await session.flush()
    return bot


async def set_enabled(session: AsyncSession, bot: SchoolBot, enabled: bool, now: datetime) -> None:
    """Enable or disable a bot; workers pick the change up without a restart."""
    bot.enabled = enabled
    bot.disabled_at = None if enabled else now
    await session.flush()


async def listed(session: AsyncSession) -> list[tuple[School, SchoolBot | None]]:
    """Every school with its bot (or None), by school code."""
    rows = await session.execute(
        select(School, SchoolBot)
        .outerjoin(SchoolBot, SchoolBot.school_id == School.id)
        .order_by(School.code)
    )
    return [(school, bot) for school, bot in rows.all()]


async def runnable(session: AsyncSession) -> list[RunnableBot]:
    """The enabled bots with their schools, for the workers."""
    rows = await session.execute(
        select(SchoolBot, School)
        .join(School, School.id == SchoolBot.school_id)
        .where(SchoolBot.enabled.is_(True))
        .order_by(SchoolBot.id)
    )
    return [
        RunnableBot(
            id=bot.id,
            telegram_id=bot.telegram_id,
            school_id=school.id,
            school_code=school.code,
            school_name=school.name,
            timezone=school.timezone,
            token=bot.token,
            webhook_secret=bot.webhook_secret,
            username=bot.username,
            updated_at=bot.updated_at,
        )
        for bot, school in rows.all()
    ]
