"""The Bot API as data (spec/botapi.json) and a checker of values against its types.

Requests are checked the way Telegram's server reads JSON objects: a missing required field is
`Can't find field "x"`, a wrong type is `Field "x" must be of type Boolean`, numbers pass for
strings and numeric strings for numbers, unknown fields are ignored. Answers (what the sandbox
itself returns) are checked exactly: JSON types as documented and no field the spec lacks.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.datastructures import UploadFile

SCALARS = frozenset({"Integer", "Float", "String", "Boolean", "InputFile"})
# "Type of the result, must be photo", "Scope type, must be chat", "always “creator”".
_CONSTANT = re.compile(r"(?:must be|always)\s+[“\"]?([a-z_]+)")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_FLOAT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
# How Telegram's server names the items of an array when one can't be parsed.
_ITEM_PREFIX = {
    "InlineKeyboardButton": "Can't parse inline keyboard button: ",
    "KeyboardButton": "Can't parse keyboard button: ",
}
_UNSUPPORTED = {
    "BotCommandScope": "Unsupported type specified",
    "MenuButton": "MenuButton has unsupported type",
}


class SpecError(ValueError):
    """A value that does not fit the spec, worded like Telegram's server; path says where."""

    def __init__(self, message: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def at(self, *where: str) -> SpecError:
        """The same error, located one level further out."""
        return SpecError(self.message, (*where, *self.path))

    def where(self) -> str:
        """The path as text, e.g. result.reply_markup.inline_keyboard[0][1]."""
        return ".".join(self.path).replace(".[", "[")


@dataclass(frozen=True)
class Field:
    """One field of a type or one parameter of a method."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass
class Kind:
    """A type (or a method's parameters): its fields, or the members of a union."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    subtypes: tuple[str, ...] = ()
    # The field and value telling a union member apart, e.g. ("type", "photo").
    tag: tuple[str, str] | None = None
    returns: tuple[str, ...] = ()


def _fields(body: dict[str, Any]) -> dict[str, Field]:
    return {
        f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
        for f in body.get("fields", [])
    }


class Spec:
    """Every method and type of one version of the Bot API."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version = str(raw.get("version", ""))
        self.types = {name: Kind(name, _fields(body)) for name, body in raw["types"].items()}
        for name, body in raw["types"].items():
            self.types[name].subtypes = tuple(body.get("subtypes", ()))
        for union in self.types.values():
            for member in union.subtypes:
                self._tag(member, raw["types"].get(member, {}))
        self.methods = {
            name.lower(): Kind(name, _fields(body), returns=tuple(body.get("returns", ())))
            for name, body in raw["methods"].items()
        }
        update = self.types["Update"].fields
        self.update_kinds = frozenset(name for name in update if name != "update_id")
        entity = raw["types"]["MessageEntity"]["fields"][0]["description"]
        self.entity_types = frozenset(re.findall(r'"([a-z_]+)"', entity))

    def _tag(self, member: str, body: dict[str, Any]) -> None:
        first = (body.get("fields") or [None])[0]
        kind = self.types.get(member)
        if kind is None or first is None or first["types"] != ["String"]:
            return
        found = _CONSTANT.search(first["description"])
        if found:
            kind.tag = (first["name"], found.group(1))

    def method(self, name: str) -> Kind | None:
        """A method by name, matched case-insensitively like Telegram does."""
        return self.methods.get(name.lower())


@functools.cache
def spec() -> Spec:
    """The vendored spec, read once."""
    text = resources.files("sandbox").joinpath("spec/botapi.json").read_text("utf-8")
    return Spec(json.loads(text))


@dataclass(frozen=True)
class Checker:
    """Checks values against types; `answer` for what the sandbox returns, else requests."""

    spec: Spec
    answer: bool = False
    uploads: frozenset[str] = frozenset()

    def check(self, value: Any, types: tuple[str, ...], name: str) -> None:
        """Check one value that may be of any of `types`; raise SpecError if it is none."""
        if len(types) == 1:
            self._one(value, types[0], name)
        elif all(t.startswith("Array of ") for t in types):
            self._array(value, tuple(t.removeprefix("Array of ") for t in types), name)
        elif set(types) == {"InputFile", "String"}:
            self._file(value, name)
        else:
            self._either(value, types, name)

    def _either(self, value: Any, types: tuple[str, ...], name: str) -> None:
        union = "InputMedia" if types[0].startswith("InputMedia") else types[0]
        if len(types) > 1 and self._tagged(value, types, name, union):
            return
        self._first_fit(value, types, name)

    def _first_fit(self, value: Any, types: tuple[str, ...], name: str) -> None:
        failures: list[SpecError] = []
        for option in types:
            try:
                self._one(value, option, name)
                return
            except SpecError as exc:
                failures.append(exc)
        objects = [e for t, e in zip(types, failures, strict=True) if t in self.spec.types]
        if isinstance(value, dict) and objects:
            # The member that matched furthest says best what is wrong.
            raise max(objects, key=lambda e: len(e.path))
        raise SpecError(f'Field "{name}" must be of type {" or ".join(types)}')

    def _one(self, value: Any, type_name: str, name: str) -> None:
        if type_name.startswith("Array of "):
            self._array(value, (type_name.removeprefix("Array of "),), name)
        elif type_name in SCALARS:
            self._scalar(value, type_name, name)
        elif type_name == "True":
            if value is not True:
                raise SpecError(f'Field "{name}" must be True')
        else:
            self.object(value, type_name, name)

    def _scalar(self, value: Any, type_name: str, name: str) -> None:
        if type_name == "InputFile":
            if not isinstance(value, UploadFile):
                raise SpecError(f"there is no {name} in the request")
            return
        if type_name == "Boolean":
            ok = isinstance(value, bool)
        elif type_name == "String":
            ok = isinstance(value, str) or (not self.answer and _is_number(value))
        elif isinstance(value, str) and not self.answer:
            pattern = _INTEGER if type_name == "Integer" else _FLOAT
            if not pattern.fullmatch(value):
                raise SpecError(f'Field "{name}" must be a valid Number')
            return
        else:
            ok = isinstance(value, int) if type_name == "Integer" else _is_number(value)
            ok = ok and not isinstance(value, bool)
        if not ok:
            shown = "Number" if type_name in {"Integer", "Float"} else type_name
            raise SpecError(f'Field "{name}" must be of type {shown}')

    def _file(self, value: Any, name: str) -> None:
        if isinstance(value, UploadFile):
            return
        if not isinstance(value, str):
            raise SpecError(f'Field "{name}" must be of type InputFile or String')
        attached = value.removeprefix("attach://")
        if attached != value and attached not in self.uploads:
            missing = "media not found" if name == "media" else f"there is no {name} in the request"
            raise SpecError(missing)

    def _array(self, value: Any, items: tuple[str, ...], name: str) -> None:
        if not isinstance(value, list):
            raise SpecError(f'Field "{name}" must be of type Array')
        nested = all(t.startswith("Array of ") for t in items)
        for index, item in enumerate(value):
            if nested and not isinstance(item, list):
                owner = " of the InlineKeyboardMarkup" if name == "inline_keyboard" else ""
                message = f'Field "{name}"{owner} must be an Array of Arrays'
                raise SpecError(message, (f"[{index}]",))
            try:
                self.check(item, items, name)
            except SpecError as exc:
                prefix = "" if nested else self._prefix(items[0])
                raise SpecError(prefix + exc.message, (f"[{index}]", *exc.path)) from None

    def _prefix(self, type_name: str) -> str:
        if type_name not in self.spec.types:
            return ""
        shown = "InputMedia" if type_name.startswith("InputMedia") else type_name
        return _ITEM_PREFIX.get(type_name, f"Can't parse {shown}: ")

    def object(self, value: Any, type_name: str, name: str) -> None:
        """Check a JSON object against a type of the spec (or a union of types)."""
        kind = self.spec.types[type_name]
        if kind.subtypes:
            self._union(value, kind, name)
            return
        if not isinstance(value, dict):
            raise SpecError(f"{type_name} must be an Object")
        for spec_field in kind.fields.values():
            present = value.get(spec_field.name)
            if present is None:
                if spec_field.name in value and self.answer:
                    raise SpecError(f'Field "{spec_field.name}" is null', (spec_field.name,))
                if spec_field.required:
                    raise SpecError(f'Can\'t find field "{spec_field.name}"')
                continue
            try:
                self.check(present, spec_field.types, spec_field.name)
            except SpecError as exc:
                raise exc.at(spec_field.name) from None
        if kind.tag and value.get(kind.tag[0]) != kind.tag[1]:
            raise SpecError(f'Field "{kind.tag[0]}" of {kind.name} must be "{kind.tag[1]}"')
        unknown = sorted(set(value) - set(kind.fields)) if self.answer else ()
        if unknown:
            raise SpecError(f'{kind.name} has no field "{unknown[0]}"', (unknown[0],))

    def _union(self, value: Any, union: Kind, name: str) -> None:
        if not self._tagged(value, union.subtypes, name, union.name):
            self._either(value, union.subtypes, name)

    def _tagged(self, value: Any, names: tuple[str, ...], name: str, union: str) -> bool:
        """Check a value against the member its tag names (e.g. "type": "photo"), if tagged."""
        members = [self.spec.types.get(n) for n in names]
        tags = {m.tag[0] if m and m.tag else None for m in members}
        if None in tags or len(tags) != 1:
            return False
        (tag_field,) = tags
        if not isinstance(value, dict):
            raise SpecError(f"{union} must be an Object")
        given = value.get(tag_field)
        if given is None:
            raise SpecError(f'Can\'t find field "{tag_field}"')
        matching = tuple(m.name for m in members if m and m.tag and m.tag[1] == given)
        if not matching:
            raise SpecError(_UNSUPPORTED.get(union, f'{tag_field} "{given}" is unsupported'))
        if len(matching) == 1:
            self.object(value, matching[0], name)
        else:
            self._first_fit(value, matching, name)
        return True


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
