"""Webhook delivery: POST each pending update to the bot's URL, retrying on failure."""

from __future__ import annotations

import asyncio
import time

import httpx

from sandbox.world import Bot, Webhook, World


def start_delivery(world: World, bot: Bot) -> None:
    """Start delivering the bot's updates to its webhook in the background."""
    hook = bot.webhook
    if hook is not None and (hook.task is None or hook.task.done()):
        hook.task = asyncio.create_task(_deliver(world, bot, hook))


async def _deliver(world: World, bot: Bot, hook: Webhook) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
    timeout = world.config.webhook_timeout_seconds
    async with httpx.AsyncClient(timeout=timeout) as client:
        while not world.closing and bot.webhook is hook:
            if not bot.updates:
                await bot.wake.wait()
                continue
            update = bot.updates[0]
            try:
                response = await client.post(hook.url, json=update, headers=headers)
                error = (
                    None
                    if response.is_success
                    else f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
            except httpx.HTTPError as exc:
                error = f"Connection failed: {type(exc).__name__}"
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.pop(0)
                continue
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            await world.sleep(world.config.webhook_retry_seconds)
