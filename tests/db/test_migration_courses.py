"""Migration 0012 gathers the sessions recorded before courses existed into one course per
patient, numbered in the order they opened, on every backend."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.db.migrate import check, upgrade
from tests.conftest import POSTGRES_URL, schema_url

USERS = "INSERT INTO users (id, username, full_name, role, password_hash, active, created_at) "
PATIENTS = (
    "INSERT INTO patients (id, mrn, family_name, given_name, birth_date, weight_kg, created_at) "
)
SESSION = (
    "INSERT INTO sessions (id, patient_id, protocol_id, protocol_name, chair, state, opened_at, "
    "opened_by, weight_kg, dose_mg_per_kg, dose_mg, concentration_mg_per_ml, rate_ml_per_h, "
    "infusion_minutes, idempotency_key) VALUES "
    "(:id, :patient, 'iv-ketamine-0.5', 'IV', :chair, :state, :opened, 1, 80, 0.5, 40, 1, 60, "
    "40, :key)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(url, "0011")
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("MONITOR_TEST_POSTGRES_URL is not set")
    schema = f"monitor_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(POSTGRES_URL, schema)
    try:
        upgrade(url, "0011")
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_old_sessions_are_gathered_into_one_course_per_patient(at_0011: str) -> None:
    engine = create_engine(at_0011)
    with engine.begin() as conn:
        conn.execute(text(USERS + "VALUES (1, 'n', 'N', 'nurse', 'x', true, '2026-01-01')"))
        for pid in (1, 2, 3):
            conn.execute(
                text(PATIENTS + "VALUES (:p, :m, 'F', 'G', '1980-01-01', 80, '2026-01-01')"),
                {"p": pid, "m": f"M-{pid}"},
            )
        rows = [  # (id, patient, chair, state, opened): opened out of id order on purpose
            (1, 1, "Chair 1", "discharged", "2026-03-02 10:00:00+00:00"),
            (2, 1, "Chair 1", "discharged", "2026-03-01 10:00:00+00:00"),
            (3, 2, "Chair 2", "discharged", "2026-03-01 11:00:00+00:00"),
            (4, 2, "Chair 2", "infusing", "2026-03-05 11:00:00+00:00"),
        ]
        for sid, patient, chair, state, opened in rows:
            conn.execute(
                text(SESSION),
                {
                    "id": sid,
                    "patient": patient,
                    "chair": chair,
                    "state": state,
                    "opened": opened,
                    "key": f"k{sid}",
                },
            )
    engine.dispose()

    upgrade(at_0011)
    check(at_0011)

    engine = create_engine(at_0011)
    with engine.connect() as conn:
        courses = conn.execute(
            text(
                "SELECT patient_id, status, planned_sessions, start_date, "
                "recorded_before_courses, physician_id FROM courses ORDER BY patient_id"
            )
        ).all()
        numbered = conn.execute(text("SELECT id, course_sequence FROM sessions ORDER BY id")).all()
        sexes = conn.execute(text("SELECT DISTINCT sex FROM patients")).scalars().all()
    engine.dispose()
    assert [(c.patient_id, c.status, c.planned_sessions) for c in courses] == [
        (1, "completed", 6),
        (2, "active", 6),  # a session still live keeps its course open
    ]
    assert str(courses[0].start_date).startswith("2026-03-01")
    assert all(c.recorded_before_courses for c in courses)
    assert all(c.physician_id is None for c in courses)
    assert [(n.id, n.course_sequence) for n in numbered] == [(1, 2), (2, 1), (3, 1), (4, 2)]
    assert sexes == ["unknown"]  # patient 3 has no session and no course
