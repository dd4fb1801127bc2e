"""No Bot API call while the unit of work's transaction is open (bot/core/pacing.py).

`BotContext.visit` opens an update's one transaction and registers its session with the Bot API
gate; a call made inside it is refused (`OpenTransaction`) before it leaves the bot, and the same
call after the commit goes through. Over HTTP, with the real application polling the sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler

from bot.core.context import BotApplication, BotContext
from bot.core.pacing import BotApiGate, OpenTransaction, current_session
from sandbox.client import PersonClient
from sandbox.pytest_plugin import PersonFactory
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import TelegramAccount

Probe = Callable[[Update, BotContext], Awaitable[None]]


def add_probe(application: BotApplication, name: str, probe: Probe) -> None:
    """Answer /`name` with `probe` alone, before every handler of the bot (a failure goes to
    the bot's error handler, as PTB does with any handler's, and no other handler runs)."""

    async def only(update: Update, context: BotContext) -> None:
        try:
            await probe(update, context)
        except Exception as error:
            await application.process_error(update, error)
        raise ApplicationHandlerStop

    application.add_handler(CommandHandler(name, only), group=-10)


def chat_of(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def bot_texts(person: PersonClient) -> list[str]:
    return [m["text"] for m in await person.messages() if m["from_bot"]]


def sends_to(sandbox: RunningSandbox, person: PersonClient) -> int:
    """How many sendMessage calls to the person's chat reached the sandbox."""
    return len(sandbox.state.recorder.find(method="sendMessage", chat_id=person.person_id))


async def language_of(application: BotApplication, user_id: int) -> str | None:
    """The language of the person's account in the bot's school, as another connection reads
    it (what is committed); None when there is no account."""
    services = application.bot_data["services"]
    async with services.sessions() as session:
        language: str | None = await session.scalar(
            select(TelegramAccount.language).where(
                TelegramAccount.school_id == services.school_id,
                TelegramAccount.telegram_user_id == user_id,
            )
        )
        return language


async def test_a_call_inside_the_transaction_is_refused_and_goes_through_after_the_commit(
    running_bot: BotApplication, sandbox: RunningSandbox, make_person: PersonFactory
) -> None:
    seen: list[str] = []

    async def probe(update: Update, context: BotContext) -> None:
        async with context.visit(update) as visit:
            visit.account.language = "en"  # a change the commit stores
            try:
                await context.bot.send_message(chat_of(update), "inside the transaction")
            except OpenTransaction as refused:
                seen.append(f"refused: {refused}")
            else:
                seen.append("sent inside the transaction")
        # Committed: the change is stored before anyone hears of it, and the call goes out.
        seen.append(f"stored: {await language_of(running_bot, visit.account.telegram_user_id)}")
        await context.bot.send_message(chat_of(update), "after the commit")
        seen.append("sent after the commit")

    add_probe(running_bot, "probe", probe)
    person = await make_person("Lan", "+84901000001")
    before = sends_to(sandbox, person)
    await person.command("probe")
    assert (await person.next_message(timeout=10))["text"] == "after the commit"
    assert seen == [
        "refused: sendMessage called inside an open transaction",
        "stored: en",
        "sent after the commit",
    ]
    assert await bot_texts(person) == ["after the commit"]
    assert sends_to(sandbox, person) - before == 1  # the refused call never left the bot


async def test_an_unhandled_refusal_rolls_the_update_back_and_sends_nothing(
    running_bot: BotApplication,
    sandbox: RunningSandbox,
    make_person: PersonFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A handler that calls Telegram inside its unit of work fails whole: its change is not
    stored and its queued answer is not sent (nobody is told of what is not stored); the
    person gets the error handler's apology, sent outside any transaction."""

    async def probe(update: Update, context: BotContext) -> None:
        async with context.visit(update) as visit:
            visit.account.language = "en"
            visit.reply("queued for after the commit")
            await context.bot.send_chat_action(chat_of(update), "typing")

    add_probe(running_bot, "probe", probe)
    person = await make_person("Lan", "+84901000001")
    await person.command("probe")
    apology = (await person.next_message(timeout=10))["text"]
    assert apology.startswith("Xin lỗi"), apology
    with pytest.raises(TimeoutError):
        await person.next_message(timeout=0.5)
    assert await bot_texts(person) == [apology]
    assert await language_of(running_bot, person.person_id) is None
    assert not sandbox.state.recorder.find(method="sendChatAction", chat_id=person.person_id)
    (failure,) = [r for r in caplog.records if r.getMessage().startswith("update failed")]
    assert failure.exc_info is not None and failure.exc_info[0] is OpenTransaction


async def test_what_the_handler_queues_is_sent_after_the_commit(
    running_bot: BotApplication, make_person: PersonFactory
) -> None:
    """The sanctioned way: `reply` and `later` inside the unit of work, sent once it commits."""
    stored_when_sent: list[str | None] = []

    async def probe(update: Update, context: BotContext) -> None:
        async with context.visit(update) as visit:
            visit.account.language = "en"
            user_id = visit.account.telegram_user_id

            async def send() -> None:
                stored_when_sent.append(await language_of(running_bot, user_id))
                await context.bot.send_message(chat_of(update), "later")

            visit.reply("a reply")
            visit.later(send)

    add_probe(running_bot, "probe", probe)
    person = await make_person("Lan", "+84901000001")
    await person.command("probe")
    assert (await person.next_message(timeout=10))["text"] == "a reply"
    assert (await person.next_message(timeout=10))["text"] == "later"
    assert stored_when_sent == ["en"]


# The gate itself, without a bot -----------------------------------------------------------------


async def test_the_gate_refuses_while_the_registered_session_is_in_a_transaction(
    engine: Any,
) -> None:
    gate = BotApiGate(per_second=1000)
    calls: list[str] = []

    async def call(*args: Any, **kwargs: Any) -> bool:
        calls.append("called")
        return True

    async def through(endpoint: str) -> Any:
        return await gate.process_request(call, (), {}, endpoint, {}, None)

    assert await through("sendMessage") is True  # no unit of work: nothing to refuse
    async with session_factory(engine)() as session:
        token = current_session.set(session)
        try:
            assert await through("getMe") is True  # registered, no transaction begun yet
            await session.execute(select(1))  # the transaction begins
            for endpoint in ("sendMessage", "answerCallbackQuery", "getMe"):
                with pytest.raises(OpenTransaction, match=endpoint):
                    await through(endpoint)
            await session.commit()
            assert await through("sendMessage") is True
        finally:
            current_session.reset(token)
    assert calls == ["called"] * 3
