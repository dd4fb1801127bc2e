"""`schoolbot school add|list|disable|enable`: the schools of a deployment and their bots.

A district's deployment runs one bot per school (docs/district.md). Tokens are never printed:
a school's bot is shown by its username and Telegram id.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.cli.database import CommandRefused, deployment_session, school_session
from bot.core import logsafety
from bot.core.i18n import Translator
from bot.core.settings import Settings
from storage import bots
from storage.bots import BotTokenError
from storage.queries import audit

CODE = r"[a-z0-9][a-z0-9_-]{0,39}"


def _read_token(given: str) -> str:
    """The token given, or read from standard input with `-` (kept out of shell history)."""
    token = sys.stdin.readline().strip() if given == "-" else given.strip()
    logsafety.install(token)  # never in a log line, whatever happens next
    return token


async def add(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Add a school with its bot, or give an existing school a new token."""
    if not re.fullmatch(CODE, args.code):
        raise CommandRefused(
            _("“{code}” is not a school code: use lowercase letters, digits, - and _.").format(
                code=args.code
            )
        )
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandRefused(_("Unknown time zone: {zone}").format(zone=args.timezone)) from None
    token = _read_token(args.token)
    try:
        bots.telegram_id_of(token)
    except BotTokenError:
        raise CommandRefused(
            _("This is not a bot token: BotFather gives one like 123456789:AAE… .")
        ) from None
    overrides = settings.model_copy(update={"school_name": args.name, "timezone": args.timezone})
    async with school_session(overrides, _, args.code, create=True) as (session, school):
        school.name = args.name  # an existing school takes the name given
        try:
            bot = await bots.put_bot(session, school, token, username=args.username)
        except ValueError:
            raise CommandRefused(
                _("Another school already has this bot: each school needs its own bot.")
            ) from None
        audit(
            session,
            school_id=school.id,
            actor="cli",
            action="bot.added",
            entity="bot",
            entity_id=bot.telegram_id,
            after={"username": bot.username, "enabled": bot.enabled},
        )
        name, telegram_id = school.name, bot.telegram_id
    print(
        _("{name} ({code}) will be served by bot {bot}.").format(
            name=name, code=args.code, bot=f"@{args.username}" if args.username else telegram_id
        )
    )
    return 0


async def listing(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Print every school and its bot, one per line (or JSON)."""
    async with deployment_session(settings, _) as session:
        rows = await bots.listed(session)
        table = [
            {
                "code": school.code,
                "name": school.name,
                "bot": None if bot is None else bot.telegram_id,
                "username": None if bot is None else bot.username,
                "enabled": bool(bot is not None and bot.enabled),
            }
            for school, bot in rows
        ]
    if args.json:
        print(json.dumps({"schools": table}, ensure_ascii=False))
        return 0
    if not table:
        print(_("No school yet: add one with `schoolbot school add`."))
        return 0
    for row in table:
        if row["bot"] is None:
            state = _("no bot")
        elif row["enabled"]:
            state = _("running")
        else:
            state = _("disabled")
        who = f"@{row['username']}" if row["username"] else str(row["bot"] or "")
        print(f"{row['code']:<16} {row['name']:<40} {who:<24} {state}")
    return 0


async def switch(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Disable or enable a school's bot; running workers follow within seconds."""
    enable = args.action == "enable"
    async with school_session(settings, _, args.code) as (session, school):
        bot = await bots.bot_of_school(session, school.id)
        if bot is None:
            raise CommandRefused(_("This school has no bot: add one with `schoolbot school add`."))
        await bots.set_enabled(session, bot, enable, datetime.now(UTC))
        audit(
            session,
            school_id=school.id,
            actor="cli",
            action="bot.enabled" if enable else "bot.disabled",
            entity="bot",
            entity_id=bot.telegram_id,
        )
        name = school.name
    done = (
        _("The bot of {name} is running again.") if enable else _("The bot of {name} is stopped.")
    )
    print(done.format(name=name))
    return 0
