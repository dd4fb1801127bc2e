"""/xuatsuadiem [gk1|ck1|gk2|cn] and the administrator's "Sửa điểm cho hệ thống": a period's
approved corrections as a spreadsheet to enter in the official system (official.py); the period
chosen with buttons when it is not typed. An empty period is answered in words, with no file.
"""

from __future__ import annotations

import asyncio
import html

from telegram import InlineKeyboardMarkup, Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_
from bot.features.assessment import queries as assessment
from bot.features.assessment.rules import Period
from bot.features.corrections.chat.buttons import OfficialPeriod
from bot.features.corrections.official import NOT_EXPORTER, may_export, official_list
from bot.features.corrections.official_sheet import build_official_sheet

MENU_OFFICIAL = N_("Corrections for the official system")
CHOOSE = N_("Which period's approved corrections do you want as a spreadsheet?")
NONE = N_("No correction was approved for {period} of the school year {year}; there is no file.")
CAPTION = N_(
    "Approved corrections, {period}, school year {year}: {count}. In the order of the official "
    "system's screens, to print on A4."
)
USAGE = N_("Please choose the period with the buttons (or type /xuatsuadiem ck1, cn, gk1, gk2).")


async def official_command(update: Update, context: BotContext) -> None:
    """/xuatsuadiem [period], or the menu button: the list of the period, or its buttons."""
    async with context.visit(update) as visit:
        _ = visit._
        if not may_export(visit.actor):
            visit.reply(_(NOT_EXPORTER), as_html=False)
            return
        args = context.args or []
        period = _period(args[0]) if args else None
        if period is None:
            text = _(CHOOSE) if not args else _(USAGE)
            visit.reply(text, _period_buttons(visit), as_html=False)
            return
        await _send_list(visit, context, period)


async def period_pressed(press: OfficialPeriod, visit: Visit, context: BotContext) -> None:
    """A period's button: the list (checked again: who presses, which period)."""
    _ = visit._
    if not may_export(visit.actor):
        visit.alert(_(NOT_EXPORTER))
        return
    period = _period(press.period)
    if period is None:
        visit.alert(_(USAGE))
        return
    await _send_list(visit, context, period)


def _period(text: str) -> Period | None:
    try:
        return Period(text.strip().lower())
    except ValueError:
        return None


def _period_buttons(visit: Visit) -> InlineKeyboardMarkup:
    return keyboards.choices(
        [(assessment.period_name(p, visit._), OfficialPeriod(p.value).data()) for p in Period]
    )


async def _send_list(visit: Visit, context: BotContext, period: Period) -> None:
    """Lay the list out and send it after the visit; say so when the period has none."""
    _ = visit._
    today = context.today(visit.now)
    year = assessment.school_year_of(today)
    found = await official_list(
        visit.session, visit.actor, school_year=year, period=period, today=today
    )
    name = assessment.period_name(period, _)
    if not found.rows:
        visit.reply(_(NONE).format(period=name, year=year), as_html=False)
        return
    data = await asyncio.to_thread(build_official_sheet, found)
    caption = html.escape(_(CAPTION).format(period=name, year=year, count=len(found.rows)))
    file_name = f"sua-diem-{period.value}-{year}.xlsx"
    bot, chat_id = context.bot, visit.chat_id
    visit.later(lambda: bot.send_document(chat_id, data, filename=file_name, caption=caption))
