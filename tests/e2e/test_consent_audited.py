"""A consent given in chat is audited, as on the web: the account keeps only the last consent
(withdrawing clears it), so the append-only log is where each one given stays (issue 18: the
simulation's `audit` invariant found the chat's "Đồng ý" unaudited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import BotApplication
from sandbox.pytest_plugin import PersonFactory
from storage.models import AuditEvent, School, TelegramAccount
from tests.e2e.conftest import MOTHER, consent


async def test_agreeing_in_chat_writes_one_consent_event(
    running_bot: BotApplication, make_person: PersonFactory, lists: School, session: AsyncSession
) -> None:
    parent = await make_person(*MOTHER)
    asked = await consent(parent)
    assert "chia sẻ số điện thoại" in asked["text"]
    user = parent.person_id
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == lists.id, TelegramAccount.telegram_user_id == user
        )
    )
    assert account is not None and account.consent_at is not None
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.school_id == lists.id, AuditEvent.action == "account.consent"
            )
        )
    ).all()
    assert [(e.entity_id, e.actor, e.after) for e in events] == [
        (str(account.id), f"tg:{user}", {"via": "chat", "version": account.consent_version})
    ]
    await parent.command("start")  # again: already agreed, asked for the phone, nothing recorded
    again = await parent.next_message(timeout=10, new_only=True)
    assert "chia sẻ số điện thoại" in again["text"]
    count = await session.scalars(
        select(AuditEvent.id).where(
            AuditEvent.school_id == lists.id, AuditEvent.action == "account.consent"
        )
    )
    assert len(count.all()) == 1
