"""The buttons of feedback: the draft's steps, and those under delivered messages.

"new" (under notices, bot/delivery/outbox.py's REPLY), "reply" and "done" (under a parent's
message to staff), and "more" (under the school's answer) ride on messages already delivered:
their data must not change. A draft's buttons carry the update that opened it (`started`), so
that a button of an older draft, or of one already sent, says so and changes nothing; it is
last and optional, so buttons sent before it existed still read (as 0: "whatever draft is open").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, Max, button

FEATURE = "fb"


@button(FEATURE, "new")
@dataclass(frozen=True, slots=True)
class FromNotice(Button):
    """ "Phản hồi" under a notice: a feedback about the notice's pupil."""

    delivery_id: int


@button(FEATURE, "kid")
@dataclass(frozen=True, slots=True)
class PickChild(Button):
    """The child the feedback is about."""

    student_id: int
    started: int = 0


@button(FEATURE, "to")
@dataclass(frozen=True, slots=True)
class PickRecipient(Button):
    """The homeroom teacher (False) or the school leaders (True)."""

    leaders: bool
    started: int = 0


@button(FEATURE, "topic")
@dataclass(frozen=True, slots=True)
class PickTopic(Button):
    """The topic (a FeedbackTopic value)."""

    topic: Annotated[str, Max(12)]
    started: int = 0


@button(FEATURE, "anon")
@dataclass(frozen=True, slots=True)
class PickAnonymous(Button):
    """Whether the school leaders see only the class."""

    anonymous: bool
    started: int = 0


@button(FEATURE, "send")
@dataclass(frozen=True, slots=True)
class SendWithoutPhoto(Button):
    """ "Gửi không kèm ảnh": the draft is sent as it is."""

    started: int = 0


@button(FEATURE, "cancel")
@dataclass(frozen=True, slots=True)
class CancelFeedback(Button):
    """ "Huỷ": the draft, or the answer being written, is dropped (if it is still open)."""

    started: int = 0


@button(FEATURE, "long")
@dataclass(frozen=True, slots=True)
class SendLong(Button):
    """A text over the limit, sent shortened (`split` False) or in parts; `length` is the
    length of the text the offer was made for (a newer piece replaces the offer)."""

    split: bool
    length: int


@button(FEATURE, "reply")
@dataclass(frozen=True, slots=True)
class Answer(Button):
    """ "Trả lời" under a parent's message: the school's answer is typed next."""

    feedback_id: int


@button(FEATURE, "done")
@dataclass(frozen=True, slots=True)
class Handled(Button):
    """ "Đã xử lý" under a parent's message: the item is closed and the parent told."""

    feedback_id: int


@button(FEATURE, "more")
@dataclass(frozen=True, slots=True)
class WriteMore(Button):
    """ "Trả lời" under the school's answer: the parent's next message in the thread."""

    feedback_id: int
