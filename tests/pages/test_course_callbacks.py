"""The course page's forms over HTTP, as the browser posts them: each calls its use case,
a done action reloads the course with its outcome, a refusal is shown under the form and
stores nothing, a repeated submission is stored once, and a role without the action is
refused (403)."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import Consent, ConsentWithdrawal, Course, Screening
from monitor.db.engine import Database
from monitor.db.models import Patient
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus
from tests import factories
from tests.factories import PASSWORD, key
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in


def client_for(app: Dash, database: Database, role: Role) -> tuple[FlaskClient, Any]:
    actor = factories.user(database, role)
    client = prepare(app)
    sign_in(client, actor.username)
    return client, actor


def post(client: FlaskClient, app: Dash, output: str, values: dict[str, Any]) -> Any:
    response = client.post(ENDPOINT, json=body(app, callback_key(app, output), values))
    assert response.status_code == 200, response.status_code
    return response.get_json()["response"]


def count(database: Database, model: Any) -> int:
    with database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def status_of(database: Database, course_id: int) -> str:
    with database.session_scope() as db:
        course = db.get(Course, course_id)
        assert course is not None
        return course.status


def start(
    app: Dash, client: FlaskClient, pid: int, physician_id: int, sent_key: str, planned: Any = 6
) -> Any:
    return post(
        client,
        app,
        "course-start-message.children",
        {
            "course-start-submit.n_clicks": 1,
            "course-start-patient.data": pid,
            "course-start-protocol.value": factories.CONFIG.default_protocol.id,
            "course-start-indication.value": "ptsd",
            "course-start-note.value": "",
            "course-start-planned.value": planned,
            "course-start-date.value": "2026-11-20",
            "course-start-physician.value": str(physician_id),
            "course-start-key.data": sent_key,
        },
    )


def screening_payload(
    app: Dash, course_id: int, answers: dict[str, tuple[str, str]], sent_key: str
) -> dict[str, Any]:
    payload = body(
        app,
        callback_key(app, "course-screen-message.children"),
        {
            "course-id.data": course_id,
            "course-screen-submit.n_clicks": 1,
            "course-screen-key.data": sent_key,
        },
    )
    codes = list(answers)
    wanted = {
        ("course-screen-answer", "id"): lambda c: {"type": "course-screen-answer", "code": c},
        ("course-screen-answer", "value"): lambda c: answers[c][0],
        ("course-screen-note", "value"): lambda c: answers[c][1],
    }
    payload["state"] = [pattern_state(dep, codes, wanted) for dep in payload["state"]]
    return payload


def pattern_state(dep: Any, codes: list[str], wanted: dict[tuple[str, str], Any]) -> Any:
    """A pattern-matching (ALL) state filled in for each checklist item, as the browser
    sends it; any other state as it was."""
    if not isinstance(dep, dict) or not str(dep.get("id", "")).startswith("{"):
        return dep
    kind = json.loads(dep["id"])["type"]
    make = wanted[(kind, dep["property"])]
    return [
        {"id": {"type": kind, "code": c}, "property": dep["property"], "value": make(c)}
        for c in codes
    ]


def test_planned_sessions_out_of_range_are_refused_not_replaced(
    app: Dash, database: Database, config: Config
) -> None:
    nurse_client, _ = client_for(app, database, Role.NURSE)
    _, doctor = client_for(app, database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    for planned in (0, 60, 2.5):
        answer = start(app, nurse_client, pid, doctor.id, key(), planned=planned)
        assert "a whole number from 1 to 50" in json.dumps(answer), planned
    assert count(database, Course) == 0


def test_the_whole_path_from_start_to_active(app: Dash, database: Database, config: Config) -> None:
    nurse_client, _ = client_for(app, database, Role.NURSE)
    doctor_client, doctor = client_for(app, database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    sent = key()
    answer = start(app, nurse_client, pid, doctor.id, sent)
    href = answer["course-start-redirect"]["href"]
    assert href.startswith("/course/") and href.endswith("?done=started")
    course_id = int(href.split("/")[2].split("?")[0])
    assert status_of(database, course_id) == CourseStatus.SCREENING
    again = start(app, nurse_client, pid, doctor.id, sent)  # a retried tap: stored once
    assert again["course-start-redirect"]["href"] == href
    assert count(database, Course) == 1

    first = config.screening.checklist[0].code
    answers = {item.code: ("no", "") for item in config.screening.checklist}
    answers[first] = ("yes", "Admitted in 2019")
    response = nurse_client.post(ENDPOINT, json=screening_payload(app, course_id, answers, key()))
    assert response.status_code == 200
    assert "done=screening" in json.dumps(response.get_json())
    with database.session_scope() as db:
        screening_id = db.scalars(select(Screening.id)).one()

    decision = {
        "course-id.data": course_id,
        "course-decide-screening.data": screening_id,
        "course-decide-choice.value": "cleared",
        "course-decide-reason.value": "Stable for five years",
        "course-decide-password.value": "wrong-password",
        "course-decide-key.data": key(),
        "course-decide-submit.n_clicks": 1,
    }
    refused = post(doctor_client, app, "course-decide-message.children", decision)
    assert "Password not recognised" in json.dumps(refused["course-decide-message"])
    assert "course-decide-redirect" not in refused
    nurse_tries = nurse_client.post(
        ENDPOINT, json=body(app, callback_key(app, "course-decide-message.children"), decision)
    )
    assert nurse_tries.status_code == 403
    decision["course-decide-password.value"] = PASSWORD
    signed = post(doctor_client, app, "course-decide-message.children", decision)
    assert signed["course-decide-redirect"]["href"].endswith("?done=decision")

    with database.session_scope() as db:
        course = db.get(Course, course_id)
        assert course is not None
        patient = db.get(Patient, course.patient_id)
        assert patient is not None
        name = f"{patient.given_name} {patient.family_name}"
    consent = {
        "course-id.data": course_id,
        "course-consent-date.value": "2026-11-20",
        "course-consent-name.value": name,
        "course-consent-password.value": PASSWORD,
        "course-consent-key.data": key(),
        "course-consent-submit.n_clicks": 1,
    }
    recorded = post(nurse_client, app, "course-consent-message.children", consent)
    assert recorded["course-consent-redirect"]["href"].endswith("?done=consent")
    assert status_of(database, course_id) == CourseStatus.ACTIVE


def test_refusals_are_shown_and_store_nothing(
    app: Dash, database: Database, config: Config
) -> None:
    nurse_client, _ = client_for(app, database, Role.NURSE)
    _, doctor = client_for(app, database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    no_date = start(app, nurse_client, pid, doctor.id, key())
    assert no_date["course-start-redirect"]["href"].startswith("/course/")
    course_id = int(no_date["course-start-redirect"]["href"].split("/")[2].split("?")[0])
    # a screening with an item unanswered
    answers = {item.code: ("no", "") for item in config.screening.checklist[1:]}
    response = nurse_client.post(ENDPOINT, json=screening_payload(app, course_id, answers, key()))
    assert response.status_code == 200 and "redirect" not in json.dumps(response.get_json())
    assert count(database, Screening) == 0
    # consent with the wrong typed name
    consent = post(
        nurse_client,
        app,
        "course-consent-message.children",
        {
            "course-id.data": course_id,
            "course-consent-date.value": "2026-11-20",
            "course-consent-name.value": "Somebody Else",
            "course-consent-password.value": PASSWORD,
            "course-consent-key.data": key(),
            "course-consent-submit.n_clicks": 1,
        },
    )
    assert "typed name" in json.dumps(consent["course-consent-message"])
    assert count(database, Consent) == 0
    # stopping needs a reason
    stop = post(
        nurse_client,
        app,
        "course-status-message.children",
        {
            "course-id.data": course_id,
            "course-status-choice.value": "stopped",
            "course-status-reason.value": "",
            "course-status-key.data": key(),
            "course-status-submit.n_clicks": 1,
        },
    )
    assert "course-status-redirect" not in stop
    assert status_of(database, course_id) == CourseStatus.SCREENING
    done = post(
        nurse_client,
        app,
        "course-status-message.children",
        {
            "course-id.data": course_id,
            "course-status-choice.value": "stopped",
            "course-status-reason.value": "Patient chose another treatment",
            "course-status-key.data": key(),
            "course-status-submit.n_clicks": 1,
        },
    )
    assert done["course-status-redirect"]["href"].endswith("?done=status")
    assert status_of(database, course_id) == CourseStatus.STOPPED


def test_withdrawing_consent_stops_the_course(
    app: Dash, database: Database, config: Config
) -> None:
    nurse_client, _ = client_for(app, database, Role.NURSE)
    pid = factories.patient(database, config)  # ready: screened and consented
    with database.session_scope() as db:
        course_id = db.scalars(select(Course.id).where(Course.patient_id == pid)).one()
    withdrawal = {
        "course-id.data": course_id,
        "course-withdraw-date.value": clinic_today(utcnow(), config.clinic.zone).isoformat(),
        "course-withdraw-reason.value": "",
        "course-withdraw-key.data": key(),
        "course-withdraw-submit.n_clicks": 1,
    }
    refused = post(nurse_client, app, "course-withdraw-message.children", withdrawal)
    assert "course-withdraw-redirect" not in refused and count(database, ConsentWithdrawal) == 0
    withdrawal["course-withdraw-reason.value"] = "Moving abroad"
    done = post(nurse_client, app, "course-withdraw-message.children", withdrawal)
    assert done["course-withdraw-redirect"]["href"].endswith("?done=withdrawn")
    assert status_of(database, course_id) == CourseStatus.STOPPED


def test_the_auditor_may_post_no_form(app: Dash, database: Database, config: Config) -> None:
    auditor_client, _ = client_for(app, database, Role.AUDITOR)
    for output in (
        "course-start-message.children",
        "course-screen-message.children",
        "course-consent-message.children",
        "course-withdraw-message.children",
        "course-status-message.children",
        "course-decide-message.children",
    ):
        response = auditor_client.post(
            ENDPOINT, json=body(app, callback_key(app, output), {"course-id.data": 1})
        )
        assert response.status_code == 403, output
