"""What features register: commands, menu buttons, presses, typed inputs, spreadsheets, handlers.

Each package under bot/features/ has one `register(features)`; bot/app.py calls them in a fixed
order. Core builds from what was registered: the PTB handlers, the menu keyboard, /help and the
command list Telegram shows, the press router (bot/core/presses.py) and the input router
(bot/core/inputs.py). Core itself imports no feature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler

from bot.core.callbacks import Button
from bot.core.context import BotContext, Visit
from storage.models import Role

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
PressHandler = Callable[[Any, Visit, BotContext], Awaitable[None]]
InputTaker = Callable[[Message, Visit, BotContext], Awaitable[bool]]
SheetTaker = Callable[[Message, Visit, BotContext, Path, str, str], Awaitable[bool]]
Roles = Callable[[frozenset[Role]], bool]
MenuHook = Callable[[Visit, BotContext], None]


def anyone(roles: frozenset[Role]) -> bool:
    """Everyone sees it."""
    return True


def holding(*wanted: Role) -> Roles:
    """Those holding any of these roles see it."""
    needed = frozenset(wanted)
    return lambda roles: bool(roles & needed)


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command: its name, its line in /help and Telegram's list, who sees it there."""

    name: str
    callback: Callback
    description: str  # a msgid
    roles: tuple[Role, ...] = ()  # empty: everyone
    position: int = 0


@dataclass(frozen=True, slots=True)
class MenuButton:
    """A button of the main menu keyboard (a msgid), shown to those `visible` says."""

    label: str
    callback: Callback
    visible: Roles
    position: int


@dataclass(frozen=True, slots=True)
class WebAppButton:
    """A menu keyboard button that opens a page of the web contact book as a Mini App: its
    label (a msgid), the page under SCHOOLBOT_WEB_URL, who sees it. Shown over HTTPS only."""

    label: str
    page: str
    visible: Roles
    position: int


@dataclass(frozen=True, slots=True)
class Input:
    """What takes a typed answer or a file of one kind of pending input."""

    text: InputTaker | None = None
    media: InputTaker | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    """A reader of spreadsheets sent in chat, asked in `position` order."""

    taker: SheetTaker
    position: int


@dataclass(slots=True)
class Features:
    """Everything registered, in the order features registered it."""

    commands: list[Command] = field(default_factory=list)
    menu: list[MenuButton] = field(default_factory=list)
    web_apps: list[WebAppButton] = field(default_factory=list)
    menu_hooks: list[MenuHook] = field(default_factory=list)
    presses: dict[type[Button], PressHandler] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)
    sheets: list[Sheet] = field(default_factory=list)
    handlers: list[BaseHandler[Update, BotContext, None]] = field(default_factory=list)
    late_handlers: list[BaseHandler[Update, BotContext, None]] = field(default_factory=list)
    start_payloads: dict[str, Callback] = field(default_factory=dict)

    def command(
        self,
        name: str,
        callback: Callback,
        description: str,
        *,
        roles: Iterable[Role] = (),
        position: int = 0,
    ) -> None:
        """Add a slash command with its /help line (`description` is a msgid)."""
        if any(command.name == name for command in self.commands):
            raise ValueError(f"/{name} registered twice")
        self.commands.append(Command(name, callback, description, tuple(roles), position))

    def menu_button(
        self, label: str, callback: Callback, *, visible: Roles = anyone, position: int
    ) -> None:
        """Add a button to the main menu keyboard."""
        self.menu.append(MenuButton(label, callback, visible, position))

    def menu_web_app(self, label: str, page: str, *, visible: Roles, position: int) -> None:
        """Add a menu keyboard button that opens `page` (under the web URL) as a Mini App."""
        self.web_apps.append(WebAppButton(label, page, visible, position))

    def on_menu(self, hook: MenuHook) -> None:
        """Call `hook(visit, context)` whenever a person is sent the menu keyboard (linked,
        /start, /menu): it may say what to do after the commit, such as the chat's menu button."""
        self.menu_hooks.append(hook)

    def press(self, kind: type[Button], handler: PressHandler) -> None:
        """Route presses of one kind of button (declared with @button) to `handler`."""
        if kind in self.presses:
            raise ValueError(f"{kind.__name__} routed twice")
        self.presses[kind] = handler

    def expect(
        self, kind: str, *, text: InputTaker | None = None, media: InputTaker | None = None
    ) -> None:
        """Say which function takes the typed answer (or the file) of a kind of pending input."""
        if kind in self.inputs:
            raise ValueError(f"input kind {kind} registered twice")
        self.inputs[kind] = Input(text, media)

    def sheet(self, taker: SheetTaker, *, position: int) -> None:
        """Offer spreadsheets sent in chat to `taker` (it says True when it took one)."""
        self.sheets.append(Sheet(taker, position))

    def add(self, *handlers: BaseHandler[Update, BotContext, None], late: bool = False) -> None:
        """Add plain PTB handlers; `late` ones run after every feature's (free text)."""
        (self.late_handlers if late else self.handlers).extend(handlers)

    def start_payload(self, prefix: str, callback: Callback) -> None:
        """Take the deep links `https://t.me/<bot>?start=<prefix>-...` ("/start <prefix>-...")
        before /start itself; `prefix` is letters only."""
        if not prefix.isalpha() or prefix in self.start_payloads:
            raise ValueError(f"start payload {prefix!r} not a word or registered twice")
        self.start_payloads[prefix] = callback

    def ordered_commands(self) -> list[Command]:
        """The commands in /help order; /start first hands the deep links registered with
        `start_payload` to their features."""
        ordered = sorted(self.commands, key=lambda command: command.position)
        if not self.start_payloads:
            return ordered
        return [
            replace(command, callback=self._start(command.callback))
            if command.name == "start"
            else command
            for command in ordered
        ]

    def _start(self, plain: Callback) -> Callback:
        """/start: "/start <prefix>-..." to the feature that registered the prefix, else
        `plain` (linking, invitation codes)."""

        async def start(update: Update, context: BotContext) -> None:
            prefix, dash, _rest = (context.args[0] if context.args else "").partition("-")
            taker = self.start_payloads.get(prefix) if dash else None
            await (taker or plain)(update, context)

        return start

    def menu_entries(self, roles: frozenset[Role]) -> list[tuple[str, str | None]]:
        """The menu keyboard's buttons for a set of roles, in keyboard order: each label (a
        msgid) with the web page it opens as a Mini App, or None for a plain button."""
        buttons: list[MenuButton | WebAppButton] = [*self.menu, *self.web_apps]
        ordered = sorted(buttons, key=lambda button: button.position)
        return [
            (button.label, button.page if isinstance(button, WebAppButton) else None)
            for button in ordered
            if button.visible(roles)
        ]

    def ordered_sheets(self) -> list[SheetTaker]:
        """The spreadsheet readers in the order they are asked."""
        return [sheet.taker for sheet in sorted(self.sheets, key=lambda sheet: sheet.position)]
