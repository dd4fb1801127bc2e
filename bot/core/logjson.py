"""Log lines as JSON, one object a line, for a district's log collector (docs/district.md).

Each line holds the time (UTC, ISO 8601), the level, the logger, the message, the school and the
bot the record was written for (the worker's context filter sets `record.school` and
`record.bot`; null outside a school's work, a bot's id as a number), and `exc` with the
traceback when there is one.
The redacting filter (bot/core/logsafety.py) sits on the handler, so it has rewritten the
message and the traceback before this formatter sees them.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OUTSIDE = "-"  # what the worker's context filter puts on a record outside any school


def _plain(value: object) -> Any:
    """A school or bot as JSON carries it: null outside any ("-" from the worker's filter),
    a bot's numeric id as a number, anything else as text."""
    if value is None or value == OUTSIDE:
        return None
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return int(text) if text.isdigit() else text


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "school": _plain(getattr(record, "school", None)),
            "bot": _plain(getattr(record, "bot", None)),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for SCHOOLBOT_LOG_FORMAT: "json", or "text" (the default)."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
