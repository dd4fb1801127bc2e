"""The in-memory world: bots, people, groups, chats, messages and pending updates."""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.apispec import Checker, SpecError, spec
from sandbox.config import SandboxConfig
from sandbox.errors import UserError
from sandbox.faults import FaultInjector
from sandbox.files import FileStore
from sandbox.limits import RateLimiter
from sandbox.recorder import Recorder

# Update kinds Telegram leaves out unless asked for explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Person:
    """A human Telegram user driven by tests or the web page."""

    id: int
    first_name: str
    last_name: str | None
    phone: str
    language_code: str
    label: str
    blocked: set[int] = field(default_factory=set)

    def user(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat(self) -> dict[str, Any]:
        """The Bot API Chat object of this person's private chat."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        return chat

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for the user API."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return {
            "id": self.id,
            "name": name,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
            "language_code": self.language_code,
            "label": self.label,
            "blocked": sorted(self.blocked),
        }


@dataclass
class Group:
    """A basic group chat with people and bots in it."""

    id: int
    title: str
    members: list[int]
    bots: set[int]

    def chat(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        return {"id": self.id, "type": "group", "title": self.title}

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for the user API."""
        return {
            "id": self.id,
            "title": self.title,
            "members": self.members,
            "bots": sorted(self.bots),
        }


class BrokenUpdate(RuntimeError):
    """An update the sandbox made that Telegram's specification does not allow: a bug of the
    sandbox itself, raised loudly (the person's call that caused it fails) rather than handed
    to the bot by getUpdates or a webhook."""


def check_update(update: dict[str, Any]) -> None:
    """Check an update against the specification's Update object, as every answer is."""
    try:
        Checker(spec(), answer=True).check(update, ("Update",), "update")
    except SpecError as exc:
        raise BrokenUpdate(
            f"the update breaks the spec at {exc.at('update').where()}: {exc.message}"
        ) from exc


@dataclass
class Webhook:
    """A bot's webhook settings and delivery status."""

    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task[None] | None = None


@dataclass
class Bot:
    """A registered bot account and its pending updates."""

    token: str
    id: int
    username: str
    first_name: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: Webhook | None = None
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    poll_generation: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    contacts: set[int] = field(default_factory=set)

    def user(self) -> dict[str, Any]:
        """The Bot API User object of the bot."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me(self) -> dict[str, Any]:
        """The getMe answer."""
        return {
            **self.user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def notify(self) -> None:
        """Wake everyone waiting for this bot's updates."""
        self.wake.set()
        self.wake = asyncio.Event()


@dataclass
class Entry:
    """One message in a chat, with what the person sees of it."""

    message: dict[str, Any]
    outgoing: bool
    seq: int
    reply_keyboard: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False


@dataclass
class ChatLog:
    """The messages between one bot and one chat."""

    bot_id: int
    chat_id: int
    entries: list[Entry] = field(default_factory=list)
    by_id: dict[int, Entry] = field(default_factory=dict)
    next_id: int = 1
    keyboard: dict[str, Any] | None = None
    events: list[tuple[int, str, int]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def instance(self) -> str:
        """A stable chat_instance for callback queries in this chat."""
        raw = f"{self.bot_id}:{self.chat_id}".encode()
        return str(int(hashlib.sha1(raw).hexdigest()[:15], 16))


class World:
    """All sandbox state; one instance per running sandbox."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.files = FileStore()
        self.recorder = Recorder()
        self.limiter = RateLimiter(self.config.limits)
        self.faults = FaultInjector(self.config.faults)
        self.bots: dict[int, Bot] = {}
        self.tokens: dict[str, Bot] = {}
        self.people: dict[int, Person] = {}
        self.groups: dict[int, Group] = {}
        self.chats: dict[tuple[int, int], ChatLog] = {}
        self.callbacks: dict[str, tuple[int, int, bool]] = {}
        self.seq = 0
        self.changed = asyncio.Event()
        self.closing = False
        self.closed = asyncio.Event()
        self._next_person = 100_000_001
        self._next_group = 4_000_000_001
        self._next_callback = 1

    # --- registration -------------------------------------------------------------------

    def add_bot(self, token: str, username: str, first_name: str = "") -> dict[str, Any]:
        """Register a bot; its id is the digits before ':' in the token."""
        head = token.split(":", 1)[0]
        if ":" not in token or not head.isdigit():
            raise UserError("bot token must look like '<digits>:<secret>'")
        bot = Bot(token=token, id=int(head), username=username, first_name=first_name or username)
        self.bots[bot.id] = bot
        self.tokens[token] = bot
        self.bump()
        return bot.me()

    def add_person(
        self,
        name: str,
        phone: str = "",
        language_code: str = "vi",
        label: str = "",
        user_id: int | None = None,
        last_name: str | None = None,
    ) -> Person:
        """Create a person; the id is chosen unless user_id is given."""
        if user_id is None:
            while self._next_person in self.people:
                self._next_person += 1
            user_id = self._next_person
            self._next_person += 1
        elif user_id in self.people:
            raise UserError(f"person {user_id} already exists")
        person = Person(user_id, name, last_name, phone, language_code, label)
        self.people[user_id] = person
        self.bump()
        return person

    def create_group(self, title: str, members: list[int], bots: list[int] | None = None) -> Group:
        """Create a basic group with these people and bots (all bots by default)."""
        for member in members:
            self.person(member)
        group = Group(-self._next_group, title, list(members), set(bots or self.bots))
        self._next_group += 1
        self.groups[group.id] = group
        for bot_id in group.bots:
            self.bot(bot_id).contacts.add(group.id)
        self.bump()
        return group

    def person(self, person_id: int) -> Person:
        """The person with this id or a UserError."""
        try:
            return self.people[int(person_id)]
        except (KeyError, ValueError):
            raise UserError(f"no person with id {person_id}", 404) from None

    def bot(self, bot_ref: int | str) -> Bot:
        """The bot with this id or username, or a UserError."""
        text = str(bot_ref).lstrip("@")
        if text.isdigit() and int(text) in self.bots:
            return self.bots[int(text)]
        for bot in self.bots.values():
            if bot.username.lower() == text.lower():
                return bot
        raise UserError(f"no bot {bot_ref}", 404)

    # --- chats and messages -------------------------------------------------------------

    def chat_log(self, bot_id: int, chat_id: int) -> ChatLog:
        """The chat between a bot and a chat id, created on first use."""
        key = (bot_id, chat_id)
        if key not in self.chats:
            self.chats[key] = ChatLog(bot_id, chat_id)
        return self.chats[key]

    def chat_object(self, chat_id: int) -> dict[str, Any]:
        """The Bot API Chat object for a person's private chat or a group."""
        if chat_id in self.groups:
            return self.groups[chat_id].chat()
        return self.person(chat_id).chat()

    def add_message(
        self,
        bot: Bot,
        chat_id: int,
        sender: dict[str, Any],
        content: dict[str, Any],
        *,
        outgoing: bool,
        reply_keyboard: dict[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> Entry:
        """Append a message to a chat and return its entry."""
        log = self.chat_log(bot.id, chat_id)
        message: dict[str, Any] = {
            "message_id": log.next_id,
            "from": sender,
            "chat": self.chat_object(chat_id),
            "date": int(time.time()),
            **content,
        }
        log.next_id += 1
        if reply_to is not None and reply_to in log.by_id:
            replied = dict(log.by_id[reply_to].message)
            replied.pop("reply_to_message", None)
            message["reply_to_message"] = replied
        entry = Entry(message, outgoing, self.bump(), reply_keyboard)
        log.entries.append(entry)
        log.by_id[message["message_id"]] = entry
        if reply_keyboard is not None:
            log.keyboard = reply_keyboard if "keyboard" in reply_keyboard else None
        log.events.append((entry.seq, "message", message["message_id"]))
        return entry

    def touch(self, entry: Entry, log: ChatLog, kind: str) -> None:
        """Mark an entry as changed (edit or delete) so waiters see it."""
        entry.seq = self.bump()
        log.events.append((entry.seq, kind, entry.message["message_id"]))

    # --- updates ------------------------------------------------------------------------

    def push_update(self, bot: Bot, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update for a bot unless its allowed_updates leave it out."""
        allowed = bot.allowed_updates
        if allowed and kind not in allowed:
            return
        if not allowed and kind in OPT_IN_UPDATES:
            return
        update = {"update_id": bot.next_update_id, kind: payload}
        if self.config.strict:
            check_update(update)
        bot.updates.append(update)
        bot.next_update_id += 1
        bot.notify()

    def new_callback_id(self, bot_id: int, chat_id: int) -> str:
        """A fresh callback query id, remembered until answered."""
        query_id = f"{bot_id}{self._next_callback:08d}"
        self._next_callback += 1
        self.callbacks[query_id] = (bot_id, chat_id, False)
        return query_id

    # --- change tracking ----------------------------------------------------------------

    def bump(self) -> int:
        """Advance the change counter and wake user-side waiters."""
        self.seq += 1
        self.changed.set()
        self.changed = asyncio.Event()
        return self.seq

    async def wait_change(self, seconds: float) -> None:
        """Wait until anything changes, the timeout passes or the sandbox closes."""
        if self.closing:
            return
        changed, closed = self.changed, self.closed
        waiters = [asyncio.ensure_future(changed.wait()), asyncio.ensure_future(closed.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def sleep(self, seconds: float) -> bool:
        """Sleep unless the sandbox closes first; True if the full time passed."""
        try:
            await asyncio.wait_for(self.closed.wait(), timeout=seconds)
        except TimeoutError:
            return True
        return False

    def close(self) -> None:
        """Release all waiters and stop webhook deliveries."""
        self.closing = True
        self.closed.set()
        self.changed.set()
        for bot in self.bots.values():
            bot.notify()
            if bot.webhook and bot.webhook.task:
                bot.webhook.task.cancel()
