"""A real PTB Application polling the sandbox inside the test's event loop."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from sandbox.pytest_plugin import PersonFactory, SandboxBot


async def test_application_answers_start(
    sandbox_bot: SandboxBot, make_person: PersonFactory
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        code = context.args[0] if context.args else "-"
        await update.effective_message.reply_text(f"Chào! Mã: <b>{code}</b>", parse_mode="HTML")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("OK")

    app = (
        Application.builder()
        .token(sandbox_bot.token)
        .base_url(sandbox_bot.base_url)
        .base_file_url(sandbox_bot.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    lan = await make_person("Lan", "+84901000001")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=2)
        await lan.command("start", "ABC123")
        reply = await lan.next_message(timeout=10)
        assert reply["text"] == "Chào! Mã: ABC123"
        assert reply["entities"][0]["type"] == "bold"
        started = asyncio.get_running_loop().time()
        await app.updater.stop()
        await app.stop()
    assert asyncio.get_running_loop().time() - started < 5
