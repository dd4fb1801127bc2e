"""/web: a one-time link and code that sign the person in on the web contact book; inside
Telegram, the "Mở sổ liên lạc" button opens it as a Mini App (and staff get it as the chat's
menu button)."""

from __future__ import annotations

import contextlib
import html

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.core.access import STAFF_ROLES
from bot.core.context import BotContext, Visit
from bot.core.datefmt import local_time
from bot.core.i18n import N_
from bot.features.web_access import queries
from bot.features.web_access.rules import shown_code

OPEN = N_("Open the contact book")
MENU_BUTTON = N_("Contact book")
NOT_SERVED = N_("The contact book on the web is not available at this school yet.")


async def web_command(update: Update, context: BotContext) -> None:
    """Give a one-time link and code (the earlier ones stop working)."""
    async with context.visit(update) as visit:
        _ = visit._
        settings = context.settings
        if not visit.actor.linked:
            visit.reply(_("Your account is not linked yet. Send /start to begin."), as_html=False)
            return
        if settings.web_url is None:
            visit.reply(_(NOT_SERVED), as_html=False)
            return
        issued = await queries.issue_sign_in(
            visit.session, visit.account, visit.now, settings.web_link_minutes
        )
        link = f"{settings.web_url}login/{issued.token}"
        text = "\n".join(
            [
                html.escape(
                    _(
                        "Your link to the contact book on the web. It works once, until {time}:"
                    ).format(time=local_time(issued.expires_at, settings.zone))
                ),
                f'<a href="{html.escape(link)}">{html.escape(link)}</a>',
                "",
                _("Or open {site} and type the code {code}").format(
                    site=html.escape(settings.web_url), code=f"<b>{shown_code(issued.code)}</b>"
                ),
                "",
                html.escape(_("Do not share this link or code: they open your contact book.")),
            ]
        )
        markup = None
        if settings.web_is_https:
            app = WebAppInfo(f"{settings.web_url}app")
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(_(OPEN), web_app=app)]])
        _send_without_preview(visit, text, markup)
        if settings.web_is_https and visit.actor.has(*STAFF_ROLES):
            _staff_menu_button(visit, _(MENU_BUTTON), f"{settings.web_url}app")


def _send_without_preview(visit: Visit, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Send after the commit with no link preview (no one fetches the link before the person)."""
    bot, chat_id = visit.update.get_bot(), visit.chat_id

    async def send() -> None:
        await bot.send_message(
            chat_id,
            text,
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    visit.later(send)


def _staff_menu_button(visit: Visit, label: str, url: str) -> None:
    """Make the chat's menu button open the Mini App (for staff: the class grid lives there)."""
    bot, chat_id = visit.update.get_bot(), visit.chat_id

    async def send() -> None:
        with contextlib.suppress(TelegramError):  # the link above works without it
            await bot.set_chat_menu_button(
                chat_id=chat_id, menu_button=MenuButtonWebApp(label, WebAppInfo(url))
            )

    visit.later(send)
