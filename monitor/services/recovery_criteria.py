"""What the recovery sign-off reads inside its transaction: the latest nurse assessment,
the discharge criteria judged now from the session's readings and ratings, and the alerts
still open. The status read, the assessment, the signatures and the signed exit all judge
the criteria the same way, so they read them here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.models import (
    Acknowledgement,
    Excursion,
    InfusionSession,
    Rating,
    Reading,
    RecoveryAssessment,
)
from monitor.db.repositories import vitals_of
from monitor.domain.approval import OpenAlert
from monitor.domain.discharge import Criterion, NurseAssessment, RecoveryFacts, evaluate
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import Phase, Priority
from monitor.services.errors import IllegalTransition


def ensure_in_recovery(session: InfusionSession) -> None:
    """The sign-off is for a session in recovery; any other state is refused, saying which."""
    if session.state != SessionState.RECOVERY.value:
        raise IllegalTransition(
            f"The recovery sign-off is for a session in recovery; this one is "
            f"{session.state.replace('_', ' ')}"
        )


def latest_assessment(db: Session, session_id: int) -> RecoveryAssessment | None:
    """The nurse's latest assessment: each new one supersedes the earlier."""
    return db.scalars(
        select(RecoveryAssessment)
        .where(RecoveryAssessment.session_id == session_id)
        .order_by(RecoveryAssessment.id.desc())
        .limit(1)
    ).first()


def as_assessment(row: RecoveryAssessment | None) -> NurseAssessment | None:
    if row is None:
        return None
    return NurseAssessment(row.activity, row.respiration, row.consciousness, row.checklist)


def _facts(
    db: Session, session: InfusionSession, now: datetime, assessment: NurseAssessment | None
) -> RecoveryFacts:
    readings = list(
        db.scalars(
            select(Reading)
            .where(Reading.session_id == session.id)
            .order_by(Reading.taken_at, Reading.id)
        )
    )
    baseline = [r for r in readings if r.phase == Phase.BASELINE]
    ratings = list(
        db.scalars(
            select(Rating)
            .where(Rating.session_id == session.id)
            .order_by(Rating.taken_at, Rating.id)
        )
    )
    start = session.infusion_started_at
    before = [r for r in ratings if start is None or r.taken_at <= start]
    after = [r for r in ratings if start is not None and r.taken_at > start]
    latest = readings[-1] if readings else None
    return RecoveryFacts(
        now=now,
        dosing_started_at=start,
        baseline=vitals_of(baseline[-1]) if baseline else None,
        latest=vitals_of(latest) if latest else None,
        latest_at=latest.taken_at if latest else None,
        baseline_cadss=before[-1].total if before else None,
        latest_cadss_after_dosing=after[-1].total if after else None,
        assessment=assessment,
    )


def criteria_now(
    db: Session,
    session: InfusionSession,
    config: Config,
    now: datetime,
    assessment: NurseAssessment | None,
) -> list[Criterion]:
    """Every discharge criterion of the session's protocol, judged at `now`."""
    protocol = config.protocol(session.protocol_id)
    return evaluate(
        _facts(db, session, now, assessment),
        protocol.discharge,
        min_observation_minutes=protocol.schedule.min_observation_minutes,
        cadss_cutoff=protocol.ratings.cadss_dissociation_cutoff,
    )


def open_alerts(db: Session, session_id: int) -> list[OpenAlert]:
    """The session's excursions nobody has acknowledged yet, oldest first."""
    acknowledged = select(Acknowledgement.excursion_id).where(
        Acknowledgement.session_id == session_id
    )
    return [
        OpenAlert(x.id, Priority(x.priority), x.message, x.detected_at)
        for x in db.scalars(
            select(Excursion)
            .where(Excursion.session_id == session_id, Excursion.id.not_in(acknowledged))
            .order_by(Excursion.detected_at, Excursion.id)
        )
    ]
