"""Roles and scopes: who may see which pupil, class or record; one mechanism for everything."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AccountState,
    Role,
    Staff,
    StaffRole,
    Student,
    StudentGuardian,
    TeachingAssignment,
    TelegramAccount,
)

WHOLE_SCHOOL = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})
STAFF_ROLES = frozenset(Role) - {Role.PARENT}


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind an update, with every role and scope they hold right now."""

    account: TelegramAccount
    roles: frozenset[Role] = frozenset()
    children: frozenset[int] = frozenset()
    homeroom_classes: frozenset[int] = frozenset()
    teaching: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @property
    def school_id(self) -> int:
        """Return the school the account belongs to."""
        return self.account.school_id

    @property
    def linked(self) -> bool:
        """Tell whether the account is linked to a guardian or a staff record."""
        return self.account.state == AccountState.LINKED and bool(self.roles)

    def has(self, *roles: Role) -> bool:
        """Tell whether the actor holds any of these roles."""
        return self.linked and any(role in self.roles for role in roles)

    def can_see_student(self, student_id: int, class_id: int) -> bool:
        """Parents see their children; teachers their classes; school leaders everyone."""
        if not self.linked:
            return False
        if student_id in self.children or self.has(*WHOLE_SCHOOL, Role.ADMIN):
            return True
        return self.can_see_class(class_id)

    def can_see_class(self, class_id: int) -> bool:
        """Homeroom and subject teachers see their classes; school leaders every class."""
        if self.has(*WHOLE_SCHOOL, Role.ADMIN):
            return True
        taught = {klass for klass, _ in self.teaching}
        return self.linked and (class_id in self.homeroom_classes or class_id in taught)

    def can_manage_class_accounts(self, class_id: int) -> bool:
        """Homeroom teachers handle their class's families; the administrator every class."""
        return self.has(Role.ADMIN) or (self.linked and class_id in self.homeroom_classes)

    def can_see_health(self, student_id: int, class_id: int) -> bool:
        """Health data: the child's guardians, the nurse, and the school's leaders."""
        return self.has(Role.MEDICAL, *WHOLE_SCHOOL) or (
            self.linked and student_id in self.children
        )


async def load_actor(session: AsyncSession, account: TelegramAccount) -> Actor:
    """Read the account's roles and scopes from the database, as they are at this moment."""
    if account.state != AccountState.LINKED:
        return Actor(account)
    roles: set[Role] = set()
    children: frozenset[int] = frozenset()
    homerooms: frozenset[int] = frozenset()
    teaching: frozenset[tuple[int, str]] = frozenset()
    if account.guardian_id is not None:
        children = frozenset(
            await session.scalars(
                select(StudentGuardian.student_id)
                .join(Student, Student.id == StudentGuardian.student_id)
                .where(
                    StudentGuardian.guardian_id == account.guardian_id,
                    Student.school_id == account.school_id,
                )
            )
        )
        if children:
            roles.add(Role.PARENT)
    if account.staff_id is not None:
        roles.update(
            await session.scalars(
                select(StaffRole.role).where(StaffRole.staff_id == account.staff_id)
            )
        )
        homeroom = await session.scalar(
            select(Staff.homeroom_class_id).where(Staff.id == account.staff_id)
        )
        homerooms = frozenset({homeroom} if homeroom is not None else set())
        teaching = frozenset(
            (row.class_id, row.subject)
            for row in await session.execute(
                select(TeachingAssignment.class_id, TeachingAssignment.subject).where(
                    TeachingAssignment.staff_id == account.staff_id
                )
            )
        )
    return Actor(account, frozenset(roles), children, homerooms, teaching)


async def account_for(
    session: AsyncSession, school_id: int, user_id: int, chat_id: int
) -> TelegramAccount:
    """Return the school's account for a Telegram user, creating it on first contact."""
    account = await session.scalar(
        select(TelegramAccount).where(
            TelegramAccount.school_id == school_id, TelegramAccount.telegram_user_id == user_id
        )
    )
    if account is None:
        account = TelegramAccount(
            school_id=school_id,
            telegram_user_id=user_id,
            chat_id=chat_id,
            state=AccountState.NEW,
            failed_codes=0,
        )
        session.add(account)
        await session.flush()
    elif account.chat_id != chat_id:
        account.chat_id = chat_id
    return account
