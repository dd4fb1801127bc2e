"""Link requests, planned on top of `simulation/town.py`: some parents whose number in the
export is stale ask to be linked instead of using their slip's code ("mẹ cháu Mai Hà Linh
1A"), and a stranger types a pupil's name and class. The homeroom teacher (or the administrator,
while she has not joined) calls the number: a parent is linked to the right child after "Có,
liên kết", the stranger refused; the decider's buttons are pressed again later.

Checked at the end (`Requests.check`):

- **lost**: every request is stored, the person was told truthfully where it went (the teacher,
  the administrator, or kept until the teacher joins), and a linked parent was told so.
- **buttons**: a request's button pressed after it was decided answers that it was handled and
  links nobody more.
- **privacy**: the stranger is never linked (and so never receives a pupil's data: checked on
  every message).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from simulation import people
from simulation.invariants import Checks
from simulation.people import Person, data_of
from simulation.school import Pupil
from simulation.town import Action, Town
from simulation.world import ZONE, Delivered
from storage.models import LinkRequest, RequestState, TelegramAccount

TOLD = {
    "teacher": ("đã được gửi đến giáo viên chủ nhiệm", "was sent to the homeroom teacher"),
    "admin": ("quản trị hệ thống", "administrator"),
    "kept": ("được giữ lại", "is kept"),
}
# What a decided request's card and old buttons say: handled, linked on a day, refused on a day.
HANDLED = (
    "Yêu cầu này đã được xử lý",
    "Yêu cầu này đã bị từ chối",
    "This request was already handled",
    "This request was already decided",
    "This request was already refused",
)


@dataclass
class Asked:
    person: Person
    pupil: Pupil
    at: datetime
    told: str
    stranger: bool
    reach: str  # where the person should have been told it went


@dataclass
class Requests:
    town: Town
    asked: list[Asked] = field(default_factory=list)
    late: list[tuple[Person, datetime, str]] = field(default_factory=list)  # (who, when, answer)

    def plan(self) -> None:
        town, rng = self.town, self.town.rng
        town.reactions.append(self.react)
        for guardian in town.school.guardians:
            person = town.parents[id(guardian)]
            if guardian.stale and len(guardian.children) == 1 and rng.random() < 0.5:
                town.by_request[person.id] = self._ask(
                    person, town.school.pupil(guardian.children[0])
                )
        pupil = town.school.in_class(town.school.classes[0])[0]
        stranger = town.add("Người lạ", "0869" + f"{rng.randrange(10**6):06d}")
        town.agenda[town.hour_of(1, 20)].append(self._ask(stranger, pupil, stranger=True))

    def acts(self) -> dict[str, int]:
        return {"link_requests": len(self.asked), "late_link_presses": len(self.late)}

    def _reach(self, pupil: Pupil) -> str:
        if self.town.teacher(pupil.klass).linked_at is not None:
            return "teacher"
        admin = self.town.staff["Quản trị hệ thống"]
        return "admin" if admin.linked_at is not None else "kept"

    def _ask(self, person: Person, pupil: Pupil, *, stranger: bool = False) -> Action:
        async def act() -> None:
            if not await people.consent(person):
                return
            await person.client.share_contact()
            await person.answer()
            who = "bố" if not stranger and pupil.father is person.guardian else "mẹ"
            words = (
                f"{pupil.name} lớp {pupil.klass}"
                if stranger
                else f"{who} cháu {pupil.name} {pupil.klass}"
            )
            reach = self._reach(pupil)
            await person.client.send(words)
            told = await person.answer()
            text = str(told["text"]) if told else ""
            self.asked.append(Asked(person, pupil, self.town.stage.now(), text, stranger, reach))

        return act

    # --- the decider -----------------------------------------------------------------------

    def react(self, index: int, person: Person, delivered: Delivered) -> None:
        """A link request's card: the decider calls the number and decides within hours."""
        if not any(d.startswith("v1:lnk:ok:") for d in delivered.buttons) or person.member is None:
            return
        digits = "".join(c for c in delivered.text if c.isdigit())
        asked = next((a for a in self.asked if a.person.phone[1:] in digits), None)
        if asked is None:
            return
        later = index + self.town.rng.randint(1, 6)
        hour = self.town.at(later).astimezone(ZONE).hour
        if hour < 7 or hour >= 21:
            later += (7 - hour) % 24
        self.town.agenda[later].append(self._decide(person, delivered, asked))

    def _decide(self, decider: Person, card: Delivered, asked: Asked) -> Action:
        async def act() -> None:
            if decider.left_at is not None:
                return  # she left the school (simulation/staffing.py presses for her)
            request_id = card.buttons[0].split(":")[3]
            if await _state(decider, asked.person) is not RequestState.PENDING:
                await self._late(decider, card.buttons[0], card.message_id)
                return
            if asked.stranger:
                await decider.press(f"v1:lnk:no:{request_id}", card.message_id, forged=True)
                await decider.quiet_answer()
                return
            choice = self._button_of(decider, card, asked.pupil)
            if choice is None:
                return
            await decider.client.skip_pending()
            await decider.press(choice, card.message_id, forged=True)
            yes = await self._confirmation(decider, card.message_id)
            if not yes:
                return
            await decider.press(yes[0], card.message_id, forged=True)
            await decider.quiet_answer()
            if await _state(decider, asked.person) is RequestState.APPROVED:
                asked.person.linked_at = self.town.stage.now()
                again = self.town._index() + self.town.rng.randint(1, 24)  # pressed again
                self.town.agenda[again].append(self._again(decider, yes[0], card.message_id))

        return act

    async def _confirmation(self, decider: Person, message_id: int) -> list[str]:
        """The "Có, liên kết" of the card's second question (its own edit, not another's)."""
        for _ in range(5):
            event = await decider.answer(new_only=False)
            if event is None:
                return []
            if event["message_id"] == message_id:
                return data_of(event, "v1:lnk:yes:")
        return []

    def _again(self, decider: Person, data: str, message_id: int) -> Action:
        async def act() -> None:
            if decider.left_at is not None:
                return
            await self._late(decider, data, message_id)

        return act

    async def _late(self, decider: Person, data: str, message_id: int) -> None:
        """A press on a decided request: what the message says after it (the card is shown
        as handled, or a pop-up)."""
        answer = await decider.press(data, message_id, forged=True)
        stage = self.town.stage
        chat = stage.sandbox.state.chat_log(stage.bot_id, decider.id)
        shown = ""
        deadline = time.monotonic() + people.ANSWER_SECONDS
        while not answer and time.monotonic() < deadline:  # the card's edit comes after
            entry = chat.by_id.get(message_id)
            shown = str(entry.message.get("text") or "") if entry else ""
            if shown.startswith(HANDLED):
                break
            await asyncio.sleep(0.02)
        self.late.append((decider, stage.now(), answer or shown))

    def _button_of(self, decider: Person, card: Delivered, pupil: Pupil) -> str | None:
        """The pupil's button, by the label the teacher reads (namesakes told apart)."""
        stage = self.town.stage
        entry = stage.sandbox.state.chat_log(stage.bot_id, decider.id).by_id.get(card.message_id)
        markup = (entry.message.get("reply_markup") or {}) if entry else {}
        labels = {
            pupil.name,
            f"{pupil.name} ({pupil.born:%d/%m/%Y})",
            f"{pupil.name} (…{pupil.code[-4:]})",
        }
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button.get("text") in labels and button.get("callback_data", "").startswith(
                    "v1:lnk:ok:"
                ):
                    return str(button["callback_data"])
        return None

    # --- checks ----------------------------------------------------------------------------

    async def check(self, checks: Checks) -> None:
        for asked in self.asked:
            state = await _state(asked.person, asked.person)
            if state is None:
                checks.fail("lost", asked.at, [asked.person], "a link request is not stored")
                continue
            if not any(w in asked.told for w in TOLD[asked.reach]):
                detail = f"told “{asked.told[:120]}”, the request went to the {asked.reach}"
                checks.fail("lost", asked.at, [asked.person], detail)
            if asked.stranger and state is RequestState.APPROVED:
                checks.fail("privacy", asked.at, [asked.person], "a stranger was linked")
            if state is RequestState.APPROVED and not checks.received(
                asked.person, lambda t, n=asked.pupil.name: n in t
            ):
                checks.fail("lost", asked.at, [asked.person], "linked, and never told")
        for who, at, answer in self.late:
            if not any(answer.startswith(h) for h in HANDLED):
                checks.fail("buttons", at, [who], f"a decided link request answered {answer!r}")


async def _state(anyone: Person, asker: Person) -> RequestState | None:
    """The state of the newest link request of `asker`'s account."""
    stage = anyone.stage
    async with stage.sessions() as session:
        state: RequestState | None = await session.scalar(
            select(LinkRequest.state)
            .join(TelegramAccount, TelegramAccount.id == LinkRequest.account_id)
            .where(
                LinkRequest.school_id == stage.school_id,
                TelegramAccount.telegram_user_id == asker.id,
            )
            .order_by(LinkRequest.id.desc())
            .limit(1)
        )
    return state
