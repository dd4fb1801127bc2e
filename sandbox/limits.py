"""Telegram's length, HTML and send-rate limits."""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Any

from sandbox.config import LimitsConfig
from sandbox.errors import bad_request, refused, too_many
from sandbox.htmlcheck import HtmlError, parse_html, utf16_len
from sandbox.markdown import parse_markdown, parse_markdown_v2

_PARSERS = {"markdown": parse_markdown, "markdownv2": parse_markdown_v2}


def format_text(
    text: Any,
    parse_mode: Any,
    entities: Any,
    limits: LimitsConfig,
    *,
    caption: bool = False,
    strict: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode and the length limits; return (text, entities).

    `strict` adds Telegram's other parse modes and its checks of parse_mode and entities.
    """
    raw = "" if text is None else str(text)
    found: list[dict[str, Any]] = list(entities) if isinstance(entities, list) else []
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if strict and raw and mode not in {"", "none", "html", *_PARSERS}:
        raise refused("unsupported parse_mode")
    if raw and (mode == "html" or (strict and mode in _PARSERS)):
        try:
            if mode == "html":
                strict_ampersand = limits.strict_ampersand and limits.html
                raw, found = parse_html(raw, strict_ampersand=strict_ampersand)
            else:
                raw, found = _PARSERS[mode](raw)
        except HtmlError as exc:
            if limits.html:
                error = bad_request if mode == "html" else refused
                raise error(f"can't parse entities: {exc}") from exc
    elif strict and found:
        _check_entities(raw, found)
    if not limits.lengths:
        return raw, found
    if caption:
        if len(raw) > limits.max_caption_length:
            raise bad_request("message caption is too long")
    else:
        if not raw.strip():
            raise bad_request("message text is empty")
        if len(raw) > limits.max_text_length:
            raise bad_request("message is too long")
    return raw, found


def _check_entities(text: str, entities: list[dict[str, Any]]) -> None:
    size = utf16_len(text)
    for entity in entities:
        offset, length = int(entity.get("offset", 0)), int(entity.get("length", 0))
        if offset < 0:
            raise refused(f"receive an entity with incorrect offset {offset}")
        if offset > size:
            raise refused(f"entity begins after the end of the text at UTF-16 offset {offset}")
        if offset + length > size:
            raise refused(
                f"entity beginning at UTF-16 offset {offset} ends after the end of the text "
                f"at UTF-16 offset {offset + length}"
            )


def check_markup(markup: Any, limits: LimitsConfig) -> None:
    """Validate an inline keyboard's callback_data sizes and button shapes."""
    if not isinstance(markup, dict):
        return
    rows = markup.get("inline_keyboard")
    if rows is None:
        if "keyboard" in markup and not isinstance(markup["keyboard"], list):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array')
        return
    if not isinstance(rows, list):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array')
    for row in rows:
        for button in row if isinstance(row, list) else []:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            if data is None:
                continue
            size = len(str(data).encode())
            if limits.lengths and not 1 <= size <= limits.max_callback_data_bytes:
                raise bad_request("BUTTON_DATA_INVALID")


class RateLimiter:
    """Per-bot, per-private-chat and per-group send rates, answering 429 when exceeded."""

    def __init__(self, limits: LimitsConfig) -> None:
        self.limits = limits
        self._global: dict[int, deque[float]] = {}
        self._groups: dict[tuple[int, int], deque[float]] = {}
        # Token buckets for private chats: (tokens, last refill time).
        self._private: dict[tuple[int, int], tuple[float, float]] = {}

    def reset(self) -> None:
        """Forget all past sends."""
        self._global.clear()
        self._groups.clear()
        self._private.clear()

    def check(self, bot_id: int, chat_id: int, is_group: bool, now: float | None = None) -> None:
        """Count one send to chat_id or raise a 429 ApiError without counting it."""
        if not self.limits.rates:
            return
        now = time.monotonic() if now is None else now
        sent = self._global.setdefault(bot_id, deque())
        _trim(sent, now - 1.0)
        if len(sent) >= self.limits.global_per_second:
            raise too_many(math.ceil(sent[0] + 1.0 - now))
        if is_group:
            group = self._groups.setdefault((bot_id, chat_id), deque())
            _trim(group, now - 60.0)
            if len(group) >= self.limits.group_per_minute:
                raise too_many(math.ceil(group[0] + 60.0 - now))
            group.append(now)
        else:
            rate, burst = self.limits.private_per_second, float(self.limits.private_burst)
            tokens, last = self._private.get((bot_id, chat_id), (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens < 1.0:
                raise too_many(math.ceil((1.0 - tokens) / rate))
            self._private[(bot_id, chat_id)] = (tokens - 1.0, now)
        sent.append(now)


def _trim(window: deque[float], before: float) -> None:
    while window and window[0] <= before:
        window.popleft()
