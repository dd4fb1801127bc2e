"""The inbox's one button: "Xem thêm", the next page."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button, button


@button("inbox", "more")
@dataclass(frozen=True, slots=True)
class ShowMore(Button):
    """The items from `offset` on."""

    offset: int
