"""Placeholder while issue 8 is being built; replaced in this session."""

from __future__ import annotations


def register() -> None:
    """Say what this module's schedules do."""
