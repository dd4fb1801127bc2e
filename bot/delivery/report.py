"""The sender's delivery report: one message per notice, edited as the numbers change.

A notice enqueued with `report_to` (the sender's chat) gets a report: sent, read, waiting,
unreachable (blocked the bot), failed, and the pupils no parent of which has linked, with names
to follow up. The dispatcher refreshes the reports of the notices it touched; a read receipt
touches its notice too. Edits are at most one per `min_interval` seconds per notice, so a
broadcast of 3,000 does not spend Telegram's limits on its own report.
"""

from __future__ import annotations

import html
import logging
import time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.i18n import Translator, translator
from storage.models import (
    Delivery,
    DeliveryState,
    Guardian,
    Notice,
    School,
    Staff,
    TelegramAccount,
)

log = logging.getLogger(__name__)

MAX_NAMES = 15
# Three lists of names at most this long keep the report within one message (4,096), which
# is edited in place and so cannot be split.
MAX_NAME_CHARS = 1000


def _names(names: list[str], _: Translator) -> str:
    shown: list[str] = []
    length = 0
    for name in names[:MAX_NAMES]:
        length += len(name) + 2
        if shown and length > MAX_NAME_CHARS:
            break
        shown.append(html.escape(name))
    text = ", ".join(shown)
    if len(names) > len(shown):
        text += " " + _("and {count} more").format(count=len(names) - len(shown))
    return text


async def report_text(session: AsyncSession, notice: Notice, _: Translator) -> str:
    """The report of one notice as it stands now."""
    counts = {state: 0 for state in DeliveryState}
    read = 0
    rows = await session.execute(
        select(Delivery.state, func.count(), func.count(Delivery.read_at))
        .where(Delivery.notice_id == notice.id)
        .group_by(Delivery.state)
    )
    for state, number, number_read in rows:
        counts[state] = number
        read += number_read
    total = sum(counts.values())
    waiting = counts[DeliveryState.QUEUED] + counts[DeliveryState.SENDING]
    school = await session.get(School, notice.school_id)
    zone = ZoneInfo(school.timezone if school is not None else "Asia/Ho_Chi_Minh")
    queued = notice.created_at.astimezone(zone)  # named by when it was queued, never a number
    lines = [
        _("<b>Delivery report</b>, notice of {time}, {date}").format(
            time=queued.strftime("%H:%M"), date=queued.strftime("%d/%m/%Y")
        ),
        _("Sent: {sent}/{total} · Read: {read}").format(
            sent=counts[DeliveryState.SENT], total=total, read=read
        ),
    ]
    if waiting:
        lines.append(_("Waiting to be sent: {count}").format(count=waiting))
    for state, label in (
        (DeliveryState.UNREACHABLE, _("Blocked the bot: {count}")),
        (DeliveryState.FAILED, _("Could not be sent: {count}")),
    ):
        if counts[state]:
            names = list(
                await session.scalars(
                    select(Guardian.full_name)
                    .join(TelegramAccount, TelegramAccount.guardian_id == Guardian.id)
                    .join(Delivery, Delivery.account_id == TelegramAccount.id)
                    .where(Delivery.notice_id == notice.id, Delivery.state == state)
                    .order_by(Guardian.full_name)
                )
            )
            line = label.format(count=counts[state])
            if names:
                line += " (" + _names([n for n in names if n], _) + ")"
            lines.append(line)
    not_linked = list(notice.audience.get("not_linked") or [])
    if not_linked:
        lines.append(
            _("Not linked yet: {count} (please call: {names})").format(
                count=len(not_linked), names=_names(not_linked, _)
            )
        )
    return "\n".join(lines)


async def sender_language(session: AsyncSession, notice: Notice) -> str | None:
    """The language of the member of staff who sent the notice, while they may still see its
    report; None when they may not (the report names pupils and families): their account is
    gone or unlinked, its chat is no longer the report's, or they have left the school."""
    if notice.created_by is None:
        return "vi"  # queued by the school itself (a job, the command line): no one to leave
    found = (
        await session.execute(
            select(TelegramAccount.language, TelegramAccount.chat_id, Staff.left_at)
            .join(Staff, Staff.id == TelegramAccount.staff_id)
            .where(TelegramAccount.id == notice.created_by)
        )
    ).first()
    if found is None or found.chat_id != notice.report_chat_id or found.left_at is not None:
        return None
    return found.language or "vi"


class Reports:
    """Keeps each notice's report message up to date."""

    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], min_interval: float = 3.0
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.min_interval = min_interval
        self._dirty: set[int] = set()
        self._edited: dict[int, float] = {}

    def touch(self, *notice_ids: int) -> None:
        """Mark notices whose numbers may have changed."""
        self._dirty.update(notice_ids)

    async def refresh(self, *, force: bool = False) -> None:
        """Send or edit the reports of the touched notices (those not edited just now)."""
        now = time.monotonic()
        due = {
            n
            for n in self._dirty
            if force or now - self._edited.get(n, -self.min_interval) >= self.min_interval
        }
        if not due:
            return
        self._dirty -= due
        for notice_id in sorted(due):
            try:
                await self._refresh_one(notice_id)
            except Exception:
                log.exception("report of notice %s could not be refreshed", notice_id)
                self._dirty.add(notice_id)
            self._edited[notice_id] = time.monotonic()

    async def _refresh_one(self, notice_id: int) -> None:
        # Read, then talk to Telegram outside any transaction, then store what was shown.
        async with self.sessions() as session, session.begin():
            notice = await session.get(Notice, notice_id)
            if notice is None or notice.report_chat_id is None:
                return
            language = await sender_language(session, notice)
            if language is None:  # the sender left: nothing more about the pupils
                return
            text = await report_text(session, notice, translator(language))
            chat_id, message_id = notice.report_chat_id, notice.report_message_id
            if text == notice.report_text:
                return
        if message_id is None:
            message = await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            message_id = message.message_id
        else:
            try:
                await self.bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML
                )
            except BadRequest as error:
                if "not modified" not in str(error).lower():
                    raise
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Notice)
                .where(Notice.id == notice_id)
                .values(report_message_id=message_id, report_text=text)
            )
