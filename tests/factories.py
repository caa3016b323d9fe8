"""Helpers that build users, patients, sessions and readings through the real services."""

from __future__ import annotations

import itertools
import uuid
import weakref
from datetime import UTC, date, datetime, timedelta
from typing import Any

from monitor.config import REPO_ROOT, Config, load_config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Role
from monitor.domain.questionnaire_items import FORMS
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Indication, Respondent, ScreeningAnswer
from monitor.services.actors import Actor
from monitor.services.consent import record_consent
from monitor.services.courses import start_course
from monitor.services.people import create_patient, create_user
from monitor.services.pre_dose import pre_dose_status
from monitor.services.pump import record_infusion_event
from monitor.services.questionnaires import record_questionnaire
from monitor.services.readings import ReadingSaved, record_reading
from monitor.services.screening import record_screening
from monitor.services.session_lifecycle import open_session

PASSWORD = "correct-horse-battery"
CONFIG = load_config(REPO_ROOT / "config.yaml", environ={})
_counter = itertools.count(1)
T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def key() -> str:
    return uuid.uuid4().hex


def user(database: Database, role: Role | str = Role.NURSE, username: str | None = None) -> Actor:
    name = username or f"{Role(role).value}{next(_counter)}"
    return create_user(
        database=database,
        username=name,
        full_name=f"Test {name.title()}",
        role=role,
        password=PASSWORD,
    )


def patient(
    database: Database,
    config: Config,
    weight: float = 80.0,
    *,
    ready: bool = True,
    now: datetime | None = None,
) -> int:
    """A registered patient; `ready` (the default) also starts a course, records an
    all-"no" screening and the consent through the real services, so a session opens."""
    n = next(_counter)
    pid = create_patient(
        database=database,
        config=config,
        mrn=f"T-{n:05d}",
        family_name=f"Family{n}",
        given_name=f"Given{n}",
        birth_date=date(1980, 1, 1),
        weight_kg=weight,
    )
    if ready:
        ready_course(database, config, pid, now=now)
    return pid


# The nurse and physician who ready each test database's courses, made once per database.
_COURSE_STAFF: weakref.WeakKeyDictionary[Database, tuple[Actor, Actor]] = (
    weakref.WeakKeyDictionary()
)


def course_staff(database: Database) -> tuple[Actor, Actor]:
    """The (nurse, physician) who start, screen and consent the factories' courses."""
    staff = _COURSE_STAFF.get(database)
    if staff is None:
        staff = (user(database, Role.NURSE), user(database, Role.PHYSICIAN))
        _COURSE_STAFF[database] = staff
    return staff


def all_no(config: Config) -> dict[str, tuple[str, str]]:
    """Every screening item answered "no": cleared without a physician's decision."""
    return {item.code: (ScreeningAnswer.NO.value, "") for item in config.screening.checklist}


def course(
    database: Database,
    config: Config,
    patient_id: int,
    *,
    planned: int | None = None,
    now: datetime | None = None,
) -> int:
    """A course in screening for the patient (no screening, no consent yet)."""
    nurse, physician = course_staff(database)
    at = now or utcnow()
    return start_course(
        database=database,
        config=config,
        actor=nurse,
        patient_id=patient_id,
        protocol_id=config.default_protocol.id,
        indication=Indication.DEPRESSION,
        indication_note=None,
        planned_sessions=planned,
        start_date=clinic_today(at, config.clinic.zone),
        physician_id=physician.id,
        idempotency_key=key(),
        now=at,
    ).course_id


def consent(
    database: Database,
    config: Config,
    course_id: int,
    patient_id: int,
    *,
    now: datetime | None = None,
) -> int:
    """The patient's consent to the course, witnessed by the factories' nurse."""
    nurse, _ = course_staff(database)
    at = now or utcnow()
    return record_consent(
        database=database,
        config=config,
        actor=nurse,
        course_id=course_id,
        consented_on=clinic_today(at, config.clinic.zone),
        patient_typed_name=typed_name(database, patient_id),
        password=PASSWORD,
        idempotency_key=key(),
        now=at,
    )


def ready_course(
    database: Database,
    config: Config,
    patient_id: int,
    *,
    planned: int | None = None,
    now: datetime | None = None,
) -> int:
    """An active course: started, screened all "no", consented (at `now`, else the real
    time: a screening taken after a session's `now` is not expired for it)."""
    nurse, _ = course_staff(database)
    at = now or utcnow()
    course_id = course(database, config, patient_id, planned=planned, now=at)
    record_screening(
        database=database,
        config=config,
        actor=nurse,
        course_id=course_id,
        answers=all_no(config),
        idempotency_key=key(),
        now=at,
    )
    consent(database, config, course_id, patient_id, now=at)
    return course_id


def typed_name(database: Database, patient_id: int) -> str:
    """The patient's name as they type it on the consent form."""
    with database.session_scope() as db:
        row = repo.patient(db, patient_id)
        assert row is not None
        return f"{row.given_name} {row.family_name}"


def vitals(
    systolic: int = 120,
    diastolic: int = 80,
    heart_rate: int = 72,
    spo2: int = 98,
    resp_rate: int = 14,
    moaas: int | None = 5,
) -> VitalSigns:
    return VitalSigns(
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        resp_rate=resp_rate,
        moaas=moaas,
    )


def session(
    database: Database,
    config: Config,
    nurse: Actor,
    *,
    chair: str | None = None,
    weight: float = 80.0,
    now: datetime = T0,
) -> int:
    """A planned session in a free chair."""
    pid = patient(database, config, weight)
    return open_session(
        database=database,
        config=config,
        actor=nurse,
        patient_id=pid,
        chair=chair or config.clinic.chairs[0],
        protocol_id=config.default_protocol.id,
        weight_kg=weight,
        idempotency_key=key(),
        now=now,
    ).session_id


def reading(
    database: Database, config: Config, nurse: Actor, session_id: int, at: datetime, **values: int
) -> ReadingSaved:
    return record_reading(
        database=database,
        config=config,
        actor=nurse,
        session_id=session_id,
        vitals=vitals(**values),
        idempotency_key=key(),
        taken_at=at,
        now=at,
    )


def infusing(
    database: Database,
    config: Config,
    nurse: Actor,
    *,
    now: datetime = T0,
    baseline: dict[str, int] | None = None,
    chair: str | None = None,
) -> int:
    """A session with a baseline reading and the infusion started at `now`."""
    sid = session(database, config, nurse, chair=chair, now=now - timedelta(minutes=15))
    reading(database, config, nurse, sid, now - timedelta(minutes=5), **(baseline or {}))
    event(database, nurse, sid, SessionEvent.START_INFUSION, now)
    return sid


def event(
    database: Database,
    actor: Actor,
    session_id: int,
    kind: SessionEvent,
    at: datetime,
    config: Config | None = None,
    **extra: Any,
) -> None:
    if kind == SessionEvent.START_INFUSION:
        questionnaires_before_dosing(database, config or CONFIG, actor, session_id, at)
    record_infusion_event(
        database=database,
        config=config or CONFIG,
        actor=actor,
        session_id=session_id,
        event=kind,
        idempotency_key=key(),
        now=at,
        **extra,
    )


def questionnaires_before_dosing(
    database: Database, config: Config, actor: Actor, session_id: int, at: datetime
) -> None:
    """The questionnaires the clinic takes before every dose (config.measurement), answered
    0 to every item, unless this session has them already: what a nurse does before START."""
    status = pre_dose_status(database=database, config=config, session_id=session_id)
    for questionnaire in config.measurement.required_before_dosing:
        if questionnaire in status.questionnaires_to_take:
            record_questionnaire(
                database=database,
                config=config,
                actor=actor,
                session_id=session_id,
                questionnaire=questionnaire,
                items=dict.fromkeys(FORMS[questionnaire].numbers, 0),
                respondent=Respondent.NURSE,
                idempotency_key=key(),
                taken_at=at - timedelta(minutes=1),
                now=at - timedelta(minutes=1),
            )
