"""The administration's buttons: a class to show or print slips for, an import to confirm or
cancel, an account to revoke. Their data stays "v1:adm:<action>:<id>" (messages already sent
carry it)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button, button

FEATURE = "adm"


@button(FEATURE, "unl")
@dataclass(frozen=True, slots=True)
class ShowUnlinked(Button):
    """The class whose families not yet linked to show."""

    class_id: int


@button(FEATURE, "inv")
@dataclass(frozen=True, slots=True)
class PrintSlips(Button):
    """The class to print invitation slips for."""

    class_id: int


@button(FEATURE, "impok")
@dataclass(frozen=True, slots=True)
class ConfirmImport(Button):
    """ "Confirm" under a checked roster or staff file."""

    staged_id: int


@button(FEATURE, "impno")
@dataclass(frozen=True, slots=True)
class CancelImport(Button):
    """ "Cancel" under a checked roster or staff file."""

    staged_id: int


@button(FEATURE, "revoke")
@dataclass(frozen=True, slots=True)
class Revoke(Button):
    """ "Revoke" under an account linked to a lost phone."""

    account_id: int
