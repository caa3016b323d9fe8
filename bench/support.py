"""Shared pieces of the benchmarks: databases to run on, timing, and bulk history."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

from sqlalchemy import create_engine, insert, select, text

from monitor.config import REPO_ROOT, load_config
from monitor.db.engine import Database
from monitor.db.models import Excursion, InfusionEvent, InfusionSession, Reading
from tests import factories

CONFIG = load_config(REPO_ROOT / "config.yaml", environ={})


def timings(fn: Callable[[int], object], runs: int) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def ms(value: float) -> str:
    return f"{value * 1e3:7.2f} ms"


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    schema = f"monitor_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backends() -> Iterator[tuple[str, Callable[[], AbstractContextManager[str]]]]:
    """("sqlite", ...) always; ("postgresql", ...) when MONITOR_TEST_POSTGRES_URL is set."""
    yield "sqlite", sqlite_url
    pg = os.environ.get("MONITOR_TEST_POSTGRES_URL")
    if pg:
        yield "postgresql", lambda: postgres_url(pg)  # noqa: B023 (used at once)
    else:
        print("[postgresql] skipped: set MONITOR_TEST_POSTGRES_URL to include it")


def add_history(database: Database, user_id: int, *, sessions: int, readings_each: int) -> None:
    """Bulk-insert discharged sessions with their readings, start and stop events and one
    excursion each: history that live screens must not read."""
    patient_id = factories.patient(database, CONFIG, ready=False)  # bulk-inserted, not opened
    start = factories.T0 - timedelta(days=400)
    batch = 1000
    for first in range(0, sessions, batch):
        count = min(batch, sessions - first)
        rows = [
            {
                "patient_id": patient_id,
                "protocol_id": CONFIG.default_protocol.id,
                "protocol_name": "history",
                "chair": "Chair 1",
                "state": "discharged",
                "opened_at": start,
                "opened_by": user_id,
                "weight_kg": 80,
                "dose_mg_per_kg": 0.5,
                "dose_mg": 40,
                "concentration_mg_per_ml": 1,
                "rate_ml_per_h": 60,
                "infusion_minutes": 40,
                "idempotency_key": uuid.uuid4().hex,
            }
            for _ in range(count)
        ]
        with database.engine.begin() as conn:
            conn.execute(insert(InfusionSession), rows)
            keys = [r["idempotency_key"] for r in rows]
            ids = (
                conn.execute(
                    select(InfusionSession.id).where(InfusionSession.idempotency_key.in_(keys))
                )
                .scalars()
                .all()
            )
            conn.execute(
                insert(Reading),
                [
                    {
                        "session_id": sid,
                        "phase": "infusion",
                        "taken_at": start,
                        "systolic": 130,
                        "diastolic": 80,
                        "heart_rate": 70,
                        "spo2": 98,
                        "resp_rate": 14,
                        "moaas": 5,
                        "entered_by": user_id,
                        "entered_at": start,
                        "source": "manual",
                        "idempotency_key": uuid.uuid4().hex,
                    }
                    for sid in ids
                    for _ in range(readings_each)
                ],
            )
            first_readings = conn.execute(
                select(Reading.session_id, Reading.id)
                .where(Reading.session_id.in_(ids))
                .distinct(Reading.session_id)
                if conn.dialect.name == "postgresql"
                else select(Reading.session_id, Reading.id)
                .where(Reading.session_id.in_(ids))
                .group_by(Reading.session_id)
            ).all()
            conn.execute(
                insert(InfusionEvent),
                [
                    {
                        "session_id": sid,
                        "kind": kind,
                        "occurred_at": start,
                        "rate_ml_per_h": 60,
                        "entered_by": user_id,
                        "entered_at": start,
                        "idempotency_key": uuid.uuid4().hex,
                    }
                    for sid in ids
                    for kind in ("start", "stop")
                ],
            )
            conn.execute(
                insert(Excursion),
                [
                    {
                        "session_id": sid,
                        "reading_id": rid,
                        "rule_code": "hypertension",
                        "label": "Hypertension",
                        "priority": "medium",
                        "measure": "systolic",
                        "value": 165,
                        "threshold": 160,
                        "basis": "absolute",
                        "message": "history",
                        "detected_at": start,
                    }
                    for sid, rid in first_readings
                ],
            )


def analyze(database: Database) -> None:
    """Refresh the planner's statistics, as autovacuum would on a live database."""
    with database.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
