"""Benchmark the bedside write and read paths; figures print as ratios, never as assertions.

- record a reading (validate, store, evaluate excursions, audit; one transaction), as a
  ratio to a bare one-row INSERT transaction on the same database in the same process;
- the bedside refresh (one 20-reading session's snapshot and schedule) before and after
  100,000 historical readings from 5,000 other sessions are added: the ratio shows whether
  the page slows as the clinic's history grows (it should stay near 1.0).

Runs on SQLite, and on PostgreSQL too when MONITOR_TEST_POSTGRES_URL is set.
Usage: make bench   (or: .venv/bin/python -m bench.bench_bedside)
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import text

from bench.support import CONFIG, add_history, backends, summary, timings
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.domain.session_state import SessionEvent
from monitor.domain.vitals import VitalSigns
from monitor.services.bedside import bedside_view
from monitor.services.readings import record_reading
from tests import factories


def session_with(database: Database, nurse: factories.Actor, chair: str, readings: int) -> int:
    start = factories.T0
    sid = factories.session(database, CONFIG, nurse, chair=chair, now=start - timedelta(hours=1))
    factories.reading(database, CONFIG, nurse, sid, start - timedelta(minutes=30))
    factories.event(database, nurse, sid, SessionEvent.START_INFUSION, start)
    for n in range(readings - 1):
        factories.reading(database, CONFIG, nurse, sid, start + timedelta(seconds=20 * n))
    return sid


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
    for label, make_url in backends():
        with make_url() as url:
            run(label, url)


if __name__ == "__main__":
    main()
