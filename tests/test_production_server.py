"""gunicorn with four workers: a reading saved through one worker shows on every board
refresh, whichever worker answers, so no state lives in a worker's memory."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, find_csrf

WORKERS = 4


def listening_socket() -> socket.socket:
    """A socket already bound to a free port, handed to gunicorn (`fd://`): no other test
    process can take the port between choosing it and gunicorn binding it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    return listener


@pytest.fixture
def gunicorn(database_url: str, tmp_path: Path) -> Iterator[str]:
    listener = listening_socket()
    port = int(listener.getsockname()[1])
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": database_url,
        "MONITOR_INSTANCE": str(tmp_path / "instance"),
        "MONITOR_SECRET_KEY": "s" * 64,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(WORKERS),
            "-b",
            f"fd://{listener.fileno()}",
            "--log-level",
            "warning",
            "monitor.wsgi:server",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(listener.fileno(),),
    )
    listener.close()  # gunicorn holds it now
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5).read()
            break
        except OSError:  # reset or timed out while the workers start
            time.sleep(0.3)
    else:
        process.kill()
        raise AssertionError(process.stdout.read().decode() if process.stdout else "no start")
    yield url
    process.terminate()
    process.wait(timeout=20)


class Browserless:
    """A cookie-keeping HTTP client that signs in and posts Dash callbacks."""

    def __init__(self, base: str, username: str, login_page: dict[str, object]) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        token = find_csrf(json.loads(self.callback(login_page)))
        form = urllib.parse.urlencode(
            {"username": username, "password": factories.PASSWORD, "csrf_token": token}
        ).encode()
        response = self.opener.open(f"{base}/auth/login", data=form, timeout=10)
        assert "/login" not in response.url

    def callback(self, payload: dict[str, object]) -> str:
        request = urllib.request.Request(
            f"{self.base}{ENDPOINT}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=10) as response:
            assert response.status == 200
            return str(response.read().decode())


def test_four_workers_share_everything(
    gunicorn: str, database_url: str, config: Config, tmp_path: Path
) -> None:
    database = Database.from_url(database_url)
    nurse = factories.user(database, username="nurse")
    factories.user(database, Role.PHYSICIAN, username="doctor")
    sid = factories.infusing(database, config, nurse, now=utcnow())
    database.dispose()
    app = create_app(Settings(config, database_url, tmp_path / "local"))
    app.server.test_client().get("/login")  # builds the callback map, for payloads

    board_key = callback_key(app, "board-tiles.children")
    board_payload = body(app, board_key, {"board-refresh.n_intervals": 1})
    save_payload = body(
        app,
        callback_key(app, "bed-result.children"),
        {
            "bed-save.n_clicks": 1,
            "bed-session-id.data": sid,
            "bed-reading-key.data": factories.key(),
            "bed-systolic.value": "190",
            "bed-diastolic.value": "100",
            "bed-heart-rate.value": "88",
            "bed-spo2.value": "97",
            "bed-resp-rate.value": "16",
            "bed-moaas.value": 4,
        },
    )

    login_page = body(
        app,
        callback_key(app, "_pages_content"),
        {"_pages_location.pathname": "/login", "_pages_location.search": ""},
    )
    doctor = Browserless(gunicorn, "doctor", login_page)
    before = [doctor.callback(board_payload) for _ in range(WORKERS * 2)]
    assert not any("Systolic 190" in page for page in before)

    saved = Browserless(gunicorn, "nurse", login_page).callback(save_payload)
    assert "Reading saved" in saved and "***" in saved

    after = [doctor.callback(board_payload) for _ in range(WORKERS * 3)]
    assert all("Systolic 190" in page and "alarm-high" in page for page in after)
