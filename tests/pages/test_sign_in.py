"""Sign-in protections: CSRF on the form, lockout after repeated failures (shared through
the database, so every worker agrees), idle sign-out, cookies and security headers."""

from __future__ import annotations

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, login_token, prepare, sign_in
from tests.sign_in_time import idle_for, rows_of


def attempt(
    client: FlaskClient, username: str, password: str, token: str | None = None, **extra: str
) -> str:
    response = client.post(
        "/auth/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token if token is not None else login_token(client),
            **extra,
        },
    )
    return str(response.headers["Location"])


def test_wrong_password_returns_to_login_with_error(app: Dash, database: Database) -> None:
    nurse = factories.user(database)
    assert attempt(prepare(app), nurse.username, "nope").startswith("/login?error=1")


def test_form_without_a_valid_csrf_token_is_refused(app: Dash, database: Database) -> None:
    nurse = factories.user(database)
    client = prepare(app)
    for token in ("", "forged-token"):
        location = attempt(client, nurse.username, factories.PASSWORD, token=token)
        assert location.startswith("/login?error=expired")
    other = prepare(app)  # a token from another browser's session does not work either
    assert attempt(client, nurse.username, factories.PASSWORD, token=login_token(other)).startswith(
        "/login?error=expired"
    )


def test_login_refuses_open_redirects(app: Dash, database: Database) -> None:
    nurse = factories.user(database)
    location = attempt(
        prepare(app), nurse.username, factories.PASSWORD, next="https://evil.example/"
    )
    assert location == "/bedside"


def test_repeated_failures_lock_the_username(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database)
    client = prepare(app)
    limit = config.security.login_max_failures
    for _ in range(limit):
        assert attempt(client, nurse.username, "wrong-guess").startswith("/login?error=1")
    # Even the right password is refused while locked, from any browser (any worker).
    assert attempt(prepare(app), nurse.username, factories.PASSWORD).startswith(
        "/login?error=locked"
    )
    with database.session_scope() as db:
        locked = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "auth.locked_out")
        )
        failed = db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "auth.failed")
        )
    assert (failed, locked) == (limit, 1)


def test_another_username_is_not_locked(app: Dash, database: Database, config: Config) -> None:
    nurse, other = factories.user(database), factories.user(database)
    client = prepare(app)
    for _ in range(config.security.login_max_failures):
        attempt(client, nurse.username, "wrong-guess")
    sign_in(prepare(app), other.username)


def test_idle_tablet_is_signed_out_but_polling_does_not_keep_it_alive(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    client = prepare(app)
    sign_in(client, nurse.username)
    refresh = body(
        app,
        callback_key(app, "bed-header.children"),
        {"bed-refresh.n_intervals": 3, "bed-session-id.data": 1},
    )
    refresh["changedPropIds"] = ["bed-refresh.n_intervals"]  # what Dash sends for a timer
    idle = config.security.idle_timeout_minutes * 60
    idle_for(database, nurse.id, idle - 30)  # idle for nearly the limit
    [before] = rows_of(database, nurse.id)
    client.post(ENDPOINT, json=refresh)  # a timer's poll: not a person
    [after] = rows_of(database, nurse.id)
    assert after.last_seen_at == before.last_seen_at
    idle_for(database, nurse.id, idle + 1)
    response = client.post(ENDPOINT, json=refresh)
    assert response.status_code == 401
    assert client.get("/bedside").headers["Location"].startswith("/login")


def test_cookies_and_security_headers(app: Dash, database: Database) -> None:
    nurse = factories.user(database)
    client = prepare(app)
    response = client.post(
        "/auth/login",
        data={
            "username": nurse.username,
            "password": factories.PASSWORD,
            "csrf_token": login_token(client),
        },
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/bedside")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
