"""The nurse's menu entry "Nhập kết quả khám": what spreadsheet to send, and a button per class
to get that class's sheet (the same TemplateWanted press as /suckhoe's class screen)."""

from __future__ import annotations

from telegram import Update

from bot.core import keyboards
from bot.core.context import BotContext
from bot.core.i18n import N_
from bot.features.health.buttons import TemplateWanted
from bot.features.health.rules import may_record
from bot.features.health.template import HINT
from storage.queries import school_classes

HOW = (
    N_("To import the results of a health check:"),
    N_("1. Get the class's spreadsheet with a button below: it lists the class's pupils."),
    N_("2. Fill in each pupil who was checked; leave a row blank for one who was not."),
    N_("3. Send the file back here. You will see what was read before anything is saved."),
)


async def import_help(update: Update, context: BotContext) -> None:
    """How to import check-up results, with a button per class for its spreadsheet."""
    async with context.visit(update) as visit:
        _ = visit._
        if not may_record(visit.actor):
            visit.reply(_("This is for the school nurse."), as_html=False)
            return
        classes = await school_classes(visit.session, visit.actor.school_id)
        buttons = [(name, TemplateWanted(class_id).data()) for class_id, name in classes]
        text = "\n".join([*(_(line) for line in HOW), "", _(HINT)])
        visit.reply(text, keyboards.choices(buttons, per_row=4), as_html=False)
