"""The school's people and what they do, through the sandbox's person API (real HTTP).

Each person is a `Person` (a sandbox user with a PersonClient); `flows` are the steps of one
thing a person does (link, write comments, send feedback...), each waiting for the bot's answer
as a person would. What people do when is drawn from the run's seeded random generator in
`simulation/town.py`.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sandbox.client import PersonClient, SandboxClientError
from simulation.school import Guardian, Member
from simulation.world import Stage, calendar, vn

ANSWER_SECONDS = 6.0
COMMENTS = [
    "Con chăm chỉ, tiến bộ rõ trong tuần.",
    "Con đọc to, rõ ràng; cần luyện viết thêm.",
    "Con hăng hái phát biểu, giúp đỡ bạn.",
    "Con cần tập trung hơn trong giờ học.",
    "Con hoàn thành tốt các bài tập về nhà.",
]


@dataclass
class Person:
    """One simulated person and what the simulation knows is true about them."""

    stage: Stage
    name: str
    phone: str
    client: PersonClient
    guardian: Guardian | None = None
    member: Member | None = None
    linked_at: datetime | None = None
    blocked: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    language: str = "vi"
    left_at: datetime | None = None  # a member of staff the new staff list no longer names

    @property
    def id(self) -> int:
        return self.client.person_id

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked) and self.blocked[-1][1] is None

    def blocked_at(self, moment: datetime) -> bool:
        return any(a <= moment and (b is None or moment < b) for a, b in self.blocked)

    def linked_by(self, moment: datetime) -> bool:
        return self.linked_at is not None and self.linked_at <= moment

    async def answer(self, seconds: float = ANSWER_SECONDS, *, new_only: bool = True) -> Any:
        """The bot's next message (or edit): None if nothing comes."""
        try:
            return await self.client.next_message(timeout=seconds, new_only=new_only)
        except TimeoutError:
            return None

    async def quiet_answer(self) -> None:
        """Let what the bot sends for the last action arrive, whatever it is."""
        await self.answer(1.0, new_only=False)

    async def press(self, data: str, message_id: int, *, forged: bool = False) -> str | None:
        """Press a button and wait for its answer; the alert shown, if any."""
        world = self.stage.sandbox.state
        alerts = world.chat_log(self.stage.bot_id, self.id).alerts
        before = len(alerts)
        try:
            sent = await self.client.press(data=data, message_id=message_id, forged=forged)
        except SandboxClientError:
            return None
        query = sent["callback_query_id"]
        deadline = time.monotonic() + ANSWER_SECONDS
        while not world.callbacks[query][2] and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)  # the sandbox flags the answer; no event to wait on
        if not world.callbacks[query][2]:
            self.stage.problems.append(f"{vn(self.stage.now()):%d/%m %H:%M}: {data} unanswered")
        return str(alerts[-1]["text"]) if len(alerts) > before else None


def data_of(message: dict[str, Any] | None, prefix: str) -> list[str]:
    """The callback data of a message's buttons that start with `prefix`."""
    if not message:
        return []
    rows = message.get("buttons") or []
    found = [b.get("callback_data") or "" for row in rows for b in row]
    return [d for d in found if d.startswith(prefix)]


@dataclass
class Given:
    """A comment a teacher gave for a pupil's week (the week's Monday), in chat or by sheet."""

    student_id: int
    week: date
    text: str
    at: datetime
    how: str  # "chat" or "sheet"


WEEK_SHOWN = re.compile(r"(\d\d)/(\d\d)–\d\d/\d\d")


def week_shown(text: str) -> date | None:
    """The Monday of the teaching week a screen names ("Tuần 21, 25/01–29/01")."""
    found = WEEK_SHOWN.search(text)
    if found is None:
        return None
    shown = f"{found.group(1)}/{found.group(2)}"
    return next((w.start for w in calendar().weeks() if f"{w.start:%d/%m}" == shown), None)


# --- linking ----------------------------------------------------------------------------------


async def consent(person: Person) -> bool:
    await person.client.skip_pending()
    await person.client.command("start")
    screen = await person.answer()
    if screen is None or "đồng ý" not in screen["text"].lower():
        return screen is not None and "liên kết" in screen["text"]
    await person.client.press("Đồng ý")
    return await person.answer() is not None


async def link_by_code(person: Person, code: str) -> bool:
    """/start with the code of the school's invitation slip, then consent."""
    await person.client.skip_pending()
    await person.client.command("start", code)
    screen = await person.answer()
    if screen is None or not data_of(screen, "v1:"):
        return False
    await person.client.press("Đồng ý")
    welcome = await person.answer()
    return welcome is not None and "đã được liên kết" in welcome["text"]


async def link(person: Person, *, stranger_phone: str | None = None) -> bool:
    """/start, consent, (a stranger's card first,) then the person's own contact."""
    if not await consent(person):
        return False
    if stranger_phone is not None:
        await person.client.share_contact_of(phone=stranger_phone, first_name="Người quen")
        await person.answer()
    try:
        await person.client.share_contact()
    except SandboxClientError:
        return False
    welcome = await person.answer()
    if welcome is None:
        return False
    text = welcome["text"]
    return "đã được liên kết" in text or "has been linked" in text


async def language(person: Person, code: str) -> None:
    await person.client.skip_pending()
    await person.client.command("ngonngu")
    screen = await person.answer()
    wanted = data_of(screen, f"v1:lang:set:{code}")
    if screen and wanted:
        await person.press(wanted[0], screen["message_id"])
        person.language = code
        await person.quiet_answer()


# --- teachers ---------------------------------------------------------------------------------


async def write_comments(
    person: Person, count: int, phrase: int, given: list[Given] | None = None
) -> int:
    """/nhanxet, a pupil, then `count` comments typed one after another (each one for the pupil
    its prompt names, recorded in `given`); how many were saved."""
    await person.client.skip_pending()
    await person.client.command("nhanxet")
    listing = await person.answer()
    pupils = data_of(listing, "v1:wk:p:")
    if not pupils or listing is None:
        return 0
    await person.press(pupils[phrase % len(pupils)], listing["message_id"])
    prompt = await person.answer(new_only=False)
    saved = 0
    for n in range(count):
        if prompt is None or not data_of(prompt, "v1:wk:"):
            break
        pupil = data_of(prompt, "v1:wk:q:")
        week = week_shown(prompt["text"])
        text = COMMENTS[(phrase + n) % len(COMMENTS)]
        await person.client.send(text)
        prompt = await person.answer()
        if prompt is None or not prompt["text"].startswith(("Đã lưu", "Saved")):
            break
        saved += 1
        if given is not None and pupil and week is not None:
            moment = person.stage.now()
            given.append(Given(int(pupil[0].split(":")[3]), week, text, moment, "chat"))
    return saved


async def send_week_now(person: Person) -> str | None:
    """/nhanxet, "Xem trước và gửi", "Gửi ngay", and the confirmation if one is asked; the alert
    (or None when the class's week went)."""
    await person.client.skip_pending()
    await person.client.command("nhanxet")
    listing = await person.answer()
    previews = data_of(listing, "v1:wk:pv:")
    if not previews or listing is None:
        return "no preview"
    await person.press(previews[0], listing["message_id"])
    preview = await person.answer(new_only=False)  # the listing becomes the preview
    sends = data_of(preview, "v1:wk:send:")
    if not sends or preview is None:
        return "no send"
    alert = await person.press(sends[0], preview["message_id"])
    if alert is not None:
        return alert
    confirm = await person.answer(new_only=False)
    oks = data_of(confirm, "v1:wk:sendok:")
    if not oks or confirm is None:
        return "no confirmation"
    alert = await person.press(oks[0], confirm["message_id"])
    await person.quiet_answer()
    return alert


async def urgent(person: Person, text: str) -> bool:
    """/khan, the text, "Gửi ngay" under the preview."""
    await person.client.skip_pending()
    await person.client.command("khan")
    if await person.answer() is None:
        return False
    await person.client.send(text)
    preview = await person.answer()
    sends = data_of(preview, "v1:urg:send")
    if not sends or preview is None:
        return False
    alert = await person.press(sends[0], preview["message_id"])
    await person.quiet_answer()
    return alert is None


async def answer_feedback(person: Person, card: Any, text: str) -> bool:
    """Press "Trả lời" under a feedback card and type the answer."""
    replies = [d for d in card.buttons if d.startswith("v1:fb:reply:")]
    if not replies:
        return False
    await person.client.skip_pending()
    await person.press(replies[0], card.message_id)
    if await person.answer() is None:
        return False
    await person.client.send(text)
    return await person.answer() is not None


# --- parents ----------------------------------------------------------------------------------


@dataclass
class SentFeedback:
    """A feedback a parent sent, the old "Huỷ" of its form, and what the parent was told."""

    parent: Person
    token: str
    at: datetime
    cancel: str
    message_id: int
    told: str
    cancel_answers: list[str] = field(default_factory=list)


async def feedback(person: Person, token: str, topic: int) -> SentFeedback | None:
    """/gopy to the homeroom teacher, every step, the text, "Gửi"."""
    await person.client.skip_pending()
    await person.client.command("gopy")
    screen = await person.answer()
    if screen is None:
        return None
    cancel = (data_of(screen, "v1:fb:cancel") or [""])[0]
    first_id = screen["message_id"]
    for prefix in ("v1:fb:kid:", "v1:fb:to:0", "v1:fb:topic:"):
        steps = data_of(screen, prefix)
        if steps:
            await person.press(steps[topic % len(steps)], screen["message_id"])
            screen = await person.answer(new_only=False)
            if screen is None:
                return None
            cancel = cancel or (data_of(screen, "v1:fb:cancel") or [""])[0]
    await person.client.send(f"Kính gửi cô, {token} nhờ cô để ý giúp con.")
    offer = await person.answer()
    sends = data_of(offer, "v1:fb:send")
    if not sends or offer is None:
        return None
    await person.press(sends[0], offer["message_id"])
    told = await person.answer(new_only=False)
    text = told["text"] if told else ""
    return SentFeedback(person, token, person.stage.now(), cancel, first_id, text)


async def seen(person: Person, delivered: Any, twice: bool) -> list[str | None]:
    """Press "✅ Đã xem" under a notice (twice, as people do)."""
    presses = [d for d in delivered.buttons if d.startswith("v1:rcpt:ok:")]
    answers = []
    for _ in range(2 if twice else 1):
        if presses:
            answers.append(await person.press(presses[0], delivered.message_id, forged=True))
    return answers
