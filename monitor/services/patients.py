"""The front desk's use cases: register a patient, find one, open their demographics (logged)
and correct them with a reason (audited, old and new values). A patient is never deleted.

Registration and edits are keyed like every write. The patients table has no key column,
so the key is kept in the write's own audit entry (`submission_key`) and a retry is found
there: same key and values → the first result (`duplicate`), other values → Conflict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Patient
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.demographics import (
    FIELDS,
    changed_fields,
    check_demographics,
    check_fields,
    search_kind,
    stored_value,
)
from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Action
from monitor.domain.record_access import PATIENT_SEARCHED, PATIENT_VIEWED
from monitor.domain.vocabulary import Sex
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit, add_recorded
from monitor.services.errors import NotFound
from monitor.services.idempotency import check_key, same_person, same_request
from monitor.services.patient_records import (
    EDITED,
    KEY,
    PatientChange,
    PatientDetail,
    PatientRow,
    current_values,
    detail_of,
)

__all__ = [
    "PatientChange",
    "PatientDetail",
    "PatientRegistered",
    "PatientRow",
    "edit_patient",
    "register_patient",
    "search_patients",
    "view_patient",
]

REGISTERED = "patient.registered"
VIEWED = PATIENT_VIEWED
SEARCHED = PATIENT_SEARCHED


@dataclass(frozen=True)
class PatientRegistered:
    patient_id: int
    duplicate: bool


def _keyed(db: Session, action: str, key: str) -> AuditEvent | None:
    return db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == action,
            AuditEvent.entity_type == "patient",
            AuditEvent.new_values[KEY].as_string() == key,
        )
    ).first()


def _mrn_taken(db: Session, mrn: str, other_than: int | None = None) -> None:
    query = select(Patient.id).where(Patient.mrn == mrn)
    if other_than is not None:
        query = query.where(Patient.id != other_than)
    if db.scalars(query).first() is not None:
        raise refuse("mrn", f"MRN {mrn} is already registered: search for it instead")


def register_patient(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    mrn: str,
    family_name: str,
    given_name: str,
    birth_date: date | str,
    sex: str,
    weight_kg: float | str,
    allergies: str | None,
    escort_name: str | None,
    escort_phone: str | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> PatientRegistered:
    """Register a patient once per key; every problem at its field, nothing stored."""
    ensure_allowed(actor, Action.MANAGE_PATIENTS)
    check_key(idempotency_key)
    at = now or utcnow()
    entered = {
        "mrn": mrn,
        "family_name": family_name,
        "given_name": given_name,
        "birth_date": birth_date,
        "sex": sex,
        "weight": weight_kg,
        "allergies": allergies,
        "escort_name": escort_name,
        "escort_phone": escort_phone,
    }
    checked = check_demographics(
        entered, today=clinic_today(at, config.clinic.zone), limits=config.plausibility
    )
    values = checked.as_values()

    def attempt() -> PatientRegistered:
        with database.session_scope() as db:
            prior = _keyed(db, REGISTERED, idempotency_key)
            if prior is not None:
                same_person(prior.actor_id or 0, actor.id)
                stored = {k: v for k, v in (prior.new_values or {}).items() if k != KEY}
                same_request(stored == values)
                return PatientRegistered(int(prior.entity_id or 0), duplicate=True)
            _mrn_taken(db, checked.mrn)
            patient = Patient(
                mrn=checked.mrn,
                family_name=checked.family_name,
                given_name=checked.given_name,
                birth_date=checked.birth_date,
                sex=checked.sex.value,
                weight_kg=checked.weight_kg,
                allergies=checked.allergies,
                escort_name=checked.escort_name,
                escort_phone=checked.escort_phone,
                created_at=at,
            )
            add_recorded(
                db,
                patient,
                actor=actor,
                action=REGISTERED,
                entity_type="patient",
                at=at,
                new={**values, KEY: idempotency_key},
            )
            return PatientRegistered(patient.id, duplicate=False)

    try:
        return attempt()
    except IntegrityError:
        # A concurrent registration took the MRN first: a retry of this one replays it,
        # another one is refused at the MRN.
        return attempt()


def search_patients(
    *, database: Database, actor: Actor, text: str, limit: int = 50
) -> list[PatientRow]:
    """Patients by name (every word in the family or given name), MRN (exact, any case) or
    birth date (YYYY-MM-DD). The search is logged by its kind and the number found; its
    text is not kept (it may be a name), each patient opened is logged on its own."""
    ensure_allowed(actor, Action.VIEW_PATIENT)
    typed = " ".join(str(text or "").split())[:200]
    if not typed:
        raise refuse("text", "Type a name, an MRN or a date of birth (YYYY-MM-DD)")
    kind = search_kind(typed)
    query = select(Patient)
    if kind == "birth_date":
        try:
            day = date.fromisoformat(typed)
        except ValueError:
            raise refuse("text", f"{typed} is not a calendar day (YYYY-MM-DD)") from None
        query = query.where(Patient.birth_date == day)
    elif kind == "mrn":
        query = query.where(Patient.mrn.ilike(typed.replace("\\", ""), escape="\\"))
    else:
        for word in typed.replace(",", " ").split():
            query = query.where(
                or_(
                    Patient.family_name.icontains(word, autoescape=True),
                    Patient.given_name.icontains(word, autoescape=True),
                )
            )
    query = query.order_by(Patient.family_name, Patient.given_name, Patient.id)
    with database.session_scope() as db:
        rows = [
            PatientRow(p.id, p.mrn, p.family_name, p.given_name, p.birth_date, p.sex)
            for p in db.scalars(query.limit(max(1, min(limit, 200))))
        ]
        add_audit(
            db,
            actor=actor,
            action=SEARCHED,
            entity_type="patient",
            entity_id=None,
            at=utcnow(),
            new={"kind": kind, "found": len(rows), "by_role": actor.role.value},
        )
    return rows


def view_patient(
    *, database: Database, actor: Actor, patient_id: int, now: datetime | None = None
) -> PatientDetail:
    """A patient's demographics and their audited changes; the opening is logged."""
    ensure_allowed(actor, Action.VIEW_PATIENT)
    with database.session_scope() as db:
        patient = db.get(Patient, patient_id)
        if patient is None:
            raise NotFound(f"No patient {patient_id}")
        add_audit(
            db,
            actor=actor,
            action=VIEWED,
            entity_type="patient",
            entity_id=patient.id,
            at=now or utcnow(),
            new={"by_role": actor.role.value, "what": "demographics"},
        )
        return detail_of(db, patient)


def _reason(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise refuse("reason", "Say why the demographics are changed")
    if len(text) > MAX_FREE_TEXT:
        raise refuse("reason", f"Keep the reason to {MAX_FREE_TEXT} characters")
    return text


def _lock_patient(db: Session, patient_id: int) -> Patient:
    """The patient's row, locked until the transaction ends, so two edits (or one edit's
    retry) run one after the other and the second sees the first."""
    db.execute(update(Patient).where(Patient.id == patient_id).values(mrn=Patient.mrn))
    patient = db.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"No patient {patient_id}")
    return patient


def edit_patient(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    patient_id: int,
    changes: Mapping[str, object],
    reason: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> PatientDetail:
    """Correct demographics: the fields whose value differs are stored, and one audit entry
    keeps each one's old and new value with the reason. Nothing different → refused."""
    ensure_allowed(actor, Action.MANAGE_PATIENTS)
    check_key(idempotency_key)
    at = now or utcnow()
    unknown = [f for f in changes if f not in FIELDS]
    if unknown:
        raise refuse("changes", f"Not a demographic field: {', '.join(map(str, unknown))}")
    checked = check_fields(
        changes, today=clinic_today(at, config.clinic.zone), limits=config.plausibility
    )
    why = _reason(reason)
    with database.session_scope() as db:
        patient = _lock_patient(db, patient_id)
        prior = _keyed(db, EDITED, idempotency_key)
        if prior is not None:
            same_person(prior.actor_id or 0, actor.id)
            # The first request changed `stored`; what else it sent was as stored then.
            sent = {f: stored_value(v) for f, v in checked.items()}
            stored = {f: v for f, v in (prior.new_values or {}).items() if f != KEY}
            current = current_values(patient)
            same_request(
                prior.entity_id == patient_id
                and prior.reason == why
                and all(sent.get(f) == v for f, v in stored.items())
                and all(v == current[f] for f, v in sent.items() if f not in stored)
            )
            return detail_of(db, patient, duplicate=True)
        differs = changed_fields(current_values(patient), checked)
        if not differs:
            raise refuse("changes", "Nothing was changed: edit a value, then save")
        if "mrn" in differs:
            _mrn_taken(db, str(differs["mrn"][1]), other_than=patient.id)
        for field, (_, new) in differs.items():
            _apply(patient, field, new)
        db.flush()
        add_audit(
            db,
            actor=actor,
            action=EDITED,
            entity_type="patient",
            entity_id=patient.id,
            at=at,
            old={f: old for f, (old, _) in differs.items()},
            new={**{f: new for f, (_, new) in differs.items()}, KEY: idempotency_key},
            reason=why,
        )
        return detail_of(db, patient)


def _apply(patient: Patient, field: str, value: Any) -> None:
    if field == "birth_date":
        patient.birth_date = date.fromisoformat(str(value))
    elif field == "weight":
        patient.weight_kg = float(value)
    elif field == "sex":
        patient.sex = Sex(value).value
    else:
        setattr(patient, field, value)
