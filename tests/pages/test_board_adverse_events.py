"""The board over HTTP (issue 13): the refresh shows a flagged adverse event on its tile and
keeps it for the dialog; the physician acknowledges it with a note; a nurse may not; an
event list the page never sent is a bad request, never a 500."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import select

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEventAcknowledgement
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Severity
from tests import factories
from tests.adverse_event_rows import adverse_event
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, answer, body, call, callback_key, prepare, sign_in

WORDS = "Adverse event: Respiratory depression — Grade 3: severe"


@pytest.fixture
def flagged(settings: Settings, database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse, now=T0)
    event = adverse_event(database, config, nurse, sid, T0 + timedelta(minutes=1))
    adverse_event(database, config, nurse, sid, T0, kind="nausea", severity=Severity.MILD)
    app = create_app(settings)
    client = prepare(app)
    sign_in(client, doc.username)
    return {"app": app, "client": client, "sid": sid, "event": event}


def refresh(client: FlaskClient, app: Dash) -> dict[str, Any]:
    response = call(client, app, "board-tiles.children", {"board-version.data": 0})
    assert response.status_code == 200, response.get_data(as_text=True)
    out: dict[str, Any] = answer(response)["response"]
    return out


def open_dialog(client: FlaskClient, app: Dash, sid: int, events: Any) -> Any:
    key = next(k for k in app.callback_map if k.startswith("..board-ae-modal.is_open..."))
    button = {"type": "board-ae-open", "session": sid}
    changed = json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
    return client.post(
        ENDPOINT,
        json={
            "output": key,
            "outputs": [
                {"id": "board-ae-modal", "property": "is_open"},
                {"id": "board-ae-body", "property": "children"},
                {"id": "board-ae-target", "property": "data"},
            ],
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "board-ae-flags", "property": "data", "value": events}],
            "changedPropIds": [changed],
        },
    )


def acknowledge(client: FlaskClient, app: Dash, target: Any, note: str, key: str) -> dict[str, Any]:
    values = {
        "board-ae-ack.n_clicks": 1,
        "board-ae-target.data": target,
        "board-ae-note.value": note,
        "board-ae-key.data": key,
        "board-version.data": 2,
    }
    payload = body(app, callback_key(app, "board-ae-message.children"), values)
    payload["changedPropIds"] = ["board-ae-ack.n_clicks"]
    response = client.post(ENDPOINT, json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    out: dict[str, Any] = answer(response)["response"]
    return out


def test_refresh_shows_the_flag_and_the_dialog_opens(flagged: dict[str, Any]) -> None:
    out = refresh(flagged["client"], flagged["app"])
    tiles = out["board-tiles"]
    assert json.dumps(WORDS)[1:-1] in json.dumps(tiles)
    # a mild event raises no flag: it is only on the tile's quiet line of what happened
    assert "Adverse event: Nausea" not in json.dumps(tiles)
    assert "Nausea G1 · no outcome yet" in json.dumps(tiles, ensure_ascii=False)
    events = out["board-ae-flags"]["data"]
    assert [e["id"] for e in events[str(flagged["sid"])]["events"]] == [flagged["event"]]
    assert f"ae-{flagged['event']}" in out["board-highs"]["data"]
    response = open_dialog(flagged["client"], flagged["app"], flagged["sid"], events)
    assert response.status_code == 200, response.get_data(as_text=True)
    opened = answer(response)["response"]
    assert opened["board-ae-modal"] == {"is_open": True}
    assert json.dumps(WORDS)[1:-1] in json.dumps(opened["board-ae-body"])


@pytest.mark.parametrize(
    "bad",
    [
        {"chair": "C", "patient": "P", "events": [{"id": "1", "message": "m", "at": "t"}]},
        {"chair": "C", "patient": "P", "events": "all"},
        {"chair": 1, "patient": "P", "events": []},
    ],
)
def test_events_the_page_never_sent_are_a_bad_request(
    flagged: dict[str, Any], bad: dict[str, Any]
) -> None:
    events = {str(flagged["sid"]): bad}
    response = open_dialog(flagged["client"], flagged["app"], flagged["sid"], events)
    assert response.status_code == 400


def test_physician_acknowledges_and_the_board_rereads(
    flagged: dict[str, Any], database: Database
) -> None:
    events = refresh(flagged["client"], flagged["app"])["board-ae-flags"]["data"]
    target = events[str(flagged["sid"])]
    key = factories.key()
    out = acknowledge(flagged["client"], flagged["app"], target, "Oxygen on, SpO2 96%", key)
    assert out["board-ae-modal"] == {"is_open": False}
    assert out["board-version"] == {"data": 3}
    assert "Adverse event acknowledged" in json.dumps(out["board-ae-done"])
    after = refresh(flagged["client"], flagged["app"])
    assert after["board-ae-flags"]["data"] == {}
    with database.session_scope() as db:
        (ack,) = db.scalars(select(AdverseEventAcknowledgement)).all()
    assert (ack.adverse_event_id, ack.note, ack.submission_key) == (
        flagged["event"],
        "Oxygen on, SpO2 96%",
        key,
    )
    again = acknowledge(flagged["client"], flagged["app"], target, "Other", key)
    assert again["board-ae-modal"] == {"is_open": True}  # told, not stored twice
    assert again["board-ae-key"]["data"] != key


def test_a_nurse_may_not_acknowledge(flagged: dict[str, Any], database: Database) -> None:
    target = refresh(flagged["client"], flagged["app"])["board-ae-flags"]["data"]
    nurse = prepare(flagged["app"])
    sign_in(nurse, factories.user(database).username)
    values = {"board-ae-ack.n_clicks": 1, "board-ae-target.data": target[str(flagged["sid"])]}
    payload = body(flagged["app"], callback_key(flagged["app"], "board-ae-message"), values)
    payload["changedPropIds"] = ["board-ae-ack.n_clicks"]
    assert nurse.post(ENDPOINT, json=payload).status_code == 403
    with database.session_scope() as db:
        assert db.scalars(select(AdverseEventAcknowledgement)).all() == []
