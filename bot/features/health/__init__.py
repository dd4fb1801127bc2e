"""School health: check-up results, growth, health notes and the nurse's notices."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.features import Features


def register(features: Features) -> None:
    """Add this feature's commands, buttons, presses and inputs."""
    # Imported here, so that importing the rules or queries does not load the chat side.
    from bot.core import keyboards
    from bot.core.features import holding
    from bot.core.i18n import N_
    from bot.features.health import buttons as press
    from bot.features.health.chat import alerts, classes, details, entry, menu, notes, sheet
    from storage.models import Role

    features.command(
        "suckhoe",
        classes.health_command,
        N_("Health check results and health notes"),
        roles=(Role.MEDICAL,),
        position=14,
    )
    features.command(
        "canhbao",
        alerts.alert_command,
        N_("A health notice to every family"),
        roles=(Role.MEDICAL, Role.PRINCIPAL),
        position=15,
    )
    nurse = holding(Role.MEDICAL)
    features.menu_button(keyboards.MENU_HEALTH, classes.health_command, visible=nurse, position=35)
    features.menu_button(keyboards.MENU_HEALTH_IMPORT, menu.import_help, visible=nurse, position=36)
    features.menu_button(
        keyboards.MENU_HEALTH_ALERT,
        alerts.alert_command,
        visible=holding(Role.MEDICAL, Role.PRINCIPAL),
        position=37,
    )
    # The families' buttons under notices already sent.
    features.press(press.CheckDetails, details.check_details)
    features.press(press.NoteDetails, details.note_details_shown)
    # The nurse's screens: a class, what to do for it, a pupil.
    features.press(press.ClassChosen, classes.class_chosen)
    features.press(press.TemplateWanted, classes.template_wanted)
    features.press(press.EntryPupils, classes.entry_pupils)
    features.press(press.NotePupils, classes.note_pupils)
    features.press(press.EntryPupil, entry.entry_pupil)
    features.press(press.SaveEntry, entry.save_entry)
    features.press(press.DropEntry, entry.drop_entry)
    features.press(press.NotePupil, notes.note_pupil)
    features.press(press.SendAlert, alerts.send_alert)
    features.press(press.DropAlert, alerts.drop_alert)
    features.press(press.SheetClass, sheet.sheet_class_chosen)
    features.press(press.SaveSheet, sheet.save_sheet)
    features.press(press.DropSheet, sheet.drop_sheet)
    for kind in (entry.ENTRY, entry.ENTRY_OK):
        features.expect(kind, text=entry.take_text)
    features.expect(notes.NOTE, text=notes.take_text)
    for kind in (alerts.ALERT, alerts.ALERT_OK):
        features.expect(kind, text=alerts.take_text)
    features.sheet(sheet.try_file, position=2)
