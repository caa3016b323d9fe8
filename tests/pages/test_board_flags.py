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

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, answer, call, prepare, sign_in


@pytest.fixture
def flagged(settings: Settings, database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0)
    rows.place_in_course(database, sid, sequence=3, planned=6)
    flag = rows.raise_flag(database, sid, nurse.id, T0 + timedelta(minutes=1))
    app = create_app(settings)
    client = prepare(app)
    sign_in(client, doc.username)
    return {"app": app, "client": client, "sid": sid, "flag": flag, "doc": doc}


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
    assert "Safety flag: " + rows.FLAG_MESSAGE in tiles
    flags = out["board-flags"]["data"]
    assert flags[str(flagged["sid"])]["flags"][0]["id"] == flagged["flag"]
    assert f"flag-{flagged['flag']}" in out["board-highs"]["data"]


def test_flag_dialog_opens_with_the_flag(flagged: dict[str, Any]) -> None:
    flags = refresh(flagged["client"], flagged["app"])["board-flags"]["data"]
    response = open_flag(flagged["client"], flagged["app"], flagged["sid"], flags)
    assert response.status_code == 200, response.get_data(as_text=True)
    out = answer(response)["response"]
    assert out["board-flag-modal"] == {"is_open": True}
    assert rows.FLAG_MESSAGE in json.dumps(out["board-flag-body"])
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
