"""Benchmark the quality audit on a busy clinic's history; figures print, never assert.

A generator builds the history in bulk: 20 chairs, 8 sessions a day each, five years,
20 readings a session (about 292,000 sessions and 5.8 million readings), with their
session summaries and some excursions. It then measures:

- the history page's first page (50 rows), p50 and p95, without filters and with filters
  (the last year, sessions with high excursions);
- the quality measures over one year;
- a one-year readings CSV export (time, rows, peak Python memory);

and prints each figure's ratio against the same query on one-tenth of the data (the same
clinic over six months): the ratio shows how the cost grows with history.

Runs on SQLite, and on PostgreSQL too when MONITOR_TEST_POSTGRES_URL is set.
Usage: make bench-audit   (or: .venv/bin/python -m bench.bench_audit [--years 5])
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from bench.support import CONFIG, analyze, backends, ms, summary, timings
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.db.models import Excursion, InfusionSession, Reading, SessionSummary
from monitor.domain.permissions import Role
from monitor.services import quality
from tests import factories

CHAIRS, PER_DAY, READINGS = 20, 8, 20
SKIP_EXPORT = False
END = datetime(2026, 11, 1, 14, 0, tzinfo=factories.T0.tzinfo)


def generate(database: Database, days: int, seed: int = 11) -> tuple[int, int]:
    """Bulk-insert `days` of sessions, readings, excursions and summaries; return counts."""
    rng = random.Random(seed)
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    # Sessions are bulk-inserted below, not opened: no course is needed.
    patients = [factories.patient(database, CONFIG, ready=False) for _ in range(200)]
    sessions = readings = 0
    for day in range(days):
        date = END - timedelta(days=days - day)
        opened = [
            date + timedelta(minutes=50 * slot) for slot in range(PER_DAY) for _ in range(CHAIRS)
        ]
        rows = [
            {
                "patient_id": rng.choice(patients),
                "protocol_id": CONFIG.default_protocol.id,
                "protocol_name": "bench",
                "chair": f"Chair {n % CHAIRS + 1}",
                "state": "discharged",
                "opened_at": at,
                "opened_by": nurse.id,
                "infusion_started_at": at + timedelta(minutes=10),
                "infusion_stopped_at": at + timedelta(minutes=50),
                "ended_at": at + timedelta(minutes=135),
                "weight_kg": 80,
                "dose_mg_per_kg": 0.5,
                "dose_mg": 40,
                "concentration_mg_per_ml": 1,
                "rate_ml_per_h": 60,
                "infusion_minutes": 40,
                "idempotency_key": uuid.uuid4().hex,
            }
            for n, at in enumerate(opened)
        ]
        with database.engine.begin() as conn:
            conn.execute(insert(InfusionSession), rows)
            ids = conn.execute(
                select(
                    InfusionSession.id, InfusionSession.opened_at, InfusionSession.patient_id
                ).where(InfusionSession.idempotency_key.in_([r["idempotency_key"] for r in rows]))
            ).all()
            conn.execute(
                insert(Reading),
                [
                    {
                        "session_id": sid,
                        "phase": "infusion",
                        "taken_at": at + timedelta(minutes=7 * k),
                        "systolic": 120 + k,
                        "diastolic": 80,
                        "heart_rate": 70,
                        "spo2": 98,
                        "resp_rate": 14,
                        "moaas": 5,
                        "entered_by": nurse.id,
                        "entered_at": at + timedelta(minutes=7 * k),
                        "source": "manual",
                        "idempotency_key": uuid.uuid4().hex,
                    }
                    for sid, at, _ in ids
                    for k in range(READINGS)
                ],
            )
            flagged = {sid for sid, _, _ in ids if rng.random() < 0.08}
            first = (
                dict(
                    conn.execute(
                        select(Reading.session_id, Reading.id)
                        .where(Reading.session_id.in_(flagged))
                        .order_by(Reading.id)
                    ).all()
                )
                if flagged
                else {}
            )
            if first:
                conn.execute(
                    insert(Excursion),
                    [
                        {
                            "session_id": sid,
                            "reading_id": rid,
                            "rule_code": "severe-hypertension",
                            "label": "Severe hypertension",
                            "priority": "high",
                            "measure": "systolic",
                            "value": 185,
                            "threshold": 180,
                            "basis": "absolute",
                            "message": "bench",
                            "detected_at": date,
                        }
                        for sid, rid in first.items()
                    ],
                )
            conn.execute(
                insert(SessionSummary),
                [
                    {
                        "session_id": sid,
                        "patient_id": pid,
                        "protocol_id": CONFIG.default_protocol.id,
                        "chair": "Chair 1",
                        "state": "discharged",
                        "nurse_id": nurse.id,
                        "physician_id": doctor.id,
                        "opened_at": at,
                        "infusion_started_at": at + timedelta(minutes=10),
                        "infusion_stopped_at": at + timedelta(minutes=50),
                        "ended_at": at + timedelta(minutes=135),
                        "weight_kg": 80,
                        "dose_mg": 40,
                        "high_count": 1 if sid in flagged else 0,
                        "medium_count": rng.randint(0, 2),
                        "low_count": 0,
                        "unacknowledged_count": 0,
                        "readings_on_time": rng.randint(8, 12),
                        "readings_late": rng.randint(0, 1),
                        "readings_missed": 0,
                        "stopped_early": rng.random() < 0.01,
                        "ready_at": at + timedelta(minutes=130),
                        "minutes_to_ready": 120.0,
                        "performed_at": at + timedelta(minutes=131),
                        "approved_at": at + timedelta(minutes=134),
                        "cosign_delay_minutes": 3.0,
                        "override": rng.random() < 0.02,
                        "updated_at": at,
                    }
                    for sid, at, pid in ids
                ],
            )
        sessions += len(ids)
        readings += len(ids) * READINGS
    analyze(database)
    return sessions, readings


def measure(database: Database) -> dict[str, tuple[float, float]]:
    auditor = factories.user(database, Role.AUDITOR)
    year = aq.HistoryFilter(start=END - timedelta(days=365), end=END, flags=frozenset({"high"}))

    def page(query: aq.HistoryFilter) -> object:
        return lambda _: quality.history(
            database=database,
            actor=auditor,
            query=query,
            sort="opened_at",
            descending=True,
            offset=0,
            limit=50,
            now=END,
        )

    figures = {
        "history first page, no filter": summary(timings(page(aq.HistoryFilter()), 30)),
        "history first page, filtered": summary(timings(page(year), 30)),
        "quality measures, one year": summary(
            timings(
                lambda _: quality.measures(
                    database=database,
                    config=CONFIG,
                    actor=auditor,
                    start=END - timedelta(days=365),
                    end=END,
                    period="month",
                    now=END,
                ),
                5,
            )
        ),
    }
    if SKIP_EXPORT:
        return figures
    span = aq.HistoryFilter(start=END - timedelta(days=365), end=END)
    tracemalloc.start()
    started = time.perf_counter()
    rows = sum(1 for _ in quality.readings_csv(database=database, actor=auditor, query=span))
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures["one-year readings CSV export"] = (elapsed, elapsed)
    figures["  export rows"] = (float(rows), float(rows))
    figures["  export peak Python memory (MB)"] = (peak / 1e6, peak / 1e6)
    return figures


def run(label: str, url_factory: object, years: float) -> None:
    results = {}
    for size, days in (("tenth", int(365 * years / 10)), ("full", int(365 * years))):
        with url_factory() as url:  # type: ignore[operator]
            upgrade(url)
            database = Database.from_url(url)
            started = time.perf_counter()
            sessions, readings = generate(database, days)
            print(
                f"[{label}] {size}: {sessions:,} sessions, {readings:,} readings generated "
                f"in {time.perf_counter() - started:.0f} s"
            )
            results[size] = measure(database)
            database.dispose()
    for name, (p50, p95) in results["full"].items():
        t50, t95 = results["tenth"][name]
        if name.startswith("  "):
            print(
                f"[{label}] {name:36s} full {p50:12,.1f}   tenth {t50:12,.1f}   "
                f"ratio {p50 / t50 if t50 else float('nan'):5.2f}"
            )
        else:
            print(
                f"[{label}] {name:36s} p50 {ms(p50)} p95 {ms(p95)} | tenth p50 {ms(t50)} "
                f"p95 {ms(t95)} | ratio p50 {p50 / t50:5.2f} p95 {p95 / t95:5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=float, default=5.0, help="history length (default 5)")
    parser.add_argument("--skip-export", action="store_true", help="leave out the CSV export")
    args = parser.parse_args()
    global SKIP_EXPORT
    SKIP_EXPORT = args.skip_export
    for label, make_url in backends():
        run(label, make_url, args.years)


if __name__ == "__main__":
    main()
