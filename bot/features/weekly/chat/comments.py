"""Weekly comments in chat (/nhanxet): one pupil at a time, with quick phrases.

The class list is in class_list.py, the class-wide note and the typed answers in typed.py, the
spreadsheet in sheet.py, the preview and "Gửi ngay" in sending.py.
"""

from __future__ import annotations

import html
import secrets

from telegram import Update

from bot.core import keyboards, pending
from bot.core.context import BotContext, Visit
from bot.features.calendar.queries import TeachingWeek, week_label
from bot.features.weekly import views, writing
from bot.features.weekly.chat.buttons import (
    HOMEROOM,
    ChoosePupil,
    NextPupil,
    ShowList,
    UsePhrase,
)
from bot.features.weekly.chat.class_list import (
    Screen,
    class_list,
    comment_kind,
    current_week,
    mode_label,
    pressed_week,
    with_grid,
)
from bot.features.weekly.rules import Saved
from bot.features.weekly.wording import PHRASES, refusal, told_line

WAIT_COMMENT = "weekly_comment"


async def comments_command(update: Update, context: BotContext) -> None:
    """Open the class list for this week's comments (or the choice of class and subject)."""
    async with context.visit(update) as visit:
        _ = visit._
        week = await current_week(visit, context)
        if week is None:
            text = _("There is no teaching week ahead in the school calendar.")
            visit.reply(text, as_html=False)
            return
        await pending.clear(visit.session, visit.account.id)  # a new round: no old question
        modes = [(c, HOMEROOM) for c in sorted(visit.actor.homeroom_classes)]
        modes += sorted(visit.actor.teaching)
        if not modes:
            visit.reply(_("Weekly comments are written by the class's teachers."), as_html=False)
            return
        if len(modes) == 1:
            screen = await class_list(visit, week, *modes[0])
            assert screen is not None  # the person's own class
            visit.reply(*with_grid(screen, context.settings, modes[0][1], _))
            return
        buttons = [
            (await mode_label(visit, class_id, subject), ShowList(class_id, subject).data())
            for class_id, subject in modes
        ]
        markup = keyboards.choices(buttons, per_row=2)
        visit.reply(html.escape(_("Which class and subject?")), markup)


async def ask_comment(
    visit: Visit, week: TeachingWeek, student_id: int, subject: str
) -> Screen | None:
    """The prompt for one pupil's comment, with quick phrases; the next text is the comment."""
    _ = visit._
    found = await views.pupil_entry(
        visit.session, visit.actor, student_id, week.start, *comment_kind(subject)
    )
    if found is None:
        return None
    class_id, entry = found
    ask = new_ask()
    await pending.expect(
        visit.session,
        visit.account.id,
        visit.actor.school_id,
        WAIT_COMMENT,
        {
            "student_id": student_id,
            "week_start": week.start.isoformat(),
            "subject": subject,
            "ask": ask,
        },
        visit.now,
    )
    current = html.escape(entry.comment) if entry.comment else html.escape(_("(none yet)"))
    how = _(
        "Type the comment and send it, or start from a phrase below and then type a "
        "better one if needed."
    )
    text = "\n".join(
        [
            html.escape(_("Comment for {name}, {week}:")).format(
                name=f"<b>{html.escape(entry.label or entry.name)}</b>",
                week=html.escape(week_label(week, _)),
            ),
            f"<i>{current}</i>",
            "",
            html.escape(how),
        ]
    )
    phrases = [
        [(_(phrase)[:60], UsePhrase(student_id, subject, index).data())]
        for index, phrase in enumerate(PHRASES)
    ]
    back = [
        (_("Back to the list"), ShowList(class_id, subject, ask).data()),
        (_("Next pupil"), NextPupil(class_id, subject).data()),
    ]
    return text, keyboards.inline([*phrases, back])


def new_ask() -> int:
    """A question's number: its "Về danh sách" ends it only while it is the one waiting."""
    return secrets.randbelow(2**31) + 1


async def next_prompt(
    visit: Visit, week: TeachingWeek, class_id: int, subject: str, after: int | None = None
) -> Screen | None:
    """The next pupil without a comment (after `after` in list order), or the list when done;
    None if the person does not write this class's comments."""
    kind, code = comment_kind(subject)
    page = await views.class_page(visit.session, visit.actor, class_id, week.start, kind, code)
    if page is None:
        return None
    entries = page.entries
    order = [e.student_id for e in entries]
    start = order.index(after) + 1 if after in order else 0
    waiting = [e for e in entries[start:] + entries[:start] if not e.comment]
    if waiting:
        prompt = await ask_comment(visit, week, waiting[0].student_id, subject)
        if prompt is not None:
            return prompt
    await pending.clear(visit.session, visit.account.id)
    return await class_list(visit, week, class_id, subject)


async def choose_pupil(press: ChoosePupil, visit: Visit, context: BotContext) -> None:
    """Ask for the pressed pupil's comment."""
    week = await pressed_week(visit, context)
    if week is None:
        return
    screen = await ask_comment(visit, week, press.student_id, press.subject)
    if screen is None:
        visit.alert(refusal(Saved.NOT_ALLOWED, visit._))
        return
    visit.edit(*screen)


async def use_phrase(press: UsePhrase, visit: Visit, context: BotContext) -> None:
    """Save a quick phrase as the pupil's comment and show it in the prompt."""
    week = await pressed_week(visit, context)
    if week is None or not 0 <= press.index < len(PHRASES):
        return
    kind, code = comment_kind(press.subject)
    phrase = visit._(PHRASES[press.index])
    saved, told = await writing.write_comment(
        visit.session,
        visit.actor,
        press.student_id,
        week,
        phrase,
        kind=kind,
        subject=code,
        now=visit.now,
    )
    if saved is not Saved.OK:
        visit.alert(refusal(saved, visit._))
        return
    screen = await ask_comment(visit, week, press.student_id, press.subject)
    if screen is not None:
        visit.edit(*screen)
    said = told_line(told, "", visit._)
    if said:
        visit.toast(said[:200])


async def next_pupil(press: NextPupil, visit: Visit, context: BotContext) -> None:
    """Go to the next pupil still without a comment."""
    week = await pressed_week(visit, context)
    if week is None:
        return
    screen = await next_prompt(visit, week, press.class_id, press.subject)
    if screen is None:
        visit.alert(refusal(Saved.NOT_ALLOWED, visit._))
        return
    visit.edit(*screen)
