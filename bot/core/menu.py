"""Menus by role: /menu, /help, /ngonngu (language) and /con (which child a command is about)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Annotated

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.ext import MessageHandler, filters

from bot.core import keyboards
from bot.core.callbacks import Button, Max, button
from bot.core.context import BotContext, Visit
from bot.core.features import Callback, Features, holding
from bot.core.i18n import LANGUAGES, N_, translator
from storage.models import Role
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each language's own name


@button("lang", "set")
@dataclass(frozen=True, slots=True)
class SetLanguage(Button):
    """The choice of a language."""

    code: Annotated[str, Max(5)]


@button("child", "set")
@dataclass(frozen=True, slots=True)
class SetChild(Button):
    """The choice of the child later commands are about."""

    student_id: int


async def show_menu(update: Update, context: BotContext) -> None:
    """Show the menu keyboard for the person's roles (or start linking)."""
    async with context.visit(update) as visit:
        send_menu(visit, context)


def send_menu(visit: Visit, context: BotContext) -> None:
    """Send the menu, or tell an unlinked person how to link."""
    _ = visit._
    if not visit.actor.linked:
        visit.reply(_("Your account is not linked yet. Send /start to begin."), as_html=False)
        return
    visit.reply(_("Menu:"), context.menu_keyboard(visit))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this person can use, by role."""
    async with context.visit(update) as visit:
        _ = visit._
        lines = [_("What you can do:")]
        for command in context.features.ordered_commands():
            if not command.roles or visit.actor.has(*command.roles):
                lines.append(f"/{command.name} - {_(command.description)}")
        if not visit.actor.linked:
            lines.append(_("Send /start to link your account first."))
        visit.reply("\n".join(lines), as_html=False)


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer Tiếng Việt / English."""
    async with context.visit(update) as visit:
        markup = keyboards.inline(
            [[(LANGUAGE_NAMES[code], SetLanguage(code).data()) for code in LANGUAGES]]
        )
        visit.reply(visit._("Choose your language:"), markup)


async def language_pressed(press: SetLanguage, visit: Visit, context: BotContext) -> None:
    """Save the language choice and answer in it."""
    if press.code not in LANGUAGES:
        return
    visit.account.language = press.code
    visit._ = translator(press.code)
    visit.edit(html.escape(visit._("Language: {name}").format(name=LANGUAGE_NAMES[press.code])))
    if visit.actor.linked:
        send_menu(visit, context)


async def choose_child(update: Update, context: BotContext) -> None:
    """List the person's children; the chosen one is what later commands are about."""
    async with context.visit(update) as visit:
        _ = visit._
        children = await students_with_ids(visit.session, visit.actor.children)
        if not children:
            visit.reply(_("No child is linked to your account."), as_html=False)
            return
        current = visit.account.current_student_id or children[0][0]
        buttons = [
            (
                ("» " if student_id == current else "") + f"{name} ({klass})",
                SetChild(student_id).data(),
            )
            for student_id, name, klass in children
        ]
        visit.reply(
            _("Which child do you mean? Commands will be about the child you choose."),
            keyboards.choices(buttons, per_row=1),
            as_html=False,
        )


async def child_pressed(press: SetChild, visit: Visit, context: BotContext) -> None:
    """Switch the current child, only to one of the presser's own children."""
    _ = visit._
    if press.student_id not in visit.actor.children:
        visit.alert(_("This child is not linked to your account."))
        return
    visit.account.current_student_id = press.student_id
    (name,) = [n for i, n, _k in await students_with_ids(visit.session, [press.student_id])]
    visit.edit(html.escape(_("Now showing: {name}.").format(name=name)))


def register(features: Features) -> None:
    """The menu's own commands and buttons: /start's neighbours every person has."""
    features.command("menu", show_menu, N_("Show the menu"), position=1)
    features.command("help", help_command, N_("What you can do"), position=2)
    features.command(
        "con", choose_child, N_("Choose which child you mean"), roles=(Role.PARENT,), position=3
    )
    features.command("ngonngu", choose_language, N_("Language: Tiếng Việt / English"), position=29)
    features.menu_button(
        keyboards.MENU_CHILDREN, choose_child, visible=holding(Role.PARENT), position=10
    )
    features.menu_button(keyboards.MENU_LANGUAGE, choose_language, position=91)
    features.menu_button(keyboards.MENU_HELP, help_command, position=92)
    features.press(SetLanguage, language_pressed)
    features.press(SetChild, child_pressed)


OPEN_BELOW = N_("Tap the button below to open it inside Telegram.")
NO_HTTPS = N_("Send /web for a link to the contact book on the web.")


def _web_page(label: str, page: str) -> Callback:
    """A menu button for a web page: an inline `web_app` button to it (Telegram gives a Mini App
    opened from an inline button the init data that signs the person in)."""

    async def open_page(update: Update, context: BotContext) -> None:
        async with context.visit(update) as visit:
            _, url = visit._, context.settings.web_url
            if not (context.settings.web_is_https and url):
                visit.reply(_(NO_HTTPS), as_html=False)
                return
            button = InlineKeyboardButton(_(label), web_app=WebAppInfo(f"{url}{page}"))
            visit.reply(_(OPEN_BELOW), InlineKeyboardMarkup([[button]]), as_html=False)

    return open_page


def menu_handler(features: Features) -> MessageHandler[BotContext, None]:
    """Route a tap on a menu button (in whichever language it was sent) to its command."""
    routes = {button.label: button.callback for button in features.menu}
    routes |= {button.label: _web_page(button.label, button.page) for button in features.web_apps}
    labels = {translator(code)(label): label for label in routes for code in LANGUAGES}

    async def menu_label(update: Update, context: BotContext) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        await routes[labels[message.text]](update, context)

    return MessageHandler(PRIVATE & filters.Text(list(labels)), menu_label)
