"""Weekly comments: the class list screen and its buttons ("l", "hold"), and what every weekly
screen shares (the teaching week, the subject of the buttons, the refusals)."""

from __future__ import annotations

import html
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.core.i18n import N_, Translator
from bot.core.settings import Settings
from bot.features.calendar.queries import TeachingWeek, school_calendar, week_label
from bot.features.weekly import queries as weekly
from bot.features.weekly import views
from bot.features.weekly.chat.buttons import (
    HOMEROOM,
    ChoosePupil,
    GetSheet,
    HoldMissing,
    ShowList,
    ShowPreview,
    WriteNote,
)
from bot.features.weekly.notice_text import SENT_LINE
from bot.features.weekly.rules import Saved
from bot.features.weekly.wording import refusal
from storage.models import CommentKind
from storage.queries import class_name
from storage.subjects import SUBJECTS

Screen = tuple[str, InlineKeyboardMarkup]
GRID = N_("Fill in the whole class")


def with_grid(screen: Screen, settings: Settings, subject: str, _: Translator) -> Screen:
    """Under a homeroom list, "Nhập cả lớp" opens the class grid as a Mini App (only over
    HTTPS: Telegram opens nothing else)."""
    if subject != HOMEROOM or settings.web_url is None or not settings.web_is_https:
        return screen
    grid = InlineKeyboardButton(_(GRID), web_app=WebAppInfo(f"{settings.web_url}app?next=teacher"))
    text, markup = screen
    return text, InlineKeyboardMarkup([*markup.inline_keyboard, [grid]])


def comment_kind(subject: str) -> tuple[CommentKind, str]:
    """The kind of comment and the subject code a button's subject argument stands for."""
    return (CommentKind.HOMEROOM, "") if subject == HOMEROOM else (CommentKind.SUBJECT, subject)


async def current_week(visit: Visit, context: BotContext) -> TeachingWeek | None:
    """The week the teacher is writing (the calendar's rule: on Saturday, the week just ended)."""
    today = context.today(visit.now)
    calendar = await school_calendar(visit.session, visit.actor.school_id, today)
    return calendar.writing_week(today)


async def teaching_week(visit: Visit, context: BotContext, monday: date) -> TeachingWeek | None:
    """The teaching week starting on a Monday a button carries; None if there is none."""
    today = context.today(visit.now)
    calendar = await school_calendar(visit.session, visit.actor.school_id, today)
    found = calendar.week_of(monday)
    return found if found is not None and found.start == monday else None


async def week_starting(visit: Visit, context: BotContext, monday: date) -> TeachingWeek:
    """The teaching week of the Monday a question kept (as it was, should the calendar have
    changed since it was asked: the answer is still kept)."""
    found = await teaching_week(visit, context, monday)
    return found or TeachingWeek(0, 0, monday, monday + timedelta(days=4))


async def pressed_week(visit: Visit, context: BotContext) -> TeachingWeek | None:
    """The week a press is about; None (and the press told why) when there is none ahead."""
    week = await current_week(visit, context)
    if week is None:
        visit.alert(visit._("There is no teaching week ahead in the school calendar."))
    return week


async def mode_label(visit: Visit, class_id: int, subject: str) -> str:
    """The class and subject as a button or a title shows them (plain text)."""
    name = await class_name(visit.session, class_id) or "?"
    if subject == HOMEROOM:
        return visit._("{class_name} (homeroom)").format(class_name=name)
    return f"{name} · {SUBJECTS.get(subject, (subject,))[0]}"


async def class_list(
    visit: Visit, week: TeachingWeek, class_id: int, subject: str
) -> Screen | None:
    """The class list with a mark on pupils already done, and the class's tools; None if the
    person does not write this class's comments."""
    _ = visit._
    page = await views.class_page(
        visit.session, visit.actor, class_id, week.start, *comment_kind(subject)
    )
    if page is None:
        return None
    done = sum(1 for e in page.entries if e.comment)
    title = await mode_label(visit, class_id, subject)
    lines = [
        "<b>" + html.escape(_("Comments, {week}").format(week=week_label(week, _))) + "</b>",
        html.escape(title),
        html.escape(
            _("Written: {done}/{total}. Choose a pupil to write or change a comment.").format(
                done=done, total=len(page.entries)
            )
        ),
    ]
    if page.sent_at is not None:
        lines.append("<i>" + html.escape(_(SENT_LINE)) + "</i>")
    text = "\n".join(lines)
    pupils = [
        (
            ("✓ " if e.comment else "") + (e.label or e.name),
            ChoosePupil(e.student_id, subject).data(),
        )
        for e in page.entries
    ]
    rows = [pupils[i : i + 2] for i in range(0, len(pupils), 2)]
    if subject == HOMEROOM:
        rows += tools(class_id, page.hold_missing, _)
    return text, keyboards.inline(rows)


def tools(class_id: int, hold_missing: bool, _: Translator) -> list[list[tuple[str, str]]]:
    """The homeroom teacher's rows under the list: note, spreadsheet, the hold, the preview."""
    hold = (
        _("Without a comment: hold back")
        if hold_missing
        else _("Without a comment: class note only")
    )
    return [
        [
            (_("Note to the whole class"), WriteNote(class_id).data()),
            (_("Spreadsheet (Excel)"), GetSheet(class_id).data()),
        ],
        [(hold, HoldMissing(class_id, not hold_missing).data())],
        [(_("Preview and send"), ShowPreview(class_id).data())],
    ]


async def show_list(press: ShowList, visit: Visit, context: BotContext) -> None:
    """Show the class list again; under a question, end that question if it is still the one
    waiting (an older one's "Về danh sách" leaves a newer question as it is)."""
    week = await pressed_week(visit, context)
    if week is None:
        return
    screen = await class_list(visit, week, press.class_id, press.subject)
    if screen is None:
        visit.alert(refusal(Saved.NOT_ALLOWED, visit._))
        return
    await end_question(visit, press.ask)
    visit.edit(*with_grid(screen, context.settings, press.subject, visit._))


async def end_question(visit: Visit, ask: int) -> None:
    """Stop waiting for the answer to question number `ask`, if it is still the one waiting."""
    waiting = await pending.peek(visit.session, visit.account.id, visit.now)
    if ask and waiting is not None and waiting.data.get("ask") == ask:
        await pending.clear(visit.session, visit.account.id)


async def toggle_hold(press: HoldMissing, visit: Visit, context: BotContext) -> None:
    """Switch whether pupils without a comment are held back or get the class note only."""
    week = await pressed_week(visit, context)
    if week is None:
        return
    saved = await weekly.set_hold(
        visit.session, visit.actor, press.class_id, week.start, press.hold
    )
    screen = await class_list(visit, week, press.class_id, HOMEROOM)
    if saved is not Saved.OK or screen is None:
        visit.alert(refusal(saved, visit._))
        return
    visit.edit(*screen)
