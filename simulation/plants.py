"""Known bugs the simulation can plant in the product, to prove its invariants catch them.

Each plant monkeypatches product functions inside the simulation's own process for the length
of a run (never a switch in product code); `planted(names)` applies them and undoes them.

- `cancel-lies`: feedback's "Huỷ" pressed after the feedback was sent answers "Cancelled.
  Nothing was sent." (caught by the `buttons` invariant).
- `next-week`: the writing week rule returns the coming week on Saturdays, and the "not before
  its last school day" check trusts it: a teacher's Saturday "Gửi ngay" sends next week's
  notice (caught by `week`).
- `sibling-leak`: a guardian's audience also gets a classmate's notice: every pupil's notice
  goes to the guardians of the next pupil in the list too (caught by `privacy`).
- `leave-says-sent`: a leave form's old "Gửi" answers "already sent" even after the teacher
  decided (caught by `buttons`).
- `absence-untold`: absences entered after the week's notice went out (Friday's on Saturday, a
  leave confirmed late) never reach the family as an addendum (caught by `absence`).
- `unreachable-hidden`: the sender's delivery report leaves out who blocked the bot (caught by
  `unreachable`).
- `seen-moves`: "✅ Đã xem" pressed again records the new press as the reading (caught by
  `buttons`: the button shows, and the database keeps, a time that is not the first press's).
- `away-ignored`: the principal's /vangmat days are ignored when the decider is chosen: a
  correction filed while she is away goes to her, not to the vice principal (caught by `lost`).
- `sheet-keeps-chat`: a comments sheet sent back leaves alone every pupil already commented in
  chat: the teacher's changed cell never reaches the family (caught by `comments`).
- `long-row-dropped`: a sheet's row with a comment over the limit is skipped without a word and
  the rest saved (caught by `sheet`: the row is not named to the teacher).
- `leaver-keeps-class`: a person the staff list no longer names keeps, in chat, the homeroom
  class she had (and the role that goes with it): her /nhanxet still lists it (caught by
  `replaced`, and `privacy` for the names it shows).
- `namesake-swap`: the week's homeroom comments are looked up by the pupil's name: of two
  pupils of a class with one name, both families get the comment of the one stored last
  (caught by `privacy`: a family told its child's namesake's comment).
- `sheet-to-family`: the comments sheet a teacher asks for goes, as well, to the chat of a
  linked parent of the class (caught by `privacy`, from the names and codes inside the .xlsx:
  its caption and file name name nobody).
- `leave-unaudited`: a leave request's decision writes no audit event (caught by `audit`).
- `retry-in-quiet`: a routine send that failed is retried five hours later, and while retries
  are due the quiet hours hold nothing: the Friday storm's failures arrive after 21:00 (caught
  by `quiet`, on the retry's attempt).
- `class-average`: every weekly notice ends with the class's average and the child's place in
  the class (caught by `ranking`: neither word is "hạng" nor "xếp thứ").
- `outcome-lenient`: the end-of-year outcome is "Hoàn thành xuất sắc" from test scores of 8
  (TT27 asks 9) (caught by `book`'s outcome rule; the simulation's parents do not ask for
  /ketqua: tests/simulation/test_outcomes.py renders a parent's results with it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from typing import Any

PLANTS = (
    "cancel-lies",
    "next-week",
    "sibling-leak",
    "leave-says-sent",
    "absence-untold",
    "unreachable-hidden",
    "away-ignored",
    "seen-moves",
    "sheet-keeps-chat",
    "long-row-dropped",
    "leaver-keeps-class",
    "namesake-swap",
    "sheet-to-family",
    "leave-unaudited",
    "retry-in-quiet",
    "class-average",
    "outcome-lenient",
)


@contextmanager
def _patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def planted(names: tuple[str, ...]) -> Iterator[None]:
    """Apply the named plants for the length of the block."""
    unknown = set(names) - set(PLANTS)
    if unknown:
        raise ValueError(f"unknown plant(s): {', '.join(sorted(unknown))}; known: {PLANTS}")
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(_PLANTERS[name]())
        yield


@contextmanager
def _cancel_lies() -> Iterator[None]:
    from bot.features.feedback.chat import late

    real = late.was_sent

    async def lying(visit: Any, context: Any, started: int) -> str | None:
        sent = await real(visit, context, started)
        return None if sent is None else visit._("Cancelled. Nothing was sent.")

    with _patched(late, "was_sent", lying):
        yield


@contextmanager
def _next_week() -> Iterator[None]:
    from bot.features.calendar.rules import Calendar, TeachingWeek
    from bot.features.weekly import notices

    real_week = Calendar.writing_week
    real_first = notices.first_sending_day

    def writing_week(self: Calendar, day: date) -> Any:
        if day.weekday() == 5:
            coming = self.week_of(day + timedelta(days=2))
            if coming is not None:
                return coming
        return real_week(self, day)

    async def first_sending_day(session: Any, school_id: int, week: TeachingWeek) -> date:
        day: date = await real_first(session, school_id, week)
        return min(day, week.start - timedelta(days=2))  # from the Saturday it is "written"

    with (
        _patched(Calendar, "writing_week", writing_week),
        _patched(Calendar, "working_week", writing_week),
        _patched(notices, "first_sending_day", first_sending_day),
    ):
        yield


@contextmanager
def _sibling_leak() -> Iterator[None]:
    from bot.delivery import outbox

    real = getattr(outbox, "guardians_reached")  # noqa: B009 - imported there, not exported

    async def leaky(session: Any, school_id: int, pupils: Any) -> Any:
        reach = await real(session, school_id, pupils)
        order = sorted(pupils)
        for pupil, classmate in itertools.pairwise(order):
            if classmate in reach:
                reach.setdefault(pupil, {}).update(reach[classmate])
        return reach

    with _patched(outbox, "guardians_reached", leaky):  # the name outbox.py calls
        yield


@contextmanager
def _leave_says_sent() -> Iterator[None]:
    from bot.features.leave import rules

    with _patched(rules, "after_sending", lambda request: rules.ALREADY_SENT):
        yield


@contextmanager
def _absence_untold() -> Iterator[None]:
    from bot.features.attendance import queries

    async def untold(*args: Any, **kwargs: Any) -> dict[int, Any]:
        return {}

    with _patched(queries, "tell_changes", untold):
        yield


@contextmanager
def _unreachable_hidden() -> Iterator[None]:
    from bot.delivery import report

    real = report.report_text

    async def hidden(session: Any, notice: Any, _: Any) -> str:
        text: str = await real(session, notice, _)
        blocked = _("Blocked the bot: {count}").split(":")[0]
        return "\n".join(line for line in text.split("\n") if not line.startswith(blocked))

    with _patched(report, "report_text", hidden):
        yield


@contextmanager
def _away_ignored() -> Iterator[None]:
    from bot.features.corrections import deciders

    async def present(*args: Any, **kwargs: Any) -> bool:
        return False

    with _patched(deciders, "principal_absent", present):
        yield


@contextmanager
def _seen_moves() -> Iterator[None]:
    from bot.delivery import receipts

    async def moving(session: Any, account_id: int, delivery_id: int, now: Any) -> Any:
        from storage.models import Delivery

        delivery = await session.get(Delivery, delivery_id)
        if delivery is None or delivery.account_id != account_id:
            return None, False
        delivery.read_at = now
        return delivery, True

    with _patched(receipts, "mark_read", moving):
        yield


@contextmanager
def _sheet_keeps_chat() -> Iterator[None]:
    from bot.features.weekly import queries, writing

    real = writing.write_many

    async def keeping(
        session: Any, actor: Any, class_id: int, week: Any, texts: Any, now: Any
    ) -> Any:
        entries = await queries.progress(session, class_id, week.start)
        written = {e.student_id for e in entries if e.comment}
        kept = {pupil: text for pupil, text in texts.items() if pupil not in written}
        return await real(session, actor, class_id, week, kept, now)

    with _patched(writing, "write_many", keeping):  # the name the sheet's upload calls
        yield


@contextmanager
def _long_row_dropped() -> Iterator[None]:
    from bot.features.weekly import documents

    real = getattr(documents, "_read_texts")  # noqa: B009 - private: the parser calls it

    def dropping(table: Any, number: int, row: Any, code: str, limit: int, parsed: Any) -> None:
        before = len(parsed.problems)
        real(table, number, row, code, limit, parsed)
        del parsed.problems[before:]  # the row's problem forgotten, the row not saved

    with _patched(documents, "_read_texts", dropping):
        yield


@contextmanager
def _leaver_keeps_class() -> Iterator[None]:
    import dataclasses

    from sqlalchemy import select

    from bot.core import context
    from storage.models import AuditEvent, Role, SchoolClass

    real = getattr(context, "load_actor")  # noqa: B009 - imported there, not exported

    async def keeping(session: Any, account: Any) -> Any:
        actor = await real(session, account)
        if account.staff_id is None or actor.homeroom_classes:
            return actor
        held = await session.scalar(  # what the staff list took from her when she left
            select(AuditEvent.before).where(
                AuditEvent.action == "staff.left", AuditEvent.entity_id == str(account.staff_id)
            )
        )
        name = (held or {}).get("homeroom")
        class_id = name and await session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == account.school_id, SchoolClass.name == name
            )
        )
        if not class_id:
            return actor
        # The class and the role that goes with it (an actor without a role is not "linked":
        # the chat would refuse her, or trip over a class it thinks she has not).
        return dataclasses.replace(
            actor, roles=actor.roles | {Role.HOMEROOM}, homeroom_classes=frozenset({class_id})
        )

    with _patched(context, "load_actor", keeping):  # the name every chat visit calls
        yield


@contextmanager
def _namesake_swap() -> Iterator[None]:
    from bot.features.weekly import notices

    real = getattr(notices, "_add_comments")  # noqa: B009 - private: gather() calls it

    async def by_name(session: Any, school_id: int, week: Any, pupils: dict[int, Any]) -> None:
        await real(session, school_id, week, pupils)
        comments: dict[str, str] = {}
        for pupil_id in sorted(pupils):  # the last stored wins, as in a dict keyed by name
            if pupils[pupil_id].homeroom:
                comments[pupils[pupil_id].name] = pupils[pupil_id].homeroom
        for pupil in pupils.values():
            pupil.homeroom = comments.get(pupil.name, pupil.homeroom)

    with _patched(notices, "_add_comments", by_name):
        yield


@contextmanager
def _sheet_to_family() -> Iterator[None]:
    from sqlalchemy import select

    from bot.features.weekly.chat import sheet
    from storage.models import AccountState, Student, StudentGuardian, TelegramAccount

    real_send = sheet.send_sheet
    real_build = getattr(sheet, "build_comment_sheet")  # noqa: B009 - imported there
    made: list[bytes] = []

    def building(*args: Any, **kwargs: Any) -> bytes:
        data: bytes = real_build(*args, **kwargs)
        made.append(data)
        return data

    async def leaking(press: Any, visit: Any, context: Any) -> None:
        made.clear()
        await real_send(press, visit, context)
        family = await visit.session.scalar(
            select(TelegramAccount.chat_id)
            .join(StudentGuardian, StudentGuardian.guardian_id == TelegramAccount.guardian_id)
            .join(Student, Student.id == StudentGuardian.student_id)
            .where(Student.class_id == press.class_id, TelegramAccount.state == AccountState.LINKED)
            .order_by(TelegramAccount.id)
            .limit(1)
        )
        if family is not None and made:
            data, bot = made[-1], context.bot
            visit.later(lambda: bot.send_document(family, data, filename="bang-tinh.xlsx"))

    with _patched(sheet, "build_comment_sheet", building), _patched(sheet, "send_sheet", leaking):
        yield


@contextmanager
def _leave_unaudited() -> Iterator[None]:
    from bot.features.leave import queries

    real = getattr(queries, "audit")  # noqa: B009 - imported there, not exported

    def quiet_about_decisions(session: Any, **kwargs: Any) -> Any:
        if kwargs.get("action") in ("leave.approved", "leave.rejected"):
            return None
        return real(session, **kwargs)

    with _patched(queries, "audit", quiet_about_decisions):
        yield


@contextmanager
def _retry_in_quiet() -> Iterator[None]:
    from sqlalchemy import func, select, update

    from bot.delivery import dispatcher
    from storage.models import Delivery, DeliveryState

    real_retry = dispatcher.Dispatcher._retry
    real_quiet = getattr(dispatcher, "quiet_schools")  # noqa: B009 - imported there

    async def later(self: Any, item: Any, error: BaseException) -> None:
        await real_retry(self, item, error)
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Delivery)
                .where(Delivery.id == item.id, Delivery.state == DeliveryState.QUEUED)
                .where(Delivery.urgent.is_(False))
                .values(due_at=self.clock() + timedelta(hours=5))
            )

    async def unless_retrying(session: Any, now: Any) -> list[int]:
        quiet: list[int] = await real_quiet(session, now)
        owed = await session.scalar(
            select(func.count()).where(
                Delivery.state == DeliveryState.QUEUED,
                Delivery.attempts > 0,
                Delivery.due_at <= now,
            )
        )
        return [] if owed else quiet

    with (
        _patched(dispatcher.Dispatcher, "_retry", later),
        _patched(dispatcher, "quiet_schools", unless_retrying),
    ):
        yield


@contextmanager
def _class_average() -> Iterator[None]:
    from bot.features.weekly import notices

    real = getattr(notices, "compose")  # noqa: B009 - imported there, not exported

    def ranked(pupil: Any, batch: Any, week: Any, _: Any) -> str:
        place = 1 + sorted(p.student_id for p in batch.pupils).index(pupil.student_id)
        line = f"Điểm trung bình Toán của lớp: 8,2. Con đứng thứ {place}/{len(batch.pupils)}."
        return str(real(pupil, batch, week, _)) + "\n" + line

    with _patched(notices, "compose", ranked):  # the name draft_for calls
        yield


@contextmanager
def _outcome_lenient() -> Iterator[None]:
    from bot.features.assessment import queries
    from bot.features.assessment.rules import Outcome
    from storage.models import AssessmentKind

    real = queries.outcome_or_none

    def lenient(values: Any, grade: int) -> str | None:
        code = real(values, grade)
        scores = [int(v) for item, v in values.items() if item.kind is AssessmentKind.SCORE]
        if code == Outcome.HTT.value and scores and min(scores) >= 8:
            return Outcome.HTXS.value
        return code

    with _patched(queries, "outcome_or_none", lenient):  # parent_view reads it there
        yield


_PLANTERS = {
    "cancel-lies": _cancel_lies,
    "next-week": _next_week,
    "sibling-leak": _sibling_leak,
    "leave-says-sent": _leave_says_sent,
    "absence-untold": _absence_untold,
    "unreachable-hidden": _unreachable_hidden,
    "away-ignored": _away_ignored,
    "seen-moves": _seen_moves,
    "sheet-keeps-chat": _sheet_keeps_chat,
    "long-row-dropped": _long_row_dropped,
    "leaver-keeps-class": _leaver_keeps_class,
    "namesake-swap": _namesake_swap,
    "sheet-to-family": _sheet_to_family,
    "leave-unaudited": _leave_unaudited,
    "retry-in-quiet": _retry_in_quiet,
    "class-average": _class_average,
    "outcome-lenient": _outcome_lenient,
}
