"""A patient's treatment course: may a session of it open, which session is next, how its
status moves, and when the follow-up is due.

No session of a course opens unless the course is open (screening or active), its latest
screening is cleared and unexpired, its consent is recorded and not withdrawn, and fewer
sessions have opened than are planned. Each thing missing is said in the clinic's words.
The course becomes active by itself once screening is cleared and consent recorded; a
person only completes or stops it (stopping says why). Completed and stopped are final.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from monitor.domain.errors import FieldProblem, InvalidEntry, refuse
from monitor.domain.screening import Standing
from monitor.domain.vocabulary import CourseStatus

OPEN_STATUSES = frozenset({CourseStatus.SCREENING, CourseStatus.ACTIVE})
MAX_PLANNED = 50  # config.course.planned_sessions allows 1..50


class NotReady(InvalidEntry):
    """A session of this course may not open: each missing thing at the field "course"."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__([FieldProblem("course", m) for m in missing])


@dataclass(frozen=True)
class Progress:
    """What the readiness rule reads about a course."""

    status: CourseStatus
    status_reason: str | None
    recorded_before_courses: bool
    screening: Standing
    screened_on: date | None  # the clinic date the latest screening was taken
    consented: bool  # a consent is recorded and not withdrawn
    withdrawn_on: date | None  # the latest consent's withdrawal, if any
    given: int  # sessions opened in this course
    planned: int


def missing_for_session(progress: Progress, *, valid_days: int) -> tuple[str, ...]:
    """Everything that stops the next session of this course from opening; empty when it may."""
    p = progress
    if p.status is CourseStatus.STOPPED:
        return (f"This course was stopped: {p.status_reason or 'no reason recorded'}",)
    if p.status is CourseStatus.COMPLETED:
        return ("This course is completed: start a new course for more sessions",)
    if p.recorded_before_courses:
        return (
            "This course was recorded before courses existed and has no screening or consent "
            "here: complete it and start a new course",
        )
    missing: list[str] = []
    if p.screening is Standing.NOT_SCREENED:
        missing.append("Screening has not been recorded")
    elif p.screening is Standing.AWAITING_DECISION:
        missing.append("Screening is awaiting a physician's decision")
    elif p.screening is Standing.DECLINED:
        missing.append("Screening was declined by a physician")
    elif p.screening is Standing.EXPIRED:
        taken = f" of {p.screened_on.isoformat()}" if p.screened_on else ""
        missing.append(f"Screening{taken} has expired (older than {valid_days} days): screen again")
    if p.withdrawn_on is not None and not p.consented:
        missing.append(f"Consent was withdrawn on {p.withdrawn_on.isoformat()}")
    elif not p.consented:
        missing.append("Consent has not been recorded")
    if p.given >= p.planned:
        missing.append(
            f"All {p.planned} planned sessions have been given: "
            "a physician extends the plan to open another"
        )
    return tuple(missing)


def next_sequence(given: int) -> int:
    """The number of the next session of a course (session k of N)."""
    return given + 1


def becomes_active(status: CourseStatus, screening: Standing, consented: bool) -> bool:
    """A course in screening turns active once screening is cleared and consent recorded."""
    return status is CourseStatus.SCREENING and screening is Standing.CLEARED and consented


def status_change(current: CourseStatus, target: CourseStatus | str) -> CourseStatus:
    """The status a person may move a course to: completed (an active course) or stopped
    (an open one). Refused in words otherwise."""
    try:
        wanted = CourseStatus(target)
    except ValueError:
        raise refuse("status", "Choose completed or stopped") from None
    if current not in OPEN_STATUSES:
        raise refuse("status", f"This course is already {current.label.lower()}")
    if wanted in (CourseStatus.SCREENING, CourseStatus.ACTIVE):
        raise refuse(
            "status",
            "A course becomes active by itself once screening is cleared and consent recorded",
        )
    if wanted is CourseStatus.COMPLETED and current is not CourseStatus.ACTIVE:
        raise refuse(
            "status", "A course still in screening has no sessions to complete: stop it instead"
        )
    return wanted


def parse_planned(value: int | str | None, *, default: int, given: int = 0) -> int:
    """Planned sessions as entered: blank is the config's default; a whole number from 1
    (and not fewer than the sessions already given) to MAX_PLANNED."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise refuse("planned_sessions", "Planned sessions: enter a whole number")
    try:
        planned = int(value.strip()) if isinstance(value, str) else int(value)
    except ValueError:
        planned = -1
    if isinstance(value, float) and value != planned:
        planned = -1
    if not 1 <= planned <= MAX_PLANNED:
        raise refuse(
            "planned_sessions", f"Planned sessions: a whole number from 1 to {MAX_PLANNED}"
        )
    if planned < given:
        raise refuse(
            "planned_sessions", f"{given} sessions have already been given: plan at least {given}"
        )
    return planned


def follow_up_due(last_session_on: date | None, follow_up_days: int) -> date | None:
    """The follow-up visit's due date: `course.follow_up_days` after the last session."""
    if last_session_on is None:
        return None
    return last_session_on + timedelta(days=follow_up_days)


def _name_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return sorted(re.findall(r"[^\W_]+", folded))


def typed_name_matches(typed: str, *, given_name: str, family_name: str) -> bool:
    """The patient's typed name is their registered given and family names, in either order,
    whatever the case, spacing and punctuation ("Doe, Jane" and "jane doe" match Jane Doe);
    a nickname, an initial or a missing name does not."""
    words = _name_words(typed)
    return bool(words) and words == _name_words(f"{given_name} {family_name}")


def not_after(day: date, limit: date, *, field: str, label: str) -> date:
    """A date a person recorded that cannot be in the future."""
    if day > limit:
        raise refuse(field, f"{label} cannot be after today ({limit.isoformat()})")
    return day
