"""One-time invitation codes: easy to type, single-use, time-limited, stored hashed."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import Translator
from bot.features.accounts.documents import Slip, render_slips_docx
from storage.models import (
    Guardian,
    InvitationCode,
    Relation,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
)
from storage.names import class_list_key, split_name
from storage.queries import audit
from storage.signers import homeroom_teacher, school_phone

# No look-alikes: I, L, O, 0, 1 are left out.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
DEFAULT_DAYS = 30
SCHOOL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_SEPARATORS = re.compile(r"[\s\-_.]")
# Mothers are most often the contact parent in Vietnamese schools' lists; then fathers.
_PREFERRED = (Relation.MOTHER, Relation.FATHER, Relation.GUARDIAN, Relation.CONTACT)


def new_code() -> str:
    """Return a random 8-character code from the unambiguous alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str | None:
    """Return the code a person typed in canonical form, or None if it cannot be one."""
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def code_hash(school_id: int, code: str) -> str:
    """Return the stored hash of a code (codes are never stored in clear)."""
    return hashlib.sha256(f"{school_id}:{code}".encode()).hexdigest()


def add_code(
    session: AsyncSession,
    school_id: int,
    now: datetime,
    *,
    guardian_id: int | None = None,
    staff_id: int | None = None,
    student_id: int | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[str, InvitationCode]:
    """Create a code for a guardian or a staff member; return the clear code once."""
    code = new_code()
    row = InvitationCode(
        school_id=school_id,
        code_hash=code_hash(school_id, code),
        guardian_id=guardian_id,
        staff_id=staff_id,
        student_id=student_id,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    return code, row


async def redeem(
    session: AsyncSession, school_id: int, typed: str, now: datetime
) -> InvitationCode | None:
    """Mark a valid, unused, unexpired code used and return it; None for anything else."""
    code = normalize_code(typed)
    if code is None:
        return None
    row = await session.scalar(
        select(InvitationCode)
        .where(InvitationCode.code_hash == code_hash(school_id, code))
        .with_for_update()
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    row.used_at = now
    return row


async def holder(
    session: AsyncSession, school_id: int, typed: str, now: datetime
) -> InvitationCode | None:
    """The valid, unused code a person brought (nothing is marked used): who is coming."""
    code = normalize_code(typed)
    if code is None:
        return None
    row = await session.scalar(
        select(InvitationCode).where(InvitationCode.code_hash == code_hash(school_id, code))
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


@dataclass(frozen=True, slots=True)
class Invitation:
    """A code issued for one child's guardian, for a printed slip."""

    student_name: str
    class_name: str
    guardian_name: str | None
    code: str
    expires_on: date


async def issue_for_class(
    session: AsyncSession, school_id: int, class_id: int, now: datetime, days: int = DEFAULT_DAYS
) -> list[Invitation]:
    """Issue one code per pupil of a class, for the guardian a slip goes home to.

    A pupil with no guardian on the lists gets no slip: the roster must name one first.
    """
    klass = await session.scalar(
        select(SchoolClass.name).where(
            SchoolClass.id == class_id, SchoolClass.school_id == school_id
        )
    )
    if klass is None:
        return []
    rows = (
        await session.execute(
            select(
                Student.id,
                Student.full_name,
                Guardian.id,
                Guardian.full_name,
                StudentGuardian.relation,
            )
            .outerjoin(StudentGuardian, StudentGuardian.student_id == Student.id)
            .outerjoin(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(Student.class_id == class_id, Student.school_id == school_id)
        )
    ).all()
    pupils: dict[int, tuple[str, list[tuple[int, Relation, str | None]]]] = {}
    for student_id, student_name, guardian_id, guardian_name, relation in rows:
        entry = pupils.setdefault(student_id, (student_name, []))
        if guardian_id is not None:
            entry[1].append((guardian_id, relation, guardian_name))
    issued: list[Invitation] = []
    for student_id, (student_name, guardians) in sorted(
        pupils.items(), key=lambda item: class_list_key(split_name(item[1][0]))
    ):
        if not guardians:
            continue
        guardian_id, _relation, guardian_name = min(guardians, key=lambda g: _PREFERRED.index(g[1]))
        code, _row = add_code(
            session, school_id, now, guardian_id=guardian_id, student_id=student_id, days=days
        )
        issued.append(
            Invitation(
                student_name, klass, guardian_name, code, (now + timedelta(days=days)).date()
            )
        )
    return issued


@dataclass(frozen=True, slots=True)
class ClassSlips:
    """A class's printable invitation slips: the DOCX file and what it holds."""

    class_name: str
    count: int
    expires_on: date
    document: bytes

    @property
    def file_name(self) -> str:
        """A file name a teacher recognises: thu-moi-lop-3A.docx."""
        return f"thu-moi-lop-{self.class_name.replace('/', '-')}.docx"


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with the code: https://t.me/<bot>?start=<code>."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


async def class_slips(
    session: AsyncSession,
    school_id: int,
    class_id: int,
    now: datetime,
    *,
    school_name: str,
    bot_username: str,
    _: Translator,
    actor: str,
    days: int = DEFAULT_DAYS,
    phone: str | None = None,
    zone: ZoneInfo = SCHOOL_ZONE,
) -> ClassSlips | None:
    """Issue a class's codes and lay out one slip per child (None: no pupil has a guardian).

    The slips are dated `now` in the school's `zone`, name the class's homeroom teacher and
    give the school's phone: its own setting "phone", else `phone` (SCHOOLBOT_SCHOOL_PHONE).
    """
    issued = await issue_for_class(session, school_id, class_id, now, days)
    if not issued:
        return None
    school = await session.get(School, school_id)
    teacher = await homeroom_teacher(session, school_id, class_id)
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="invitation.issued",
        entity="class",
        entity_id=class_id,
        after={"count": len(issued), "days": days},
    )
    slips = [
        Slip(
            student_name=item.student_name,
            class_name=item.class_name,
            guardian_name=item.guardian_name,
            code=item.code,
            deep_link=deep_link(bot_username, item.code),
            expires_on=item.expires_on,
            teacher_name=teacher,
        )
        for item in issued
    ]
    document = await asyncio.to_thread(
        lambda: render_slips_docx(
            slips,
            school_name=school_name,
            bot_username=bot_username,
            _=_,
            issued_on=now.astimezone(zone).date(),
            school_phone=school_phone(school.settings if school else None, phone),
        )
    )
    return ClassSlips(issued[0].class_name, len(slips), issued[0].expires_on, document)
