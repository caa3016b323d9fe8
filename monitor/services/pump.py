"""What the pump did: start, pause, resume, a rate change and the stop, each stored as an
infusion event with its audit entry; the stop also stores the dose given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from monitor.domain.permissions import Action
from monitor.domain.rate_change import check_rate
from monitor.domain.reasons import clean_reason, required_reason
from monitor.domain.session_state import (
    SessionEvent,
    SessionState,
)
from monitor.domain.vocabulary import InfusionEvent as PumpKind
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import (
    FieldProblem,
    InvalidEntry,
)
from monitor.services.idempotency import (
    run_once,
    same_person,
    same_session,
    same_values,
)
from monitor.services.pre_dose import missing_before_start
from monitor.services.session_lifecycle import load_locked, move
from monitor.services.summaries import refresh_summary


@dataclass(frozen=True)
class EventRecorded:
    event_id: int
    kind: str
    state: SessionState
    duplicate: bool


# The session events a nurse records at the pump, as the infusion event table stores them.
_KINDS = {kind.session_event: kind.value for kind in PumpKind}


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
        if event is SessionEvent.START_INFUSION:
            refuse_start_unless_cleared(db, config, row)
        given = given_at_stop(db, row, at) if event is SessionEvent.STOP_INFUSION else None
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
            store_stop(row, at, given)
        elif event is SessionEvent.RATE_CHANGE and rate_ml_per_h is not None:
            row.rate_ml_per_h = rate_ml_per_h
        record = add_pump_event(
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


def add_pump_event(
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
    return add_recorded(
        db,
        record,
        actor=actor,
        action=f"infusion.{kind}",
        entity_type="infusion_event",
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


def refuse_start_unless_cleared(db: Session, config: Config, row: InfusionSession) -> None:
    """START waits for the pre-dose check: the refusal names each thing still missing (a
    baseline BP above the limit, a positive self-harm answer, without a physician's
    clearance). Only before dosing: a baseline still missing is the state machine's word."""
    if SessionState(row.state) is not SessionState.BASELINE:
        return
    missing = missing_before_start(db, config, row.id)
    if missing:
        first, *rest = missing
        raise InvalidEntry(
            [FieldProblem("pre_dose", m) for m in (f"The infusion cannot start: {first}", *rest)]
        )


def given_at_stop(db: Session, row: InfusionSession, at: datetime) -> DeliveredDose:
    """What the pump will have given when it stops at `at`."""
    events = [*repo.pump_events(db, row.id), PumpEvent(STOP, at, row.rate_ml_per_h)]
    return delivered_dose(events, concentration_mg_per_ml=row.concentration_mg_per_ml, now=at)


def _planned_dose_ran(row: InfusionSession, given: DeliveredDose) -> bool:
    planned_ml = planned_volume_ml(row.dose_mg, row.concentration_mg_per_ml)
    return planned_dose_has_run(given.ml, planned_ml)


def store_stop(row: InfusionSession, at: datetime, given: DeliveredDose) -> None:
    """The pump's stop, and the dose it gave, on the session (to 0.01 mL and mg)."""
    row.infusion_stopped_at = at
    row.delivered_ml = round(given.ml, 2)
    row.delivered_mg = round(given.mg, 2)
