"""Callback data: `v1:<feature>:<action>[:<arg>...]`, at most 64 bytes, parsed in one place.

Each kind of press is a small frozen dataclass declared with `@button(feature, action)`;
`read()` turns callback data back into it (bot/core/presses.py does, once per press).

Callback data never carries rights: handlers re-read the record and re-check the presser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

VERSION = "v1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.+~-]{1,24}$")


class BadCallback(ValueError):
    """Callback data that is not ours, not this version, or malformed."""


@dataclass(frozen=True, slots=True)
class Callback:
    """A parsed press: which feature, which action, and its arguments."""

    feature: str
    action: str
    args: tuple[str, ...] = ()


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


# Typed buttons: one frozen dataclass per kind of press, with readable action names.


@dataclass(frozen=True, slots=True)
class Max:
    """The longest value a text field of a button may hold (declared, tested at 64 bytes)."""

    length: int


# An integer field carries a row id, a message id or a small number: 32 bits, as the database's
# integer columns and Telegram's message ids are; a wider one is refused when packed.
INT_LIMIT = 2**31
EMPTY = "~"  # an empty text field
_BUTTONS: dict[tuple[str, str], type[Button]] = {}


class Button:
    """A press's payload: `v1:<feature>:<action>:<field>...`, declared with `@button`."""

    feature: ClassVar[str]
    action: ClassVar[str]

    def data(self) -> str:
        """The callback data of this press (at most 64 bytes, checked)."""
        values = [getattr(self, f.name) for f in fields(self)]  # type: ignore[arg-type]
        return pack(self.feature, self.action, *(_encode(value) for value in values))


B = TypeVar("B", bound=type[Button])


def button(feature: str, action: str) -> Callable[[B], B]:
    """Declare a kind of press: its feature, its action name and (as dataclass fields) its
    arguments, each an `int`, a `bool`, a `date` or an `Annotated[str, Max(n)]`."""

    def declare(cls: B) -> B:
        if (feature, action) in _BUTTONS:
            raise ValueError(f"two buttons named {feature}:{action}")
        cls.feature, cls.action = feature, action
        for name, kind in _field_kinds(cls).items():
            if kind not in (int, bool, date) and _max_length(kind) is None:
                raise TypeError(f"{cls.__name__}.{name}: int, bool, date or Annotated[str, Max]")
        _BUTTONS[feature, action] = cls
        return cls

    return declare


def read(data: str | None) -> Button:
    """The typed press behind callback data; BadCallback when it is not one we ever built."""
    press = parse(data)
    cls = _BUTTONS.get((press.feature, press.action))
    if cls is None:
        raise BadCallback(f"no button {press.feature}:{press.action}")
    kinds = _field_kinds(cls)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    required = [f.name for f in fields(cls) if f.default is MISSING]  # type: ignore[arg-type]
    if not len(required) <= len(press.args) <= len(names):
        raise BadCallback(f"{press.feature}:{press.action}: {len(press.args)} arguments")
    values = {name: _decode(kinds[name], raw) for name, raw in zip(names, press.args, strict=False)}
    return cls(**values)


def registered_buttons() -> dict[tuple[str, str], type[Button]]:
    """Every declared kind of press (for the size test and the documentation)."""
    return dict(_BUTTONS)


def largest(cls: type[Button]) -> Button:
    """The instance of a kind of press with every field at its widest (for the 64-byte test)."""
    values: dict[str, object] = {}
    for name, kind in _field_kinds(cls).items():
        length = _max_length(kind)
        if kind is int:
            values[name] = -INT_LIMIT
        elif kind is bool:
            values[name] = True
        elif kind is date:
            values[name] = date(9999, 12, 31)
        else:
            assert length is not None
            values[name] = "W" * length
    return cls(**values)


def _field_kinds(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls, include_extras=True)
    return {f.name: hints[f.name] for f in fields(cls)}


def _max_length(kind: Any) -> int | None:
    if get_origin(kind) is Annotated and get_args(kind)[0] is str:
        limits = [m.length for m in get_args(kind)[1:] if isinstance(m, Max)]
        return limits[0] if limits else None
    return None


def _encode(value: object) -> str:
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not -INT_LIMIT <= value < INT_LIMIT
    ):
        raise ValueError(f"{value} does not fit a button's 32-bit integer")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    text = str(value)
    return text if text else EMPTY


def _decode(kind: Any, raw: str) -> object:
    try:
        if kind is bool:
            if raw not in ("0", "1"):
                raise ValueError(raw)
            return raw == "1"
        if kind is int:
            return int(raw)
        if kind is date:
            return datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise BadCallback(f"{raw!r} is not a {kind.__name__}") from None
    length = _max_length(kind)
    text = "" if raw == EMPTY else raw
    if length is not None and len(text) > length:
        raise BadCallback("text argument too long")
    return text
