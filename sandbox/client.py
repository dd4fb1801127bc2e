"""Async Python clients over the user HTTP API: a person's actions and admin calls."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

import httpx


class SandboxClientError(Exception):
    """The sandbox refused a person's action or an admin call."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Http:
    def __init__(self, base_url: str, http: httpx.AsyncClient | None) -> None:
        self.base_url = base_url.rstrip("/")
        self._own = http is None
        self.http = http or httpx.AsyncClient(timeout=30.0)

    async def call(self, verb: str, path: str, wait: float = 30.0, **kwargs: Any) -> Any:
        response = await self.http.request(
            verb, f"{self.base_url}/sandbox/api{path}", timeout=wait, **kwargs
        )
        body = response.json()
        if not body.get("ok"):
            raise SandboxClientError(str(body.get("error")), response.status_code)
        return body["result"]

    async def aclose(self) -> None:
        if self._own:
            await self.http.aclose()


class PersonClient:
    """Acts as one person towards one bot, like a Telegram app would."""

    def __init__(
        self,
        base_url: str,
        person_id: int,
        bot_id: int | str,
        *,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._http = _Http(base_url, http)
        self.person_id = person_id
        self.bot_id = bot_id
        self._cursor = 0
        self._prefix = f"/people/{person_id}/bots/{bot_id}"

    async def __aenter__(self) -> PersonClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        await self._http.aclose()

    async def _act(self, action: str, **body: Any) -> Any:
        payload = {k: v for k, v in body.items() if v is not None}
        return await self._http.call("POST", f"{self._prefix}/{action}", json=payload)

    async def send(
        self, text: str, *, reply_to: int | None = None, chat_id: int | None = None
    ) -> dict[str, Any]:
        """Send a text message; returns the message as the person sees it."""
        result: dict[str, Any] = await self._act(
            "send", text=text, reply_to=reply_to, chat_id=chat_id
        )
        return result

    async def command(self, name: str, args: str = "") -> dict[str, Any]:
        """Send "/name args" (for example command("start", "INVITE42"))."""
        result: dict[str, Any] = await self._act("command", command=name, args=args or None)
        return result

    async def share_contact(self, *, require_button: bool = True) -> dict[str, Any]:
        """Share one's own phone number via the keyboard's request_contact button."""
        result: dict[str, Any] = await self._act("contact", require_button=require_button)
        return result

    async def share_contact_of(
        self,
        person_id: int | None = None,
        *,
        phone: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Share someone else's contact card (another person, or just a number)."""
        result: dict[str, Any] = await self._act(
            "contact_of",
            person_id=person_id,
            phone=phone,
            first_name=first_name,
            last_name=last_name,
        )
        return result

    async def press(
        self,
        label: str | None = None,
        *,
        data: str | None = None,
        message_id: int | None = None,
        forged: bool = False,
    ) -> dict[str, Any]:
        """Press an inline button by label or callback data (last bot message by default).

        `forged=True` sends `data` even if no button carries it, as a modified client could.
        """
        if label is None and data is None:
            raise ValueError("press() needs a label or data")
        result: dict[str, Any] = await self._act(
            "press", label=label, data=data, message_id=message_id, forged=forged
        )
        return result

    async def choose(self, label: str) -> dict[str, Any]:
        """Tap a button of the current reply keyboard."""
        result: dict[str, Any] = await self._act("choose", label=label)
        return result

    async def _upload(
        self, kind: str, data: bytes, filename: str, caption: str | None, mime: str | None
    ) -> dict[str, Any]:
        files = {"file": (filename, data, mime or "application/octet-stream")}
        form = {"caption": caption} if caption else {}
        result: dict[str, Any] = await self._http.call(
            "POST", f"{self._prefix}/{kind}", files=files, data=form
        )
        return result

    async def send_photo(
        self, data: bytes, filename: str = "photo.jpg", caption: str | None = None
    ) -> dict[str, Any]:
        """Send a photo."""
        return await self._upload("photo", data, filename, caption, "image/jpeg")

    async def send_document(
        self,
        data: bytes,
        filename: str,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """Send a document (any file)."""
        return await self._upload("document", data, filename, caption, mime_type)

    async def send_video(
        self, data: bytes, filename: str = "video.mp4", caption: str | None = None
    ) -> dict[str, Any]:
        """Send a video."""
        return await self._upload("video", data, filename, caption, "video/mp4")

    async def send_voice(self, data: bytes, filename: str = "voice.oga") -> dict[str, Any]:
        """Send a voice note."""
        return await self._upload("voice", data, filename, None, "audio/ogg")

    async def send_audio(
        self, data: bytes, filename: str = "audio.mp3", caption: str | None = None
    ) -> dict[str, Any]:
        """Send an audio file."""
        return await self._upload("audio", data, filename, caption, "audio/mpeg")

    async def block(self) -> dict[str, Any]:
        """Block the bot."""
        result: dict[str, Any] = await self._act("block")
        return result

    async def unblock(self) -> dict[str, Any]:
        """Unblock the bot."""
        result: dict[str, Any] = await self._act("unblock")
        return result

    async def chat(self, chat_id: int | None = None) -> dict[str, Any]:
        """The whole chat: messages both ways, current reply keyboard, alerts."""
        params = {"chat_id": chat_id} if chat_id is not None else {}
        result: dict[str, Any] = await self._http.call("GET", f"{self._prefix}/chat", params=params)
        return result

    async def messages(self) -> list[dict[str, Any]]:
        """All messages of the private chat, oldest first."""
        messages: list[dict[str, Any]] = (await self.chat())["messages"]
        return messages

    async def last_message(self) -> dict[str, Any] | None:
        """The bot's latest message in the private chat, if any."""
        message: dict[str, Any]
        for message in reversed(await self.messages()):
            if message["from_bot"]:
                return message
        return None

    async def next_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        new_only: bool = False,
    ) -> dict[str, Any]:
        """The bot's next unseen message or edit; raises TimeoutError if none comes.

        With ``new_only`` edits and deletions are passed over: the next new message.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = max(deadline - time.monotonic(), 0.0)
            result = await self._http.call(
                "GET",
                f"{self._prefix}/next",
                wait=left + 10.0,
                params={"after": self._cursor, "timeout": left},
            )
            event = result["event"]
            if event is None:
                raise TimeoutError(f"the bot sent nothing to person {self.person_id} in {timeout}s")
            self._cursor = event["seq"]
            if new_only and event["kind"] != "message":
                continue
            message: dict[str, Any] = event["message"]
            message["event"] = event["kind"]
            return message

    async def skip_pending(self) -> None:
        """Mark every message so far as seen by next_message()."""
        self._cursor = (await self._http.call("GET", "/state"))["seq"]


class SandboxAdmin:
    """Admin calls over HTTP: bots, people, groups, faults, limits and the call record."""

    def __init__(self, base_url: str, *, http: httpx.AsyncClient | None = None) -> None:
        self._http = _Http(base_url, http)
        self.base_url = self._http.base_url

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        await self._http.aclose()

    async def add_bot(self, token: str, username: str, first_name: str = "") -> dict[str, Any]:
        """Register a bot."""
        body = {"token": token, "username": username, "first_name": first_name}
        result: dict[str, Any] = await self._http.call("POST", "/bots", json=body)
        return result

    async def add_person(self, name: str, **fields: Any) -> dict[str, Any]:
        """Create a person (phone, language_code, label, id, last_name)."""
        result: dict[str, Any] = await self._http.call(
            "POST", "/people", json={"name": name, **fields}
        )
        return result

    async def create_group(
        self, title: str, members: list[int], bots: list[int] | None = None
    ) -> dict[str, Any]:
        """Create a group chat."""
        body = {"title": title, "members": members, "bots": bots}
        result: dict[str, Any] = await self._http.call("POST", "/groups", json=body)
        return result

    def person(self, person_id: int, bot_id: int | str) -> PersonClient:
        """A PersonClient sharing this admin's HTTP connection pool."""
        return PersonClient(self.base_url, person_id, bot_id, http=self._http.http)

    async def calls(self, **filters: Any) -> list[dict[str, Any]]:
        """Recorded Bot API calls (filters: bot_id, method, chat_id, ok)."""
        params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.items()}
        result: list[dict[str, Any]] = await self._http.call("GET", "/calls", params=params)
        return result

    async def clear_calls(self) -> None:
        """Forget recorded calls."""
        await self._http.call("DELETE", "/calls")

    async def set_faults(self, **settings: Any) -> dict[str, Any]:
        """Change fault settings (see FaultsConfig)."""
        result: dict[str, Any] = await self._http.call("POST", "/faults", json=settings)
        return result

    async def reset_faults(self) -> dict[str, Any]:
        """Switch all faults off."""
        result: dict[str, Any] = await self._http.call("DELETE", "/faults")
        return result

    async def set_limits(self, **settings: Any) -> dict[str, Any]:
        """Change limits (see LimitsConfig)."""
        result: dict[str, Any] = await self._http.call("POST", "/limits", json=settings)
        return result

    async def state(self) -> dict[str, Any]:
        """Bots, people, groups and the change counter."""
        result: dict[str, Any] = await self._http.call("GET", "/state")
        return result
