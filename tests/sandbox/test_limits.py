"""Telegram's length, callback-data, HTML and rate limits."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.htmlcheck import HtmlError, parse_html
from sandbox.pytest_plugin import PersonFactory, SandboxBot
from sandbox.server import RunningSandbox
from tests.sandbox.conftest import RawApi


async def test_text_and_caption_lengths(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    status, body = await raw_api("sendMessage", chat_id=lan.person_id, text="a" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, body = await raw_api("sendMessage", chat_id=lan.person_id, text="")
    assert body["description"] == "Bad Request: message text is empty"
    # Tags don't count towards the length.
    text = "<b>" + "a" * 4096 + "</b>"
    assert (await raw_api("sendMessage", chat_id=lan.person_id, text=text, parse_mode="HTML"))[
        0
    ] == 200


async def test_callback_data_over_64_bytes(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}
    status, body = await raw_api(
        "sendMessage", chat_id=lan.person_id, text="x", reply_markup=markup
    )
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


@pytest.mark.parametrize(
    "text", ["a < b", "Tom & Jerry", "<b>open", "<b>x</i>", "<div>x</div>", "</b>"]
)
async def test_broken_html_refused(raw_api: RawApi, make_person: PersonFactory, text: str) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    status, body = await raw_api("sendMessage", chat_id=lan.person_id, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")


def test_html_entities_and_nesting() -> None:
    text, entities = parse_html(
        '<b>a<i>b</i></b> <a href="https://x.vn?a=1&amp;b=2">l</a> &lt;&#65;&gt; '
        '<pre><code class="language-python">p</code></pre> <blockquote expandable>q</blockquote>'
        ' <span class="tg-spoiler">s</span> <tg-emoji emoji-id="1">e</tg-emoji>'
    )
    assert text == "ab l <A> p q s e"
    kinds = [e["type"] for e in entities]
    assert kinds == [
        "bold",
        "italic",
        "text_link",
        "pre",
        "expandable_blockquote",
        "spoiler",
        "custom_emoji",
    ]
    assert entities[2]["url"] == "https://x.vn?a=1&b=2"
    assert entities[3]["language"] == "python"
    with pytest.raises(HtmlError):
        parse_html('<span class="x">y</span>')


async def test_global_rate_gives_429(
    sandbox: RunningSandbox, sandbox_bot: SandboxBot, raw_api: RawApi, make_person: PersonFactory
) -> None:
    people = [await make_person(f"P{i}") for i in range(40)]
    # As if each of them had written to the bot before.
    sandbox.state.bots[sandbox_bot.id].contacts.update(p.person_id for p in people)
    answers = await asyncio.gather(
        *(raw_api("sendMessage", chat_id=p.person_id, text="Thông báo") for p in people)
    )
    refused = [body for status, body in answers if status == 429]
    assert len([a for a in answers if a[0] == 200]) <= 30
    assert refused, "40 messages in a second must hit the 30/s limit"
    assert refused[0]["description"].startswith("Too Many Requests: retry after ")
    assert refused[0]["parameters"]["retry_after"] >= 1


async def test_private_chat_burst(raw_api: RawApi, make_person: PersonFactory) -> None:
    lan = await make_person("Lan")
    await lan.send("hi")
    answers = [await raw_api("sendMessage", chat_id=lan.person_id, text=str(i)) for i in range(5)]
    statuses = [status for status, _ in answers]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    body = answers[statuses.index(429)][1]
    assert body["parameters"]["retry_after"] >= 1
    # Edits and callback answers are not rate-limited.
    message_id = answers[0][1]["result"]["message_id"]
    status, _ = await raw_api(
        "editMessageText", chat_id=lan.person_id, message_id=message_id, text="sửa"
    )
    assert status == 200


async def test_group_rate_per_minute(
    sandbox: RunningSandbox, raw_api: RawApi, make_person: PersonFactory
) -> None:
    sandbox.config.limits.global_per_second = 1000
    sandbox.config.limits.group_per_minute = 5
    lan = await make_person("Lan")
    group = sandbox.create_group("Lớp 1A", [lan.person_id])
    statuses = [(await raw_api("sendMessage", chat_id=group.id, text="x"))[0] for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    chat = await lan.chat(chat_id=group.id)
    assert len(chat["messages"]) == 5


def test_limits_off_for_benchmarks() -> None:
    from sandbox.config import LimitsConfig

    off = LimitsConfig.off()
    assert not (off.rates or off.lengths or off.html or off.require_contact)
