"""Weekly comments' rules: who writes which comment, who sends a class's notice, what is kept.

Regular assessment is by comments only (domain-vn.md 1.3): no score, no level, no ranking. The
homeroom teacher writes one comment per pupil per teaching week, a subject teacher one per
subject, the nurse a short health note; all can be changed until the class's notice goes out.
The notice goes out on Friday from the school's schedule, or earlier when the homeroom teacher
presses "Gửi ngay"; a pupil without a comment gets the class-wide note, unless the teacher
holds such pupils back.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from storage.models import CommentKind, Role
from storage.names import nfc

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
