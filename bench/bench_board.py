"""Benchmark the live board's refresh; figures print as ratios, never as assertions.

- Board refresh: server time of one refresh (`board_view`: the read of the active sessions
  and the tiles built from it) with 40 active sessions, once with 10,000 historical
  readings and once with 1,000,000; median and p95 of each and the ratio large/small,
  which should stay close to 1.0 (the board must not slow as history grows).
- Concurrent viewers: the same with 10 board viewers refreshing at once (threads, each
  with its own connection from the pool), median and p95 per refresh.

Runs on SQLite, and on PostgreSQL too when MONITOR_TEST_POSTGRES_URL is set.
Usage: make bench-board   (or: .venv/bin/python -m bench.bench_board [--large N])
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from bench.support import CONFIG, add_history, analyze, backends, ms, summary, timings
from monitor.config import Config
from monitor.db.engine import Database, make_engine
from monitor.db.migrate import upgrade
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.board import board_view
from tests import factories

ACTIVE = 40
VIEWERS = 10
READINGS_PER_HISTORY_SESSION = 20


def clinic_config() -> Config:
    """The repository's config with 40 chairs, so 40 sessions can be live at once."""
    clinic = CONFIG.clinic.model_copy(update={"chairs": [f"Chair {n}" for n in range(1, 41)]})
    return CONFIG.model_copy(update={"clinic": clinic})


def live_sessions(database: Database, config: Config, now: object) -> None:
    nurse = factories.user(database)
    assert isinstance(now, type(factories.T0))
    for n, chair in enumerate(config.clinic.chairs[:ACTIVE]):
        started = now - timedelta(minutes=5 + n * 3)
        sid = factories.infusing(database, config, nurse, now=started, chair=chair)
        for minute in range(10, 5 + n * 3, 10):
            factories.reading(
                database,
                config,
                nurse,
                sid,
                started + timedelta(minutes=minute),
                systolic=125 + (n * 7) % 70,
                diastolic=80,
            )
        if n % 5 == 0:
            factories.event(
                database, nurse, sid, SessionEvent.PAUSE, now - timedelta(minutes=1), reason="bench"
            )


def measure(
    database: Database, config: Config, physician: factories.Actor, now: object
) -> dict[str, tuple[float, float]]:
    def refresh(_: int) -> None:
        board_view(database=database, config=config, actor=physician, now=now)  # type: ignore[arg-type]

    refresh(0)  # warm the pool and caches
    single = summary(timings(refresh, 60))
    with ThreadPoolExecutor(max_workers=VIEWERS) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda _viewer: timings(refresh, 20), range(VIEWERS)))
        wall = time.perf_counter() - started
    concurrent = summary([t for viewer in results for t in viewer])
    return {"single": single, "concurrent": concurrent, "throughput": (VIEWERS * 20 / wall, 0.0)}


def run(label: str, url: str, large: int) -> None:
    upgrade(url)
    database = Database(make_engine(url))
    config = clinic_config()
    now = factories.T0 + timedelta(hours=3)
    live_sessions(database, config, now)
    physician = factories.user(database, Role.PHYSICIAN)
    user_id = physician.id
    sizes = {"small": 10_000, "large": large}
    figures = {}
    added = 0
    for size_name, readings in sizes.items():
        sessions = (readings - added) // READINGS_PER_HISTORY_SESSION
        started = time.perf_counter()
        add_history(
            database, user_id, sessions=sessions, readings_each=READINGS_PER_HISTORY_SESSION
        )
        added += sessions * READINGS_PER_HISTORY_SESSION
        analyze(database)
        print(
            f"[{label}] history now {added:,} readings "
            f"(added in {time.perf_counter() - started:.1f} s)"
        )
        figures[size_name] = measure(database, config, physician, now)
    for kind in ("single", "concurrent"):
        (s_med, s_p95), (l_med, l_p95) = figures["small"][kind], figures["large"][kind]
        viewers = "1 viewer" if kind == "single" else f"{VIEWERS} viewers"
        print(
            f"[{label}] board refresh, {ACTIVE} active, {viewers:10s} "
            f"10k: median {ms(s_med)} p95 {ms(s_p95)} | {large / 1e6:g}M: median "
            f"{ms(l_med)} p95 {ms(l_p95)} | ratio large/small median "
            f"{l_med / s_med:4.2f} p95 {l_p95 / s_p95:4.2f}"
        )
    for size_name in sizes:
        print(
            f"[{label}] {VIEWERS} viewers, {size_name} history: "
            f"{figures[size_name]['throughput'][0]:.0f} refreshes/s in all"
        )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--large",
        type=int,
        default=1_000_000,
        help="historical readings in the large run (default 1,000,000)",
    )
    args = parser.parse_args()
    for label, make_url in backends():
        with make_url() as url:
            run(label, url, args.large)


if __name__ == "__main__":
    main()
