"""The web's protections: the session cookie, the form token, and headers on every answer."""

from __future__ import annotations

import secrets
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "sb_session"
LANGUAGE_COOKIE = "sb_lang"
# The Mini App runs inside Telegram's apps and web.telegram.org's frame; nothing else frames it.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self' https://web.telegram.org"
)
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # a one-time link in the address never leaks
]


MASKED_OF = 32  # the form token's length in hex (bot/features/web_access/rules.csrf_token)


def mask_token(token: str) -> str:
    """The form token (hex) under a fresh random pad: the pad, then token XOR pad, in hex. Each
    answer carries other bytes, so a compressed page's length tells nothing of the token
    (BREACH: guesses reflected beside a secret shorten a gzipped answer when they match)."""
    raw = bytes.fromhex(token)
    pad = secrets.token_bytes(len(raw))
    return (pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).hex()


def unmask_token(given: str | None) -> str | None:
    """The form token behind a masked one; anything else as given (the plain token is the same
    secret, so it is checked as it is)."""
    if given is None or len(given) != 2 * MASKED_OF:
        return given
    try:
        raw = bytes.fromhex(given)
    except ValueError:
        return given
    half = len(raw) // 2
    return bytes(a ^ b for a, b in zip(raw[half:], raw[:half], strict=True)).hex()


def set_session_cookie(
    response: Response, token: str, expires: datetime, now: datetime, *, path: str, secure: bool
) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, for the session's life."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(0, int((expires - now).total_seconds())),
        path=path or "/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session_cookie(response: Response, *, path: str, secure: bool) -> None:
    """Forget the session cookie."""
    response.delete_cookie(COOKIE, path=path or "/", httponly=True, samesite="lax", secure=secure)


def is_https(request: Request, configured: bool) -> bool:
    """Whether the person reached us over HTTPS (as configured, or as this request says)."""
    return configured or request.url.scheme == "https"


class SecurityHeaders:
    """An ASGI middleware adding the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


LARGEST_ID = 2**31 - 1  # record ids are 32-bit integers (PostgreSQL's integer)


def record_id(text: str | None) -> int | None:
    """A record id posted or put in an address, or None when it cannot be one (not digits, or
    beyond a 32-bit id): the caller answers "not found", as for someone else's record."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None
