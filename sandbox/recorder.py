"""A record of every Bot API call, for pacing checks and benchmarks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    """One Bot API call as the sandbox answered it."""

    wall_time: float
    monotonic: float
    duration: float
    bot_id: int
    method: str
    chat_id: int | str | None
    ok: bool
    error_code: int | None
    description: str | None
    message_id: int | None
    # Refused by strict mode only (see sandbox/strict.py).
    strict: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class Recorder:
    """Keeps CallRecords in arrival order."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        """Store one call."""
        self.calls.append(record)

    def clear(self) -> None:
        """Forget every call."""
        self.calls.clear()

    def find(
        self,
        *,
        bot_id: int | None = None,
        method: str | None = None,
        chat_id: int | str | None = None,
        ok: bool | None = None,
    ) -> list[CallRecord]:
        """Calls matching every given filter; method is case-insensitive."""
        wanted = method.lower() if method else None
        return [
            call
            for call in self.calls
            if (bot_id is None or call.bot_id == bot_id)
            and (wanted is None or call.method.lower() == wanted)
            and (chat_id is None or str(call.chat_id) == str(chat_id))
            and (ok is None or call.ok == ok)
        ]
