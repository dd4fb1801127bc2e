"""Settings from the environment or a `.env` file (design.md section 3)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

TELEGRAM_API = "https://api.telegram.org"


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
    school_place: str | None = None  # "Quận 3": "Quận 3, ngày 05 tháng 12 năm 2026"
    school_authority: str | None = None  # the governing body: "UBND QUẬN 3"
    concurrent_updates: int = Field(default=64, ge=1, le=1024)
    send_per_second: float = Field(default=29.0, gt=0, le=1000)
    send_outbox: bool = True
    outbox_lease_seconds: int = Field(default=120, ge=5, le=3600)

    @field_validator("database_url")
    @classmethod
    def _url_parses(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("api_base_url")
    @classmethod
    def _root_url(cls, value: str) -> str:
        value = value.rstrip("/")
        if value.endswith("/bot"):
            value = value[: -len("/bot")]
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

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
        raise SettingsError(f"SCHOOLBOT_{field.upper()}: {message}") from None
