"""The assessment book (Thông tư 27): the class summary sheet, locks, publication, results."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core import keyboards
    from bot.core.access import WHOLE_SCHOOL
    from bot.core.features import holding
    from bot.core.i18n import N_
    from bot.features.assessment.chat import book, locks, results
    from storage.models import Role

    # Only the principal changes locks (the vice principal sees them): Help lists them to her.
    parents, keepers, principal = (Role.PARENT,), (Role.HOMEROOM, Role.ADMIN), (Role.PRINCIPAL,)
    for name, callback, description, roles, position in (
        ("ketqua", results.results_command, N_("Your child's periodic results"), parents, 16),
        (
            "sodiem",
            book.book_command,
            N_("Class summary sheet of the assessment book"),
            keepers,
            17,
        ),
        ("khoaso", locks.lock_command, N_("Lock the assessment book for a period"), principal, 21),
        (
            "mokhoa",
            locks.unlock_command,
            N_("Unlock the assessment book for a period"),
            principal,
            22,
        ),
        (
            "congbo",
            locks.publish_command,
            N_("Publish a period's results to parents"),
            principal,
            23,
        ),
        ("hansua", locks.deadline_command, N_("Last days for correction requests"), principal, 24),
    ):
        features.command(name, callback, description, roles=roles, position=position)
    features.menu_button(
        keyboards.MENU_RESULTS, results.results_command, visible=holding(Role.PARENT), position=13
    )
    features.menu_button(
        keyboards.MENU_BOOK,
        book.book_or_locks,
        visible=holding(Role.HOMEROOM, Role.ADMIN, *WHOLE_SCHOOL),
        position=42,
    )
    features.press(book.BookTemplate, book.template_pressed)
    features.press(book.BookClass, book.class_pressed)
    _leaders(features)
    features.press(results.ResultsChild, results.child_pressed)
    features.press(results.ResultsPeriod, results.period_pressed)
    features.sheet(book.try_file, position=3)


def _leaders(features: Features) -> None:
    """The leaders' screens: the table, a period, its locks, its deadline, its publication."""
    from bot.features.assessment.chat import buttons as b
    from bot.features.assessment.chat import dates, leaders

    features.press(b.LeadHome, leaders.home_pressed)
    features.press(b.LeadPeriod, leaders.period_pressed)
    features.press(b.LeadScopes, leaders.scopes_pressed)
    features.press(b.LeadScope, leaders.scope_pressed)
    features.press(b.SetLock, leaders.lock_pressed)
    features.press(b.LeadDeadline, dates.deadline_pressed)
    features.press(b.SetDeadline, dates.day_pressed)
    features.press(b.ResetDeadline, dates.default_pressed)
    features.press(b.AskPublish, dates.ask_pressed)
    features.press(b.Publish, dates.publish_pressed)
