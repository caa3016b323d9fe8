"""Demo data: staff, patients at different points of their treatment courses, and a day of
sessions, written through the real services.

- Seven sessions today, on seven patients' courses: five discharged, one in recovery and
  one still infusing, so every screen has something live to show. The infusing patient is
  at session 3 of 6; two days ago, at session 2, their PHQ-9 item 9 raised a safety flag
  that the physician reviewed and cleared before dosing.
- A course completed three weeks ago: six sessions over two and a half weeks, a PHQ-9 and
  a PCL-5 before each, falling to a response and remission; its first baseline BP was
  above 140/90 and cleared by the physician. Its follow-up visit is due next week.
- A course still in screening: an "unknown" answer awaits the physician's decision.

Everything is written in time order (`Timeline`), so every record and the audit trail are
coherent. tests/test_demo.py checks these invariants on what `monitor seed-demo` stores.
"""

from __future__ import annotations

import os
import random
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.demo.course import (
    AWAITING_DECISION,
    CLEARED_BY_PHYSICIAN,
    CourseSteps,
    Journey,
    plan_course,
)
from monitor.demo.session import OPENED_BEFORE_START, Plan, SessionSteps
from monitor.demo.session_plan import plan_session
from monitor.demo.timeline import Timeline
from monitor.domain.vocabulary import Indication
from monitor.services.actors import Actor
from monitor.services.people import create_patient, create_user

DEFAULT_DEMO_PASSWORD = "monitor-demo"
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
    ("FR-1009", "Ibrahim", "Samira", date(1984, 8, 11), 61.2),
)
PTSD, DEPRESSION = Indication.PTSD, Indication.DEPRESSION
DAY = 24 * 60
COMPLETED = "Six infusions given; PCL-5 58 to 24 and PHQ-9 18 to 4. Follow-up booked."
JOURNEYS = (
    Journey(0, PTSD),
    Journey(1, DEPRESSION),
    Journey(2, PTSD, screening=CLEARED_BY_PHYSICIAN),
    Journey(3, DEPRESSION),
    Journey(4, PTSD),
    Journey(5, DEPRESSION),
    Journey(6, PTSD),
    Journey(7, PTSD, screening=AWAITING_DECISION, days_before_first=1),
    Journey(8, PTSD, completed=COMPLETED),
)


def demo_password() -> str:
    return os.environ.get("MONITOR_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def is_empty(database: Database) -> bool:
    with database.session_scope() as db:
        return (db.scalar(select(func.count()).select_from(User)) or 0) == 0


def session_plans(chairs: list[str]) -> dict[int, list[Plan]]:
    """Each patient's sessions, first first: today's seven, two earlier ones of the patient
    now at session 3 of 6, and the six of the completed course."""

    def chair(n: int) -> str:
        return chairs[n % len(chairs)]

    today = [
        Plan(0, chair(0), 9 * 60, 22, True, phq9=16, pcl5=51),
        Plan(1, chair(1), 8 * 60 + 30, 48, True, phq9=19),  # rises 40+ over baseline: medium
        Plan(2, chair(2), 7 * 60, 62, True, phq9=14, pcl5=47),  # crosses 180: high
        Plan(3, chair(0), 5 * 60 + 40, 15, True, phq9=21),
        Plan(4, chair(1), 5 * 60, 35, True, override=True, phq9=12, pcl5=44),  # CADSS lingers
        Plan(5, chair(3), 75, 30, False, phq9=17),  # in recovery now
        # Session 3 of 6, infusing now; session 2 raised the item-9 flag.
        Plan(6, chair(0), 4 * DAY + 6 * 60, 40, True, phq9=20, pcl5=55),
        Plan(6, chair(0), 2 * DAY + 6 * 60, 38, True, phq9=17, pcl5=49, item9=1),
        Plan(6, chair(4), 25, 45, False, phq9=14, pcl5=42),
    ]
    completed = [
        Plan(
            8,
            chair(2),
            days * DAY + 5 * 60,
            rise,
            True,
            phq9=phq9,
            pcl5=pcl5,
            raised_baseline=first,
        )
        for days, rise, phq9, pcl5, first in (
            (33, 30, 18, 58, False),
            (31, 28, 15, 50, False),
            (29, 26, 12, 43, False),
            (26, 24, 9, 36, False),
            (24, 22, 6, 30, False),
            (22, 20, 4, 24, False),
        )
    ]
    plans: dict[int, list[Plan]] = {}
    for plan in sorted([*today, *completed], key=lambda p: -p.minutes_ago):
        plans.setdefault(plan.patient, []).append(plan)
    return plans


def seed_demo(
    database: Database, config: Config, *, now: datetime | None = None, seed: int = 7
) -> dict[str, str]:
    """Create the demo clinic in an empty database; return the demo usernames and roles."""
    if config.app.environment == "production":
        raise RuntimeError("refusing to write demo data in production")
    at = now or utcnow()
    rng = random.Random(seed)
    password = demo_password()
    staff: dict[str, Actor] = {
        username: create_user(
            database=database,
            username=username,
            full_name=name,
            role=role,
            password=password,
            now=at - timedelta(days=60),
        )
        for username, name, role in STAFF
    }
    nurse, physician = staff["nurse"], staff["physician"]
    patient_ids = [
        create_patient(
            database=database,
            config=config,
            mrn=mrn,
            family_name=family,
            given_name=given,
            birth_date=born,
            weight_kg=weight,
            now=at - timedelta(days=50),
        )
        for mrn, family, given, born, weight in PATIENTS
    ]
    timeline = Timeline(at)
    plans = session_plans(config.clinic.chairs)
    for journey in JOURNEYS:
        _, family, given, _, _ = PATIENTS[journey.patient]
        course = CourseSteps(
            database,
            config,
            nurse,
            physician,
            patient_ids[journey.patient],
            f"{given} {family}",
            journey,
            password,
        )
        sessions = plans.get(journey.patient, [])
        first = at - timedelta(minutes=sessions[0].minutes_ago if sessions else 0)
        plan_course(course, first - timedelta(minutes=OPENED_BEFORE_START), timeline.at)
        for number, plan in enumerate(sessions, 1):
            steps = SessionSteps(
                database,
                config,
                nurse,
                physician,
                patient_ids[plan.patient],
                plan,
                timeline,
                start=at - timedelta(minutes=plan.minutes_ago),
                tag=f"demo{patient_ids[plan.patient]:04d}-{number}",
                password=password,
            )
            plan_session(steps, rng)
        if journey.completed:
            last = at - timedelta(minutes=sessions[-1].minutes_ago)
            done = last + timedelta(hours=5)
            timeline.at(done, partial(course.complete, done))
    timeline.run()
    return {username: actor.role.value for username, actor in staff.items()}
