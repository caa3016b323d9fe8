"""Record a reading: validate, store, evaluate excursions and audit, once per submission key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import Excursion, InfusionSession, Reading
from monitor.db.types import utcnow
from monitor.domain.clock import check_not_before_opening, check_not_in_future
from monitor.domain.errors import refuse
from monitor.domain.excursions import excursions_for
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionEvent, SessionState, phase_of
from monitor.domain.vitals import VitalSigns, check_plausible, parse_vitals
from monitor.domain.vocabulary import Phase, Priority
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import NotFound
from monitor.services.idempotency import run_once, same_person, same_session, same_values
from monitor.services.session_lifecycle import load_for_entries, move
from monitor.services.summaries import refresh_summary

SOURCES = ("manual", "device")


@dataclass(frozen=True)
class FlagRaised:
    """An excursion as the nurse sees it straight after saving."""

    rule_code: str
    label: str
    priority: Priority
    message: str
    measure: str = ""  # issue 9 (alarms): groups the flags into one banner per measure


@dataclass(frozen=True)
class ReadingSaved:
    reading_id: int
    session_id: int
    phase: str
    taken_at: datetime
    flags: tuple[FlagRaised, ...]
    duplicate: bool


def _saved(row: Reading, excursions: list[Excursion], *, duplicate: bool) -> ReadingSaved:
    flags = tuple(
        FlagRaised(e.rule_code, e.label, Priority(e.priority), e.message, e.measure)
        for e in excursions
    )
    return ReadingSaved(row.id, row.session_id, row.phase, row.taken_at, flags, duplicate)


def record_reading(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    vitals: VitalSigns,
    idempotency_key: str,
    taken_at: datetime | None = None,
    source: str = "manual",
    now: datetime | None = None,
) -> ReadingSaved:
    """Store one reading with the excursions it raises; a repeated key returns the first."""
    ensure_allowed(actor, Action.RECORD_READING)
    entered_at = now or utcnow()
    taken = taken_at or entered_at
    if taken.tzinfo is None:
        raise refuse("taken_at", "The reading time has no time zone")
    skew = config.readings.clock_skew
    check_not_in_future(taken, entered_at, skew=skew)
    if source not in SOURCES:
        raise refuse("source", f"Unknown source {source!r}")

    def write(db: Session) -> ReadingSaved:
        session = load_for_entries(db, session_id, "readings")
        state = SessionState(session.state)
        protocol = config.protocol(session.protocol_id)
        check_plausible(
            vitals, config.plausibility, require_moaas=protocol.ratings.moaas_with_every_reading
        )
        check_not_before_opening(taken, session.opened_at, skew=skew)
        phase = phase_of(state)
        baseline = None
        if phase != Phase.BASELINE:
            prior = repo.latest_baseline(db, session.id)
            baseline = repo.vitals_of(prior) if prior else None
        row = Reading(
            session_id=session.id,
            phase=phase,
            taken_at=taken,
            entered_by=actor.id,
            entered_at=entered_at,
            source=source,
            idempotency_key=idempotency_key,
            **vitals.as_dict(),
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="reading.recorded",
            entity_type="reading",
            session_id=session.id,
            at=entered_at,
            new={
                **vitals.as_dict(),
                "phase": phase,
                "taken_at": taken.isoformat(),
                "source": source,
            },
        )
        excursions = []
        for flag in excursions_for(vitals, baseline, protocol.excursion_rules):
            excursion = Excursion(
                session_id=session.id,
                reading_id=row.id,
                rule_code=flag.rule_code,
                label=flag.label,
                priority=flag.priority.value,
                measure=flag.measure,
                value=flag.value,
                threshold=flag.threshold,
                basis=flag.basis,
                baseline_value=flag.baseline,
                message=flag.message,
                detected_at=entered_at,
            )
            add_recorded(
                db,
                excursion,
                actor=actor,
                action="excursion.flagged",
                entity_type="excursion",
                session_id=session.id,
                at=entered_at,
                new={
                    "rule": flag.rule_code,
                    "priority": flag.priority.value,
                    "reading_id": row.id,
                    "message": flag.message,
                },
            )
            excursions.append(excursion)
        if state is SessionState.PLANNED:
            move(db, session, SessionEvent.BASELINE_RECORDED, actor=actor, at=entered_at)
        refresh_summary(db, config, session.id, entered_at)
        return _saved(row, excursions, duplicate=False)

    def replay(db: Session, prior: Reading) -> ReadingSaved:
        same_session(prior.session_id, session_id)
        same_person(prior.entered_by, actor.id)
        # The time is the request's own only when it names one; otherwise it is the clock's,
        # and a retry comes later by nature.
        named = taken_at is not None
        same_values(
            {
                "vitals": repo.vitals_of(prior),
                "source": prior.source,
                "taken_at": prior.taken_at if named else None,
            },
            {"vitals": vitals, "source": source, "taken_at": taken_at},
        )
        return _saved(prior, repo.excursions_of_reading(db, prior.id), duplicate=True)

    return run_once(database, Reading, idempotency_key, write=write, replay=replay)


def record_entered_reading(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    entered: Mapping[str, str | int | float | None],
    idempotency_key: str,
    now: datetime | None = None,
) -> ReadingSaved:
    """Parse what the nurse typed (messages name each bad field), then record it."""
    ensure_allowed(actor, Action.RECORD_READING)
    with database.session_scope() as db:
        row = db.get(InfusionSession, session_id)
    if row is None:
        raise NotFound(f"Session {session_id} does not exist")
    require = config.protocol(row.protocol_id).ratings.moaas_with_every_reading
    vitals = parse_vitals(entered, config.plausibility, require_moaas=require)
    return record_reading(
        database=database,
        config=config,
        actor=actor,
        session_id=session_id,
        vitals=vitals,
        idempotency_key=idempotency_key,
        now=now,
    )
