"""The outbox: a notice and one delivery row per recipient account, written in one transaction.

Features call `enqueue_notice`; the dispatcher (`bot/delivery/dispatcher.py`) sends the rows.
Nothing here talks to Telegram.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from storage.models import (
    AccountState,
    CorrectionFile,
    Delivery,
    DeliveryState,
    Notice,
    Role,
    SchoolClass,
    StaffRole,
    Student,
    StudentGuardian,
    StudentStatus,
    TelegramAccount,
)
from storage.names import class_list_key, split_name

REACHABLE = (AccountState.LINKED, AccountState.BLOCKED)
# "Phản hồi" under a notice: opens the feedback flow about the notice's pupil
# (bot/features/feedback/chat/parent.py); "{delivery}" becomes the delivery's id.
REPLY = (N_("Respond"), "v1:fb:new:{delivery}")

# The media kind of a document whose name and bytes the database keeps (the notice's
# `media_file` is then a reference, "<source>:<id>", not a Telegram file_id).
STORED = "stored"
MEDIA_KINDS = ("photo", "document", STORED)
# What a stored reference can name: the source's prefix and its table.
STORED_SOURCES: dict[str, type[CorrectionFile]] = {"correction_file": CorrectionFile}


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


async def resolve(session: AsyncSession, school_id: int, audience: Audience) -> Recipients:
    """Find the recipient accounts (linked or blocked) and the pupils nobody can be reached for."""
    found = Recipients()
    if audience.kind == "accounts":
        rows = await session.execute(
            select(TelegramAccount.id, TelegramAccount.chat_id, TelegramAccount.state).where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.state.in_(REACHABLE),
                TelegramAccount.id.in_(audience.ids),
            )
        )
        found.accounts = {account: (chat, state) for account, chat, state in rows}
        return found
    if audience.kind in ("staff", "staff_ids"):
        staff = select(StaffRole.staff_id)
        if audience.kind == "staff_ids":
            staff = staff.where(StaffRole.staff_id.in_(audience.ids))
        elif audience.roles:
            staff = staff.where(StaffRole.role.in_(audience.roles))
        rows = await session.execute(
            select(TelegramAccount.id, TelegramAccount.chat_id, TelegramAccount.state).where(
                TelegramAccount.school_id == school_id,
                TelegramAccount.state.in_(REACHABLE),
                TelegramAccount.staff_id.in_(staff),
            )
        )
        found.accounts = {account: (chat, state) for account, chat, state in rows}
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
    found.not_linked = sorted(
        (name for pupil, name in names.items() if pupil not in reached),
        key=lambda name: class_list_key(split_name(name)),
    )
    return found


async def enqueue_notice(
    session: AsyncSession,
    school_id: int,
    audience: Audience,
    kind: str,
    text: str,
    *,
    urgent: bool = False,
    requires_ack: bool = True,
    not_before: datetime | None = None,
    media: tuple[str, str] | None = None,
    created_by: int | None = None,
    report_to: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """Store a notice and its deliveries in the caller's transaction; return the notice.

    `text` is Telegram HTML, already escaped by the caller. `media` is ("photo" or "document",
    file_id), or `stored_document(file)` for a file the database keeps. A blocked account gets
    its row already marked unreachable, so reports count it. `report_to` is the chat that gets
    the delivery report (bot/delivery/report.py).
    """
    if media is not None and media[0] not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {media[0]!r}")
    if media is not None and media[0] == STORED:
        _stored_source(media[1])  # a bad reference fails here, not at every sending
    now = now or datetime.now(UTC)
    recipients = await resolve(session, school_id, audience)
    notice = Notice(
        school_id=school_id,
        kind=kind,
        urgent=urgent,
        requires_ack=requires_ack,
        text=text,
        media_kind=media[0] if media else None,
        media_file=media[1] if media else None,
        created_by=created_by,
        not_before=not_before,
        audience=audience.describe() | {"not_linked": recipients.not_linked},
        report_chat_id=report_to,
    )
    session.add(notice)
    await session.flush()
    due = max(now, not_before) if not_before else now
    rows: list[dict[str, object]] = [
        {
            "school_id": school_id,
            "notice_id": notice.id,
            "account_id": account,
            "chat_id": chat,
            "urgent": urgent,
            "state": DeliveryState.QUEUED
            if state == AccountState.LINKED
            else DeliveryState.UNREACHABLE,
            "attempts": 0,
            "due_at": due,
            "message_ids": [],
            "error": None if state == AccountState.LINKED else "blocked",
        }
        for account, (chat, state) in sorted(recipients.accounts.items())
    ]
    if rows:
        await session.execute(insert(Delivery), rows)
    return notice


@dataclass(frozen=True, slots=True)
class Draft:
    """One pupil's own notice in a bulk send: the text, its translations and extra buttons."""

    kind: str
    text: str
    ref: str
    translations: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    urgent: bool = False
    requires_ack: bool = True


@dataclass(slots=True)
class BulkOutcome:
    """What a bulk send stored: notices and deliveries per pupil, and pupils nobody reaches."""

    notices: dict[int, int] = field(default_factory=dict)  # pupil -> notice id
    deliveries: dict[int, int] = field(default_factory=dict)  # pupil -> rows queued
    not_linked: list[int] = field(default_factory=list)  # pupils with no linked guardian


async def enqueue_per_pupil(
    session: AsyncSession,
    school_id: int,
    drafts: Mapping[int, Draft],
    *,
    created_by: int | None = None,
    now: datetime | None = None,
) -> BulkOutcome:
    """Store one notice per pupil for that pupil's guardians, in a fixed number of statements.

    Each draft's `ref` must be unique: the notices are found again by it, so that a whole
    school's weekly notices cost the same few queries as one class's.
    """
    now = now or datetime.now(UTC)
    outcome = BulkOutcome()
    if not drafts:
        return outcome
    pupils = list(drafts)
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
    outcome.not_linked = [pupil for pupil in pupils if pupil not in reach]
    notice_rows: list[dict[str, Any]] = [
        {
            "school_id": school_id,
            "kind": draft.kind,
            "urgent": draft.urgent,
            "requires_ack": draft.requires_ack,
            "text": draft.text,
            "created_by": created_by,
            "audience": Audience.student(pupil).describe(),
            "translations": draft.translations,
            "buttons": [list(button) for button in draft.buttons],
            "ref": draft.ref,
        }
        for pupil, draft in drafts.items()
        if pupil in reach
    ]
    if not notice_rows:
        return outcome
    await session.execute(insert(Notice), notice_rows)
    by_ref = {draft.ref: pupil for pupil, draft in drafts.items()}
    found = await session.execute(
        select(Notice.id, Notice.ref).where(
            Notice.school_id == school_id, Notice.ref.in_([row["ref"] for row in notice_rows])
        )
    )
    for notice_id, ref in found:
        outcome.notices[by_ref[str(ref)]] = notice_id
    delivery_rows: list[dict[str, object]] = []
    for pupil, notice_id in outcome.notices.items():
        draft = drafts[pupil]
        for account, (chat, state) in sorted(reach[pupil].items()):
            linked = state == AccountState.LINKED
            delivery_rows.append(
                {
                    "school_id": school_id,
                    "notice_id": notice_id,
                    "account_id": account,
                    "chat_id": chat,
                    "urgent": draft.urgent,
                    "state": DeliveryState.QUEUED if linked else DeliveryState.UNREACHABLE,
                    "attempts": 0,
                    "due_at": now,
                    "message_ids": [],
                    "error": None if linked else "blocked",
                }
            )
        outcome.deliveries[pupil] = len(reach[pupil])
    await session.execute(insert(Delivery), delivery_rows)
    return outcome


@dataclass(frozen=True, slots=True)
class NoticeStatus:
    """How far one notice has got: rows per state, and how many were read."""

    notice_id: int
    kind: str
    urgent: bool
    created_at: datetime
    counts: dict[str, int]
    read: int


async def outbox_status(
    session: AsyncSession, school_id: int, limit: int = 20
) -> list[NoticeStatus]:
    """Return the school's newest notices with their delivery counts, newest first."""
    notices = list(
        await session.scalars(
            select(Notice)
            .where(Notice.school_id == school_id)
            .order_by(Notice.id.desc())
            .limit(limit)
        )
    )
    if not notices:
        return []
    counts: dict[int, dict[str, int]] = {n.id: {s.value: 0 for s in DeliveryState} for n in notices}
    read: dict[int, int] = dict.fromkeys(counts, 0)
    rows = await session.execute(
        select(Delivery.notice_id, Delivery.state, func.count(), func.count(Delivery.read_at))
        .where(Delivery.notice_id.in_(counts))
        .group_by(Delivery.notice_id, Delivery.state)
    )
    for notice_id, state, number, number_read in rows:
        counts[notice_id][state.value] = number
        read[notice_id] += number_read
    return [
        NoticeStatus(n.id, n.kind, n.urgent, n.created_at, counts[n.id], read[n.id])
        for n in notices
    ]


async def retry_failed(
    session: AsyncSession, school_id: int, notice_id: int, now: datetime | None = None
) -> int | None:
    """Queue a notice's failed rows again from now; None if the school has no such notice."""
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.school_id != school_id:
        return None
    result = await session.execute(
        update(Delivery)
        .where(Delivery.notice_id == notice_id, Delivery.state == DeliveryState.FAILED)
        .values(state=DeliveryState.QUEUED, attempts=0, due_at=now or datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_read(
    session: AsyncSession, account_id: int, delivery_id: int, now: datetime
) -> tuple[Delivery | None, bool]:
    """Record that the recipient read a delivery; (None, False) if it is not theirs.

    Returns the delivery and whether this press was the first (the report then changes).
    """
    delivery = await session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.account_id != account_id:
        return None, False
    if delivery.read_at is not None:
        return delivery, False
    delivery.read_at = now
    return delivery, True


async def notice_of(session: AsyncSession, delivery: Delivery) -> Notice:
    """The notice a delivery belongs to."""
    notice = await session.get(Notice, delivery.notice_id)
    assert notice is not None  # deliveries cascade with their notice
    return notice


async def enqueue_news(
    session: AsyncSession,
    school_id: int,
    audience: Audience,
    kind: str,
    texts: Mapping[str, str],
    *,
    buttons: Sequence[tuple[str, str]] = (),
    media: tuple[str, str] | None = None,
    created_by: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """Queue news of a step for the people it concerns, in the step's own transaction.

    For a request's path (a decision to the teacher, a change to make to the administrators, a
    leave decision to the parent): what others learn must not depend on anything that happens
    after the step is stored, such as an edit of the pressed message. `texts` is the HTML by
    language code ("vi" is the default; with `media` it is the caption); `buttons` are (label
    msgid, callback data) pairs. The news answers something a person waits for, not a
    broadcast: it goes at once (urgent, so quiet hours do not hold it, as they did not when it
    was sent directly) and has no receipt button.
    """
    notice = await enqueue_notice(
        session,
        school_id,
        audience,
        kind,
        texts.get("vi") or next(iter(texts.values())),
        urgent=True,
        requires_ack=False,
        media=media,
        created_by=created_by,
        now=now,
    )
    notice.translations = dict(texts)
    notice.buttons = [list(button) for button in buttons]
    return notice


def stored_document(file: CorrectionFile) -> tuple[str, str]:
    """The `media` of a notice that sends this kept file (flushed: it needs its id).

    The dispatcher reads the file's name and bytes when it sends, so the notice holds only a
    reference and every retry sends the same file.
    """
    if file.id is None:
        raise ValueError("a stored document needs a flushed row")
    return STORED, f"correction_file:{file.id}"


def _stored_source(reference: str) -> tuple[type[CorrectionFile], int]:
    source, _, number = reference.partition(":")
    table = STORED_SOURCES.get(source)
    if table is None or not number.isdigit():
        raise ValueError(f"unknown stored document {reference!r}")
    return table, int(number)


async def read_stored(
    session: AsyncSession, school_id: int, reference: str
) -> tuple[str, bytes] | None:
    """The file name and bytes of a stored document of this school; None if it is gone."""
    table, number = _stored_source(reference)
    row = (
        await session.execute(
            select(table.name, table.content).where(
                table.id == number, table.school_id == school_id
            )
        )
    ).first()
    return None if row is None else (row[0], row[1])
