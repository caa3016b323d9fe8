"""Helpers that build users, patients, sessions and readings through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from monitor.config import REPO_ROOT, Config, load_config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.services.actors import Actor
from monitor.services.people import create_patient, create_user
from monitor.services.pump import record_infusion_event
from monitor.services.readings import ReadingSaved, record_reading
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


def patient(database: Database, config: Config, weight: float = 80.0) -> int:
    n = next(_counter)
    return create_patient(
        database=database,
        config=config,
        mrn=f"T-{n:05d}",
        family_name=f"Family{n}",
        given_name=f"Given{n}",
        birth_date=date(1980, 1, 1),
        weight_kg=weight,
    )


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
