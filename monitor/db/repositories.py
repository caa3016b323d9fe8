"""Small lookups the services use inside their transaction; the session is always passed in."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload

from monitor.db.course_models import (
    Consent,
    ConsentWithdrawal,
    Course,
    PreDoseClearance,
    QuestionnaireResponse,
    Screening,
    ScreeningDecisionRecord,
)
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventOutcomeEntry,
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    MedicationAdministration,
    MedicationOrder,
)
from monitor.db.models import (
    ACTIVE_SESSION,
    ACTIVE_SESSION_STATES,
    Addendum,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Patient,
    Rating,
    Reading,
    RecoveryAssessment,
    User,
)
from monitor.domain.delivered_dose import PumpEvent
from monitor.domain.infusion_times import build_infusion_times
from monitor.domain.schedule import InfusionTimes
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Measure, Phase

# The columns of a reading that hold a measure, in the form's order: every Measure.
READING_MEASURES: tuple[str, ...] = tuple(m.value for m in Measure)

ACTIVE_STATES = ACTIVE_SESSION_STATES

Keyed = TypeVar(
    "Keyed",
    InfusionSession,
    Reading,
    Rating,
    InfusionEvent,
    RecoveryAssessment,
    Addendum,
    Course,
    Screening,
    ScreeningDecisionRecord,
    Consent,
    ConsentWithdrawal,
    QuestionnaireResponse,
    PreDoseClearance,
    AdverseEvent,
    AdverseEventOutcomeEntry,
    MedicationOrder,
    MedicationAdministration,
    KetamineDraw,
    KetamineWaste,
    KetamineDiscrepancyResolution,
)


def by_idempotency_key(db: Session, model: type[Keyed], key: str) -> Keyed | None:
    """The row an earlier submission with this key stored, if any."""
    return db.scalars(select(model).where(model.idempotency_key == key)).one_or_none()


def lock_session(db: Session, session_id: int) -> InfusionSession | None:
    """Load a session for a change, holding its row lock until the transaction ends.

    The no-op UPDATE takes the lock on both databases: a row lock on PostgreSQL, and on
    SQLite the database write lock (SQLite ignores FOR UPDATE). Concurrent changes to one
    session therefore run one after the other, each seeing the other's result.
    """
    db.execute(
        update(InfusionSession)
        .where(InfusionSession.id == session_id)
        .values(state=InfusionSession.state)
        .execution_options(synchronize_session=False)
    )
    return db.scalars(
        select(InfusionSession)
        .options(lazyload(InfusionSession.patient))
        .where(InfusionSession.id == session_id)
        .with_for_update()
    ).one_or_none()


def active_session_in_chair(db: Session, chair: str) -> InfusionSession | None:
    return db.scalars(
        select(InfusionSession).where(InfusionSession.chair == chair, ACTIVE_SESSION)
    ).first()


def active_session_of_patient(db: Session, patient_id: int) -> InfusionSession | None:
    return db.scalars(
        select(InfusionSession).where(InfusionSession.patient_id == patient_id, ACTIVE_SESSION)
    ).first()


def latest_baseline(db: Session, session_id: int) -> Reading | None:
    """The most recent baseline reading: the reference for baseline-relative rules."""
    return db.scalars(
        select(Reading)
        .where(Reading.session_id == session_id, Reading.phase == Phase.BASELINE.value)
        .order_by(Reading.taken_at.desc(), Reading.id.desc())
        .limit(1)
    ).first()


def vitals_of(row: Reading) -> VitalSigns:
    """A stored reading's vital signs, as the domain rules take them."""
    return VitalSigns(
        systolic=row.systolic,
        diastolic=row.diastolic,
        heart_rate=row.heart_rate,
        spo2=row.spo2,
        resp_rate=row.resp_rate,
        temperature=row.temperature,
        moaas=row.moaas,
    )


def excursions_of_reading(db: Session, reading_id: int) -> list[Excursion]:
    return list(
        db.scalars(
            select(Excursion).where(Excursion.reading_id == reading_id).order_by(Excursion.id)
        )
    )


def patient(db: Session, patient_id: int) -> Patient | None:
    return db.get(Patient, patient_id)


def user_by_username(db: Session, username: str) -> User | None:
    return db.scalars(select(User).where(User.username == username)).one_or_none()


def infusion_times(db: Session, row: InfusionSession) -> InfusionTimes:
    """Start, stop and pauses of a session's infusion, for the schedule rules."""
    kinds = db.execute(
        select(InfusionEvent.kind, InfusionEvent.occurred_at)
        .where(InfusionEvent.session_id == row.id, InfusionEvent.kind.in_(("pause", "resume")))
        .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
    ).all()
    return build_infusion_times(row.infusion_started_at, row.infusion_stopped_at, kinds)


def pump_events(db: Session, session_id: int) -> list[PumpEvent]:
    """Every infusion event of a session, in time order, for the delivered-dose rule."""
    return [
        PumpEvent(kind, at, rate)
        for kind, at, rate in db.execute(
            select(InfusionEvent.kind, InfusionEvent.occurred_at, InfusionEvent.rate_ml_per_h)
            .where(InfusionEvent.session_id == session_id)
            .order_by(InfusionEvent.occurred_at, InfusionEvent.id)
        ).all()
    ]
