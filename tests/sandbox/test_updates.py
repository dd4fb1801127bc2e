"""getUpdates long polling, offsets, conflicts and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.pytest_plugin import PersonFactory
from tests.sandbox.conftest import RawApi


async def test_offset_limit_and_timeout(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    for text in ("một", "hai", "ba"):
        await lan.send(text)
    _, body = await raw_api("getUpdates", limit=2)
    first = [u["message"]["text"] for u in body["result"]]
    assert first == ["một", "hai"]
    next_offset = body["result"][1]["update_id"] + 1
    _, body = await raw_api("getUpdates", offset=next_offset)
    assert [u["message"]["text"] for u in body["result"]] == ["ba"]
    # The earlier updates were confirmed by the offset and are gone.
    _, body = await raw_api("getUpdates")
    assert len(body["result"]) == 1

    started = time.monotonic()
    _, body = await raw_api("getUpdates", offset=body["result"][0]["update_id"] + 1, timeout=0.3)
    assert body["result"] == [] and time.monotonic() - started >= 0.25


async def test_long_poll_returns_when_an_update_arrives(
    raw_api: RawApi, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    poll = asyncio.create_task(raw_api("getUpdates", timeout=20))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    await lan.command("start", "CODE42")
    _, body = await asyncio.wait_for(poll, 10)
    assert time.monotonic() - started < 5
    message = body["result"][0]["message"]
    assert message["text"] == "/start CODE42"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_newer_get_updates_terminates_older(raw_api: RawApi) -> None:
    older = asyncio.create_task(raw_api("getUpdates", timeout=20))
    await asyncio.sleep(0.2)
    newer = asyncio.create_task(raw_api("getUpdates", timeout=0.2))
    status, body = await asyncio.wait_for(older, 10)
    assert status == 409
    assert body["description"] == "Conflict: terminated by other getUpdates request"
    assert (await newer)[0] == 200


async def test_unknown_token_and_method(raw_api: RawApi) -> None:
    status, body = await raw_api("noSuchMethod")
    assert (status, body["description"]) == (404, "Not Found")
    assert (await raw_api("GETME"))[0] == 200
    response = await raw_api.http.post(raw_api.base.replace("TEST", "NOPE") + "/getMe")
    assert response.status_code == 401 and response.json()["description"] == "Unauthorized"


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, Any], str | None]]]]:
    """A tiny webhook receiver on loopback that fails its first request."""
    got: list[tuple[dict[str, Any], str | None]] = []
    calls = 0

    async def hook(request: Request) -> Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return Response(status_code=500)
        got.append((await request.json(), request.headers.get("x-telegram-bot-api-secret-token")))
        return Response("ok")

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    config.log_level = "warning"
    config.access_log = False
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only a flag
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", got
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_webhook_delivery_with_secret_and_retry(
    raw_api: RawApi, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("trước")
    async with receiver() as (url, got):
        status, _ = await raw_api(
            "setWebhook", url=url, secret_token="s3cret", drop_pending_updates=True
        )
        assert status == 200
        status, body = await raw_api("getUpdates")
        assert status == 409 and "webhook is active" in body["description"]
        await lan.send("một")
        await lan.send("hai")
        for _ in range(200):
            _, info = await raw_api("getWebhookInfo")
            if len(got) == 2 and info["result"]["pending_update_count"] == 0:
                break
            await asyncio.sleep(0.05)
        assert [u["message"]["text"] for u, _ in got] == ["một", "hai"]
        assert {secret for _, secret in got} == {"s3cret"}
        assert info["result"]["url"] == url
        assert info["result"]["pending_update_count"] == 0
        assert "500" in info["result"]["last_error_message"]
        await raw_api("deleteWebhook")
    assert (await raw_api("getUpdates"))[0] == 200
