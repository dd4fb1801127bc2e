"""Updates from different people are handled at the same time; one person's, in order.

PTB's default handles one update at a time, so 500 parents linking at a meeting would queue
behind each other. Concurrent handling in PTB has no order at all, so a double tap could run
two handlers for the same person at once. This processor does what a school needs: many people
at once, each person's updates strictly one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def person_key(update: object) -> int:
    """Return who an update is about: the user, else the chat; 0 for neither."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return 0


class PerPersonUpdates(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once, never two for the same person."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the person's earlier updates, then handle this one."""
        key = person_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
