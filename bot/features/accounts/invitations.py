"""One-time invitation codes: easy to type, single-use, time-limited, stored hashed."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, Translator
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
    guardian_id: int = 0  # whom the slip goes to


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
                student_name,
                klass,
                guardian_name,
                code,
                (now + timedelta(days=days)).date(),
                guardian_id,
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
    web_links: int = 0  # slips with the web's second QR code (the earlier ones ended)

    @property
    def file_name(self) -> str:
        """A file name a teacher recognises: thu-moi-lop-3A.docx."""
        return f"thu-moi-lop-{self.class_name.replace('/', '-')}.docx"


def _slip(
    item: Invitation, bot_username: str, teacher: str, web: tuple[str, str, str] | None
) -> Slip:
    """One child's slip: the code, its deep link, and the guardian's web sign-in if any."""
    link, code, site = web or ("", "", "")
    return Slip(
        student_name=item.student_name,
        class_name=item.class_name,
        guardian_name=item.guardian_name,
        code=item.code,
        deep_link=deep_link(bot_username, item.code),
        expires_on=item.expires_on,
        teacher_name=teacher,
        web_link=link,
        web_code=code,
        web_site=site,
    )


class WebLinks(Protocol):
    """Makes the web sign-ins printed on a class's slips (the web feature's `SlipLinks`): for
    each guardian, a one-time link and its short code until `expires_at`; the class's earlier
    slips' web links end."""

    async def __call__(
        self,
        session: AsyncSession,
        school_id: int,
        class_id: int,
        guardians: Sequence[int],
        now: datetime,
        expires_at: datetime,
    ) -> Mapping[int, tuple[str, str, str]]: ...


WEB_LINKS_PRINTED = N_(
    "Each slip also carries a one-time link to the contact book on the web, for families "
    "without Telegram; the web links on this class's earlier slips no longer work."
)
_WEB_LINKS: list[Callable[[str], WebLinks]] = []


def offer_web_links(maker: Callable[[str], WebLinks]) -> None:
    """The web feature's maker of slips' web links, for a web base URL (registered at start:
    this feature knows no web feature, which links its accounts)."""
    _WEB_LINKS[:] = [maker]


def web_links_for(web_url: str | None) -> WebLinks | None:
    """The slips' web links for the web served at `web_url` (None when it is not served)."""
    return _WEB_LINKS[0](web_url) if web_url and _WEB_LINKS else None


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
    web: WebLinks | None = None,
    web_url: str | None = None,
) -> ClassSlips | None:
    """Issue a class's codes and lay out one slip per child (None: no pupil has a guardian).

    The slips are dated `now` in the school's `zone`, name the class's homeroom teacher and
    give the school's phone: its own setting "phone", else `phone` (SCHOOLBOT_SCHOOL_PHONE).
    With `web` (or `web_url` and the web feature's maker) each slip also carries a one-time
    web sign-in for its guardian, as long as the code; the class's earlier web links end."""
    web = web or web_links_for(web_url)
    issued = await issue_for_class(session, school_id, class_id, now, days)
    if not issued:
        return None
    links: Mapping[int, tuple[str, str, str]] = {}
    if web is not None:
        guardians = [item.guardian_id for item in issued]
        links = await web(session, school_id, class_id, guardians, now, now + timedelta(days=days))
    teacher = await homeroom_teacher(session, school_id, class_id)
    slips = [_slip(item, bot_username, teacher, links.get(item.guardian_id)) for item in issued]
    school = await session.get(School, school_id)
    audit(
        session,
        school_id=school_id,
        actor=actor,
        action="invitation.issued",
        entity="class",
        entity_id=class_id,
        after={"count": len(issued), "days": days, "web": web is not None},
    )
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
    return ClassSlips(
        issued[0].class_name,
        len(slips),
        issued[0].expires_on,
        document,
        sum(1 for slip in slips if slip.web_link),
    )
