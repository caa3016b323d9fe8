"""Access control as a matrix, the one role test: every Dash callback and every Flask route,
called directly over HTTP (crafted POSTs, not clicks) as anonymous, nurse, physician, auditor
and admin. The allowed set is asserted exactly, so a new callback or route without a decision
here fails this test; so is the refusal itself (a callback refuses anonymous with 401 and a
signed-in role with 403; a route sends anonymous to the sign-in page and refuses a signed-in
role with 403), and a download answers in its own format."""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, prepare, sign_in

ANON = "anonymous"
ROLES = (ANON, "nurse", "physician", "auditor", "admin")
CLINICAL = {"nurse", "physician"}
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {ANON}

# Callbacks, by the id prefix of their first output: who may call them.
CALLBACKS = {
    "_pages_content": EVERYONE,  # Dash's page router; each page guards itself
    "bed-": CLINICAL,
    "rec-message": CLINICAL,  # the assessment and the nurse's signature
    "rec-signers": CLINICAL,  # which signature panels the role is shown
    "rec-approve": {"physician"},  # the approval panel: co-sign, and its open alerts
    "rec-ack": {"physician"},
    "exit-": {"physician"},  # the signed exit from recovery (issue 9): the physician's alone
    "session-add": CLINICAL,
    "session-signoff": {"physician"},  # the same approval panel on the session record
    "board-": {"physician"},
    "audit-": {"auditor"},
    "measures-": {"auditor"},
    # issue 12 (predose): the pre-dose card refreshes under "bed-"; the clearance is the
    # physician's alone
    "predose-": {"physician"},
    # issue 12 (patients): a search is a read (VIEW_PATIENT); registering and correcting
    # demographics are the admin's, nurses' and physicians' (MANAGE_PATIENTS)
    "patients-results": CLINICAL | {"admin", "auditor"},
    "patients-new-": CLINICAL | {"admin"},
    "patient-edit-": CLINICAL | {"admin"},
    # issue 12 (coursepage): the course page's forms; the auditor reads the course, no form
    "course-start-": CLINICAL,
    "course-screen-": CLINICAL,
    "course-decide-": {"physician"},
    "course-consent-": CLINICAL,
    "course-withdraw-": CLINICAL,
    "course-status-": CLINICAL,
    # issue 12 (staff): the administrator's staff screen; everyone's own password
    "staff-": {"admin"},
    "acct-": SIGNED_IN,
    # questionnaires (issue 12): the nurse's PHQ-9/PCL-5 entry and the patient-mode tablet
    "qf-": CLINICAL,
    "pm-": CLINICAL,
    # issue 13: adverse events and rescue medications at the bedside; the physician's
    # medication order; the ketamine record (the witness is any clinical user) and the
    # physician's resolution of a discrepancy; the reconciliation (physician and auditor)
    "ae-": CLINICAL,
    "med-": CLINICAL,
    "medorder-": {"physician"},
    "ket-": CLINICAL,
    "ketresolve-": {"physician"},
    "recon-": {"physician", "auditor"},
}
# Routes: who gets through (anonymous is sent to the sign-in page otherwise).
ROUTES: dict[str, tuple[str, str, set[str]]] = {
    "/healthz": ("GET", "/healthz", EVERYONE),
    "/auth/logout": ("POST", "/auth/logout", EVERYONE),
    # who is signed in (or that no one is), for the page's lock: issue 9 (lock)
    "/auth/me": ("GET", "/auth/me", EVERYONE),
    "/auth/stay": ("POST", "/auth/stay", EVERYONE),
    "/": ("GET", "/", SIGNED_IN),
    "/<path:path>": ("GET", "/bedside", SIGNED_IN),  # pages: the page itself checks the role
    "/_dash-layout": ("GET", "/_dash-layout", EVERYONE),
    "/_dash-dependencies": ("GET", "/_dash-dependencies", EVERYONE),
    "/_reload-hash": ("GET", "/_reload-hash", EVERYONE),
    "/_favicon.ico": ("GET", "/_favicon.ico", EVERYONE),
    "/assets/<path:filename>": ("GET", "/assets/monitor.css", EVERYONE),
    "/session/<int:session_id>/record.pdf": (
        "GET",
        "/session/{sid}/record.pdf",
        CLINICAL | {"auditor"},
    ),
    "/session/<int:session_id>/rems.csv": (
        "GET",
        "/session/{sid}/rems.csv",
        CLINICAL | {"auditor"},
    ),
    "/audit/export/sessions.csv": ("GET", "/audit/export/sessions.csv?flags=high", {"auditor"}),
    "/audit/export/readings.csv": ("GET", "/audit/export/readings.csv", {"auditor"}),
    # issue 13: the controlled-substance reconciliation, the auditor's and the physician's
    "/audit/export/reconciliation.csv": (
        "GET",
        "/audit/export/reconciliation.csv?start=2026-11-01&end=2026-11-30",
        {"physician", "auditor"},
    ),
    # issue 13: the period's adverse events and rescue-medication doses, the auditor's
    "/audit/export/adverse_events.csv": (
        "GET",
        "/audit/export/adverse_events.csv?start=2026-11-01&end=2026-11-30",
        {"auditor"},
    ),
    "/audit/export/medications.csv": (
        "GET",
        "/audit/export/medications.csv?start=2026-11-01&end=2026-11-30",
        {"auditor"},
    ),
}
# A download's format, by its route's extension.
DOWNLOADS = {"csv": "text/csv", "pdf": "application/pdf"}
# Reached only through other paths, or served by the framework for its own files.
NOT_CALLED_DIRECTLY = {
    "/auth/login",  # the sign-in form itself: tests/pages/test_sign_in.py
    "/_dash-update-component",  # every callback: the callback matrix below
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
    "/static/<path:filename>",
}


def clients(app: Dash, database: Database) -> dict[str, FlaskClient]:
    out = {ANON: prepare(app)}
    for role in ROLES[1:]:
        client = prepare(app)
        sign_in(client, factories.user(database, Role(role)).username)
        out[role] = client
    return out


def decision(key: str) -> set[str]:
    first = key.strip(".").split("...")[0]
    matches = [roles for prefix, roles in CALLBACKS.items() if first.startswith(prefix)]
    assert len(matches) == 1, f"no access decision for callback {key!r}: add it to CALLBACKS"
    return matches[0]


def allowed(role: str, response: TestResponse, *, route: bool) -> bool:
    """Whether `role` got through; a refusal must be the one its kind gets."""
    status, location = response.status_code, response.headers.get("Location") or ""
    assert status < 500, (role, status)
    if status in (401, 403) or (status == 302 and location.startswith("/login")):
        expected = 403 if role != ANON else 302 if route else 401
        assert status == expected, f"{role} refused with {status}, expected {expected}"
        return False
    return True


def test_every_callback(app: Dash, database: Database) -> None:
    by_role = clients(app, database)
    callbacks = [k for k, v in app.callback_map.items() if "callback" in v]
    assert len(callbacks) >= 15
    for key in callbacks:
        expected = decision(key)
        got = set()
        for role, client in by_role.items():
            values = {"_pages_location.pathname": "/bedside", "_pages_location.search": ""}
            response = client.post(ENDPOINT, json=body(app, key, values))
            if allowed(role, response, route=False):
                got.add(role)
        assert got == expected, f"{key}: allowed {sorted(got)}, expected {sorted(expected)}"


def test_every_route(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    rules = {rule.rule for rule in app.server.url_map.iter_rules()}
    undecided = rules - set(ROUTES) - NOT_CALLED_DIRECTLY
    assert not undecided, f"no access decision for routes {sorted(undecided)}: add to ROUTES"
    by_role = clients(app, database)
    for rule, (method, path, expected) in ROUTES.items():
        got = set()
        for role, client in by_role.items():
            if role != ANON and method == "POST":
                client = prepare(app)
                sign_in(client, factories.user(database, Role(role)).username)
            call: Any = client.post if method == "POST" else client.get
            response = call(path.format(sid=sid))
            location = response.headers.get("Location")
            signed_out = rule == "/auth/logout" and location == "/login"  # its purpose
            if signed_out or allowed(role, response, route=True):
                got.add(role)
                download = DOWNLOADS.get(rule.rsplit(".", 1)[-1])
                assert download is None or response.mimetype == download, (rule, role)
            response.close()
        assert got == expected, f"{rule}: allowed {sorted(got)}, expected {sorted(expected)}"
