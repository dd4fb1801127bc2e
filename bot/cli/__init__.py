"""The `schoolbot` command line (also `python -m bot`)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from bot.cli.database import CommandRefused
from bot.cli.parser import build_parser
from bot.core import logjson, logsafety
from bot.core.i18n import supported, translator
from bot.core.settings import SettingsError, load_settings
from bot.district import logcontext


def cli_language() -> str:
    """Return the command line's language from the locale variables (Vietnamese by default)."""
    for name in ("SCHOOLBOT_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        language = supported(os.environ.get(name, "").split(":")[0].split(".")[0])
        if language:
            return language
    return "vi"


def start_logging(*, verbose: bool) -> logging.Handler | None:
    """Log to standard error, at INFO for the servers and WARNING for the other commands.

    Returns the handler made here, whose format the settings then choose (SCHOOLBOT_LOG_FORMAT);
    None when the root logger already had handlers (under pytest), which are left as they are.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)
    root = logging.getLogger()
    if root.handlers:
        return None
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(logjson.TEXT_FORMAT))
    handler.addFilter(logcontext.ContextFilter())  # the school and the bot of each line
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return its exit status."""
    _ = translator(cli_language())
    parser = build_parser(_)
    args = parser.parse_args(argv)
    handler = start_logging(verbose=getattr(args, "verbose_logs", False))
    # No phone number or token in any log line, from the first one on: the redacting filter sits
    # on the handler, so it rewrites each record before the formatter (text or JSON) sees it.
    with logsafety.redacting(os.environ.get("SCHOOLBOT_TOKEN")) as redacting:
        try:
            settings = load_settings(**({"database_url": args.database} if args.database else {}))
        except SettingsError as exc:
            print(_("Invalid configuration: {reason}").format(reason=exc), file=sys.stderr)
            return 2
        if handler is not None:
            handler.setFormatter(logjson.formatter(settings.log_format))
        redacting.redactor.add(
            *(
                secret.get_secret_value()
                for secret in (settings.token, settings.webhook_secret)
                if secret is not None
            )
        )
        try:
            return int(asyncio.run(args.handler(args, settings, _)))
        except CommandRefused as refused:
            print(refused.reason, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        except Exception:
            # Through logging, so the traceback passes the redacting filter (no token, no phone).
            logging.getLogger("bot.cli").exception("the command failed")
            return 1


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
