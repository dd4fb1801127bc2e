"""Health rules: who records results, who sends a school-wide notice, what a typed entry says.

Plain Python: the queries check these with the actor passed in; the chat side renders refusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.i18n import N_
from bot.features.health.documents import TEXT_LIMIT, HealthRow
from bot.features.health.eyesight import Eye, parse_eye
from bot.features.health.growth import parse_height, parse_weight
from bot.features.weekly.rules import clean
from storage.models import Role
from storage.names import nfc
from storage.roster.cells import CellError

if TYPE_CHECKING:
    from bot.core.access import Actor

ALERT_LIMIT = 3000
ENTRY_FIELDS = 7
NOT_FOR_YOU = N_("This button is not for you.")
EXPIRED = N_("This was already handled or has expired.")
ENTRY_FORMAT = N_(
    'Write at least the height and the weight, separated by ";" (for example 128; 26,5).'
)
TEXT_TOO_LONG = N_("A text in the results may have at most 500 characters.")
ALERT_EMPTY = N_("The notice is empty.")
ALERT_TOO_LONG = N_("The notice has {length} characters; the limit is {limit}.")
NURSE = N_("School nurse")
LEFT_EYE = N_("Left eye")
RIGHT_EYE = N_("Right eye")
LEADERS = N_("School leaders")


def may_record(actor: Actor) -> bool:
    """Check-up results, weekly health notes and the class spreadsheet: the school nurse."""
    return actor.has(Role.MEDICAL)


def may_alert(actor: Actor) -> bool:
    """School-wide health notices: the nurse and the principal."""
    return actor.has(Role.MEDICAL, Role.PRINCIPAL)


def alert_sender(actor: Actor) -> str:
    """Who families are told a school-wide notice is from (a msgid): the nurse, or else the
    school's leaders (the principal)."""
    return NURSE if actor.has(Role.MEDICAL) else LEADERS


def alert_problem(text: str) -> tuple[str, dict[str, object]] | None:
    """Why a school-wide notice cannot be sent as written (msgid, params), or None."""
    cleaned = clean(text)
    if not cleaned:
        return ALERT_EMPTY, {}
    if len(cleaned) > ALERT_LIMIT:
        return ALERT_TOO_LONG, {"length": len(cleaned), "limit": ALERT_LIMIT}
    return None


@dataclass(frozen=True, slots=True)
class HealthEntry:
    """One pupil's results typed in chat: height and weight required, the rest optional."""

    height_cm: float
    weight_kg: float
    vision_left: str | None = None  # canonical forms (bot/features/health/eyesight.py)
    vision_right: str | None = None
    teeth: str | None = None
    spine: str | None = None
    notes: str | None = None
    vision_left_glasses: str | None = None
    vision_right_glasses: str | None = None

    def row(self, student_code: str) -> HealthRow:
        """The entry as a sheet row of that pupil."""
        return HealthRow(
            0,
            student_code,
            self.height_cm,
            self.weight_kg,
            self.vision_left,
            self.vision_right,
            self.teeth,
            self.spine,
            self.notes,
            self.vision_left_glasses,
            self.vision_right_glasses,
        )


class FieldError(CellError):
    """A typed field that cannot be used: args[0] the reason's msgid, `field` the field's."""

    def __init__(self, reason: str, field: str) -> None:
        super().__init__(reason)
        self.field = field


def _eye(text: str, field: str) -> Eye:
    try:
        return parse_eye(text)
    except CellError as exc:
        raise FieldError(str(exc.args[0]), field) from None


def parse_entry(text: str) -> HealthEntry:
    """Read "height; weight; left eye; right eye; teeth; spine; notes", raising CellError (an
    eye's as FieldError, naming the eye). An eye may be "6/10 có kính 10/10"."""
    parts = [part.strip() for part in nfc(text).split(";", ENTRY_FIELDS - 1)]
    parts += [""] * (ENTRY_FIELDS - len(parts))
    if not parts[0] or not parts[1]:
        raise CellError(ENTRY_FORMAT)
    height, weight = parse_height(parts[0]), parse_weight(parts[1])
    left, right = _eye(parts[2], LEFT_EYE), _eye(parts[3], RIGHT_EYE)
    texts = parts[4:]
    if any(len(value) > TEXT_LIMIT for value in texts):
        raise CellError(TEXT_TOO_LONG)
    teeth, spine, notes = (value or None for value in texts)
    return HealthEntry(
        height,
        weight,
        left.bare.written if left.bare else None,
        right.bare.written if right.bare else None,
        teeth,
        spine,
        notes,
        left.glasses.written if left.glasses else None,
        right.glasses.written if right.glasses else None,
    )
