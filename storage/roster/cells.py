"""Turn spreadsheet cells into clean values; each failure is a msgid for the row's report."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from storage.models import Gender, StudentStatus
from storage.names import nfc, search_key
from storage.roster.problems import N_


class CellError(ValueError):
    """A cell whose value cannot be used; args[0] is the msgid of the reason."""


# The longest texts the database keeps (storage/models/): longer ones are refused with the row.
NAME_LIMIT = 120  # a pupil's, guardian's or staff member's full name
NAME_PART_LIMIT = 60  # a pupil's family, middle or given name
ETHNICITY_LIMIT = 40
ADDRESS_LIMIT = 255
TOO_LONG_NAME = N_("The name is too long ({length} characters); at most {limit} are kept.")
TOO_LONG_PART = N_(
    "Part of the name is too long ({length} characters); at most {limit} are kept for each of "
    "the family, middle and given names."
)
TOO_LONG_TEXT = N_("The text is too long ({length} characters); at most {limit} are kept.")


def too_long(value: str, limit: int) -> dict[str, object] | None:
    """The parameters of a too-long message when `value` has more than `limit` characters."""
    return {"length": len(value), "limit": limit} if len(value) > limit else None


def text(cell: object) -> str:
    """Return a cell as NFC text ("" for blank); whole numbers lose Excel's trailing `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime | date):
        return cell.strftime("%d/%m/%Y")
    return nfc(str(cell))


_CODE = re.compile(r"^[0-9A-Za-z]{4,32}$")


def student_code(cell: object) -> str:
    """Return a student ID, refusing blanks and values that are not an ID."""
    value = text(cell).replace(" ", "")
    if not value:
        raise CellError(N_("The student ID is missing."))
    if not _CODE.match(value):
        raise CellError(N_("The student ID must be 4 to 32 letters or digits."))
    return value


def known_student_code(cell: object, known: Iterable[str]) -> str:
    """A student ID as the school's list writes it.

    Excel turns an ID typed as a number into one and drops its leading zeros: a cell of digits
    that is not a listed ID but matches exactly one listed ID without its zeros is read as that
    ID. Anything else is read by `student_code` (blanks and non-IDs refused); whether the ID is
    in the class is the caller's question.
    """
    value = text(cell).replace(" ", "")
    listed = set(known)
    if value.isdigit() and value not in listed:
        restored = [
            code for code in listed if code.isdigit() and code.lstrip("0") == value.lstrip("0")
        ]
        if len(restored) == 1:
            return restored[0]
    return student_code(cell)


_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?$")


def birth_date(cell: object, today: date) -> date | None:
    """Return a day-first date from `dd/mm/yyyy` text, an Excel date or an Excel serial number."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        value = cell.date()
    elif isinstance(cell, date):
        value = cell
    elif isinstance(cell, int | float) or text(cell).isdigit():
        serial = float(cell) if isinstance(cell, int | float) else float(text(cell))
        if not 1 <= serial <= 100_000:
            raise CellError(N_("The date must be written as dd/mm/yyyy."))
        converted = from_excel(serial)
        value = converted.date() if isinstance(converted, datetime) else today
    else:
        written = text(cell)
        match = _DATE.match(written)
        iso = _ISO_DATE.match(written)
        if match is None and iso is None:
            raise CellError(N_("The date must be written as dd/mm/yyyy."))
        if match is not None:
            day, month, year = (int(part) for part in match.groups())
        else:
            year, month, day = (int(part) for part in iso.groups())  # type: ignore[union-attr]
        try:
            value = date(year, month, day)
        except ValueError:
            raise CellError(N_("This date does not exist.")) from None
    if value > today or value.year < 1900:
        raise CellError(N_("The birth date is in the future or too far in the past."))
    return value


# Values as the exports write them (data, not user-facing text).
_GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE}
_STATUSES = {
    "danghoc": StudentStatus.STUDYING,
    "chuyendi": StudentStatus.TRANSFERRED,
    "chuyentruong": StudentStatus.TRANSFERRED,
    "thoihoc": StudentStatus.DROPPED_OUT,
    "bohoc": StudentStatus.DROPPED_OUT,
    "nghihoc": StudentStatus.DROPPED_OUT,
    "hoanthanhchuongtrinh": StudentStatus.GRADUATED,
    "datotnghiep": StudentStatus.GRADUATED,
}


def _key(cell: object) -> str:
    return re.sub(r"[^a-z0-9]", "", search_key(text(cell)))


def gender(cell: object) -> Gender | None:
    """Return the gender from `Nam` / `Nữ` (blank allowed)."""
    if not text(cell):
        return None
    try:
        return _GENDERS[_key(cell)]
    except KeyError:
        raise CellError(N_("The gender must be Nam or Nữ.")) from None


def status(cell: object) -> StudentStatus:
    """Return the pupil's status (blank means studying)."""
    if not text(cell):
        return StudentStatus.STUDYING
    try:
        return _STATUSES[_key(cell)]
    except KeyError:
        raise CellError(N_("Unknown status; use Đang học, Chuyển đi or Thôi học.")) from None


_CLASS = re.compile(r"^([1-5])\s*([A-Za-z0-9/.\-]{0,8})$")


def class_name(cell: object) -> tuple[str, int]:
    """Return a class name in canonical form ("3 a" -> "3A") and its grade 1-5."""
    value = text(cell)
    if not value:
        raise CellError(N_("The class is missing."))
    value = re.sub(r"^l[oớ]p\s*", "", value, flags=re.IGNORECASE)
    match = _CLASS.match(value)
    if match is None:
        raise CellError(N_("The class must start with its grade 1 to 5, like 3A or 5/2."))
    return f"{match.group(1)}{match.group(2).upper()}", int(match.group(1))


def class_list(cell: object) -> list[tuple[str, int]]:
    """Return the classes of a comma- or semicolon-separated cell ("3B, 5C")."""
    parts = [part for part in re.split(r"[,;]", text(cell)) if part.strip()]
    return [class_name(part) for part in parts]
