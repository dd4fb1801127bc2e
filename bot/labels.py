"""Label msgids of enums, shared by the chat side, documents and services (no Telegram here)."""

from __future__ import annotations

from bot.i18n import N_
from storage.models import Role

ROLE_LABELS = {
    Role.PARENT: N_("Parent"),
    Role.HOMEROOM: N_("Homeroom teacher"),
    Role.SUBJECT_TEACHER: N_("Subject teacher"),
    Role.PRINCIPAL: N_("Principal"),
    Role.VICE_PRINCIPAL: N_("Vice principal"),
    Role.MEDICAL: N_("School nurse"),
    Role.ADMIN: N_("System administrator"),
    Role.CLERK: N_("Office clerk"),
}
