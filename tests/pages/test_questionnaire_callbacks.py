"""The questionnaire screens over HTTP, as the browser posts them: the nurse's entry (`qf-`)
and patient mode (`pm-`), with the item answers as Dash's pattern-matching values."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from dash import Dash
from dash.dependencies import Wildcard
from flask.testing import FlaskClient
from sqlalchemy import select

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlag
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, answer, callback_key, prepare, sign_in


def post(
    client: FlaskClient,
    app: Dash,
    fragment: str,
    values: dict[str, Any],
    answers: dict[int, Any] | None = None,
) -> Any:
    """POST a callback; its pattern-matching (ALL) inputs, states and outputs carry one
    entry per item in `answers` (value: the answer; id: the item's id)."""
    key = callback_key(app, fragment)
    callback = app.callback_map[key]
    items = answers or {}

    def concrete(pattern: dict[str, Any], number: int) -> dict[str, Any]:
        return {
            k: (number if v == ["ALL"] or isinstance(v, Wildcard) else v)
            for k, v in pattern.items()
        }

    def dep(d: Any, with_value: bool) -> Any:
        pattern = d["id"]
        if isinstance(pattern, str) and pattern.startswith("{"):
            pattern = json.loads(pattern)
        if isinstance(pattern, dict):
            out = []
            for number, value in items.items():
                cid = concrete(pattern, number)
                entry: dict[str, Any] = {"id": cid, "property": d["property"]}
                if with_value:
                    entry["value"] = cid if d["property"] == "id" else value
                out.append(entry)
            return out
        entry = {"id": pattern, "property": d["property"]}
        if with_value:
            entry["value"] = values.get(f"{pattern}.{d['property']}")
        return entry

    declared = callback["output"]
    outputs = [
        dep({"id": o.component_id, "property": o.component_property}, False) for o in declared
    ]
    payload = {
        "output": key,
        "outputs": outputs,
        "inputs": [dep(d, True) for d in callback["inputs"]],
        "state": [dep(d, True) for d in callback["state"]],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in callback["inputs"]],
    }
    return client.post(ENDPOINT, json=payload)


def page(client: FlaskClient, app: Dash, path: str, search: str = "") -> str:
    key = next(k for k in app.callback_map if "_pages_content" in k)
    values = {"_pages_location.pathname": path, "_pages_location.search": search}
    callback = app.callback_map[key]
    payload = {
        "output": key,
        "outputs": [
            {"id": o.component_id, "property": o.component_property} for o in callback["output"]
        ]
        if isinstance(callback["output"], list)
        else {
            "id": callback["output"].component_id,
            "property": callback["output"].component_property,
        },
        "inputs": [
            {
                "id": d["id"],
                "property": d["property"],
                "value": values.get(f"{d['id']}.{d['property']}"),
            }
            for d in callback["inputs"]
        ],
        "state": [
            {
                "id": d["id"],
                "property": d["property"],
                "value": values.get(f"{d['id']}.{d['property']}"),
            }
            for d in callback["state"]
        ],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in callback["inputs"]],
    }
    response = client.post(ENDPOINT, json=payload)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def nurse_with_session(app: Dash, database: Database, config: Config) -> tuple[FlaskClient, int]:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=utcnow() - timedelta(minutes=5))
    client = prepare(app)
    sign_in(client, nurse.username)
    return client, sid


def base(sid: int, key: str | None = None) -> dict[str, Any]:
    return {
        "qf-submit.n_clicks": 1,
        "qf-session.data": sid,
        "qf-form.data": "phq9",
        "qf-key.data": key or factories.key(),
    }


def test_nurse_saves_a_phq9_with_item9_positive(
    app: Dash, database: Database, config: Config
) -> None:
    client, sid = nurse_with_session(app, database, config)
    answers = dict.fromkeys(range(1, 10), 0) | {9: 2}
    body = answer(post(client, app, "qf-result", base(sid), answers))
    text = json.dumps(body)
    assert "PHQ-9 saved: total 2 of 27 (Minimal)" in text
    assert "Safety flag raised (high priority)" in text and "More than half the days" in text
    with database.session_scope() as db:
        row = db.scalars(select(QuestionnaireResponse)).one()
        assert (row.respondent, row.total, row.items["9"]) == ("nurse", 2, 2)
        assert db.scalars(select(SafetyFlag)).one().response_id == row.id


def test_a_missing_item_is_marked_and_nothing_stored(
    app: Dash, database: Database, config: Config
) -> None:
    client, sid = nurse_with_session(app, database, config)
    answers: dict[int, Any] = dict.fromkeys(range(1, 10), 1) | {4: None}
    text = json.dumps(answer(post(client, app, "qf-result", base(sid), answers)))
    assert "Item 4: choose an answer" in text
    assert text.count("is-invalid") == 1
    with database.session_scope() as db:
        assert db.scalars(select(QuestionnaireResponse)).first() is None


def test_a_tampered_answer_is_refused_at_its_item(
    app: Dash, database: Database, config: Config
) -> None:
    client, sid = nurse_with_session(app, database, config)
    answers: dict[int, Any] = dict.fromkeys(range(1, 10), 1) | {2: 7}
    text = json.dumps(answer(post(client, app, "qf-result", base(sid), answers)))
    assert "Item 2: choose an answer from 0 to 3" in text
    response = post(client, app, "qf-result", base(sid) | {"qf-session.data": "x"}, answers)
    assert response.status_code == 400


def test_the_entry_page_shows_the_form_and_logs_the_opening(
    app: Dash, database: Database, config: Config
) -> None:
    client, sid = nurse_with_session(app, database, config)
    text = page(client, app, f"/questionnaire/{sid}", "?form=pcl5")
    assert "PTSD Checklist for DSM-5 (PCL-5)" in text and "Weathers" in text
    assert text.count('"type": "qf-item"') == 20 or text.count('"qf-item"') == 20
    with database.session_scope() as db:
        opened = db.scalars(select(AuditEvent).where(AuditEvent.action == "record.viewed")).one()
    assert opened.session_id == sid and opened.new_values is not None
    assert opened.new_values["screen"] == "questionnaire"


def test_the_entry_page_refuses_once_dosing_started(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=1))
    client = prepare(app)
    sign_in(client, nurse.username)
    text = page(client, app, f"/questionnaire/{sid}")
    assert "questionnaires are taken before dosing" in text and "qf-submit" not in text
    assert "was not found" in page(client, app, "/questionnaire/99999")


def test_the_auditor_may_not_enter_one(app: Dash, database: Database, config: Config) -> None:
    _, sid = nurse_with_session(app, database, config)
    auditor = prepare(app)
    sign_in(auditor, factories.user(database, Role.AUDITOR).username)
    answers = dict.fromkeys(range(1, 10), 0)
    assert post(auditor, app, "qf-result", base(sid), answers).status_code == 403


def test_patient_mode_over_http_ends_in_a_locked_tablet(
    app: Dash, database: Database, config: Config
) -> None:
    client, sid = nurse_with_session(app, database, config)
    started = answer(
        post(
            client,
            app,
            "qf-handover-message",
            {
                "qf-handover.n_clicks": 1,
                "qf-session.data": sid,
                "qf-handover-forms.value": ["phq9"],
            },
        )
    )
    assert json.dumps(started).count("/patient-mode") == 1
    # Confined: another page sends the tablet back to patient mode; another callback is refused.
    assert client.get("/bedside").headers.get("Location", "").endswith("/patient-mode")
    assert (
        post(client, app, "qf-result", base(sid), dict.fromkeys(range(1, 10), 0)).status_code == 403
    )
    text = page(client, app, "/patient-mode")
    assert text.count('"pm-item"') == 9 and "Save my answers" in text
    assert "MRN" not in text  # nothing of the record
    answers = dict.fromkeys(range(1, 10), 0) | {9: 3}
    done = json.dumps(
        answer(
            post(
                client,
                app,
                "pm-result",
                {"pm-submit.n_clicks": 1, "pm-form.data": "phq9", "pm-key.data": factories.key()},
                answers,
            )
        )
    )
    assert "Please hand the tablet back to the nurse" in done
    assert client.get("/auth/me").get_json()["signed_in"] is False
    with database.session_scope() as db:
        row = db.scalars(select(QuestionnaireResponse)).one()
        flag = db.scalars(select(SafetyFlag)).one()
    assert (row.respondent, row.items["9"], flag.priority) == ("patient", 3, "high")
    assert "Nearly every day" in flag.message
