"""The flows of corrections (/suadiem) and of the principal's absence (/vangmat):

- a homeroom teacher asks to correct a pupil's end-of-term-I Toán score (8 → 9, "nhập sai"),
  with a photo of the mark book and the test as a PDF, each said what it shows;
- the deciding leader presses "Duyệt" then "Xác nhận duyệt", or "Từ chối", its confirmation and
  the reason typed; the administrator presses "Đã cập nhật trên hệ thống"; the three press "Ký";
- the principal records a week away; the vice principal lists what waits with /duyet.

Every press records the request's state just before and after it and the answer (`Press`), for
the `buttons` and `decider` invariants (simulation/office.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from simulation.people import Person
from simulation.world import vn
from storage.models import CorrectionRequest, CorrectionState

PHOTO = b"\xff\xd8\xff\xe0" + b"trang so diem" * 50
TEST_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TOAN_SCORE = 3  # the index of Toán's test score among a period's items (grades 1 to 5)
WHY = "Nhập nhầm 8 thay cho 9 khi chép từ sổ theo dõi chất lượng giáo dục."
REJECTION = "Bài kiểm tra gửi kèm chưa khớp với điểm đề nghị; đề nghị thầy/cô kiểm tra lại."


@dataclass
class SentCorrection:
    teacher: Person
    student_id: int
    at: datetime
    told: str


@dataclass
class Press:
    """A press on a correction's button: who, what, the state before and after, the answer."""

    person: Person
    at: datetime
    action: str  # "ok", "no", "okq" (an old "Duyệt" again), "sys", "sign"
    request_id: int
    before: CorrectionState | None
    answer: str
    after: CorrectionState | None


def datas(message: dict[str, Any] | None) -> list[str]:
    rows = (message or {}).get("buttons") or []
    return [str(b.get("callback_data") or "") for row in rows for b in row]


async def buttons(person: Person, prefix: str) -> tuple[list[str], int]:
    """The buttons starting with `prefix` of the bot's last message that has some."""
    for message in reversed(await person.client.messages()):
        found = [d for d in datas(message) if d.startswith(prefix)]
        if message["from_bot"] and found:
            return found, int(message["message_id"])
    return [], 0


async def tap(person: Person, prefix: str, rng: random.Random | None = None) -> bool:
    """Press one of the last message's buttons starting with `prefix`; wait for the answer."""
    found, message_id = await buttons(person, prefix)
    if not found:
        return False
    data = rng.choice(found) if rng else found[0]
    alert = await person.press(data, message_id)
    if alert is None:
        await person.answer(new_only=False)
    return alert is None


async def file_correction(teacher: Person, rng: random.Random) -> SentCorrection | None:
    """/suadiem: a pupil, term I, Toán's score typed, the reason, a photo and a PDF, "Xong",
    "Gửi đề nghị"; what the teacher was told (None if a step was not offered)."""
    await teacher.client.skip_pending()
    await teacher.client.command("suadiem")
    await teacher.answer()
    if not (await buttons(teacher, "v1:corr:pup:"))[0] and not await tap(teacher, "v1:corr:cls:"):
        return None
    if not await tap(teacher, "v1:corr:pup:", rng):
        return None
    periods, _ = await buttons(teacher, "v1:corr:per:")
    if not periods:
        return None
    student_id = int(periods[0].split(":")[3])
    steps = ("v1:corr:per:{s}:ck1:", f"v1:corr:item:{{s}}:ck1:{TOAN_SCORE}:")
    for step in steps:
        if not await tap(teacher, step.format(s=student_id)):
            return None
    await teacher.client.send("9")
    await teacher.answer()
    if not await tap(teacher, "v1:corr:why:entry_error"):
        return None
    await teacher.client.send(WHY)
    await teacher.answer()
    for kind in ("book", "test"):
        if kind == "book":
            await teacher.client.send_photo(PHOTO, "so-diem.jpg")
        else:
            await teacher.client.send_document(
                TEST_PDF, "bai-kiem-tra.pdf", mime_type="application/pdf"
            )
        await teacher.answer()
        found, message_id = await buttons(teacher, "v1:corr:ek:")
        chosen = [d for d in found if d.split(":")[4] == kind]
        if chosen:
            await teacher.press(chosen[-1], message_id)
            await teacher.answer(new_only=False)
    if not await tap(teacher, "v1:corr:done:"):
        return None
    found, message_id = await buttons(teacher, "v1:corr:send:")
    if not found:
        return None
    alert = await teacher.press(found[0], message_id)
    told = alert or ((await teacher.answer(new_only=False)) or {}).get("text", "")
    return SentCorrection(teacher, student_id, teacher.stage.now(), str(told))


async def state_of(person: Person, request_id: int) -> CorrectionState | None:
    async with person.stage.sessions() as session:
        state: CorrectionState | None = await session.scalar(
            select(CorrectionRequest.state).where(CorrectionRequest.id == request_id)
        )
    return state


async def press(
    person: Person, action: str, request_id: int, message_id: int, role: str = ""
) -> Press:
    """Press a correction's button ("ok"/"no" with its confirmation, and the reason typed for
    "no"; "okq" alone; "sys"; "sign") on a message, as it may be days later."""
    before = await state_of(person, request_id)
    await person.client.skip_pending()
    first = {"ok": "okq", "no": "noq"}.get(action, action)
    data = f"v1:corr:{first}:{request_id}" + (f":{role}" if role else "")
    answer = await person.press(data, message_id, forged=True)
    if answer is None and action in ("ok", "no"):
        await person.answer(new_only=False)  # the card asks to confirm
        answer = await person.press(f"v1:corr:{action}:{request_id}", message_id, forged=True)
        # "no": the question for the reason, which the leader types
        if answer is None and action == "no" and await person.answer() is not None:
            await person.client.send(REJECTION)
    if not answer:
        await person.quiet_answer()  # the card shown as it is now
    after = await state_of(person, request_id)
    return Press(person, person.stage.now(), action, request_id, before, answer or "", after)


async def away(principal: Person, first: datetime, last: datetime) -> bool:
    """/vangmat dd/mm-dd/mm: the vice principal decides on those days (Vietnam's dates: the
    moments are the simulation's UTC ones)."""
    await principal.client.skip_pending()
    await principal.client.command("vangmat", f"{vn(first):%d/%m}-{vn(last):%d/%m}")
    return await principal.answer() is not None


async def waiting_list(leader: Person) -> None:
    """/duyet: the cards waiting for this leader's decision, each with its evidence."""
    await leader.client.skip_pending()
    await leader.client.command("duyet")
    await leader.answer()
