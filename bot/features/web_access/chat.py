"""/web: a one-time link and code that sign the person in on the web contact book; inside
Telegram, the "Mở sổ liên lạc" button opens it as a Mini App.

Over HTTPS only (Telegram opens no other Mini App), the staff's menus open their page too: a
menu keyboard button opens the homeroom teacher's class grid or the leaders' dashboard, and the
chat's menu button is set to the same page whenever the person is sent the menu (linked, /start,
/menu) or asks /web, after the commit like every Bot API call of an update."""

from __future__ import annotations

import html
import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.error import TelegramError

from bot.core.access import STAFF_ROLES, Actor
from bot.core.context import BotContext, Visit
from bot.core.datefmt import local_time
from bot.core.i18n import N_
from bot.features.web_access import queries
from bot.features.web_access.rules import shown_code
from storage.models import Role

log = logging.getLogger(__name__)

OPEN = N_("Open the contact book")
NOT_SERVED = N_("The contact book on the web is not available at this school yet.")
GRID = N_("Fill in the whole class")  # as /nhanxet's inline button
DASHBOARD = N_("Dashboard")
CONTACT_BOOK = N_("Contact book")
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
# The Mini App's first page signs in with the init data, then goes on to `next`.
HOME_PAGE = "app"
GRID_PAGE = "app?next=teacher"
DASHBOARD_PAGE = "app?next=dashboard"


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
        staff = web_page(visit.actor)
        if settings.web_is_https and staff is not None:
            label, page = staff
            set_menu_button(visit, _(label), f"{settings.web_url}{page}")


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


def staff_page(actor: Actor) -> tuple[str, str] | None:
    """The chat's menu button of a homeroom teacher or a leader: its label (a msgid) and page;
    someone who is both gets the page that links to either."""
    homeroom, leader = actor.has(Role.HOMEROOM), actor.has(*LEADERS)
    if homeroom and leader:
        return CONTACT_BOOK, HOME_PAGE
    if homeroom:
        return GRID, GRID_PAGE
    if leader:
        return DASHBOARD, DASHBOARD_PAGE
    return None


def web_page(actor: Actor) -> tuple[str, str] | None:
    """The chat's menu button /web sets: the staff page, or the contact book for other staff."""
    found = staff_page(actor)
    if found is None and actor.has(*STAFF_ROLES):
        return CONTACT_BOOK, HOME_PAGE
    return found


def menu_shown(visit: Visit, context: BotContext) -> None:
    """The menu was sent: point a teacher's or leader's chat menu button at their page."""
    settings = context.settings
    found = staff_page(visit.actor)
    if found is not None and settings.web_is_https:
        label, page = found
        set_menu_button(visit, visit._(label), f"{settings.web_url}{page}")


def set_menu_button(visit: Visit, label: str, url: str) -> None:
    """Make the chat's menu button open `url` as a Mini App, after the commit."""
    bot, chat_id = visit.update.get_bot(), visit.chat_id

    async def send() -> None:
        try:
            await bot.set_chat_menu_button(
                chat_id=chat_id, menu_button=MenuButtonWebApp(label, WebAppInfo(url))
            )
        except TelegramError as error:  # the menu and /web's link work without it
            log.warning("menu button not set: %s", type(error).__name__)

    visit.later(send)
