"""Finding 11 (field-level shapes): values a browser never sends but an attacker can — a
non-finite or huge corrected value, a grid page at row 2**63, a date at the calendar's edge,
a board store without its keys, a session id that is no id — each answered with a 4xx or a
message at the field, never a 500, and nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Addendum, Reading
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in

NOT_NUMBERS = ["nan", "inf", "-Infinity", "1e400", "9" * 400]
NOT_SESSION_IDS = [None, "abc", "1.5", -1, True, "99999999999999999999"]
WHOLE_FIELDS = ["heart_rate", "systolic", "moaas"]
EDGE_DATES = [  # (field, value): the calendar's last and first day, impossible days, no day
    ("end", "9999-12-31"),
    ("start", "9999-12-31"),
    ("start", "0001-01-01"),
    ("end", "0001-01-01"),
    ("start", "2025-02-30"),
    ("end", "2025-13-01"),
    ("start", "not a date"),
]


class Clients(dict[str, FlaskClient]):
    """A signed-in client per role, made when a test first asks for it (signing in hashes a
    password, so each test signs in only the role it uses)."""

    def __init__(self, app: Dash, database: Database) -> None:
        super().__init__()
        self.app, self.database = app, database

    def __missing__(self, role: str) -> FlaskClient:
        actor = factories.user(self.database, Role(role))
        client = prepare(self.app)
        sign_in(client, actor.username)
        self[role] = client
        return client


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    with database.session_scope() as db:
        reading_id = db.scalars(select(Reading.id).where(Reading.session_id == sid)).first()
    yield {"app": app, "sid": sid, "reading": reading_id, "clients": Clients(app, database)}


def callback(world: dict[str, Any], role: str, output: str, values: dict[str, Any]) -> Any:
    app: Dash = world["app"]
    payload = body(app, callback_key(app, output), values)
    return world["clients"][role].post(ENDPOINT, json=payload)


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("field", WHOLE_FIELDS)
@pytest.mark.parametrize("value", NOT_NUMBERS, ids=lambda v: v if len(v) < 20 else "9x400")
def test_addendum_on_whole_number_field_refuses_non_numbers(
    world: dict[str, Any], database: Database, field: str, value: str
) -> None:
    response = callback(
        world,
        "nurse",
        "session-add-message.children",
        {
            "session-add-submit.n_clicks": 1,
            "session-id.data": world["sid"],
            "session-add-reading.value": world["reading"],
            "session-add-field.value": field,
            "session-add-value.value": value,
            "session-add-reason.value": "transcription error",
            "session-addendum-key.data": factories.key(),
        },
    )
    assert response.status_code == 200, text_of(response)[:300]
    assert "enter a number" in text_of(response)
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Addendum)) == 0


GRID_PAGES = [
    (2**63, 2**63 + 50),
    (2**63 - 1, 2**63 + 49),
    (0, 2**63),
    (0, -5),
    (-1, 49),
    (50, 0),
    (10**30, 10**30 + 50),
    ("0", "50"),
    ("x", None),
    (None, "x"),
    (0.5, 50.5),
    (True, 50),
    (0, 100_000),
]


@pytest.mark.parametrize(("start", "end"), GRID_PAGES)
def test_grid_page_out_of_range_is_refused(world: dict[str, Any], start: Any, end: Any) -> None:
    """The grid asks for blocks of 50 rows from row 0 up; any other page is a bad request."""
    response = callback(
        world,
        "auditor",
        "audit-grid.getRowsResponse",
        {"audit-grid.getRowsRequest": {"startRow": start, "endRow": end}},
    )
    assert response.status_code == 400, text_of(response)[:300]
    assert "Traceback" not in text_of(response)


def test_grid_page_in_range_still_answers(world: dict[str, Any]) -> None:
    response = callback(
        world,
        "auditor",
        "audit-grid.getRowsResponse",
        {"audit-grid.getRowsRequest": {"startRow": 0, "endRow": 50}},
    )
    assert response.status_code == 200
    rows = response.get_json()["response"]["audit-grid"]["getRowsResponse"]["rowData"]
    assert len(rows) == 1


@pytest.mark.parametrize(("name", "day"), EDGE_DATES)
def test_grid_filter_with_edge_date_says_so(world: dict[str, Any], day: str, name: str) -> None:
    """A crafted filter reaching the grid: an empty page and the reason, never a 500."""
    response = callback(
        world,
        "auditor",
        "audit-grid.getRowsResponse",
        {
            "audit-grid.getRowsRequest": {
                "startRow": 0,
                "endRow": 50,
                "filterModel": {"query": {"filter": f"{name}={day}"}},
            }
        },
    )
    assert response.status_code == 200, text_of(response)[:300]
    answer = response.get_json()["response"]
    assert answer["audit-grid"]["getRowsResponse"]["rowData"] == []
    assert "enter a date" in str(answer["audit-count"]["children"])


@pytest.mark.parametrize(("name", "day"), EDGE_DATES)
def test_filter_form_with_edge_date_shows_message_at_field(
    world: dict[str, Any], day: str, name: str
) -> None:
    values = {"audit-apply.n_clicks": 1, "audit-start.value": "", "audit-end.value": ""}
    values[f"audit-{name}.value"] = day
    response = callback(world, "auditor", "audit-grid.filterModel", values)
    assert response.status_code == 200, text_of(response)[:300]
    answer = response.get_json()["response"]
    assert answer[f"audit-{name}"]["invalid"] is True
    assert "enter a date" in str(answer[f"audit-{name}-problem"]["children"])
    assert "audit-grid" not in answer  # the grid keeps the filter it had


@pytest.mark.parametrize(("name", "day"), EDGE_DATES)
@pytest.mark.parametrize("kind", ["sessions", "readings"])
def test_csv_export_with_edge_date_is_400(
    world: dict[str, Any], day: str, name: str, kind: str
) -> None:
    response = world["clients"]["auditor"].get(
        f"/audit/export/{kind}.csv", query_string={name: day}
    )
    text = text_of(response)
    assert response.status_code == 400, text[:300]
    assert "enter a date" in text and "Traceback" not in text


@pytest.mark.parametrize(("name", "day"), EDGE_DATES)
def test_measures_with_edge_date_shows_message_at_field(
    world: dict[str, Any], day: str, name: str
) -> None:
    values = {
        "measures-apply.n_clicks": 1,
        "measures-start.value": "2026-01-01",
        "measures-end.value": "2026-06-30",
        "measures-period.value": "month",
    }
    values[f"measures-{name}.value"] = day
    response = callback(world, "auditor", "measures-charts.children", values)
    assert response.status_code == 200, text_of(response)[:300]
    answer = response.get_json()["response"]
    assert answer[f"measures-{name}"]["invalid"] is True
    assert "enter a date" in str(answer[f"measures-{name}-problem"]["children"])


GOOD_ALERT = {"id": 1, "priority": "high", "message": "SBP 190", "at": "09:00"}
GOOD_TARGET: dict[str, Any] = {"chair": "Chair 1", "patient": "A.B. · MRN1", "alerts": [GOOD_ALERT]}
BAD_TARGETS = [
    {k: v for k, v in GOOD_TARGET.items() if k != "chair"},
    {k: v for k, v in GOOD_TARGET.items() if k != "patient"},
    {k: v for k, v in GOOD_TARGET.items() if k != "alerts"},
    {**GOOD_TARGET, "chair": ["Chair 1"]},
    {**GOOD_TARGET, "alerts": "all"},
    {**GOOD_TARGET, "alerts": [{"id": 1}]},
    {**GOOD_TARGET, "alerts": [{**GOOD_ALERT, "priority": "urgent"}]},
    {**GOOD_TARGET, "alerts": [{**GOOD_ALERT, "message": {"x": 1}}]},
    {**GOOD_TARGET, "alerts": [None]},
    "Chair 1",
    ["Chair 1"],
    7,
]


def open_dialog(world: dict[str, Any], alerts: Any) -> Any:
    app: Dash = world["app"]
    button = {"type": "board-ack-open", "session": 1}
    payload = body(app, callback_key(app, "board-ack-target.data"), {"board-alerts.data": alerts})
    payload["inputs"] = [[{"id": button, "property": "n_clicks", "value": 1}]]
    payload["changedPropIds"] = ['{"session":1,"type":"board-ack-open"}.n_clicks']
    return world["clients"]["physician"].post(ENDPOINT, json=payload)


@pytest.mark.parametrize("target", BAD_TARGETS, ids=repr)
def test_board_alerts_store_with_wrong_shape_is_400(world: dict[str, Any], target: Any) -> None:
    response = open_dialog(world, {"1": target})
    assert response.status_code == 400, text_of(response)[:300]
    assert "Traceback" not in text_of(response)


def test_board_alerts_store_as_the_page_sends_it_opens_the_dialog(world: dict[str, Any]) -> None:
    response = open_dialog(world, {"1": GOOD_TARGET})
    assert response.status_code == 200, text_of(response)[:300]
    assert response.get_json()["response"]["board-ack-modal"]["is_open"] is True


def test_bedside_callbacks_take_any_session_id_without_a_server_error(
    world: dict[str, Any],
) -> None:
    """Every bedside callback, with the store that names its session (and the chosen patient)
    set to something that is not a session id, and every button it listens to pressed."""
    app: Dash = world["app"]
    client = world["clients"]["nurse"]
    bedside = [k for k, v in app.callback_map.items() if "callback" in v and "bed-" in k]
    assert bedside
    for session_id in NOT_SESSION_IDS:
        values = {
            "bed-session-id.data": session_id,
            "bed-save.n_clicks": 1,
            "bed-cadss-save.n_clicks": 1,
            "bed-start.n_clicks": 1,
            "bed-open-submit.n_clicks": 1,
            "bed-open-patient.value": session_id,
        }
        for key in bedside:
            response = client.post(ENDPOINT, json=body(app, key, values))
            assert response.status_code < 500, (session_id, key, text_of(response)[:300])
