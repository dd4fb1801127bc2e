"""Who does what when: the school's people, their plans drawn from the seeded generator, and
their reactions to what the bot sent them, hour by simulated hour.

- Parents link over the first weeks (some never; some share a stranger's contact card first;
  those whose number in the export is stale cannot link by their contact), read or ignore
  notices (pressing "✅ Đã xem" days later, and twice), send /gopy at any hour and press its old
  "Huỷ" days later (twice), block and unblock the bot, switch to English.
- Teachers write /nhanxet comments at noon, in the evening, at the weekend and in the Friday
  rush, send /khan messages (one in quiet hours), answer feedback or forget it; one joins a day
  late, after a parent already wrote to her; on Saturday one presses "Gửi ngay" for the week.
- The leaders, the administrator, the nurse and the clerk link on the first morning.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.client import PersonClient
from simulation import people
from simulation.people import Given, Person, SentFeedback
from simulation.school import School
from simulation.world import ZONE, Delivered, Stage

Action = Callable[[], Awaitable[None]]
LEADERS = ("Hiệu trưởng", "Phó hiệu trưởng", "Quản trị hệ thống", "Nhân viên y tế", "Văn thư")


@dataclass
class Urgent:
    token: str
    klass: str
    at: datetime
    sender: Person


@dataclass
class Town:
    stage: Stage
    school: School
    rng: random.Random
    start: datetime
    parents: dict[int, Person] = field(default_factory=dict)  # by id(guardian)
    staff: dict[str, Person] = field(default_factory=dict)  # by role, or by homeroom class
    by_id: dict[int, Person] = field(default_factory=dict)
    agenda: dict[int, list[Action]] = field(default_factory=lambda: defaultdict(list))
    feedbacks: list[SentFeedback] = field(default_factory=list)
    urgents: list[Urgent] = field(default_factory=list)
    link_attempts: dict[int, str] = field(default_factory=dict)  # person id -> how
    # More reactions to each new message (simulation/life.py): (hour index, person, message)
    reactions: list[Callable[[int, Person, Delivered], None]] = field(default_factory=list)
    # Parents who link through a link request instead (simulation/requests.py): id -> the flow
    by_request: dict[int, Action] = field(default_factory=dict)
    # "Đã xem" pressed: (person, message, moment of the first press, pressed twice)
    seen_presses: list[tuple[Person, Delivered, datetime, bool]] = field(default_factory=list)
    seen_log: int = 0  # how much of the stage's log people have looked at
    given: list[Given] = field(default_factory=list)  # every comment teachers gave, in order
    # Homeroom teachers replaced (simulation/staffing.py): class -> [(who left, when)]
    former: dict[str, list[tuple[Person, datetime]]] = field(default_factory=dict)

    def add(self, name: str, phone: str, **known: Any) -> Person:
        sandbox = self.stage.sandbox.add_person(name, f"+84{phone[1:]}")
        client = PersonClient(
            self.stage.sandbox.url, sandbox.id, self.stage.bot_id, http=self.stage.http
        )
        person = Person(self.stage, name, phone, client, **known)
        self.by_id[person.id] = person
        return person

    def teacher(self, klass: str) -> Person:
        """The class's homeroom teacher now."""
        return self.staff[klass]

    def teacher_at(self, klass: str, moment: datetime) -> Person:
        """The class's homeroom teacher at `moment` (before a replacement: the one who left)."""
        left = [person for person, at in self.former.get(klass, []) if moment < at]
        return left[0] if left else self.staff[klass]

    def teachers_of(self, klass: str) -> list[Person]:
        """Every homeroom teacher the class had in the run, the one now last."""
        return [person for person, _at in self.former.get(klass, [])] + [self.staff[klass]]

    def hour_of(self, day: int, hour: int) -> int:
        return day * 24 + hour

    def at(self, index: int) -> datetime:
        return self.start + timedelta(hours=index)

    def plan(self, weeks: int) -> None:
        """Everybody and their plans for the run."""
        for member in self.school.staff:
            key = member.homeroom or member.role
            self.staff[key] = self.add(member.name, member.phone, member=member)
        for guardian in self.school.guardians:
            self.parents[id(guardian)] = self.add(guardian.name, guardian.phone, guardian=guardian)
        late = self.school.classes[0]
        for key, person in self.staff.items():
            day = 1 if key == late else 0  # the first class's teacher joins a day late
            self.agenda[self.hour_of(day, 7)].append(self._link(person))
        self._plan_parents()
        for week in range(weeks):
            self._plan_week(week)

    def _plan_parents(self) -> None:
        first = self.school.in_class(self.school.classes[0])[0]
        writer = self.parents[id(first.mother)]
        self.agenda[self.hour_of(0, 8)].append(self._link(writer))
        # She writes to the homeroom teacher the evening before the teacher joins.
        self.agenda[self.hour_of(0, 20)].append(self._feedback(writer))
        phones = [g.roster_phone for g in self.school.guardians]
        for guardian in self.school.guardians:
            person = self.parents[id(guardian)]
            if person is writer or self.rng.random() < 0.15:
                continue  # never links (or already planned)
            day = min(int(self.rng.expovariate(1 / 2.5)), 9)
            hour = self.rng.choice([6, 7, 12, 19, 20, 21, 22, 23])
            stranger = self.rng.choice(phones) if self.rng.random() < 0.06 else None
            self.agenda[self.hour_of(day, hour)].append(self._link(person, stranger))

    def _plan_week(self, week: int) -> None:
        base = week * 7
        rng = self.rng
        for klass in self.school.classes:
            for day in range(5):
                for hour in (12, 20) if day < 4 else (13, 14, 15):
                    if rng.random() < 0.7:
                        self.agenda[self.hour_of(base + day, hour)].append(
                            self._comments(klass, rng.randint(2, 6))
                        )
            self.agenda[self.hour_of(base + 6, 20)].append(self._comments(klass, 1))
            for _ in range(2):
                self.agenda[self.hour_of(base + rng.randrange(7), rng.randrange(24))].append(
                    self._feedback(None, klass)
                )
        self.agenda[self.hour_of(base + 5, 10)].append(self._send_now(self.school.classes[0]))
        klass = rng.choice(self.school.classes)
        # Week one's urgent message goes at 21:00, in quiet hours: it must not wait.
        when = self.hour_of(base + 2, 21) if week == 0 else self.hour_of(base + 1, 10)
        self.agenda[when].append(self._urgent(klass, week + 1))
        if week == 0:
            self.agenda[self.hour_of(2, 19)].append(self._block(True))
            self.agenda[self.hour_of(6, 8)].append(self._block(False))
            self.agenda[self.hour_of(1, 9)].append(self._english())

    # --- actions -----------------------------------------------------------------------------

    def _link(self, person: Person, stranger: str | None = None) -> Action:
        code = self.stage.slips.get(person.name)
        stale = person.guardian is not None and person.guardian.stale
        # The slip's code: always when the export's number is stale, else one time in four.
        by_code = code is not None and (stale or self.rng.random() < 0.25)

        async def act() -> None:
            if person.id in self.by_request:
                self.link_attempts[person.id] = "request"
                return await self.by_request[person.id]()
            how = "code" if by_code else "stranger-card" if stranger else "contact"
            self.link_attempts[person.id] = "stale-phone" if stale and not by_code else how
            if by_code and code is not None:
                linked = await people.link_by_code(person, code)
            else:
                linked = await people.link(person, stranger_phone=stranger)
            if linked:
                person.linked_at = self.stage.now()

        return act

    def _comments(self, klass: str, count: int) -> Action:
        async def act() -> None:
            teacher = self.teacher(klass)  # whoever has the class then
            if teacher.linked_at is not None:
                await people.write_comments(teacher, count, self.rng.randrange(50), self.given)

        return act

    def _send_now(self, klass: str) -> Action:
        async def act() -> None:
            teacher = self.teacher(klass)
            if teacher.linked_at is not None:
                await people.send_week_now(teacher)

        return act

    def _urgent(self, klass: str, number: int) -> Action:
        async def act() -> None:
            teacher = self.teacher(klass)
            token = f"khẩn số {number:03d}"
            text = f"Thông báo {token}: lớp {klass} nghỉ học buổi chiều do mưa lớn."
            if teacher.linked_at is not None and await people.urgent(teacher, text):
                self.urgents.append(Urgent(token, klass, self.stage.now(), teacher))

        return act

    def _feedback(self, writer: Person | None, klass: str | None = None) -> Action:
        async def act() -> None:
            parent = writer or self._linked_parent(klass)
            if parent is None or not parent.linked_by(self.stage.now()) or parent.is_blocked:
                return
            token = f"góp ý số {len(self.feedbacks) + 1:03d}"
            sent = await people.feedback(parent, token, self.rng.randrange(9))
            if sent is not None:
                self.feedbacks.append(sent)
                later = self._index() + self.rng.randint(20, 60)
                self.agenda[later].append(self._old_cancel(sent))

        return act

    def _old_cancel(self, sent: SentFeedback) -> Action:
        async def act() -> None:
            if not sent.cancel or sent.parent.is_blocked:
                return
            for _ in range(2):
                answer = await sent.parent.press(sent.cancel, sent.message_id, forged=True)
                sent.cancel_answers.append(answer or "")

        return act

    def _block(self, blocking: bool) -> Action:
        async def act() -> None:
            linked = [p for p in self.parents.values() if p.linked_at is not None]
            chosen = [p for p in linked if p.is_blocked] if not blocking else linked[-1:]
            for person in chosen[:1]:
                if blocking:
                    await person.client.block()
                    person.blocked.append((self.stage.now(), None))
                else:
                    await person.client.unblock()
                    person.blocked[-1] = (person.blocked[-1][0], self.stage.now())

        return act

    def _english(self) -> Action:
        async def act() -> None:
            linked = [p for p in self.parents.values() if p.linked_at and not p.is_blocked]
            if linked:
                await people.language(linked[0], "en")

        return act

    def _linked_parent(self, klass: str | None) -> Person | None:
        pupils = self.school.in_class(klass) if klass else self.school.pupils
        found = [
            self.parents[id(g)]
            for p in pupils
            for g in (p.father, p.mother)
            if self.parents[id(g)].linked_at and not self.parents[id(g)].is_blocked
        ]
        return self.rng.choice(found) if found else None

    def _index(self) -> int:
        return int((self.stage.now() - self.start).total_seconds() // 3600)

    # --- each hour ---------------------------------------------------------------------------

    async def hour(self, index: int) -> None:
        """What people do in this hour: the plan, then reactions to what arrived."""
        for action in self.agenda.pop(index, []):
            await action()
        await self.react(index)

    async def react(self, index: int) -> None:
        """Plan reactions to the bot's new messages: "Đã xem" presses and answers to feedback."""
        fresh = self.stage.log[self.seen_log :]
        self.seen_log = len(self.stage.log)
        local = self.at(index).astimezone(ZONE)
        for delivered in fresh:
            person = self.by_id.get(delivered.chat_id)
            if person is None or delivered.edit:
                continue
            for reaction in self.reactions:
                reaction(index, person, delivered)
            if any(d.startswith("v1:rcpt:ok:") for d in delivered.buttons):
                if self.rng.random() < 0.6:
                    later = index + self.rng.randrange(72)
                    twice = self.rng.random() < 0.25
                    self.agenda[later].append(self._seen(person, delivered, twice))
            elif any(d.startswith("v1:fb:reply:") for d in delivered.buttons):
                forgotten = self.rng.random() >= 0.75
                later = index + max(1, 8 - local.hour) if local.hour < 8 else index + 1
                if not forgotten:
                    self.agenda[later].append(self._answer(person, delivered))

    def _seen(self, person: Person, delivered: Delivered, twice: bool) -> Action:
        async def act() -> None:
            if not person.is_blocked:
                self.seen_presses.append((person, delivered, self.stage.now(), twice))
                await people.seen(person, delivered, False)
                if twice:  # the old button again, hours later
                    later = self._index() + self.rng.randint(1, 30)
                    self.agenda[later].append(self._seen(person, delivered, False))

        return act

    def _answer(self, person: Person, card: Delivered) -> Action:
        async def act() -> None:
            if person.left_at is not None:
                return  # she left the school
            await people.answer_feedback(person, card, "Cảm ơn phụ huynh, cô sẽ để ý và báo lại.")

        return act

    # --- what is true ------------------------------------------------------------------------

    def entitled(self, person: Person, moment: datetime) -> set[str] | None:
        """The pupils (codes) whose data may reach the person at `moment`; None: every pupil."""
        if not person.linked_by(moment) or (person.left_at and person.left_at <= moment):
            return set()  # (a member of staff who left: nobody's data any more)
        if person.guardian is not None:
            return set(person.guardian.children)
        member = person.member
        assert member is not None
        if member.role in LEADERS:
            return None
        return {p.code for p in self.school.in_class(member.homeroom)}

    def guardians_of(self, code: str) -> list[Person]:
        pupil = self.school.pupil(code)
        return [self.parents[id(pupil.father)], self.parents[id(pupil.mother)]]

    def role_of(self, person: Person) -> str:
        if person.guardian is not None:
            return "phụ huynh"
        if person.member is None:
            return "người lạ"
        return person.member.role + (f" {person.member.homeroom}" if person.member.homeroom else "")
