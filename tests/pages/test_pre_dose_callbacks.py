"""The bedside's pre-dose card and the physician's clearance, over HTTP as the browser
calls them: the card names what is missing before dosing, the nurse has no clearance form
and cannot post one, the physician clears with a reason (refused at the field without),
the START refusal names what is missing, and the open-session form says at the patient
field why a patient is not opened."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, call, prepare, sign_in
from tests.services.test_pre_dose import HIGH, T0

CLEAR = "predose-message.children"


def client_of(app: Dash, person: Actor) -> Any:
    client = prepare(app)
    sign_in(client, person.username)
    return client


def answer(app: Dash, client: Any, output: str, values: dict[str, Any]) -> dict[str, Any]:
    response = call(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json()["response"])


def card(app: Dash, client: Any, sid: int) -> dict[str, Any]:
    values = {"bed-refresh.n_intervals": 1, "bed-version.data": 0, "bed-session-id.data": sid}
    return answer(app, client, "bed-predose-status.children", values)


def bedside_page(app: Dash, client: Any) -> str:
    """The bedside page of the first chair, as the page router answers it."""
    key = next(k for k in app.callback_map if "_pages_content" in k)
    values = {"_pages_location.pathname": "/bedside", "_pages_location.search": "?chair=Chair+1"}
    response = client.post(ENDPOINT, json=body(app, key, values))
    assert response.status_code == 200
    return json.dumps(response.get_json())


def high_baseline(database: Database, config: Config, nurse: Actor) -> int:
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=20))
    factories.reading(
        database, config, nurse, sid, T0 - timedelta(minutes=10), systolic=150, diastolic=95
    )
    factories.questionnaires_before_dosing(database, config, nurse, sid, T0 - timedelta(minutes=8))
    return sid


def clear(app: Dash, client: Any, sid: int, concern: Any, reason: Any) -> Any:
    return call(
        client,
        app,
        CLEAR,
        {
            "predose-clear.n_clicks": 1,
            "bed-session-id.data": sid,
            "predose-concern.value": concern,
            "predose-reason.value": reason,
            "predose-key.data": factories.key(),
        },
    )


def test_the_card_names_what_is_missing_and_only_the_physician_clears(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = high_baseline(database, config, nurse)
    nurse_client, doctor_client = client_of(app, nurse), client_of(app, doctor)

    shown = card(app, nurse_client, sid)
    assert HIGH in json.dumps(shown["bed-predose-status"])
    assert shown["bed-predose-card"]["style"]["display"] == "block"
    assert shown["bed-predose-form"]["style"]["display"] == "none"  # the nurse's: no form
    assert card(app, doctor_client, sid)["bed-predose-form"]["style"]["display"] == "block"

    # the page itself: the nurse's has no clearance form, the physician's has one, and links
    # to the questionnaires
    page = bedside_page(app, nurse_client)
    assert f"/questionnaire/{sid}?form=phq9" in page and "predose-reason" not in page
    assert "predose-reason" in bedside_page(app, doctor_client)

    assert clear(app, nurse_client, sid, "baseline_bp", "Known hypertension").status_code == 403
    refused = clear(app, doctor_client, sid, "baseline_bp", "")
    assert refused.status_code == 200
    said = refused.get_json()["response"]
    assert said["predose-reason"]["invalid"] is True
    assert "Write why the infusion may start" in said["predose-reason-problem"]["children"]

    done = clear(app, doctor_client, sid, "baseline_bp", "Known hypertension, rechecked")
    said = done.get_json()["response"]
    assert "cleared" in json.dumps(said["predose-message"])
    assert said["predose-reason"]["value"] == ""
    shown = card(app, nurse_client, sid)
    text = json.dumps(shown["bed-predose-status"])
    assert "the infusion may start" in text and "Known hypertension, rechecked" in text


def test_start_says_what_is_missing(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = high_baseline(database, config, nurse)
    said = answer(
        app,
        client_of(app, nurse),
        "bed-event-message.children",
        {
            "bed-start.n_clicks": 1,
            "bed-session-id.data": sid,
            "bed-event-key.data": factories.key(),
            "bed-event-reason.value": "",
            "bed-rate.value": "",
        },
    )
    assert f"The infusion cannot start: {HIGH}." in json.dumps(said["bed-event-message"])


def test_the_card_is_hidden_once_dosing(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    assert card(app, client_of(app, nurse), sid)["bed-predose-card"]["style"]["display"] == "none"


def test_the_open_form_says_why_at_the_field(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.session(database, config, nurse, chair=config.clinic.chairs[0])
    with database.session_scope() as db:
        from monitor.db.models import InfusionSession

        seated = db.get(InfusionSession, sid)
        assert seated is not None
        patient_id = seated.patient_id
    said = answer(
        app,
        client_of(app, nurse),
        "bed-open-message.children",
        {
            "bed-open-submit.n_clicks": 1,
            "bed-chair.data": config.clinic.chairs[1],
            "bed-open-patient.value": patient_id,
            "bed-open-protocol.value": config.default_protocol.id,
            "bed-open-weight.value": "5",
            "bed-open-key.data": factories.key(),
        },
    )
    assert "not plausible" in said["bed-open-weight-problem"]["children"]
    assert said["bed-open-patient-problem"]["children"] == ""
    said = answer(
        app,
        client_of(app, nurse),
        "bed-open-message.children",
        {
            "bed-open-submit.n_clicks": 1,
            "bed-chair.data": config.clinic.chairs[1],
            "bed-open-patient.value": None,
            "bed-open-protocol.value": config.default_protocol.id,
            "bed-open-weight.value": "80",
            "bed-open-key.data": factories.key(),
        },
    )
    assert said["bed-open-patient-problem"]["children"] == "Choose a patient."

    # a patient whose course is not ready: what is missing, at the patient
    waiting = factories.patient(database, config, ready=False)
    said = answer(
        app,
        client_of(app, nurse),
        "bed-open-message.children",
        {
            "bed-open-submit.n_clicks": 1,
            "bed-chair.data": config.clinic.chairs[1],
            "bed-open-patient.value": waiting,
            "bed-open-protocol.value": config.default_protocol.id,
            "bed-open-weight.value": "80",
            "bed-open-key.data": factories.key(),
        },
    )
    at_patient = said["bed-open-patient-problem"]["children"]
    assert "has no treatment course" in at_patient, at_patient
    assert "not opened" in json.dumps(said["bed-open-message"])


def without_course_place(database: Database, sid: int) -> None:
    """A session with no place in a course (the columns NULL, as before courses)."""
    from monitor.db.models import InfusionSession

    with database.session_scope() as db:
        session = db.get(InfusionSession, sid)
        assert session is not None
        session.course_sequence = None


def test_the_header_says_session_k_of_n(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = high_baseline(database, config, nurse)
    client = client_of(app, nurse)
    planned = config.course.planned_sessions
    page = bedside_page(app, client)
    assert f'"Session 1 of {planned}"' in page and "bed-course-place" in page
    without_course_place(database, sid)
    assert "bed-course-place" not in bedside_page(app, client)  # nothing odd while NULL


def test_course_place_words() -> None:
    from monitor.ui.bedside.pre_dose import course_place

    assert course_place(None, None) == "" and course_place(None, 6) == ""
    assert course_place(3, 6) == "Session 3 of 6"
    assert course_place(7, None) == "Session 7"


def test_patient_mode_from_the_bedside(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = high_baseline(database, config, nurse)
    client = client_of(app, nurse)
    assert "Patient mode: hand the tablet over" in bedside_page(app, client)

    def hand_over(forms: Any) -> dict[str, Any]:
        values = {
            "bed-patient-mode.n_clicks": 1,
            "bed-session-id.data": sid,
            "bed-patient-mode-forms.value": forms,
        }
        return answer(app, client, "bed-patient-mode-message.children", values)

    refused = hand_over([])
    assert "Choose the PHQ-9, the PCL-5 or both" in json.dumps(refused)
    said = hand_over(["phq9"])
    assert said["bed-patient-mode-go"]["href"] == "/patient-mode"
    # the tablet is now the patient's: the bedside sends it back to the questionnaire
    response = client.get("/bedside")
    assert response.status_code == 302 and "/patient-mode" in response.headers["Location"]
