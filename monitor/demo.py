"""Demo data: staff, patients and a day of sessions, written through the real services.

Blood pressure is simulated as ketamine's: a rise that peaks near 40 minutes and falls
back over recovery; some sessions cross the excursion thresholds. One session is still
infusing and one is in recovery, so every screen has something live to show. The day is
written in time order (see `Timeline`), so every record and the audit trail are coherent:
each flag acknowledged minutes after its reading, each assessment after the minimum
observation, the nurse's signature after it and the physician's approval after that.
tests/test_demo.py checks these invariants on what `monitor seed-demo` stores.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Excursion, User
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.scales import cadss_item_numbers
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Indication, ScreeningAnswer
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.consent import record_consent
from monitor.services.courses import start_course
from monitor.services.people import create_patient, create_user
from monitor.services.pump import record_infusion_event
from monitor.services.ratings import record_rating
from monitor.services.readings import record_reading
from monitor.services.recovery_assessment import record_assessment
from monitor.services.screening import record_screening
from monitor.services.session_lifecycle import open_session
from monitor.services.sign_off import approve_discharge, sign_performed

DEFAULT_DEMO_PASSWORD = "monitor-demo"
# The session is opened this long before dosing starts; the physician acknowledges a
# flagged reading this long after it was taken, well before the sign-off.
OPENED_BEFORE_START = 12
ACKNOWLEDGED_AFTER_MINUTES = 2.5
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


class Timeline:
    """The demo's day, written in the order it happened.

    Every write is a step at its moment; steps run earliest first (ties in the order they
    were planned), so each record and the audit trail read as the day went: a reading
    before the flag it raised, the flag before its acknowledgement, the assessment before
    the nurse's signature and that before the physician's. A step later than `now` never
    runs, so nothing is written in the future.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._steps: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, moment: datetime, step: Callable[[], None]) -> None:
        if moment <= self.now:
            heapq.heappush(self._steps, (moment, next(self._order), step))

    def run(self) -> None:
        while self._steps:
            _, _, step = heapq.heappop(self._steps)
            step()


@dataclass
class _Chair:
    """One demo session as it unfolds: the staff, the plan and, once opened, its id."""

    database: Database
    config: Config
    nurse: Actor
    physician: Actor
    patient_id: int
    plan: Plan
    timeline: Timeline
    start: datetime
    session_id: int = 0

    @property
    def tag(self) -> str:
        return f"demo{self.patient_id:04d}"

    def by(self, actor: Actor) -> dict[str, Any]:
        """What every use case on this session is told: where, under which rules, by whom."""
        return {
            "database": self.database,
            "config": self.config,
            "actor": actor,
            "session_id": self.session_id,
        }

    def open(self, weight: float) -> None:
        protocol = self.config.default_protocol
        self.session_id = open_session(
            database=self.database,
            config=self.config,
            actor=self.nurse,
            patient_id=self.patient_id,
            chair=self.plan.chair,
            protocol_id=protocol.id,
            weight_kg=round(weight, 1),
            idempotency_key=f"{self.tag}-open",
            now=self.start - timedelta(minutes=OPENED_BEFORE_START),
        ).session_id

    def reading(self, at: datetime, vitals: VitalSigns, key: str) -> None:
        saved = record_reading(
            **self.by(self.nurse),
            vitals=vitals,
            idempotency_key=f"{self.tag}-{key}",
            taken_at=at,
            now=at,
        )
        if saved.flags and self.plan.finish:
            seen = at + timedelta(minutes=ACKNOWLEDGED_AFTER_MINUTES)
            self.timeline.at(seen, lambda: self.acknowledge(saved.reading_id, seen))

    def acknowledge(self, reading_id: int, at: datetime) -> None:
        """The supervising physician saw the flags a reading raised, a few minutes later."""
        with self.database.session_scope() as db:
            ids = list(db.scalars(select(Excursion.id).where(Excursion.reading_id == reading_id)))
        acknowledge_excursions(
            database=self.database,
            config=self.config,
            actor=self.physician,
            excursion_ids=ids,
            action="observed",
            note="Reviewed at the chair; repeat readings trending down",
            idempotency_key=f"demo-ack-{reading_id:06d}",
            now=at,
        )

    def rating(self, at: datetime, answers: dict[int, int], minute: float) -> None:
        record_rating(
            **self.by(self.nurse),
            answers=answers,
            idempotency_key=f"{self.tag}-cadss{minute:g}",
            now=at,
        )

    def pump(self, at: datetime, event: SessionEvent, key: str) -> None:
        record_infusion_event(
            **self.by(self.nurse),
            event=event,
            idempotency_key=f"{self.tag}-{key}",
            now=at,
        )

    def assess(self, at: datetime) -> None:
        record_assessment(
            **self.by(self.nurse),
            activity=2,
            respiration=2,
            consciousness=2,
            confirmed=self.config.default_protocol.discharge.checklist,
            idempotency_key=f"{self.tag}-assess",
            now=at,
        )

    def sign(self, at: datetime) -> None:
        sign_performed(
            **self.by(self.nurse),
            password=demo_password(),
            now=at,
        )

    def approve(self, at: datetime) -> None:
        approve_discharge(
            **self.by(self.physician),
            password=demo_password(),
            override_reason=OVERRIDE if self.plan.override else None,
            now=at,
        )


def _plan_session(chair: _Chair, rng: random.Random) -> None:
    """Put one session's steps on the timeline: open, baseline, CADSS, infusion with its
    readings, stop, recovery readings, and for a finished session the sign-off."""
    protocol = chair.config.default_protocol
    schedule, plan, start, at = protocol.schedule, chair.plan, chair.start, chair.timeline.at
    weight = 60 + rng.random() * 40
    base = VitalSigns(
        systolic=rng.randint(114, 136),
        diastolic=rng.randint(70, 86),
        heart_rate=rng.randint(62, 84),
        spo2=rng.randint(97, 99),
        resp_rate=rng.randint(12, 16),
        moaas=5,
    )
    items = cadss_item_numbers(protocol.ratings.cadss_version)

    def minutes(m: float) -> datetime:
        return start + timedelta(minutes=m)

    def reading(minute: float, key: str) -> None:
        # Taken near its due time: up to a minute early or 24 s late.
        when = minutes(minute + rng.uniform(-1.0, 0.4))
        vitals = base if minute < 0 else _vitals(rng, base, minute, plan.rise)
        at(when, lambda: chair.reading(when, vitals, key))

    def rating(minute: float, after: float) -> None:
        answers = _cadss(rng, items, minute, plan.override)
        at(minutes(after), lambda: chair.rating(minutes(after), answers, minute))

    at(minutes(-OPENED_BEFORE_START), lambda: chair.open(weight))
    reading(-6, "baseline")
    rating(0, after=-4)  # the baseline CADSS, before dosing
    at(start, lambda: chair.pump(start, SessionEvent.START_INFUSION, "start"))
    stop_at = protocol.infusion_minutes
    minute = schedule.infusion_interval_minutes
    while minute <= stop_at:
        reading(minute, f"i{minute:g}")
        minute += schedule.infusion_interval_minutes
    stopped = minutes(stop_at + 0.5)  # the planned dose has run
    at(stopped, lambda: chair.pump(stopped, SessionEvent.STOP_INFUSION, "stop"))
    rating(40, after=stop_at + 1)
    minute = stop_at + schedule.recovery_interval_minutes
    while minute <= schedule.min_observation_minutes:
        reading(minute, f"r{minute:g}")
        minute += schedule.recovery_interval_minutes
    rating(120, after=schedule.min_observation_minutes + 1)
    if plan.finish:
        reading(schedule.min_observation_minutes + 1, "final")
        ready = minutes(schedule.min_observation_minutes + 2)
        signed, approved = ready + timedelta(minutes=1), ready + timedelta(minutes=4)
        at(ready, lambda: chair.assess(ready))
        at(signed, lambda: chair.sign(signed))
        at(approved, lambda: chair.approve(approved))


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
    # One after another (the audit trail is in time order): an hour each, two weeks ago.
    for n, (pid, (_mrn, family, given, _born, _weight)) in enumerate(
        zip(patient_ids, PATIENTS, strict=True)
    ):
        _ready_course(
            database,
            config,
            staff["nurse"],
            staff["physician"],
            pid,
            typed_name=f"{given} {family}",
            password=password,
            at=at - timedelta(days=14) + timedelta(hours=n),
        )
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
    timeline = Timeline(at)
    for plan in plans:
        chair = _Chair(
            database,
            config,
            staff["nurse"],
            staff["physician"],
            patient_ids[plan.patient],
            plan,
            timeline,
            start=at - timedelta(minutes=plan.minutes_ago),
        )
        _plan_session(chair, rng)
    timeline.run()
    return {username: actor.role.value for username, actor in staff.items()}


def _ready_course(
    database: Database,
    config: Config,
    nurse: Actor,
    physician: Actor,
    patient_id: int,
    *,
    typed_name: str,
    password: str,
    at: datetime,
) -> None:
    """A course started, screened (every item "no") and consented, so its sessions open."""
    tag = f"demo-course-{patient_id:04d}"
    course_id = start_course(
        database=database,
        config=config,
        actor=nurse,
        patient_id=patient_id,
        protocol_id=config.default_protocol.id,
        indication=Indication.DEPRESSION,
        indication_note=None,
        planned_sessions=None,
        start_date=clinic_today(at, config.clinic.zone),
        physician_id=physician.id,
        idempotency_key=f"{tag}-start",
        now=at,
    ).course_id
    record_screening(
        database=database,
        config=config,
        actor=nurse,
        course_id=course_id,
        answers={i.code: (ScreeningAnswer.NO.value, "") for i in config.screening.checklist},
        idempotency_key=f"{tag}-screening",
        now=at + timedelta(minutes=20),
    )
    record_consent(
        database=database,
        config=config,
        actor=nurse,
        course_id=course_id,
        consented_on=clinic_today(at, config.clinic.zone),
        patient_typed_name=typed_name,
        password=password,
        idempotency_key=f"{tag}-consent",
        now=at + timedelta(minutes=40),
    )
