"""Finding 9: cross-site state changes rested on luck (callbacks need application/json and
no CORS answer exists; `/auth/logout` had no defence: a form on another site signed the
victim out). Every state-changing request whose `Origin` or `Sec-Fetch-Site` says it comes
from another site is refused 403 before it acts; the app's own pages, and clients that send
neither header (scripts, this test client), go through."""

from __future__ import annotations

from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient

from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, login_token, prepare, sign_in

ROLES = ("nurse", "physician", "auditor", "admin")
HERE = "http://localhost"  # the test client's host
CROSS_SITE: list[dict[str, str]] = [
    {"Origin": "https://evil.example"},
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling host such as other.clinic.example
    {"Origin": "null"},  # a sandboxed frame or a data: page
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "http://localhost:8050"},  # another port is another origin
    {"Origin": HERE, "Sec-Fetch-Site": "cross-site"},  # either header refusing is enough
]
SAME_SITE: list[dict[str, str]] = [
    {"Origin": HERE, "Sec-Fetch-Site": "same-origin"},
    {"Origin": HERE},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the person in the address bar
    {},  # no browser: curl, a script, the test client
]


def signed_in(app: Dash, database: Database, role: str) -> FlaskClient:
    client = prepare(app)
    sign_in(client, factories.user(database, Role(role)).username)
    return client


def still_signed_in(client: FlaskClient) -> bool:
    state: dict[str, Any] = client.get("/auth/me").get_json()
    return bool(state["signed_in"])


def page_request(app: Dash) -> dict[str, Any]:
    key = callback_key(app, "_pages_content")
    return body(app, key, {"_pages_location.pathname": "/", "_pages_location.search": ""})


@pytest.mark.parametrize("role", ROLES)
def test_a_cross_site_sign_out_is_refused(app: Dash, database: Database, role: str) -> None:
    client = signed_in(app, database, role)
    for headers in CROSS_SITE:
        response = client.post("/auth/logout", headers=headers)
        assert response.status_code == 403, headers
        assert "another" in response.get_data(as_text=True)
        assert still_signed_in(client), headers


@pytest.mark.parametrize("role", ROLES)
def test_a_cross_site_callback_and_stay_are_refused(
    app: Dash, database: Database, role: str
) -> None:
    client = signed_in(app, database, role)
    for headers in CROSS_SITE:
        response = client.post(ENDPOINT, json=page_request(app), headers=headers)
        assert response.status_code == 403, headers
        assert client.post("/auth/stay", headers=headers).status_code == 403, headers


def test_a_cross_site_sign_in_is_refused(app: Dash, database: Database) -> None:
    """Login CSRF (the victim signed in as the attacker): the token already stops it; the
    origin check stops it before the password is even looked at."""
    nurse = factories.user(database, Role.NURSE)
    client = prepare(app)
    form = {"username": nurse.username, "password": factories.PASSWORD}
    for headers in CROSS_SITE:
        response = client.post(
            "/auth/login", data=form | {"csrf_token": login_token(client)}, headers=headers
        )
        assert response.status_code == 403, headers
        assert not still_signed_in(client), headers


def test_the_apps_own_pages_and_non_browsers_go_through(app: Dash, database: Database) -> None:
    nurse = factories.user(database, Role.NURSE)
    client = prepare(app)
    form = {"username": nurse.username, "password": factories.PASSWORD}
    for headers in SAME_SITE:
        response = client.post(
            "/auth/login", data=form | {"csrf_token": login_token(client)}, headers=headers
        )
        assert response.status_code == 302, headers
        assert response.headers["Location"] == "/bedside"
        callback = client.post(ENDPOINT, json=page_request(app), headers=headers)
        assert callback.status_code == 200, headers
        assert client.post("/auth/stay", headers=headers).status_code == 200, headers
        assert client.post("/auth/logout", headers=headers).status_code == 302, headers
        assert not still_signed_in(client), headers


def test_behind_a_proxy_the_origin_is_compared_with_the_host_the_browser_asked_for(
    app: Dash, database: Database
) -> None:
    """nginx terminates TLS and passes the browser's Host: the app sees http, the browser's
    Origin says https; the host is what must match."""
    client = signed_in(app, database, "nurse")
    proxied = {"Host": "monitor.clinic.example"}
    evil = proxied | {"Origin": "https://evil.example"}
    assert client.post("/auth/stay", headers=evil).status_code == 403
    own = proxied | {"Origin": "https://monitor.clinic.example", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/auth/stay", headers=own).status_code == 200


def test_reading_is_not_refused_from_a_link_on_another_site(app: Dash, database: Database) -> None:
    """A link from another site (GET) opens the page: navigation is not a state change."""
    client = signed_in(app, database, "nurse")
    response = client.get("/bedside", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
