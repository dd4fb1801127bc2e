"""More of the school's life, planned on top of `simulation/town.py`: leave requests at any hour
(a doctor's note photo sometimes) and the teacher's decision (or her forgetting, until the
reminder), old buttons pressed again (the form's "Gửi" of the run's first request always),
attendance taken late (Friday's on Saturday, last week's on Monday), and parents blocking the
bot before an urgent message to their class, unblocking days later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from simulation import absences
from simulation.absences import OldPress, SentLeave
from simulation.people import Person
from simulation.town import Action, Town
from simulation.world import ZONE, Delivered

TOKEN = re.compile(r"đơn số \d{3}")


@dataclass
class Life:
    town: Town
    leaves: list[SentLeave] = field(default_factory=list)
    presses: list[OldPress] = field(default_factory=list)
    # (pupil id, day) -> the moments the teacher pressed the pupil in /diemdanh
    marked: dict[tuple[int, date], list[datetime]] = field(default_factory=dict)

    def acts(self) -> dict[str, int]:
        """How often people did each thing the invariants of promises.py look at."""
        town = self.town
        return {
            "feedback": len(town.feedbacks),
            "leave_requests": len(self.leaves),
            "doctors_notes": sum(1 for s in self.leaves if s.photo),
            "leave_presses": len(self.presses),
            "absences_marked": len(self.marked),
            "urgent": len(town.urgents),
            "blocks": sum(len(p.blocked) for p in town.by_id.values()),
            "seen_presses": len(town.seen_presses),
        }

    def plan(self, weeks: int) -> None:
        self.town.reactions.append(self.react)
        for week in range(weeks):
            self._plan_week(week)

    def _plan_week(self, week: int) -> None:
        town, rng, base = self.town, self.town.rng, week * 7
        for klass in town.school.classes:
            for _ in range(2):  # leave requests at any hour, any day
                when = town.hour_of(base + rng.randrange(7), rng.randrange(24))
                town.agenda[when].append(self._leave(klass))
            if rng.random() < 0.7:  # Friday's absences entered on Saturday morning
                when = town.hour_of(base + 5, rng.choice([8, 9, 10]))
                town.agenda[when].append(self._attendance(klass, None))
            if rng.random() < 0.5:  # today's, on a weekday morning
                when = town.hour_of(base + rng.choice([1, 2, 3]), 8)
                town.agenda[when].append(self._attendance(klass, None))
            if week and rng.random() < 0.3:  # last Friday's, on Monday: an addendum
                friday = (town.start + timedelta(days=base - 3)).astimezone(ZONE).date()
                town.agenda[town.hour_of(base, 7)].append(self._attendance(klass, friday))
        # A parent of one class blocks the bot on Tuesday morning, an urgent message reaches
        # the class at 11:00 (its report must name her), and she unblocks days later.
        klass = rng.choice(town.school.classes)
        town.agenda[town.hour_of(base + 1, 9)].append(self._block_in(klass, base))
        town.agenda[town.hour_of(base + 1, 11)].append(town._urgent(klass, 100 + week + 1))

    # --- actions -----------------------------------------------------------------------------

    def _leave(self, klass: str) -> Action:
        async def act() -> None:
            parent = self.town._linked_parent(klass)
            if parent is None:
                return
            token = f"đơn số {len(self.leaves) + 1:03d}"
            sent = await absences.ask_leave(parent, token, self.town.rng)
            if sent is None:
                return
            self.leaves.append(sent)
            # The form's old "Gửi" again one to three days later: one time in two, and always
            # (within two days) for the run's first request, so that a short run has one.
            first = len(self.leaves) == 1
            if self.town.rng.random() < 0.5 or first:
                days = self.town.rng.randint(24, 72)
                later = self.town._index() + (min(days, 40) if first else days)
                self.town.agenda[later].append(self._old_send(sent))

        return act

    def _old_send(self, sent: SentLeave) -> Action:
        async def act() -> None:
            if sent.parent.is_blocked:
                return
            for _ in range(2):
                self.presses.append(await absences.press_old_send(sent))

        return act

    def _decide(self, teacher: Person, card: Delivered, data: str, approve: bool) -> Action:
        found = TOKEN.search(card.text)
        token = found.group(0) if found else ""

        async def act() -> None:
            if teacher.left_at is not None:
                return  # she left the school (simulation/staffing.py presses for her)
            press = await absences.decide(teacher, data, card.message_id, token, approve)
            self.presses.append(press)
            if self.town.rng.random() < 0.3:  # the old button pressed again, later
                later = self.town._index() + self.town.rng.randint(1, 30)
                self.town.agenda[later].append(self._again(teacher, card, data, token))

        return act

    def _again(self, teacher: Person, card: Delivered, data: str, token: str) -> Action:
        async def act() -> None:
            if teacher.left_at is not None:
                return
            approve = ":ok:" in data
            self.presses.append(
                await absences.decide(teacher, data, card.message_id, token, approve)
            )

        return act

    def _attendance(self, klass: str, day: date | None) -> Action:
        async def act() -> None:
            teacher = self.town.teacher(klass)  # whoever has the class then
            if teacher.linked_at is None:
                return
            now = self.town.stage.now()
            for key in await absences.take_attendance(teacher, self.town.rng, day):
                self.marked.setdefault(key, []).append(now)

        return act

    def _block_in(self, klass: str, base: int) -> Action:
        async def act() -> None:
            parent = self.town._linked_parent(klass)
            if parent is None:
                return
            await parent.client.block()
            parent.blocked.append((self.town.stage.now(), None))
            back = self.town.hour_of(base + 1 + self.town.rng.randint(1, 4), 18)
            self.town.agenda[back].append(self._unblock(parent))

        return act

    def _unblock(self, parent: Person) -> Action:
        async def act() -> None:
            if parent.is_blocked:
                await parent.client.unblock()
                parent.blocked[-1] = (parent.blocked[-1][0], self.town.stage.now())

        return act

    # --- reactions ---------------------------------------------------------------------------

    def react(self, index: int, person: Person, delivered: Delivered) -> None:
        """A teacher's leave card (or its reminder): decided within working hours, three in
        twenty confirmed... or forgotten until the reminder."""
        oks = [d for d in delivered.buttons if d.startswith("v1:leave:ok:")]
        nos = [d for d in delivered.buttons if d.startswith("v1:leave:no:")]
        if not oks or not nos or person.member is None:
            return
        rng = self.town.rng
        if rng.random() < 0.15:
            return  # forgotten: the reminder comes after two working days
        approve = rng.random() < 0.8
        later = index + rng.randint(1, 20)
        hour = self.town.at(later).astimezone(ZONE).hour
        if hour < 7 or hour >= 21:  # she decides in her working hours
            later += (7 - hour) % 24
        data = oks[0] if approve else nos[0]
        self.town.agenda[later].append(self._decide(person, delivered, data, approve))
