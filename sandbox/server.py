"""The Starlette app, the in-process runner and the standalone server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from importlib import resources
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox import methods_misc, methods_send, userapi
from sandbox.botapi import handle_bot_call
from sandbox.config import SandboxConfig
from sandbox.world import Group, Person, World

# Importing the method modules registers their handlers.
_HANDLER_MODULES = (methods_misc, methods_send)


def build_app(world: World) -> Starlette:
    """The ASGI app serving the Bot API, the user API and the web page for one world."""

    async def bot_call(request: Request) -> Response:
        return await handle_bot_call(world, request)

    async def file_download(request: Request) -> Response:
        if request.path_params["token"] not in world.tokens:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        stored = world.files.by_path(request.path_params["path"])
        if stored is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return Response(stored.data, media_type=stored.mime_type)

    async def page(request: Request) -> Response:
        text = resources.files("sandbox").joinpath("static/index.html").read_text("utf-8")
        return HTMLResponse(text)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/bot{token}/{method}", bot_call, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", file_download),
            *userapi.routes(world),
        ]
    )


class _InProcessServer(uvicorn.Server):
    """A uvicorn server that leaves the host's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class RunningSandbox:
    """A sandbox served on loopback: its URL and its in-memory world."""

    def __init__(self, world: World, url: str) -> None:
        self.state = world
        self.url = url

    @property
    def config(self) -> SandboxConfig:
        """The live configuration (changes apply at once)."""
        return self.state.config

    def add_bot(self, token: str, username: str, first_name: str = "") -> dict[str, Any]:
        """Register a bot and return its getMe user."""
        return self.state.add_bot(token, username, first_name)

    def add_person(
        self,
        name: str,
        phone: str = "",
        language_code: str = "vi",
        label: str = "",
        user_id: int | None = None,
        last_name: str | None = None,
    ) -> Person:
        """Create a person."""
        return self.state.add_person(name, phone, language_code, label, user_id, last_name)

    def create_group(self, title: str, members: list[int], bots: list[int] | None = None) -> Group:
        """Create a group chat with these people (and all bots unless given)."""
        return self.state.create_group(title, members, bots)

    def bot_url(self) -> str:
        """The base_url to give PTB."""
        return f"{self.url}/bot"

    def file_url(self) -> str:
        """The base_file_url to give PTB."""
        return f"{self.url}/file/bot"


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it each answer waits ~40 ms on delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _server(world: World) -> Any:
    config = uvicorn.Config(
        build_app(world),
        log_level="warning",
        lifespan="off",
        access_log=False,
        timeout_graceful_shutdown=3,
        timeout_keep_alive=30,
    )
    return _InProcessServer(config)


@contextlib.asynccontextmanager
async def running_sandbox(
    config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSandbox]:
    """Serve a fresh sandbox in this event loop (port 0 picks a free port)."""
    world = World(config)
    sock = _bind(host, port)
    server = _server(world)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        yield RunningSandbox(world, f"http://{host}:{sock.getsockname()[1]}")
    finally:
        world.close()
        server.should_exit = True
        try:
            await asyncio.wait_for(task, timeout=5)
        except TimeoutError:
            task.cancel()
        sock.close()


async def serve(
    host: str = "127.0.0.1", port: int = 8081, config: SandboxConfig | None = None
) -> None:
    """Serve a sandbox until the process is stopped (SIGINT/SIGTERM)."""
    world = World(config)
    sock = _bind(host, port)
    config_ = uvicorn.Config(
        build_app(world), log_level="warning", lifespan="off", timeout_graceful_shutdown=3
    )
    server = uvicorn.Server(config_)
    watcher = asyncio.create_task(_close_on_exit(server, world))
    try:
        await server.serve(sockets=[sock])
    finally:
        world.close()
        watcher.cancel()
        sock.close()


async def _close_on_exit(server: Any, world: World) -> None:
    # Long polls must be released before uvicorn waits for open requests to finish.
    while not server.should_exit:  # noqa: ASYNC110 - uvicorn exposes only a flag
        await asyncio.sleep(0.1)
    world.close()


def run(host: str = "127.0.0.1", port: int = 8081, config: SandboxConfig | None = None) -> None:
    """Blocking wrapper around serve()."""
    asyncio.run(serve(host, port, config))
