"""Who signs and who answers on a school's papers: the class's homeroom teacher, the principal,
the place of the date line and the school's phone.

Read from the staff list as the last import left it (people who left are not named) and from
the school's settings (`School.settings`) with the deployment's settings as the default:

- place: `School.settings["place"]`, else `SCHOOLBOT_SCHOOL_PLACE`;
- phone: `School.settings["phone"]`, else `SCHOOLBOT_SCHOOL_PHONE`; shown as people write it
  (0912 345 678), nothing when neither is a valid number.

The school's own setting wins: it is the one kept with the school's records, the environment
is the bot's default for a school that has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Role, School, Staff, StaffRole
from storage.phones import PhoneError, display_phone, normalize_phone


@dataclass(frozen=True, slots=True)
class ClassPaper:
    """Who and where on a class's paper ("" for what the lists and settings do not say)."""

    teacher: str
    principal: str
    place: str
    phone: str


async def class_paper(
    session: AsyncSession,
    school_id: int,
    class_id: int,
    *,
    place: str | None = None,
    phone: str | None = None,
) -> ClassPaper:
    """The class's homeroom teacher, the principal, and the school's place and phone (`place`
    and `phone`: the deployment's defaults, SCHOOLBOT_SCHOOL_PLACE and SCHOOLBOT_SCHOOL_PHONE)."""
    school = await session.get(School, school_id)
    settings = school.settings if school is not None else {}
    return ClassPaper(
        await homeroom_teacher(session, school_id, class_id),
        await principal(session, school_id),
        school_place(settings, place),
        school_phone(settings, phone),
    )


async def homeroom_teacher(session: AsyncSession, school_id: int, class_id: int) -> str:
    """The name of the class's homeroom teacher on the staff list ("" when none)."""
    name = await session.scalar(
        select(Staff.full_name)
        .where(
            Staff.school_id == school_id,
            Staff.homeroom_class_id == class_id,
            Staff.left_at.is_(None),
        )
        .limit(1)
    )
    return name or ""


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


def school_place(settings: Mapping[str, object] | None, default: str | None = None) -> str:
    """The place of the date line ("Phường Xuân Hòa"): the school's setting, else `default`."""
    own = str((settings or {}).get("place") or "").strip()
    return own or (default or "").strip()


def school_phone(settings: Mapping[str, object] | None, default: str | None = None) -> str:
    """The school's phone as people write it (028 3829 1234): the school's setting, else
    `default`; "" when neither is a valid number."""
    for raw in ((settings or {}).get("phone"), default):
        if raw in (None, ""):
            continue
        try:
            return display_phone(normalize_phone(raw))
        except PhoneError:
            continue
    return ""
