"""Data-subject rights (Law 91/2025): see, export, delete; the chat side is in accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    del features  # the rules and queries only: /dulieu is the accounts feature's
