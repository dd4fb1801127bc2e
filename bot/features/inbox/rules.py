"""Who has an inbox, and how it is paged. Plain Python: no Telegram, no database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.i18n import N_
from storage.models import Role

if TYPE_CHECKING:
    from bot.core.access import Actor

# Those who answer what parents send: a class's feedback, leave and link requests (the homeroom
# teacher), the leaders' feedback (the principal and vice principal), link requests (the
# administrators).
STAFF = (Role.HOMEROOM, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN)
PAGE = 8  # items shown at once; "Xem thêm" shows the next ones
NOT_STAFF = N_("The inbox is for the school's staff.")


def may_open(actor: Actor) -> bool:
    """Linked staff who answer parents have an inbox."""
    return actor.linked and actor.has(*STAFF)


def page(count: int, offset: int) -> tuple[int, int]:
    """The slice [start, end) of a page beginning at `offset` (kept within the items)."""
    start = max(0, min(offset, count))
    return start, min(count, start + PAGE)
