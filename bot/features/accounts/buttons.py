"""The buttons of accounts and linking: consent, link requests, unlinking, one's own data.

Their data must not change: consent screens, link requests and /dulieu screens already sent
carry it ("v1:consent:yes[:<code>]", "v1:lnk:ok:<request>:<pupil>", "v1:data:export", ...).
An old "v1:lnk:ok" now asks for the second confirmation instead of linking at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, Max, button
from bot.features.accounts.invitations import LENGTH


@button("consent", "yes")
@dataclass(frozen=True, slots=True)
class Agree(Button):
    """ "I agree", with the invitation code of a deep link to use right after."""

    code: Annotated[str, Max(LENGTH)] = ""


@button("consent", "no")
@dataclass(frozen=True, slots=True)
class Disagree(Button):
    """ "I do not agree"."""


@button("consent", "staff")
@dataclass(frozen=True, slots=True)
class StaffConsent(Button):
    """ "I work at the school": the consent text for staff instead of the parents' one."""

    code: Annotated[str, Max(LENGTH)] = ""


@button("lnk", "ok")
@dataclass(frozen=True, slots=True)
class LinkChild(Button):
    """The homeroom teacher's (or administrator's) choice of the child: asks to confirm."""

    request_id: int
    student_id: int


@button("lnk", "yes")
@dataclass(frozen=True, slots=True)
class ConfirmLink(Button):
    """ "Yes, link": the second confirmation, after calling the parent."""

    request_id: int
    student_id: int


@button("lnk", "back")
@dataclass(frozen=True, slots=True)
class BackToRequest(Button):
    """ "Back" from the confirmation to the request's list of pupils."""

    request_id: int


@button("lnk", "no")
@dataclass(frozen=True, slots=True)
class RefuseLink(Button):
    """The refusal of a link request."""

    request_id: int


@button("acct", "unlink")
@dataclass(frozen=True, slots=True)
class Unlink(Button):
    """ "Yes, unlink" (only ever the presser's own account); `asked`: when the question was
    asked (Unix seconds; 0 on buttons made before it was carried), so that a question about an
    earlier link changes nothing of the present one."""

    account_id: int
    asked: int = 0


@button("acct", "keep")
@dataclass(frozen=True, slots=True)
class KeepLink(Button):
    """ "No, keep it"."""

    account_id: int
    asked: int = 0


@button("data", "export")
@dataclass(frozen=True, slots=True)
class ExportData(Button):
    """ "Download my data"."""


@button("data", "withdraw")
@dataclass(frozen=True, slots=True)
class AskWithdraw(Button):
    """ "Withdraw my consent", asking to confirm."""


@button("data", "delete")
@dataclass(frozen=True, slots=True)
class AskDeletion(Button):
    """ "Ask to delete my data", asking to confirm."""


@button("data", "withdrawok")
@dataclass(frozen=True, slots=True)
class Withdraw(Button):
    """The confirmed withdrawal of consent."""


@button("data", "deleteok")
@dataclass(frozen=True, slots=True)
class Delete(Button):
    """The confirmed request to delete one's data."""


@button("data", "cancel")
@dataclass(frozen=True, slots=True)
class KeepData(Button):
    """ "Cancel" under a withdrawal or deletion question."""
