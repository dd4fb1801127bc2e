"""Who a notice reaches: an audience (a pupil, classes, roles, the school) and its accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AccountState,
    Role,
    SchoolClass,
    StaffRole,
    Student,
    StudentGuardian,
    StudentStatus,
    TelegramAccount,
)
from storage.names import class_list_key, nfc, split_name, tell_apart

REACHABLE = (AccountState.LINKED, AccountState.BLOCKED)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a notice is for: guardians of pupils (by pupil, class, grade, school) or staff."""

    kind: str
    ids: tuple[int, ...] = ()
    roles: tuple[Role, ...] = ()

    @classmethod
    def student(cls, *student_ids: int) -> Audience:
        """The guardians of these pupils."""
        return cls("student", student_ids)

    @classmethod
    def classes(cls, *class_ids: int) -> Audience:
        """The guardians of these classes' pupils."""
        return cls("class", class_ids)

    @classmethod
    def grade(cls, *grades: int) -> Audience:
        """The guardians of these grades' pupils."""
        return cls("grade", grades)

    @classmethod
    def school(cls) -> Audience:
        """The guardians of every pupil of the school."""
        return cls("school")

    @classmethod
    def staff(cls, *roles: Role) -> Audience:
        """Staff holding any of these roles (all staff when none is given)."""
        return cls("staff", roles=roles)

    @classmethod
    def accounts(cls, *account_ids: int) -> Audience:
        """These accounts (those who have not read a notice yet, say)."""
        return cls("accounts", account_ids)

    @classmethod
    def asker(cls, account_id: int) -> Audience:
        """One person waiting for the answer to what they asked, linked or not yet (a parent
        whose phone is not on the lists and who asked the school to link them)."""
        return cls("asker", (account_id,))

    @classmethod
    def staff_members(cls, *staff_ids: int) -> Audience:
        """These members of staff (a class's homeroom teacher, say)."""
        return cls("staff_ids", staff_ids)

    def describe(self) -> dict[str, object]:
        """A JSON-ready description, stored with the notice."""
        return {"kind": self.kind, "ids": list(self.ids), "roles": [r.value for r in self.roles]}


@dataclass(slots=True)
class Recipients:
    """The accounts a notice goes to, and the pupils no linked account can be reached for."""

    accounts: dict[int, tuple[int, AccountState]] = field(default_factory=dict)
    not_linked: list[str] = field(default_factory=list)


def _pupils(school_id: int, audience: Audience) -> Select[int, str]:
    query = select(Student.id, Student.full_name).where(
        Student.school_id == school_id, Student.status == StudentStatus.STUDYING
    )
    if audience.kind == "student":
        query = query.where(Student.id.in_(audience.ids))
    elif audience.kind == "class":
        query = query.where(Student.class_id.in_(audience.ids))
    elif audience.kind == "grade":
        grades = select(SchoolClass.id).where(
            SchoolClass.school_id == school_id, SchoolClass.grade.in_(audience.ids)
        )
        query = query.where(Student.class_id.in_(grades))
    elif audience.kind != "school":
        raise ValueError(f"unknown audience {audience.kind!r}")
    return query


async def _accounts(
    session: AsyncSession, school_id: int, audience: Audience
) -> dict[int, tuple[int, AccountState]]:
    """The accounts of an audience of people rather than pupils: {account: (chat, state)}."""
    accounts = TelegramAccount.school_id == school_id
    if audience.kind == "asker":  # one who wrote to the bot is answered unless they blocked it
        accounts &= TelegramAccount.state != AccountState.REVOKED
    else:
        accounts &= TelegramAccount.state.in_(REACHABLE)
    if audience.kind in ("asker", "accounts"):
        accounts &= TelegramAccount.id.in_(audience.ids)
    else:
        staff = select(StaffRole.staff_id)
        if audience.kind == "staff_ids":
            staff = staff.where(StaffRole.staff_id.in_(audience.ids))
        elif audience.roles:
            staff = staff.where(StaffRole.role.in_(audience.roles))
        accounts &= TelegramAccount.staff_id.in_(staff)
    rows = await session.execute(
        select(TelegramAccount.id, TelegramAccount.chat_id, TelegramAccount.state).where(accounts)
    )
    return {
        account: (chat, state if state == AccountState.BLOCKED else AccountState.LINKED)
        if audience.kind == "asker"
        else (chat, state)
        for account, chat, state in rows
    }


async def resolve(session: AsyncSession, school_id: int, audience: Audience) -> Recipients:
    """Find the recipient accounts (linked or blocked) and the pupils nobody can be reached for."""
    found = Recipients()
    if audience.kind in ("asker", "accounts", "staff", "staff_ids"):
        found.accounts = await _accounts(session, school_id, audience)
        return found
    pupils = _pupils(school_id, audience).subquery()
    rows = await session.execute(
        select(
            pupils.c.id,
            pupils.c.full_name,
            TelegramAccount.id,
            TelegramAccount.chat_id,
            TelegramAccount.state,
        )
        .outerjoin(StudentGuardian, StudentGuardian.student_id == pupils.c.id)
        .outerjoin(
            TelegramAccount,
            (TelegramAccount.guardian_id == StudentGuardian.guardian_id)
            & (TelegramAccount.school_id == school_id)
            & TelegramAccount.state.in_(REACHABLE),
        )
    )
    names: dict[int, str] = {}
    reached: set[int] = set()
    for row in rows:
        pupil, name, account, chat, state = cast("tuple[int, str, int, int, AccountState]", row)
        names[pupil] = name
        if account is not None:
            reached.add(pupil)
            found.accounts[account] = (chat, state)
    unreached = sorted(
        ((pupil, name) for pupil, name in names.items() if pupil not in reached),
        key=lambda row: class_list_key(split_name(row[1])),
    )
    found.not_linked = await _told_apart(session, unreached)
    return found


async def _told_apart(session: AsyncSession, pupils: list[tuple[int, str]]) -> list[str]:
    """The pupils' names as the sender's report lists them: namesakes told apart (birth date, or
    the end of the student code; `names.tell_apart`)."""
    if len({nfc(name).casefold() for _pupil, name in pupils}) == len(pupils):
        return [name for _pupil, name in pupils]
    rows = await session.execute(
        select(Student.id, Student.student_code, Student.birth_date).where(
            Student.id.in_([pupil for pupil, _name in pupils])
        )
    )
    known = {pupil: (code, born) for pupil, code, born in rows}
    return tell_apart([(name, *known[pupil]) for pupil, name in pupils])


async def guardians_reached(
    session: AsyncSession, school_id: int, pupils: list[int]
) -> dict[int, dict[int, tuple[int, AccountState]]]:
    """Per pupil, the accounts of their guardians a notice reaches: {account: (chat, state)}."""
    rows = await session.execute(
        select(
            StudentGuardian.student_id,
            TelegramAccount.id,
            TelegramAccount.chat_id,
            TelegramAccount.state,
        )
        .join(TelegramAccount, TelegramAccount.guardian_id == StudentGuardian.guardian_id)
        .where(
            StudentGuardian.student_id.in_(pupils),
            TelegramAccount.school_id == school_id,
            TelegramAccount.state.in_(REACHABLE),
        )
    )
    reach: dict[int, dict[int, tuple[int, AccountState]]] = {}
    for pupil, account, chat, state in rows:
        reach.setdefault(pupil, {})[account] = (chat, state)
    return reach
