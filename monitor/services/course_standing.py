"""Where a course stands, read inside the caller's transaction: its latest screening and
the decision on it, its consent and any withdrawal, the sessions it has opened. Shared by
the course use cases and by opening a session, so both apply the same rule
(domain/course.py `missing_for_session`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.course_models import (
    Consent,
    ConsentWithdrawal,
    Course,
    Screening,
    ScreeningDecisionRecord,
)
from monitor.db.models import InfusionSession
from monitor.domain.clinic_time import clinic_today
from monitor.domain.course import Progress, becomes_active, missing_for_session
from monitor.domain.screening import Standing, standing
from monitor.domain.vocabulary import CourseStatus
from monitor.services.actors import Actor
from monitor.services.audit import add_audit
from monitor.services.errors import NotFound


@dataclass(frozen=True)
class Readiness:
    may_open: bool
    missing: tuple[str, ...]


def locked_course(db: Session, course_id: int) -> Course:
    """The course row, locked for this transaction (status changes and session openings
    of one course happen one at a time), or NotFound."""
    row = db.scalars(select(Course).where(Course.id == course_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"Course {course_id} does not exist")
    return row


def open_course_of(db: Session, patient_id: int, *, lock: bool = False) -> Course | None:
    """The patient's open (screening or active) course; the database holds at most one."""
    query = select(Course).where(
        Course.patient_id == patient_id,
        Course.status.in_([CourseStatus.SCREENING.value, CourseStatus.ACTIVE.value]),
    )
    return db.scalars(query.with_for_update() if lock else query).first()


def latest_course_of(db: Session, patient_id: int) -> Course | None:
    """The patient's most recent course, whatever its status."""
    return db.scalars(
        select(Course).where(Course.patient_id == patient_id).order_by(Course.id.desc())
    ).first()


def latest_screening(db: Session, course_id: int) -> Screening | None:
    return db.scalars(
        select(Screening)
        .where(Screening.course_id == course_id)
        .order_by(Screening.screened_at.desc(), Screening.id.desc())
    ).first()


def decision_on(db: Session, screening_id: int) -> ScreeningDecisionRecord | None:
    return db.scalars(
        select(ScreeningDecisionRecord).where(ScreeningDecisionRecord.screening_id == screening_id)
    ).first()


def latest_consent(db: Session, course_id: int) -> Consent | None:
    return db.scalars(
        select(Consent).where(Consent.course_id == course_id).order_by(Consent.id.desc())
    ).first()


def withdrawal_of(db: Session, consent_id: int) -> ConsentWithdrawal | None:
    return db.scalars(
        select(ConsentWithdrawal).where(ConsentWithdrawal.consent_id == consent_id)
    ).first()


def sessions_given(db: Session, course_id: int) -> int:
    """Sessions opened in this course, whatever became of them (each took a number)."""
    return (
        db.scalar(
            select(func.count())
            .select_from(InfusionSession)
            .where(InfusionSession.course_id == course_id)
        )
        or 0
    )


def first_session_at(db: Session, course_id: int) -> datetime | None:
    return db.scalar(
        select(func.min(InfusionSession.opened_at)).where(InfusionSession.course_id == course_id)
    )


def screening_standing(db: Session, config: Config, course: Course, now: datetime) -> Standing:
    screening = latest_screening(db, course.id)
    if screening is None:
        return Standing.NOT_SCREENED
    decision = decision_on(db, screening.id)
    return standing(
        screened_at=screening.screened_at,
        needs_decision=screening.needs_decision,
        decision=decision.decision if decision else None,
        valid_days=config.screening.valid_days,
        now=now,
        first_session_at=first_session_at(db, course.id),
    )


def consent_current(db: Session, course_id: int) -> bool:
    """A consent is recorded for the course and has not been withdrawn."""
    consent = latest_consent(db, course_id)
    return consent is not None and withdrawal_of(db, consent.id) is None


def progress_of(db: Session, config: Config, course: Course, now: datetime) -> Progress:
    screening = latest_screening(db, course.id)
    consent = latest_consent(db, course.id)
    withdrawal = withdrawal_of(db, consent.id) if consent else None
    return Progress(
        status=CourseStatus(course.status),
        status_reason=course.status_reason,
        recorded_before_courses=course.recorded_before_courses,
        screening=screening_standing(db, config, course, now),
        screened_on=clinic_today(screening.screened_at, config.clinic.zone) if screening else None,
        consented=consent is not None and withdrawal is None,
        withdrawn_on=withdrawal.withdrawn_on if withdrawal else None,
        given=sessions_given(db, course.id),
        planned=course.planned_sessions,
    )


def readiness_of(db: Session, config: Config, course: Course, now: datetime) -> Readiness:
    missing = missing_for_session(
        progress_of(db, config, course, now), valid_days=config.screening.valid_days
    )
    return Readiness(may_open=not missing, missing=missing)


def activate_if_ready(
    db: Session, config: Config, course: Course, *, actor: Actor, at: datetime
) -> bool:
    """Screening cleared and consent recorded: the course in screening becomes active, in
    the caller's transaction, audited."""
    screening = screening_standing(db, config, course, at)
    if not becomes_active(CourseStatus(course.status), screening, consent_current(db, course.id)):
        return False
    set_status(db, course, CourseStatus.ACTIVE, actor=actor, at=at, reason=None)
    return True


def set_status(
    db: Session,
    course: Course,
    status: CourseStatus,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None,
) -> None:
    """Change a course's status with its audit entry (old and new values, the reason)."""
    old = course.status
    course.status = status.value
    course.status_reason = reason
    course.status_changed_at = at
    db.flush()
    add_audit(
        db,
        actor=actor,
        action="course.status_changed",
        entity_type="course",
        entity_id=course.id,
        at=at,
        old={"status": old},
        new={"status": status.value},
        reason=reason,
    )
