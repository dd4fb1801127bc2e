"""Who health notices and papers are from: the school's name, the nurse ("Nhân viên y tế") or
the school's leaders, by name where the urgent and class notices name the sender, and who signs
the nurse's class sheet. Session first, never a commit (no Telegram here)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, Translator
from bot.features.health.rules import NURSE
from storage.models import Role, School, Staff, StaffRole, TelegramAccount

FROM = N_("From: {sender}")


@dataclass(frozen=True, slots=True)
class Sender:
    """The school, and who sends: `role` a msgid ("School nurse", "School leaders"), `name`
    the person's name ("" for the leaders, who sign as a body, as urgent notices do)."""

    school: str
    role: str
    name: str = ""

    def lines(self, _: Translator) -> list[str]:
        """The school's name and "Người gửi: Nhân viên y tế, Lê Thị Mai" (HTML, escaped)."""
        who = _(self.role)
        sender = _(FROM).format(sender=f"{who}, {self.name}" if self.name else who)
        lines = [html.escape(self.school)] if self.school else []
        return [*lines, f"<i>{html.escape(sender)}</i>"]


async def school_name(session: AsyncSession, school_id: int) -> str:
    """The school's name as it heads its documents."""
    school = await session.get(School, school_id)
    assert school is not None
    return school.name


async def staff_name(session: AsyncSession, account_id: int | None) -> str:
    """The name on the staff list of the person behind an account ("" when none)."""
    if account_id is None:
        return ""
    name = await session.scalar(
        select(Staff.full_name)
        .join(TelegramAccount, TelegramAccount.staff_id == Staff.id)
        .where(TelegramAccount.id == account_id)
    )
    return name or ""


async def sender(
    session: AsyncSession, school_id: int, account_id: int | None, role: str = NURSE
) -> Sender:
    """Who a health notice is from: the school, the role and (but for the leaders) the name."""
    name = "" if role != NURSE else await staff_name(session, account_id)
    return Sender(await school_name(session, school_id), role, name)


async def principal(session: AsyncSession, school_id: int) -> str:
    """The name of the school's principal on the staff list ("" when none)."""
    name = await session.scalar(
        select(Staff.full_name)
        .join(StaffRole, StaffRole.staff_id == Staff.id)
        .where(
            Staff.school_id == school_id,
            StaffRole.role == Role.PRINCIPAL,
            Staff.left_at.is_(None),
        )
        .order_by(Staff.id)
        .limit(1)
    )
    return name or ""


@dataclass(frozen=True, slots=True)
class Signers:
    """The signers and place of a class's health sheet."""

    nurse: str
    principal: str
    place: str
    day: date


async def sheet_signers(
    session: AsyncSession, school_id: int, account_id: int, day: date, place: str = ""
) -> Signers:
    """The nurse (the one asking), the principal, and the date line's place: the school's
    setting "place", else `place` (the deployment's default)."""
    school = await session.get(School, school_id)
    own = str((school.settings or {}).get("place") or "").strip() if school else ""
    return Signers(
        await staff_name(session, account_id),
        await principal(session, school_id),
        own or place.strip(),
        day,
    )
