"""Bot API errors with Telegram's wording and status codes."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to the bot as {"ok": false, ...}."""

    def __init__(
        self,
        code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        strict: bool = False,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        # Raised by strict mode only: Telegram refuses it, the loose sandbox lets it through.
        self.strict = strict

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would send."""
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(detail: str) -> ApiError:
    """A 400 "Bad Request: ..." error."""
    return ApiError(400, f"Bad Request: {detail}")


def refused(detail: str) -> ApiError:
    """A strict mode's 400, capitalised like Telegram's server does.

    Its error texts start with a capital ("Can't find field"); after "Bad Request: " the first
    letter is lowered unless the second one is upper case or "_" ("BUTTON_DATA_INVALID").
    """
    if len(detail) >= 2 and not (detail[1] == "_" or detail[1].isupper()):
        detail = detail[0].lower() + detail[1:]
    return ApiError(400, f"Bad Request: {detail}", strict=True)


def forbidden(detail: str) -> ApiError:
    """A 403 "Forbidden: ..." error."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many(retry_after: int) -> ApiError:
    """A 429 flood-control error with retry_after in whole seconds."""
    retry_after = max(1, retry_after)
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


class UserError(Exception):
    """A person's action that cannot be done (no such button, unknown person...)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
