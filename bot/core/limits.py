"""Limits against abuse and mistakes: text length, files, and how often a parent may write.

Every refusal is an English msgid for the caller to translate; nothing here talks to Telegram.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.core.i18n import N_
from storage import files

TEXT_LIMIT = 2000  # characters in a parent's feedback, reply or reason
FILE_LIMIT = 10 * 1024 * 1024  # bytes; Telegram's bots may download up to 20 MB
PER_HOUR = 10  # feedback items (or leave requests) one parent may send in an hour
DOCUMENTS = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".heic", ".doc", ".docx", ".xls", ".xlsx"})

TEXT_EMPTY = N_("The message is empty.")
TEXT_TOO_LONG = N_("The message is too long: at most {limit} characters, please shorten it.")
FILE_TOO_BIG = N_("The file is too large: at most {megabytes} MB.")
FILE_TYPE = N_("This kind of file is not accepted: please send a photo, a PDF, Word or Excel file.")
FILE_CONTENT = N_(
    "This file's content is not what its name says, so it was not taken: please send the real "
    "photo, PDF, Word or Excel file."
)
TOO_MANY = N_(
    "You have already sent {limit} of these in the last hour; please try again a little later."
)


def text_problem(text: str | None, limit: int = TEXT_LIMIT) -> str | None:
    """Why a text cannot be taken (empty, too long), or None."""
    if text is None or not text.strip():
        return TEXT_EMPTY
    if len(text) > limit:
        return TEXT_TOO_LONG
    return None


def file_problem(file_name: str | None, size: int | None) -> str | None:
    """Why a document cannot be taken (type, size), or None; photos are always a known type."""
    if (size or 0) > FILE_LIMIT:
        return FILE_TOO_BIG
    if file_name is not None and PurePath(file_name.lower()).suffix not in DOCUMENTS:
        return FILE_TYPE
    return None


def content_problem(file_name: str, data: bytes) -> str | None:
    """Why a downloaded file cannot be kept: its bytes are not the type its name says."""
    return None if files.content_matches(file_name, data) else FILE_CONTENT


def fill(problem: str, translated: str) -> str:
    """Fill a translated refusal's placeholders with the limits."""
    return translated.format(
        limit=TEXT_LIMIT if problem == TEXT_TOO_LONG else PER_HOUR,
        megabytes=FILE_LIMIT // (1024 * 1024),
    )


async def over_rate(
    session: AsyncSession,
    account_column: InstrumentedAttribute[int | None],
    created_column: InstrumentedAttribute[datetime],
    account_id: int,
    now: datetime,
    per_hour: int = PER_HOUR,
) -> bool:
    """Tell whether this account already made `per_hour` rows of a kind in the last hour."""
    count = await session.scalar(
        select(func.count()).where(
            account_column == account_id, created_column > now - timedelta(hours=1)
        )
    )
    return int(count or 0) >= per_hour
