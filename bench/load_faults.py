"""Load and faults against the production set-up: gunicorn with 4 workers on PostgreSQL.

40 simulated tablets each enter a reading every 10 s and 10 board viewers refresh every
5 s, for the chosen duration. A tablet whose save fails (refused, 5xx, timed out) sends the
very same request again (same idempotency key) until it is answered, as the bedside page
does. During the run PostgreSQL is restarted and one gunicorn worker is killed with
SIGKILL; the app must recover without a restart of its own. Afterwards every reading the
clients were told was saved must be in the database exactly once.

It talks only to 127.0.0.1, stops by itself, and prints p50/p95/p99 latency, errors, and
readings sent, acknowledged, stored and lost. Exit status 1 if any reading was lost or
duplicated.

Usage: .venv/bin/python -m bench.load_faults --duration 300          (the full run)
       MONITOR_TEST_POSTGRES_URL=... is the PostgreSQL server to use (a schema of its own).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, text

from bench.support import postgres_url
from monitor.app import create_app
from monitor.config import REPO_ROOT, Settings, load_config
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.db.models import Reading
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, find_csrf

TABLETS, VIEWERS = 40, 10
READING_EVERY, BOARD_EVERY = 10.0, 5.0


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    board_latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sent: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    faults: list[str] = field(default_factory=list)

    def note(self, seconds: float, ok: bool, board: bool = False) -> None:
        with self.lock:
            (self.board_latencies if board else self.latencies).append(seconds)
            if not ok:
                self.errors += 1


class Client:
    """One tablet or board: its own cookie jar, signed in through the real form."""

    def __init__(self, base: str, username: str, login_page: dict[str, Any]) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        for _ in range(30):
            try:
                token = find_csrf(json.loads(self.post(login_page)[1]))
                data = urllib.parse.urlencode(
                    {"username": username, "csrf_token": token, "password": factories.PASSWORD}
                ).encode()
                self.opener.open(f"{base}/auth/login", data=data, timeout=10).read()
                return
            except (OSError, ValueError):
                time.sleep(1)
        raise RuntimeError(f"{username} could not sign in")

    def post(self, payload: dict[str, Any], timeout: float = 10) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{self.base}{ENDPOINT}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "error",
            "monitor.wsgi:server",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def restart_postgres() -> str:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return f"PostgreSQL restarted (exit {result.returncode})"


def kill_a_worker(master: int) -> str:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    pids = [int(p) for p in children.stdout.split()]
    if not pids:
        return "no worker found to kill"
    victim = random.choice(pids)
    os.kill(victim, signal.SIGKILL)
    return f"gunicorn worker {victim} killed with SIGKILL"


def tablet(
    client: Client,
    template: dict[str, Any],
    session_id: int,
    tally: Tally,
    stop_at: float,
    give_up_at: float,
) -> None:
    rng = random.Random(session_id)
    time.sleep(rng.uniform(0, READING_EVERY))
    while time.monotonic() < stop_at:
        key = uuid.uuid4().hex
        payload = json.loads(json.dumps(template))
        values = {
            "bed-session-id.data": session_id,
            "bed-reading-key.data": key,
            "bed-systolic.value": str(rng.randint(110, 175)),
            "bed-diastolic.value": str(rng.randint(65, 95)),
            "bed-heart-rate.value": str(rng.randint(60, 100)),
            "bed-spo2.value": "97",
            "bed-resp-rate.value": "14",
            "bed-moaas.value": 5,
        }
        for spec in payload["state"]:
            name = f"{spec['id']}.{spec['property']}"
            if name in values:
                spec["value"] = values[name]
        with tally.lock:
            tally.sent.add(key)
        started = time.monotonic()
        while time.monotonic() < give_up_at:  # the same request until it is answered
            began = time.monotonic()
            try:
                status, text = client.post(payload)
            except OSError:
                status, text = 0, ""
            saved = status == 200 and "Reading saved" in text
            tally.note(time.monotonic() - began, saved)
            if saved:
                with tally.lock:
                    tally.acknowledged.add(key)
                break
            time.sleep(1)
        time.sleep(max(0.0, READING_EVERY - (time.monotonic() - started)))


def viewer(client: Client, payload: dict[str, Any], tally: Tally, stop_at: float) -> None:
    time.sleep(random.uniform(0, BOARD_EVERY))
    while time.monotonic() < stop_at:
        began = time.monotonic()
        try:
            status, _ = client.post(payload)
        except OSError:
            status = 0
        tally.note(time.monotonic() - began, status == 200, board=True)
        time.sleep(max(0.0, BOARD_EVERY - (time.monotonic() - began)))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(base_url: str, duration: float, faults: bool) -> dict[str, Any]:
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder, postgres_url(base_url) as url:
        raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text())
        raw["clinic"]["chairs"] = [f"Chair {n}" for n in range(1, TABLETS + 1)]
        raw["security"]["login_max_failures"] = 100
        raw["security"]["login_max_failures_per_username"] = 1000
        config_path = Path(folder) / "config.yaml"
        config_path.write_text(yaml.safe_dump(raw))
        config = load_config(config_path, environ={})
        upgrade(url)
        database = Database.from_url(url)
        nurse = factories.user(database, Role.NURSE, username="loadnurse")
        factories.user(database, Role.PHYSICIAN, username="loaddoctor")
        now = utcnow()
        sessions = [
            factories.infusing(database, config, nurse, chair=chair, now=now - timedelta(minutes=5))
            for chair in config.clinic.chairs[:TABLETS]
        ]
        if faults:
            # Write out what earlier work left in memory (a test suite's thousands of
            # tables), so the restart's shutdown checkpoint - and the outage the clients
            # retry through - is the restart's own, not the size of what came before.
            with database.engine.connect() as conn:
                conn.execute(text("CHECKPOINT"))
        app = create_app(Settings(config, url, Path(folder)))
        app.server.test_client().get("/login")
        save = body(app, callback_key(app, "bed-result.children"), {"bed-save.n_clicks": 1})
        board = body(
            app, callback_key(app, "board-tiles.children"), {"board-refresh.n_intervals": 1}
        )
        board["changedPropIds"] = ["board-refresh.n_intervals"]
        login = body(
            app,
            callback_key(app, "_pages_content"),
            {"_pages_location.pathname": "/login", "_pages_location.search": ""},
        )
        port = free_port()
        env = {
            **os.environ,
            "MONITOR_DATABASE_URL": url,
            "MONITOR_CONFIG": str(config_path),
            "MONITOR_INSTANCE": folder,
            "MONITOR_SECRET_KEY": "k" * 64,
        }
        with gunicorn(env, port) as master:
            base = f"http://127.0.0.1:{port}"
            tablets = [Client(base, "loadnurse", login) for _ in range(TABLETS)]
            boards = [Client(base, "loaddoctor", login) for _ in range(VIEWERS)]
            began = time.monotonic()
            stop_at, give_up_at = began + duration, began + duration + 90
            threads = [
                threading.Thread(target=tablet, args=(c, save, sid, tally, stop_at, give_up_at))
                for c, sid in zip(tablets, sessions, strict=True)
            ]
            threads += [
                threading.Thread(target=viewer, args=(c, board, tally, stop_at)) for c in boards
            ]
            for thread in threads:
                thread.start()
            if faults:
                time.sleep(duration / 3)
                tally.faults.append(restart_postgres())
                time.sleep(max(0.0, began + 2 * duration / 3 - time.monotonic()))
                tally.faults.append(kill_a_worker(master.pid))
            for thread in threads:
                thread.join(timeout=duration + 120)
        with database.session_scope() as db:
            counts = dict(
                db.execute(
                    select(Reading.idempotency_key, func.count())
                    .where(Reading.idempotency_key.in_(tally.sent))
                    .group_by(Reading.idempotency_key)
                ).all()
            )
        database.dispose()
    lost = [k for k in tally.acknowledged if counts.get(k, 0) != 1]
    duplicated = [k for k, n in counts.items() if n > 1]
    return {
        "duration_s": duration,
        "faults": tally.faults,
        "requests": len(tally.latencies) + len(tally.board_latencies),
        "errors": tally.errors,
        "save_p50_ms": 1000 * percentile(tally.latencies, 0.50),
        "save_p95_ms": 1000 * percentile(tally.latencies, 0.95),
        "save_p99_ms": 1000 * percentile(tally.latencies, 0.99),
        "board_p50_ms": 1000 * percentile(tally.board_latencies, 0.50),
        "board_p95_ms": 1000 * percentile(tally.board_latencies, 0.95),
        "board_p99_ms": 1000 * percentile(tally.board_latencies, 0.99),
        "readings_sent": len(tally.sent),
        "readings_acknowledged": len(tally.acknowledged),
        "readings_stored": sum(counts.values()),
        "readings_lost": len(lost),
        "readings_duplicated": len(duplicated),
        "all_latency_median_ms": 1000
        * statistics.median(tally.latencies + tally.board_latencies or [float("nan")]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds (default 300)")
    parser.add_argument("--no-faults", action="store_true", help="load only")
    args = parser.parse_args()
    base = os.environ.get("MONITOR_TEST_POSTGRES_URL")
    if not base:
        print("set MONITOR_TEST_POSTGRES_URL to the PostgreSQL server to use", file=sys.stderr)
        return 2
    result = run(base, args.duration, not args.no_faults)
    for key, value in result.items():
        print(f"{key:24s} {value:,.1f}" if isinstance(value, float) else f"{key:24s} {value}")
    return 1 if result["readings_lost"] or result["readings_duplicated"] else 0


if __name__ == "__main__":
    sys.exit(main())
