"""Benchmark the bedside write and read paths; figures print as ratios, never as assertions.

- record a reading (validate, store, evaluate excursions, audit; one transaction), as a
  ratio to a bare one-row INSERT transaction on the same database in the same process;
- the bedside refresh (one 20-reading session's snapshot and schedule) before and after
  100,000 historical readings from 5,000 other sessions are added: the ratio shows whether
  the page slows as the clinic's history grows (it should stay near 1.0).

Runs on SQLite, and on PostgreSQL too when MONITOR_TEST_POSTGRES_URL is set.
Usage: make bench   (or: .venv/bin/python bench/bench_bedside.py)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.config import REPO_ROOT, load_config  # noqa: E402
from monitor.db.engine import Database  # noqa: E402
from monitor.db.migrate import upgrade  # noqa: E402
from monitor.db.models import InfusionSession, Reading  # noqa: E402
from monitor.domain.session_state import SessionEvent  # noqa: E402
from monitor.domain.vitals import VitalSigns  # noqa: E402
from monitor.services.bedside import bedside_view  # noqa: E402
from monitor.services.readings import record_reading  # noqa: E402
from tests import factories  # noqa: E402

CONFIG = load_config(REPO_ROOT / "config.yaml", environ={})


def timings(fn: Callable[[int], object], runs: int) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    schema = f"monitor_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def session_with(database: Database, nurse: factories.Actor, chair: str, readings: int) -> int:
    start = factories.T0
    sid = factories.session(database, CONFIG, nurse, chair=chair, now=start - timedelta(hours=1))
    factories.reading(database, CONFIG, nurse, sid, start - timedelta(minutes=30))
    factories.event(database, nurse, sid, SessionEvent.START_INFUSION, start)
    for n in range(readings - 1):
        factories.reading(database, CONFIG, nurse, sid, start + timedelta(seconds=20 * n))
    return sid


def add_history(database: Database, user_id: int, *, sessions: int, readings_each: int) -> None:
    """Bulk-insert finished sessions and their readings (history the page must not read)."""
    patient_id = factories.patient(database, CONFIG)
    start = factories.T0 - timedelta(days=400)
    session_rows = [
        {
            "patient_id": patient_id,
            "protocol_id": "iv-ketamine-0.5",
            "protocol_name": "bench",
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
        for _ in range(sessions)
    ]
    with database.engine.begin() as conn:
        conn.execute(insert(InfusionSession), session_rows)
        ids = (
            conn.execute(select(InfusionSession.id).where(InfusionSession.state == "discharged"))
            .scalars()
            .all()
        )
        for chunk in range(0, len(ids), 500):
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
                    for sid in ids[chunk : chunk + 500]
                    for _ in range(readings_each)
                ],
            )


def run(label: str, url: str) -> None:
    upgrade(url)
    database = Database.from_url(url)
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, v INTEGER)"))
    nurse = factories.user(database)
    sid = session_with(database, nurse, CONFIG.clinic.chairs[0], 1)

    def bare_insert(i: int) -> None:
        with database.engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_baseline (id, v) VALUES (:i, :i)"), {"i": i})

    def record(i: int) -> None:
        record_reading(
            database=database,
            config=CONFIG,
            actor=nurse,
            session_id=sid,
            vitals=VitalSigns(150 + i % 40, 90, 80, 97, 14, moaas=5),
            idempotency_key=uuid.uuid4().hex,
            taken_at=factories.T0 + timedelta(seconds=i),
            now=factories.T0 + timedelta(seconds=i),
        )

    runs = 300
    base_med, base_p95 = summary(timings(bare_insert, runs))
    rec_med, rec_p95 = summary(timings(record, runs))
    print(
        f"[{label}] bare insert       median {base_med * 1e3:6.2f} ms  p95 {base_p95 * 1e3:6.2f} ms"
    )
    print(
        f"[{label}] record_reading    median {rec_med * 1e3:6.2f} ms  p95 {rec_p95 * 1e3:6.2f} ms"
        f"  ratio to bare insert {rec_med / base_med:5.1f}x"
    )

    live = session_with(database, nurse, CONFIG.clinic.chairs[1], 20)

    def refresh(_: int) -> None:
        bedside_view(
            database=database, config=CONFIG, actor=nurse, session_id=live, now=factories.T0
        )

    s_med, s_p95 = summary(timings(refresh, 200))
    add_history(database, nurse.id, sessions=5000, readings_each=20)
    l_med, l_p95 = summary(timings(refresh, 200))
    print(
        f"[{label}] bedside refresh, no history       median {s_med * 1e3:6.2f} ms  "
        f"p95 {s_p95 * 1e3:6.2f} ms"
    )
    print(
        f"[{label}] bedside refresh, 100k readings    median {l_med * 1e3:6.2f} ms  "
        f"p95 {l_p95 * 1e3:6.2f} ms  ratio with/without history {l_med / s_med:5.2f}x"
    )
    database.dispose()


def main() -> None:
    with sqlite_url() as url:
        run("sqlite", url)
    pg = os.environ.get("MONITOR_TEST_POSTGRES_URL")
    if pg:
        with postgres_url(pg) as url:
            run("postgresql", url)
    else:
        print("[postgresql] skipped: set MONITOR_TEST_POSTGRES_URL to include it")


if __name__ == "__main__":
    main()
