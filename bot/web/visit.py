"""A web request's unit of work, as `BotContext.visit` is an update's: one session and one
transaction, the person's account, roles and language read afresh, committed here, then the
dispatcher rung and the sender's reports touched (after the commit, never inside it)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from bot.core.access import Actor, load_actor
from bot.core.context import Services
from bot.core.i18n import Translator, choose_language, supported, translator
from bot.core.pacing import current_session
from bot.core.settings import Settings
from bot.features.web_access import queries
from bot.features.web_access.rules import csrf_matches, csrf_token
from bot.web.security import COOKIE, LANGUAGE_COOKIE, mask_token, unmask_token
from storage.models import TelegramAccount


@dataclass(slots=True)
class WebVisit:
    """One request: the session, who is signed in (if anyone) and their language."""

    session: AsyncSession
    services: Services
    request: Request
    now: datetime
    _: Translator
    account: TelegramAccount | None = None
    actor: Actor | None = None
    cookie: str | None = None
    wake_after: bool = False
    touched: list[int] = field(default_factory=list)  # notices whose reports changed
    masked: str = ""  # this answer's form token, masked once per request

    @property
    def settings(self) -> Settings:
        """The bot's settings."""
        return self.services.settings

    @property
    def base(self) -> str:
        """The path the pages live under ("" at the root)."""
        return self.settings.web_path

    @property
    def who(self) -> str:
        """The audit actor name of the person, as in chat."""
        assert self.account is not None
        return f"tg:{self.account.telegram_user_id}"

    def csrf(self) -> str:
        """The form token of this session ("" when nobody is signed in), masked afresh for each
        answer so that compressed pages never repeat it (BREACH)."""
        if self.cookie and not self.masked:
            self.masked = mask_token(csrf_token(self.cookie))
        return self.masked if self.cookie else ""

    async def form_ok(self) -> dict[str, str] | None:
        """The posted form if its token is this session's; None (refused) otherwise."""
        form = await self.request.form()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if self.cookie is None or not csrf_matches(self.cookie, unmask_token(fields.get("csrf"))):
            return None
        return fields

    def use_language(self, code: str) -> None:
        """Answer in another language from here on."""
        self._ = translator(code)


def _language(request: Request, account: TelegramAccount | None, linked: bool) -> str:
    saved = account.language if account is not None else None
    asked = supported(request.query_params.get("lang")) or supported(
        request.cookies.get(LANGUAGE_COOKIE)
    )
    return choose_language(saved or asked, None, on_the_lists=linked)


@contextlib.asynccontextmanager
async def web_visit(services: Services, request: Request) -> AsyncIterator[WebVisit]:
    """The request's unit of work; whoever the cookie signs in, if their account is still
    linked (their roles and children are read now, as for an update)."""
    now = services.clock()
    cookie = request.cookies.get(COOKIE) or None
    async with services.sessions() as session:
        token = current_session.set(session)
        try:
            account = (
                await queries.session_account(session, services.school_id, cookie, now)
                if cookie
                else None
            )
            actor = await load_actor(session, account) if account is not None else None
            if actor is None or not actor.linked:
                account, actor, cookie = None, None, None
            language = _language(request, account, actor is not None)
            visit = WebVisit(session, services, request, now, translator(language))
            visit.account, visit.actor, visit.cookie = account, actor, cookie
            yield visit
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            current_session.reset(token)
    _after(services, visit)


def _after(services: Services, visit: WebVisit) -> None:
    """After the commit: the sender's reports and the outbox's bell."""
    dispatcher = services.dispatcher
    if dispatcher is None:
        return
    for notice_id in visit.touched:
        dispatcher.reports.touch(notice_id)
    if visit.wake_after or visit.touched:
        dispatcher.wake()
