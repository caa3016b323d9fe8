"""The staff screen and the password page over HTTP, as the browser (or anyone) calls them;
the confinement of a sign-in that holds a temporary password, and of a tablet in patient
mode (auth.py), tested on real sign-in rows."""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import select, update

from monitor.db.engine import Database
from monitor.db.models import SignInSession, User
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, call, callback_key, open_page, prepare, sign_in

TEMPORARY = "temporary-pass-2026"
CHOSEN = "my-own-choice-of-words"
STAFF_OUT = "staff-action-message.children"
ACCOUNT_OUT = "acct-message.children"


def staff_call(client: FlaskClient, app: Dash, button: str, **values: Any) -> Any:
    key = callback_key(app, STAFF_OUT)
    sent = body(app, key, {f"staff-{k.replace('_', '-')}.value": v for k, v in values.items()})
    sent["changedPropIds"] = [f"{button}.n_clicks"]
    for item in sent["inputs"]:
        item["value"] = 1 if item["id"] == button else None
    response = client.post(ENDPOINT, json=sent)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def admin_client(app: Dash, database: Database) -> FlaskClient:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.ADMIN).username)
    return client


def change_password(client: FlaskClient, app: Dash, current: str, new: str) -> Any:
    return call(
        client,
        app,
        ACCOUNT_OUT,
        {
            "acct-save.n_clicks": 1,
            "acct-current.value": current,
            "acct-new.value": new,
            "acct-repeat.value": new,
        },
    )


def test_admin_adds_a_user_and_bad_entries_are_told(app: Dash, database: Database) -> None:
    client = admin_client(app, database)
    out = staff_call(
        client,
        app,
        "staff-create",
        new_username="x",
        new_name="Nina Nurse",
        new_role="nurse",
        new_password=TEMPORARY,
    )
    assert "lowercase letters" in str(out["staff-create-message"])
    assert "staff-table" not in out
    out = staff_call(
        client,
        app,
        "staff-create",
        new_username="nina",
        new_name="Nina Nurse",
        new_role="nurse",
        new_password=TEMPORARY,
    )
    assert "Added Nina Nurse (nina)" in str(out["staff-create-message"])
    assert "nina" in str(out["staff-table"]) and out["staff-new-password"] == {"value": ""}
    with database.session_scope() as db:
        assert db.scalars(select(User.must_change_password).where(User.username == "nina")).one()


def test_a_temporary_password_keeps_its_holder_on_the_password_page(
    app: Dash, database: Database
) -> None:
    admin = admin_client(app, database)
    staff_call(
        admin,
        app,
        "staff-create",
        new_username="nina",
        new_name="Nina Nurse",
        new_role="nurse",
        new_password=TEMPORARY,
    )
    nurse = prepare(app)
    sign_in(nurse, "nina", TEMPORARY)
    assert nurse.get("/bedside").headers["Location"] == "/account/password"
    assert nurse.get("/session/1/record.pdf").headers["Location"] == "/account/password"
    refused = call(nurse, app, "bed-header.children", {"bed-session-id.data": 1})
    assert refused.status_code == 403
    assert "temporary password" in refused.get_data(as_text=True)
    router = next(k for k in app.callback_map if "_pages_content" in k)
    other_page = body(app, router, {"_pages_location.pathname": "/bedside"})
    assert nurse.post(ENDPOINT, json=other_page).status_code == 403
    assert "Your password is temporary" in str(open_page(nurse, app, "/account/password"))
    assert nurse.get("/auth/me").get_json()["signed_in"]

    wrong = change_password(nurse, app, "not-it", CHOSEN).get_json()["response"]
    assert "not recognised" in str(wrong["acct-message"])
    done = change_password(nurse, app, TEMPORARY, CHOSEN).get_json()["response"]
    assert done["acct-redirect"] == {"href": "/bedside"}
    assert nurse.get("/bedside").status_code == 200, "the same sign-in goes on, freed"


def test_everyone_changes_their_own_password(app: Dash, database: Database) -> None:
    auditor = factories.user(database, Role.AUDITOR)
    client, other = prepare(app), prepare(app)
    sign_in(client, auditor.username)
    sign_in(other, auditor.username)
    mismatch = call(
        client,
        app,
        ACCOUNT_OUT,
        {
            "acct-save.n_clicks": 1,
            "acct-current.value": factories.PASSWORD,
            "acct-new.value": CHOSEN,
            "acct-repeat.value": CHOSEN + "x",
        },
    ).get_json()["response"]
    assert "differ" in str(mismatch["acct-message"])
    done = change_password(client, app, factories.PASSWORD, CHOSEN).get_json()["response"]
    assert "Password changed" in str(done["acct-message"])
    assert client.get("/audit/sessions").status_code == 200
    assert other.get("/audit/sessions").headers["Location"].startswith("/login")


def test_deactivating_a_signed_in_nurse_ends_her_sign_in_now(app: Dash, database: Database) -> None:
    admin = admin_client(app, database)
    nurse = factories.user(database)
    tablet = prepare(app)
    sign_in(tablet, nurse.username)
    assert tablet.get("/bedside").status_code == 200
    out = staff_call(admin, app, "staff-deactivate", user=str(nurse.id))
    assert "deactivated; 1 open sign-in(s) ended" in str(out["staff-action-message"])
    assert tablet.get("/bedside").headers["Location"].startswith("/login")
    assert call(tablet, app, "bed-header.children", {}).status_code == 401


def test_an_admin_is_told_they_cannot_deactivate_or_demote_themself(
    app: Dash, database: Database
) -> None:
    client = prepare(app)
    admin = factories.user(database, Role.ADMIN)
    sign_in(client, admin.username)
    out = staff_call(client, app, "staff-deactivate", user=str(admin.id))
    assert "cannot deactivate yourself" in str(out["staff-action-message"])
    out = staff_call(client, app, "staff-role-save", user=str(admin.id), role="nurse")
    assert "cannot demote yourself" in str(out["staff-action-message"])
    out = staff_call(client, app, "staff-unlock", user="")
    assert "Choose a user" in str(out["staff-action-message"])
    assert client.get("/bedside").status_code == 200  # the page guards itself:
    assert "may not open" in str(open_page(client, app, "/bedside"))  # no clinical record


def enter_patient_mode(database: Database, user_id: int, session_id: int = 7) -> None:
    with database.session_scope() as db:
        db.execute(
            update(SignInSession)
            .where(SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None))
            .values(patient_mode_session_id=session_id)
        )


def test_patient_mode_keeps_the_tablet_on_the_questionnaire(app: Dash, database: Database) -> None:
    nurse = factories.user(database)
    tablet = prepare(app)
    sign_in(tablet, nurse.username)
    enter_patient_mode(database, nurse.id)
    for path in ("/bedside", "/", "/login", "/account/password", "/session/1/record.pdf"):
        assert tablet.get(path).headers["Location"] == "/patient-mode", path
    for path in ("/patient-mode", "/_dash-layout", "/_dash-dependencies", "/auth/me"):
        assert tablet.get(path).status_code == 200, path
    assert tablet.get("/assets/monitor.css").status_code == 200
    refused = call(tablet, app, "bed-header.children", {"bed-session-id.data": 1})
    assert refused.status_code == 403 and "Patient mode" in refused.get_data(as_text=True)
    assert change_password(tablet, app, factories.PASSWORD, CHOSEN).status_code == 403
    router = next(k for k in app.callback_map if "_pages_content" in k)
    for path, status in (("/bedside", 403), ("/patient-mode", 200)):
        sent = body(app, router, {"_pages_location.pathname": path})
        assert tablet.post(ENDPOINT, json=sent).status_code == status, path
    # a `pm-` callback passes the guard (this one does not exist: the shape check answers)
    forged = {"output": "pm-answer.children", "outputs": {"id": "pm-answer"}, "inputs": []}
    assert tablet.post(ENDPOINT, json=forged).status_code not in (401, 403)
    assert tablet.post("/auth/stay").status_code == 200  # a tap keeps a slow patient signed in
    assert tablet.post("/auth/logout").headers["Location"] == "/login"
    assert tablet.get("/bedside").headers["Location"].startswith("/login")


def test_the_sign_in_helpers_name_the_row_and_its_patient_mode(
    app: Dash, database: Database
) -> None:
    from monitor import auth

    nurse = factories.user(database)
    client = prepare(app)
    sign_in(client, nurse.username)
    enter_patient_mode(database, nurse.id, 42)
    cookie = client.get_cookie("session")
    assert cookie is not None
    with database.session_scope() as db:
        row_id = db.scalars(select(SignInSession.id).where(SignInSession.user_id == nurse.id)).one()
    with app.server.test_request_context("/auth/me", headers={"Cookie": f"session={cookie.value}"}):
        app.server.preprocess_request()
        assert auth.current_sign_in_id() == row_id
        assert auth.patient_mode_session() == 42
    with app.server.test_request_context("/auth/me"):
        assert auth.current_sign_in_id() is None and auth.patient_mode_session() is None
