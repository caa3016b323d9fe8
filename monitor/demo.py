"""Demo data: staff, patients and a day of sessions, written through the real services.

Blood pressure is simulated as ketamine's: a rise that peaks near 40 minutes and falls
back over recovery; some sessions cross the excursion thresholds. One session is still
infusing and one is in recovery, so every screen has something live to show.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Excursion, User
from monitor.db.types import utcnow
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.people import create_patient, create_user
from monitor.services.ratings import record_rating
from monitor.services.readings import record_reading
from monitor.services.recovery import approve_discharge, record_assessment, sign_performed
from monitor.services.session_lifecycle import open_session, record_infusion_event

DEFAULT_DEMO_PASSWORD = "monitor-demo"
OVERRIDE = "Escort waiting; CADSS slightly above cut-off but patient calm, oriented, steady"
STAFF = (
    ("nurse", "Jordan Avery, RN", "nurse"),
    ("physician", "Dr. Sam Rivera, MD", "physician"),
    ("auditor", "Casey Lee", "auditor"),
    ("admin", "Robin Admin", "admin"),
)
PATIENTS = (
    ("FR-1001", "Morales", "Daniel", date(1981, 3, 14), 88.0),
    ("FR-1002", "Okafor", "Grace", date(1990, 7, 2), 64.5),
    ("FR-1003", "Lindqvist", "Erik", date(1976, 11, 23), 95.2),
    ("FR-1004", "Nguyen", "Thao", date(1988, 1, 9), 58.0),
    ("FR-1005", "Brennan", "Patrick", date(1972, 5, 30), 101.4),
    ("FR-1006", "Haddad", "Layla", date(1993, 9, 17), 70.3),
    ("FR-1007", "Walker", "Marcus", date(1985, 12, 5), 82.7),
    ("FR-1008", "Costa", "Ana", date(1979, 4, 21), 67.9),
)


@dataclass(frozen=True)
class Plan:
    """One demo session: who, where, when it started, and how strongly BP responds."""

    patient: int
    chair: str
    minutes_ago: float
    rise: float  # peak systolic rise over baseline, mmHg
    finish: bool  # discharged, or still running
    override: bool = False  # discharged by a physician's override


def demo_password() -> str:
    return os.environ.get("MONITOR_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def is_empty(database: Database) -> bool:
    with database.session_scope() as db:
        return (db.scalar(select(func.count()).select_from(User)) or 0) == 0


def _vitals(rng: random.Random, base: VitalSigns, minute: float, rise: float) -> VitalSigns:
    """BP rising to a peak near 40 min and easing back over the next hour and a half."""
    if minute <= 40:
        effect = math.sin(math.pi / 2 * max(minute, 0) / 40)
    else:
        effect = math.exp(-(minute - 40) / 35)
    moaas = 5 if effect < 0.45 else (4 if effect < 0.9 or rise < 40 else 3)
    return VitalSigns(
        systolic=round(base.systolic + rise * effect + rng.uniform(-3, 3)),
        diastolic=round(base.diastolic + rise * 0.55 * effect + rng.uniform(-2, 2)),
        heart_rate=round(base.heart_rate + 12 * effect + rng.uniform(-3, 3)),
        spo2=min(100, round(base.spo2 - 1.5 * effect + rng.uniform(-0.5, 0.5))),
        resp_rate=round(base.resp_rate + rng.uniform(-1, 1)),
        moaas=moaas,
    )


def _cadss(
    rng: random.Random, items: tuple[int, ...], minute: float, lingering: bool
) -> dict[int, int]:
    """Dissociation peaks at the end of the infusion and has resolved by 120 minutes,
    unless it lingers."""
    level, spread = (
        (0.0, 0.3)
        if minute == 0
        else (2.2, 0.8)
        if minute <= 45
        else ((1.5, 0.4) if lingering else (0.0, 0.3))
    )
    return {item: max(0, min(4, round(rng.gauss(level, spread)))) for item in items}


def _run(
    database: Database,
    config: Config,
    nurse: Actor,
    physician: Actor,
    patient_id: int,
    plan: Plan,
    now: datetime,
    rng: random.Random,
) -> None:
    protocol = config.default_protocol
    schedule = protocol.schedule
    start = now - timedelta(minutes=plan.minutes_ago)
    opened_at = start - timedelta(minutes=12)
    tag = f"demo{patient_id:04d}"
    weight = 60 + rng.random() * 40
    session = open_session(
        database=database,
        config=config,
        actor=nurse,
        patient_id=patient_id,
        chair=plan.chair,
        protocol_id=protocol.id,
        weight_kg=round(weight, 1),
        idempotency_key=f"{tag}-open",
        now=opened_at,
    ).session_id
    base = VitalSigns(
        systolic=rng.randint(114, 136),
        diastolic=rng.randint(70, 86),
        heart_rate=rng.randint(62, 84),
        spo2=rng.randint(97, 99),
        resp_rate=rng.randint(12, 16),
        moaas=5,
    )
    items = (1, 2, 6, 7, 15, 22)

    def reading(minute: float, key: str) -> None:
        at = start + timedelta(minutes=minute + rng.uniform(-1.0, 0.4))
        if at > now:
            return
        vitals = base if minute < 0 else _vitals(rng, base, minute, plan.rise)
        record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=session,
            vitals=vitals,
            idempotency_key=f"{tag}-{key}",
            taken_at=at,
            now=at,
        )

    def rating(minute: float) -> None:
        at = start + timedelta(minutes=minute + (1 if minute else -4))
        if at <= now:
            record_rating(
                database=database,
                config=config,
                actor=nurse,
                session_id=session,
                answers=_cadss(rng, items, minute, plan.override),
                idempotency_key=f"{tag}-cadss{minute:g}",
                now=at,
            )

    reading(-6, "baseline")
    rating(0)
    record_infusion_event(
        database=database,
        config=config,
        actor=nurse,
        session_id=session,
        event=SessionEvent.START_INFUSION,
        idempotency_key=f"{tag}-start",
        now=start,
    )
    stop_at = protocol.infusion_minutes
    minute = schedule.infusion_interval_minutes
    while minute <= stop_at:
        reading(minute, f"i{minute:g}")
        minute += schedule.infusion_interval_minutes
    rating(40)
    if plan.minutes_ago < stop_at:
        return
    record_infusion_event(
        database=database,
        config=config,
        actor=nurse,
        session_id=session,
        event=SessionEvent.STOP_INFUSION,
        idempotency_key=f"{tag}-stop",
        now=start + timedelta(minutes=stop_at, seconds=30),
    )
    minute = stop_at + schedule.recovery_interval_minutes
    while minute <= schedule.min_observation_minutes:
        reading(minute, f"r{minute:g}")
        minute += schedule.recovery_interval_minutes
    rating(120)
    if plan.finish:
        acknowledge_all(database, config, physician, session, start + timedelta(minutes=50))
        ready = start + timedelta(minutes=schedule.min_observation_minutes + 2)
        reading(schedule.min_observation_minutes + 1, "final")
        record_assessment(
            database=database,
            config=config,
            actor=nurse,
            session_id=session,
            activity=2,
            respiration=2,
            consciousness=2,
            confirmed=protocol.discharge.checklist,
            idempotency_key=f"{tag}-assess",
            now=ready,
        )
        sign_performed(
            database=database,
            config=config,
            actor=nurse,
            session_id=session,
            password=demo_password(),
            now=ready + timedelta(minutes=1),
        )
        approve_discharge(
            database=database,
            config=config,
            actor=physician,
            session_id=session,
            password=demo_password(),
            override_reason=OVERRIDE if plan.override else None,
            now=ready + timedelta(minutes=4),
        )


def acknowledge_all(
    database: Database, config: Config, physician: Actor, session_id: int, at: datetime
) -> None:
    """The supervising physician saw and acknowledged each finished session's excursions."""
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id).where(Excursion.session_id == session_id)))
    if ids:
        acknowledge_excursions(
            database=database,
            config=config,
            actor=physician,
            excursion_ids=ids,
            action="observed",
            note="Reviewed at the chair; repeat readings trending down",
            idempotency_key=f"demo-ack-{session_id:05d}",
            now=at,
        )


def seed_demo(
    database: Database, config: Config, *, now: datetime | None = None, seed: int = 7
) -> dict[str, str]:
    """Create the demo clinic in an empty database; return the demo usernames and roles."""
    if config.app.environment == "production":
        raise RuntimeError("refusing to write demo data in production")
    at = now or utcnow()
    rng = random.Random(seed)
    password = demo_password()
    staff = {
        username: create_user(
            database=database,
            username=username,
            full_name=name,
            role=role,
            password=password,
            now=at - timedelta(days=30),
        )
        for username, name, role in STAFF
    }
    patient_ids = [
        create_patient(
            database=database,
            config=config,
            mrn=mrn,
            family_name=family,
            given_name=given,
            birth_date=born,
            weight_kg=weight,
            now=at - timedelta(days=20),
        )
        for mrn, family, given, born, weight in PATIENTS
    ]
    chairs = config.clinic.chairs
    plans = [
        Plan(0, chairs[0], 9 * 60, 22, True),
        Plan(1, chairs[1], 8 * 60 + 30, 48, True),  # rises 40+ over baseline: medium
        Plan(2, chairs[2], 7 * 60, 62, True),  # crosses 180: high
        Plan(3, chairs[0], 5 * 60 + 40, 15, True),
        Plan(4, chairs[1], 5 * 60, 35, True, override=True),  # CADSS lingers: override
        Plan(5, chairs[3 % len(chairs)], 75, 30, False),  # in recovery now
        Plan(6, chairs[4 % len(chairs)], 25, 45, False),  # infusing now
    ]
    for plan in plans:
        _run(
            database,
            config,
            staff["nurse"],
            staff["physician"],
            patient_ids[plan.patient],
            plan,
            at,
            rng,
        )
    return {username: actor.role.value for username, actor in staff.items()}
