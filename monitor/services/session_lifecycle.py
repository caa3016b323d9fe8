"""Open a session, and move it through its states: infusion start, pause, resume, rate, stop,
and ending early (which, once dosing has started, stops the pump and leads to recovery)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import InfusionEvent, InfusionSession
from monitor.db.types import utcnow
from monitor.domain.delivered_dose import (
    STOP,
    DeliveredDose,
    PumpEvent,
    delivered_dose,
    planned_dose_has_run,
    planned_volume_ml,
)
from monitor.domain.dose import plan_dose
from monitor.domain.permissions import Action
from monitor.domain.rate_change import check_rate
from monitor.domain.reasons import clean_reason, required_reason
from monitor.domain.session_state import (
    DOSING_STATES,
    SessionEvent,
    SessionState,
    accepts_entries,
    ends_early_into,
    next_state,
)
from monitor.domain.vitals import parse_weight
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import (
    Conflict,
    FieldProblem,
    IllegalTransition,
    InvalidEntry,
    NotFound,
)
from monitor.services.idempotency import (
    EARLY_END_KEY_PREFIX,
    run_once,
    same_person,
    same_session,
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
    """Put a patient in a chair under a protocol, with today's weight and the computed dose."""
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


@dataclass(frozen=True)
class EventRecorded:
    event_id: int
    kind: str
    state: SessionState
    duplicate: bool


_KINDS = {
    SessionEvent.START_INFUSION: "start",
    SessionEvent.PAUSE: "pause",
    SessionEvent.RESUME: "resume",
    SessionEvent.RATE_CHANGE: "rate_change",
    SessionEvent.STOP_INFUSION: "stop",
}


def record_infusion_event(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    event: SessionEvent,
    idempotency_key: str,
    rate_ml_per_h: float | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> EventRecorded:
    """Start, pause, resume, change the rate of, or stop the infusion."""
    ensure_allowed(actor, Action.INFUSION_EVENT)
    if event not in _KINDS:
        raise InvalidEntry([FieldProblem("event", f"{event} is not an infusion event")])
    at = now or utcnow()
    text = clean_reason(reason)
    if event is SessionEvent.RATE_CHANGE:
        check_rate(rate_ml_per_h, maximum=config.infusion.max_rate_ml_per_h)
    if event is SessionEvent.PAUSE:
        text = required_reason(text, "Say why the infusion is paused")

    def write(db: Session) -> EventRecorded:
        row = load_locked(db, session_id)
        given = _given_at_stop(db, row, at) if event is SessionEvent.STOP_INFUSION else None
        if given is not None and text is None and not _planned_dose_ran(row, given):
            raise InvalidEntry(
                [
                    FieldProblem(
                        "reason",
                        "The planned dose has not run yet: say why the infusion stops early",
                    )
                ]
            )
        old_rate = row.rate_ml_per_h
        state = move(db, row, event, actor=actor, at=at, reason=text)
        if event is SessionEvent.START_INFUSION:
            row.infusion_started_at = at
        elif event is SessionEvent.STOP_INFUSION and given is not None:
            _store_stop(row, at, given)
        elif event is SessionEvent.RATE_CHANGE and rate_ml_per_h is not None:
            row.rate_ml_per_h = rate_ml_per_h
        record = _add_event(
            db,
            row,
            _KINDS[event],
            actor=actor,
            at=at,
            reason=text,
            key=idempotency_key,
            old_rate=old_rate,
        )
        refresh_summary(db, config, row.id, at)
        return EventRecorded(record.id, record.kind, state, duplicate=False)

    def replay(db: Session, prior: InfusionEvent) -> EventRecorded:
        same_session(prior.session_id, session_id)
        same_person(prior.entered_by, actor.id)
        # The rate is the request's own only on a rate change; any other event stores the
        # session's current rate, whatever the form's rate box held.
        rated = event is SessionEvent.RATE_CHANGE
        same_values(
            {
                "event": prior.kind,
                "reason": prior.reason,
                "rate": prior.rate_ml_per_h if rated else None,
            },
            {"event": _KINDS[event], "reason": text, "rate": rate_ml_per_h if rated else None},
        )
        row = db.get(InfusionSession, prior.session_id)
        assert row is not None
        return EventRecorded(prior.id, prior.kind, SessionState(row.state), duplicate=True)

    return run_once(database, InfusionEvent, idempotency_key, write=write, replay=replay)


def _add_event(
    db: Session,
    row: InfusionSession,
    kind: str,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None,
    key: str,
    old_rate: float,
) -> InfusionEvent:
    """Store one pump event with its audit entry (old and new rate when it changed; the
    delivered dose on a stop)."""
    record = InfusionEvent(
        session_id=row.id,
        kind=kind,
        occurred_at=at,
        rate_ml_per_h=row.rate_ml_per_h,
        reason=reason,
        entered_by=actor.id,
        entered_at=at,  # as readings are: the service's `now` (the wall clock by default)
        idempotency_key=key,
    )
    db.add(record)
    db.flush()
    add_audit(
        db,
        actor=actor,
        action=f"infusion.{kind}",
        entity_type="infusion_event",
        entity_id=record.id,
        session_id=row.id,
        at=at,
        reason=reason,
        old={"rate_ml_per_h": old_rate} if old_rate != row.rate_ml_per_h else None,
        new={
            "kind": kind,
            "rate_ml_per_h": row.rate_ml_per_h,
            **(
                {"delivered_ml": row.delivered_ml, "delivered_mg": row.delivered_mg}
                if kind == STOP
                else {}
            ),
        },
    )
    return record


def _given_at_stop(db: Session, row: InfusionSession, at: datetime) -> DeliveredDose:
    """What the pump will have given when it stops at `at`."""
    events = [*repo.pump_events(db, row.id), PumpEvent(STOP, at, row.rate_ml_per_h)]
    return delivered_dose(events, concentration_mg_per_ml=row.concentration_mg_per_ml, now=at)


def _planned_dose_ran(row: InfusionSession, given: DeliveredDose) -> bool:
    planned_ml = planned_volume_ml(row.dose_mg, row.concentration_mg_per_ml)
    return planned_dose_has_run(given.ml, planned_ml)


def _store_stop(row: InfusionSession, at: datetime, given: DeliveredDose) -> None:
    """The pump's stop, and the dose it gave, on the session (to 0.01 mL and mg)."""
    row.infusion_stopped_at = at
    row.delivered_ml = round(given.ml, 2)
    row.delivered_mg = round(given.mg, 2)


@dataclass(frozen=True)
class EndedEarly:
    state: SessionState  # recovery once dosing had started; stopped early before it
    delivered_ml: float | None
    delivered_mg: float | None
    duplicate: bool


END_EARLY_KEY = EARLY_END_KEY_PREFIX + "{}"


def end_session_early(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    reason: str,
    now: datetime | None = None,
) -> EndedEarly:
    """End a session early, with why. Before dosing (declined, not fit, no-show) the session
    closes as stopped early. Once dosing has started, the pump stops (a stop event with the
    reason and the delivered dose) and the patient is observed in recovery, with readings and
    the discharge sign-off as usual. A session in recovery is refused: it leaves through the
    discharge sign-off or a physician-signed exit (monitor.services.exits)."""
    ensure_allowed(actor, Action.END_SESSION_EARLY)
    at = now or utcnow()
    text = required_reason(reason, "Say why the session ends early")
    with database.session_scope() as db:
        row = load_locked(db, session_id)
        stop_key = END_EARLY_KEY.format(row.id)
        stopped = repo.by_idempotency_key(db, InfusionEvent, stop_key)
        repeated = (
            stopped is not None and stopped.session_id == row.id and stopped.kind == STOP
        ) or (row.state == SessionState.STOPPED_EARLY.value and row.exit_kind is None)
        if repeated:  # a repeated request: already done
            return EndedEarly(
                SessionState(row.state), row.delivered_ml, row.delivered_mg, duplicate=True
            )
        old = SessionState(row.state)
        ends_early_into(old)  # refused from recovery and from an ended session, saying why
        if old in DOSING_STATES:
            given = _given_at_stop(db, row, at)
            state = move(db, row, SessionEvent.END_EARLY, actor=actor, at=at, reason=text)
            _store_stop(row, at, given)
            _add_event(
                db,
                row,
                STOP,
                actor=actor,
                at=at,
                reason=text,
                key=stop_key,
                old_rate=row.rate_ml_per_h,
            )
        else:
            state = move(db, row, SessionEvent.END_EARLY, actor=actor, at=at, reason=text)
            row.ended_at = at
            row.end_reason = text
        refresh_summary(db, config, row.id, at)
        return EndedEarly(state, row.delivered_ml, row.delivered_mg, duplicate=False)
