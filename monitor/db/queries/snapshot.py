"""The bedside read model: one session as the nurse's page shows it, and the patients who
can be put in a chair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import literal, null, select, union_all
from sqlalchemy.orm import Session

from monitor.db.course_models import Course
from monitor.db.intervention_models import AdverseEvent, MedicationAdministration
from monitor.db.models import (
    ACTIVE_SESSION,
    Acknowledgement,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Patient,
    Rating,
    Reading,
    User,
)
from monitor.db.queries.rows import RowType, build_all, columns, with_initials
from monitor.domain.delivered_dose import describe_given
from monitor.domain.session_of import session_of
from monitor.domain.vocabulary import MedicationRoute, Severity, label_of


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
    # issue 12: the treatment course this session belongs to, and its place in it (k of N);
    # None for a session no course numbered.
    course_id: int | None = None
    course_sequence: int | None = None
    planned_sessions: int | None = None

    @property
    def session_of(self) -> str | None:
        """ "Session k of N" (or None when the session has no place in a course)."""
        return session_of(self.course_sequence, self.planned_sessions)

    @property
    def planned_ml(self) -> float:
        """The volume that carries the planned dose (dose_mg at the concentration)."""
        return self.dose_mg / self.concentration_mg_per_ml

    @property
    def dose_given(self) -> str:
        """The stored dose given in the words every record shows (screen and PDF alike)."""
        return describe_given(
            planned_mg=self.dose_mg,
            delivered_mg=self.delivered_mg,
            delivered_ml=self.delivered_ml,
            started=self.infusion_started_at is not None,
            stopped=self.infusion_stopped_at is not None,
        )


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
class MarkerRow:
    """Issue 13: a moment the timeline marks: an adverse event at its onset, or a rescue
    medication when given. `what` is the event's kind words or the drug's name; `severity`
    and `serious` are the event's, `dose`, `unit` and `route` the medication's."""

    kind: str  # ADVERSE_EVENT or MEDICATION
    id: int
    at: datetime
    what: str
    severity: str | None
    serious: bool | None
    dose: float | None
    unit: str | None
    route: str | None

    @property
    def words(self) -> str:
        """ "Nausea (Grade 1: mild)" or "Ondansetron 4 mg IV" """
        if self.kind == ADVERSE_EVENT:
            serious = ", serious" if self.serious else ""
            return f"{self.what} ({label_of(Severity, self.severity or '')}{serious})"
        return f"{self.what} {self.dose or 0:g} {self.unit or ''} " + label_of(
            MedicationRoute, self.route or ""
        )


ADVERSE_EVENT = "adverse_event"
MEDICATION = "medication"


@dataclass(frozen=True)
class SessionSnapshot:
    header: SessionHeader
    readings: tuple[ReadingRow, ...]
    ratings: tuple[RatingRow, ...]
    events: tuple[EventRow, ...]
    excursions: tuple[ExcursionRow, ...]
    # issue 13: adverse events and medications given, in time order (the timeline's marks)
    markers: tuple[MarkerRow, ...] = ()


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
                planned_sessions=Course.planned_sessions,
            ),
            Patient.given_name,
            Patient.family_name,
        )
        .join(Patient, Patient.id == InfusionSession.patient_id)
        .outerjoin(Course, Course.id == InfusionSession.course_id)
        .where(InfusionSession.id == session_id)
    ).first()
    if row is None:
        return None
    return SessionHeader(**with_initials(row))


def _in_time_order(
    db: Session, row_type: type[RowType], model: Any, session_id: int, at: Any
) -> tuple[RowType, ...]:
    """A session's rows of one table, in the order they happened (ties: as entered)."""
    return tuple(
        build_all(
            row_type,
            db.execute(
                select(*columns(row_type, model))
                .where(model.session_id == session_id)
                .order_by(at, model.id)
            ),
        )
    )


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
    ratings = _in_time_order(db, RatingRow, Rating, session_id, Rating.taken_at)
    events = _in_time_order(db, EventRow, InfusionEvent, session_id, InfusionEvent.occurred_at)
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
        ratings=ratings,
        events=events,
        excursions=tuple(excursions),
        markers=markers_of(db, session_id),
    )


def markers_of(db: Session, session_id: int) -> tuple[MarkerRow, ...]:
    """The timeline's marks in ONE statement (the bedside refresh runs every few
    seconds): adverse events at their onset and medications when given."""
    events = select(
        literal(ADVERSE_EVENT).label("kind"),
        AdverseEvent.id.label("id"),
        AdverseEvent.onset_at.label("at"),
        AdverseEvent.kind_label.label("what"),
        AdverseEvent.severity.label("severity"),
        AdverseEvent.serious.label("serious"),
        null().label("dose"),
        null().label("unit"),
        null().label("route"),
    ).where(AdverseEvent.session_id == session_id)
    given = select(
        literal(MEDICATION).label("kind"),
        MedicationAdministration.id.label("id"),
        MedicationAdministration.given_at.label("at"),
        MedicationAdministration.drug_name.label("what"),
        null().label("severity"),
        null().label("serious"),
        MedicationAdministration.dose.label("dose"),
        MedicationAdministration.unit.label("unit"),
        MedicationAdministration.route.label("route"),
    ).where(MedicationAdministration.session_id == session_id)
    both = union_all(events, given).subquery()
    rows = db.execute(select(both).order_by(both.c.at, both.c.kind, both.c.id))
    return tuple(build_all(MarkerRow, rows))
