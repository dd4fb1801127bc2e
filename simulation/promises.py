"""The promises about school days, checked at the end of a run (with `invariants.Checks`):

- **lost** (leave): every leave request a parent sent is stored, and reached the homeroom
  teacher (or waits for her to join), the parent was told which; a decided one was told to the
  parent.
- **buttons**: an old "Gửi" of a leave form, and a teacher's "Xác nhận" / "Từ chối" pressed
  again, answer with the request's state at that moment and change nothing; "✅ Đã xem"
  pressed twice shows the time of the first press, the one recorded.
- **absence**: the last notice or addendum each guardian got about a pupil's week says the
  sessions missed that week as the database has them (entered late, or by a confirmed leave
  request), and a confirmed request is an absence on each of its school days.
- **unreachable**: the sender's delivery report of each urgent message names the guardians of
  the class who had blocked the bot when it was sent.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from simulation.absences import OldPress
from simulation.invariants import Checks
from simulation.life import Life
from simulation.people import Person
from simulation.texts import (
    ADDENDUM,
    ATTENDANCE,
    BLOCKED,
    LEAVE_DECIDED,
    LEAVE_KEPT,
    LEAVE_SENT,
    LEAVE_STATE,
    MISSED,
    NOTICE,
    SEEN_AT,
)
from simulation.world import calendar, vn
from storage.models import (
    Absence,
    DayPart,
    Delivery,
    LeaveRequest,
    Notice,
    RequestState,
    Student,
)
from storage.names import nfc

QUIET_MARGIN = timedelta(hours=14)  # what is newer than this at the end may still be held
PARTS = {"sáng": DayPart.MORNING, "morning": DayPart.MORNING}


@dataclass
class Promises:
    checks: Checks
    life: Life

    @property
    def town(self) -> Any:
        return self.checks.town

    async def at_end(self, end: datetime) -> None:
        async with self.town.stage.sessions() as session:
            school = self.town.stage.school_id
            self.codes = dict(
                (
                    await session.execute(
                        select(Student.id, Student.student_code).where(Student.school_id == school)
                    )
                ).all()
            )
            self.requests = (
                await session.scalars(select(LeaveRequest).where(LeaveRequest.school_id == school))
            ).all()
        await self._leave_lost()
        self._leave_buttons()
        await self._seen_twice()
        await self._absences(end)
        await self._unreachable()

    def _request(self, token: str) -> LeaveRequest | None:
        return next((r for r in self.requests if token and token in r.reason), None)

    # --- leave requests -------------------------------------------------------------------

    async def _leave_lost(self) -> None:
        fail = self.checks.fail
        for sent in self.life.leaves:
            request = self._request(sent.token)
            if request is None:
                fail("lost", sent.at, [sent.parent], f"leave “{sent.token}” is not stored")
                continue
            pupil = self.town.school.pupil(self.codes[request.student_id])
            teacher = self.town.teacher_at(pupil.klass, sent.at)
            joined = teacher.linked_by(sent.at)
            told = LEAVE_SENT if joined else LEAVE_KEPT
            if not any(phrase in sent.told for phrase in told):
                detail = f"leave “{sent.token}”: told “{sent.told[-160:]}”"
                fail("lost", sent.at, [sent.parent, teacher], detail)
            reached = sum(
                self.checks.received(anyone, lambda t, s=sent: s.token in t)
                for anyone in self.town.teachers_of(pupil.klass)
            )
            if not reached and (teacher.linked_at or request.state != RequestState.PENDING):
                fail("lost", sent.at, [sent.parent, teacher], f"“{sent.token}” never reached")
            if request.state != RequestState.PENDING and not sent.parent.blocked:
                news = self.checks.received(
                    sent.parent,
                    lambda t, n=pupil.name: n in t and any(p in t for p in LEAVE_DECIDED),
                )
                if not news:
                    detail = f"“{sent.token}” {request.state.value}, the parent never told"
                    fail("lost", sent.at, [sent.parent], detail)

    def _leave_buttons(self) -> None:
        for press in self.life.presses:
            wrong = _wrong_answer(press)
            if wrong:
                self.checks.fail("buttons", press.at, [press.person], wrong)

    async def _seen_twice(self) -> None:
        """ "✅ Đã xem" pressed (twice): the button shows when it was first read, as recorded."""
        stage = self.town.stage
        ids: dict[int, tuple[Person, Any, datetime]] = {}
        for who, delivered, at, _twice in self.town.seen_presses:
            for d in delivered.buttons[:1]:
                if d.startswith("v1:rcpt:ok:"):
                    ids.setdefault(int(d.split(":")[3]), (who, delivered, at))  # the first
        async with stage.sessions() as session:
            read = dict(
                (
                    await session.execute(
                        select(Delivery.id, Delivery.read_at).where(Delivery.id.in_(ids))
                    )
                ).all()
            )
        world = stage.sandbox.state
        for delivery_id, (who, delivered, at) in ids.items():
            read_at = read.get(delivery_id)
            if read_at is None or read_at > at + timedelta(minutes=1):
                when = f"{vn(read_at):%d/%m %H:%M}" if read_at else "never"
                detail = f"“Đã xem” first pressed {vn(at):%d/%m %H:%M}, recorded {when}"
                self.checks.fail("buttons", at, [who], detail)
                continue
            local = vn(read_at)
            wanted = [s.format(time=f"{local:%H:%M}", date=f"{local:%d/%m}") for s in SEEN_AT]
            entry = world.chat_log(stage.bot_id, who.id).by_id.get(delivered.message_id)
            markup = (entry.message.get("reply_markup") or {}) if entry else {}
            labels = [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]
            if entry is not None and not any(w in label for w in wanted for label in labels):
                detail = f"“Đã xem” shows {labels}, read at {local:%H:%M %d/%m}"
                self.checks.fail("buttons", at, [who], detail)

    # --- absences in notices ---------------------------------------------------------------

    async def _absences(self, end: datetime) -> None:
        stage = self.town.stage
        school = stage.school_id
        async with stage.sessions() as session:
            rows = (
                await session.execute(
                    select(Absence.student_id, Absence.day, Absence.part, Absence.excused).where(
                        Absence.school_id == school
                    )
                )
            ).all()
            notices = (
                await session.execute(
                    select(Notice.ref, Delivery.due_at)
                    .join(Delivery, Delivery.notice_id == Notice.id)
                    .where(Notice.kind == "weekly", Notice.school_id == school)
                )
            ).all()
        missed: dict[int, set[tuple[date, DayPart, bool]]] = defaultdict(set)
        for pupil, day, part, excused in rows:
            missed[pupil].add((day, part, bool(excused)))
        touched = self._touched()
        year = calendar()
        checked: set[str] = set()
        for ref, moment in notices:
            if ref in checked or moment > end - QUIET_MARGIN:
                continue
            checked.add(ref)
            _, monday, _, pupil_id = str(ref).split(":")
            week = year.week_of(date.fromisoformat(monday))
            if (
                week is None
                or touched.get((int(pupil_id), week.start), moment) > end - QUIET_MARGIN
            ):
                continue
            wanted = {m for m in missed[int(pupil_id)] if week.start <= m[0] <= week.end}
            self._absences_told(int(pupil_id), week.number, wanted, moment, end)
        self._leave_is_absence({(p, d) for p, d, _, _ in rows})

    def _touched(self) -> dict[tuple[int, date], datetime]:
        """The last moment each pupil's week had its attendance changed by the simulation."""
        last: dict[tuple[int, date], datetime] = {}
        year = calendar()

        def touch(pupil: int, day: date, at: datetime) -> None:
            week = year.week_of(day)
            if week is not None:
                key = (pupil, week.start)
                last[key] = max(last.get(key, at), at)

        for (pupil, day), moments in self.life.marked.items():
            touch(pupil, day, max(moments))
        for press in self.life.presses:
            request = self._request(press.token)
            if request is not None and press.before != press.after:
                day = request.first_day
                while day <= request.last_day:
                    touch(request.student_id, day, press.at)
                    day += timedelta(days=1)
        return last

    def _absences_told(
        self,
        pupil_id: int,
        number: int,
        wanted: set[tuple[date, DayPart, bool]],
        moment: datetime,
        end: datetime,
    ) -> None:
        name = self.town.school.pupil(self.codes[pupil_id]).name
        expected = {(f"{d:%d/%m}", part, excused) for d, part, excused in wanted}
        for person in self.town.guardians_of(self.codes[pupil_id]):
            if not person.linked_by(moment) or _blocked_since(person, moment):
                continue
            told = [
                d.text
                for d in self.town.stage.log
                if d.chat_id == person.id and not d.edit and _about(d.text, number, name)
            ]
            if not told:
                continue
            shown = _missed_in(told[-1])
            if shown != expected:
                told_list, recorded = _listed(shown), _listed(expected)
                detail = f"week {number} of {name}: told [{told_list}], recorded [{recorded}]"
                self.checks.fail("absence", end, [person], detail)

    def _leave_is_absence(self, recorded: set[tuple[int, date]]) -> None:
        year = calendar()
        for request in self.requests:
            if request.state != RequestState.APPROVED:
                continue
            day = request.first_day
            while day <= request.last_day:
                marked = (request.student_id, day) in self.life.marked
                if (
                    year.is_school_day(day)
                    and not marked
                    and (request.student_id, day) not in recorded
                ):
                    sent = next((s for s in self.life.leaves if s.token in request.reason), None)
                    detail = f"a confirmed leave request has no absence on {day:%d/%m/%Y}"
                    self.checks.fail(
                        "absence", sent.at if sent else self.town.stage.now(), [], detail
                    )
                day += timedelta(days=1)

    # --- the sender's report ---------------------------------------------------------------

    async def _unreachable(self) -> None:
        stage = self.town.stage
        async with stage.sessions() as session:
            rows = (
                await session.execute(
                    select(Notice.text, Notice.report_chat_id, Notice.report_message_id).where(
                        Notice.school_id == stage.school_id, Notice.kind == "urgent"
                    )
                )
            ).all()
        world = stage.sandbox.state
        for urgent in self.town.urgents:
            blocked = {
                p.name
                for code in (p.code for p in self.town.school.in_class(urgent.klass))
                for p in self.town.guardians_of(code)
                if p.linked_by(urgent.at) and p.blocked_at(urgent.at)
            }
            found = [(c, m) for text, c, m in rows if urgent.token in text]
            if not found or found[0][1] is None:
                if blocked:
                    self.checks.fail("unreachable", urgent.at, [urgent.sender], "no report")
                continue
            chat, message = found[0]
            entry = world.chat_log(stage.bot_id, int(chat)).by_id.get(int(message))
            text = nfc(html.unescape(str(entry.message.get("text") or ""))) if entry else ""
            line = BLOCKED.search(text)
            named = {n.strip() for n in (line.group(2) or "").split(",")} if line else set()
            missing = {nfc(n) for n in blocked} - named
            if missing or (line is not None and not blocked):
                shown = line.group(0) if line else None
                detail = f"“{urgent.token}”: blocked {sorted(blocked)}, reported {shown}"
                self.checks.fail("unreachable", urgent.at, [urgent.sender], detail)


def _wrong_answer(press: OldPress) -> str:
    """What is wrong with an old button's answer, given the request's state before it."""
    answer = press.answer
    if press.before is None:
        return f"{press.what} of “{press.token}”: no request"
    if press.what.startswith("teacher") and press.before == RequestState.PENDING:
        wanted = RequestState.APPROVED if "Xác nhận" in press.what else RequestState.REJECTED
        if press.after != wanted or answer:
            return f"{press.what} of a pending request: {answer!r}, now {press.after}"
        return ""
    expected = LEAVE_STATE[press.before.value]
    if not any(answer.startswith(e) for e in expected) or press.after != press.before:
        return f"{press.what} of a request {press.before.value}: answered {answer!r}"
    return ""


def _listed(missed: set[tuple[str, DayPart, bool]]) -> str:
    return "; ".join(
        f"{day} {part.value}, {'excused' if excused else 'not excused'}"
        for day, part, excused in sorted(missed)
    )


def _blocked_since(person: Person, moment: datetime) -> bool:
    return any(b is None or b > moment for _a, b in person.blocked)


def _about(text: str, number: int, name: str) -> bool:
    """A notice or an addendum of week `number` about this pupil, with its attendance."""
    found = NOTICE.match(text) or ADDENDUM.match(text)
    return (
        found is not None
        and int(found.group(1)) == number
        and name in nfc(text)
        and bool(ATTENDANCE.search(text))
    )


def _missed_in(text: str) -> set[tuple[str, DayPart, bool]]:
    found = ATTENDANCE.search(text)
    if found is None or found.group(1) is None:
        return set()
    return {
        (day, PARTS.get(part, DayPart.AFTERNOON), excused.strip() in ("có phép", "excused"))
        for day, part, excused in MISSED.findall(found.group(1))
    }
