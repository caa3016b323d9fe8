"""Finding 6, deployed: failures count per source address, so behind nginx the app must
see the browser's address, not the proxy's, or one guesser locks every tablet out. With
`app.trusted_proxies: 1` the address nginx forwards is the one counted; with 0 (the
default, no proxy) the header is ignored, so a client cannot pick the address it is
counted under."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.models import LoginFailure
from tests import factories
from tests.factories import PASSWORD
from tests.pages.dash_http import login_token, prepare

GUESSER, NURSES_STATION = "203.0.113.9", "10.0.0.21"


def _settings(config: Config, database_url: str, tmp_path: Path, proxies: int) -> Settings:
    app = config.app.model_copy(update={"trusted_proxies": proxies})
    return Settings(
        config=config.model_copy(update={"app": app}),
        database_url=database_url,
        instance_path=tmp_path / "instance",
    )


def _sign_in(client: FlaskClient, username: str, password: str, forwarded_for: str) -> str:
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": login_token(client)},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return str(response.headers["Location"])


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_counted_address_is_the_one_a_trusted_proxy_forwards(
    config: Config, database: Database, database_url: str, tmp_path: Path, proxies: int
) -> None:
    doctor = factories.user(database, "physician")
    app = create_app(_settings(config, database_url, tmp_path, proxies))
    guesser, station = prepare(app), prepare(app)
    for n in range(config.security.login_max_failures):
        assert "error=1" in _sign_in(guesser, doctor.username, f"wrong-guess-{n}x", GUESSER)
    with database.session_scope() as db:
        counted = set(db.scalars(select(LoginFailure.remote_addr)))
    owner = _sign_in(station, doctor.username, PASSWORD, NURSES_STATION)
    if proxies:
        assert counted == {GUESSER}
        assert owner == "/board", "the physician at their own station still signs in"
    else:
        assert counted == {"127.0.0.1"}, "an unproxied app ignores X-Forwarded-For"
        assert "error=locked" in owner, "without a proxy, both come from one address"
