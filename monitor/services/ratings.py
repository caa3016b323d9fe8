"""Record a CADSS rating: score it, store it once per submission key, audit it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession, Rating
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.domain.scales import dissociation_present, score_cadss
from monitor.domain.schedule import cadss_timepoint
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.idempotency import run_once, same_person, same_session, same_values
from monitor.services.session_lifecycle import load_for_entries


@dataclass(frozen=True)
class RatingSaved:
    rating_id: int
    version: str
    total: int
    cutoff: float
    dissociation_present: bool
    duplicate: bool


def _saved(row: Rating, cutoff: float, *, duplicate: bool) -> RatingSaved:
    return RatingSaved(
        row.id, row.version, row.total, cutoff, dissociation_present(row.total, cutoff), duplicate
    )


def record_rating(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    answers: Mapping[int, int | None],
    idempotency_key: str,
    version: str | None = None,
    now: datetime | None = None,
) -> RatingSaved:
    """Store a scored CADSS (the protocol's version unless another is named).

    The scheduled time point it answers is worked out here from when it was taken, never
    taken from the client.
    """
    ensure_allowed(actor, Action.RECORD_RATING)
    at = now or utcnow()

    def write(db: Session) -> RatingSaved:
        session = load_for_entries(db, session_id, "ratings")
        protocol = config.protocol(session.protocol_id)
        ratings = protocol.ratings
        chosen = version or ratings.cadss_version
        score = score_cadss(chosen, answers)
        timepoint_minutes = cadss_timepoint(
            session.infusion_started_at,
            ratings.cadss_at_minutes,
            protocol.schedule.grace_minutes,
            at,
        )
        row = Rating(
            session_id=session.id,
            scale="CADSS",
            version=score.version,
            items={str(k): v for k, v in score.items.items()},
            total=score.total,
            timepoint_minutes=timepoint_minutes,
            taken_at=at,
            entered_by=actor.id,
            entered_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="rating.recorded",
            entity_type="rating",
            session_id=session.id,
            at=at,
            new={
                "scale": "CADSS",
                "version": score.version,
                "items": row.items,
                "total": score.total,
                "timepoint_minutes": timepoint_minutes,
            },
        )
        return _saved(row, ratings.cadss_dissociation_cutoff, duplicate=False)

    def replay(db: Session, prior: Rating) -> RatingSaved:
        same_session(prior.session_id, session_id)
        same_person(prior.entered_by, actor.id)
        session = db.get(InfusionSession, prior.session_id)
        assert session is not None
        ratings = config.protocol(session.protocol_id).ratings
        same_values({"version": prior.version}, {"version": version or ratings.cadss_version})
        score = score_cadss(prior.version, answers)  # the answers as the write scores them
        same_values({"items": prior.items}, {"items": {str(k): v for k, v in score.items.items()}})
        cutoff = ratings.cadss_dissociation_cutoff
        return _saved(prior, cutoff, duplicate=True)

    return run_once(database, Rating, idempotency_key, write=write, replay=replay)
