"""Hostile and malformed input on the course page and its forms (issue 12): whatever the
path, the query or a form sends, the server answers without a 500 or a stack trace, and
nothing is stored from a refused submission."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import Consent, ConsentWithdrawal, Course, Screening
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus
from tests import course_data, factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in
from tests.test_fuzz import FUZZ, INJECTION, anything, dateish, numberish, post

ROWS = (Course, Screening, Consent, ConsentWithdrawal)


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    auditor = factories.user(database, Role.AUDITOR)
    pid = factories.patient(database, config, ready=False)
    cid = course_data.course(database, config, pid, physician=doctor, status=CourseStatus.SCREENING)
    clients: dict[str, FlaskClient] = {}
    for actor in (nurse, doctor, auditor):
        client = prepare(app)
        sign_in(client, actor.username)
        clients[actor.role.value] = client
    yield {
        "app": app,
        "database": database,
        "clients": clients,
        "patient": pid,
        "course": cid,
        "codes": [item.code for item in config.screening.checklist],
    }


def counts(database: Database) -> tuple[int, ...]:
    with database.session_scope() as db:
        return tuple(int(db.scalar(select(func.count()).select_from(m)) or 0) for m in ROWS)


text = st.one_of(anything, st.sampled_from(INJECTION))


@FUZZ
@given(course=anything, patient=anything, done=anything)
def test_course_page_address(world: dict[str, Any], course: Any, patient: Any, done: Any) -> None:
    app: Dash = world["app"]
    key = next(k for k in app.callback_map if "_pages_content" in k)
    for role in ("nurse", "auditor"):
        for pathname, search in (
            (f"/course/{course}", f"?done={json.dumps(done)}"),
            ("/course/new", f"?patient_id={json.dumps(patient)}"),
        ):
            values = {"_pages_location.pathname": pathname, "_pages_location.search": search}
            response = world["clients"][role].post(ENDPOINT, json=body(app, key, values))
            assert response.status_code < 500 and "Traceback" not in response.get_data(True)


@FUZZ
@given(
    patient=anything,
    protocol=text,
    indication=text,
    note=text,
    planned=numberish,
    start=dateish,
    physician=anything,
    key=anything,
)
def test_start_form(world: dict[str, Any], **values: Any) -> None:
    before = counts(world["database"])
    sent = {
        f"course-start-{k}.{'data' if k in ('patient', 'key') else 'value'}": v
        for k, v in values.items()
    }
    sent["course-start-date.value"] = values["start"]
    sent["course-start-submit.n_clicks"] = 1
    post(world, "nurse", "course-start-message.children", sent)
    assert counts(world["database"])[1:] == before[1:]


@FUZZ
@given(answers=st.lists(anything, max_size=12), notes=st.lists(text, max_size=12), key=anything)
def test_screening_form(
    world: dict[str, Any], answers: list[Any], notes: list[Any], key: Any
) -> None:
    app: Dash = world["app"]
    codes = world["codes"]
    payload = body(
        app,
        callback_key(app, "course-screen-message.children"),
        {
            "course-id.data": world["course"],
            "course-screen-key.data": key,
            "course-screen-submit.n_clicks": 1,
        },
    )

    sent = {
        ("course-screen-answer", "id"): [
            {"type": "course-screen-answer", "code": c} for c in codes
        ],
        ("course-screen-answer", "value"): answers,
        ("course-screen-note", "value"): notes,
    }

    def filled(dep: Any) -> Any:
        if not isinstance(dep, dict) or not str(dep.get("id", "")).startswith("{"):
            return dep
        kind, prop = json.loads(dep["id"])["type"], dep["property"]
        return [
            {"id": {"type": kind, "code": code}, "property": prop, "value": value}
            for code, value in zip(codes, sent[(kind, prop)], strict=False)
        ]

    payload["state"] = [filled(dep) for dep in payload["state"]]
    response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
    assert response.status_code < 500 and "Traceback" not in response.get_data(True)


@FUZZ
@given(screening=anything, choice=text, reason=text, password=text, key=anything)
def test_decision_form(world: dict[str, Any], **values: Any) -> None:
    sent = {
        "course-id.data": world["course"],
        "course-decide-screening.data": values["screening"],
        "course-decide-choice.value": values["choice"],
        "course-decide-reason.value": values["reason"],
        "course-decide-password.value": values["password"],
        "course-decide-key.data": values["key"],
        "course-decide-submit.n_clicks": 1,
    }
    post(world, "physician", "course-decide-message.children", sent)


@FUZZ
@given(course=anything, day=dateish, name=text, password=text, key=anything)
def test_consent_form(
    world: dict[str, Any], course: Any, day: Any, name: Any, password: Any, key: Any
) -> None:
    before = counts(world["database"])
    sent = {
        "course-id.data": course,
        "course-consent-date.value": day,
        "course-consent-name.value": name,
        "course-consent-password.value": password,
        "course-consent-key.data": key,
        "course-consent-submit.n_clicks": 1,
    }
    post(world, "nurse", "course-consent-message.children", sent)
    assert counts(world["database"]) == before  # no password is right here


@FUZZ
@given(course=anything, day=dateish, reason=text, status=text, key=anything)
def test_withdraw_and_status_forms(
    world: dict[str, Any], course: Any, day: Any, reason: Any, status: Any, key: Any
) -> None:
    post(
        world,
        "nurse",
        "course-withdraw-message.children",
        {
            "course-id.data": course,
            "course-withdraw-date.value": day,
            "course-withdraw-reason.value": reason,
            "course-withdraw-key.data": key,
            "course-withdraw-submit.n_clicks": 1,
        },
    )
    post(
        world,
        "nurse",
        "course-status-message.children",
        {
            "course-id.data": course,
            "course-status-choice.value": status,
            "course-status-reason.value": reason,
            "course-status-key.data": key,
            "course-status-submit.n_clicks": 1,
        },
    )
