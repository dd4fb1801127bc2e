"""A replaced homeroom teacher, planned on top of `simulation/town.py`:

- mid-term (the last Saturday in a run of two weeks or less) a parent of the last class writes
  to its homeroom teacher and asks leave for a child at 14:00; at 15:00 the administrator sends
  the school's new staff list, where the class has a new homeroom teacher and the old one is no
  longer named (she leaves the school), and presses "Xác nhận"; the new teacher joins the bot an
  hour later; from then on the class's comments, attendance, urgent messages and corrections are
  hers, and the cards the old one had not handled are not handled by her;
- two hours after the import the old teacher tries /nhanxet, then presses an old button of the
  class (a comments list, a leave card or a feedback card still in her chat).

Checked at the end (`Staffing.check`), as **replaced**:

- the administrator was shown, before confirming, that the old teacher leaves;
- every feedback and leave request of the class still open at the import reached the new
  teacher once she joined (the product keeps them for whoever holds the class), or is still
  open if she never joined;
- nothing is addressed to the teacher who left after she left (no delivery queued for her but
  the notice that she left), and (with **privacy**, which reads the date she left) no pupil's
  name or code ever reaches her again;
- her /nhanxet and her old buttons are refused in Vietnamese (a refusal, not the bot failing)
  and change nothing (no audit event, no request decided).
"""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from simulation.invariants import Checks
from simulation.life import Life
from simulation.people import Person, data_of
from simulation.school import Member
from simulation.town import Action, Town
from storage.models import (
    AuditEvent,
    Delivery,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    LeaveRequest,
    Notice,
    RequestState,
)

NEW_TEACHER = "Âu Thị Diễm Kiều"  # no pupil's name is part of it
LEAVES = ("Không còn trong danh sách mới", "Not on the new list")
IMPORTED = ("Đã nhập xong", "Imported")
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
FAILED = ("gặp sự cố", "went wrong")  # the bot failed: not a refusal
OLD_BUTTONS = ("v1:leave:ok:", "v1:fb:reply:", "v1:wk:p:")
LEFT_KIND = "staff.left"  # the notice telling her she left (bot/features/administration)


@dataclass
class Attempt:
    """Something the teacher who left tried: her answer and what it changed."""

    what: str
    at: datetime
    answer: str
    listed: bool  # she was shown the class's list
    changed: int  # audit events written meanwhile


@dataclass
class Replacement:
    klass: str
    old: Person
    new: Person | None = None
    at: datetime | None = None
    shown: str = ""  # what the administrator was shown before confirming
    told: str = ""  # and after
    open_items: list[str] = field(default_factory=list)  # tokens open at the import
    attempts: list[Attempt] = field(default_factory=list)


@dataclass
class Staffing:
    town: Town
    life: Life
    replaced: list[Replacement] = field(default_factory=list)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"staffing-{self.town.stage.options.seed}")

    @property
    def admin(self) -> Person:
        return self.town.staff["Quản trị hệ thống"]

    def acts(self) -> dict[str, int]:
        return {
            "teachers_replaced": sum(1 for r in self.replaced if r.at is not None),
            "leaver_attempts": sum(len(r.attempts) for r in self.replaced),
        }

    def plan(self, weeks: int) -> None:
        town = self.town
        klass = town.school.classes[-1]
        # The last Saturday of a short run (little of the run after it), else a Wednesday
        # mid-term.
        day = 7 * (weeks - 1) + 5 if weeks <= 2 else 7 * (weeks // 2) + 2
        before = town.hour_of(day, 14)
        town.agenda[before].append(town._feedback(None, klass))
        town.agenda[before].append(self.life._leave(klass))
        town.agenda[before + 1].append(self._replace(klass))

    # --- actions ---------------------------------------------------------------------------

    def _replace(self, klass: str) -> Action:
        async def act() -> None:
            town = self.town
            done = Replacement(klass, town.teacher(klass))
            self.replaced.append(done)
            if self.admin.linked_at is None:
                return
            done.open_items = await self._open(klass)
            phone = "0977" + f"{self.rng.randrange(10**6):06d}"
            member = Member(NEW_TEACHER, phone, "Giáo viên chủ nhiệm", klass)
            if not await self._import(done, member):
                return
            now = town.stage.now()
            done.at, done.old.left_at = now, now
            town.former.setdefault(klass, []).append((done.old, now))
            done.new = town.staff[klass] = town.add(member.name, member.phone, member=member)
            index = town._index()
            town.agenda[index + 1].append(town._link(done.new))
            town.agenda[index + 2].append(self._leaver(done))

        return act

    async def _open(self, klass: str) -> list[str]:
        """The tokens of the class's feedback and leave requests open now."""
        stage = self.town.stage
        pupils = {p.code for p in self.town.school.in_class(klass)}
        async with stage.sessions() as session:
            feedback = (
                await session.execute(
                    select(FeedbackMessage.text)
                    .join(Feedback, Feedback.id == FeedbackMessage.feedback_id)
                    .where(
                        Feedback.school_id == stage.school_id,
                        Feedback.state == FeedbackState.OPEN,
                        FeedbackMessage.from_parent,
                    )
                )
            ).scalars()
            leave = (
                await session.scalars(
                    select(LeaveRequest.reason).where(
                        LeaveRequest.school_id == stage.school_id,
                        LeaveRequest.state == RequestState.PENDING,
                    )
                )
            ).all()
        tokens = []
        for sent in self.town.feedbacks:
            if sent.parent.guardian and pupils & set(sent.parent.guardian.children):
                tokens += [sent.token for text in feedback if sent.token in text]
        for asked in self.life.leaves:
            if asked.parent.guardian and pupils & set(asked.parent.guardian.children):
                tokens += [asked.token for reason in leave if asked.token in reason]
        return sorted(set(tokens))

    async def _import(self, done: Replacement, member: Member) -> bool:
        """The administrator sends the new staff list and confirms it."""
        school, admin = self.town.school, self.admin
        staff = [m for m in school.staff if m.homeroom != done.klass] + [member]
        with tempfile.TemporaryDirectory(prefix="staff-") as folder:
            data = (
                replace(school, staff=staff).write_staff(Path(folder) / "can-bo.csv").read_bytes()
            )
        await admin.client.skip_pending()
        await admin.client.send_document(data, "danh-sach-can-bo.csv", mime_type="text/csv")
        shown = await admin.answer(10.0)
        confirm = data_of(shown, "v1:adm:impok:")
        if shown is None or not confirm:
            return False
        done.shown = str(shown["text"])
        await admin.press(confirm[0], shown["message_id"])
        told = await admin.answer(10.0, new_only=False)
        done.told = str((told or {}).get("text") or "")
        if not any(word in done.told for word in IMPORTED):
            told = await admin.answer(10.0)  # the import runs after the press's answer
            done.told = str((told or {}).get("text") or "")
        if any(word in done.told for word in IMPORTED):
            school.staff = staff
            return True
        return False

    def _leaver(self, done: Replacement) -> Action:
        async def act() -> None:
            old = done.old
            before = await self._events()
            await old.client.skip_pending()
            await old.client.command("nhanxet")
            answer = await old.answer()
            done.attempts.append(
                Attempt(
                    "/nhanxet",
                    self.town.stage.now(),
                    str((answer or {}).get("text") or ""),
                    bool(data_of(answer, "v1:wk:p:")),
                    await self._events() - before,
                )
            )
            for card in reversed(self.town.stage.log):
                found = [
                    d for d in card.buttons if card.chat_id == old.id and d.startswith(OLD_BUTTONS)
                ]
                if found and (old.left_at is None or card.at < old.left_at):
                    before = await self._events()
                    alert = await old.press(found[0], card.message_id, forged=True)
                    shown = None if alert else await old.answer(2.0, new_only=False)
                    text = alert or str((shown or {}).get("text") or "")
                    listed = bool(data_of(shown, "v1:wk:"))
                    changed = await self._events() - before
                    done.attempts.append(
                        Attempt(found[0], self.town.stage.now(), text, listed, changed)
                    )
                    break

        return act

    async def _events(self) -> int:
        stage = self.town.stage
        async with stage.sessions() as session:
            counted = select(func.count(AuditEvent.id)).where(
                AuditEvent.school_id == stage.school_id
            )
            return int(await session.scalar(counted) or 0)

    # --- checks ----------------------------------------------------------------------------

    async def check(self, checks: Checks) -> None:
        for done in self.replaced:
            if done.at is None:
                if self.admin.linked_at is not None:
                    checks.fail("replaced", self.town.stage.now(), [self.admin], "no import")
                continue
            await self._check(checks, done)

    async def _check(self, checks: Checks, done: Replacement) -> None:
        assert done.at is not None and done.new is not None
        old, new, at = done.old, done.new, done.at
        if not any(word in done.shown for word in LEAVES) or old.name not in done.shown:
            detail = f"not shown that {old.name} leaves: “{done.shown[-160:]}”"
            checks.fail("replaced", at, [self.admin, old], detail)
        for token in done.open_items:
            reached = checks.received(new, lambda t, k=token: k in t)
            if new.linked_at is not None and not reached:
                detail = f"“{token}”, open when {old.name} left, never reached {new.name}"
                checks.fail("replaced", at, [old, new], detail)
        stage = self.town.stage
        async with stage.sessions() as session:
            addressed = (
                await session.execute(
                    select(Notice.kind, Delivery.due_at)
                    .join(Notice, Notice.id == Delivery.notice_id)
                    .where(
                        Delivery.school_id == stage.school_id,
                        Delivery.chat_id == old.id,
                        Delivery.due_at >= at,
                        Notice.kind != LEFT_KIND,
                    )
                )
            ).all()
        for kind, due in addressed:
            checks.fail("replaced", due, [old], f"a {kind} notice addressed to her after she left")
        for attempt in done.attempts:
            failed = any(word in attempt.answer for word in FAILED)
            refused = bool(VIETNAMESE.search(attempt.answer)) and not failed
            if attempt.listed or attempt.changed or not refused:
                detail = (
                    f"{attempt.what} after she left: answered “{attempt.answer[:80]}”, "
                    f"the list shown: {attempt.listed}, {attempt.changed} audit events"
                )
                checks.fail("replaced", attempt.at, [old], detail)
        if not done.attempts:
            checks.fail("replaced", at, [old], "the teacher who left tried nothing")
