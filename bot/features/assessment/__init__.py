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

    leaders = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
    features.command(
        "ketqua",
        results.results_command,
        N_("Your child's periodic results"),
        roles=(Role.PARENT,),
        position=16,
    )
    features.command(
        "sodiem",
        book.book_command,
        N_("Class summary sheet of the assessment book"),
        roles=(Role.HOMEROOM, Role.ADMIN),
        position=17,
    )
    features.command(
        "khoaso",
        locks.lock_command,
        N_("Lock the assessment book for a period"),
        roles=leaders,
        position=21,
    )
    features.command(
        "mokhoa",
        locks.unlock_command,
        N_("Unlock the assessment book for a period"),
        roles=leaders,
        position=22,
    )
    features.command(
        "congbo",
        locks.publish_command,
        N_("Publish a period's results to parents"),
        roles=(Role.PRINCIPAL,),
        position=23,
    )
    features.command(
        "hansua",
        locks.deadline_command,
        N_("Last days for correction requests"),
        roles=leaders,
        position=24,
    )
    features.menu_button(
        keyboards.MENU_RESULTS, results.results_command, visible=holding(Role.PARENT), position=13
    )
    features.menu_button(
        keyboards.MENU_BOOK,
        book.book_or_locks,
        visible=holding(Role.HOMEROOM, Role.ADMIN, *WHOLE_SCHOOL),
        position=42,
    )
    features.press_prefix(book.FEATURE, book.pressed)
    features.sheet(book.try_file, position=3)
