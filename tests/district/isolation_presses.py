"""Another school's buttons pressed: each person presses, in their own school's chat, every
button the same role was given in another school's chat (a forged or copied callback naming
another school's request, result or delivery). The bot's answers join what is checked for
leaks; the other school's rows must not change."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from sandbox.client import PersonClient
from sandbox.server import RunningSandbox
from storage.db import session_factory
from storage.models import CorrectionRequest, Feedback, LeaveRequest
from tests.district.isolation_world import Campus

# Presses that only move the presser's own screen (a menu, a draft of their own) are skipped:
# they name no record.
OWN_SCREENS = ("v1:menu", "v1:lang", "v1:consent", "v1:acc:", "v1:fb:kid", "v1:fb:to")


def buttons_given(sandbox: RunningSandbox, bot_id: int, person: PersonClient) -> list[str]:
    """Every callback data the bot put under its messages to this person, once each."""
    log = sandbox.state.chat_log(bot_id, person.person_id)
    datas: list[str] = []
    for entry in log.entries:
        if not entry.outgoing:
            continue
        markup = entry.message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data and data not in datas and not data.startswith(OWN_SCREENS):
                    datas.append(data)
    return datas


async def press_answered(sandbox: RunningSandbox, person: PersonClient, data: str) -> None:
    """Press `data` as a modified client could, and wait until the bot answers the press."""
    sent = await person.press(data=data, forged=True)
    query_id = sent["callback_query_id"]
    for _ in range(400):
        if sandbox.state.callbacks[query_id][2]:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"the press {data!r} was never answered")


async def replay(
    sandbox: RunningSandbox, engine: AsyncEngine, source: Campus, target: Campus
) -> int:
    """The target school's people press the source school's buttons of their role; how many
    presses were made."""
    pressed = 0
    records = await record_presses(engine, source)
    for key, person in target.people.items():
        if key not in source.people:
            continue
        given = buttons_given(sandbox, source.spec.bot_id, source.people[key])
        given += [data for data in records.get(key, []) if data not in given]
        for data in given:
            await press_answered(sandbox, person, data)
            pressed += 1
    await target.send()
    return pressed


async def record_presses(engine: AsyncEngine, source: Campus) -> dict[str, list[str]]:
    """The buttons of the source school's requests, by who would press them (their cards may
    have lost them since): leave, feedback and the correction's card, system and signatures."""
    async with session_factory(engine)() as session:
        ids = {
            model.__tablename__: list(
                await session.scalars(select(model.id).where(model.school_id == source.school_id))
            )
            for model in (LeaveRequest, Feedback, CorrectionRequest)
        }
    leaves, feedback, corrections = (
        ids["leave_requests"],
        ids["feedback"],
        ids["correction_requests"],
    )
    assert leaves and feedback and corrections, ids
    return {
        "teacher": [
            *(f"v1:leave:{a}:{i}" for i in leaves for a in ("ok", "no")),
            *(f"v1:fb:{a}:{i}" for i in feedback for a in ("reply", "done")),
            *(f"v1:corr:sign:{i}:teacher" for i in corrections),
        ],
        "principal": [
            *(f"v1:corr:{a}:{i}" for i in corrections for a in ("okq", "ok", "noq", "more")),
            *(f"v1:corr:sign:{i}:principal" for i in corrections),
        ],
        "admin": [
            *(f"v1:corr:{a}:{i}" for i in corrections for a in ("sys",)),
            *(f"v1:corr:sign:{i}:admin" for i in corrections),
        ],
    }
