"""Who someone is on the web: the Mini App's init data, one-time links and codes, sessions.

Plain Python (no Telegram, no database). The init data check is Telegram's own algorithm
("Validating data received via the Mini App"): the fields but `hash`, sorted, as `key=value`
lines; their HMAC-SHA256 under the key HMAC-SHA256("WebAppData", bot token) must equal `hash`.
We keep these few lines rather than take init-data-py or telegram-webapp-auth: both do the
same, but read the age against the machine's time, where ours is the bot's clock (tests and
the simulation move it), and a check this small is easier to read than a dependency to audit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from bot.core.i18n import N_

FORGED = N_("This sign-in did not come from Telegram. Please open the contact book again.")
EXPIRED = N_("This sign-in is too old. Please open the contact book again from the bot.")
REPLAYED = N_("This sign-in was already used. Please open the contact book again from the bot.")
LINK_SPENT = N_(
    "This link or code does not work any more: each works once, for a short time. "
    "Send /web to the bot for a new one."
)
NOT_LINKED = N_("This account is not linked to the school's lists any more.")
SLIP_SPENT = N_(
    "This link or code does not work any more: each works once, until the date on the slip. "
    "Please ask your child's homeroom teacher for a new invitation slip."
)
ASK_CONSENT = N_("Before your contact book opens: your consent")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0 or 1 to misread
CODE_LENGTH = 8
CLOCK_SKEW = timedelta(minutes=1)  # init data a little "from the future" is still Telegram's


@dataclass(frozen=True, slots=True)
class InitData:
    """What checked init data says: the Telegram user, their app's language, its fingerprint."""

    user_id: int
    language_code: str | None
    auth_date: datetime
    fingerprint: str  # the hash of the init data: each opens one session


def digest(secret: str) -> str:
    """The stored form of a link, a code or a cookie: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A secret for a link or a cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A short code a person can type: 8 characters (about 40 bits), shown as XXXX-XXXX."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """The code as the chat shows it: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def typed_code(text: str) -> str | None:
    """The code a person typed (spaces, dashes and case ignored), or None if it cannot be one."""
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def csrf_token(session_token: str) -> str:
    """The form token of a session: derived from its cookie, never stored."""
    return hmac.new(session_token.encode(), b"csrf", hashlib.sha256).hexdigest()[:32]


def csrf_matches(session_token: str, given: str | None) -> bool:
    """Compare a form's token with the session's in constant time (missing never matches)."""
    if not given:
        return False
    return hmac.compare_digest(csrf_token(session_token).encode(), given.encode("utf-8", "replace"))


def check_init_data(raw: str, bot_token: str, now: datetime, max_age: int) -> InitData | str:
    """The user the init data names, or a refusal (a msgid): forged, for another bot, or old."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return FORGED
    fields = dict(pairs)
    given = fields.pop("hash", "")
    if len(fields) + 1 != len(pairs) or not given:
        return FORGED  # a field twice, or no hash
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return FORGED
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError):
        return FORGED
    if auth_date > now + CLOCK_SKEW:
        return FORGED
    if now - auth_date > timedelta(seconds=max_age):
        return EXPIRED
    language = user.get("language_code")
    return InitData(user_id, language if isinstance(language, str) else None, auth_date, given)


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """Init data as Telegram would sign it for this bot (the demo and the tests open the Mini
    App with it; only whoever holds the bot's token can make it)."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    signed = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": signed})
