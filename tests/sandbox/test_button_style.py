"""The strict sandbox takes the Bot API's button colours and refuses any other style."""

from __future__ import annotations

import pytest

from sandbox.client import PersonClient
from tests.sandbox.conftest import RawApi
from tests.sandbox.test_strict import TEXT_BUTTON, lan, refused, sent, strict

__all__ = ["lan", "strict"]  # fixtures


@pytest.mark.parametrize("style", ["danger", "success", "primary"])
async def test_the_three_colours_are_taken(raw_api: RawApi, lan: PersonClient, style: str) -> None:
    button = {"text": "Duyệt", "callback_data": "a", "style": style}
    markup = {"inline_keyboard": [[button]]}
    await sent(raw_api, "sendMessage", chat_id=lan.person_id, text="hi", reply_markup=markup)


@pytest.mark.parametrize("style", ["green", "Success", ""])
async def test_any_other_style_is_refused(raw_api: RawApi, lan: PersonClient, style: str) -> None:
    button = {"text": "Duyệt", "callback_data": "a", "style": style}
    markup = {"inline_keyboard": [[button]]}
    description = await refused(
        raw_api, "sendMessage", chat_id=lan.person_id, text="hi", reply_markup=markup
    )
    assert description == TEXT_BUTTON + "unsupported button style specified"
