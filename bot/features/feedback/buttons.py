"""The buttons of feedback: the draft's steps, and those under delivered messages.

"new" (under notices, bot/delivery/outbox.py's REPLY), "reply" and "done" (under a parent's
message to staff), and "more" (under the school's answer) ride on messages already delivered:
their data must not change.
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


@button(FEATURE, "to")
@dataclass(frozen=True, slots=True)
class PickRecipient(Button):
    """The homeroom teacher (False) or the school leaders (True)."""

    leaders: bool


@button(FEATURE, "topic")
@dataclass(frozen=True, slots=True)
class PickTopic(Button):
    """The topic (a FeedbackTopic value)."""

    topic: Annotated[str, Max(12)]


@button(FEATURE, "anon")
@dataclass(frozen=True, slots=True)
class PickAnonymous(Button):
    """Whether the school leaders see only the class."""

    anonymous: bool


@button(FEATURE, "send")
@dataclass(frozen=True, slots=True)
class SendWithoutPhoto(Button):
    """ "Gửi không kèm ảnh": the draft is sent as it is."""


@button(FEATURE, "cancel")
@dataclass(frozen=True, slots=True)
class CancelFeedback(Button):
    """ "Huỷ": the draft, or the answer being written, is dropped."""


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
