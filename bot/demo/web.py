"""The demo's door to the web contact book: open the family page as a parent (a one-time link
made for them) or the Mini App as a member of staff (init data signed with the demo bot's
token, as Telegram would). Served only by `schoolbot demo`, under /demo of the web app."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core.context import Services
from bot.core.i18n import Translator
from bot.features.web_access import queries
from bot.features.web_access.rules import sign_init_data
from bot.web.visit import web_visit
from sandbox.server import RunningSandbox

# A Telegram-like dark theme, so the Mini App shows it takes the app's colours.
THEME = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}


def demo_routes(
    sandbox: RunningSandbox, token: str, _: Translator
) -> Callable[[Services], list[BaseRoute]]:
    """The demo's pages for a running bot's services."""

    def build(services: Services) -> list[BaseRoute]:
        async def index(request: Request) -> Response:
            rows = []
            family_page, mini_app = html.escape(_("Family page")), html.escape(_("Mini App"))
            for person in sandbox.state.people.values():
                name = html.escape(f"{person.first_name} · {person.label}")
                rows.append(
                    f'<li>{name}<br><a href="demo/family/{person.id}">{family_page}</a>'
                    f' · <a href="demo/app/{person.id}">{mini_app}</a></li>'
                )
            title = html.escape(_("The contact book on the web (demo)"))
            hint = html.escape(
                _("Link the person in the chat first (/start on the demo page), then open.")
            )
            body = f"<h1>{title}</h1><p>{hint}</p><ul>{''.join(rows)}</ul>"
            page = f'<!doctype html><meta charset="utf-8"><base href="../">{body}'
            return HTMLResponse(page)

        async def family(request: Request) -> Response:
            async with web_visit(services, request) as visit:
                account = await queries.telegram_account(
                    visit.session, services.school_id, int(request.path_params["person"])
                )
                if account is None:
                    return RedirectResponse("../../demo", status_code=303)
                issued = await queries.issue_sign_in(
                    visit.session, account, visit.now, services.settings.web_link_minutes
                )
            return RedirectResponse(f"../../login/{issued.token}", status_code=303)

        async def mini_app(request: Request) -> Response:
            person = sandbox.state.people.get(int(request.path_params["person"]))
            if person is None:
                return RedirectResponse("../../demo", status_code=303)
            user = {"id": person.id, "first_name": person.first_name, "language_code": "vi"}
            fields = {"auth_date": str(int(time.time())), "user": json.dumps(user)}
            data = sign_init_data(fields, token)
            theme = json.dumps(THEME)
            hash_part = urlencode({"tgWebAppData": data, "tgWebAppThemeParams": theme})
            return RedirectResponse(f"../../app#{hash_part}", status_code=303)

        return [
            Route("/demo", index),
            Route("/demo/family/{person:int}", family),
            Route("/demo/app/{person:int}", mini_app),
        ]

    return build
