"""The bedside callbacks over HTTP: the server checks the role, whatever the page shows."""

from __future__ import annotations

from typing import Any

import pytest
from dash import Dash
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Reading
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import call, prepare, sign_in

SAVE = "bed-result.children"


def reading_values(
    session_id: int, systolic: str = "185", key: str | None = None
) -> dict[str, object]:
    return {
        "bed-save.n_clicks": 1,
        "bed-session-id.data": session_id,
        "bed-reading-key.data": key or factories.key(),
        "bed-systolic.value": systolic,
        "bed-diastolic.value": "95",
        "bed-heart-rate.value": "80",
        "bed-spo2.value": "97",
        "bed-resp-rate.value": "14",
        "bed-temperature.value": "",
        "bed-moaas.value": 5,
    }


def readings(database: Database) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(Reading)) or 0


@pytest.mark.parametrize(("role", "status"), [(None, 401), (Role.AUDITOR, 403), (Role.ADMIN, 403)])
def test_save_reading_refused_for_the_wrong_role(
    app: Dash, database: Database, config: Config, role: Role | None, status: int
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    client = prepare(app)
    if role is not None:
        sign_in(client, factories.user(database, role).username)
    response = call(client, app, SAVE, reading_values(sid))
    assert response.status_code == status
    assert readings(database) == 0


def test_nurse_saves_a_flagged_reading(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    client = prepare(app)
    sign_in(client, nurse.username)
    response = call(client, app, SAVE, reading_values(sid))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Reading saved" in text and "***" in text and "HIGH" in text
    assert readings(database) == 1


def test_implausible_reading_answers_at_the_field(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    client = prepare(app)
    sign_in(client, nurse.username)
    response = call(client, app, SAVE, reading_values(sid, systolic="1200"))
    payload = response.get_json()["response"]
    assert payload["bed-systolic"]["invalid"] is True
    assert "not plausible" in payload["bed-systolic-feedback"]["children"]
    assert readings(database) == 0


def test_retried_post_stores_once(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    client = prepare(app)
    sign_in(client, nurse.username)
    values = reading_values(sid, key=factories.key())
    statuses = {call(client, app, SAVE, values).status_code for _ in range(3)}
    assert statuses == {200} and readings(database) == 1


def test_pages_need_sign_in(app: Dash) -> None:
    client = prepare(app)
    response = client.get("/bedside")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def cadss_payload(app: Dash, session_id: int, answers: dict[int, int | None]) -> dict[str, Any]:
    from tests.pages.dash_http import body, callback_key

    payload = body(
        app,
        callback_key(app, "bed-cadss-message.children"),
        {
            "bed-cadss-save.n_clicks": 1,
            "bed-session-id.data": session_id,
            "bed-cadss-key.data": factories.key(),
        },
    )
    items: list[dict[str, Any]] = [{"type": "bed-cadss-item", "item": n} for n in answers]
    payload["state"][0] = [
        {"id": i, "property": "value", "value": answers[i["item"]]} for i in items
    ]
    payload["state"][1] = [{"id": i, "property": "id", "value": i} for i in items]
    payload["outputs"][3] = [{"id": i, "property": "value"} for i in items]
    return payload


def test_incomplete_cadss_answers_with_a_message_not_an_error(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    client = prepare(app)
    sign_in(client, nurse.username)
    answers: dict[int, int | None] = {1: 2, 2: 1, 6: 0, 7: 3, 15: 1, 22: None}
    response = client.post("/_dash-update-component", json=cadss_payload(app, sid, answers))
    assert response.status_code == 200
    message = response.get_json()["response"]["bed-cadss-message"]["children"]
    assert message["props"]["children"] == "Item 22: choose a score 0–4."
    answers[22] = 0
    response = client.post("/_dash-update-component", json=cadss_payload(app, sid, answers))
    assert "CADSS-6 saved: total 7" in response.get_data(as_text=True)
