"""Menus by role: /menu, /help, /ngonngu (language) and /con (which child a command is about)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.core import keyboards
from bot.core.access import STAFF_ROLES, WHOLE_SCHOOL
from bot.core.callbacks import BadCallback, pack, parse
from bot.core.context import BotContext, Visit
from bot.core.i18n import LANGUAGES, N_, translator
from bot.core.presses import alert, on_press
from bot.delivery.replies import reply_long
from bot.features.accounts.chat import account
from bot.features.administration import chat as admin
from bot.features.archive import chat as archive
from bot.features.assessment.chat import book as assessment
from bot.features.assessment.chat import locks as assessment_locks
from bot.features.assessment.chat import results as assessment_results
from bot.features.corrections.chat import presses as corrections
from bot.features.corrections.chat import review as correction_review
from bot.features.feedback.chat import parent as feedback
from bot.features.leave.chat import parent as leave
from bot.features.urgent.chat import compose as urgent
from bot.features.weekly.chat import comments as weekly
from storage.models import Role
from storage.queries import students_with_ids

PRIVATE = filters.ChatType.PRIVATE

# (command, description, roles that see it; empty means everyone)
COMMANDS = (
    ("start", N_("Start, or link your account"), ()),
    ("menu", N_("Show the menu"), ()),
    ("help", N_("What you can do"), ()),
    ("con", N_("Choose which child you mean"), (Role.PARENT,)),
    ("gopy", N_("Send feedback to the school"), (Role.PARENT,)),
    ("xinnghi", N_("Ask for leave for your child"), (Role.PARENT,)),
    (
        "gopy_bgh",
        N_("Feedback waiting for an answer, per class and topic"),
        (Role.PRINCIPAL, Role.VICE_PRINCIPAL),
    ),
    (
        "giolamviec",
        N_("Hours in which parents' messages reach you"),
        (Role.HOMEROOM, Role.SUBJECT_TEACHER),
    ),
    ("chualienket", N_("Parents not linked yet"), (Role.HOMEROOM, Role.ADMIN)),
    ("moi", N_("Print invitation slips for a class"), (Role.HOMEROOM, Role.ADMIN)),
    ("nhanxet", N_("Write this week's comments"), (Role.HOMEROOM, Role.SUBJECT_TEACHER)),
    ("diemdanh", N_("Record today's absences"), (Role.HOMEROOM,)),
    (
        "khan",
        N_("Send an urgent notice to families"),
        (Role.HOMEROOM, Role.PRINCIPAL, Role.VICE_PRINCIPAL),
    ),
    ("lichhoc", N_("The school calendar and this week's number"), tuple(STAFF_ROLES)),
    ("suckhoe", N_("Health check results and health notes"), (Role.MEDICAL,)),
    ("canhbao", N_("A health notice to every family"), (Role.MEDICAL, Role.PRINCIPAL)),
    ("ketqua", N_("Your child's periodic results"), (Role.PARENT,)),
    ("sodiem", N_("Class summary sheet of the assessment book"), (Role.HOMEROOM, Role.ADMIN)),
    ("suadiem", N_("Fix a recorded score or level"), (Role.HOMEROOM, Role.SUBJECT_TEACHER)),
    (
        "duyet",
        N_("Correction requests waiting for me"),
        (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN, Role.HOMEROOM, Role.SUBJECT_TEACHER),
    ),
    (
        "vangmat",
        N_("Record the principal's absence (the vice principal decides)"),
        (Role.PRINCIPAL,),
    ),
    ("khoaso", N_("Lock the assessment book for a period"), (Role.PRINCIPAL, Role.VICE_PRINCIPAL)),
    (
        "mokhoa",
        N_("Unlock the assessment book for a period"),
        (Role.PRINCIPAL, Role.VICE_PRINCIPAL),
    ),
    ("congbo", N_("Publish a period's results to parents"), (Role.PRINCIPAL,)),
    ("hansua", N_("Last days for correction requests"), (Role.PRINCIPAL, Role.VICE_PRINCIPAL)),
    (
        "luutru",
        N_("Archive of a school year's corrections (.zip)"),
        (Role.CLERK, Role.PRINCIPAL, Role.ADMIN),
    ),
    ("yeucau", N_("Open data requests"), (Role.ADMIN,)),
    ("thuhoi", N_("Revoke an account (lost phone)"), (Role.ADMIN,)),
    ("dulieu", N_("See, download or delete your data"), ()),
    ("ngonngu", N_("Language: Tiếng Việt / English"), ()),
    ("huylienket", N_("Unlink this Telegram account"), ()),
)
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each language's own name


async def show_menu(update: Update, context: BotContext) -> None:
    """Show the menu keyboard for the person's roles (or start linking)."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        await send_menu(message, visit)


async def send_menu(message: Message, visit: Visit) -> None:
    """Send the menu, or tell an unlinked person how to link."""
    _ = visit._
    if not visit.actor.linked:
        await message.reply_text(_("Your account is not linked yet. Send /start to begin."))
        return
    await message.reply_text(_("Menu:"), reply_markup=keyboards.menu(_, visit.actor.roles))


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this person can use, by role."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        lines = [_("What you can do:")]
        for command, description, roles in COMMANDS:
            if not roles or visit.actor.has(*roles):
                lines.append(f"/{command} - {_(description)}")
        if not visit.actor.linked:
            lines.append(_("Send /start to link your account first."))
        await reply_long(message, "\n".join(lines))


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer Tiếng Việt / English."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        markup = keyboards.inline(
            [[(LANGUAGE_NAMES[code], pack("lang", "set", code)) for code in LANGUAGES]]
        )
        await message.reply_text(visit._("Choose your language:"), reply_markup=markup)


async def language_pressed(update: Update, context: BotContext) -> None:
    """Save the language choice and answer in it."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    try:
        press = parse(query.data)
    except BadCallback:
        return
    if press.action != "set" or not press.args or press.args[0] not in LANGUAGES:
        return
    async with context.visit(update) as visit:
        visit.account.language = press.args[0]
        await visit.save()
        visit._ = translator(press.args[0])
        await query.edit_message_text(
            visit._("Language: {name}").format(name=LANGUAGE_NAMES[press.args[0]])
        )
        if visit.actor.linked:
            await send_menu(query.message, visit)


async def choose_child(update: Update, context: BotContext) -> None:
    """List the person's children; the chosen one is what later commands are about."""
    message = update.effective_message
    assert message is not None
    async with context.visit(update) as visit:
        _ = visit._
        children = await students_with_ids(visit.session, visit.actor.children)
        if not children:
            await message.reply_text(_("No child is linked to your account."))
            return
        current = visit.account.current_student_id or children[0][0]
        buttons = [
            (
                ("» " if student_id == current else "") + f"{name} ({klass})",
                pack("child", "set", student_id),
            )
            for student_id, name, klass in children
        ]
        await message.reply_text(
            _("Which child do you mean? Commands will be about the child you choose."),
            reply_markup=keyboards.choices(buttons, per_row=1),
        )


async def child_pressed(update: Update, context: BotContext) -> None:
    """Switch the current child, only to one of the presser's own children."""
    query = update.callback_query
    assert query is not None
    try:
        student_id = parse(query.data).int_arg(0)
    except BadCallback:
        return
    async with context.visit(update) as visit:
        _ = visit._
        if student_id not in visit.actor.children:
            await alert(query, _("This child is not linked to your account."))
            return
        visit.account.current_student_id = student_id
        await visit.save()
        (name,) = [n for i, n, _k in await students_with_ids(visit.session, [student_id])]
        await query.edit_message_text(_("Now showing: {name}.").format(name=name))


async def book_or_locks(update: Update, context: BotContext) -> None:
    """The "Sổ điểm" button: the class spreadsheet for its keepers, the locks for the leaders."""
    async with context.visit(update) as visit:
        keeper = visit.actor.has(Role.HOMEROOM, Role.ADMIN)
        leader = visit.actor.has(*WHOLE_SCHOOL)
    if leader and not keeper:
        await assessment_locks.lock_command(update, context)
    else:
        await assessment.book_command(update, context)


ROUTES = {
    keyboards.MENU_CHILDREN: choose_child,
    keyboards.MENU_DATA: account.my_data,
    keyboards.MENU_LANGUAGE: choose_language,
    keyboards.MENU_HELP: help_command,
    keyboards.MENU_UNLINKED: admin.unlinked,
    keyboards.MENU_INVITES: admin.invitations_command,
    keyboards.MENU_REQUESTS: admin.data_requests,
    keyboards.MENU_IMPORT: admin.import_help,
    keyboards.MENU_COMMENTS: weekly.comments_command,
    keyboards.MENU_URGENT: urgent.urgent_command,
    keyboards.MENU_LEAVE: leave.leave_command,
    keyboards.MENU_FEEDBACK: feedback.feedback_command,
    keyboards.MENU_RESULTS: assessment_results.results_command,
    keyboards.MENU_BOOK: book_or_locks,
    keyboards.MENU_CORRECT: corrections.command,
    keyboards.MENU_DECIDE: correction_review.list_command,
    keyboards.MENU_ARCHIVE: archive.send_archive,
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Return this feature's handlers."""
    # Every translation of every label, so a tap works in whichever language it was sent.
    labels = {translator(code)(label): label for label in ROUTES for code in LANGUAGES}

    async def menu_label(update: Update, context: BotContext) -> None:
        """Route a tap on a menu button to its command."""
        message = update.effective_message
        assert message is not None and message.text is not None
        await ROUTES[labels[message.text]](update, context)

    return [
        CommandHandler("menu", show_menu, filters=PRIVATE),
        CommandHandler("help", help_command, filters=PRIVATE),
        CommandHandler("ngonngu", choose_language, filters=PRIVATE),
        CommandHandler("con", choose_child, filters=PRIVATE),
        on_press("lang", language_pressed),
        on_press("child", child_pressed),
        MessageHandler(PRIVATE & filters.Text(list(labels)), menu_label),
    ]
