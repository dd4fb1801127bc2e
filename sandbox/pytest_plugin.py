"""Pytest fixtures: a running sandbox, a registered bot and people to act with."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
import pytest_asyncio

from sandbox.client import PersonClient
from sandbox.config import SandboxConfig
from sandbox.server import RunningSandbox, running_sandbox

TEST_TOKEN = "123456789:TEST-sandbox-token"


@dataclass(frozen=True)
class SandboxBot:
    """A bot registered in the sandbox, with the URLs PTB needs."""

    token: str
    id: int
    username: str
    user: dict[str, Any]
    base_url: str
    base_file_url: str


class PersonFactory(Protocol):
    """Creates a person and returns a PersonClient acting as them."""

    async def __call__(
        self,
        name: str,
        phone: str = "",
        *,
        label: str = "",
        language_code: str = "vi",
        user_id: int | None = None,
        bot_id: int | None = None,
    ) -> PersonClient: ...


def strict_from_environment() -> bool:
    """The fixtures' sandboxes are strict (sandbox/strict.py) unless SANDBOX_STRICT=0."""
    return os.environ.get("SANDBOX_STRICT", "1").strip().lower() not in {"0", "false", "no"}


@pytest_asyncio.fixture
async def sandbox(request: pytest.FixtureRequest) -> AsyncIterator[RunningSandbox]:
    """A sandbox with default limits, served on a free loopback port for one test."""
    async with running_sandbox(SandboxConfig(strict=strict_from_environment())) as running:
        yield running
        log = os.environ.get("SANDBOX_REFUSALS")
        if log:
            write_refusals(running, request.node.nodeid, Path(log))


def write_refusals(running: RunningSandbox, test: str, log: Path) -> None:
    """Append the calls strict mode refused to a JSON-lines file (SANDBOX_REFUSALS=path).

    Bots often drop the errors of edits and answers; this finds them anyway.
    """
    lines = [
        json.dumps(
            {"test": test, "method": c.method, "code": c.error_code, "error": c.description},
            ensure_ascii=False,
        )
        for c in running.state.recorder.calls
        if c.strict
    ]
    if lines:
        with log.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


@pytest.fixture
def sandbox_bot(sandbox: RunningSandbox) -> SandboxBot:
    """A bot registered in the test's sandbox."""
    user = sandbox.add_bot(TEST_TOKEN, "school_test_bot", "Sổ liên lạc")
    return SandboxBot(
        token=TEST_TOKEN,
        id=int(user["id"]),
        username=str(user["username"]),
        user=user,
        base_url=sandbox.bot_url(),
        base_file_url=sandbox.file_url(),
    )


@pytest_asyncio.fixture
async def make_person(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot
) -> AsyncIterator[PersonFactory]:
    """Factory: `parent = await make_person("Lan", "+84901234567", label="parent")`."""
    http = httpx.AsyncClient(timeout=30.0)

    async def create(
        name: str,
        phone: str = "",
        *,
        label: str = "",
        language_code: str = "vi",
        user_id: int | None = None,
        bot_id: int | None = None,
    ) -> PersonClient:
        person = sandbox.add_person(name, phone, language_code, label, user_id)
        return PersonClient(sandbox.url, person.id, bot_id or sandbox_bot.id, http=http)

    yield create
    await http.aclose()
