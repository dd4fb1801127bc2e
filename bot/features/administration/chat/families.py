"""A class's families in chat: who has not linked yet (/chualienket), and the invitation
slips to send home (/moi), for the homeroom teacher and the administrator."""

from __future__ import annotations

import html

from telegram import Update

from bot.core import keyboards
from bot.core.context import BotContext, Visit
from bot.core.datefmt import short
from bot.core.i18n import N_
from bot.features.accounts import invitations
from bot.features.administration import queries as admin
from bot.features.administration.buttons import PrintSlips, ShowUnlinked
from storage.phones import display_phone
from storage.queries import class_name, unlinked_families

NBSP = "\u00a0"  # keeps "0912 345 678" on one line on a narrow phone
RELATIONS = {
    "father": N_("father"),
    "mother": N_("mother"),
    "guardian": N_("guardian"),
    "contact": N_("contact"),
}
NOT_YOUR_CLASS = N_("You cannot see this class.")


async def _pick_class(visit: Visit, kind: type[ShowUnlinked] | type[PrintSlips]) -> int | None:
    """Return the only class the person handles, or offer a choice of classes."""
    _ = visit._
    classes = await admin.classes_for(visit.session, visit.actor)
    if not classes:
        visit.reply(_("This is for homeroom teachers and the administrator."), as_html=False)
        return None
    if len(classes) == 1:
        return classes[0][0]
    buttons = [(name, kind(class_id).data()) for class_id, name in classes]
    visit.reply(html.escape(_("Which class?")), keyboards.choices(buttons, per_row=4))
    return None


async def unlinked(update: Update, context: BotContext) -> None:
    """List a class's parents who have not linked an account yet."""
    async with context.visit(update) as visit:
        class_id = await _pick_class(visit, ShowUnlinked)
        if class_id is not None:
            await _send_unlinked(visit, class_id)


async def unlinked_pressed(press: ShowUnlinked, visit: Visit, context: BotContext) -> None:
    """The chosen class's families not linked yet (only a class the presser handles)."""
    class_id = await admin.class_in_scope(visit.session, visit.actor, press.class_id)
    if class_id is None:
        visit.alert(visit._(NOT_YOUR_CLASS))
        return
    await _send_unlinked(visit, class_id)


async def _send_unlinked(visit: Visit, class_id: int) -> None:
    _ = visit._
    name = html.escape(await class_name(visit.session, class_id) or "")
    total, families = await unlinked_families(visit.session, class_id)
    if not families:
        visit.reply(html.escape(_("Every family of class {name} is linked.")).format(name=name))
        return
    lines = [
        html.escape(_("Class {name}: {count} of {total} families not linked yet")).format(
            name=name, count=len(families), total=total
        )
    ]
    for pupil, guardians in families:
        contacts = "; ".join(
            f"{html.escape(_(RELATIONS[relation]))} {html.escape(guardian or '')} "
            f"{display_phone(phone).replace(' ', NBSP) if phone else ''}".strip()
            for relation, guardian, phone in guardians
        )
        nobody = html.escape(_("no parent on the lists"))
        lines.append(f"• <b>{html.escape(pupil)}</b>: {contacts or nobody}")
    visit.reply("\n".join(lines))


async def invitations_command(update: Update, context: BotContext) -> None:
    """Produce the class's printable invitation slips (one per child)."""
    async with context.visit(update) as visit:
        class_id = await _pick_class(visit, PrintSlips)
        if class_id is not None:
            await _send_slips(visit, class_id, context)


async def slips_pressed(press: PrintSlips, visit: Visit, context: BotContext) -> None:
    """The chosen class's slips (only a class the presser handles)."""
    class_id = await admin.class_in_scope(visit.session, visit.actor, press.class_id)
    if class_id is None:
        visit.alert(visit._(NOT_YOUR_CLASS))
        return
    await _send_slips(visit, class_id, context)


async def _send_slips(visit: Visit, class_id: int, context: BotContext) -> None:
    """Issue the class's codes and send the slips as a .docx after the commit."""
    _ = visit._
    slips = await invitations.class_slips(
        visit.session,
        visit.actor.school_id,
        class_id,
        visit.now,
        school_name=context.settings.school_name or context.settings.school,
        bot_username=context.bot.username,
        _=_,
        actor=visit.who,
        phone=context.settings.school_phone,
        zone=context.settings.zone,
        web_url=context.settings.web_url,
    )
    if slips is None:
        visit.reply(_("This class has no pupils with a parent on the lists."), as_html=False)
        return
    caption = _("{count} invitation slips for class {name}, valid until {date}.").format(
        count=slips.count, name=slips.class_name, date=short(slips.expires_on)
    )
    if slips.web_links:
        caption += "\n" + _(invitations.WEB_LINKS_PRINTED)
    bot, chat_id = visit.update.get_bot(), visit.chat_id
    visit.later(
        # HTML until the application's default parse mode is switched on.
        lambda: bot.send_document(
            chat_id,
            slips.document,
            filename=slips.file_name,
            caption=html.escape(caption),
        )
    )
