"""The live board's read model (and the bedside's chairs): active sessions only, never
the history, each table read once for all of them (indexed by session). A session's place
in its course (k of N) comes with the session row; its open safety flags (a PHQ-9 item-9
answer no physician has acknowledged yet) in one more statement, and their adverse events
no physician has acknowledged in one more (issue 13: the service keeps those the domain
says go to the board)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from monitor.db.course_models import Course, SafetyFlag, SafetyFlagAcknowledgement
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    AdverseEventOutcomeEntry,
    MedicationAdministration,
)
from monitor.db.models import (
    ACTIVE_SESSION,
    Acknowledgement,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Patient,
    Rating,
    Reading,
    RecoveryAssessment,
    Signature,
)
from monitor.db.queries.rows import build_all, columns, with_initials
from monitor.domain.vocabulary import SignatureMeaning


@dataclass(frozen=True)
class BoardSession:
    id: int
    chair: str
    patient_initials: str
    mrn: str
    state: str
    protocol_id: str
    opened_at: datetime
    infusion_started_at: datetime | None
    infusion_stopped_at: datetime | None
    infusion_minutes: float
    nurse_signed_at: datetime | None = None  # latest assessment signed: awaiting co-signature
    course_sequence: int | None = None  # k of N: None when no course numbered the session
    planned_sessions: int | None = None


@dataclass(frozen=True)
class BoardReading:
    session_id: int
    phase: str
    taken_at: datetime
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    resp_rate: int
    moaas: int | None


@dataclass(frozen=True)
class BoardExcursion:
    id: int
    session_id: int
    priority: str
    label: str
    message: str
    detected_at: datetime


@dataclass(frozen=True)
class BoardRating:
    session_id: int
    version: str
    total: int
    taken_at: datetime


@dataclass(frozen=True)
class BoardEvent:
    session_id: int
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class BoardSafetyFlag:
    """A safety flag no physician has acknowledged yet (PHQ-9 item 9 above 0)."""

    id: int
    session_id: int
    kind: str
    priority: str
    message: str
    raised_at: datetime


@dataclass(frozen=True)
class BoardAdverseEvent:
    """An adverse event of an active session with its latest outcome (None: none recorded
    yet); whether it flags the board is the domain's rule (domain.adverse_events.flags_board),
    applied by the board's service to those no physician has acknowledged."""

    id: int
    session_id: int
    kind: str
    kind_label: str
    severity: str
    serious: bool
    onset_at: datetime
    entered_at: datetime
    outcome: str | None = None
    resolved_at: datetime | None = None
    acknowledged: bool = False


@dataclass(frozen=True)
class BoardMedication:
    """A rescue dose given in an active session, for the tile's line."""

    id: int
    session_id: int
    drug_name: str
    dose: float
    unit: str
    route: str
    given_at: datetime


@dataclass(frozen=True)
class BoardData:
    sessions: list[BoardSession]
    readings: list[BoardReading]
    unacknowledged: list[BoardExcursion]
    ratings: list[BoardRating]
    pause_events: list[BoardEvent]
    open_flags: list[BoardSafetyFlag] = field(default_factory=list)
    adverse_events: list[BoardAdverseEvent] = field(default_factory=list)  # unacknowledged
    session_events: list[BoardAdverseEvent] = field(default_factory=list)  # all, by onset
    medications: list[BoardMedication] = field(default_factory=list)  # by time given


def _nurse_signed(db: Session, active: Any) -> dict[int, datetime]:
    """When the nurse signed each active session's latest assessment (if they have)."""
    latest = (
        select(func.max(RecoveryAssessment.id).label("id"))
        .where(RecoveryAssessment.session_id.in_(active))
        .group_by(RecoveryAssessment.session_id)
    )
    return {
        row.session_id: row.signed_at
        for row in db.execute(
            select(Signature.session_id, Signature.signed_at).where(
                Signature.assessment_id.in_(latest),
                Signature.meaning == SignatureMeaning.PERFORMED.value,
            )
        )
    }


def awaiting_cosignature(db: Session) -> set[int]:
    """Live sessions whose latest recovery assessment the nurse has signed as performed: the
    physician's approval (which discharges the session) is what they wait for."""
    return set(_nurse_signed(db, select(InfusionSession.id).where(ACTIVE_SESSION)))


def _sessions(db: Session, active: Any) -> list[BoardSession]:
    signed = _nurse_signed(db, active)
    chosen = columns(
        BoardSession, InfusionSession, mrn=Patient.mrn, planned_sessions=Course.planned_sessions
    )
    sessions = []
    for row in db.execute(
        select(*chosen, Patient.given_name, Patient.family_name)
        .join(Patient, Patient.id == InfusionSession.patient_id)
        .outerjoin(Course, Course.id == InfusionSession.course_id)
        .where(ACTIVE_SESSION)
    ):
        values = with_initials(row)
        sessions.append(BoardSession(**values, nurse_signed_at=signed.get(values["id"])))
    return sessions


def open_safety_flags(db: Session, active: Any) -> list[BoardSafetyFlag]:
    """The active sessions' safety flags not yet acknowledged, oldest first."""
    acknowledged = select(SafetyFlagAcknowledgement.flag_id).where(
        SafetyFlagAcknowledgement.session_id.in_(active)
    )
    return build_all(
        BoardSafetyFlag,
        db.execute(
            select(*columns(BoardSafetyFlag, SafetyFlag))
            .where(SafetyFlag.session_id.in_(active), SafetyFlag.id.not_in(acknowledged))
            .order_by(SafetyFlag.raised_at, SafetyFlag.id)
        ),
    )


def adverse_events(db: Session, active: Any) -> list[BoardAdverseEvent]:
    """Every adverse event of the active sessions, by onset, each with its latest outcome
    (the highest id stands) and whether a physician acknowledged it: one statement for the
    whole board, whatever the number of events or outcomes."""
    latest = (
        select(func.max(AdverseEventOutcomeEntry.id))
        .where(AdverseEventOutcomeEntry.session_id.in_(active))
        .group_by(AdverseEventOutcomeEntry.adverse_event_id)
    )
    outcome = aliased(AdverseEventOutcomeEntry)
    chosen = columns(
        BoardAdverseEvent,
        AdverseEvent,
        outcome=outcome.outcome,
        resolved_at=outcome.resolved_at,
        acknowledged=AdverseEventAcknowledgement.id.is_not(None),
    )
    return build_all(
        BoardAdverseEvent,
        db.execute(
            select(*chosen)
            .select_from(AdverseEvent)
            .outerjoin(
                outcome, (outcome.adverse_event_id == AdverseEvent.id) & outcome.id.in_(latest)
            )
            .outerjoin(
                AdverseEventAcknowledgement,
                AdverseEventAcknowledgement.adverse_event_id == AdverseEvent.id,
            )
            .where(AdverseEvent.session_id.in_(active))
            .order_by(AdverseEvent.onset_at, AdverseEvent.id)
        ),
    )


def medications_given(db: Session, active: Any) -> list[BoardMedication]:
    """Every rescue dose given in the active sessions, by time given: one statement."""
    return build_all(
        BoardMedication,
        db.execute(
            select(*columns(BoardMedication, MedicationAdministration))
            .where(MedicationAdministration.session_id.in_(active))
            .order_by(MedicationAdministration.given_at, MedicationAdministration.id)
        ),
    )


def board_data(db: Session) -> BoardData:
    """Everything the board shows, read for the active sessions only (indexed by session)."""
    active = select(InfusionSession.id).where(ACTIVE_SESSION)
    readings = build_all(
        BoardReading,
        db.execute(
            select(*columns(BoardReading, Reading))
            .where(Reading.session_id.in_(active))
            .order_by(Reading.session_id, Reading.taken_at, Reading.id)
        ),
    )
    acknowledged = select(Acknowledgement.excursion_id).where(
        Acknowledgement.session_id.in_(active)
    )
    unacknowledged = build_all(
        BoardExcursion,
        db.execute(
            select(*columns(BoardExcursion, Excursion))
            .where(Excursion.session_id.in_(active), Excursion.id.not_in(acknowledged))
            .order_by(Excursion.id)
        ),
    )
    ratings = build_all(
        BoardRating,
        db.execute(
            select(*columns(BoardRating, Rating))
            .where(Rating.session_id.in_(active))
            .order_by(Rating.taken_at, Rating.id)
        ),
    )
    pause_events = build_all(
        BoardEvent,
        db.execute(
            select(*columns(BoardEvent, InfusionEvent))
            .where(
                InfusionEvent.session_id.in_(active), InfusionEvent.kind.in_(("pause", "resume"))
            )
            .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
        ),
    )
    events = adverse_events(db, active)
    return BoardData(
        sessions=_sessions(db, active),
        readings=readings,
        unacknowledged=unacknowledged,
        ratings=ratings,
        pause_events=pause_events,
        open_flags=open_safety_flags(db, active),
        adverse_events=[e for e in events if not e.acknowledged],
        session_events=events,
        medications=medications_given(db, active),
    )
