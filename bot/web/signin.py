"""Signing in and out: a one-time link or code from /web, or the Mini App's init data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot.core.access import load_actor
from bot.core.context import Services
from bot.core.i18n import LANGUAGES, N_
from bot.features.accounts.rules import CONSENT_VERSION, PARENT_TEXT
from bot.features.web_access import queries
from bot.features.web_access.rules import ASK_CONSENT, NOT_LINKED, check_init_data
from bot.web.render import page
from bot.web.security import (
    LANGUAGE_COOKIE,
    clear_session_cookie,
    is_https,
    set_session_cookie,
)
from bot.web.visit import WebVisit, web_visit
from storage.models import School, TelegramAccount

Endpoint = Callable[[Request], Awaitable[Response]]
NO_INIT_DATA = N_("Open the contact book with the button in the bot's chat.")
WEB_DATA = N_(
    "To see or delete what the school keeps about you, please ask your child's homeroom teacher."
)
DECLINED = N_(
    "You did not agree, so the contact book stays closed and nothing was recorded. The link "
    "or code on the slip still works until the date printed on it if you change your mind."
)


async def common(visit: WebVisit) -> dict[str, Any]:
    """What every page shows: the school, the base path, the form token, the language."""
    school = await visit.session.get(School, visit.services.school_id)
    return {
        "base": visit.base,
        "csrf": visit.csrf(),
        "school": school.name if school is not None else "",
        "signed_in": visit.actor is not None,
        "languages": LANGUAGES,
        "here": visit.request.url.path
        + (f"?{visit.request.url.query}" if visit.request.url.query else ""),
    }


async def sign_in_page(visit: WebVisit, error: str | None = None, status: int = 200) -> Response:
    """The page that asks for the code from /web."""
    return page(
        "signin.html",
        visit._,
        status_code=status,
        error=visit._(error) if error else None,
        **await common(visit),
    )


def _signed_in(visit: WebVisit, response: Response, token: str, expires: datetime) -> Response:
    secure = is_https(visit.request, visit.settings.web_is_https)
    set_session_cookie(response, token, expires, visit.now, path=visit.base or "/", secure=secure)
    return response


def link_page(services: Services) -> Endpoint:
    """GET /login/<secret>: a button that signs in (a link preview fetching the page spends
    nothing: only the press, a POST, uses the link)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            return page(
                "confirm.html",
                visit._,
                secret=request.path_params["secret"],
                **await common(visit),
            )

    return endpoint


def sign_in(services: Services) -> Endpoint:
    """POST /login: the link's secret or the typed code, once, before it expires."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            form = await request.form()
            secret = str(form.get("secret") or "")[:200]
            answer = str(form.get("consent") or "")
            if answer == "no":
                return page(
                    "message.html", visit._, message=visit._(DECLINED), **await common(visit)
                )
            result = await queries.redeem(
                visit.session,
                services.school_id,
                secret,
                visit.now,
                visit.settings.web_session_hours,
                consented=answer == "yes",
            )
            if result == ASK_CONSENT:
                return await consent_page(visit, secret)
            if isinstance(result, str):
                return await sign_in_page(visit, result, status=403)
            opened, _actor = result
            response = RedirectResponse(f"{visit.base}/", status_code=303)
            return _signed_in(visit, response, opened.token, opened.expires_at)

    return endpoint


async def consent_page(visit: WebVisit, secret: str) -> Response:
    """A family's first sign-in with a slip: what the school keeps, why and who sees it (the
    chat's consent text, the same version), then "I agree" (signs in) or "I do not agree"."""
    _ = visit._
    return page(
        "consent.html",
        _,
        heading=_(ASK_CONSENT),
        paragraphs=[_(paragraph) for paragraph in PARENT_TEXT] + [_(WEB_DATA)],
        version=_("Consent text version {version}.").format(version=CONSENT_VERSION),
        secret=secret,
        **await common(visit),
    )


def mini_app(services: Services) -> Endpoint:
    """GET /app: the Mini App's first page; its script sends the init data to /auth/telegram."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            return page("app.html", visit._, waiting=visit._(NO_INIT_DATA), **await common(visit))

    return endpoint


def from_telegram(services: Services) -> Endpoint:
    """POST /auth/telegram: check the init data with the bot's token, then open a session."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            form = await request.form()
            token = visit.settings.token
            assert token is not None
            checked = check_init_data(
                str(form.get("init_data") or ""),
                token.get_secret_value(),
                visit.now,
                visit.settings.web_init_max_age,
            )
            if isinstance(checked, str):
                return JSONResponse({"error": visit._(checked)}, status_code=403)
            account = await queries.telegram_account(
                visit.session, services.school_id, checked.user_id
            )
            if visit.account is not None and account is not None and account.id == visit.account.id:
                return JSONResponse({"next": f"{visit.base}/"})  # a reload inside the Mini App
            if account is None or not await _linked(visit, account):
                return JSONResponse({"error": visit._(NOT_LINKED)}, status_code=403)
            opened = await queries.open_from_telegram(
                visit.session,
                account,
                checked.fingerprint,
                visit.now,
                visit.settings.web_session_hours,
            )
            if isinstance(opened, str):
                return JSONResponse({"error": visit._(opened)}, status_code=403)
            response = JSONResponse({"next": f"{visit.base}/"})
            return _signed_in(visit, response, opened.token, opened.expires_at)

    return endpoint


async def _linked(visit: WebVisit, account: TelegramAccount) -> bool:
    return (await load_actor(visit.session, account)).linked


def local_path(back: str, base: str) -> str:
    """Where to go back to: a path of this site only (never another site's address)."""
    if not back.startswith(f"{base}/") or back[len(base) + 1 : len(base) + 2] in ("/", "\\"):
        return f"{base}/"
    return back if "\\" not in back else f"{base}/"


def sign_out(services: Services) -> Endpoint:
    """POST /logout: end the session (with the form's token)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            if visit.cookie is None:
                return await sign_in_page(visit)
            if await visit.form_ok() is None:
                return page(
                    "message.html",
                    visit._,
                    status_code=403,
                    message=visit._(FORM_EXPIRED),
                    **await common(visit),
                )
            await queries.revoke(visit.session, visit.cookie, visit.now)
            response = RedirectResponse(f"{visit.base}/", status_code=303)
            secure = is_https(request, visit.settings.web_is_https)
            clear_session_cookie(response, path=visit.base or "/", secure=secure)
            return response

    return endpoint


def choose_language(services: Services) -> Endpoint:
    """POST /language: Tiếng Việt or English (saved with the account, as /ngonngu does)."""

    async def endpoint(request: Request) -> Response:
        async with web_visit(services, request) as visit:
            form = (
                await visit.form_ok()
                if visit.cookie
                else dict((k, v) for k, v in (await request.form()).items() if isinstance(v, str))
            )
            if form is None:
                return page(
                    "message.html",
                    visit._,
                    status_code=403,
                    message=visit._(FORM_EXPIRED),
                    **await common(visit),
                )
            code = form.get("code", "")
            if code not in LANGUAGES:
                code = "vi"
            if visit.account is not None:
                visit.account.language = code
            back = local_path(form.get("next", ""), visit.base)
            response = RedirectResponse(back, status_code=303)
            response.set_cookie(
                LANGUAGE_COOKIE, code, max_age=365 * 86400, path=visit.base or "/", samesite="lax"
            )
            return response

    return endpoint


FORM_EXPIRED = N_("This form has expired. Please go back, reload the page and try again.")
