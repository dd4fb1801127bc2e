"""Eyesight as school nurses write it, read into one form (plain rules: no SQL, no Telegram).

A Vietnamese school's eye chart is read in tenths at 5 m: `10/10`, `9/10`, and above full
sight `12/10`. A child who misses some letters of the last line read is written `7/10-2` (7/10,
two letters missed). Below 1/10 the child comes closer: `1/20` (the 1/10 line read at 2.5 m),
`1/50` (at 1 m); closer still the nurse counts fingers: `ĐNT 3m` (đếm ngón tay at 3 m, also
written "DNT 3m", "đnt 3 m"). The decimal forms `0,9`, `0.9`, `1,2`, `0,05` and a bare `9`
(ninth tenths) are read too. Each eye may have two values: without glasses (không kính) and
with them (có kính), written in two columns of the sheet or in one cell as
"7/10 có kính 10/10" ("KK 7/10, CK 10/10").

A value is stored in its canonical form ("7/10-2", "1/20", "ĐNT 3m"); `read` turns a stored
value back into a `Sight`. Anything else (`11/10x`, `0/10`, `10/0`, `abc`) is refused with the
reason, and changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from storage.roster import cells
from storage.roster.cells import CellError
from storage.roster.problems import N_

FULL = 10  # tenths: 10/10
MOST_TENTHS = 20  # 20/10: the best line of a chart
CLOSER = (20, 30, 40, 50)  # 1/20 ... 1/50: the 1/10 line read from closer than 5 m
MOST_MISSED = 4  # a chart line has five letters: missing five is the line above
FINGERS_METRES = (0.1, 5.0)
STORED_LIMIT = 16  # the longest canonical form ("ĐNT 0,5m", "12/10-4")

VISION_FORMAT = N_(
    "The visual acuity must be written as on the eye chart: 10/10, 7/10, 7/10-2 (two letters "
    "missed), 12/10, 1/20, 1/50 or ĐNT 3m (counting fingers at 3 m); with glasses, add "
    '"có kính" and the value, for example 6/10 có kính 10/10.'
)
VISION_AS_DATE = N_(
    "Excel turned this visual acuity into a date; format the column as Text and type it again."
)
TWICE_WITH_GLASSES = N_(
    "The value with glasses is written both in this cell and in the column with glasses; keep one."
)

_FRACTION = re.compile(r"^(\d{1,3})\s*/\s*(\d{1,3})(?:\s*-\s*(\d{1,2}))?$")
_DECIMAL = re.compile(r"^\d{1,2}$|^\d?[.,]\d{1,3}$")
_FINGERS = re.compile(r"^(?:dnt|dem ngon tay)\s*(\d{1,2}(?:[.,]\d{1,2})?)\s*m?$")
_GLASSES = re.compile(
    r"^(?:(?:khong kinh|kk)\s*:?\s*)?(.*?)\s*[,;]?\s*(?:(?:co kinh|ck)\s*:?\s*(.*))?$"
)
_DECIMALS_CLOSER = {0.05: 20, 0.025: 40, 0.02: 50}


@dataclass(frozen=True, slots=True)
class Sight:
    """One eye's visual acuity: a chart line (`tenths` over `over`, letters `missed`) or
    counting fingers at `metres` (then `over` is 0)."""

    tenths: int = 0  # the numerator: 7 in 7/10, 1 in 1/20
    over: int = 10  # the denominator: 10, or 20-50 for the 1/10 line read closer
    missed: int = 0
    metres: float = 0.0

    @property
    def fingers(self) -> bool:
        """Counting fingers (ĐNT): below every chart line."""
        return self.over == 0

    @property
    def decimal(self) -> float:
        """The acuity as a decimal (0.7, 0.05); 0 for counting fingers."""
        return 0.0 if self.fingers else self.tenths / self.over

    @property
    def full(self) -> bool:
        """10/10 or better, every letter read."""
        return not self.fingers and self.over == FULL and self.tenths >= FULL and not self.missed

    @property
    def written(self) -> str:
        """The canonical form stored and shown to nurses: "7/10-2", "1/20", "ĐNT 3m"."""
        if self.fingers:
            return f"ĐNT {_metres(self.metres)}m"
        missed = f"-{self.missed}" if self.missed else ""
        return f"{self.tenths}/{self.over}{missed}"


@dataclass(frozen=True, slots=True)
class Eye:
    """One eye's values: without glasses and with them (either may be missing)."""

    bare: Sight | None = None
    glasses: Sight | None = None

    @property
    def seen_with(self) -> Sight | None:
        """How the child sees in class: with glasses when measured with them."""
        return self.glasses or self.bare

    @property
    def low(self) -> bool:
        """Below 10/10 as the child sees in class (a blank eye makes no claim)."""
        seen = self.seen_with
        return seen is not None and not seen.full


def parse_sight(cell: object) -> Sight:
    """One value, as a nurse writes it; CellError (a msgid) when it is not one."""
    if isinstance(cell, datetime | date):
        raise CellError(VISION_AS_DATE)
    if isinstance(cell, bool):
        raise CellError(VISION_FORMAT)
    if isinstance(cell, int | float):
        return _from_decimal(float(cell), bare=float(cell).is_integer())
    written = _plain(cells.text(cell))
    if not written:
        raise CellError(N_("The visual acuity is missing."))
    fraction = _FRACTION.match(written)
    if fraction is not None:
        numerator, over, missed = fraction.groups()
        return _chart(int(numerator), int(over), int(missed or 0))
    fingers = _FINGERS.match(written)
    if fingers is not None:
        metres = float(fingers.group(1).replace(",", "."))
        if not FINGERS_METRES[0] <= metres <= FINGERS_METRES[1]:
            raise CellError(VISION_FORMAT)
        return Sight(0, 0, 0, metres)
    if _DECIMAL.match(written):
        number = written.replace(",", ".")
        return _from_decimal(float(number), bare="." not in number)
    raise CellError(VISION_FORMAT)


def parse_eye(cell: object) -> Eye:
    """A cell of one eye: a value, or values without and with glasses ("6/10 có kính 10/10");
    a blank cell is an eye not checked."""
    if isinstance(cell, datetime | date | int | float):
        return Eye(parse_sight(cell))
    written = _plain(cells.text(cell))
    if not written:
        return Eye()
    found = _GLASSES.match(written)
    if found is None or not (found.group(1) or found.group(2)):
        raise CellError(VISION_FORMAT)
    bare, glasses = found.group(1), found.group(2)
    if glasses is not None and not glasses.strip():
        raise CellError(VISION_FORMAT)
    return Eye(
        parse_sight(bare) if bare else None,
        parse_sight(glasses) if glasses else None,
    )


def with_glasses_column(eye: Eye, cell: object) -> Eye:
    """The eye with the sheet's column "có kính" added, refusing a value written twice."""
    if not cells.text(cell).strip():
        return eye
    if eye.glasses is not None:
        raise CellError(TWICE_WITH_GLASSES)
    return Eye(eye.bare, parse_sight(cell))


def read(stored: str | None) -> Sight | None:
    """A stored value back as a Sight (None for a blank; an unreadable one is None too)."""
    if not stored:
        return None
    try:
        return parse_sight(stored)
    except CellError:
        return None


def _chart(numerator: int, over: int, missed: int) -> Sight:
    if over == FULL and 1 <= numerator <= MOST_TENTHS and missed <= MOST_MISSED:
        return Sight(numerator, FULL, missed)
    if over in CLOSER and numerator == 1 and not missed:
        return Sight(1, over)
    raise CellError(VISION_FORMAT)


def _from_decimal(value: float, *, bare: bool) -> Sight:
    """0.9 is 9/10, 1.2 is 12/10, 0.05 is 1/20; a whole number 1-10 (a bare "9") is tenths."""
    if bare and 1 <= value <= FULL and value.is_integer():
        return Sight(int(value), FULL)
    tenths = value * 10
    if abs(tenths - round(tenths)) < 1e-6 and 1 <= round(tenths) <= MOST_TENTHS:
        return Sight(round(tenths), FULL)
    for decimal, over in _DECIMALS_CLOSER.items():
        if abs(value - decimal) < 1e-9:
            return Sight(1, over)
    raise CellError(VISION_FORMAT)


def _plain(text: str) -> str:
    """Lower case, without Vietnamese tone marks (đ as d), spaces collapsed, no brackets."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "d").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(bare.replace("(", " ").replace(")", " ").split())


def _metres(value: float) -> str:
    """3 -> "3", 0.5 -> "0,5" (the school writes a decimal comma)."""
    return f"{value:g}".replace(".", ",")
