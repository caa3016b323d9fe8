"""A patient's treatment course: start one, list a patient's courses, complete or stop one,
change the sessions planned, and say whether its next session may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.course_models import Course
from monitor.db.engine import Database
from monitor.db.models import InfusionSession, User
from monitor.db.types import utcnow
from monitor.domain.clinic_time import parse_day
from monitor.domain.course import parse_planned, status_change
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action, Role
from monitor.domain.reasons import clean_reason, required_reason
from monitor.domain.session_state import ACTIVE_STATES
from monitor.domain.vocabulary import CourseStatus, Indication
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit, add_recorded
from monitor.services.course_standing import (
    Readiness,
    locked_course,
    open_course_of,
    readiness_of,
    sessions_given,
    set_status,
)
from monitor.services.errors import Conflict, NotFound
from monitor.services.idempotency import run_once, same_person, same_values

__all__ = [
    "CourseRow",
    "CourseStarted",
    "CourseStatusChanged",
    "Readiness",
    "change_course_status",
    "change_planned_sessions",
    "course_readiness",
    "list_courses",
    "start_course",
]


@dataclass(frozen=True)
class CourseStarted:
    course_id: int
    duplicate: bool


@dataclass(frozen=True)
class CourseRow:
    id: int
    protocol: str
    indication: Indication
    status: CourseStatus
    planned: int
    given: int
    start_date: date
    indication_note: str | None = None
    status_reason: str | None = None
    physician: str | None = None
    recorded_before_courses: bool = False


@dataclass(frozen=True)
class CourseStatusChanged:
    course_id: int
    status: CourseStatus
    duplicate: bool


def start_course(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    patient_id: int,
    protocol_id: str,
    indication: Indication | str,
    indication_note: str | None,
    planned_sessions: int | str | None,
    start_date: date | str,
    physician_id: int,
    idempotency_key: str,
    now: datetime | None = None,
) -> CourseStarted:
    """Start a patient's course, in screening until screening is cleared and consent
    recorded. A patient has one open course at a time."""
    ensure_allowed(actor, Action.MANAGE_COURSE)
    at = now or utcnow()
    try:
        protocol = config.protocol(protocol_id)
    except KeyError:
        raise refuse("protocol", "Choose one of the clinic's protocols") from None
    try:
        chosen = Indication(indication)
    except ValueError:
        raise refuse("indication", "Choose the indication: PTSD, depression or other") from None
    note = clean_reason(indication_note)
    if chosen is Indication.OTHER and note is None:
        raise refuse("indication_note", "Say what the course treats when the indication is other")
    planned = parse_planned(planned_sessions, default=config.course.planned_sessions)
    starts = (
        start_date if isinstance(start_date, date) else parse_day(start_date, "start_date", "Start")
    )
    if starts is None:
        raise refuse("start_date", "Enter the course's start date")

    def write(db: Session) -> CourseStarted:
        patient = repo.patient(db, patient_id)
        if patient is None:
            raise refuse("patient", "Choose a patient")
        physician = db.get(User, physician_id)
        if physician is None or physician.role != Role.PHYSICIAN.value or not physician.active:
            raise refuse("physician", "Choose the responsible physician")
        existing = open_course_of(db, patient_id)
        if existing is not None:
            raise Conflict(
                f"{patient.display_name} already has an open course "
                f"({CourseStatus(existing.status).label.lower()}): complete or stop it first"
            )
        course = Course(
            patient_id=patient_id,
            protocol_id=protocol.id,
            indication=chosen.value,
            indication_note=note,
            planned_sessions=planned,
            start_date=starts,
            physician_id=physician.id,
            status=CourseStatus.SCREENING.value,
            status_changed_at=at,
            created_by=actor.id,
            created_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            course,
            actor=actor,
            action="course.started",
            entity_type="course",
            at=at,
            new={
                "patient_id": patient_id,
                "protocol": protocol.id,
                "indication": chosen.value,
                "indication_note": note,
                "planned_sessions": planned,
                "start_date": starts.isoformat(),
                "physician_id": physician.id,
                "status": course.status,
            },
        )
        return CourseStarted(course.id, duplicate=False)

    def replay(_db: Session, prior: Course) -> CourseStarted:
        same_person(prior.created_by or 0, actor.id)
        same_values(
            {
                "patient": prior.patient_id,
                "protocol": prior.protocol_id,
                "indication": prior.indication,
                "note": prior.indication_note,
                "planned": prior.planned_sessions,
                "start": prior.start_date,
                "physician": prior.physician_id,
            },
            {
                "patient": patient_id,
                "protocol": protocol.id,
                "indication": chosen.value,
                "note": note,
                "planned": planned,
                "start": starts,
                "physician": physician_id,
            },
        )
        return CourseStarted(prior.id, duplicate=True)

    try:
        return run_once(database, Course, idempotency_key, write=write, replay=replay)
    except IntegrityError:  # another tablet started a course for this patient a moment ago
        raise Conflict(
            "This patient already has an open course: complete or stop it first"
        ) from None


def list_courses(*, database: Database, actor: Actor, patient_id: int) -> list[CourseRow]:
    """The patient's courses, newest first, with the sessions given of those planned."""
    ensure_allowed(actor, Action.VIEW_COURSE)
    with database.session_scope() as db:
        given = dict(
            db.execute(
                select(InfusionSession.course_id, func.count())
                .join(Course, Course.id == InfusionSession.course_id)
                .where(Course.patient_id == patient_id)
                .group_by(InfusionSession.course_id)
            ).all()
        )
        rows = db.execute(
            select(Course, User.full_name)
            .outerjoin(User, User.id == Course.physician_id)
            .where(Course.patient_id == patient_id)
            .order_by(Course.start_date.desc(), Course.id.desc())
        ).all()
        return [
            CourseRow(
                id=course.id,
                protocol=course.protocol_id,
                indication=Indication(course.indication),
                status=CourseStatus(course.status),
                planned=course.planned_sessions,
                given=given.get(course.id, 0),
                start_date=course.start_date,
                indication_note=course.indication_note,
                status_reason=course.status_reason,
                physician=physician,
                recorded_before_courses=course.recorded_before_courses,
            )
            for course, physician in rows
        ]


def course_readiness(
    *, database: Database, config: Config, course_id: int, now: datetime | None = None
) -> Readiness:
    """May the course's next session open, and if not, everything missing in words."""
    with database.session_scope() as db:
        course = db.get(Course, course_id)
        if course is None:
            raise NotFound(f"Course {course_id} does not exist")
        return readiness_of(db, config, course, now or utcnow())


def change_course_status(
    *,
    database: Database,
    actor: Actor,
    course_id: int,
    status: CourseStatus | str,
    reason: str,
    now: datetime | None = None,
) -> CourseStatusChanged:
    """Complete an active course, or stop an open one with a reason. No submission key: the
    status is the key. Asking again for the status a course already has, with the same
    reason, is answered as a duplicate (a double tap); with another reason it is refused."""
    ensure_allowed(actor, Action.MANAGE_COURSE)
    at = now or utcnow()
    try:
        wanted = CourseStatus(status)
    except ValueError:
        raise refuse("status", "Choose completed or stopped") from None
    if wanted is CourseStatus.STOPPED:
        why: str | None = required_reason(reason, "Say why the course is stopped")
    else:
        why = clean_reason(reason)
    with database.session_scope() as db:
        course = locked_course(db, course_id)
        current = CourseStatus(course.status)
        if current is wanted and course.status_reason == why:
            return CourseStatusChanged(course.id, current, duplicate=True)
        target = status_change(current, wanted)
        if target is CourseStatus.COMPLETED and _live_session(db, course.id):
            raise Conflict("A session of this course is in progress: end it first")
        set_status(db, course, target, actor=actor, at=at, reason=why)
        return CourseStatusChanged(course.id, target, duplicate=False)


def change_planned_sessions(
    *,
    database: Database,
    actor: Actor,
    course_id: int,
    planned_sessions: int | str,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Plan more (or fewer) sessions for an open course, with a reason; never fewer than
    those already given. Returns the sessions now planned."""
    ensure_allowed(actor, Action.MANAGE_COURSE)
    at = now or utcnow()
    why = required_reason(reason, "Say why the plan changes")
    if planned_sessions is None or str(planned_sessions).strip() == "":
        raise refuse("planned_sessions", "Enter the sessions planned")
    with database.session_scope() as db:
        course = locked_course(db, course_id)
        status = CourseStatus(course.status)
        if status not in (CourseStatus.SCREENING, CourseStatus.ACTIVE):
            raise refuse("planned_sessions", f"This course is {status.label.lower()}")
        given = sessions_given(db, course.id)
        planned = parse_planned(planned_sessions, default=course.planned_sessions, given=given)
        if planned == course.planned_sessions:
            raise refuse("planned_sessions", f"{planned} sessions are already planned")
        old = course.planned_sessions
        course.planned_sessions = planned
        db.flush()
        add_audit(
            db,
            actor=actor,
            action="course.plan_changed",
            entity_type="course",
            entity_id=course.id,
            at=at,
            old={"planned_sessions": old},
            new={"planned_sessions": planned},
            reason=why,
        )
        return planned


def _live_session(db: Session, course_id: int) -> bool:
    return (
        db.scalar(
            select(InfusionSession.id).where(
                InfusionSession.course_id == course_id,
                InfusionSession.state.in_([s.value for s in ACTIVE_STATES]),
            )
        )
        is not None
    )
