"""The bedside read model: one session as the nurse's page shows it, the patients who can
be put in a chair, and the live sessions waiting for a physician's co-signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    User,
)
from monitor.db.queries.rows import build_all, columns, with_initials


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


def _patient_name() -> Any:
    """The patient's name as the record prints it: "Family, Given"."""
    return Patient.family_name + ", " + Patient.given_name


def patients_without_active_session(db: Session) -> list[PatientRow]:
    """Patients who can be put in a chair now."""
    busy = select(InfusionSession.patient_id).where(ACTIVE_SESSION)
    return build_all(
        PatientRow,
        db.execute(
            select(*columns(PatientRow, Patient, name=_patient_name()))
            .where(Patient.id.not_in(busy))
            .order_by(Patient.family_name, Patient.given_name)
        ),
    )


def _header(db: Session, session_id: int) -> SessionHeader | None:
    row = db.execute(
        select(
            *columns(
                SessionHeader,
                InfusionSession,
                mrn=Patient.mrn,
                patient_name=_patient_name(),
                birth_date=Patient.birth_date,
            ),
            Patient.given_name,
            Patient.family_name,
        )
        .join(Patient, Patient.id == InfusionSession.patient_id)
        .where(InfusionSession.id == session_id)
    ).first()
    if row is None:
        return None
    return SessionHeader(**with_initials(row))


def session_snapshot(db: Session, session_id: int) -> SessionSnapshot | None:
    """Everything the bedside page shows about one session."""
    header = _header(db, session_id)
    if header is None:
        return None
    readings = build_all(
        ReadingRow,
        db.execute(
            select(*columns(ReadingRow, Reading, entered_by=User.full_name))
            .join(User, User.id == Reading.entered_by)
            .where(Reading.session_id == session_id)
            .order_by(Reading.taken_at, Reading.id)
        ),
    )
    ratings = build_all(
        RatingRow,
        db.execute(
            select(*columns(RatingRow, Rating))
            .where(Rating.session_id == session_id)
            .order_by(Rating.taken_at, Rating.id)
        ),
    )
    events = build_all(
        EventRow,
        db.execute(
            select(*columns(EventRow, InfusionEvent))
            .where(InfusionEvent.session_id == session_id)
            .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
        ),
    )
    acknowledgement = columns(
        ExcursionRow,
        Excursion,
        acknowledged_at=Acknowledgement.acknowledged_at,
        acknowledged_by=User.full_name,
        ack_action=Acknowledgement.action,
        ack_note=Acknowledgement.note,
    )
    excursions = build_all(
        ExcursionRow,
        db.execute(
            select(*acknowledgement)
            .outerjoin(Acknowledgement, Acknowledgement.excursion_id == Excursion.id)
            .outerjoin(User, User.id == Acknowledgement.acknowledged_by)
            .where(Excursion.session_id == session_id)
            .order_by(Excursion.id)
        ),
    )
    return SessionSnapshot(
        header=header,
        readings=tuple(readings),
        ratings=tuple(ratings),
        events=tuple(events),
        excursions=tuple(excursions),
    )
