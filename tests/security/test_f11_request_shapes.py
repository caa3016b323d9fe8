"""Finding 11, the request-level shapes: a callback body without `inputs` or `outputs`, or
with its lists shorter (or longer) than the callback declares, JSON nested 100,000 deep, a
lone surrogate ("\\udcff") anywhere in a JSON body, and `/_dash-component-suites/<pkg>/../x`
each gave a 500. Each is now a 4xx with a message, for every role, and stores nothing.
(The field-level shapes of finding 11 are tested with their fields.)"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Addendum, AuditEvent
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in

ROLES = ("anonymous", "nurse", "physician", "auditor", "admin")
Shape = Callable[[dict[str, Any]], None]


def _drop(name: str) -> Shape:
    return lambda b: b.pop(name)


def _shorten(name: str) -> Shape:
    return lambda b: b.__setitem__(name, b[name][:-1])


def _lengthen(name: str) -> Shape:
    return lambda b: b[name].append(copy.deepcopy(b[name][-1]))


def _set(name: str, value: Any) -> Shape:
    return lambda b: b.__setitem__(name, value)


def _first(name: str, value: Any) -> Shape:
    return lambda b: b[name].__setitem__(0, value)


SHAPES: dict[str, Shape] = {
    "no inputs": _drop("inputs"),
    "no outputs": _drop("outputs"),
    "no state": _drop("state"),
    "short state": _shorten("state"),
    "short inputs": _shorten("inputs"),
    "short outputs": _shorten("outputs"),
    "long state": _lengthen("state"),
    "long inputs": _lengthen("inputs"),
    "state not a list": _set("state", {"0": 1}),
    "outputs not a list": _set("outputs", "x"),
    "input not a property": _first("inputs", 5),
    "input of another component": _first("inputs", {"id": "bed-save", "property": "n_clicks"}),
    "input without its id": _first("inputs", {"property": "n_clicks", "value": 1}),
    "changedPropIds with a dict": _set("changedPropIds", [{"a": 1}]),
    "unknown callback": _set("output", "no-such.children"),
}
# A callback with multiple outputs, inputs and state lists (the addendum form on the
# session record): every shape above can be made of it.
ADDENDUM = "session-add-message.children"


def client_as(app: Dash, database: Database, role: str) -> FlaskClient:
    client = prepare(app)
    if role != "anonymous":
        sign_in(client, factories.user(database, Role(role)).username)
    return client


def addendum_body(app: Dash, sid: int, reading: int, reason: str) -> dict[str, Any]:
    return body(
        app,
        callback_key(app, ADDENDUM),
        {
            "session-add-submit.n_clicks": 1,
            "session-id.data": sid,
            "session-add-reading.value": reading,
            "session-add-field.value": "systolic",
            "session-add-value.value": "130",
            "session-add-reason.value": reason,
            "session-addendum-key.data": factories.key(),
        },
    )


def counts(database: Database) -> tuple[int, int]:
    with database.session_scope() as db:
        addenda = db.scalar(select(func.count()).select_from(Addendum)) or 0
        events = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return addenda, events


@pytest.fixture
def record(database: Database, config: Config) -> tuple[int, int]:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    saved = factories.reading(database, config, nurse, sid, factories.T0 + timedelta(minutes=5))
    return sid, saved.reading_id


@pytest.mark.parametrize("role", ROLES)
def test_malformed_callback_bodies_are_400(
    app: Dash, database: Database, record: tuple[int, int], role: str
) -> None:
    client = client_as(app, database, role)
    before = counts(database)
    for name, shape in SHAPES.items():
        payload = addendum_body(app, *record, "Transcribed from the wrong chair")
        shape(payload)
        response = client.post(ENDPOINT, json=payload)
        text = response.get_data(as_text=True)
        assert response.status_code == 400, (name, response.status_code, text[:300])
        assert text.startswith("Malformed callback request: "), (name, text[:300])
    assert counts(database) == before


def test_every_callback_refuses_a_short_state_or_inputs(app: Dash, database: Database) -> None:
    client = client_as(app, database, "physician")
    checked = 0
    for key, callback in app.callback_map.items():
        if "callback" not in callback:
            continue
        values = {"_pages_location.pathname": "/bedside", "_pages_location.search": ""}
        for name in ("inputs", "state"):
            payload = body(app, key, values)
            if not payload[name]:
                continue
            payload[name] = payload[name][:-1]
            response = client.post(ENDPOINT, json=payload)
            assert response.status_code == 400, (key, name, response.status_code)
            checked += 1
    assert checked > 30


def test_the_well_formed_request_still_stores(
    app: Dash, database: Database, record: tuple[int, int]
) -> None:
    """The positive control for the shapes above and the surrogate below."""
    client = client_as(app, database, "physician")
    addenda, _events = counts(database)
    payload = addendum_body(app, *record, "Transcribed from the wrong chair")
    response = client.post(ENDPOINT, json=payload)
    assert response.status_code == 200
    assert counts(database)[0] == addenda + 1


def as_the_renderer_sends(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Output properties as Dash's renderer names them: with "@<hash>" where the output is
    shared (allow_duplicate), as in the callback's key."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = payload["outputs"] if isinstance(payload["outputs"], list) else [payload["outputs"]]
    for part, out in zip(parts, outputs, strict=True):
        if isinstance(out, dict) and not part.startswith("{"):
            out["property"] = part.rsplit(".", 1)[1]
    return payload


def test_every_callback_in_the_renderers_shape_passes(app: Dash, database: Database) -> None:
    client = client_as(app, database, "physician")
    shared = 0
    for key, callback in app.callback_map.items():
        if "callback" not in callback:
            continue
        values = {"_pages_location.pathname": "/bedside", "_pages_location.search": ""}
        payload = as_the_renderer_sends(key, body(app, key, values))
        shared += "@" in json.dumps(payload["outputs"])
        text = client.post(ENDPOINT, json=payload).get_data(as_text=True)
        assert "Malformed callback request" not in text, (key, text[:200])
    assert shared >= 2


@pytest.mark.parametrize("role", ROLES)
def test_json_nested_100000_deep_is_400(app: Dash, database: Database, role: str) -> None:
    client = client_as(app, database, role)
    for depth in (100_000, 5_000):
        deep = "[" * depth + "]" * depth
        for data in (deep, '{"output": ' + deep + "}"):
            response = client.post(ENDPOINT, data=data, content_type="application/json")
            if role == "anonymous" and depth == 100_000:
                # 200 KB: more than anyone not signed in may send, refused unread
                assert response.status_code == 401
                continue
            assert response.status_code == 400
            assert "nested deeper than" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_a_lone_surrogate_in_a_json_body_is_400_and_stores_nothing(
    app: Dash, database: Database, record: tuple[int, int], role: str
) -> None:
    client = client_as(app, database, role)
    before = counts(database)
    payload = addendum_body(app, *record, "Transcribed \udcff from the wrong chair")
    for data in (
        json.dumps(payload),  # escaped, as JSON spells it: "\udcff"
        json.dumps({"\ud800": 1, **payload}),  # in a key
        json.dumps(payload).replace("wrong chair", "wrong chair \\ud83d"),  # half a pair
    ):
        response = client.post(ENDPOINT, data=data, content_type="application/json")
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert "invalid character" in response.get_data(as_text=True)
    assert counts(database) == before
    # a whole pair is a real character (an emoji), not a lone surrogate
    fine = json.dumps(addendum_body(app, *record, "Chair 3 \U0001f600"))
    assert "\\ud83d\\ude00" in fine
    response = client.post(ENDPOINT, data=fine, content_type="application/json")
    assert response.status_code != 400


def test_a_nul_character_anywhere_is_400_and_stores_nothing(
    app: Dash, database: Database, record: tuple[int, int]
) -> None:
    """PostgreSQL refuses NUL in any text: a reason, a filter or a username holding one was
    a 500 from the database; it is refused at the door, on both databases alike."""
    nurse, auditor = client_as(app, database, "nurse"), client_as(app, database, "auditor")
    before = counts(database)
    payload = addendum_body(app, *record, "Transcribed \x00 from the wrong chair")
    response = nurse.post(ENDPOINT, data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "NUL" in response.get_data(as_text=True)
    for path in ("/audit/export/sessions.csv?patient=a%00b", "/audit/sessions?x%00=1"):
        response = auditor.get(path)
        assert response.status_code == 400, (path, response.status_code)
    anonymous = prepare(app)
    response = anonymous.post(
        "/auth/login", data={"username": "nurse\x00", "password": "x", "csrf_token": "t"}
    )
    assert response.status_code == 400
    assert counts(database) == before


UNKNOWN_DASH_FILES = [
    "/_dash-component-suites/dash/../x",
    "/_dash-component-suites/dash/deps/../../x.js",
    "/_dash-component-suites/dash/%2e%2e/x.js",
    "/_dash-component-suites/no_such_package/x.js",
    "/_dash-component-suites/dash/no-such-file.js",
]


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_dash_file_is_404(app: Dash, database: Database, role: str) -> None:
    client = client_as(app, database, role)
    for path in UNKNOWN_DASH_FILES:
        assert client.get(path).status_code == 404, path


def test_a_changed_pattern_id_that_is_not_json_is_a_400(app: Dash, database: Database) -> None:
    """A `{`-prefixed changed id is a pattern id: text that is not a JSON object is refused
    before a callback's ctx.triggered_id would fail on it (a 500); so is a changed entry
    naming no property."""
    client = prepare(app)
    sign_in(client, factories.user(database).username)
    key = next(k for k in app.callback_map if "callback" in app.callback_map[k])
    for changed in ('{"type": "x", "index".n_clicks', '["x"].n_clicks', "no-property"):
        request = body(app, key, {}) | {"changedPropIds": [changed]}
        response = client.post(ENDPOINT, json=request)
        assert response.status_code == 400, (changed, response.status_code)
        assert "changedPropIds" in response.get_data(as_text=True)
