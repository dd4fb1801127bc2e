"""The archive's rules: who exports it, which school year a text names, what Telegram carries."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from bot.features.calendar.rules import school_year_start
from storage.models import Role

if TYPE_CHECKING:
    from bot.core.access import Actor

ARCHIVE_ROLES = (Role.CLERK, Role.PRINCIPAL, Role.ADMIN)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # what a bot may send as a document
_YEAR = re.compile(r"(\d{4})\s*[-–—/]\s*(\d{4})")


def may_export(actor: Actor) -> bool:
    """The archive is the clerk's, the principal's and the system administrator's."""
    return actor.has(*ARCHIVE_ROLES)


def parse_school_year(text: str) -> str | None:
    """Read "2024-2025" (also "2024–2025", "2024/2025"); None unless the years follow."""
    match = _YEAR.fullmatch(text.strip())
    if match is None:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if second != first + 1 or not 2000 <= first <= 2099:
        return None
    return f"{first}-{second}"


def school_year_of(today: date) -> str:
    """The school year `today` belongs to, as "2026-2027"."""
    start = school_year_start(today).year
    return f"{start}-{start + 1}"


def fits_telegram(size: int) -> bool:
    """Whether a zip of `size` bytes can be sent in chat (else the command line writes it)."""
    return size <= MAX_DOCUMENT_BYTES
