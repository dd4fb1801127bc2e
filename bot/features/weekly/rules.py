"""Weekly comments' rules: who writes which comment, who sends a class's notice and when, what
is kept. Namesakes are told apart by `storage.names.tell_apart` (re-exported here).

Regular assessment is by comments only (domain-vn.md 1.3): no score, no level, no ranking. The
homeroom teacher writes one comment per pupil per teaching week, a subject teacher one per
subject, the nurse a short health note. The week is the calendar's writing week
(`Calendar.writing_week`): on Saturday it is the week just ended. Nothing about a week reaches
parents before its last school day (`week_is_over`): the Friday schedule sends it, or the
homeroom teacher with "Gửi ngay" once that day has come. A pupil without a comment gets the
class-wide note, unless the teacher holds such pupils back. After the notice went out a teacher
may still add or correct a comment: the family gets it as an addendum (bot/features/weekly/
addenda.py), nothing typed is thrown away.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.features.calendar.rules import Calendar, TeachingWeek
from storage.models import CommentKind, Role
from storage.names import nfc
from storage.names import tell_apart as tell_apart  # namesakes: the one rule, kept with names

if TYPE_CHECKING:
    from bot.core.access import Actor

COMMENT_LIMIT = 1000
NOTE_LIMIT = 1000


class Saved(enum.Enum):
    """The outcome of a change to a week's comments or note."""

    OK = "ok"
    NOT_ALLOWED = "not_allowed"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ALREADY_SENT = "already_sent"


@dataclass(frozen=True, slots=True)
class TheSchool:
    """The school itself as the sender of a week: its Friday schedule."""


SCHOOL = TheSchool()


class NotYourClass(Exception):
    """The sender may not send the notice of one of these classes; nothing was sent."""


class TooEarly(Exception):
    """The week's last school day has not come: nothing about it reaches parents yet."""

    def __init__(self, first_day: date) -> None:
        super().__init__(first_day)
        self.first_day = first_day  # the first day it may go: the week's last school day


class Told(enum.Enum):
    """What a family is sent when a comment, an absence or the note changes after the notice."""

    NOT_SENT = "not_sent"  # the week has not gone out: the notice will carry it
    NOTHING = "nothing"  # nothing new to tell (the same text), or the pupil is held back
    ADDENDUM = "addendum"  # a short addendum, in a few minutes
    NOTICE = "notice"  # the week's notice itself (the pupil got none: held back, or unlinked)
    NOBODY = "nobody"  # no guardian of the pupil has linked


def may_write(actor: Actor, class_id: int, kind: CommentKind, subject: str = "") -> bool:
    """Homeroom comments by the class's homeroom teacher, subject ones by its teacher, health
    notes by the nurse."""
    if kind is CommentKind.HOMEROOM:
        return actor.linked and class_id in actor.homeroom_classes
    if kind is CommentKind.SUBJECT:
        return actor.linked and (class_id, subject) in actor.teaching
    return actor.has(Role.MEDICAL)


def may_send(sender: Actor | TheSchool, school_id: int, class_ids: Collection[int] | None) -> bool:
    """The school sends every class's week; a person only the classes they are homeroom
    teacher of, named one by one, in their own school."""
    if isinstance(sender, TheSchool):
        return True
    if class_ids is None or sender.school_id != school_id:
        return False
    return sender.linked and all(class_id in sender.homeroom_classes for class_id in class_ids)


def notice_moment(
    calendar: Calendar, week: TeachingWeek, weekday: int, at: time
) -> tuple[date, time]:
    """When the school's schedule sends a week's notice: the schedule's day of that week (ISO
    weekday; 0, every school day, means the week's last one) at its time, never before the
    week's last school day."""
    last = calendar.last_school_day(week)
    day = week.start + timedelta(days=weekday - 1) if 1 <= weekday <= 7 else last
    return max(day, last), at


def sender_account(sender: Actor | TheSchool) -> int | None:
    """The account a week is recorded as sent by (none for the schedule)."""
    return None if isinstance(sender, TheSchool) else sender.account.id


def may_change(sent_at: datetime | None) -> bool:
    """A week's comments, note and choices change until its notice goes out."""
    return sent_at is None


def clean(text: str) -> str:
    """A comment as stored: NFC, each line's spaces collapsed, blank lines at the ends dropped."""
    return "\n".join(nfc(line) for line in text.strip().splitlines()).strip()


def check_comment(text: str) -> Saved:
    """A cleaned comment: empty, too long, or fine."""
    if not text:
        return Saved.EMPTY
    return Saved.TOO_LONG if len(text) > COMMENT_LIMIT else Saved.OK


def held_back(has_comment: bool, hold_missing: bool, note: str | None) -> bool:
    """A pupil without a comment waits when the teacher holds them or there is no class note."""
    return not has_comment and (hold_missing or not note)
