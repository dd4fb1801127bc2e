"""Faults on demand and the call recorder."""

from __future__ import annotations

import httpx
import pytest

from sandbox.client import SandboxAdmin
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from tests.sandbox.conftest import RawApi

pytestmark = pytest.mark.usefixtures("no_rates")


async def test_share_of_5xx_is_deterministic(
    sandbox: RunningSandbox, raw_api: RawApi, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    admin = SandboxAdmin(sandbox.url)
    await admin.set_faults(seed=7, error_rate=0.5)

    async def run() -> list[int]:
        return [
            (await raw_api("sendMessage", chat_id=lan.person_id, text="x"))[0] for _ in range(40)
        ]

    first = await run()
    await admin.set_faults(seed=7)
    assert await run() == first
    assert 8 <= first.count(502) <= 32 and set(first) == {200, 502}
    assert (await raw_api("getMe"))[0] == 200  # only sends and edits are hit by default
    await admin.reset_faults()
    assert (await raw_api("sendMessage", chat_id=lan.person_id, text="x"))[0] == 200
    await admin.aclose()


async def test_slow_answer_still_delivers(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    sandbox.state.faults.update(slow_rate=1.0, slow_seconds=1.5)
    url = f"{sandbox_bot.base_url}{sandbox_bot.token}/sendMessage"
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post(url, json={"chat_id": lan.person_id, "text": "trễ"}, timeout=0.3)
    assert (await lan.next_message(timeout=5))["text"] == "trễ"
    sandbox.state.faults.update(slow_delivers=False, slow_seconds=0.2)
    async with httpx.AsyncClient() as http:
        response = await http.post(url, json={"chat_id": lan.person_id, "text": "mất"})
    assert response.status_code == 504
    assert [m["text"] for m in await lan.messages()] == ["hi", "trễ"]


async def test_forbidden_people_and_missing_chats(
    sandbox: RunningSandbox, raw_api: RawApi, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    minh = await make_person("Minh")
    await lan.send("hi")
    await minh.send("hi")
    admin = SandboxAdmin(sandbox.url)
    await admin.set_faults(forbidden_people=[lan.person_id], missing_chats=[minh.person_id])
    status, body = await raw_api("sendMessage", chat_id=lan.person_id, text="x")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    status, body = await raw_api("sendMessage", chat_id=minh.person_id, text="x")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    await admin.aclose()


async def test_recorder_over_http(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, raw_api: RawApi, make_person: PersonFactory
) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    await raw_api("sendMessage", chat_id=lan.person_id, text="một")
    await raw_api("sendMessage", chat_id=lan.person_id, text="")
    await raw_api("getMe")
    admin = SandboxAdmin(sandbox.url)
    sends = await admin.calls(method="sendmessage")
    assert [(c["ok"], c["error_code"], c["message_id"]) for c in sends] == [
        (True, None, 2),
        (False, 400, None),
    ]
    assert sends[0]["chat_id"] == lan.person_id and sends[0]["bot_id"] == sandbox_bot.id
    assert sends[0]["monotonic"] <= sends[1]["monotonic"]
    assert len(await admin.calls(ok=False)) == 1
    assert len(sandbox.state.recorder.find(method="getMe")) == 1
    await admin.clear_calls()
    assert await admin.calls() == []
    await admin.aclose()
