"""The year's correction archive in chat (/luutru): the clerk's export of minutes and evidence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.core.context import BotContext
from bot.features.archive.queries import build_archive, parse_school_year
from bot.features.calendar.queries import school_year_start
from storage.models import Role
from storage.queries import audit

PRIVATE = filters.ChatType.PRIVATE
ARCHIVE_ROLES = (Role.CLERK, Role.PRINCIPAL, Role.ADMIN)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # what a bot may send as a document


async def send_archive(update: Update, context: BotContext) -> None:
    """Send a school year's correction archive (this year's unless one is named) as a .zip."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        if not visit.actor.has(*ARCHIVE_ROLES):
            await message.reply_text(
                _("The archive is for the clerk, the principal and the system administrator.")
            )
            return
        if context.args:
            text = " ".join(context.args)
            year = parse_school_year(text)
            if year is None:
                await message.reply_text(
                    _("“{text}” is not a school year: write it like /luutru 2025-2026.").format(
                        text=text
                    )
                )
                return
        else:
            start = school_year_start(context.today(visit.now)).year
            year = f"{start}-{start + 1}"
        await message.reply_text(
            _("Preparing the archive of school year {year}…").format(year=year)
        )
        archive = await build_archive(
            visit.session, visit.actor.school_id, year, context.settings.zone
        )
        if not archive.requests:
            await message.reply_text(
                _("There is no correction request in school year {year}.").format(year=year)
            )
            return
        if len(archive.data) > MAX_DOCUMENT_BYTES:
            await message.reply_text(
                _(
                    "The archive of school year {year} is too large to send in Telegram. Ask "
                    "the system administrator to run: schoolbot export archive --year {year} "
                    "--out luu-tru-{year}.zip"
                ).format(year=year)
            )
            return
        audit(
            visit.session,
            school_id=visit.actor.school_id,
            actor=visit.who,
            action="archive.exported",
            entity="correction_archive",
            entity_id=year,
            after={"requests": archive.requests, "files": archive.files},
        )
        await visit.save()
        await message.reply_document(
            archive.data,
            filename=f"luu-tru-sua-diem-{year}.zip",
            caption=_(
                "Correction archive of school year {year}: {requests} requests, {files} files "
                "(minutes and evidence), with the index index.csv."
            ).format(year=year, requests=archive.requests, files=archive.files),
        )
