"""Helpers for the sandbox's own tests: a PTB Bot and a raw Bot API caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import telegram
from telegram.request import HTTPXRequest

from sandbox.pytest_plugin import SandboxBot
from sandbox.server import RunningSandbox


@pytest_asyncio.fixture
async def ptb_bot(sandbox_bot: SandboxBot) -> AsyncIterator[telegram.Bot]:
    """PTB's Bot talking to the sandbox."""
    bot = telegram.Bot(
        sandbox_bot.token,
        base_url=sandbox_bot.base_url,
        base_file_url=sandbox_bot.base_file_url,
        request=HTTPXRequest(connection_pool_size=8),
    )
    async with bot:
        yield bot


class RawApi:
    """Calls Bot API methods over plain HTTP and returns (status, body)."""

    def __init__(self, http: httpx.AsyncClient, base: str) -> None:
        self.http = http
        self.base = base

    async def __call__(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        response = await self.http.post(f"{self.base}/{method}", json=params)
        body: dict[str, Any] = response.json()
        return response.status_code, body


@pytest_asyncio.fixture
async def raw_api(sandbox_bot: SandboxBot) -> AsyncIterator[RawApi]:
    """A raw caller for the test bot."""
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as http:
        yield RawApi(http, f"{sandbox_bot.base_url}{sandbox_bot.token}")


@pytest.fixture
def no_rates(sandbox: RunningSandbox) -> None:
    """Switch send-rate limits off for tests that are about something else."""
    sandbox.config.limits.rates = False
