"""The year's correction archive in chat (/luutru): the clerk's export of minutes and evidence.

A first visit checks the person and the year and says the archive is being prepared; a
second builds it, records the export and sends the .zip after its commit.
"""

from __future__ import annotations

import html

from telegram import Update

from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.archive import queries as archive
from bot.features.archive import rules

NOT_YOURS = N_("The archive is for the clerk, the principal and the system administrator.")


async def send_archive(update: Update, context: BotContext) -> None:
    """Send a school year's correction archive (this year's unless one is named) as a .zip."""
    async with context.visit(update) as visit:
        year = _asked_year(visit, context)
        if year is not None:
            text = visit._("Preparing the archive of school year {year}…").format(year=year)
            visit.reply(text, as_html=False)
    if year is None:
        return
    async with context.visit(update) as visit:
        await _send(visit, context, year)


def _asked_year(visit: Visit, context: BotContext) -> str | None:
    """The school year asked for (this one unless named); None, with the reason, if refused."""
    _ = visit._
    if not rules.may_export(visit.actor):
        visit.reply(_(NOT_YOURS), as_html=False)
        return None
    if not context.args:
        return rules.school_year_of(context.today(visit.now))
    text = " ".join(context.args)
    year = rules.parse_school_year(text)
    if year is None:
        wrong = _("“{text}” is not a school year: write it like /luutru 2025-2026.")
        visit.reply(wrong.format(text=text), as_html=False)
    return year


async def _send(visit: Visit, context: BotContext, year: str) -> None:
    """Build the year's archive, record the export and send it after the commit."""
    _ = visit._
    if not rules.may_export(visit.actor):  # the roles changed since the first visit
        visit.reply(_(NOT_YOURS), as_html=False)
        return
    built = await archive.build_archive(
        visit.session, visit.actor.school_id, year, context.settings.zone
    )
    if not built.requests:
        text = _("There is no correction request in school year {year}.").format(year=year)
        visit.reply(text, as_html=False)
        return
    if not rules.fits_telegram(len(built.data)):
        text = _(
            "The archive of school year {year} is too large to send in Telegram. Ask the "
            "system administrator to run: schoolbot export archive --year {year} "
            "--out luu-tru-{year}.zip"
        ).format(year=year)
        visit.reply(text, as_html=False)
        return
    archive.record_export(visit.session, visit.actor.school_id, visit.who, year, built)
    caption = _(
        "Correction archive of school year {year}: {requests} requests, {files} files "
        "(minutes and evidence), with the index index.csv."
    ).format(year=year, requests=built.requests, files=built.files)
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    visit.later(
        # HTML until the application's default parse mode is switched on.
        lambda: bot.send_document(
            chat_id,
            built.data,
            filename=f"luu-tru-sua-diem-{year}.zip",
            caption=html.escape(caption),
        )
    )
