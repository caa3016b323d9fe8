"""Ending a session early, with why: before dosing it closes the session, once dosing has
started it stops the pump and the patient is observed in recovery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import InfusionEvent
from monitor.db.types import utcnow
from monitor.domain.delivered_dose import (
    STOP,
)
from monitor.domain.permissions import Action
from monitor.domain.reasons import required_reason
from monitor.domain.session_state import (
    DOSING_STATES,
    SessionEvent,
    SessionState,
    ends_early_into,
)
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.idempotency import (
    EARLY_END_KEY_PREFIX,
)
from monitor.services.pump import add_pump_event, given_at_stop, store_stop
from monitor.services.session_lifecycle import load_locked, move
from monitor.services.summaries import refresh_summary


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
            given = given_at_stop(db, row, at)
            state = move(db, row, SessionEvent.END_EARLY, actor=actor, at=at, reason=text)
            store_stop(row, at, given)
            add_pump_event(
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
