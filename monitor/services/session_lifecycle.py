"""Open a session, and move it through its states under a row lock: the one place a
session's state changes (the pump's events, ending early, the exits and the sign-off all
call `move`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.db.types import utcnow
from monitor.domain.course import NotReady, next_sequence
from monitor.domain.dose import plan_dose
from monitor.domain.permissions import Action
from monitor.domain.session_state import (
    SessionEvent,
    SessionState,
    accepts_entries,
    next_state,
)
from monitor.domain.vitals import parse_weight
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.course_standing import (
    latest_course_of,
    open_course_of,
    readiness_of,
    sessions_given,
)
from monitor.services.errors import (
    Conflict,
    FieldProblem,
    IllegalTransition,
    InvalidEntry,
    NotFound,
)
from monitor.services.idempotency import (
    run_once,
    same_person,
    same_values,
)
from monitor.services.summaries import refresh_summary


@dataclass(frozen=True)
class SessionOpened:
    session_id: int
    state: SessionState
    duplicate: bool


def open_session(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    patient_id: int,
    chair: str,
    protocol_id: str,
    weight_kg: float | str,
    idempotency_key: str,
    now: datetime | None = None,
) -> SessionOpened:
    """Put a patient in a chair under a protocol, with today's weight and the computed dose,
    as the next session of the patient's open course. Refused (NotReady, each missing thing
    in words) unless that course's screening is cleared and unexpired, its consent recorded
    and not withdrawn, and a planned session is left."""
    ensure_allowed(actor, Action.OPEN_SESSION)
    at = now or utcnow()
    weight = parse_weight(weight_kg, config.plausibility)
    if chair not in config.clinic.chairs:
        raise InvalidEntry([FieldProblem("chair", f"Unknown chair {chair!r}")])
    try:
        protocol = config.protocol(protocol_id)
    except KeyError:
        raise InvalidEntry(
            [FieldProblem("protocol", f"Unknown protocol {protocol_id!r}")]
        ) from None
    dose = plan_dose(
        weight_kg=weight,
        dose_mg_per_kg=protocol.dose_mg_per_kg,
        concentration_mg_per_ml=protocol.concentration_mg_per_ml,
        infusion_minutes=protocol.infusion_minutes,
    )

    def write(db: Session) -> SessionOpened:
        patient = repo.patient(db, patient_id)
        if patient is None:
            raise InvalidEntry([FieldProblem("patient", "Choose a patient")])
        if repo.active_session_in_chair(db, chair):
            raise Conflict(f"{chair} already has a session in progress")
        if repo.active_session_of_patient(db, patient_id):
            raise Conflict(f"{patient.display_name} already has a session in progress")
        course = open_course_of(db, patient_id, lock=True)
        if course is None:
            last = latest_course_of(db, patient_id)  # stopped or completed: say why
            raise NotReady(
                readiness_of(db, config, last, at).missing
                if last is not None
                else (
                    f"{patient.display_name} has no treatment course: start one, "
                    "then record the screening and consent",
                )
            )
        readiness = readiness_of(db, config, course, at)
        if not readiness.may_open:
            raise NotReady(readiness.missing)
        sequence = next_sequence(sessions_given(db, course.id))
        row = InfusionSession(
            patient_id=patient_id,
            protocol_id=protocol.id,
            protocol_name=protocol.name,
            chair=chair,
            state=SessionState.PLANNED.value,
            opened_at=at,
            opened_by=actor.id,
            weight_kg=weight,
            dose_mg_per_kg=dose.dose_mg_per_kg,
            dose_mg=dose.dose_mg,
            concentration_mg_per_ml=protocol.concentration_mg_per_ml,
            rate_ml_per_h=dose.rate_ml_per_h,
            infusion_minutes=protocol.infusion_minutes,
            idempotency_key=idempotency_key,
            course_id=course.id,
            course_sequence=sequence,
        )
        db.add(row)
        db.flush()
        add_audit(
            db,
            actor=actor,
            action="session.opened",
            entity_type="session",
            entity_id=row.id,
            session_id=row.id,
            at=at,
            new={
                "patient_id": patient_id,
                "chair": chair,
                "protocol": protocol.id,
                "weight_kg": weight,
                "dose_mg": dose.dose_mg,
                "rate_ml_per_h": dose.rate_ml_per_h,
                "state": row.state,
                "course_id": course.id,
                "course_sequence": sequence,
            },
        )
        refresh_summary(db, config, row.id, at)
        return SessionOpened(row.id, SessionState.PLANNED, duplicate=False)

    def replay(_db: Session, prior: InfusionSession) -> SessionOpened:
        same_person(prior.opened_by, actor.id)
        same_values(
            {
                "patient": prior.patient_id,
                "chair": prior.chair,
                "protocol": prior.protocol_id,
                "weight_kg": prior.weight_kg,
            },
            {"patient": patient_id, "chair": chair, "protocol": protocol.id, "weight_kg": weight},
        )
        return SessionOpened(prior.id, SessionState(prior.state), duplicate=True)

    try:
        return run_once(database, InfusionSession, idempotency_key, write=write, replay=replay)
    except IntegrityError:  # another tablet seated this chair or patient a moment ago
        raise Conflict(f"{chair} or this patient already has a session in progress") from None


def load_locked(db: Session, session_id: int) -> InfusionSession:
    """The session row, locked for this transaction, or NotFound."""
    row = repo.lock_session(db, session_id)
    if row is None:
        raise NotFound(f"Session {session_id} does not exist")
    return row


def load_for_entries(db: Session, session_id: int, entries: str) -> InfusionSession:
    """The session row, locked, for a new reading or rating; refused once the session has
    ended (its record is signed and locked), saying it takes no more `entries`."""
    row = load_locked(db, session_id)
    state = SessionState(row.state)
    if not accepts_entries(state):
        raise IllegalTransition(
            f"This session is {state.value.replace('_', ' ')}: it takes no more {entries}"
        )
    return row


def move(
    db: Session,
    row: InfusionSession,
    event: SessionEvent,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None = None,
) -> SessionState:
    """Apply a state machine event to a locked session, with its audit entry."""
    old = SessionState(row.state)
    new = next_state(old, event)
    if new is not old:
        row.state = new.value
        add_audit(
            db,
            actor=actor,
            action="session.state_changed",
            entity_type="session",
            entity_id=row.id,
            session_id=row.id,
            at=at,
            old={"state": old.value},
            new={"state": new.value},
            reason=reason,
        )
    return new
