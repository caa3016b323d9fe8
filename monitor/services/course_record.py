"""A treatment course as its page shows it, each opening logged (`course.viewed`, HIPAA
45 CFR 164.312(b)); and what the start-a-course form offers for one patient (its opening
logged as a view of the patient, `patient.viewed`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries.course import (
    ConsentRow,
    CoursePatient,
    CourseRecord,
    CourseSessionRow,
    ScoreRow,
    ScreeningRow,
    active_physicians,
    course_patient,
    course_record,
)
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.domain.record_access import COURSE_VIEWED, PATIENT_VIEWED
from monitor.domain.treatment_response import ScaleProgress, follow_up_due, progress
from monitor.domain.vocabulary import Questionnaire
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import NotFound

# The read model's rows, named here for the screens (which never import the database layer).
__all__ = [
    "ConsentRow",
    "CoursePatient",
    "CourseRecord",
    "CourseSessionRow",
    "CourseView",
    "NewCourseChoices",
    "ScoreRow",
    "ScreeningRow",
    "new_course_choices",
    "view_course",
]


@dataclass(frozen=True)
class CourseView:
    """One course for its page: the record, each scale's progress, the follow-up date."""

    record: CourseRecord
    phq9: ScaleProgress
    pcl5: ScaleProgress
    last_session_on: date | None  # in the clinic's calendar
    follow_up_due: date | None
    follow_up_days: int


@dataclass(frozen=True)
class NewCourseChoices:
    """What the start-a-course form offers for one patient."""

    patient: CoursePatient
    protocols: tuple[tuple[str, str], ...]  # (id, name)
    physicians: tuple[tuple[int, str], ...]  # (user id, full name)
    planned_sessions: int
    today: date


def _log(
    db: Session, *, actor: Actor, action: str, entity_type: str, entity_id: int, at: datetime
) -> None:
    add_audit(
        db,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        at=at,
        new={"by_role": actor.role.value, "what": "screen"},
    )


def view_course(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    course_id: int,
    now: datetime | None = None,
) -> CourseView:
    """The whole course, read-only, to a nurse, physician or auditor; the opening is logged
    in the same transaction as the read. Call it once per page load."""
    ensure_allowed(actor, Action.VIEW_COURSE)
    at = now or utcnow()
    with database.session_scope() as db:
        record = course_record(db, course_id)
        if record is None:
            raise NotFound(f"Course {course_id} does not exist")
        _log(
            db, actor=actor, action=COURSE_VIEWED, entity_type="course", entity_id=course_id, at=at
        )
    totals = {
        scale: [s.total for s in record.scores if s.questionnaire == scale]
        for scale in Questionnaire
    }
    last = record.last_session_day
    last_on = last.astimezone(config.clinic.zone).date() if last is not None else None
    days = config.course.follow_up_days
    return CourseView(
        record=record,
        phq9=progress(Questionnaire.PHQ9, totals[Questionnaire.PHQ9], config.measurement),
        pcl5=progress(Questionnaire.PCL5, totals[Questionnaire.PCL5], config.measurement),
        last_session_on=last_on,
        follow_up_due=follow_up_due(last_on, days),
        follow_up_days=days,
    )


def new_course_choices(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    patient_id: int,
    now: datetime | None = None,
) -> NewCourseChoices:
    """The patient named on the form (the opening logged as `patient.viewed`), the
    protocols and physicians to choose from, and the planned sessions by default."""
    ensure_allowed(actor, Action.MANAGE_COURSE)
    at = now or utcnow()
    with database.session_scope() as db:
        patient = course_patient(db, patient_id)
        if patient is None:
            raise NotFound(f"Patient {patient_id} does not exist")
        _log(
            db,
            actor=actor,
            action=PATIENT_VIEWED,
            entity_type="patient",
            entity_id=patient_id,
            at=at,
        )
        physicians = tuple(active_physicians(db))
    return NewCourseChoices(
        patient=patient,
        protocols=tuple((p.id, p.name) for p in config.protocols),
        physicians=physicians,
        planned_sessions=config.course.planned_sessions,
        today=at.astimezone(config.clinic.zone).date(),
    )
