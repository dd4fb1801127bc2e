"""Strict mode: every request checked against the spec and the rules Telegram's server adds.

Error texts are tdlib/telegram-bot-api's, capitalised as it does (see errors.refused).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from starlette.datastructures import UploadFile

from sandbox.apispec import Checker, Field, Kind, SpecError, spec
from sandbox.errors import ApiError, refused
from sandbox.world import World

_FLOAT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_BOOLEANS = frozenset({"true", "false", "1", "0", "yes", "no"})
_LANGUAGE = re.compile(r"[a-z]{2}")
# Telegram's wording for required parameters the sandbox's methods also check themselves.
_MISSING = {
    "chat_id": "chat_id is empty",
    "from_chat_id": "from_chat_id is empty",
    "message_id": "message_id is empty",
    "text": "Message text is empty",
    "photo": "There is no photo in the request",
    "document": "There is no document in the request",
    "callback_query_id": "Query is too old and response timeout expired or query ID is invalid",
}
# Parameters that may be given empty although the spec calls them required.
_MAY_BE_EMPTY = frozenset({("setwebhook", "url")})
# What Telegram calls a JSON parameter it can't parse ("Can't parse X JSON object").
_JSON_NAME = {
    "reply_markup": "reply keyboard markup",
    "reply_parameters": "reply parameters",
    "link_preview_options": "link preview options",
    "scope": "BotCommandScope",
    "menu_button": "menu button",
}
# Errors inside these objects are prefixed like Telegram's server does.
_INSIDE = {"scope": "Can't parse BotCommandScope: ", "menu_button": "Can't parse menu button: "}
_OBJECT_EXPECTED = {
    "reply_parameters": "Object expected as reply parameters",
    "link_preview_options": "Object expected as link preview options",
}
_MARKUPS = (
    ("inline_keyboard", "InlineKeyboardMarkup"),
    ("keyboard", "ReplyKeyboardMarkup"),
    ("remove_keyboard", "ReplyKeyboardRemove"),
    ("force_reply", "ForceReply"),
)
# Fields of an inline button that say what it does; exactly one must be used.
_NOT_ACTIONS = frozenset({"text", "icon_custom_emoji_id", "style"})
# A button's colour: the spec's text lists these; the server refuses anything else.
_STYLES = frozenset({"danger", "success", "primary"})


def check_method(name: str, implemented: bool) -> None:
    """Refuse a method the Bot API does not have, or that the sandbox does not implement."""
    kind = spec().method(name)
    if kind is None:
        raise ApiError(404, "Not Found", strict=True)
    if not implemented:
        raise ApiError(404, f"Not Found: the sandbox does not implement {kind.name}", strict=True)


def check_request(
    world: World, name: str, params: dict[str, Any], uploads: Mapping[str, Any]
) -> None:
    """Check one request's parameters; raise Telegram's 400 for the first problem found."""
    kind = spec().method(name)
    if kind is None:
        return
    checker = Checker(spec(), uploads=frozenset(uploads))
    lower = name.lower()
    for parameter in kind.fields.values():
        if parameter.name == "reply_markup":
            _reply_markup(checker, params.get("reply_markup"), parameter.types)
        else:
            _parameter(checker, lower, parameter, params)
    for key in ("entities", "caption_entities"):
        if params.get(key) not in (None, ""):
            _entity_types(_decoded(key, params[key]))
    for rule in _RULES.get(lower, ()):
        rule(world, params, uploads)


def check_answer(name: str, result: Any) -> str | None:
    """What is wrong with a result the sandbox is about to answer, or None if it conforms."""
    kind = spec().method(name)
    if kind is None or not kind.returns:
        return None
    try:
        Checker(spec(), answer=True).check(result, kind.returns, "result")
    except SpecError as exc:
        return f"breaks the spec at {exc.at('result').where()}: {exc.message}"
    return None


def _parameter(checker: Checker, method: str, parameter: Field, params: dict[str, Any]) -> None:
    name, value = parameter.name, params.get(parameter.name)
    if value is None or value == "":
        if parameter.required and (method, name) not in _MAY_BE_EMPTY:
            raise refused(_MISSING.get(name, f'Parameter "{name}" is required'))
        return
    if set(parameter.types) == {"InputFile", "String"} or parameter.types == ("InputFile",):
        _checked(checker, value, parameter)
    elif any(t.startswith("Array of ") or t in checker.spec.types for t in parameter.types):
        _checked(checker, _decoded(name, value), parameter)
    elif not any(_fits(value, t) for t in parameter.types):
        shown = " or ".join(parameter.types)
        raise refused(f'Parameter "{name}" must be of type {shown}')


def _decoded(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise refused(f"Can't parse {_JSON_NAME.get(name, name)} JSON object") from None


def _checked(checker: Checker, value: Any, parameter: Field) -> None:
    name = parameter.name
    if name == "reply_parameters" and value == {}:
        return
    if name in _OBJECT_EXPECTED and not isinstance(value, dict):
        raise refused(_OBJECT_EXPECTED[name])
    if parameter.types[0].startswith("Array of ") and not isinstance(value, list):
        shown = "Array of InputMedia" if "InputMedia" in parameter.types[0] else parameter.types[0]
        raise refused(f"Expected an {shown}")
    try:
        checker.check(value, parameter.types, name)
    except SpecError as exc:
        raise refused(_INSIDE.get(name, "") + exc.message) from None


def _fits(value: Any, type_name: str) -> bool:
    if isinstance(value, bool):
        return type_name == "Boolean"
    if type_name == "String":
        return isinstance(value, str | int | float)
    if type_name == "Boolean":
        return isinstance(value, str | int) and str(value).strip().lower() in _BOOLEANS
    # Telegram reads a top-level Integer with strtol, so "0.5" passes (as 0); text does not.
    if isinstance(value, str):
        return bool(_FLOAT.fullmatch(value))
    return isinstance(value, int | float)


_ENTITY_NEEDS = {"text_link": "url", "text_mention": "user", "custom_emoji": "custom_emoji_id"}


def _entity_types(entities: list[dict[str, Any]]) -> None:
    for entity in entities:
        kind = entity.get("type")
        if kind not in spec().entity_types | {"bank_card_number"}:
            raise refused("Can't parse MessageEntity: Unsupported type specified")
        needed = _ENTITY_NEEDS.get(str(kind))
        if needed and entity.get(needed) in (None, ""):
            raise refused(f"Can't parse MessageEntity: Can't find field \"{needed}\"")


def _reply_markup(checker: Checker, value: Any, types: tuple[str, ...]) -> None:
    if value is None or value == "":
        return
    value = _decoded("reply_markup", value)
    if not isinstance(value, dict):
        raise refused("Object expected as reply markup")
    kind = next((k for key, k in _MARKUPS if key in value), None)
    if kind is None:
        return  # Telegram sends such a message without any markup
    if kind not in types:
        raise refused("Inline keyboard expected")
    if kind == "ReplyKeyboardMarkup":
        value = {**value, "keyboard": _text_buttons(value["keyboard"])}
    try:
        checker.object(value, kind, "reply_markup")
    except SpecError as exc:
        raise refused(exc.message) from None
    if kind == "InlineKeyboardMarkup":
        for row in value["inline_keyboard"]:
            for button in row:
                _one_action(checker.spec.types["InlineKeyboardButton"], button)


def _text_buttons(rows: Any) -> Any:
    # Telegram takes a plain string as a text button.
    if not isinstance(rows, list):
        return rows
    out = []
    for row in rows:
        if not isinstance(row, list):
            return rows
        for button in row:
            if not isinstance(button, str | dict):
                raise refused(
                    "Can't parse keyboard button: KeyboardButton must be a String or an Object"
                )
        out.append([{"text": b} if isinstance(b, str) else b for b in row])
    return out


def _one_action(kind: Kind, button: dict[str, Any]) -> None:
    style = button.get("style")
    if style is not None and style not in _STYLES:
        # The wording is a guess in the server's manner (its parse errors of a button read
        # "Can't parse inline keyboard button: ..."); the spec says only which values exist.
        raise refused("Can't parse inline keyboard button: unsupported button style specified")
    used = [
        name
        for name in kind.fields
        if name not in _NOT_ACTIONS
        and button.get(name) is not None
        and not (name in {"url", "callback_data"} and button[name] == "")
    ]
    if not used:
        raise refused(
            "Can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(used) > 1:
        raise refused(
            f"Can't parse inline keyboard button: only one of {', '.join(used)} may be used"
        )


# --- rules of single methods ------------------------------------------------------------


def _callback_answer(world: World, params: dict[str, Any], _: Mapping[str, Any]) -> None:
    text = params.get("text")
    if isinstance(text, str) and len(text) > 200:
        raise refused("MESSAGE_TOO_LONG")


def _commands_scope(world: World, params: dict[str, Any], _: Mapping[str, Any]) -> None:
    language = params.get("language_code")
    if language not in (None, "") and not _LANGUAGE.fullmatch(str(language)):
        raise refused("invalid language code specified")
    scope = _decoded("scope", params.get("scope") or {"type": "default"})
    chat = scope.get("chat_id")
    if chat is None:
        return
    text = str(chat).strip()
    known = text.lstrip("-").isdigit() and (int(text) in world.people or int(text) in world.groups)
    if not known:
        raise refused("chat not found")


def _allowed_updates(world: World, params: dict[str, Any], _: Mapping[str, Any]) -> None:
    allowed = params.get("allowed_updates")
    if isinstance(allowed, str):
        allowed = _decoded("allowed_updates", allowed)
    if isinstance(allowed, list):
        # Telegram drops names it does not know; none left means the default set.
        params["allowed_updates"] = [a for a in allowed if a in spec().update_kinds]


def _files(world: World, params: dict[str, Any], uploads: Mapping[str, Any]) -> None:
    if "media" in params:
        media = _decoded("media", params["media"])
        kinds = {item.get("type") for item in media}
        if len(kinds) > 1 and kinds & {"document", "audio"}:
            raise refused("Can't use the media of the specified type in the album")
        given = [(i.get("media"), str(i.get("type"))) for i in media]
    else:
        key = next((k for k in _FILE_KEYS if k in params), "document")
        given = [(params.get(key), key)]
    for value, kind in given:
        if isinstance(value, str) and value.startswith("attach://"):
            value = uploads.get(value.removeprefix("attach://"))
        if isinstance(value, UploadFile):
            _uploaded(value, kind)
        elif isinstance(value, str):
            stored = world.files.get(value)
            if stored is not None and stored.kind != kind:
                raise refused("type of file mismatch")


_FILE_KEYS = ("photo", "document", "video", "voice", "audio")
_IMAGES = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


def _uploaded(upload: UploadFile, kind: str) -> None:
    upload.file.seek(0)
    head = upload.file.read(16)
    upload.file.seek(0)
    if not head:
        raise refused("file must be non-empty")
    image = head.startswith(_IMAGES) or head[8:12] == b"WEBP" or head[4:8] == b"ftyp"
    if kind == "photo" and not image:
        raise refused("IMAGE_PROCESS_FAILED")


Rule = Callable[[World, dict[str, Any], Mapping[str, Any]], None]
_RULES: dict[str, tuple[Rule, ...]] = {
    "answercallbackquery": (_callback_answer,),
    "setmycommands": (_commands_scope,),
    "getmycommands": (_commands_scope,),
    "deletemycommands": (_commands_scope,),
    "getupdates": (_allowed_updates,),
    "setwebhook": (_allowed_updates,),
    "sendphoto": (_files,),
    "senddocument": (_files,),
    "sendvideo": (_files,),
    "sendvoice": (_files,),
    "sendaudio": (_files,),
    "sendmediagroup": (_files,),
}
