"""What the `run`, `demo`, `sandbox`, `db`, `import` and `invites` commands do.

The record commands (outbox, calendar, export) are in bot/cli/records.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from telegram.error import InvalidToken
from tqdm import tqdm

from bot.cli.database import refuse, require_current_schema, school_session
from bot.core.datefmt import short
from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.features.accounts import invitations
from bot.features.administration.imports import ImportOutcome, describe, import_roster, import_staff
from bot.features.web_access.slips import SlipLinks
from storage import migrate
from storage.db import create_engine
from storage.queries import class_by_name

PROGRESS_FROM_ROWS = 300


async def db_upgrade(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Upgrade the database schema to the newest version."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        revision = await migrate.current_revision(engine)
    finally:
        await engine.dispose()
    print(_("The database schema is up to date (version {revision}).").format(revision=revision))
    return 0


async def run(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Run the bot; refuse to start while the schema is behind the code."""
    from bot.runner import run_bot

    if settings.token is None:
        print(_("Set SCHOOLBOT_TOKEN to the token BotFather gave you."), file=sys.stderr)
        return 2
    await require_current_schema(settings, _)
    try:
        await run_bot(settings)
    except InvalidToken:
        # PTB's message and traceback carry the token itself: one line without it instead.
        print(
            _(
                "Telegram refused the bot token: check SCHOOLBOT_TOKEN (the token BotFather "
                "gave you)."
            ),
            file=sys.stderr,
        )
        return 2
    return 0


async def sandbox(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Run the Telegram sandbox alone."""
    from bot.runner import stop_on_signals
    from sandbox.config import LimitsConfig, SandboxConfig
    from sandbox.server import running_sandbox

    config = SandboxConfig(limits=LimitsConfig.off()) if args.no_limits else SandboxConfig()
    stop = stop_on_signals()
    async with running_sandbox(config, host=args.host, port=args.port) as running:
        print(
            _("The sandbox is serving {url}/ (Ctrl-C to stop).").format(url=running.url),
            flush=True,
        )
        await stop.wait()
    return 0


async def demo(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Run the demo school, the sandbox and the bot together."""
    from bot.demo import run_demo

    await run_demo(args.host, args.port, Path(args.folder), _)
    return 0


class _Bar:
    """A progress bar that appears only for files of more than a few hundred rows."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: tqdm[NoReturn] | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM_ROWS:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.label, unit="row", file=sys.stderr)
        bar = self.bar
        bar.update(done - bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


async def import_file(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Import a roster or staff file; exit 2 and write nothing if any row is wrong."""
    path = Path(args.file)
    if not await asyncio.to_thread(path.is_file):
        print(_("File not found: {path}").format(path=path), file=sys.stderr)
        return 2
    bar = _Bar(_("Reading rows"))
    try:
        async with school_session(settings, _, args.school, create=True) as (session, school):
            if args.kind == "roster":
                outcome = await import_roster(
                    session,
                    school,
                    path,
                    today=datetime.now(settings.zone).date(),
                    actor="cli",
                    dry_run=args.dry_run,
                    progress=bar,
                )
            else:
                outcome = await import_staff(
                    session, school, path, actor="cli", dry_run=args.dry_run
                )
            if outcome.refused or args.dry_run:
                await session.rollback()
    finally:
        bar.close()
    return _report(outcome, args, _)


# The JSON keys are a contract; the labels beside them are translated.
def _report(outcome: ImportOutcome, args: argparse.Namespace, _: Translator) -> int:
    if outcome.refused:
        errors = [describe(problem, _) for problem in outcome.problems]
        for error in errors:
            print(_format_error(error, _), file=sys.stderr)
        summary = _.ngettext(
            "Nothing was imported: the file has {count} problem.",
            "Nothing was imported: the file has {count} problems.",
            len(errors),
        )
        print(summary.format(count=len(errors)), file=sys.stderr)
        if args.json:
            print(json.dumps({"errors": errors}, ensure_ascii=False))
        return 2
    labels = {
        "classes": _("Classes"),
        "students": _("Pupils"),
        "guardians": _("Guardians"),
        "staff": _("Staff"),
    }
    if args.dry_run:
        print(_("Dry run: nothing was written."))
    for name, counts in outcome.summary.items():
        print(
            _("{label}: {new} new, {updated} updated, {unchanged} unchanged").format(
                label=labels[name], **counts
            )
        )
    if outcome.leaving:
        print(
            _("Not on the new list, so they lose their roles and classes: {names}").format(
                names=", ".join(outcome.leaving)
            )
        )
    if args.json:
        print(json.dumps(outcome.summary, ensure_ascii=False))
    return 0


def _format_error(error: dict[str, object], _: Translator) -> str:
    if error["row"] is None:
        return str(error["reason"])
    return _("Row {row}, column {column}: {reason}").format(**error)


async def invites(args: argparse.Namespace, settings: Settings, _: Translator) -> int:
    """Write a class's invitation slips to a .docx file, one per child, codes issued."""
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        print(
            _("The slips are written as .docx: name the file like thu-moi-3A.docx."),
            file=sys.stderr,
        )
        return 2
    if not 1 <= args.days <= 365:
        print(_("--days must be between 1 and 365."), file=sys.stderr)
        return 2
    if not await asyncio.to_thread(out.parent.is_dir):
        print(_("Folder not found: {path}").format(path=out.parent), file=sys.stderr)
        return 2
    username = args.bot or await _bot_username(settings)
    if not username:
        print(
            _("Give the bot's username with --bot, or set SCHOOLBOT_TOKEN to ask Telegram."),
            file=sys.stderr,
        )
        return 2
    not_listed = _("Class {name} is not on the lists; import the roster first.").format(
        name=args.class_name
    )
    async with school_session(settings, _, args.school, missing=not_listed) as (session, school):
        klass = await class_by_name(session, school.id, args.class_name)
        if klass is None:
            return refuse(not_listed)
        slips = await invitations.class_slips(
            session,
            school.id,
            klass.id,
            datetime.now(UTC),
            school_name=settings.school_name or school.name,
            bot_username=username,
            _=_,
            actor="cli",
            days=args.days,
            phone=settings.school_phone,
            zone=settings.zone,
            web=SlipLinks(settings.web_url) if settings.web_url else None,
        )
        if slips is None:
            await session.rollback()
            return refuse(_("This class has no pupils with a parent on the lists."))
        await asyncio.to_thread(out.write_bytes, slips.document)
    print(
        _("{count} invitation slips for class {name}, valid until {date}.").format(
            count=slips.count, name=slips.class_name, date=short(slips.expires_on)
        )
        + f" -> {out}"
    )
    if slips.web_links:
        print(_(invitations.WEB_LINKS_PRINTED))
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """Ask Telegram (or the configured Bot API server) for the bot's username."""
    if settings.token is None:
        return None
    from telegram import Bot

    async with Bot(settings.token.get_secret_value(), base_url=settings.bot_api_url) as bot:
        return bot.username
