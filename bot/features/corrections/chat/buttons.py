"""Every kind of press of the correction flow ("corr"), one frozen dataclass each.

The action names are the ones buttons already sent carry ("add", "sys" and "sign" wait in the
outbox and in people's chats): they do not change. A press carries which pupil, period, item or
request it is about, never a right: each handler checks again from the records.

The buttons of one /suadiem, from the class list to "Gửi đề nghị", carry its `flow`: a short
random token kept in the teacher's pending input. A press whose flow is not the open one comes
from a finished or replaced form and changes nothing (chat/late.py answers with what it finds);
data sent before the token existed reads with an empty flow and acts on the open form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, Max, button

FEATURE = "corr"
FLOW = 5  # the length of a flow's token
Flow = Annotated[str, Max(FLOW)]


# The teacher's request: /suadiem, then the draft ------------------------------------------------


@button(FEATURE, "cls")
@dataclass(frozen=True, slots=True)
class PickClass(Button):
    """The class the correction is for (a teacher of several classes)."""

    class_id: int
    flow: Flow = ""


@button(FEATURE, "pup")
@dataclass(frozen=True, slots=True)
class PickPupil(Button):
    """The pupil."""

    student_id: int
    flow: Flow = ""


@button(FEATURE, "per")
@dataclass(frozen=True, slots=True)
class PickPeriod(Button):
    """The assessment period ("gk1", "ck1", "gk2", "cn")."""

    student_id: int
    period: Annotated[str, Max(3)]
    flow: Flow = ""


@button(FEATURE, "item")
@dataclass(frozen=True, slots=True)
class PickItem(Button):
    """The item, by its place in the list of items the teacher may ask for in the period."""

    student_id: int
    period: Annotated[str, Max(3)]
    index: int
    flow: Flow = ""


@button(FEATURE, "val")
@dataclass(frozen=True, slots=True)
class PickValue(Button):
    """A level chosen with its button ("hoan_thanh", "dat", …)."""

    code: Annotated[str, Max(24)]
    flow: Flow = ""


@button(FEATURE, "why")
@dataclass(frozen=True, slots=True)
class PickReason(Button):
    """The kind of reason ("entry_error", "remarked", …); the details are typed next."""

    reason: Annotated[str, Max(16)]
    flow: Flow = ""


@button(FEATURE, "done")
@dataclass(frozen=True, slots=True)
class EvidenceDone(Button):
    """ "Xong": every piece of evidence is sent; show the summary."""

    flow: Flow = ""


@button(FEATURE, "send")
@dataclass(frozen=True, slots=True)
class SendRequest(Button):
    """ "Gửi đề nghị" under the summary."""

    flow: Flow = ""


@button(FEATURE, "x")
@dataclass(frozen=True, slots=True)
class CancelDraft(Button):
    """ "Hủy": drop the draft."""

    flow: Flow = ""


# The teacher's addition after "Cần bổ sung" -----------------------------------------------------


@button(FEATURE, "add")
@dataclass(frozen=True, slots=True)
class AddToRequest(Button):
    """ "Bổ sung đề nghị" under the news that more is needed."""

    request_id: int


@button(FEATURE, "addok")
@dataclass(frozen=True, slots=True)
class SendAddition(Button):
    """ "Gửi bổ sung"."""

    request_id: int


# The leader's decision -------------------------------------------------------------------------


@button(FEATURE, "okq")
@dataclass(frozen=True, slots=True)
class AskApprove(Button):
    """ "Duyệt" under the card: asks "Xác nhận duyệt" / "Quay lại" first."""

    request_id: int


@button(FEATURE, "noq")
@dataclass(frozen=True, slots=True)
class AskReject(Button):
    """ "Từ chối" under the card: asks "Xác nhận từ chối" / "Quay lại" first."""

    request_id: int


@button(FEATURE, "back")
@dataclass(frozen=True, slots=True)
class BackToCard(Button):
    """ "Quay lại": the card's own buttons again, nothing decided."""

    request_id: int


@button(FEATURE, "ok")
@dataclass(frozen=True, slots=True)
class Approve(Button):
    """ "Xác nhận duyệt" (cards sent before the confirmation carried it as "Duyệt")."""

    request_id: int


@button(FEATURE, "no")
@dataclass(frozen=True, slots=True)
class Reject(Button):
    """ "Xác nhận từ chối": the reason is typed next (once "Từ chối" itself)."""

    request_id: int


@button(FEATURE, "more")
@dataclass(frozen=True, slots=True)
class AskMore(Button):
    """ "Cần bổ sung": the question is typed next."""

    request_id: int


# The change in the official system and the minutes ----------------------------------------------


@button(FEATURE, "sys")
@dataclass(frozen=True, slots=True)
class Applied(Button):
    """ "Đã cập nhật trên hệ thống", the administrator's."""

    request_id: int


@button(FEATURE, "sign")
@dataclass(frozen=True, slots=True)
class Sign(Button):
    """ "Ký xác nhận" in one role: "principal", "admin" or "teacher"."""

    request_id: int
    role: Annotated[str, Max(9)]


# The approved corrections for the official system -----------------------------------------------


@button(FEATURE, "xp")
@dataclass(frozen=True, slots=True)
class OfficialPeriod(Button):
    """The period whose approved corrections to download ("gk1", "ck1", "gk2", "cn")."""

    period: Annotated[str, Max(3)]


@button(FEATURE, "ek")
@dataclass(frozen=True, slots=True)
class EvidenceKind(Button):
    """What a file just sent shows ("book", "test", "other"), by its place among the files of
    the open form (`flow`) or of the open addition to `request_id`."""

    index: int
    kind: Annotated[str, Max(5)]
    flow: Flow = ""
    request_id: int = 0
