"""Finding 14: PHI in cacheable responses. Callback answers and `/_dash-layout` (it names
the signed-in user) carried no `Cache-Control: no-store`. Every response that can carry a
patient's or a user's data now does, for every role: every route the app serves (the
access matrix's list, which must name them all), every callback, a redirect and an error;
only static files (the app's assets, Dash's scripts, the favicon) stay cacheable."""

from __future__ import annotations

from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, prepare, sign_in
from tests.test_access_matrix import ROUTES

ROLES = ("anonymous", "nurse", "physician", "auditor", "admin")
STATIC = ("/assets/", "/_favicon.ico")


def client_as(app: Dash, database: Database, role: str) -> FlaskClient:
    client = prepare(app)
    if role != "anonymous":
        sign_in(client, factories.user(database, Role(role)).username)
    return client


def not_stored(response: Any) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_says_no_store(
    app: Dash, database: Database, config: Config, role: str
) -> None:
    sid = factories.infusing(database, config, factories.user(database, Role.NURSE))
    reader = client_as(app, database, role)
    for rule, (method, path, _who) in ROUTES.items():
        # a fresh client for a POST: sign-out is among them
        client = client_as(app, database, role) if method == "POST" else reader
        call: Any = client.post if method == "POST" else client.get
        response = call(path.format(sid=sid))
        if path.startswith(STATIC):
            assert not not_stored(response), f"{rule}: a static file should stay cacheable"
        else:
            assert not_stored(response), (rule, role, response.status_code, response.headers)
        response.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_answer_says_no_store(app: Dash, database: Database, role: str) -> None:
    client = client_as(app, database, role)
    callbacks = [k for k, v in app.callback_map.items() if "callback" in v]
    assert len(callbacks) >= 15
    for key in callbacks:
        values = {"_pages_location.pathname": "/bedside", "_pages_location.search": ""}
        response = client.post(ENDPOINT, json=body(app, key, values))
        assert not_stored(response), (key, role, response.status_code)


def test_the_layout_names_the_user_and_is_not_stored(app: Dash, database: Database) -> None:
    client = client_as(app, database, "physician")
    response = client.get("/_dash-layout")
    assert "Test Physician" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_redirects_and_errors_are_not_stored(app: Dash, database: Database) -> None:
    anonymous = client_as(app, database, "anonymous")
    assert not_stored(anonymous.get("/board"))  # 302 to the sign-in page
    nurse = client_as(app, database, "nurse")
    assert not_stored(nurse.get("/session/999999/record.pdf"))  # 404
    assert not_stored(nurse.post(ENDPOINT, json={"output": "nope"}))  # 400


def test_dash_scripts_stay_cacheable(app: Dash, database: Database) -> None:
    client = client_as(app, database, "nurse")
    page = client.get("/bedside").get_data(as_text=True)
    scripts = [s.split('"')[0] for s in page.split('src="')[1:]]
    suites = [s for s in scripts if s.startswith("/_dash-component-suites/")]
    assert suites
    for src in suites:
        response = client.get(src)
        assert response.status_code == 200, src
        assert not not_stored(response), src
