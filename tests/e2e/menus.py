"""Helpers of the menu tests: labels as a Vietnamese person sees them, a tap and its answer."""

from __future__ import annotations

from typing import Any

from bot.core.i18n import translator
from sandbox.client import PersonClient

vi = translator("vi")  # what a person on the lists reads (the msgid until the catalog has it)


def labels(message: dict[str, Any]) -> list[str]:
    """The reply keyboard's labels, row by row."""
    rows = (message.get("reply_keyboard") or {}).get("keyboard") or []
    return [b["text"] if isinstance(b, dict) else b for row in rows for b in row]


def inline(message: dict[str, Any]) -> list[str]:
    """The inline buttons' labels."""
    return [b["text"] for row in message.get("buttons") or [] for b in row]


def data_of(message: dict[str, Any], label: str) -> str:
    """The callback data of the inline button labelled `label`."""
    found = [b["callback_data"] for row in message["buttons"] for b in row if b["text"] == label]
    assert len(found) == 1, (label, inline(message))
    return str(found[0])


async def menu(person: PersonClient) -> list[str]:
    """/menu: the labels of the person's keyboard."""
    await person.command("menu")
    return labels(await person.next_message(timeout=10, new_only=True))


async def tap(person: PersonClient, msgid: str) -> dict[str, Any]:
    """Tap the menu button `msgid` names; the bot's first answer."""
    await person.choose(vi(msgid))
    return await person.next_message(timeout=30, new_only=True)


async def press(person: PersonClient, msgid: str, **params: object) -> dict[str, Any]:
    """Press the inline button `msgid` names (formatted with params); the edit or message."""
    await person.press(vi(msgid).format(**params) if params else vi(msgid))
    return await person.next_message(timeout=30)
