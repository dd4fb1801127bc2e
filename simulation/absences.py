"""The flows of school days: a parent's /xinnghi (a doctor's note photo sometimes), the
homeroom teacher's "Xác nhận" / "Từ chối" (with the typed reason), old buttons pressed again,
and the teacher's /diemdanh (Friday's absences entered on Saturday).

Every press of an old button records the state of the request just before it and the answer,
for the `buttons` invariant (simulation/promises.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from simulation.people import Person, data_of
from storage.models import LeaveRequest, RequestState

# A doctor's note: a small PNG the strict sandbox accepts as a photo.
NOTE_PHOTO = (
    b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02" + b"\x00" * 40
)
REASONS = [
    "Con bị sốt, xin cho con nghỉ.",
    "Gia đình về quê có việc.",
    "Con đau bụng từ tối qua.",
    "Con đi khám răng theo lịch hẹn.",
]
REFUSALS = ["Ngày này lớp kiểm tra cuối kỳ, mong phụ huynh cho con đi học."]


@dataclass
class OldPress:
    """An old button pressed again: the request's state just before, the answer, and after."""

    person: Person
    at: datetime
    what: str  # "parent's Gửi", "teacher's Xác nhận"
    token: str
    before: RequestState | None
    answer: str
    after: RequestState | None


@dataclass
class SentLeave:
    """A leave request a parent sent, with what the parent was told and the form's old "Gửi"."""

    parent: Person
    token: str
    at: datetime
    send: str
    message_id: int
    told: str
    photo: bool
    decided: list[tuple[datetime, RequestState]] = field(default_factory=list)


async def leave_state(person: Person, token: str) -> tuple[int, RequestState] | None:
    """The stored request whose reason carries `token`: (id, state)."""
    async with person.stage.sessions() as session:
        row = (
            await session.execute(
                select(LeaveRequest.id, LeaveRequest.state).where(
                    LeaveRequest.school_id == person.stage.school_id,
                    LeaveRequest.reason.contains(token),
                )
            )
        ).first()
    return (int(row[0]), row[1]) if row else None


async def request_state(person: Person, request_id: int) -> RequestState | None:
    async with person.stage.sessions() as session:
        state: RequestState | None = await session.scalar(
            select(LeaveRequest.state).where(LeaveRequest.id == request_id)
        )
    return state


async def ask_leave(person: Person, token: str, rng: random.Random) -> SentLeave | None:
    """/xinnghi: the child, one of the offered days, a session, the reason (typed, or a doctor's
    note photo with the reason as its caption), "Gửi"."""
    await person.client.skip_pending()
    await person.client.command("xinnghi")
    screen = await person.answer()
    children = data_of(screen, "v1:leave:child:")
    if children and screen is not None:
        await person.press(rng.choice(children), screen["message_id"])
        screen = await person.answer(new_only=False)
    days = data_of(screen, "v1:leave:day:")
    if not days or screen is None:
        return None
    await person.press(rng.choice(days[:4]), screen["message_id"])
    screen = await person.answer(new_only=False)
    parts = data_of(screen, "v1:leave:part:")
    if not parts or screen is None:
        return None
    await person.press(rng.choice(parts), screen["message_id"])
    if await person.answer(new_only=False) is None:  # the question for the reason
        return None
    reason = f"{rng.choice(REASONS)} ({token})"
    photo = rng.random() < 0.3
    if photo:
        await person.client.send_photo(NOTE_PHOTO, caption=reason)
    else:
        await person.client.send(reason)
    summary = await person.answer()
    sends = data_of(summary, "v1:leave:send:")
    if not sends or summary is None:
        return None
    await person.press(sends[0], summary["message_id"])
    told = await person.answer(new_only=False)
    text = told["text"] if told else ""
    return SentLeave(
        person, token, person.stage.now(), sends[0], summary["message_id"], text, photo
    )


async def press_old_send(sent: SentLeave) -> OldPress:
    """The form's "Gửi" pressed again days later: it must say what became of the request."""
    found = await leave_state(sent.parent, sent.token)
    before = found[1] if found else None
    answer = await sent.parent.press(sent.send, sent.message_id, forged=True)
    after = (await leave_state(sent.parent, sent.token) or (0, None))[1]
    now = sent.parent.stage.now()
    return OldPress(sent.parent, now, "parent's Gửi", sent.token, before, answer or "", after)


async def decide(
    teacher: Person, data: str, message_id: int, token: str, approve: bool
) -> OldPress:
    """ "Xác nhận", or "Từ chối" and the reason typed, under a request's card (or its reminder);
    the state before and after and the answer, as for any press."""
    request_id = int(data.split(":")[3])
    before = await request_state(teacher, request_id)
    await teacher.client.skip_pending()
    answer = await teacher.press(data, message_id, forged=True)
    if not approve and answer is None:
        prompt = await teacher.answer()
        if prompt is not None and not data_of(prompt, "v1:"):
            await teacher.client.send(REFUSALS[0])
            await teacher.answer()
    else:
        await teacher.quiet_answer()
    after = await request_state(teacher, request_id)
    what = "teacher's " + ("Xác nhận" if approve else "Từ chối")
    return OldPress(teacher, teacher.stage.now(), what, token, before, answer or "", after)


async def take_attendance(
    teacher: Person, rng: random.Random, day: date | None
) -> list[tuple[int, date]]:
    """/diemdanh (for `day`, or the bot's default: today, or Friday on Saturday), a session,
    one to three pupils pressed once or twice, "Xong"; the (pupil id, day) pressed."""
    await teacher.client.skip_pending()
    await teacher.client.command("diemdanh", f"{day:%d/%m}" if day else "")
    question = await teacher.answer()
    sessions = data_of(question, "v1:att:part:")
    if not sessions or question is None:
        return []
    message_id = question["message_id"]
    await teacher.press(rng.choice(sessions), message_id)
    sheet = await teacher.answer(new_only=False)
    marks = data_of(sheet, "v1:att:mark:")
    if not marks or sheet is None:
        return []
    touched: list[tuple[int, date]] = []
    for mark in rng.sample(marks, min(len(marks), rng.randint(1, 3))):
        for _ in range(rng.choice([1, 1, 2])):
            if await teacher.press(mark, message_id) is None:
                await teacher.quiet_answer()
        _, _, _, pupil, when, _part = mark.split(":")
        touched.append((int(pupil), _day_of(when)))
    done = data_of(await teacher.client.last_message(), "v1:att:done:")
    if done:
        await teacher.press(done[0], message_id)
        await teacher.quiet_answer()
    return touched


def _day_of(text: str) -> date:
    """A day in callback data (its compact form, or ISO)."""
    digits = text.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
