"""Every server callback checks the role itself: crafted POSTs, not clicks."""

from __future__ import annotations

import pytest
from dash import Dash

from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, prepare, sign_in

PUBLIC = ("_pages_content",)  # Dash's page router: it serves the sign-in page itself
PHYSICIAN_ONLY = ("board-", "rec-approve", "rec-ack", "session-signoff")  # and approval
AUDITOR_ONLY = ("audit-", "measures-")


def server_callbacks(app: Dash) -> list[str]:
    prepare(app)
    return sorted(
        key
        for key, entry in app.callback_map.items()
        if "callback" in entry and not any(p in key for p in PUBLIC)  # clientside: none
    )


def test_there_are_callbacks_to_check(app: Dash) -> None:
    assert len(server_callbacks(app)) >= 10


def test_anonymous_is_refused_everywhere(app: Dash) -> None:
    client = prepare(app)
    for key in server_callbacks(app):
        response = client.post(ENDPOINT, json=body(app, key, {}))
        assert response.status_code == 401, key


def test_admin_is_refused_everywhere(app: Dash, database: Database) -> None:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.ADMIN).username)
    for key in server_callbacks(app):
        response = client.post(ENDPOINT, json=body(app, key, {}))
        assert response.status_code == 403, key


def test_auditor_reaches_only_the_audit_screens(app: Dash, database: Database) -> None:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.AUDITOR).username)
    for key in server_callbacks(app):
        response = client.post(ENDPOINT, json=body(app, key, {}))
        audit = any(p in key for p in AUDITOR_ONLY)
        assert (response.status_code < 400) if audit else (response.status_code == 403), key


def test_clinicians_are_refused_the_audit_screens(app: Dash, database: Database) -> None:
    audit = [k for k in server_callbacks(app) if any(p in k for p in AUDITOR_ONLY)]
    assert audit
    for role in (Role.NURSE, Role.PHYSICIAN):
        client = prepare(app)
        sign_in(client, factories.user(database, role).username)
        for key in audit:
            assert client.post(ENDPOINT, json=body(app, key, {})).status_code == 403, key


def test_nurse_is_refused_the_physicians_board(app: Dash, database: Database) -> None:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.NURSE).username)
    board = [k for k in server_callbacks(app) if any(p in k for p in PHYSICIAN_ONLY)]
    assert board
    for key in board:
        assert client.post(ENDPOINT, json=body(app, key, {})).status_code == 403, key


@pytest.mark.parametrize("session_id", [None, "abc", "1.5", -1, True, "99999999999999999999"])
def test_odd_session_ids_never_cause_a_server_error(
    app: Dash, database: Database, session_id: object
) -> None:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.NURSE).username)
    for key in server_callbacks(app):
        if "bed-" not in key:
            continue
        values = {
            "bed-session-id.data": session_id,
            "bed-save.n_clicks": 1,
            "bed-cadss-save.n_clicks": 1,
            "bed-start.n_clicks": 1,
            "bed-open-submit.n_clicks": 1,
            "bed-open-patient.value": session_id,
        }
        response = client.post(ENDPOINT, json=body(app, key, values))
        assert response.status_code < 500, (key, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.NURSE, 403),
        (Role.PHYSICIAN, 403),
        (Role.ADMIN, 403),
        (Role.AUDITOR, 200),
    ],
)
def test_exports_are_the_auditors(
    app: Dash, database: Database, role: Role | None, status: int
) -> None:
    client = prepare(app)
    if role is not None:
        sign_in(client, factories.user(database, role).username)
    for path in ("/audit/export/sessions.csv?flags=high", "/audit/export/readings.csv"):
        response = client.get(path)
        assert response.status_code == status, path
        if status == 200:
            assert response.mimetype == "text/csv"
            response.get_data()  # drain the stream
