"""Weekly comments by spreadsheet: the class's sheet to download ("Bảng tính (Excel)"), and the
filled sheet sent back, which the upload router (bot/core/inputs.py) offers to `try_file`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import CallbackQuery, Message

from bot.core.callbacks import Callback
from bot.core.context import BotContext, Visit
from bot.core.problems import describe
from bot.delivery.replies import reply_long
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import queries as weekly
from bot.features.weekly.chat.class_list import current_week, refusal
from bot.features.weekly.documents import (
    COMMENT_HEADERS,
    COMMENT_REQUIRED,
    SheetPupil,
    SheetWeek,
    build_comment_sheet,
    parse_comment_sheet,
    summary_missing,
)
from storage.models import School
from storage.queries import class_name
from storage.roster.problems import FileRefused
from storage.roster.table import locate, read_rows


async def send_sheet(
    query: CallbackQuery,
    visit: Visit,
    context: BotContext,
    week: TeachingWeek,
    press: Callback,
    class_id: int,
) -> None:
    """Send the class's comments spreadsheet, with the comments already written in chat."""
    _ = visit._
    school = await visit.session.get(School, visit.actor.school_id)
    assert school is not None and query.message is not None
    name = await class_name(visit.session, class_id) or ""
    entries = await weekly.progress(visit.session, class_id, week.start)
    pupils = [SheetPupil(e.code, e.name, e.comment or "") for e in entries]
    data = await asyncio.to_thread(
        build_comment_sheet,
        school.name,
        name,
        SheetWeek(week.number, week.start, week.end),
        pupils,
        _,
    )
    await context.bot.send_document(
        query.message.chat.id,
        data,
        filename=f"nhan-xet-{name}-tuan-{week.number}.xlsx",
        caption=_(
            "Fill in the Comment column on a computer, then send this file back here. "
            "Comments already written in chat are filled in."
        ),
    )


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
    """Take a filled comments spreadsheet from a homeroom teacher; False if it is not one."""
    if not visit.actor.homeroom_classes or not await asyncio.to_thread(is_comment_sheet, path):
        return False
    _ = visit._
    week = await current_week(visit, context)
    class_id = min(visit.actor.homeroom_classes)
    name = await class_name(visit.session, class_id) or ""
    if week is None:
        await message.reply_text(_("There is no teaching week ahead in the school calendar."))
        return True
    entries = await weekly.progress(visit.session, class_id, week.start)
    pupils = {e.code: e.name for e in entries}
    try:
        sheet = await asyncio.to_thread(parse_comment_sheet, path, name, week.start, pupils)
    except FileRefused as refused:
        await message.reply_text(str(describe(refused.problem, _)["reason"]))
        return True
    if sheet.problems:
        lines = [_("Nothing was saved: please fix these rows and send the file again.")]
        lines += [
            _("Row {row}, column {column}: {reason}").format(**describe(p, _))
            if p.row
            else str(describe(p, _)["reason"])
            for p in sheet.problems[:20]
        ]
        await reply_long(message, "\n".join(lines))
        return True
    ids = {e.code: e.student_id for e in entries}
    texts = {
        ids[code]: comment + (f"\n{note}" if note else "")
        for code, (comment, note) in sheet.comments.items()
    }
    saved = await weekly.save_many(visit.session, visit.actor, class_id, week.start, texts)
    if saved is not weekly.Saved.OK:
        await message.reply_text(refusal(saved, _))
        return True
    weekly.audit_import(visit.session, visit.actor, visit.who, class_id, week.start, len(texts))
    done = [e for e in await weekly.progress(visit.session, class_id, week.start) if e.comment]
    missing = summary_missing(pupils, [e.code for e in done])
    reply = _("Received {done}/{total} comments for {week}.").format(
        done=len(done), total=len(entries), week=week_label(week, _)
    )
    if missing:
        reply += " " + _("Still missing: {names}.").format(names=", ".join(missing))
    await message.reply_text(reply)
    return True
