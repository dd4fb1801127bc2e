"""Configuration of the sandbox: Telegram's limits and injected faults."""

from __future__ import annotations

from dataclasses import dataclass, field

# Methods that send a new message; these are the ones Telegram rate-limits.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
    }
)
EDIT_METHODS = frozenset(
    {"editmessagetext", "editmessagereplymarkup", "editmessagecaption", "deletemessage"}
)


@dataclass
class LimitsConfig:
    """Telegram's limits; each family can be switched off."""

    lengths: bool = True
    html: bool = True
    rates: bool = True
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64
    # Telegram itself keeps a stray "&" literally; the sandbox is stricter on purpose
    # so that unescaped user data in HTML messages is caught in tests.
    strict_ampersand: bool = True
    global_per_second: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20
    # Refuse chats the bot never had contact with, like Telegram does.
    require_contact: bool = True

    @classmethod
    def off(cls) -> LimitsConfig:
        """Return limits with every check switched off (for benchmarks)."""
        return cls(lengths=False, html=False, rates=False, require_contact=False)


@dataclass
class FaultsConfig:
    """Faults injected on demand; all off by default."""

    seed: int = 0
    error_rate: float = 0.0
    error_code: int = 502
    error_description: str = "Bad Gateway"
    slow_rate: float = 0.0
    slow_seconds: float = 10.0
    # Real Telegram usually delivers a message even when the answer comes too late.
    slow_delivers: bool = True
    forbidden_people: set[int] = field(default_factory=set)
    missing_chats: set[int] = field(default_factory=set)
    # Lower-case method names the random faults apply to; None means sends and edits.
    methods: frozenset[str] | None = None

    def applies_to(self, method: str) -> bool:
        """Tell whether random faults may hit this (lower-case) method."""
        allowed = self.methods if self.methods is not None else SEND_METHODS | EDIT_METHODS
        return method in allowed


@dataclass
class SandboxConfig:
    """Everything configurable about one sandbox instance."""

    limits: LimitsConfig = field(default_factory=LimitsConfig)
    faults: FaultsConfig = field(default_factory=FaultsConfig)
    # Check every request against the Bot API spec and Telegram's own rules (sandbox/strict.py),
    # and every answer against the spec, as Telegram would; `--loose` switches it off.
    strict: bool = True
    webhook_retry_seconds: float = 0.5
    webhook_timeout_seconds: float = 5.0
    max_poll_timeout: float = 50.0
