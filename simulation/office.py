"""The school office's part of the term, planned on top of `simulation/town.py`: teachers ask
to correct an end-of-term-I score, the deciding leader approves or rejects (the vice principal
in the week the principal is away from the first Wednesday, recorded with /vangmat the day
before; the principal's
press that week is refused), the administrator changes the official system, the three sign.

Checked at the end (`Office.check`):

- **lost**: every correction a teacher was told was sent is stored and its card reached the
  leader deciding that day.
- **decider**: a request decided on a day of the principal's absence was decided by the vice
  principal, on any other day by the principal.
- **buttons**: a press on a correction's button changes the request only when it is the
  presser's to change and the request is in the state the button is for; otherwise it answers
  (with the state) and changes nothing.
- **book** (TT27): an applied correction is the book's value; a rejected or waiting one
  left the book alone.
- **audit**: each request has its `correction.request`, each decision and signature its event;
  every request signed by the three came back to the teacher and the administrator as minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from simulation import corrections
from simulation.corrections import Press, SentCorrection
from simulation.invariants import Checks
from simulation.people import Person
from simulation.town import Action, Town
from simulation.world import ZONE, Delivered, vn
from storage.models import (
    AssessmentResult,
    AuditEvent,
    CorrectionRequest,
    CorrectionState,
    Delivery,
    Notice,
)

LABELS = {
    CorrectionState.PENDING: "chờ duyệt",
    CorrectionState.REJECTED: "không được duyệt",
    CorrectionState.APPROVED: "đã được duyệt",
    CorrectionState.APPLIED: "đã sửa, chờ ký",
    CorrectionState.SIGNED: "đã hoàn tất",
}
DONE = (CorrectionState.APPLIED, CorrectionState.SIGNED)  # the book holds the new value
# What a press moves the request from and to, when it is the presser's to make.
MOVES = {
    "ok": (CorrectionState.PENDING, CorrectionState.APPROVED),
    "no": (CorrectionState.PENDING, CorrectionState.REJECTED),
    "sys": (CorrectionState.APPROVED, CorrectionState.APPLIED),
}


@dataclass
class Office:
    town: Town
    sent: list[SentCorrection] = field(default_factory=list)
    presses: list[Press] = field(default_factory=list)
    away: set[date] = field(default_factory=set)

    @property
    def principal(self) -> Person:
        return self.town.staff["Hiệu trưởng"]

    @property
    def vice(self) -> Person:
        return self.town.staff["Phó hiệu trưởng"]

    @property
    def admin(self) -> Person:
        return self.town.staff["Quản trị hệ thống"]

    def acts(self) -> dict[str, int]:
        return {
            "corrections": len(self.sent),
            "correction_presses": len(self.presses),
            "principal_away_days": len(self.away),
        }

    def plan(self, weeks: int) -> None:
        town, rng = self.town, self.town.rng
        town.reactions.append(self.react)
        for week in range(weeks):
            for n, klass in enumerate(town.school.classes):
                if n == 0 or rng.random() < 0.4:
                    when = town.hour_of(week * 7 + rng.randrange(5), rng.choice([9, 14, 20]))
                    town.agenda[when].append(self._file(klass))
        # The principal is away a week from the first Wednesday (recorded the day before); a
        # correction is filed that Wednesday; the vice principal looks at what waits for her.
        monday = town.start
        town.agenda[town.hour_of(1, 15)].append(
            self._away(monday + timedelta(days=2), monday + timedelta(days=8))
        )
        town.agenda[town.hour_of(2, 14)].append(self._file(town.school.classes[0]))
        for day in (2, 4, 7):
            town.agenda[town.hour_of(day, 8 if day != 2 else 16)].append(self._list())

    # --- actions ---------------------------------------------------------------------------

    def _file(self, klass: str) -> Action:
        async def act() -> None:
            teacher = self.town.teacher(klass)  # whoever has the class then
            if teacher.linked_at is not None:
                sent = await corrections.file_correction(teacher, self.town.rng)
                if sent is not None:
                    self.sent.append(sent)

        return act

    def _away(self, first: datetime, last: datetime) -> Action:
        async def act() -> None:
            if await corrections.away(self.principal, first, last):
                day = vn(first).date()
                while day <= vn(last).date():
                    self.away.add(day)
                    day += timedelta(days=1)

        return act

    def _list(self) -> Action:
        async def act() -> None:
            await corrections.waiting_list(self.vice)

        return act

    def _press(self, person: Person, action: str, rid: int, mid: int, role: str = "") -> Action:
        async def act() -> None:
            if person.left_at is not None:
                return  # she left the school (simulation/staffing.py presses for her)
            deciding = person is self.principal and action in ("ok", "no")
            if deciding and self._is_away() and self.town.rng.random() < 0.7:
                return  # away: most days she does not look
            self.presses.append(await corrections.press(person, action, rid, mid, role))
            if action in ("ok", "no") and self.town.rng.random() < 0.3:  # pressed again later
                later = self.town._index() + self.town.rng.randint(1, 30)
                self.town.agenda[later].append(self._press(person, "okq", rid, mid))

        return act

    def _is_away(self) -> bool:
        return vn(self.town.stage.now()).date() in self.away

    # --- reactions -------------------------------------------------------------------------

    def react(self, index: int, person: Person, delivered: Delivered) -> None:
        """A leader's card, the administrator's "Đã cập nhật", a "Ký": pressed in working hours
        (one card in four rejected)."""
        rng = self.town.rng
        for data in delivered.buttons:
            parts = data.split(":")
            if data.startswith("v1:corr:okq:"):
                action, role = ("ok" if rng.random() < 0.75 else "no"), ""
            elif data.startswith(("v1:corr:sys:", "v1:corr:sign:")):
                action, role = parts[2], (parts[4] if len(parts) > 4 else "")
            else:
                continue
            later = index + rng.randint(1, 12)
            hour = self.town.at(later).astimezone(ZONE).hour
            if hour < 7 or hour >= 21:
                later += (7 - hour) % 24
            press = self._press(person, action, int(parts[3]), delivered.message_id, role)
            self.town.agenda[later].append(press)

    # --- checks ----------------------------------------------------------------------------

    async def check(self, checks: Checks) -> None:
        await self._clock(checks)
        stage = self.town.stage
        async with stage.sessions() as session:
            requests = (
                await session.scalars(
                    select(CorrectionRequest).where(CorrectionRequest.school_id == stage.school_id)
                )
            ).all()
            events = {
                (a, e)
                for a, e in await session.execute(
                    select(AuditEvent.action, AuditEvent.entity_id).where(
                        AuditEvent.school_id == stage.school_id
                    )
                )
            }
            book = {
                s: v
                for s, v in await session.execute(
                    select(AssessmentResult.student_id, AssessmentResult.value).where(
                        AssessmentResult.period == "ck1", AssessmentResult.item == "TOAN"
                    )
                )
                if v is not None and v.isdigit()
            }
        self._lost(checks, list(requests))
        for request in requests:
            self._request(checks, request, events, book)
        self._book_alone(checks, list(requests), book)
        for press in self.presses:
            self._buttons(checks, press)

    async def _clock(self, checks: Checks) -> None:
        """**clock**: every delivery is stamped by the bot's clock (the simulated one), never by
        the machine's: one queued "now" before the simulation began was not."""
        stage = self.town.stage
        async with stage.sessions() as session:
            rows = (
                await session.execute(
                    select(Notice.kind, Notice.text, Delivery.due_at, Delivery.chat_id)
                    .join(Delivery, Delivery.notice_id == Notice.id)
                    .where(Notice.school_id == stage.school_id, Delivery.due_at < self.town.start)
                )
            ).all()
        for kind, text, due_at, chat_id in rows:
            whom = [p for p in [self.town.by_id.get(int(chat_id))] if p]
            detail = f"a {kind} notice queued at {vn(due_at):%d/%m/%Y %H:%M}: {text[:60]}"
            checks.fail("clock", self.town.stage.now(), whom, detail)

    def _lost(self, checks: Checks, requests: list[CorrectionRequest]) -> None:
        for sent in self.sent:
            if "đã được gửi" not in sent.told and "was sent" not in sent.told:
                continue  # refused (a second request for the item): nothing stored, and said so
            mine = [r for r in requests if r.student_id == sent.student_id]
            if not mine:
                checks.fail("lost", sent.at, [sent.teacher], "a correction told sent is not stored")
                continue
            request = mine[-1]
            filed = vn(sent.at).date()
            leader = self.vice if filed in self.away else self.principal
            card = f"v1:corr:okq:{request.id}"
            if not any(d.chat_id == leader.id and card in d.buttons for d in self.town.stage.log):
                detail = f"the card of request {request.id} never reached {leader.name}"
                checks.fail("lost", sent.at, [sent.teacher, leader], detail)

    def _request(
        self,
        checks: Checks,
        request: CorrectionRequest,
        events: set[tuple[str, str]],
        book: dict[int, str],
    ) -> None:
        rid, at = str(request.id), request.decided_at or self.town.stage.now()
        if request.decided_at is not None and request.decided_role is not None:
            wanted = "vice_principal" if vn(request.decided_at).date() in self.away else "principal"
            if request.decided_role != wanted:
                checks.fail("decider", at, [], f"request {rid} decided by {request.decided_role}")
        self._audited(checks, request, events, at)
        value = book.get(request.student_id)
        if request.state in DONE and value != request.new_value:
            detail = f"request {rid} {request.state.value}: the book says {value}"
            checks.fail("book", at, [], detail)
        if request.state is CorrectionState.SIGNED:
            for person in (self.admin, self._teacher_of(request)):
                if person is not None and not any(
                    d.chat_id == person.id and (d.document or "").startswith("bien-ban")
                    for d in self.town.stage.log
                ):
                    checks.fail("audit", at, [person], f"request {rid} signed: no minutes")

    def _audited(
        self,
        checks: Checks,
        request: CorrectionRequest,
        events: set[tuple[str, str]],
        at: datetime,
    ) -> None:
        """The request's own events, and the change of the result it names."""
        rid, state = str(request.id), request.state
        needed = {"correction.request"}
        if state in (CorrectionState.APPROVED, *DONE):
            needed.add("correction.approve")
        if state is CorrectionState.REJECTED:
            needed.add("correction.reject")
        if state is CorrectionState.SIGNED:
            needed.add("correction.signed")
        for action in sorted(needed - {a for a, e in events if e == rid}):
            checks.fail("audit", at, [], f"request {rid} ({state.value}) has no {action}")
        result = f"{request.student_id}:"  # its entity is the result, the request in `after`
        if state in DONE and not any(
            a == "correction.applied" and e.startswith(result) for a, e in events
        ):
            checks.fail("audit", at, [], f"request {rid} ({state.value}): no correction.applied")

    def _book_alone(
        self, checks: Checks, requests: list[CorrectionRequest], book: dict[int, str]
    ) -> None:
        """A pupil with no correction applied keeps the value the term ended with."""
        for request in requests:
            mine = [r for r in requests if r.student_id == request.student_id]
            value = book.get(request.student_id)
            if not any(r.state in DONE for r in mine) and value != request.old_value:
                detail = f"request {request.id} {request.state.value}: the book says {value}"
                checks.fail("book", request.decided_at or self.town.stage.now(), [], detail)

    def _teacher_of(self, request: CorrectionRequest) -> Person | None:
        sent = next((s for s in self.sent if s.student_id == request.student_id), None)
        return sent.teacher if sent else None

    def _buttons(self, checks: Checks, press: Press) -> None:
        move = MOVES.get(press.action)
        allowed = move is not None and press.before is move[0]
        if move is not None and press.action in ("ok", "no"):
            day = vn(press.at).date()
            decider = self.vice if day in self.away else self.principal
            allowed = allowed and press.person is decider
        if press.action == "sign":
            return  # a signature leaves the state until the third: checked by the minutes
        if press.action == "okq" and press.before is CorrectionState.PENDING:
            allowed = press.person is (
                self.vice if vn(press.at).date() in self.away else self.principal
            )
            if allowed:  # it only asks to confirm
                if press.after is not press.before:
                    checks.fail("buttons", press.at, [press.person], "“Duyệt” alone decided")
                return
        if allowed and move is not None:
            if press.after is not move[1] or press.answer:
                detail = f"{press.action} on {press.request_id}: {press.answer!r}, {press.after}"
                checks.fail("buttons", press.at, [press.person], detail)
        elif not press.answer or press.after is not press.before:
            detail = (
                f"{press.action} on request {press.request_id} {press.before}: "
                f"answered {press.answer!r}, now {press.after}"
            )
            checks.fail("buttons", press.at, [press.person], detail)
        elif press.before is not None and press.before in LABELS and _other_label(press):
            detail = f"{press.action} on a request {press.before.value}: {press.answer!r}"
            checks.fail("buttons", press.at, [press.person], detail)


def _other_label(press: Press) -> bool:
    """The answer names another state than the request's."""
    assert press.before is not None
    own = LABELS[press.before]
    others = [label for state, label in LABELS.items() if state is not press.before]
    return own not in press.answer and any(label in press.answer for label in others)
