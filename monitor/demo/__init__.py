"""Demo data: staff, patients at different points of their treatment courses, and a day of
sessions, written through the real services.

- Seven sessions today, on seven patients' courses: five discharged, one in recovery and
  one still infusing, so every screen has something live to show. The infusing patient is
  at session 3 of 6; two days ago, at session 2, their PHQ-9 item 9 raised a safety flag
  that the physician cleared before dosing.
- A course completed three weeks ago: six sessions over two and a half weeks, a PHQ-9 and
  a PCL-5 before each, falling to a response and remission; its first baseline BP was
  above 140/90 and cleared by the physician. Its follow-up visit is due next week.
- A course still in screening: an "unknown" answer awaits the physician's decision.
- What was given and what happened (issue 13, monitor/demo/interventions.py): ketamine
  drawn for every session that gives it and balanced, one vial's rest wasted and
  witnessed, one waste never recorded (the open discrepancy); a grade-1 nausea treated
  with ondansetron and resolved; a high BP excursion treated with labetalol on an order.

Everything is written in time order (`Timeline`), so every record and the audit trail are
coherent. tests/test_demo.py checks these invariants on what `monitor seed-demo` stores.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.demo.course import CourseSteps, plan_course
from monitor.demo.script import DETAILS, JOURNEYS, PATIENTS, STAFF, session_plans
from monitor.demo.session import OPENED_BEFORE_START, SessionSteps
from monitor.demo.session_plan import plan_session
from monitor.demo.timeline import Timeline
from monitor.services.actors import Actor
from monitor.services.patients import register_patient
from monitor.services.people import create_user

DEFAULT_DEMO_PASSWORD = "monitor-demo"


def demo_password() -> str:
    return os.environ.get("MONITOR_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def is_empty(database: Database) -> bool:
    with database.session_scope() as db:
        return (db.scalar(select(func.count()).select_from(User)) or 0) == 0


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
        register_patient(
            database=database,
            config=config,
            actor=nurse,
            mrn=mrn,
            family_name=family,
            given_name=given,
            birth_date=born,
            sex=DETAILS[mrn][0],
            weight_kg=weight,
            allergies=DETAILS[mrn][1],
            escort_name=DETAILS[mrn][2],
            escort_phone=DETAILS[mrn][3],
            idempotency_key=f"demo-patient-{mrn}",
            now=at - timedelta(days=50, minutes=-n),
        ).patient_id
        for n, (mrn, family, given, born, weight) in enumerate(PATIENTS)
    ]
    timeline = Timeline(at)
    plans = session_plans(config.clinic.chairs)
    for journey in JOURNEYS:
        _, family, given, *_ = PATIENTS[journey.patient]
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
