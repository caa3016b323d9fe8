"""What the bedside page shows: the session as stored, with its schedule worked out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from monitor.config import Config, Protocol
from monitor.db import queries
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.dose import DosePlan, plan_dose
from monitor.domain.errors import refuse
from monitor.domain.infusion_times import build_infusion_times
from monitor.domain.permissions import Action
from monitor.domain.schedule import (
    DueState,
    DueStatus,
    RatingDue,
    SlotOutcome,
    expected_infusion_end,
    next_cadss,
    next_due,
    slot_outcomes,
)
from monitor.domain.vitals import parse_weight
from monitor.domain.vocabulary import InfusionEvent, Priority
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.board import reading_due
from monitor.services.errors import NotFound
from monitor.services.record_access import log_opening


@dataclass(frozen=True)
class BedsideView:
    snapshot: queries.SessionSnapshot
    protocol: Protocol
    due: DueStatus
    cadss_due: RatingDue | None
    expected_end: datetime | None
    now: datetime
    on_time: int
    late: int
    missed: int


def bedside_view(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
) -> BedsideView:
    """Read one session and work out what is due."""
    ensure_allowed(actor, Action.VIEW_BEDSIDE)
    at = now or utcnow()
    with database.session_scope() as db:
        snapshot = queries.session_snapshot(db, session_id)
    if snapshot is None:
        raise NotFound(f"Session {session_id} does not exist")
    header = snapshot.header
    protocol = config.protocol(header.protocol_id)
    times = build_infusion_times(
        header.infusion_started_at,
        header.infusion_stopped_at,
        [
            (e.kind, e.occurred_at)
            for e in snapshot.events
            if e.kind in (InfusionEvent.PAUSE, InfusionEvent.RESUME)
        ],
    )
    readings_at = [r.taken_at for r in snapshot.readings]
    ratings_at = [r.taken_at for r in snapshot.ratings]
    outcomes = [o for _, o in slot_outcomes(times, protocol.schedule, readings_at, at)]
    return BedsideView(
        snapshot=snapshot,
        protocol=protocol,
        due=next_due(times, protocol.schedule, readings_at, at),
        cadss_due=next_cadss(
            times,
            protocol.ratings.cadss_at_minutes,
            protocol.schedule.grace_minutes,
            ratings_at,
            at,
        ),
        expected_end=expected_infusion_end(times, header.infusion_minutes, at),
        now=at,
        on_time=outcomes.count(SlotOutcome.ON_TIME),
        late=outcomes.count(SlotOutcome.LATE),
        missed=outcomes.count(SlotOutcome.MISSED),
    )


@dataclass(frozen=True)
class ChairStatus:
    """A chair's session in progress and what needs someone there."""

    chair: str
    session_id: int
    state: str
    patient_initials: str
    mrn: str
    protocol_id: str
    due: DueStatus
    unacknowledged_high: int
    awaiting_cosignature: bool

    @property
    def overdue(self) -> bool:
        return self.due.state is DueState.OVERDUE

    @property
    def overdue_seconds(self) -> float:
        return self.due.overdue_seconds if self.overdue else 0.0


def chairs(
    *, database: Database, config: Config, actor: Actor, now: datetime | None = None
) -> dict[str, ChairStatus]:
    """Each configured chair's session in progress, by chair name, with its state: a reading
    overdue (the protocol's schedule, as the bedside countdown and the board work it out),
    high excursions not yet acknowledged, a discharge the nurse signed awaiting co-signature."""
    ensure_allowed(actor, Action.VIEW_BEDSIDE)
    at = now or utcnow()
    with database.session_scope() as db:
        data = queries.board_data(db)
        cosign = queries.awaiting_cosignature(db)
    dues = reading_due(data, config, at)
    highs = Counter(x.session_id for x in data.unacknowledged if x.priority == Priority.HIGH)
    active = {}
    for s in data.sessions:
        active[s.chair] = ChairStatus(
            chair=s.chair,
            session_id=s.id,
            state=s.state,
            patient_initials=s.patient_initials,
            mrn=s.mrn,
            protocol_id=s.protocol_id,
            due=dues[s.id],
            unacknowledged_high=highs[s.id],
            awaiting_cosignature=s.id in cosign,
        )
    return {chair: active[chair] for chair in config.clinic.chairs if chair in active}


def open_bedside(
    *, database: Database, actor: Actor, session_id: int, now: datetime | None = None
) -> None:
    """Log that `actor` opened the bedside chart of this session (a page load; the chart's
    refreshes while it stays open are part of this opening)."""
    ensure_allowed(actor, Action.VIEW_BEDSIDE)
    with database.session_scope() as db:
        log_opening(db, actor=actor, session_id=session_id, what="bedside", at=now or utcnow())


def patients_to_seat(*, database: Database, actor: Actor) -> list[queries.PatientRow]:
    ensure_allowed(actor, Action.VIEW_BEDSIDE)
    with database.session_scope() as db:
        return queries.patients_without_active_session(db)


def dose_preview(*, config: Config, protocol_id: str, weight_kg: object) -> DosePlan:
    """The dose and pump rate a typed weight gives under a protocol, before the session opens."""
    try:
        protocol = config.protocol(protocol_id)
    except KeyError:
        raise refuse("protocol", "Choose a protocol") from None
    weight = parse_weight(
        weight_kg if isinstance(weight_kg, (str, int, float)) else None, config.plausibility
    )
    return plan_dose(
        weight_kg=weight,
        dose_mg_per_kg=protocol.dose_mg_per_kg,
        concentration_mg_per_ml=protocol.concentration_mg_per_ml,
        infusion_minutes=protocol.infusion_minutes,
    )
