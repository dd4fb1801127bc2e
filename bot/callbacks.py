"""Callback data: `v1:<feature>:<action>[:<arg>...]`, at most 64 bytes, parsed in one place.

Callback data never carries rights: handlers re-read the record and re-check the presser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.+-]{1,24}$")


class BadCallback(ValueError):
    """Callback data that is not ours, not this version, or malformed."""


@dataclass(frozen=True, slots=True)
class Callback:
    """A parsed press: which feature, which action, and its arguments."""

    feature: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int:
        """Return an argument as an integer, refusing anything else."""
        try:
            return int(self.args[index])
        except (IndexError, ValueError):
            raise BadCallback(f"argument {index} is not a number") from None


def pack(feature: str, action: str, *args: object) -> str:
    """Build callback data for a button."""
    parts = [VERSION, feature, action, *(str(arg) for arg in args)]
    if not all(_PART.match(part) for part in parts):
        raise ValueError(f"bad callback part in {parts!r}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None) -> Callback:
    """Parse callback data, raising BadCallback for anything not built by `pack`."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    version, *rest = data.split(":")
    if version != VERSION or len(rest) < 2 or not all(_PART.match(part) for part in rest):
        raise BadCallback(f"not a {VERSION} callback: {data!r}")
    return Callback(rest[0], rest[1], tuple(rest[2:]))


def pattern(feature: str) -> str:
    """Return the regex a CallbackQueryHandler uses to receive one feature's presses."""
    return rf"^{VERSION}:{re.escape(feature)}:"
