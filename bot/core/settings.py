"""Settings from the environment or a `.env` file (design.md section 3)."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.phones import PhoneError, normalize_phone

TELEGRAM_API = "https://api.telegram.org"
# Telegram allows 1-256 of these characters in a webhook's secret token; we ask for at least 16.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
WEBHOOK_SECRET_HINT = (
    'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
)


class SettingsError(ValueError):
    """Invalid configuration, described in one line."""


class Settings(BaseSettings):
    """Every setting of the bot; build it in `main()`, never at import time."""

    model_config = SettingsConfigDict(
        env_prefix="SCHOOLBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///schoolbot.db"
    api_base_url: str = TELEGRAM_API
    timezone: str = "Asia/Ho_Chi_Minh"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen: str = "127.0.0.1:8080"
    school: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    school_name: str | None = None
    # The heading and the place line of documents such as correction minutes (Nghị định 30).
    # Used where the school's own setting (school.settings["place"], "governing_body") is not
    # given: the school's setting wins. Today's wards and communes (since July 2025).
    school_place: str | None = None  # "Xuân Hòa": "Xuân Hòa, ngày 05 tháng 12 năm 2026"
    school_authority: str | None = None  # the governing body: "UBND PHƯỜNG XUÂN HÒA"
    # The school's phone printed on invitation slips (a school's own setting "phone" wins).
    school_phone: str | None = None  # "028 3829 1234", stored as E.164
    concurrent_updates: int = Field(default=64, ge=1, le=1024)
    send_per_second: float = Field(default=29.0, gt=0, le=1000)
    send_outbox: bool = True
    outbox_lease_seconds: int = Field(default=120, ge=5, le=3600)
    # The contact book on the web (docs/web.md): its public base URL; unset, it is not served.
    web_url: str | None = None
    web_init_max_age: int = Field(default=3600, ge=60, le=86400)  # a Mini App's init data, s
    web_link_minutes: int = Field(default=15, ge=1, le=1440)  # a one-time link from /web
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)  # a browser stays signed in
    # A district's worker (docs/district.md): the https base behind the proxy where each bot's
    # /tg/<bot id> is reachable, and how often it reads the bots table again (seconds).
    public_url: str | None = None
    worker_refresh_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Log lines as text for a person, or one JSON object a line for a log collector.
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _url_parses(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("school_phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return normalize_phone(value)
        except PhoneError as exc:
            raise ValueError(
                f"{value!r} is not a phone number (write it like 028 3829 1234)"
            ) from exc

    @field_validator("api_base_url")
    @classmethod
    def _root_url(cls, value: str) -> str:
        value = value.rstrip("/")
        if value.endswith("/bot"):
            value = value[: -len("/bot")]
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_url", "webhook_secret", "web_url", "public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlparse(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be a full URL such as https://bot.example.edu.vn/hook")
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlparse(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("must be a full URL such as https://bot.phonggd.example.edu.vn")
        return value.strip().rstrip("/")

    @field_validator("web_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlparse(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("must be a full URL such as https://solienlac.example.edu.vn/")
        return value.strip().rstrip("/") + "/"

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -; " + WEBHOOK_SECRET_HINT
            )
        return value

    @model_validator(mode="after")
    def _webhook_has_a_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                "SCHOOLBOT_WEBHOOK_SECRET: webhook mode (SCHOOLBOT_WEBHOOK_URL is set) needs a "
                "secret so that only Telegram can send updates; " + WEBHOOK_SECRET_HINT
            )
        return self

    @property
    def webhook_path(self) -> str:
        """Return the path of the webhook URL, where the bot listens ("/" when none)."""
        return urlparse(self.webhook_url or "").path or "/"

    @property
    def web_path(self) -> str:
        """Return the path the web contact book is served under ("" at the root)."""
        return urlparse(self.web_url or "").path.rstrip("/")

    @property
    def web_is_https(self) -> bool:
        """Tell whether the web contact book is public over HTTPS (Telegram opens only such)."""
        return (self.web_url or "").startswith("https://")

    @property
    def bot_api_url(self) -> str:
        """Return the base URL PTB appends the token to."""
        return f"{self.api_base_url}/bot"

    @property
    def file_api_url(self) -> str:
        """Return the base URL for file downloads."""
        return f"{self.api_base_url}/file/bot"

    @property
    def zone(self) -> ZoneInfo:
        """Return the time zone as a ZoneInfo."""
        return ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        if not field:  # a check across settings names its variable itself
            raise SettingsError(message) from None
        raise SettingsError(f"SCHOOLBOT_{field.upper()}: {message}") from None
