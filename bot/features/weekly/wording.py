"""What the teacher's weekly screens say, in chat and on the web alike: the quick phrases, why a
change was refused, what the family is told of a late change, and what "Gửi ngay" will send.

Plain text (no Telegram type, no HTML): the chat (bot/features/weekly/chat/) and the web grid
(bot/web/teacher*.py) escape and lay it out their own way.
"""

from __future__ import annotations

from datetime import date

from bot.core.datefmt import everyday
from bot.core.i18n import N_, Translator
from bot.features.calendar.rules import TeachingWeek, week_label
from bot.features.weekly.notices import Preview
from bot.features.weekly.rules import COMMENT_LIMIT, Saved, Told

PHRASES = (
    N_("Well behaved and keen to speak up in class."),
    N_("Completes the class exercises carefully and well."),
    N_("Reads aloud clearly; needs to practise neater handwriting."),
    N_("Needs to concentrate more and finish the exercises in class."),
    N_("Gets on well with classmates and likes to help them."),
)
NOT_YET = N_("The contact book of {week} can be sent from {day}, its last school day.")
SENT = N_("The contact book of {week} for class {class_name} was already sent at {time}.")
TOLD = {
    Told.ADDENDUM: N_(
        "This week's contact book was already sent: the family will receive this as an "
        "addendum in a few minutes."
    ),
    Told.NOTICE: N_(
        "The family had not received this week's contact book: it is sent now, with this comment."
    ),
}


def told_line(told: Told, names: str, _: Translator) -> str:
    """What the teacher is told about the family after a change (plain text; may be empty)."""
    if told is Told.NOBODY and names:
        return _("No parent linked yet (please call the family): {names}.").format(names=names)
    return _(TOLD[told]) if told in TOLD else ""


def refusal(saved: Saved, _: Translator) -> str:
    """Why a comment, a note or a setting was not saved (plain text)."""
    return {
        Saved.NOT_ALLOWED: _("This is not one of your classes."),
        Saved.EMPTY: _("The comment is empty."),
        Saved.TOO_LONG: _(
            "The comment is too long: at most {limit} characters, please shorten it."
        ).format(limit=COMMENT_LIMIT),
        Saved.ALREADY_SENT: _(
            "This week's contact book has already been sent to the families; it can no longer "
            "be changed."
        ),
        Saved.OK: "",
    }[saved]


def not_yet(week: TeachingWeek, first_day: date, _: Translator) -> str:
    """Why a week cannot go yet: its last school day has not come (plain text)."""
    return _(NOT_YET).format(week=week_label(week, _), day=everyday(first_day, _))


def confirmation_lines(seen: Preview, week: TeachingWeek, _: Translator) -> list[str]:
    """What "Gửi ngay" will send (plain text): the question, then the pupils with a comment,
    without one and what those get, and the families nobody reaches yet."""
    lines = [
        _("Send the contact book of {week} for class {class_name} now?").format(
            week=week_label(week, _), class_name=seen.batch.class_name
        ),
        _("With a comment: {count} pupils.").format(count=seen.written),
    ]
    if seen.without:
        without = (
            N_("Without a comment: {count} pupils; they get the class note only.")
            if seen.note_only
            else N_("Without a comment: {count} pupils; they are held back and get nothing yet.")
        )
        lines.append(_(without).format(count=seen.without))
    lines.append(
        _("Families not linked yet, whom nothing reaches: {count}.").format(count=seen.unlinked)
    )
    return lines


def ready_line(seen: Preview, _: Translator) -> str:
    """How many notices are ready, held back, or reach nobody (plain text)."""
    return _(
        "Notices ready for {count} pupils; held back: {held}; families not linked: {unlinked}."
    ).format(count=seen.ready, held=seen.held, unlinked=seen.unlinked)
