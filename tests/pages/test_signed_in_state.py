"""What the page learns about its sign-in (GET /auth/me) and "Stay signed in"
(POST /auth/stay): asking never keeps a tablet signed in; the button does."""

from __future__ import annotations

from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from tests import factories
from tests.pages.dash_http import answer, prepare, sign_in
from tests.sign_in_time import idle_for


def test_signed_out_page_learns_it_without_an_error(app: Dash, config: Config) -> None:
    answer = prepare(app).get("/auth/me")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json == {
        "signed_in": False,
        "idle_seconds": config.security.idle_timeout_minutes * 60,
        "warning_seconds": config.security.idle_warning_seconds,
        "zone": config.clinic.time_zone,
    }


def test_asking_does_not_keep_the_sign_in_but_stay_does(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    client = prepare(app)
    sign_in(client, nurse.username)
    idle = config.security.idle_timeout_minutes * 60
    idle_for(database, nurse.id, idle - 40)
    me = answer(client.get("/auth/me"))
    assert me["signed_in"] and me["user"] == nurse.username and me["name"] == nurse.full_name
    assert 30 < me["seconds_left"] <= 40  # asked, not extended
    stayed = answer(client.post("/auth/stay"))
    assert stayed["signed_in"] and stayed["seconds_left"] > idle - 5
    idle_for(database, nurse.id, idle + 1)
    assert answer(client.get("/auth/me"))["signed_in"] is False  # idle: signed out, told so
    assert answer(client.post("/auth/stay"))["signed_in"] is False
