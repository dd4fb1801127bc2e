"""The user-side HTTP API under /sandbox/api: people act, read chats, admin settings."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import fields
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import people
from sandbox.config import LimitsConfig
from sandbox.errors import UserError
from sandbox.views import chat_view, next_bot_event
from sandbox.world import Bot, Person, World

Endpoint = Callable[[Request], Awaitable[Response]]


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        loaded = json.loads(raw)
    except ValueError:
        raise UserError("request body must be JSON") from None
    if not isinstance(loaded, dict):
        raise UserError("request body must be a JSON object")
    return loaded


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _wrap(world: World, func: Callable[[World, Request], Awaitable[Any]]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            result = await func(world, request)
        except UserError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=exc.status)
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"ok": False, "error": f"bad request: {exc}"}, status_code=400)
        if isinstance(result, Response):
            return result
        return JSONResponse({"ok": True, "result": result})

    return endpoint


def _actors(world: World, request: Request) -> tuple[Person, Bot]:
    return (
        world.person(request.path_params["person_id"]),
        world.bot(request.path_params["bot"]),
    )


async def state(world: World, request: Request) -> Any:
    """Everyone in the world and the change counter."""
    return {
        "seq": world.seq,
        "bots": [b.me() for b in world.bots.values()],
        "people": [p.to_json() for p in world.people.values()],
        "groups": [g.to_json() for g in world.groups.values()],
    }


async def add_bot(world: World, request: Request) -> Any:
    """Register a bot."""
    body = await _body(request)
    return world.add_bot(body["token"], body["username"], body.get("first_name", ""))


async def add_person(world: World, request: Request) -> Any:
    """Create a person."""
    body = await _body(request)
    person = world.add_person(
        body["name"],
        phone=body.get("phone", ""),
        language_code=body.get("language_code", "vi"),
        label=body.get("label", ""),
        user_id=_opt_int(body.get("id")),
        last_name=body.get("last_name"),
    )
    return person.to_json()


async def create_group(world: World, request: Request) -> Any:
    """Create a group chat."""
    body = await _body(request)
    members = [int(m) for m in body.get("members", [])]
    bots = [int(b) for b in body["bots"]] if body.get("bots") else None
    return world.create_group(body["title"], members, bots).to_json()


async def act(world: World, request: Request) -> Any:
    """Perform one action of a person towards a bot."""
    person, bot = _actors(world, request)
    action = request.path_params["action"]
    if action in {"photo", "document", "video", "voice", "audio"}:
        return await _send_file(world, request, person, bot, action)
    body = await _body(request)
    chat_id = _opt_int(body.get("chat_id"))
    if action == "send":
        reply_to = _opt_int(body.get("reply_to"))
        return people.send_text(world, person, bot, body["text"], chat_id, reply_to)
    if action == "command":
        text = "/" + str(body["command"]).lstrip("/")
        if body.get("args"):
            text += " " + str(body["args"])
        return people.send_text(world, person, bot, text, chat_id)
    if action == "contact":
        require = bool(body.get("require_button", True))
        return people.share_contact(world, person, bot, require_button=require)
    if action == "contact_of":
        return people.share_contact_of(
            world,
            person,
            bot,
            other_id=_opt_int(body.get("person_id")),
            phone=body.get("phone"),
            first_name=body.get("first_name"),
            last_name=body.get("last_name"),
        )
    if action == "press":
        return people.press(
            world,
            person,
            bot,
            label=body.get("label"),
            data=body.get("data"),
            message_id=_opt_int(body.get("message_id")),
            forged=bool(body.get("forged", False)),
        )
    if action == "choose":
        return people.choose(world, person, bot, body["label"])
    if action in {"block", "unblock"}:
        return people.set_blocked(world, person, bot, blocked=action == "block")
    raise UserError(f"unknown action {action}", 404)


async def _send_file(
    world: World, request: Request, person: Person, bot: Bot, kind: str
) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise UserError("multipart body needs a 'file' part")
        caption = form.get("caption")
        return people.send_file(
            world,
            person,
            bot,
            await upload.read(),
            upload.filename or "file",
            kind=kind,
            caption=caption if isinstance(caption, str) else None,
            mime_type=upload.content_type,
        )
    body = await _body(request)
    return people.send_file(
        world,
        person,
        bot,
        base64.b64decode(body["data_base64"]),
        body.get("file_name", "file"),
        kind=kind,
        caption=body.get("caption"),
        mime_type=body.get("mime_type"),
    )


async def read_chat(world: World, request: Request) -> Any:
    """The person's chat with a bot (or a group chat they are in)."""
    person, bot = _actors(world, request)
    chat_id = _opt_int(request.query_params.get("chat_id")) or person.id
    return chat_view(world, world.chat_log(bot.id, chat_id), person.id)


async def next_message(world: World, request: Request) -> Any:
    """Wait for the bot's next message or edit after a given seq."""
    person, bot = _actors(world, request)
    after = int(request.query_params.get("after", "0"))
    timeout = min(float(request.query_params.get("timeout", "5")), 60.0)
    log = world.chat_log(bot.id, person.id)
    deadline = _now() + timeout
    while True:
        event = next_bot_event(log, after, world)
        remaining = deadline - _now()
        if event is not None or remaining <= 0 or world.closing:
            return {"event": event, "seq": world.seq}
        await world.wait_change(remaining)


async def watch(world: World, request: Request) -> Any:
    """Long-poll until the world changes after a given seq (for the web page)."""
    after = int(request.query_params.get("after", "0"))
    timeout = min(float(request.query_params.get("timeout", "25")), 60.0)
    if world.seq <= after:
        await world.wait_change(timeout)
    return {"seq": world.seq}


async def get_file(world: World, request: Request) -> Any:
    """Raw bytes of a stored file."""
    stored = world.files.get(request.path_params["file_id"])
    if stored is None:
        raise UserError("no such file", 404)
    return Response(stored.data, media_type=stored.mime_type)


async def calls(world: World, request: Request) -> Any:
    """Recorded Bot API calls, filtered; DELETE clears them."""
    if request.method == "DELETE":
        world.recorder.clear()
        return True
    q = request.query_params
    ok = q.get("ok")
    found = world.recorder.find(
        bot_id=_opt_int(q.get("bot_id")),
        method=q.get("method"),
        chat_id=q.get("chat_id"),
        ok=None if ok is None else ok.lower() in {"1", "true", "yes"},
    )
    return [c.to_json() for c in found]


async def faults(world: World, request: Request) -> Any:
    """Read (GET), change (POST) or reset (DELETE) the injected faults."""
    if request.method == "POST":
        world.faults.update(**await _body(request))
    elif request.method == "DELETE":
        world.faults.reset()
    return world.faults.snapshot()


async def limits(world: World, request: Request) -> Any:
    """Read (GET) or change (POST) the limits."""
    current = world.config.limits
    if request.method == "POST":
        names = {f.name for f in fields(LimitsConfig)}
        for key, value in (await _body(request)).items():
            if key not in names:
                raise UserError(f"unknown limit: {key}")
            setattr(current, key, value)
        world.limiter.reset()
    return {f.name: getattr(current, f.name) for f in fields(LimitsConfig)}


def _now() -> float:
    return time.monotonic()


def routes(world: World) -> list[Route]:
    """All /sandbox/api routes bound to one world."""
    base = "/sandbox/api"
    actor = base + "/people/{person_id}/bots/{bot}"
    return [
        Route(base + "/state", _wrap(world, state)),
        Route(base + "/bots", _wrap(world, add_bot), methods=["POST"]),
        Route(base + "/people", _wrap(world, add_person), methods=["POST"]),
        Route(base + "/groups", _wrap(world, create_group), methods=["POST"]),
        Route(actor + "/chat", _wrap(world, read_chat)),
        Route(actor + "/next", _wrap(world, next_message)),
        Route(actor + "/{action}", _wrap(world, act), methods=["POST"]),
        Route(base + "/files/{file_id}", _wrap(world, get_file)),
        Route(base + "/calls", _wrap(world, calls), methods=["GET", "DELETE"]),
        Route(base + "/faults", _wrap(world, faults), methods=["GET", "POST", "DELETE"]),
        Route(base + "/limits", _wrap(world, limits), methods=["GET", "POST"]),
        Route(base + "/watch", _wrap(world, watch)),
    ]
