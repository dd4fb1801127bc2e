"""How failures are logged: a job is named as a job; an edit to what is already shown is quiet."""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest, TimedOut

from bot.core.context import _log_refused_edit
from bot.core.errors import describe


def test_a_failed_job_is_not_called_an_update() -> None:
    assert describe(None) == "a job (no update)"
    assert describe("x") == "not an update (str)"


def test_an_edit_to_what_the_message_already_shows_is_not_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.core.context"):
        _log_refused_edit("buttons not changed", BadRequest("Message is not modified: ..."))
        _log_refused_edit("edit not made", TimedOut())
    levels = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert levels == [
        ("DEBUG", "buttons not changed: the message already shows it"),
        ("WARNING", "edit not made: TimedOut"),
    ]
