"""Keep each session's summary row current: called inside every write that changes what the
history screen, the quality measures or the exports show about a session."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import (
    Acknowledgement,
    Excursion,
    InfusionSession,
    Reading,
    SessionSummary,
    Signature,
)
from monitor.db.types import utcnow
from monitor.domain.schedule import SlotOutcome, slot_outcomes, stops_early
from monitor.domain.vocabulary import SessionState, SignatureMeaning


def refresh_summary(db: Session, config: Config, session_id: int, now: datetime) -> None:
    """Recompute one session's summary from its record, in the caller's transaction."""
    session = db.get(InfusionSession, session_id)
    if session is None:
        return
    db.flush()
    counts = dict(
        db.execute(
            select(Excursion.priority, func.count())
            .where(Excursion.session_id == session_id)
            .group_by(Excursion.priority)
        ).all()
    )
    unacknowledged = (
        db.scalar(
            select(func.count())
            .select_from(Excursion)
            .outerjoin(Acknowledgement, Acknowledgement.excursion_id == Excursion.id)
            .where(Excursion.session_id == session_id, Acknowledgement.id.is_(None))
        )
        or 0
    )
    times = repo.infusion_times(db, session)
    taken = list(db.scalars(select(Reading.taken_at).where(Reading.session_id == session_id)))
    until = session.ended_at or now
    outcomes = [
        o
        for _, o in slot_outcomes(
            times, config.protocol(session.protocol_id).schedule, taken, until
        )
    ]
    signatures = list(
        db.scalars(
            select(Signature).where(Signature.session_id == session_id).order_by(Signature.id)
        )
    )
    ready = [s.signed_at for s in signatures if s.all_criteria_met]
    performed = next((s for s in signatures if s.meaning == SignatureMeaning.PERFORMED), None)
    approved = next((s for s in signatures if s.meaning == SignatureMeaning.APPROVED), None)
    stopped_early = session.state == SessionState.STOPPED_EARLY or (
        session.infusion_stopped_at is not None
        and stops_early(times, session.infusion_minutes, session.infusion_stopped_at)
    )
    row = db.get(SessionSummary, session_id) or SessionSummary(session_id=session_id)
    row.patient_id, row.protocol_id, row.chair = (
        session.patient_id,
        session.protocol_id,
        session.chair,
    )
    row.state, row.nurse_id = session.state, session.opened_by
    row.physician_id = approved.signer_id if approved else None
    row.opened_at, row.ended_at = session.opened_at, session.ended_at
    row.infusion_started_at = session.infusion_started_at
    row.infusion_stopped_at = session.infusion_stopped_at
    row.weight_kg, row.dose_mg = session.weight_kg, session.dose_mg
    row.high_count = counts.get("high", 0)
    row.medium_count = counts.get("medium", 0)
    row.low_count = counts.get("low", 0)
    row.unacknowledged_count = unacknowledged
    row.readings_on_time = outcomes.count(SlotOutcome.ON_TIME)
    row.readings_late = outcomes.count(SlotOutcome.LATE)
    row.readings_missed = outcomes.count(SlotOutcome.MISSED)
    row.stopped_early = bool(stopped_early)
    row.ready_at = min(ready) if ready else None
    row.minutes_to_ready = (
        (row.ready_at - session.infusion_started_at) / timedelta(minutes=1)
        if row.ready_at and session.infusion_started_at
        else None
    )
    row.performed_at = performed.signed_at if performed else None
    row.approved_at = approved.signed_at if approved else None
    row.cosign_delay_minutes = (
        (approved.signed_at - performed.signed_at) / timedelta(minutes=1)
        if approved and performed
        else None
    )
    row.override = bool(approved and approved.override_reason)
    row.updated_at = now
    db.add(row)


def rebuild_all(*, database: Database, config: Config, batch: int = 500) -> int:
    """Recompute every session's summary (after a restore, or to repair derived data)."""
    with database.session_scope() as db:
        ids = list(db.scalars(select(InfusionSession.id).order_by(InfusionSession.id)))
    for start in range(0, len(ids), batch):
        with database.session_scope() as db:
            for session_id in ids[start : start + batch]:
                refresh_summary(db, config, session_id, utcnow())
    return len(ids)
