"""The promises of design.md sections 4 and 5, checked on what the sandbox delivered (with the
simulated moment of each message), on the database and on what the simulation knows is true.

Each violation names the invariant, the seed, the simulated time (Vietnam time) and the people.
`delivery`, `privacy`, `week`, `quiet`, `lost`, `buttons`, `audit`, `book` (on what parents
read) and `ranking` are described in docs/simulation.md; what they read is in
simulation/privacy.py (documents, namesakes), simulation/audits.py (the audit events the records
call for) and simulation/outcomes.py (TT27 and ranking).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from simulation import audits
from simulation.outcomes import outcome_problems, ranking_problems
from simulation.people import Person
from simulation.privacy import Documents, homeroom_comment, mentions, namesakes_comment
from simulation.report import Violation
from simulation.texts import CANCELLED, CODE, HEADING, NOTICE
from simulation.town import Town
from simulation.world import ZONE, Delivered, calendar, quiet, vn
from storage.models import (
    AuditEvent,
    CommentKind,
    Delivery,
    DeliveryState,
    Feedback,
    FeedbackMessage,
    FeedbackState,
    Notice,
    Student,
    TelegramAccount,
    WeeklyComment,
)
from storage.names import nfc


@dataclass
class Checks:
    town: Town
    violations: list[Violation] = field(default_factory=list)
    duplicates: int = 0
    audit_seen: dict[int, str] = field(default_factory=dict)
    checked: int = 0  # messages of the log already checked message by message
    documents: Documents | None = None  # the delivered documents' text, read once each
    codes: dict[int, str] = field(default_factory=dict)  # pupil id -> code (at the end)

    def fail(self, name: str, at: datetime, people: list[Person], detail: str) -> None:
        self.violations.append(
            Violation(
                name,
                self.town.stage.options.seed,
                f"{vn(at):%d/%m/%Y %H:%M}",
                [f"{p.name} ({self.town.role_of(p)})" for p in people],
                detail,
            )
        )

    # --- message by message (run during the simulation) -----------------------------------

    def messages(self) -> None:
        """Privacy, week, quiet hours, ranking and TT27 on each message not checked yet."""
        log = self.town.stage.log
        names = self._names()
        for delivered in log[self.checked :]:
            person = self.town.by_id.get(delivered.chat_id)
            if person is None:
                continue
            self._privacy(person, delivered, names)
            self._week(person, delivered)
            if not delivered.edit and NOTICE.match(delivered.text) and quiet(delivered.at):
                self.fail("quiet", delivered.at, [person], "a weekly notice in quiet hours")
            if person.guardian is not None:
                self._for_parents(person, delivered)
        self.checked = len(log)

    def _for_parents(self, person: Person, delivered: Delivered) -> None:
        """Nothing ranked or averaged; scores and outcomes as TT27 has them."""
        text = unicodedata.normalize("NFC", html.unescape(delivered.text))  # lines kept
        for ranked in ranking_problems(text):
            self.fail("ranking", delivered.at, [person], ranked)
        for problem in outcome_problems(text):
            self.fail("book", delivered.at, [person], f"{problem}, shown to a parent")

    def _names(self) -> re.Pattern[str]:
        if not hasattr(self, "_pattern"):
            every = sorted({nfc(p.name) for p in self.town.school.pupils}, key=len, reverse=True)
            alternatives = "|".join(re.escape(n) for n in every)
            self._pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)")
        return self._pattern

    def _privacy(self, person: Person, delivered: Delivered, names: re.Pattern[str]) -> None:
        """Every pupil named (namesakes told apart where the line shows which) or whose code
        shows, in the text and in the document's contents, is one the person may see."""
        allowed = self.town.entitled(person, delivered.at)
        if allowed is None:
            return
        text = html.unescape(delivered.text)
        if self.documents is None:
            self.documents = Documents(self.town.stage.sandbox.state, self.town.stage.bot_id)
        shown = self.documents.labels(delivered.chat_id, delivered.message_id)
        lines = [nfc(line) for line in [*text.splitlines(), *shown]]
        where = f"“{nfc(text)[:40]}”" if text.strip() else "a message"
        if not delivered.edit:
            document, inside = self.documents.lines(delivered.chat_id, delivered.message_id)
            lines += [nfc(line) for line in [delivered.document or "", *inside]]
            if document is not None and inside:
                where += f" and the document {document}"
        school = self.town.school
        named: set[str] = set()
        codes: set[str] = set()
        for line in lines:
            for mention in mentions(line, names, school):
                if not {p.code for p in mention.pupils} & allowed:
                    named.add(mention.name)
            codes |= {c for c in CODE.findall(line) if c in school.by_code and c not in allowed}
        for name in sorted(named):
            self.fail("privacy", delivered.at, [person], f"received {name}'s data in {where}")
        for code in sorted(codes):
            self.fail("privacy", delivered.at, [person], f"received the code {code} in {where}")

    def _week(self, person: Person, delivered: Delivered) -> None:
        found = HEADING.search(delivered.text)
        if found is None:
            return
        end = date(int(found.group(6)), int(found.group(5)), int(found.group(4)))
        year = calendar()
        week = year.week_of(end)
        if week is None:
            self.fail("week", delivered.at, [person], f"a notice of no teaching week: {end}")
            return
        if vn(delivered.at).date() < year.last_school_day(week):
            detail = f"week {found.group(1)} ({end:%d/%m}) before its last school day"
            self.fail("week", delivered.at, [person], detail)

    # --- the database (run at the end of each day and of the run) ---------------------------

    async def audit(self) -> None:
        """No audit event changes or disappears between two looks."""
        school = self.town.stage.school_id
        async with self.town.stage.sessions() as session:
            rows = (
                await session.scalars(select(AuditEvent).where(AuditEvent.school_id == school))
            ).all()
        now = {
            row.id: json.dumps(
                [row.actor, row.action, row.entity, row.entity_id, row.before, row.after, row.note],
                sort_keys=True,
                default=str,
            )
            for row in rows
        }
        for event_id, seen in self.audit_seen.items():
            if now.get(event_id) != seen:
                what = "deleted" if event_id not in now else "changed"
                self.fail("audit", self.town.stage.now(), [], f"audit event {event_id} {what}")
        self.audit_seen = now

    async def at_end(self, end: datetime) -> None:
        """Everything that needs the whole run: delivery, lost, buttons, audit."""
        self.messages()
        await self.audit()
        await self._delivery(end)
        await self._urgent_and_quiet()
        await self._lost()
        self._buttons()
        await self._state_changes()
        await self._whose_notices()
        self._namesakes_comments()

    def received(self, person: Person, predicate: Any) -> int:
        return sum(
            1
            for d in self.town.stage.log
            if d.chat_id == person.id and not d.edit and predicate(d.text)
        )

    async def _delivery(self, end: datetime) -> None:
        """Each weekly notice and urgent message: once to every reachable linked guardian."""
        stage = self.town.stage
        school = stage.school_id
        async with stage.sessions() as session:
            students = dict(
                (
                    await session.execute(
                        select(Student.id, Student.student_code).where(Student.school_id == school)
                    )
                ).all()
            )
            notices = (
                await session.execute(
                    select(Notice.id, Notice.ref, Notice.kind).where(
                        Notice.kind == "weekly", Notice.school_id == school
                    )
                )
            ).all()
            moments = dict(
                (
                    await session.execute(
                        select(Delivery.notice_id, Delivery.due_at)
                        .where(Delivery.school_id == school)
                        .order_by(Delivery.id)
                    )
                ).all()
            )
        in_flight = {notice for _, notice in stage.in_flight_at_kill}
        for notice_id, ref, _kind in notices:
            _, monday, _, pupil_id = str(ref).split(":")
            code = students[int(pupil_id)]
            moment = moments.get(notice_id)
            if moment is None or moment > end - timedelta(hours=14):
                continue
            week = calendar().week_of(date.fromisoformat(monday))
            assert week is not None
            name = self.town.school.pupil(code).name

            def mine(text: str, number: int = week.number, name: str = name) -> bool:
                found = NOTICE.match(text)
                return found is not None and int(found.group(1)) == number and name in text

            for person in self.town.guardians_of(code):
                self._count(person, moment, mine, notice_id in in_flight, f"week {week.number}")
        async with stage.sessions() as session:
            commented = {
                (monday.isoformat(), students[pupil])
                for pupil, monday in await session.execute(
                    select(WeeklyComment.student_id, WeeklyComment.week_start).where(
                        WeeklyComment.school_id == school,
                        WeeklyComment.kind == CommentKind.HOMEROOM,
                    )
                )
            }
        made = {(str(r).split(":")[1], students[int(str(r).split(":")[3])]) for _, r, _ in notices}
        self._every_week(made, commented, end)

    def _every_week(
        self, made: set[tuple[str, str]], commented: set[tuple[str, str]], end: datetime
    ) -> None:
        """Each week whose Friday 16:30 has passed has a notice for every pupil with a comment
        (the others wait: no class note) and a guardian linked and not blocking the bot then."""
        town = self.town
        for week in calendar().weeks():
            friday = datetime.combine(week.end, time(16, 30), tzinfo=ZONE)
            if not town.start <= friday < end - timedelta(hours=14):
                continue
            for pupil in town.school.pupils:
                reached = [
                    p
                    for p in town.guardians_of(pupil.code)
                    if p.linked_by(friday) and not p.blocked_at(friday)
                ]
                key = (week.start.isoformat(), pupil.code)
                if reached and key in commented and key not in made:
                    detail = f"no notice of week {week.number} for {pupil.name}"
                    self.fail("delivery", friday, reached, detail)

    def _count(
        self, person: Person, moment: datetime, mine: Any, in_flight: bool, what: str
    ) -> None:
        if not person.linked_by(moment):
            return
        count = self.received(person, mine)
        if person.blocked_at(moment):
            if count > 1:
                self.fail("delivery", moment, [person], f"{what}: {count} times while blocked")
            return
        if count == 0:
            self.fail("delivery", moment, [person], f"{what}: never received")
        elif count > 1 and in_flight:
            self.duplicates += count - 1
        elif count > 1:
            self.fail("delivery", moment, [person], f"{what}: received {count} times")

    async def _urgent_and_quiet(self) -> None:
        stage = self.town.stage
        for urgent in self.town.urgents:
            codes = [p.code for p in self.town.school.in_class(urgent.klass)]
            guardians = {g.id: g for code in codes for g in self.town.guardians_of(code)}
            for person in guardians.values():

                def mine(text: str, token: str = urgent.token) -> bool:
                    return token in text

                self._count(person, urgent.at, mine, False, f"urgent “{urgent.token}”")
        async with stage.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        Delivery.chat_id,
                        Delivery.message_ids,
                        Delivery.urgent,
                        Delivery.due_at,
                        Delivery.attempts,
                        Notice.kind,
                    )
                    .join(Notice, Notice.id == Delivery.notice_id)
                    .where(Delivery.state == DeliveryState.SENT)
                    .where(Delivery.school_id == stage.school_id)
                )
            ).all()
        when = {(d.chat_id, d.message_id): d.at for d in stage.log if not d.edit}
        # Every attempt: a retry lands in quiet hours as surely as a first send. (A retry's
        # due_at is its own: "held" counts from it.)
        for chat_id, message_ids, is_urgent, due_at, attempts, kind in rows:
            for message_id in message_ids or []:
                at = when.get((int(chat_id), int(message_id)))
                whom = self.town.by_id.get(int(chat_id))
                if at is None or whom is None or due_at < self.town.start:
                    continue  # stamped off the bot's clock: the `clock` invariant says so
                what = f"(a {kind} notice, attempt {attempts})"
                if not is_urgent and quiet(at):
                    detail = f"a routine notice arrived in quiet hours {what}"
                    self.fail("quiet", at, [whom], detail)
                if is_urgent and at - due_at > timedelta(hours=1):
                    self.fail("quiet", at, [whom], f"an urgent message held {at - due_at} {what}")

    async def _lost(self) -> None:
        """Every feedback a parent was told was sent is stored, and reached the homeroom
        teacher of the child it is about (once she linked), or stands open in her inbox."""
        async with self.town.stage.sessions() as session:
            rows = (
                await session.execute(
                    select(FeedbackMessage.text, Student.student_code, Feedback.state)
                    .join(Feedback, Feedback.id == FeedbackMessage.feedback_id)
                    .join(Student, Student.id == Feedback.student_id)
                    .where(FeedbackMessage.school_id == self.town.stage.school_id)
                )
            ).all()
        for sent in self.town.feedbacks:
            found = [(code, state) for text, code, state in rows if sent.token in text]
            if not found:
                self.fail("lost", sent.at, [sent.parent], f"“{sent.token}” is not stored")
                continue
            code, state = found[0]
            klass = self.town.school.pupil(code).klass
            teacher = self.town.teacher(klass)
            told = sum(
                self.received(anyone, lambda t, s=sent: s.token in t)
                for anyone in self.town.teachers_of(klass)
            )
            waiting = state is FeedbackState.OPEN or not teacher.linked_at or teacher.is_blocked
            if not told and not waiting:
                self.fail("lost", sent.at, [sent.parent, teacher], f"“{sent.token}” unread")

    def _buttons(self) -> None:
        for sent in self.town.feedbacks:
            for answer in sent.cancel_answers:
                if any(word in answer.lower() for word in CANCELLED):
                    self.fail(
                        "buttons", sent.at, [sent.parent], f"old “Huỷ” after sending: {answer}"
                    )

    async def _state_changes(self) -> None:
        """Every state change has its audit event (simulation/audits.py), every link and every
        block and unblock too; nobody is linked whom the simulation did not link."""
        school = self.town.stage.school_id
        async with self.town.stage.sessions() as session:
            accounts = dict(
                (
                    await session.execute(
                        select(TelegramAccount.id, TelegramAccount.telegram_user_id).where(
                            TelegramAccount.school_id == school
                        )
                    )
                ).all()
            )
            linked = set(
                await session.scalars(
                    select(TelegramAccount.id).where(
                        (TelegramAccount.guardian_id.is_not(None))
                        | (TelegramAccount.staff_id.is_not(None)),
                        TelegramAccount.school_id == school,
                    )
                )
            )
            records = await audits.gather(session, school)
        events = records.events
        now = self.town.stage.now()
        for account_id in sorted(linked):
            person = self.town.by_id.get(int(accounts[account_id]))
            whom = [person] if person else []
            if not events[("account.link", str(account_id))]:
                self.fail("audit", now, whom, "no link event")
            if person and person.blocked and not events[("account.blocked", str(account_id))]:
                self.fail("audit", person.blocked[0][0], whom, "no account.blocked event")
            unblocked = [b for _a, b in person.blocked if b is not None] if person else []
            if unblocked and not events[("account.unblocked", str(account_id))]:
                self.fail("audit", unblocked[0], whom, "no account.unblocked event")
            if person and person.linked_at is None and person.member is None:
                self.fail("privacy", now, whom, "linked without a right")
        sheets = {(g.student_id, g.week.isoformat()) for g in self.town.given if g.how == "sheet"}
        imports = 1 + sum(len(left) for left in self.town.former.values())
        for found in audits.missing(records, sheets, imports):
            people = [accounts.get(a) for a in found.accounts if a is not None]
            whom = [self.town.by_id[int(u)] for u in people if u and int(u) in self.town.by_id]
            self.fail("audit", found.at or now, whom, found.detail)

    # --- privacy on the records: whose notice, whose comment ---------------------------------

    async def _whose_notices(self) -> None:
        """Each weekly notice or addendum about a pupil reached only people who may see the
        pupil (the notice's own record says which pupil it is about)."""
        stage = self.town.stage
        async with stage.sessions() as session:
            codes = dict(
                (
                    await session.execute(
                        select(Student.id, Student.student_code).where(
                            Student.school_id == stage.school_id
                        )
                    )
                ).all()
            )
            rows = (
                await session.execute(
                    select(Delivery.chat_id, Delivery.message_ids, Notice.ref)
                    .join(Notice, Notice.id == Delivery.notice_id)
                    .where(Delivery.school_id == stage.school_id)
                    .where(Delivery.state == DeliveryState.SENT)
                    .where(Notice.kind.in_(("weekly", "weekly_addendum")))
                )
            ).all()
        self.codes = codes
        when = {(d.chat_id, d.message_id): d.at for d in stage.log if not d.edit}
        for chat_id, message_ids, ref in rows:
            parts = str(ref).split(":")
            person = self.town.by_id.get(int(chat_id))
            if len(parts) < 4 or not parts[3].isdigit() or person is None:
                continue
            pupil = self.town.school.by_code.get(codes.get(int(parts[3]), ""))
            for message_id in message_ids or []:
                at = when.get((int(chat_id), int(message_id)))
                allowed = self.town.entitled(person, at) if at is not None else None
                if pupil is not None and allowed is not None and pupil.code not in allowed:
                    detail = f"received the notice about {pupil.name} ({pupil.code})"
                    self.fail("privacy", at or stage.now(), [person], detail)

    def _namesakes_comments(self) -> None:
        """No family is told the homeroom comment its child's namesake was given (and the child
        never was) that week."""
        given: dict[date, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for comment in self.town.given:
            code = self.codes.get(comment.student_id)
            if code is not None:
                given[comment.week][code].add(nfc(comment.text))
        school = self.town.school
        names = self._names()
        for delivered in self.town.stage.log:
            person = self.town.by_id.get(delivered.chat_id)
            heading = HEADING.search(delivered.text)
            if delivered.edit or person is None or person.guardian is None or heading is None:
                continue
            told = homeroom_comment(html.unescape(delivered.text))
            end = date(int(heading.group(6)), int(heading.group(5)), int(heading.group(4)))
            week = calendar().week_of(end)
            if not told or week is None:
                continue
            named = set(names.findall(nfc(html.unescape(delivered.text))))
            children = [school.pupil(c) for c in person.guardian.children]
            child = [p for p in children if p.name in named]
            for other in namesakes_comment(told, child, given[week.start], school):
                detail = (
                    f"week {week.number}: told “{told[:50]}”, the comment given to "
                    f"{other.name} ({other.code}), their child's namesake, never to their child"
                )
                self.fail("privacy", delivered.at, [person], detail)

    def summary(self) -> list[dict[str, Any]]:
        return [asdict(v) for v in self.violations]
