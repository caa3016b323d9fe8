"""Informed consent to a course: recorded with the form's title and version from config,
the date, the patient's typed name and the staff witness's signature (password re-entered);
withdrawn with a date and a reason, which stops the course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.course_models import Consent, ConsentWithdrawal, Course
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today, parse_day
from monitor.domain.course import not_after, typed_name_matches
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.reasons import required_reason
from monitor.domain.vocabulary import CourseStatus
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.course_standing import (
    activate_if_ready,
    latest_consent,
    locked_course,
    set_status,
    withdrawal_of,
)
from monitor.services.errors import Conflict, NotFound
from monitor.services.idempotency import check_key, run_once, same_person, same_values
from monitor.services.people import confirm_password
from monitor.services.screening import ensure_open

MAX_TYPED_NAME = 200  # consents.patient_typed_name
# The latest a calendar day has begun anywhere (UTC+14): a date after it is in the future
# wherever the clinic is.
EARLIEST_ZONE = timedelta(hours=14)


@dataclass(frozen=True)
class ConsentWithdrawn:
    withdrawal_id: int
    duplicate: bool


def _day(value: date | str, field: str, label: str) -> date:
    day = value if isinstance(value, date) else parse_day(value, field, label)
    if day is None:
        raise refuse(field, f"{label}: enter the date")
    return day


def record_consent(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    course_id: int,
    consented_on: date | str,
    patient_typed_name: str,
    password: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Record the patient's consent to the course, witnessed by the signed-in staff member
    (their password re-entered). The typed name must be the patient's registered given and
    family names (any order, case or punctuation). Returns the consent's id; a course in
    screening turns active if its screening is cleared."""
    ensure_allowed(actor, Action.RECORD_CONSENT)
    at = now or utcnow()
    check_key(idempotency_key)
    day = not_after(
        _day(consented_on, "consented_on", "Consent date"),
        clinic_today(at, config.clinic.zone),
        field="consented_on",
        label="The consent date",
    )
    typed = " ".join((patient_typed_name or "").split())
    if not typed:
        raise refuse("patient_typed_name", "The patient types their full name")
    if len(typed) > MAX_TYPED_NAME:
        raise refuse("patient_typed_name", f"Keep the name to {MAX_TYPED_NAME} characters")
    with database.session_scope() as db:  # refused anyway? say so before the password
        course = db.get(Course, course_id)
        if course is None:
            raise NotFound(f"Course {course_id} does not exist")
        if repo.by_idempotency_key(db, Consent, idempotency_key) is None:
            _consentable(db, course)
        patient = repo.patient(db, course.patient_id)
        assert patient is not None  # a course's patient is never deleted
        if not typed_name_matches(
            typed, given_name=patient.given_name, family_name=patient.family_name
        ):
            raise refuse(
                "patient_typed_name",
                f"The typed name must be the patient's registered name: "
                f"{patient.given_name} {patient.family_name}",
            )
    confirm_password(database=database, config=config, actor=actor, password=password, now=at)

    def write(db: Session) -> int:
        course = locked_course(db, course_id)
        _consentable(db, course)
        row = Consent(
            course_id=course.id,
            form_title=config.consent.form_title,
            form_version=config.consent.form_version,
            consented_on=day,
            patient_typed_name=typed,
            witness_id=actor.id,
            witness_printed_name=actor.full_name,
            witness_role=actor.role.value,
            signed_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="consent.recorded",
            entity_type="consent",
            at=at,
            new={
                "course_id": course.id,
                "form_title": row.form_title,
                "form_version": row.form_version,
                "consented_on": day.isoformat(),
                "patient_typed_name": typed,
                "witness": actor.full_name,
            },
        )
        activate_if_ready(db, config, course, actor=actor, at=at)
        return row.id

    def replay(_db: Session, prior: Consent) -> int:
        same_person(prior.witness_id, actor.id)
        same_values(
            {"course": prior.course_id, "on": prior.consented_on, "name": prior.patient_typed_name},
            {"course": course_id, "on": day, "name": typed},
        )
        return prior.id

    return run_once(database, Consent, idempotency_key, write=write, replay=replay)


def _consentable(db: Session, course: Course) -> None:
    """Consent is recorded on an open course with no consent in force."""
    ensure_open(course, "consent")
    current = latest_consent(db, course.id)
    if current is not None and withdrawal_of(db, current.id) is None:
        raise Conflict(
            f"Consent is already recorded for this course "
            f"(signed {current.consented_on.isoformat()})"
        )


def withdraw_consent(
    *,
    database: Database,
    actor: Actor,
    course_id: int,
    withdrawn_on: date | str,
    reason: str,
    idempotency_key: str,
    config: Config | None = None,
    now: datetime | None = None,
) -> ConsentWithdrawn:
    """The patient withdraws consent: recorded with the date and reason, and the course
    stops in the same transaction (no session of it opens again). With `config` the date
    may not be after the clinic's today; without, not after today anywhere."""
    ensure_allowed(actor, Action.RECORD_CONSENT)
    at = now or utcnow()
    day = not_after(
        _day(withdrawn_on, "withdrawn_on", "Withdrawal date"),
        clinic_today(at, config.clinic.zone) if config else (at + EARLIEST_ZONE).date(),
        field="withdrawn_on",
        label="The withdrawal date",
    )
    why = required_reason(reason, "Say why consent is withdrawn (as the patient put it)")

    def write(db: Session) -> ConsentWithdrawn:
        course = locked_course(db, course_id)
        consent = latest_consent(db, course.id)
        if consent is None or withdrawal_of(db, consent.id) is not None:
            raise Conflict("This course has no consent in force to withdraw")
        if day < consent.consented_on:
            raise refuse(
                "withdrawn_on",
                f"The withdrawal date cannot be before the consent "
                f"({consent.consented_on.isoformat()})",
            )
        row = ConsentWithdrawal(
            consent_id=consent.id,
            withdrawn_on=day,
            reason=why,
            recorded_by=actor.id,
            recorded_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="consent.withdrawn",
            entity_type="consent",
            at=at,
            reason=why,
            new={"course_id": course.id, "consent_id": consent.id, "withdrawn_on": day.isoformat()},
        )
        if CourseStatus(course.status) in (CourseStatus.SCREENING, CourseStatus.ACTIVE):
            set_status(
                db,
                course,
                CourseStatus.STOPPED,
                actor=actor,
                at=at,
                reason=f"Consent withdrawn: {why}",
            )
        return ConsentWithdrawn(row.id, duplicate=False)

    def replay(db: Session, prior: ConsentWithdrawal) -> ConsentWithdrawn:
        same_person(prior.recorded_by, actor.id)
        consent = db.get(Consent, prior.consent_id)
        same_values(
            {
                "course": consent.course_id if consent else None,
                "on": prior.withdrawn_on,
                "reason": prior.reason,
            },
            {"course": course_id, "on": day, "reason": why},
        )
        return ConsentWithdrawn(prior.id, duplicate=True)

    return run_once(database, ConsentWithdrawal, idempotency_key, write=write, replay=replay)
