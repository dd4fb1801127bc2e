"""Phone numbers as schools write them, normalised to E.164 with libphonenumber."""

from __future__ import annotations

import re

import phonenumbers

_NOT_DIGITS = re.compile(r"[^\d+]")


class PhoneError(ValueError):
    """A value that is not a valid Vietnamese (or international) phone number."""


def normalize_phone(raw: object, region: str = "VN") -> str:
    """Return the E.164 form of a phone written as text or stored as a number.

    Accepts `0912.345.678`, `+84 912 345 678`, `84912345678`, `(091) 234-5678` and numbers that
    lost their leading zero in a spreadsheet (`912345678`, `912345678.0`).
    """
    if isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(str(raw))
        raw = int(raw)
    text = str(raw).strip()
    compact = _NOT_DIGITS.sub("", text)
    if not compact or "+" in compact[1:]:
        raise PhoneError(text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif region == "VN" and not compact.startswith("+"):
        if compact.startswith("84") and len(compact) in (11, 12):
            compact = "+" + compact
        elif not compact.startswith("0") and len(compact) in (9, 10):
            compact = "0" + compact
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """Return a phone as Vietnamese people write it (`0912 345 678`)."""
    number = phonenumbers.parse(e164, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
