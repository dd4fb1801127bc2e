"""Pages from Jinja2 templates (autoescaped), and the bot's Telegram HTML made safe for a page.

The notices a family reads on the web are the very texts the bot sent, in Telegram's HTML
subset; `telegram_html` keeps that subset's tags and escapes everything else, so a page shows
them as the chat did and nothing in them can run.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from bot.core.i18n import Translator

TEMPLATES = Path(__file__).parent / "templates"
KEPT = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"})
QUOTE = frozenset({"blockquote"})
SAFE_LINK = ("https://", "http://", "tg://")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class _Cleaner(HTMLParser):
    """Keep the tags Telegram's HTML allows (links only to the web or Telegram); escape the
    rest; keep line breaks as <br>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in KEPT or tag in QUOTE:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(SAFE_LINK):
                self.out.append(f'<a href="{html.escape(href)}" rel="noopener noreferrer">')
            else:
                self.out.append("<a>")
            self.open.append("a")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.out.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False).replace("\n", "<br>\n"))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def telegram_html(text: str) -> Markup:
    """The bot's Telegram HTML as safe page HTML."""
    cleaner = _Cleaner()
    cleaner.feed(text)
    cleaner.close()
    return Markup(cleaner.result())  # every tag is rebuilt here, every text escaped


def page(template: str, _: Translator, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the person's language (`_` in templates translates a msgid)."""
    body = environment.get_template(template).render(_=_, lang=_.language, **context)
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})
