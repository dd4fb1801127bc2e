"""Weekly comments by spreadsheet: the class's sheet to download ("Bảng tính (Excel)"), and the
filled sheet sent back, which the upload router (bot/core/inputs.py) offers to `try_file`."""

from __future__ import annotations

import asyncio
import html
from datetime import timedelta
from pathlib import Path

from telegram import Message

from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.problems import describe
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import queries as weekly
from bot.features.weekly import views, writing
from bot.features.weekly.chat.buttons import GetSheet
from bot.features.weekly.chat.class_list import (
    current_week,
    pressed_week,
    week_starting,
)
from bot.features.weekly.documents import (
    COMMENT_HEADERS,
    COMMENT_REQUIRED,
    CommentSheet,
    SheetPaper,
    SheetPupil,
    SheetWeek,
    build_comment_sheet,
    parse_comment_sheet,
    sheet_week_start,
    summary_missing,
)
from bot.features.weekly.rules import Saved, Told
from bot.features.weekly.wording import refusal
from storage.queries import class_name
from storage.roster.problems import FileRefused
from storage.roster.table import locate, read_rows
from storage.signers import class_paper


async def send_sheet(press: GetSheet, visit: Visit, context: BotContext) -> None:
    """Send the class's comments spreadsheet, with the comments already written in chat."""
    _ = visit._
    week = await pressed_week(visit, context)
    if week is None:
        return
    sheet = await views.sheet_of(visit.session, visit.actor, press.class_id, week.start)
    if sheet is None:
        visit.alert(refusal(Saved.NOT_ALLOWED, _))
        return
    # Namesakes are told apart in the name column too (their birth date or the end of the code).
    pupils = [SheetPupil(e.code, e.label or e.name, e.comment or "") for e in sheet.entries]
    # Printed and signed by the homeroom teacher and the principal, dated the day it is made.
    people = await class_paper(
        visit.session, visit.actor.school_id, press.class_id, place=context.settings.school_place
    )
    paper = SheetPaper(context.today(visit.now), people.place, people.teacher, people.principal)
    data = await asyncio.to_thread(
        lambda: build_comment_sheet(
            sheet.school_name,
            sheet.class_name,
            SheetWeek(week.number, week.start, week.end),
            pupils,
            _,
            paper=paper,
        )
    )
    name = f"nhan-xet-{sheet.class_name}-tuan-{week.number}.xlsx"
    caption = html.escape(
        _(
            "Fill in the Comment column on a computer, then send this file back here. "
            "Comments already written in chat are filled in."
        )
    )
    bot, chat_id = context.bot, visit.chat_id
    visit.later(lambda: bot.send_document(chat_id, data, filename=name, caption=caption))


def is_comment_sheet(path: Path) -> bool:
    """Tell whether a file has the comments sheet's header (blocking)."""
    try:
        locate(read_rows(path), COMMENT_HEADERS, COMMENT_REQUIRED)
    except FileRefused:
        return False
    return True


async def try_file(
    message: Message,
    visit: Visit,
    context: BotContext,
    path: Path,
    file_name: str,
    file_id: str,
) -> bool:
    """Take a filled comments spreadsheet from a homeroom teacher; False if it is not one.

    Runs inside the upload router's visit: it only says what to answer.
    """
    if not visit.actor.homeroom_classes or not await asyncio.to_thread(is_comment_sheet, path):
        return False
    _ = visit._
    week = await current_week(visit, context)
    if week is None:
        visit.reply(_("There is no teaching week ahead in the school calendar."), as_html=False)
        return True
    week = await sheet_week(visit, context, path, week)
    class_id = min(visit.actor.homeroom_classes)
    name = await class_name(visit.session, class_id) or ""
    entries = await weekly.progress(visit.session, class_id, week.start)
    pupils = {e.code: e.label or e.name for e in entries}
    try:
        sheet = await asyncio.to_thread(parse_comment_sheet, path, name, week.start, pupils)
    except FileRefused as refused:
        visit.reply(str(describe(refused.problem, _)["reason"]), as_html=False)
        return True
    if sheet.problems:
        visit.reply(problems_text(sheet, _), as_html=False)
        return True
    ids = {e.code: e.student_id for e in entries}
    texts = {
        ids[code]: comment + (f"\n{note}" if note else "")
        for code, (comment, note) in sheet.comments.items()
    }
    saved, told = await writing.write_many(
        visit.session, visit.actor, class_id, week, texts, visit.now
    )
    if saved is not Saved.OK:
        visit.reply(refusal(saved, _), as_html=False)
        return True
    weekly.audit_import(visit.session, visit.actor, visit.who, class_id, week.start, len(texts))
    reply = await received_text(visit, week, class_id, pupils)
    late = [student for student, said in told.items() if said in (Told.ADDENDUM, Told.NOTICE)]
    if late:
        reply += "\n" + _(LATE).format(count=len(late))
    visit.reply(reply, as_html=False)
    return True


LATE = N_(
    "This week's contact book was already sent: the families of {count} pupils whose comment "
    "is new or changed will receive it as an addendum."
)


async def sheet_week(
    visit: Visit, context: BotContext, path: Path, writing_week: TeachingWeek
) -> TeachingWeek:
    """The week a returned sheet is for: its own, when the bot made it for the week being
    written or the one before (a sheet filled over the weekend and sent back on Monday); else
    the week being written, against which the sheet is then checked."""
    made_for = await asyncio.to_thread(sheet_week_start, path)
    if made_for is None or made_for == writing_week.start:
        return writing_week
    earlier = await week_starting(visit, context, made_for)
    previous = writing_week.start - timedelta(days=7)
    if earlier.number and previous <= made_for < writing_week.start:
        return earlier
    return writing_week


def problems_text(sheet: CommentSheet, _: Translator) -> str:
    """What to fix in a refused sheet: at most twenty problems (plain text)."""
    lines = [_("Nothing was saved: please fix these rows and send the file again.")]
    lines += [
        _("Row {row}, column {column}: {reason}").format(**describe(p, _))
        if p.row
        else str(describe(p, _)["reason"])
        for p in sheet.problems[:20]
    ]
    return "\n".join(lines)


async def received_text(
    visit: Visit, week: TeachingWeek, class_id: int, pupils: dict[str, str]
) -> str:
    """How many comments the class now has, and who still misses one (plain text)."""
    _ = visit._
    done = [e for e in await weekly.progress(visit.session, class_id, week.start) if e.comment]
    missing = summary_missing(pupils, [e.code for e in done])
    reply = _("Received {done}/{total} comments for {week}.").format(
        done=len(done), total=len(pupils), week=week_label(week, _)
    )
    if missing:
        reply += " " + _("Still missing: {names}.").format(names=", ".join(missing))
    return reply
