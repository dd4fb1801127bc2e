"""The typed callback context every handler receives."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core import split
from bot.core.access import Actor, account_for, load_actor
from bot.core.i18n import Translator, choose_language, translator
from bot.core.pacing import current_session
from bot.core.settings import Settings
from storage.models import TelegramAccount

if TYPE_CHECKING:
    from bot.core.features import Features
    from bot.delivery.dispatcher import Dispatcher

log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(slots=True)
class Services:
    """Long-lived services shared by handlers, created by `build_application`."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    school_id: int = 0
    owns_engine: bool = True  # False when a district's worker shares its engine
    features: Features | None = None
    # The bot's one source of "now" (UTC): updates, jobs and the dispatcher read it; tests and
    # the simulation set it to move the bot's clock without sleeping.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    dispatcher: Dispatcher | None = None
    dispatcher_stop: asyncio.Event | None = None
    dispatcher_task: asyncio.Task[None] | None = None
    bot_username: str = ""  # the bot's @username once started: the web's t.me deep links


Send = Callable[[], Awaitable[object]]


@dataclass(slots=True)
class Visit:
    """One update's unit of work: the session, the person's account, roles and language.

    The handler reads and writes through `session` and says what to answer with `reply`,
    `edit`, `alert`, `toast` and `later`. Nothing is sent while the transaction is open: when
    the handler returns, `BotContext.visit` commits, then sends the answers in order. What is
    addressed to anyone else goes through the outbox, in the same transaction.
    """

    session: AsyncSession
    account: TelegramAccount
    actor: Actor
    _: Translator
    now: datetime
    update: Update
    sends: list[Send] = field(default_factory=list)
    press_answer: tuple[str, bool] | None = None
    answers_press: bool = False  # set by the press router (bot/core/presses.py)
    wake: Callable[[], None] | None = None  # set by BotContext.visit: the dispatcher's bell
    wake_after: bool = False

    @property
    def who(self) -> str:
        """Return the audit actor name of this person."""
        return f"tg:{self.account.telegram_user_id}"

    @property
    def chat_id(self) -> int:
        """The private chat the update came from."""
        chat = self.update.effective_chat
        assert chat is not None
        return chat.id

    @property
    def query(self) -> CallbackQuery | None:
        """The button press this update is, if it is one."""
        return self.update.callback_query

    def later(self, send: Send) -> None:
        """Make a Bot API call after the commit (a document, a photo, a chat action)."""
        self.sends.append(send)

    def reply(self, text: str, markup: Markup | None = None, *, as_html: bool = True) -> None:
        """Answer in the chat after the commit; a long text goes in parts, buttons under the last.

        `text` is HTML (names and typed texts escaped by the caller) unless `as_html` is False.
        """
        bot, chat_id = self.update.get_bot(), self.chat_id
        pieces = split.split_html(text if as_html else html.escape(text, quote=False))

        async def send() -> None:
            for number, piece in enumerate(pieces, start=1):
                last = number == len(pieces)
                await bot.send_message(chat_id, piece, reply_markup=markup if last else None)

        self.sends.append(send)

    def edit(
        self,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        message_id: int | None = None,
    ) -> None:
        """Show `text` in place of the pressed message (or of this chat's message `message_id`)
        after the commit, cut to one message.

        An edit Telegram refuses (nothing changed, a message too old, a server error) is logged
        by its kind and dropped: what it shows is already stored, and others' news is queued.
        """
        query, bot, chat_id = self.update.callback_query, self.update.get_bot(), self.chat_id
        shown = split.fit(text)

        async def send() -> None:
            try:
                if message_id is not None:
                    await bot.edit_message_text(shown, chat_id, message_id, reply_markup=markup)
                else:
                    assert query is not None
                    await query.edit_message_text(shown, reply_markup=markup)
            except TelegramError as error:
                _log_refused_edit("edit not made", error)

        self.sends.append(send)

    def edit_markup(self, markup: InlineKeyboardMarkup | None) -> None:
        """Change only the buttons of the pressed message after the commit (dropped if stale)."""
        query = self.update.callback_query
        assert query is not None

        async def send() -> None:
            try:
                await query.edit_message_reply_markup(markup)
            except TelegramError as error:
                _log_refused_edit("buttons not changed", error)

        self.sends.append(send)

    def now_on_the_lists(self) -> None:
        """The person was just found on the school's lists (linked in this update): speak
        Vietnamese from here on, unless they chose a language themselves."""
        user = self.update.effective_user
        code = user.language_code if user is not None else None
        self._ = translator(choose_language(self.account.language, code, on_the_lists=True))

    def wake_sender(self) -> None:
        """Ring the dispatcher after the commit: this update queued something in the outbox."""
        self.wake_after = True

    def alert(self, text: str) -> None:
        """Answer the press with a pop-up the person must dismiss (a refusal, a warning)."""
        self.press_answer = (text, True)

    def toast(self, text: str) -> None:
        """Answer the press with a short note that goes away by itself."""
        self.press_answer = (text, False)

    async def deliver(self) -> None:
        """Send the answers, after the commit: the press's answer first, then the rest."""
        query = self.update.callback_query
        if query is not None and self.answers_press:
            text, show_alert = self.press_answer or ("", False)
            try:
                await query.answer(text or None, show_alert=show_alert)
            except TelegramError as error:  # a press older than Telegram keeps: nothing to stop
                log.info("press not answered: %s", type(error).__name__)
        if self.wake_after and self.wake is not None:
            self.wake()
        for send in self.sends:
            await send()
        self.sends.clear()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with the database, the settings and the person's translator."""

    @property
    def services(self) -> Services:
        """Return the application's services."""
        services = self.bot_data["services"]
        assert isinstance(services, Services)
        return services

    @property
    def settings(self) -> Settings:
        """Return the settings."""
        return self.services.settings

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        """Return the session factory (one session per update)."""
        return self.services.sessions

    def today(self, now: datetime) -> date:
        """The date of `now` in the school's time zone."""
        return now.astimezone(self.settings.zone).date()

    @property
    def features(self) -> Features:
        """What the features registered (commands, menu buttons, presses, inputs)."""
        features = self.services.features
        assert features is not None
        return features

    def menu_keyboard(self, visit: Visit) -> ReplyKeyboardMarkup:
        """The main menu for the person's roles, two buttons per row; the features' menu hooks
        run too (the chat's menu button, set after the commit).

        A button for a web page is there only when the web contact book is served over HTTPS
        (Telegram refuses a `web_app` button with any other address). It is a plain button whose
        tap answers with an inline `web_app` button (bot/core/menu.py): a Mini App opened from a
        reply keyboard gets no init data from Telegram, so it could not sign the person in.
        """
        features, web_url = self.features, self.settings.web_url
        https = self.settings.web_is_https and web_url is not None
        buttons: list[str] = []
        for label, page in features.menu_entries(visit.actor.roles):
            if page is None or https:
                buttons.append(visit._(label))
        for hook in features.menu_hooks:
            hook(visit, self)
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)

    def wake_sender(self) -> None:
        """Let the dispatcher look at the outbox now (a notice was just stored)."""
        if self.services.dispatcher is not None:
            self.services.dispatcher.wake()

    @contextlib.asynccontextmanager
    async def visit(self, update: Update) -> AsyncIterator[Visit]:
        """The update's unit of work: one transaction, committed here, then the answers sent.

        This is the one place where an update's changes are committed. Nothing is sent to
        Telegram while the transaction is open (bot/core/pacing.py refuses it), so no lock is
        held across a network round trip and nobody is told of a change that is not stored.
        """
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        async with self.db() as session:
            token = current_session.set(session)
            try:
                account = await account_for(session, self.services.school_id, user.id, chat.id)
                actor = await load_actor(session, account)
                language = choose_language(
                    account.language, user.language_code, on_the_lists=actor.linked
                )
                visit = Visit(session, account, actor, translator(language), self.now(), update)
                visit.wake = self.wake_sender
                yield visit
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)
        await visit.deliver()

    def now(self) -> datetime:
        """The current moment (UTC), by the bot's clock (`Services.clock`)."""
        return self.services.clock()


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def _log_refused_edit(what: str, error: TelegramError) -> None:
    """An edit to what the message already shows (a button pressed twice) is no failure."""
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        log.debug("%s: the message already shows it", what)
    else:
        log.warning("%s: %s", what, type(error).__name__)
