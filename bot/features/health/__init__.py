"""School health: check-up results, growth, health notes and the nurse's notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core.i18n import N_
    from bot.features.health.chat import records, sheet
    from storage.models import Role

    features.command(
        "suckhoe",
        records.health_command,
        N_("Health check results and health notes"),
        roles=(Role.MEDICAL,),
        position=14,
    )
    features.command(
        "canhbao",
        records.alert_command,
        N_("A health notice to every family"),
        roles=(Role.MEDICAL, Role.PRINCIPAL),
        position=15,
    )
    features.press_prefix("hlth", records.health_pressed)
    features.press_prefix(sheet.FEATURE, sheet.file_pressed)
    for kind in sorted(records.KINDS):
        features.expect(kind, text=records.take_text)
    features.sheet(sheet.try_file, position=2)
