"""The rules of a correction request (domain-vn.md section 0), without I/O.

Who may ask for which item, who decides today, which state may follow which, who confirms the
minutes, what /duyet lists for whom, who records the principal's absence and how long it may
be. The operations in queries.py, steps.py and deciders.py check them once, from the stored
records, with the actor passed in; the chat side only renders a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.core.i18n import N_, Translator
from bot.features.leave.rules import MAX_DAYS, DayProblem
from storage.models import (
    AssessmentKind,
    CorrectionReason,
    CorrectionRequest,
    CorrectionState,
    Role,
)

if TYPE_CHECKING:
    from bot.core.access import Actor
    from bot.features.assessment.queries import Item

OPEN = (
    CorrectionState.PENDING,
    CorrectionState.NEEDS_INFO,
    CorrectionState.APPROVED,
    CorrectionState.APPLIED,
)
SIGNERS = ("principal", "admin", "teacher")
MAX_FILES = 10  # evidence files per request (and per addition)
NOTE_LIMIT = 2000  # the longest reason or question a leader's note keeps

SAME_VALUE = N_("The new value is the same as the recorded one; nothing to correct.")
NOT_YOURS = N_("You do not teach this pupil this subject, so you cannot ask to correct it.")
NO_EVIDENCE = N_(
    "A request needs at least one piece of evidence: a photo or a file of the mark book page "
    "or of the pupil's test."
)
NOT_DECIDER = N_(
    "Only the principal (or the vice principal while the principal is away) decides on "
    "correction requests. Your press was recorded."
)
NO_REASON = N_("Please write the reason.")
NOT_REQUESTER = N_("Only the teacher who filed this request can add to it.")
EMPTY_ADDITION = N_("Please write an answer or send a file first.")
NOT_ADMIN = N_("Only the system administrator confirms the change in the system.")
NOT_SIGNER = N_("This confirmation is not yours to give.")
NO_REQUEST = N_("This request does not exist.")
TOO_MANY_FILES = N_("At most {limit} files per request.")
NOT_PRINCIPAL = N_("Only the principal records their own absence.")


class Refused(Exception):
    """A step the rules do not allow, with the message to show."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self, _: Translator) -> str:
        """The reason in the reader's language (an assessment item by its translated name)."""
        return _(self.msgid).format(**{key: _shown(v, _) for key, v in self.params.items()})


def _shown(value: object, _: Translator) -> object:
    name = getattr(value, "name", None)
    return name(_) if callable(name) else value


class Stale(Exception):
    """A press on a request whose state has moved on: the caller shows the current state."""

    def __init__(self, request: CorrectionRequest) -> None:
        super().__init__(request.state.value)
        self.request = request


class Decision:
    """What the deciding leader may answer."""

    APPROVE = "approve"
    REJECT = "reject"
    MORE = "more"


# Scope -----------------------------------------------------------------------------------------


def may_request(actor: Actor, class_id: int, item: Item) -> bool:
    """The homeroom teacher asks for any item of their class; a subject teacher for theirs."""
    if not actor.has(Role.HOMEROOM, Role.SUBJECT_TEACHER):
        return False
    if class_id in actor.homeroom_classes:
        return True
    return item.kind is not AssessmentKind.QUALITY and (class_id, item.code) in actor.teaching


def classes_in_scope(actor: Actor) -> set[int]:
    """The classes a teacher may ask corrections for."""
    if not actor.has(Role.HOMEROOM, Role.SUBJECT_TEACHER):
        return set()
    return set(actor.homeroom_classes) | {klass for klass, _subject in actor.teaching}


def open_key(student_id: int, school_year: str, period: str, item_key: str) -> str:
    """The key that makes a second open request for the same item impossible."""
    return f"{student_id}:{school_year}:{period}:{item_key}"


def too_late(today: date, last_day: date) -> bool:
    """Whether the last day for correction requests of a period is past."""
    return today > last_day


# The reasons a law allows -----------------------------------------------------------------------

RETEST_SCOPE = N_(
    "A re-test (Article 7, Circular 27) applies only to a periodic test score of the end of "
    "term I or of the end of the year."
)
ADDITIONAL_SCOPE = N_(
    "An additional assessment (Article 11, Circular 27) applies only at the end of the year, "
    "to a pupil who has not completed the grade."
)
RETEST_PERIODS = ("ck1", "cn")  # Điều 7: the periodic tests of the end of term I and of the year
NOT_COMPLETED = "cht"  # the end-of-year outcome "Chưa hoàn thành" (Điều 9)


def reason_problem(
    reason: CorrectionReason, kind: AssessmentKind, period: str, outcome: str | None
) -> str | None:
    """Why this kind of reason does not fit this item (a msgid), or None when it does.

    `outcome` is the pupil's end-of-year outcome before the correction (None if none yet).
    """
    retest_fits = kind is AssessmentKind.SCORE and period in RETEST_PERIODS
    if reason is CorrectionReason.RETEST and not retest_fits:
        return RETEST_SCOPE
    if reason is CorrectionReason.ADDITIONAL and (period != "cn" or outcome != NOT_COMPLETED):
        return ADDITIONAL_SCOPE
    return None


def reasons_for(kind: AssessmentKind, period: str, outcome: str | None) -> list[CorrectionReason]:
    """The kinds of reason a request for this item may give, in the order they are offered."""
    return [r for r in CorrectionReason if reason_problem(r, kind, period, outcome) is None]


def check_reason(
    reason: CorrectionReason, kind: AssessmentKind, period: str, outcome: str | None
) -> None:
    """Refused when the reason is outside its legal scope (TT27 Điều 7, Điều 11)."""
    problem = reason_problem(reason, kind, period, outcome)
    if problem is not None:
        raise Refused(problem)


# The minutes' number -----------------------------------------------------------------------------

MINUTES_SIGN = "BB"  # biên bản (Nghị định 30/2020, Phụ lục III)


def minutes_number(number: int | None, abbreviation: str | None) -> str:
    """ "01/BB-THNK": two digits at least, the kind of document, the school's abbreviation;
    dots for a number not given yet (a draft)."""
    shown = "…" if number is None else f"{number:02d}"
    sign = (
        f"{MINUTES_SIGN}-{abbreviation.strip()}"
        if abbreviation and abbreviation.strip()
        else MINUTES_SIGN
    )
    return f"{shown}/{sign}"


# Pupils sharing a name ----------------------------------------------------------------------------

BORN = N_("{name} (born {date})")
CODE_END = N_("{name} (student ID …{code})")


@dataclass(frozen=True, slots=True)
class Pupil:
    """What tells a pupil apart from a classmate of the same name."""

    id: int
    name: str
    birth_date: date | None
    code: str


def told_apart(pupils: Sequence[Pupil], _: Translator) -> dict[int, str]:
    """Each pupil's label in a list: the name alone, or, for pupils sharing a name in the list,
    the name with the birth date (dd/mm/yyyy) or, where that does not tell them apart, the end
    of the student code."""
    by_name: dict[str, list[Pupil]] = {}
    for pupil in pupils:
        by_name.setdefault(" ".join(pupil.name.casefold().split()), []).append(pupil)
    labels = {}
    for same in by_name.values():
        births = [p.birth_date for p in same]
        by_birth = None not in births and len(set(births)) == len(births)
        for pupil in same:
            if len(same) == 1:
                labels[pupil.id] = pupil.name
            elif by_birth and pupil.birth_date is not None:
                born = pupil.birth_date.strftime("%d/%m/%Y")
                labels[pupil.id] = _(BORN).format(name=pupil.name, date=born)
            else:
                code = _code_end(pupil, [p.code for p in same])
                labels[pupil.id] = _(CODE_END).format(name=pupil.name, code=code)
    return labels


def _code_end(pupil: Pupil, codes: list[str]) -> str:
    """The shortest end of the pupil's code (at least 4 characters) no namesake's code shares."""
    for length in range(4, len(pupil.code) + 1):
        end = pupil.code[-length:]
        if sum(code.endswith(end) for code in codes) == 1:
            return end
    return pupil.code


# The path of a request -------------------------------------------------------------------------


def deciding_role(principal_absent: bool) -> Role:
    """The principal decides, or the vice principal while the principal is recorded away."""
    return Role.VICE_PRINCIPAL if principal_absent else Role.PRINCIPAL


def may_decide(actor: Actor, role: Role) -> bool:
    """Only a member of staff holding today's deciding role decides."""
    return actor.account.staff_id is not None and actor.has(role)


def check_decidable(request: CorrectionRequest) -> None:
    """A decision is taken on a request that waits for one; Stale otherwise."""
    if request.state is not CorrectionState.PENDING:
        raise Stale(request)


def decided_state(decision: str, note: str | None) -> CorrectionState:
    """The state a decision leads to; a rejection and a question need their text."""
    if decision != Decision.APPROVE and not (note or "").strip():
        raise Refused(NO_REASON)
    if decision == Decision.APPROVE:
        return CorrectionState.APPROVED
    if decision == Decision.REJECT:
        return CorrectionState.REJECTED
    if decision == Decision.MORE:
        return CorrectionState.NEEDS_INFO
    raise ValueError(f"unknown decision {decision!r}")


def check_addition(actor: Actor, request: CorrectionRequest) -> None:
    """Only the teacher who filed the request adds to it, and only when more was asked for."""
    if request.requester_account != actor.account.id:
        raise Refused(NOT_REQUESTER)
    if request.state is not CorrectionState.NEEDS_INFO:
        raise Stale(request)


def check_addition_content(text: str, files: int) -> None:
    """An addition says something: a text, a file, or both."""
    if not text.strip() and not files:
        raise Refused(EMPTY_ADDITION)


def may_apply(actor: Actor) -> bool:
    """Only a system administrator (a member of staff) confirms the change in the system."""
    return actor.has(Role.ADMIN) and actor.account.staff_id is not None


def signer_roles(actor: Actor, request: CorrectionRequest) -> list[str]:
    """Which of the three confirmations this person gives for this request."""
    roles = []
    staff = actor.account.staff_id
    if staff is not None and staff == request.decided_by:
        roles.append("principal")
    if staff is not None and staff == request.applied_by:
        roles.append("admin")
    if actor.account.id == request.requester_account:
        roles.append("teacher")
    return roles


def complete(signed: Iterable[str]) -> bool:
    """Whether these confirmations are all three."""
    return set(signed) >= set(SIGNERS)


@dataclass(frozen=True, slots=True)
class Desk:
    """What /duyet lists for a person: the requests to decide, the approved ones to change in
    the official system, and the person's own open requests."""

    decide: bool
    apply: bool
    own: bool


def desk(actor: Actor, role: Role) -> Desk:
    """Today's deciding leader (`role`) decides, the administrator changes the system, a teacher
    follows their requests; Refused (NOT_DECIDER) for anyone who is none of them."""
    shown = Desk(
        decide=may_decide(actor, role),
        apply=may_apply(actor),
        own=actor.has(Role.HOMEROOM, Role.SUBJECT_TEACHER),
    )
    if not (shown.decide or shown.apply or shown.own):
        raise Refused(NOT_DECIDER)
    return shown


# The principal's absence -----------------------------------------------------------------------


def check_absence_keeper(actor: Actor) -> None:
    """Only the principal (a member of staff) records, lists and ends the absences in which the
    vice principal decides; Refused (NOT_PRINCIPAL) for anyone else."""
    if not (actor.has(Role.PRINCIPAL) and actor.account.staff_id is not None):
        raise Refused(NOT_PRINCIPAL)


def check_days(
    first: date, last: date, today: date, year: tuple[date, date] | None = None
) -> DayProblem | None:
    """An absence may include weekends; it may not be backwards, past, outside the school year
    (first and last day) or over 30 days."""
    if last < first:
        return DayProblem.END_BEFORE_START
    if first < today:
        return DayProblem.PAST
    if year is not None and (first < year[0] or last > year[1]):
        return DayProblem.OUTSIDE_YEAR
    if (last - first).days + 1 > MAX_DAYS:
        return DayProblem.TOO_LONG
    return None
