"""Read models for the screens: each function is a few SQL statements returning plain values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from monitor.db.models import (
    ACTIVE_SESSION,
    Acknowledgement,
    Addendum,
    AuditEvent,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Patient,
    Rating,
    Reading,
    RecoveryAssessment,
    Signature,
    User,
)
from monitor.domain.audit_chain import Link


@dataclass(frozen=True)
class PatientRow:
    id: int
    mrn: str
    name: str
    birth_date: date
    weight_kg: float


@dataclass(frozen=True)
class SessionHeader:
    id: int
    patient_id: int
    mrn: str
    patient_name: str
    patient_initials: str
    birth_date: date
    chair: str
    protocol_id: str
    protocol_name: str
    state: str
    opened_at: datetime
    infusion_started_at: datetime | None
    infusion_stopped_at: datetime | None
    ended_at: datetime | None
    weight_kg: float
    dose_mg_per_kg: float
    dose_mg: float
    concentration_mg_per_ml: float
    rate_ml_per_h: float
    infusion_minutes: float
    # issue 9 (dose): what the pump gave, stored at its stop (None while it runs, or for a
    # session stopped before this was recorded); how and why a session ended without
    # discharge (exit_kind: None, "transfer" or "against_medical_advice").
    delivered_ml: float | None = None
    delivered_mg: float | None = None
    exit_kind: str | None = None
    end_reason: str | None = None

    @property
    def planned_ml(self) -> float:
        """The volume that carries the planned dose (dose_mg at the concentration)."""
        return self.dose_mg / self.concentration_mg_per_ml


@dataclass(frozen=True)
class ReadingRow:
    id: int
    phase: str
    taken_at: datetime
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    resp_rate: int
    temperature: float | None
    moaas: int | None
    entered_by: str


@dataclass(frozen=True)
class RatingRow:
    id: int
    version: str
    total: int
    timepoint_minutes: float | None
    taken_at: datetime


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: str
    occurred_at: datetime
    rate_ml_per_h: float | None
    reason: str | None


@dataclass(frozen=True)
class ExcursionRow:
    id: int
    reading_id: int
    rule_code: str
    label: str
    priority: str
    message: str
    detected_at: datetime
    # issue 9 (alarms): the measure shown (its banner group) and the acknowledgement, if any.
    measure: str = ""
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    ack_action: str | None = None
    ack_note: str | None = None


@dataclass(frozen=True)
class SessionSnapshot:
    header: SessionHeader
    readings: tuple[ReadingRow, ...]
    ratings: tuple[RatingRow, ...]
    events: tuple[EventRow, ...]
    excursions: tuple[ExcursionRow, ...]


def awaiting_cosignature(db: Session) -> set[int]:
    """Live sessions whose latest recovery assessment the nurse has signed as performed: the
    physician's approval (which discharges the session) is what they wait for."""
    latest = (
        select(func.max(RecoveryAssessment.id))
        .where(RecoveryAssessment.session_id.in_(select(InfusionSession.id).where(ACTIVE_SESSION)))
        .group_by(RecoveryAssessment.session_id)
    )
    return set(
        db.scalars(
            select(Signature.session_id).where(
                Signature.meaning == "performed", Signature.assessment_id.in_(latest)
            )
        )
    )


def patients_without_active_session(db: Session) -> list[PatientRow]:
    """Patients who can be put in a chair now."""
    busy = select(InfusionSession.patient_id).where(ACTIVE_SESSION)
    rows = db.scalars(
        select(Patient)
        .where(Patient.id.not_in(busy))
        .order_by(Patient.family_name, Patient.given_name)
    )
    return [PatientRow(p.id, p.mrn, p.display_name, p.birth_date, p.weight_kg) for p in rows]


def session_snapshot(db: Session, session_id: int) -> SessionSnapshot | None:
    """Everything the bedside page shows about one session."""
    row = db.get(InfusionSession, session_id)
    if row is None:
        return None
    p = row.patient
    header = SessionHeader(
        id=row.id,
        patient_id=p.id,
        mrn=p.mrn,
        patient_name=p.display_name,
        patient_initials=p.initials,
        birth_date=p.birth_date,
        chair=row.chair,
        protocol_id=row.protocol_id,
        protocol_name=row.protocol_name,
        state=row.state,
        opened_at=row.opened_at,
        infusion_started_at=row.infusion_started_at,
        infusion_stopped_at=row.infusion_stopped_at,
        ended_at=row.ended_at,
        weight_kg=row.weight_kg,
        dose_mg_per_kg=row.dose_mg_per_kg,
        dose_mg=row.dose_mg,
        concentration_mg_per_ml=row.concentration_mg_per_ml,
        rate_ml_per_h=row.rate_ml_per_h,
        infusion_minutes=row.infusion_minutes,
        delivered_ml=row.delivered_ml,
        delivered_mg=row.delivered_mg,
        exit_kind=row.exit_kind,
        end_reason=row.end_reason,
    )
    readings = tuple(
        ReadingRow(
            r.id,
            r.phase,
            r.taken_at,
            r.systolic,
            r.diastolic,
            r.heart_rate,
            r.spo2,
            r.resp_rate,
            r.temperature,
            r.moaas,
            name,
        )
        for r, name in db.execute(
            select(Reading, User.full_name)
            .join(User, User.id == Reading.entered_by)
            .where(Reading.session_id == session_id)
            .order_by(Reading.taken_at, Reading.id)
        ).all()
    )
    ratings = tuple(
        RatingRow(r.id, r.version, r.total, r.timepoint_minutes, r.taken_at)
        for r in db.scalars(
            select(Rating)
            .where(Rating.session_id == session_id)
            .order_by(Rating.taken_at, Rating.id)
        )
    )
    events = tuple(
        EventRow(e.id, e.kind, e.occurred_at, e.rate_ml_per_h, e.reason)
        for e in db.scalars(
            select(InfusionEvent)
            .where(InfusionEvent.session_id == session_id)
            .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
        )
    )
    excursions = tuple(
        ExcursionRow(
            x.id,
            x.reading_id,
            x.rule_code,
            x.label,
            x.priority,
            x.message,
            x.detected_at,
            x.measure,
            a.acknowledged_at if a else None,
            by,
            a.action if a else None,
            a.note if a else None,
        )
        for x, a, by in db.execute(
            select(Excursion, Acknowledgement, User.full_name)
            .outerjoin(Acknowledgement, Acknowledgement.excursion_id == Excursion.id)
            .outerjoin(User, User.id == Acknowledgement.acknowledged_by)
            .where(Excursion.session_id == session_id)
            .order_by(Excursion.id)
        ).all()
    )
    return SessionSnapshot(header, readings, ratings, events, excursions)


# ---- the live board: active sessions only, never the history ----------------------------


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
class BoardData:
    sessions: list[BoardSession]
    readings: list[BoardReading]
    unacknowledged: list[BoardExcursion]
    ratings: list[BoardRating]
    pause_events: list[BoardEvent]


def _nurse_signed(db: Session, active: Any) -> dict[int, datetime]:
    """When the nurse signed each active session's latest assessment (if they have)."""
    latest = (
        select(func.max(RecoveryAssessment.id).label("id"))
        .where(RecoveryAssessment.session_id.in_(active))
        .group_by(RecoveryAssessment.session_id)
    )
    return {
        sid: at
        for sid, at in db.execute(
            select(Signature.session_id, Signature.signed_at).where(
                Signature.assessment_id.in_(latest), Signature.meaning == "performed"
            )
        ).all()
    }


def board_data(db: Session) -> BoardData:
    """Everything the board shows, read for the active sessions only (indexed by session)."""
    active = select(InfusionSession.id).where(ACTIVE_SESSION)
    signed = _nurse_signed(db, active)
    sessions = [
        BoardSession(
            s.id,
            s.chair,
            f"{given[:1]}{family[:1]}".upper(),
            mrn,
            s.state,
            s.protocol_id,
            s.opened_at,
            s.infusion_started_at,
            s.infusion_stopped_at,
            s.infusion_minutes,
            signed.get(s.id),
        )
        for s, given, family, mrn in db.execute(
            select(InfusionSession, Patient.given_name, Patient.family_name, Patient.mrn)
            .join(Patient, Patient.id == InfusionSession.patient_id)
            .options(lazyload(InfusionSession.patient))
            .where(ACTIVE_SESSION)
        ).all()
    ]
    readings = [
        BoardReading(*row)
        for row in db.execute(
            select(
                Reading.session_id,
                Reading.phase,
                Reading.taken_at,
                Reading.systolic,
                Reading.diastolic,
                Reading.heart_rate,
                Reading.spo2,
                Reading.resp_rate,
                Reading.moaas,
            )
            .where(Reading.session_id.in_(active))
            .order_by(Reading.session_id, Reading.taken_at, Reading.id)
        ).all()
    ]
    acknowledged = select(Acknowledgement.excursion_id).where(
        Acknowledgement.session_id.in_(active)
    )
    unacknowledged = [
        BoardExcursion(*row)
        for row in db.execute(
            select(
                Excursion.id,
                Excursion.session_id,
                Excursion.priority,
                Excursion.label,
                Excursion.message,
                Excursion.detected_at,
            )
            .where(Excursion.session_id.in_(active), Excursion.id.not_in(acknowledged))
            .order_by(Excursion.id)
        ).all()
    ]
    ratings = [
        BoardRating(*row)
        for row in db.execute(
            select(Rating.session_id, Rating.version, Rating.total, Rating.taken_at)
            .where(Rating.session_id.in_(active))
            .order_by(Rating.taken_at, Rating.id)
        ).all()
    ]
    pause_events = [
        BoardEvent(*row)
        for row in db.execute(
            select(InfusionEvent.session_id, InfusionEvent.kind, InfusionEvent.occurred_at)
            .where(
                InfusionEvent.session_id.in_(active), InfusionEvent.kind.in_(("pause", "resume"))
            )
            .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
        ).all()
    ]
    return BoardData(sessions, readings, unacknowledged, ratings, pause_events)


# ---- one session in full: acknowledgements and its audit trail ---------------------------


@dataclass(frozen=True)
class AcknowledgementRow:
    excursion_id: int
    action: str
    note: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    by: str
    action: str
    entity: str
    entity_id: int | None
    old: dict[str, object] | None
    new: dict[str, object] | None
    reason: str | None


def acknowledgements_of(db: Session, session_id: int) -> list[AcknowledgementRow]:
    return [
        AcknowledgementRow(a.excursion_id, a.action, a.note, name, a.acknowledged_at)
        for a, name in db.execute(
            select(Acknowledgement, User.full_name)
            .join(User, User.id == Acknowledgement.acknowledged_by)
            .where(Acknowledgement.session_id == session_id)
            .order_by(Acknowledgement.acknowledged_at, Acknowledgement.id)
        ).all()
    ]


def audit_trail(db: Session, session_id: int) -> list[AuditRow]:
    """The session's audit events, oldest first, with the actor's printed name."""
    return [
        AuditRow(
            e.id,
            e.occurred_at,
            name or "system",
            e.action,
            e.entity_type,
            e.entity_id,
            e.old_values,
            e.new_values,
            e.reason,
        )
        for e, name in db.execute(
            select(AuditEvent, User.full_name)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.session_id == session_id)
            .order_by(AuditEvent.id)
        ).all()
    ]


# ---- the signed record: signatures, addenda, and the whole record together -------------


@dataclass(frozen=True)
class SignatureRow:
    id: int
    printed_name: str
    role: str
    meaning: str
    signed_at: datetime
    criteria: list[dict[str, Any]]
    all_criteria_met: bool
    override_reason: str | None


@dataclass(frozen=True)
class AddendumRow:
    id: int
    target_type: str
    target_id: int | None
    field: str | None
    original_value: str | None
    corrected_value: str
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class FullRecord:
    """One session as the record shows it: what was measured, done, signed and corrected."""

    snapshot: SessionSnapshot
    acknowledgements: dict[int, AcknowledgementRow]
    audit: tuple[AuditRow, ...]
    signatures: tuple[SignatureRow, ...]
    addenda: tuple[AddendumRow, ...]

    def addenda_for(self, reading_id: int) -> list[AddendumRow]:
        return [a for a in self.addenda if a.target_type == "reading" and a.target_id == reading_id]


def signatures_of(db: Session, session_id: int) -> list[SignatureRow]:
    return [
        SignatureRow(
            s.id,
            s.printed_name,
            s.role,
            s.meaning,
            s.signed_at,
            list(s.criteria),
            s.all_criteria_met,
            s.override_reason,
        )
        for s in db.scalars(
            select(Signature).where(Signature.session_id == session_id).order_by(Signature.id)
        )
    ]


def addenda_of(db: Session, session_id: int) -> list[AddendumRow]:
    return [
        AddendumRow(
            a.id,
            a.target_type,
            a.target_id,
            a.field,
            a.original_value,
            a.corrected_value,
            a.reason,
            name,
            a.created_at,
        )
        for a, name in db.execute(
            select(Addendum, User.full_name)
            .join(User, User.id == Addendum.author_id)
            .where(Addendum.session_id == session_id)
            .order_by(Addendum.id)
        ).all()
    ]


def full_record(db: Session, session_id: int) -> FullRecord | None:
    snapshot = session_snapshot(db, session_id)
    if snapshot is None:
        return None
    return FullRecord(
        snapshot=snapshot,
        acknowledgements={a.excursion_id: a for a in acknowledgements_of(db, session_id)},
        audit=tuple(audit_trail(db, session_id)),
        signatures=tuple(signatures_of(db, session_id)),
        addenda=tuple(addenda_of(db, session_id)),
    )


def audit_links(db: Session, batch: int = 5000) -> Iterator[Link]:
    """Every audit event in chain order, streamed in batches (bounded memory)."""
    for event in db.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    ):
        yield Link(event.id, event.prev_hash, event.hash, event.chained_fields())
