"""The board over HTTP (issue 12): the refresh shows "Session k of N" and an open PHQ-9
item-9 flag on the tile, keeps the flag for the dialog, and the flag dialog opens for the
physician; a flag the page never sent is a bad request, never a 500."""

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
from monitor.db.course_models import PreDoseClearance, SafetyFlagAcknowledgement
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, answer, body, call, callback_key, prepare, sign_in


@pytest.fixture
def flagged(settings: Settings, database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0)
    rows.place_in_course(database, sid, sequence=3, planned=6)
    flag = rows.raise_flag(database, config, nurse, sid, T0 + timedelta(minutes=1))
    app = create_app(settings)
    client = prepare(app)
    sign_in(client, doc.username)
    return {
        "app": app,
        "client": client,
        "sid": sid,
        "flag": flag,
        "doc": doc,
        "message": json.dumps(rows.flag_message(database, flag))[1:-1],  # as JSON has it
    }


def refresh(client: FlaskClient, app: Dash) -> dict[str, Any]:
    response = call(client, app, "board-tiles.children", {"board-version.data": 0})
    assert response.status_code == 200, response.get_data(as_text=True)
    out: dict[str, Any] = answer(response)["response"]
    return out


def open_flag(client: FlaskClient, app: Dash, sid: int, flags: Any) -> Any:
    key = next(k for k in app.callback_map if k.startswith("..board-flag-modal.is_open..."))
    button = {"type": "board-flag-open", "session": sid}
    changed = json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
    return client.post(
        ENDPOINT,
        json={
            "output": key,
            "outputs": [
                {"id": "board-flag-modal", "property": "is_open"},
                {"id": "board-flag-body", "property": "children"},
                {"id": "board-flag-target", "property": "data"},
            ],
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "board-flags", "property": "data", "value": flags}],
            "changedPropIds": [changed],
        },
    )


def test_refresh_shows_session_k_of_n_and_the_flag(flagged: dict[str, Any]) -> None:
    out = refresh(flagged["client"], flagged["app"])
    tiles = json.dumps(out["board-tiles"])
    assert "Session 3 of 6" in tiles
    assert "Safety flag: " + flagged["message"] in tiles
    flags = out["board-flags"]["data"]
    assert flags[str(flagged["sid"])]["flags"][0]["id"] == flagged["flag"]
    assert f"flag-{flagged['flag']}" in out["board-highs"]["data"]


def test_flag_dialog_opens_with_the_flag(flagged: dict[str, Any]) -> None:
    flags = refresh(flagged["client"], flagged["app"])["board-flags"]["data"]
    response = open_flag(flagged["client"], flagged["app"], flagged["sid"], flags)
    assert response.status_code == 200, response.get_data(as_text=True)
    out = answer(response)["response"]
    assert out["board-flag-modal"] == {"is_open": True}
    assert flagged["message"] in json.dumps(out["board-flag-body"])
    assert out["board-flag-target"]["data"]["session"] == flagged["sid"]


@pytest.mark.parametrize(
    "bad",
    [
        {"chair": "C", "patient": "P", "flags": [{"id": "1", "priority": "high"}]},
        {"chair": "C", "patient": "P", "flags": "all"},
        {"chair": 1, "patient": "P", "flags": []},
    ],
)
def test_a_flag_the_page_never_sent_is_a_bad_request(
    flagged: dict[str, Any], bad: dict[str, Any]
) -> None:
    flags = {str(flagged["sid"]): bad}
    response = open_flag(flagged["client"], flagged["app"], flagged["sid"], flags)
    assert response.status_code == 400


def decide(
    client: FlaskClient, app: Dash, button: str, target: Any, note: str, key: str
) -> dict[str, Any]:
    """Press the dialog's Acknowledge flag or Clear to dose (only that one changed)."""
    values = {
        f"{button}.n_clicks": 1,
        "board-flag-target.data": target,
        "board-flag-note.value": note,
        "board-flag-key.data": key,
        "board-version.data": 2,
    }
    payload = body(app, callback_key(app, "board-flag-message.children"), values)
    payload["changedPropIds"] = [f"{button}.n_clicks"]
    response = client.post(ENDPOINT, json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    out: dict[str, Any] = answer(response)["response"]
    return out


def dialog_target(flagged: dict[str, Any]) -> dict[str, Any]:
    flags = refresh(flagged["client"], flagged["app"])["board-flags"]["data"]
    target: dict[str, Any] = flags[str(flagged["sid"])] | {"session": flagged["sid"]}
    return target


def test_physician_acknowledges_the_flag_and_the_board_rereads(
    flagged: dict[str, Any], database: Database
) -> None:
    target = dialog_target(flagged)
    key = factories.key()
    out = decide(flagged["client"], flagged["app"], "board-flag-ack", target, "Seen", key)
    assert out["board-flag-modal"] == {"is_open": False}
    assert out["board-version"] == {"data": 3}
    assert "Safety flag acknowledged" in json.dumps(out["board-flag-done"])
    after = refresh(flagged["client"], flagged["app"])
    assert after["board-flags"]["data"] == {}
    assert "Safety flag: " not in json.dumps(after["board-tiles"])
    with database.session_scope() as db:
        (ack,) = db.scalars(select(SafetyFlagAcknowledgement)).all()
    assert (ack.flag_id, ack.note, ack.submission_key) == (flagged["flag"], "Seen", key)
    again = decide(flagged["client"], flagged["app"], "board-flag-ack", target, "Other", key)
    assert again["board-flag-modal"] == {"is_open": True}  # told, not stored twice
    assert again["board-flag-key"]["data"] != key


def test_clear_to_dose_needs_a_reason_then_clears_and_acknowledges(
    flagged: dict[str, Any], database: Database
) -> None:
    target = dialog_target(flagged)
    blank = decide(flagged["client"], flagged["app"], "board-flag-clear", target, "", "k" * 32)
    assert blank["board-flag-modal"] == {"is_open": True}
    assert "why the infusion may start" in json.dumps(blank["board-flag-message"])
    reason = "Seen with the patient: no plan, safety plan agreed"
    key = factories.key()
    out = decide(flagged["client"], flagged["app"], "board-flag-clear", target, reason, key)
    assert out["board-flag-modal"] == {"is_open": False}
    assert "Cleared to dose" in json.dumps(out["board-flag-done"])
    with database.session_scope() as db:
        (cleared,) = db.scalars(select(PreDoseClearance)).all()
        acknowledged = db.scalars(select(SafetyFlagAcknowledgement.flag_id)).all()
    assert (cleared.concern, cleared.reason) == ("self_harm", reason)
    assert acknowledged == [flagged["flag"]]
    assert refresh(flagged["client"], flagged["app"])["board-flags"]["data"] == {}


def test_a_nurse_may_not_acknowledge_or_clear(
    flagged: dict[str, Any], settings: Settings, database: Database
) -> None:
    target = dialog_target(flagged)
    nurse = prepare(flagged["app"])
    sign_in(nurse, factories.user(database).username)
    for button in ("board-flag-ack", "board-flag-clear"):
        values = {f"{button}.n_clicks": 1, "board-flag-target.data": target}
        payload = body(flagged["app"], callback_key(flagged["app"], "board-flag-message"), values)
        payload["changedPropIds"] = [f"{button}.n_clicks"]
        assert nurse.post(ENDPOINT, json=payload).status_code == 403
    with database.session_scope() as db:
        assert db.scalars(select(SafetyFlagAcknowledgement)).all() == []
