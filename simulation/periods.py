"""The principal's locks and publication of the assessment book's periods, planned on top of
`simulation/town.py` (the flows are simulation/leaders.py):

- every run: the book holds the end-of-term-I results (entered in term I, simulation/lists.py),
  open; the principal locks term I for the school on the first morning, publishes it the next
  morning, opens it for the first class at 10:00 for its teacher to fix one result by sheet,
  and locks it again at noon; in the week the principal is away the vice principal tries to
  open it (only the principal may); that evening the teacher sends her sheet again (refused);
- parents look at /ketqua before publication (and press the period's button as an old one
  would), and after the notice;
- a later period whose test week falls in the run (mid-term II in a whole term): every class's
  teacher fills the summary sheet in the two weeks after the test week; the principal locks
  the period on the third Monday and publishes it one to three days later; a teacher late
  with hers is refused, the principal opens her class the next morning and locks it again in
  the afternoon; some teachers send theirs again after the lock (refused).

Checked at the end (`Periods.check`), each with the invariant named:

- **locks**: after each press or command of the principal the database's lock (for the school
  or the class) and publication are what she asked, she was told so, and each change has its
  audit event; the vice principal is refused and nothing changes.
- **book**: a class summary sent while its period is locked for the class is refused as such
  and changes nothing; one sent while open is acknowledged with the count of changed results,
  and the book holds exactly what was written.
- **results**: /ketqua offers exactly the periods published at that moment (before any, it says
  none is); a period's button pressed before its publication is refused and shows nothing;
  the results shown are the child's, and its Toán is the book's value at that moment; nothing
  ranked or averaged; the notice of a publication reaches every guardian linked and not
  blocking the bot when it was published exactly once (a copy in flight at a kill or a
  timeout counted as a duplicate), and nobody before it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.features.assessment import queries as assessment
from bot.features.assessment.queries.periods import test_day
from bot.features.assessment.rules import Period
from simulation import leaders, period_checks
from simulation.invariants import Checks
from simulation.leaders import Seen, Written
from simulation.people import Person
from simulation.sheets import codes_of
from simulation.town import Action, Town
from simulation.world import Delivered, calendar, vn


@dataclass
class Change:
    """A lock, an unlock or a publication asked of the bot, and the state around it."""

    person: Person
    at: datetime
    period: str
    klass: str | None
    what: str  # "lock", "unlock", "publish"
    how: str  # "command", "screens"
    told: str
    before: tuple[bool, bool]  # (locked, published)
    after: tuple[bool, bool]
    # the parents linked then (by id), and whether each was blocking the bot
    parents: dict[int, bool] = field(default_factory=dict)


@dataclass
class Sent:
    """A class summary sheet sent back, and the class's book of the period around it."""

    teacher: Person
    klass: str
    period: str
    at: datetime
    locked: bool
    written: Written
    told: str
    before: dict[tuple[str, str], str]
    after: dict[tuple[str, str], str]


@dataclass
class Look:
    """A parent's /ketqua (or a period's old button), the periods published then, and the
    child's results of the period pressed, from the database."""

    parent: Person
    at: datetime
    code: str
    seen: Seen
    published: list[str]
    book: dict[str, str]
    language: str  # the parent's then


@dataclass
class Periods:
    town: Town
    changes: list[Change] = field(default_factory=list)
    sheets: list[Sent] = field(default_factory=list)
    looks: list[Look] = field(default_factory=list)
    rng: random.Random = field(init=False)  # its own draws: the other flows' stay as they were

    def __post_init__(self) -> None:
        self.rng = random.Random(f"periods-{self.town.stage.options.seed}")

    @property
    def principal(self) -> Person:
        return self.town.staff["Hiệu trưởng"]

    @property
    def vice(self) -> Person:
        return self.town.staff["Phó hiệu trưởng"]

    def acts(self) -> dict[str, int]:
        mine = [c for c in self.changes if c.person is self.principal]
        return {
            "period_locks": sum(1 for c in mine if c.what != "publish"),
            "period_publications": sum(1 for c in mine if c.what == "publish"),
            "vice_lock_refused": sum(1 for c in self.changes if c.person is self.vice),
            "book_sheets": len(self.sheets),
            "book_sheets_refused": sum(1 for s in self.sheets if s.locked),
            "results_looks": len(self.looks),
        }

    # --- the plan --------------------------------------------------------------------------

    def plan(self, weeks: int) -> None:
        town = self.town
        town.reactions.append(self.react)
        first = town.school.classes[0]
        for day, hour, action in (
            (0, 8, self._change("principal", "ck1", None, "lock")),
            (0, 12, self._look("ck1")),
            (0, 20, self._look(None)),
            (1, 9, self._change("principal", "ck1", None, "publish")),
            (1, 10, self._change("principal", "ck1", first, "unlock")),
            (1, 11, self._sheet(first, "ck1", fill=False)),
            (1, 12, self._change("principal", "ck1", first, "lock")),
            (3, 10, self._change("vice", "ck1", first, "unlock")),
            (3, 20, self._sheet(first, "ck1", fill=False)),
        ):
            town.agenda[town.hour_of(day, hour)].append(action)
        end = town.start + timedelta(weeks=weeks)
        for period in ("gk2", "cn"):
            self._later(period, end)

    def _day(self, day: date) -> int:
        return (day - vn(self.town.start).date()).days

    def _later(self, period: str, end: datetime) -> None:
        """Sheets in the two weeks after the test week, the lock on the third Monday, late
        sheets, a class opened and locked again, the publication."""
        town, rng, year = self.town, self.rng, calendar()
        friday = test_day(year, Period(period))
        lock_day = friday + timedelta(days=17)
        while not year.is_school_day(lock_day) and lock_day < friday + timedelta(days=60):
            lock_day += timedelta(days=1)
        lock = self._day(lock_day)
        if self._day(friday) < 0 or town.start + timedelta(days=lock + 5) > end:
            return
        window = [friday + timedelta(days=n) for n in range(3, 17)]
        late = rng.choice(town.school.classes)
        for klass in town.school.classes:
            if klass == late:
                when = town.hour_of(lock, 19)
            else:
                day = rng.choice(window)
                hour = rng.choice([9, 15]) if day.weekday() >= 5 else rng.choice([19, 20, 21])
                when = town.hour_of(self._day(day), hour)
            town.agenda[when].append(self._sheet(klass, period, fill=True))
            if klass != late and rng.random() < 0.25:  # again after the lock: refused
                again = town.hour_of(lock + rng.randint(1, 3), rng.choice([19, 20]))
                town.agenda[again].append(self._sheet(klass, period, fill=True))
        hour = rng.randint(8, 16)
        publish = lock + rng.randint(2, 3)  # after the late class is locked again
        for when, action in (
            (town.hour_of(lock, hour), self._change("principal", period, None, "lock")),
            (town.hour_of(lock + 1, 10), self._change("principal", period, late, "unlock")),
            (town.hour_of(lock + 1, 11), self._sheet(late, period, fill=True)),
            (town.hour_of(lock + 1, 15), self._change("principal", period, late, "lock")),
            (town.hour_of(lock, 20), self._look(period)),
            (
                town.hour_of(publish, rng.randint(9, 15)),
                self._change("principal", period, None, "publish"),
            ),
        ):
            town.agenda[when].append(action)

    # --- actions -----------------------------------------------------------------------------

    def _change(self, who: str, period: str, klass: str | None, what: str) -> Action:
        async def act() -> None:
            person = self.principal if who == "principal" else self.vice
            if person.linked_at is None:  # not joined yet: she tries again in an hour
                self.town.agenda[self.town._index() + 1].append(act)
                return
            before = await leaders.state(person, period, klass)
            how = "command" if self.rng.random() < 0.5 else "screens"
            if what == "publish" and how == "command":
                told = await leaders.by_command(person, "congbo", period)
            elif what == "publish":
                told = await leaders.publish_on_screens(person, period)
            elif how == "command":
                scope = [klass] if klass else []
                told = await leaders.by_command(
                    person, "khoaso" if what == "lock" else "mokhoa", period, *scope
                )
            else:
                class_id = await leaders.class_id(person, klass) if klass else 0
                told = await leaders.lock_on_screens(
                    person, period, klass, class_id, what == "lock"
                )
            after = await leaders.state(person, period, klass)
            now = self.town.stage.now()
            change = Change(person, now, period, klass, what, how, told, before, after)
            change.parents = {
                p.id: p.is_blocked for p in self.town.parents.values() if p.linked_at is not None
            }
            self.changes.append(change)

        return act

    def _sheet(self, klass: str, period: str, *, fill: bool) -> Action:
        async def act() -> None:
            teacher = self.town.teacher(klass)  # whoever has the class then
            if teacher.linked_at is None or teacher.left_at is not None:
                return
            locked, _published = await leaders.state(teacher, period, klass)
            before = await leaders.class_book(teacher, klass, period)
            at = self.town.stage.now()
            done = await leaders.book_sheet(teacher, period, self.rng, fill=fill)
            if done is None:
                self.town.stage.problems.append(f"{vn(at):%d/%m %H:%M}: no summary for {klass}")
                return
            after = await leaders.class_book(teacher, klass, period)
            written, told = done
            self.sheets.append(
                Sent(teacher, klass, period, at, locked, written, told, before, after)
            )

        return act

    def _look(self, unpublished: str | None, parent: Person | None = None) -> Action:
        """A parent's /ketqua (with `unpublished`, first that period's button, pressed before
        its publication)."""

        async def act() -> None:
            person = parent or self._a_parent()
            if person is None or person.is_blocked or person.guardian is None:
                return
            code = self.rng.choice(person.guardian.children)
            ids = {c: i for i, c in (await codes_of(self.town)).items()}
            if unpublished is not None:
                seen = await leaders.unpublished_press(person, ids[code], unpublished)
                await self._record(person, code, seen)
            await self._record(person, code, await leaders.results(person, ids[code], self.rng))

        return act

    def _a_parent(self) -> Person | None:
        linked = [p for p in self.town.parents.values() if p.linked_at and not p.is_blocked]
        return self.rng.choice(linked) if linked else None

    async def _record(self, person: Person, code: str, seen: Seen) -> None:
        stage = self.town.stage
        year = assessment.school_year_of(vn(stage.now()).date())
        async with stage.sessions() as session:
            published = [
                p.value for p in await assessment.published(session, stage.school_id, year)
            ]
            book: dict[str, str] = {}
            if seen.period:
                results = await assessment.pupil_results(
                    session, seen.student_id, year, Period(seen.period)
                )
                book = {item.key: row.value for item, row in results.items()}
        self.looks.append(Look(person, stage.now(), code, seen, published, book, person.language))

    # --- reactions ---------------------------------------------------------------------------

    def react(self, index: int, person: Person, delivered: Delivered) -> None:
        """Some parents told of a publication look at /ketqua within a day or so."""
        if person.guardian is None or "/ketqua" not in delivered.text or self.rng.random() >= 0.4:
            return
        later = index + self.rng.randint(1, 30)
        self.town.agenda[later].append(self._look(None, person))

    # --- checks ------------------------------------------------------------------------------

    async def check(self, checks: Checks, end: datetime) -> None:
        await period_checks.check(self, checks, end)
