"""The administrator's account tools in chat: open data requests (/yeucau) and revoking the
accounts linked to a lost phone (/thuhoi)."""

from __future__ import annotations

import html

from telegram import Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.features.administration import queries as admin
from bot.features.administration import rules
from bot.features.administration.buttons import Revoke
from bot.features.administration.queries import Revoked
from bot.features.data_rights import queries as data_rights
from storage.phones import PhoneError, display_phone, normalize_phone


def admin_only(visit: Visit) -> bool:
    """Tell whether the person is the administrator; if not, say so."""
    if rules.is_admin(visit.actor):
        return True
    visit.reply(visit._("This is for the system administrator."), as_html=False)
    return False


async def data_requests(update: Update, context: BotContext) -> None:
    """List open data-deletion requests with their legal deadlines (administrator)."""
    async with context.visit(update) as visit:
        _ = visit._
        if not admin_only(visit):
            return
        requests = await data_rights.open_requests(visit.session, visit.actor.school_id)
        if not requests:
            visit.reply(_("There are no open data requests."), as_html=False)
            return
        lines = [_("Open data requests:")]
        for request, guardian in requests:
            lines.append(
                _("Deletion for {name}, due {date}").format(
                    name=guardian or "?", date=short(request.due_on)
                )
            )
        visit.reply("\n".join(lines), as_html=False)


async def revoke_command(update: Update, context: BotContext) -> None:
    """Find the accounts linked to a phone, to revoke one (a lost phone)."""
    async with context.visit(update) as visit:
        _ = visit._
        if not admin_only(visit):
            return
        try:
            phone = normalize_phone(" ".join(context.args or []))
        except PhoneError:
            hint = _("Write the phone after the command, like /thuhoi 0912345678.")
            visit.reply(hint, as_html=False)
            return
        found = await admin.accounts_of_phone(visit.session, visit.actor.school_id, phone)
        if not found:
            visit.reply(_("No linked account uses this phone."), as_html=False)
            return
        for account_id, name in found:
            text = _("The Telegram account of {name} is linked to {phone}.").format(
                name=name, phone=display_phone(phone)
            )
            markup = keyboards.inline([[(_("Revoke"), Revoke(account_id).data())]])
            visit.reply(html.escape(text), markup)


async def revoke_pressed(press: Revoke, visit: Visit, context: BotContext) -> None:
    """Revoke the account (re-checked: the administrator, an account of the same school)."""
    _ = visit._
    outcome = await admin.revoke(visit.session, visit.actor, press.account_id, visit.who)
    if outcome is Revoked.NOT_ALLOWED:
        visit.alert(_("This button is not for you."))
    elif outcome is Revoked.NOT_LINKED:
        visit.edit(html.escape(_("This account is no longer linked.")))
    else:
        visit.edit(html.escape(_("The account is revoked.")))
