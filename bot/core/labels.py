"""Label msgids of enums, shared by the chat side, documents and services (no Telegram here).

One table per enum. Where the chat and the school's records need a different register, a
label has two columns: `chat` (buttons, cards, sentences) and `formal` (the minutes, the
archive's index). Both are msgids, translated where they are shown.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.core.i18n import N_
from storage.models import AssessmentKind, CorrectionReason, CorrectionState, Role


class Label(NamedTuple):
    """One value's label msgids: in chat, and in the school's official records."""

    chat: str
    formal: str


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
# The three who confirm a correction's minutes, by their signing role.
SIGNER_LABELS = {
    "principal": ROLE_LABELS[Role.PRINCIPAL],
    "admin": ROLE_LABELS[Role.ADMIN],
    "teacher": N_("Teacher"),
}

CORRECTION_REASON_LABELS = {
    CorrectionReason.ENTRY_ERROR: Label(N_("Data-entry error"), N_("Data-entry error")),
    CorrectionReason.REMARKED: Label(N_("Test marked again"), N_("Test marked again")),
    CorrectionReason.RETEST: Label(
        N_("Re-test (Article 7, Circular 27)"), N_("Re-test under Article 7 of Circular 27")
    ),
    CorrectionReason.ADDITIONAL: Label(
        N_("Additional assessment (Article 11, Circular 27)"),
        N_("Additional assessment under Article 11 of Circular 27"),
    ),
}
# `chat` fits in a sentence ("... gửi ngày 03/12/2026: chờ duyệt."); `formal` fills a column.
CORRECTION_STATE_LABELS = {
    CorrectionState.PENDING: Label(N_("waiting for the decision"), N_("Waiting for a decision")),
    CorrectionState.NEEDS_INFO: Label(
        N_("waiting for more evidence from the teacher"), N_("More information requested")
    ),
    CorrectionState.REJECTED: Label(N_("rejected"), N_("Rejected")),
    CorrectionState.APPROVED: Label(
        N_("approved, waiting for the change in the official system"),
        N_("Approved, waiting for the official system"),
    ),
    CorrectionState.APPLIED: Label(
        N_("changed, waiting for the signatures"), N_("Changed, waiting for the confirmations")
    ),
    CorrectionState.SIGNED: Label(N_("completed and signed"), N_("Done, minutes signed")),
}
# `chat` follows the subject's name ("Toán — mức đạt được"); `formal` names the kind alone.
ASSESSMENT_KIND_LABELS = {
    AssessmentKind.LEVEL: Label(N_("level"), N_("subject or activity level")),
    AssessmentKind.SCORE: Label(N_("periodic test score"), N_("periodic test score")),
    AssessmentKind.QUALITY: Label(
        N_("quality or competence level"), N_("quality or competence level")
    ),
}
