"""The board's acknowledgement dialog when its submission key comes back with other values
(an answer lost on the network, then the note changed): the physician is told, the board
re-reads what is recorded, and the dialog gets a new key so their next confirm is new."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dash import Dash
from sqlalchemy import select

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.models import Acknowledgement, Excursion
from monitor.domain.permissions import Role
from tests import factories
from tests.factories import T0
from tests.pages.dash_http import call, prepare, sign_in


def _confirm(client: Any, app: Dash, target: Any, note: str, key: str) -> list[Any]:
    response = call(
        client,
        app,
        "board-ack-message.children",
        {
            "board-ack-confirm.n_clicks": 1,
            "board-ack-target.data": target,
            "board-ack-action.value": "observed",
            "board-ack-note.value": note,
            "board-ack-key.data": key,
            "board-version.data": 3,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    out = response.get_json()["response"]
    return [
        out.get(k, {})
        for k in (
            "board-ack-modal",
            "board-ack-message",
            "board-version",
            "board-ack-key",
            "board-ack-note",
        )
    ]


def test_same_key_other_note_is_told_and_the_next_confirm_is_new(
    settings: Settings, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=185, diastolic=95
    )
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id)))
    target = {
        "chair": config.clinic.chairs[0],
        "patient": "AB",
        "alerts": [{"id": i, "priority": "high"} for i in ids],
    }
    app = create_app(settings)
    client = prepare(app)
    sign_in(client, physician.username)
    key = factories.key()

    first = _confirm(client, app, target, "Repeat in five minutes", key)
    assert first[0] == {"is_open": False}

    again = _confirm(client, app, target, "Another note", key)
    assert again[0] == {"is_open": True}
    assert "already saved with other values" in str(again[1])
    assert again[2] == {"data": 4}, "the board re-reads what is recorded"
    new_key = again[3]["data"]
    assert isinstance(new_key, str) and new_key != key
    with database.session_scope() as db:
        notes = list(db.scalars(select(Acknowledgement.note)))
    assert set(notes) == {"Repeat in five minutes"} and len(notes) == len(ids)
