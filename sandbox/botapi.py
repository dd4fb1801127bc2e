"""Bot API request handling: parsing, dispatch, faults and the call record."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import strict
from sandbox.errors import ApiError
from sandbox.recorder import CallRecord
from sandbox.world import Bot, World

# Fields PTB sends as JSON strings inside form or multipart bodies.
_JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "reply_parameters",
    "allowed_updates",
    "commands",
    "scope",
    "menu_button",
    "media",
    "link_preview_options",
}


@dataclass
class Call:
    """One Bot API call: the bot, its parameters and uploaded files."""

    world: World
    bot: Bot
    method: str
    params: dict[str, Any]
    uploads: dict[str, UploadFile] = field(default_factory=dict)
    delivered: bool = True


Handler = Callable[[Call], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under Bot API method names (matched case-insensitively)."""

    def register(func: Handler) -> Handler:
        for name in names:
            HANDLERS[name.lower()] = func
        return func

    return register


async def _read_params(request: Request) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    params: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, UploadFile] = {}
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                loaded = json.loads(body)
            except ValueError as exc:
                raise ApiError(400, "Bad Request: can't parse JSON body") from exc
            if isinstance(loaded, dict):
                params.update(loaded)
        return params, uploads
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads[key] = value
                params[key] = value
            elif key in _JSON_FIELDS:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
            else:
                params[key] = value
    return params, uploads


def _result_message_id(result: Any) -> int | None:
    if isinstance(result, dict) and isinstance(result.get("message_id"), int):
        return int(result["message_id"])
    if isinstance(result, list) and result and isinstance(result[0], dict):
        first = result[0].get("message_id")
        return int(first) if isinstance(first, int) else None
    return None


async def handle_bot_call(world: World, request: Request) -> Response:
    """Answer one /bot<token>/<method> request the way Telegram would."""
    token, name = request.path_params["token"], request.path_params["method"]
    started, wall = time.monotonic(), time.time()
    bot = world.tokens.get(token)
    if bot is None:
        return JSONResponse(ApiError(401, "Unauthorized").body(), status_code=401)
    lower = name.lower()
    handler = HANDLERS.get(lower)
    chat_id: Any = None
    result: Any = None
    error: ApiError | None = None
    slow = False
    checking = world.config.strict
    try:
        if checking:
            strict.check_method(name, handler is not None)
        if handler is None:
            raise ApiError(404, "Not Found")
        params, uploads = await _read_params(request)
        chat_id = params.get("chat_id")
        if checking:
            strict.check_request(world, name, params, uploads)
        decision = world.faults.decide(lower)
        faults = world.faults.config
        if decision == "error":
            raise ApiError(faults.error_code, faults.error_description)
        slow = decision == "slow"
        if slow and not faults.slow_delivers:
            await world.sleep(faults.slow_seconds)
            raise ApiError(504, "Gateway Timeout")
        result = await handler(Call(world, bot, lower, params, uploads))
        if checking and (problem := strict.check_answer(name, result)) is not None:
            # A bug of the sandbox itself: say so loudly rather than mislead the bot.
            description = f"Internal Server Error: the sandbox's answer {problem}"
            raise ApiError(500, description, strict=True)
    except ApiError as exc:
        error = exc
    if slow and error is None:
        await world.sleep(world.config.faults.slow_seconds)
    world.recorder.add(
        CallRecord(
            wall_time=wall,
            monotonic=started,
            duration=time.monotonic() - started,
            bot_id=bot.id,
            method=name,
            chat_id=_plain_chat_id(chat_id),
            ok=error is None,
            error_code=error.code if error else None,
            description=error.description if error else None,
            message_id=_result_message_id(result),
            strict=error.strict if error else False,
        )
    )
    if error is not None:
        return JSONResponse(error.body(), status_code=error.code)
    return JSONResponse({"ok": True, "result": result})


def _plain_chat_id(value: Any) -> int | str | None:
    if value is None:
        return None
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text
