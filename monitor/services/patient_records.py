"""A patient's record as the screens read it: the demographics, their audited changes
(old and new values, who, why) and a search's rows. Read-only: services/patients.py writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.models import AuditEvent, Patient, User

EDITED = "patient.edited"
KEY = "submission_key"  # the audit entry's value naming the submission


@dataclass(frozen=True)
class PatientRow:
    """One patient found by a search."""

    patient_id: int
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str


@dataclass(frozen=True)
class PatientChange:
    """One audited edit: when, by whom, why, and each field's old and new value."""

    at: datetime
    by: str
    reason: str
    fields: tuple[tuple[str, object, object], ...]


@dataclass(frozen=True)
class PatientDetail:
    patient_id: int
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    weight_kg: float
    allergies: str | None
    escort_name: str | None
    escort_phone: str | None
    registered_at: datetime
    changes: tuple[PatientChange, ...] = ()
    duplicate: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


def current_values(patient: Patient) -> dict[str, object]:
    """The stored demographics as the form and the audit trail name them."""
    return {
        "mrn": patient.mrn,
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "weight": patient.weight_kg,
        "allergies": patient.allergies,
        "escort_name": patient.escort_name,
        "escort_phone": patient.escort_phone,
    }


def changes_of(db: Session, patient_id: int) -> tuple[PatientChange, ...]:
    rows = db.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action == EDITED,
            AuditEvent.entity_type == "patient",
            AuditEvent.entity_id == patient_id,
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    return tuple(
        PatientChange(
            at=event.occurred_at,
            by=name or "—",
            reason=event.reason or "",
            fields=tuple(
                (field, (event.old_values or {}).get(field), new)
                for field, new in (event.new_values or {}).items()
                if field != KEY
            ),
        )
        for event, name in rows
    )


def detail_of(db: Session, patient: Patient, *, duplicate: bool = False) -> PatientDetail:
    return PatientDetail(
        patient_id=patient.id,
        mrn=patient.mrn,
        family_name=patient.family_name,
        given_name=patient.given_name,
        birth_date=patient.birth_date,
        sex=patient.sex,
        weight_kg=patient.weight_kg,
        allergies=patient.allergies,
        escort_name=patient.escort_name,
        escort_phone=patient.escort_phone,
        registered_at=patient.created_at,
        changes=changes_of(db, patient.id),
        duplicate=duplicate,
    )
