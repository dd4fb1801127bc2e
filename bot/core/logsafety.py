"""Keep phone numbers and bot tokens out of the logs.

A filter on the root logger's handlers rewrites every record before it is written: the message
(already formatted with its arguments), the exception text with its traceback and the stack.
Log lines should carry ids and kinds only; this is the net under that rule for what slips
through (a phone in an exception's message, a token in a URL of a library's log line).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator

REDACTED_TOKEN = "[token]"
REDACTED_PHONE = "[phone]"

# A BotFather token: the bot's id, a colon and a long secret.
_TOKEN = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")
# The token's place in a Bot API URL, whatever it looks like: /bot<token>/getMe.
_URL_TOKEN = re.compile(r"(/(?:file/)?bot)[^/\s\"'<>]{3,}(?=/)")
# A digit, optionally followed by one separator (space, dot, dash) before the next digit.
_D = r"\d[ .\-]?"
# Vietnamese numbers: 0 + 9 or 10 digits (mobile, landline), 84 + 9 or 10 digits (Telegram sends
# contacts without the plus); any E.164 number +CC... of 8 to 15 digits. Not inside a longer run of
# digits or letters, so ids (Telegram's do not start with 0) and times stay readable.
_PHONE = re.compile(
    rf"(?<![\w+])(?:\+[ ]?(?:{_D}){{7,14}}\d|(?:0[ .\-]?|84[ .\-]?)(?:{_D}){{8,9}}\d)(?![\w])"
)


class Redactor:
    """Replace tokens and phone numbers in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Also hide these exact values (the configured token, the webhook secret)."""
        for secret in secrets:
            if secret and len(secret) >= 8 and secret not in self.secrets:
                self.secrets.append(secret)
        self.secrets.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED_TOKEN)
        text = _TOKEN.sub(REDACTED_TOKEN, text)
        text = _URL_TOKEN.sub(rf"\1{REDACTED_TOKEN}", text)
        return _PHONE.sub(REDACTED_PHONE, text)


class RedactingFilter(logging.Filter):
    """Rewrite a record's message, exception text and stack with the redactor applied.

    The exception is rendered here (into `exc_text`, which formatters reuse) so that the
    traceback is redacted too; the record is changed in place for every handler after this one.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redactor
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be kept, never raise
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(*secrets: str | None, logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one redacting filter on every handler of the root logger (or `logger`).

    Called again, it reuses the filter already there and adds the new secrets to it.
    """
    target = logger or logging.getLogger()
    found = next(
        (f for h in target.handlers for f in h.filters if isinstance(f, RedactingFilter)), None
    )
    active = found or RedactingFilter()
    active.redactor.add(*(secret for secret in secrets if secret))
    for handler in target.handlers:
        if active not in handler.filters:
            handler.addFilter(active)
    return active


def uninstall(active: RedactingFilter, logger: logging.Logger | None = None) -> None:
    """Take the filter off the handlers of the root logger (or `logger`)."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.removeFilter(active)


@contextlib.contextmanager
def redacting(*secrets: str | None) -> Iterator[RedactingFilter]:
    """Install the filter for a block; one that was there before stays after it."""
    root = logging.getLogger()
    before = {id(f) for h in root.handlers for f in h.filters}
    active = install(*secrets)
    try:
        yield active
    finally:
        if id(active) not in before:
            uninstall(active)
