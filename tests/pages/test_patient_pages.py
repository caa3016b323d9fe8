"""The patients screens over HTTP, as the browser posts them: register (refusals at the
field, nothing stored), search, open a patient (logged), correct with a reason (audited);
the admin sees demographics and never a course, the auditor reads without a form."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Patient
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import answer, call, open_page, prepare, sign_in

FORM = {
    "patients-new-mrn.value": "MRN-7001",
    "patients-new-family-name.value": "Nguyen",
    "patients-new-given-name.value": "Lan",
    "patients-new-birth-date.value": "1990-07-15",
    "patients-new-sex.value": "female",
    "patients-new-weight.value": "61.5",
    "patients-new-allergies.value": "None known",
    "patients-new-escort-name.value": "Minh Nguyen",
    "patients-new-escort-phone.value": "+1 555 010 2030",
}


def client_for(app: Dash, database: Database, role: Role) -> FlaskClient:
    client = prepare(app)
    sign_in(client, factories.user(database, role).username)
    return client


def register(client: FlaskClient, app: Dash, **changes: Any) -> dict[str, Any]:
    values = FORM | {"patients-new-submit.n_clicks": 1, "patients-new-key.data": factories.key()}
    values |= changes
    out: dict[str, dict[str, Any]] = answer(
        call(client, app, "patients-new-message.children", values)
    )
    return out["response"]


def patients(database: Database) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(Patient)) or 0


def said(node: Any) -> str:
    return json.dumps(node)


def test_register_then_duplicate_mrn_is_refused_at_the_field(app: Dash, database: Database) -> None:
    client = client_for(app, database, Role.NURSE)
    done = register(client, app)
    assert "Registered: Nguyen, Lan (MRN MRN-7001)" in said(done["patients-new-message"])
    assert "/patient/" in said(done["patients-new-message"])
    again = register(client, app, **{"patients-new-family-name.value": "Other"})
    assert again["patients-new-mrn"]["invalid"] is True
    assert "already registered" in again["patients-new-mrn-feedback"]["children"]
    assert "Nothing was saved" in said(again["patients-new-message"])
    assert patients(database) == 1


def test_impossible_date_and_weight_refused_at_their_fields(
    app: Dash, database: Database, config: Config
) -> None:
    client = client_for(app, database, Role.ADMIN)
    out = register(
        client,
        app,
        **{"patients-new-birth-date.value": "2025-02-30", "patients-new-weight.value": "500"},
    )
    assert "not a calendar day" in out["patients-new-birth-date-feedback"]["children"]
    assert out["patients-new-weight"]["invalid"] is True
    assert out["patients-new-mrn"]["invalid"] is False
    assert patients(database) == 0


def test_search_by_birth_date_links_the_patient(app: Dash, database: Database) -> None:
    client = client_for(app, database, Role.PHYSICIAN)
    register(client, app)
    out = answer(
        call(
            client,
            app,
            "patients-results.children",
            {"patients-search.n_clicks": 1, "patients-search-text.value": "1990-07-15"},
        )
    )["response"]
    assert "Nguyen, Lan" in said(out) and "/patient/" in said(out)
    bad = answer(
        call(
            client,
            app,
            "patients-results.children",
            {"patients-search.n_clicks": 1, "patients-search-text.value": "2025-02-30"},
        )
    )["response"]
    assert "not a calendar day" in bad["patients-search-feedback"]["children"]


def patient_id(database: Database) -> int:
    with database.session_scope() as db:
        found = db.scalar(select(Patient.id))
        assert isinstance(found, int)
        return found


def test_the_admin_sees_demographics_never_a_course(
    app: Dash, database: Database, config: Config
) -> None:
    admin = client_for(app, database, Role.ADMIN)
    register(admin, app)
    pid = patient_id(database)
    factories.ready_course(database, config, pid)
    page = said(open_page(admin, app, f"/patient/{pid}"))
    assert "Nguyen, Lan" in page and "None known" in page and "61.5 kg" in page
    assert "Treatment courses" not in page and "/course/" not in page
    assert "0 of 6 sessions" not in page and "Save changes" in page
    nurse = client_for(app, database, Role.NURSE)
    page = said(open_page(nurse, app, f"/patient/{pid}"))
    assert "Treatment courses" in page and f"/course/new?patient_id={pid}" in page
    assert "0 of 6 sessions" in page and "/course/" in page
    auditor = client_for(app, database, Role.AUDITOR)
    page = said(open_page(auditor, app, f"/patient/{pid}"))
    assert "Treatment courses" in page and "Save changes" not in page
    assert "0 of 6 sessions" in page and "/course/new" not in page
    with database.session_scope() as db:
        viewed = db.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "patient.viewed")
        ).all()
    assert viewed == [pid, pid, pid]


def test_a_missing_patient_is_not_found(app: Dash, database: Database) -> None:
    nurse = client_for(app, database, Role.NURSE)
    for path in ("/patient/999", "/patient/abc", "/patient/99999999999999"):
        assert "No patient" in said(open_page(nurse, app, path))


def edit(client: FlaskClient, app: Dash, pid: Any, reason: Any, **changes: Any) -> Any:
    values = {key.replace("patients-new", "patient-edit"): value for key, value in FORM.items()} | {
        "patient-edit-submit.n_clicks": 1,
        "patient-edit-key.data": factories.key(),
        "patient-edit-reason.value": reason,
        "patient-id.data": pid,
    }
    return answer(call(client, app, "patient-edit-message.children", values | changes))["response"]


def test_a_correction_needs_a_reason_and_is_audited(app: Dash, database: Database) -> None:
    nurse = client_for(app, database, Role.NURSE)
    register(nurse, app)
    pid = patient_id(database)
    weight = {"patient-edit-weight.value": "63"}
    refused = edit(nurse, app, pid, "", **weight)
    assert refused["patient-edit-reason"]["invalid"] is True
    same = edit(nurse, app, pid, "No change")
    assert "Nothing was changed" in said(same["patient-edit-message"])
    done = edit(nurse, app, pid, "Weighed today", **weight)
    assert "Saved: Weight (kg)" in said(done["patient-edit-message"])
    assert "63.0 kg" in said(done["patient-summary"])
    assert "Weighed today" in said(done["patient-history"])
    with database.session_scope() as db:
        entry = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient.edited")).one()
        assert (entry.old_values, entry.reason) == ({"weight": 61.5}, "Weighed today")
    crafted = call(
        nurse,
        app,
        "patient-edit-message.children",
        {"patient-edit-submit.n_clicks": 1, "patient-id.data": "1; DROP"},
    )
    assert crafted.status_code == 400
