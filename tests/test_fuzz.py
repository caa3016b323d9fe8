"""Hostile and malformed input, generated: wrong types, huge numbers, NaN, unicode, very long
strings, missing fields, SQL-injection strings. Whatever arrives, the server answers without
a 500 or a stack trace, and nothing implausible is stored."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from dash import Dash
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Addendum, InfusionEvent, Reading
from monitor.db.repositories import READING_MEASURES
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in

INJECTION = [
    "'; DROP TABLE readings; --",
    "1 OR 1=1",
    '" OR ""="',
    "%' --",
    "1); DELETE FROM sessions; --",
    "<script>alert(1)</script>",
]
# Finding 11's shapes: numbers no float holds, ints no database column holds, days at the
# calendar's edge or that do not exist.
NOT_FINITE = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "9" * 400,
    "-" + "9" * 400,
]
huge_ints = st.one_of(
    st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**400]),
    st.integers(min_value=2**62, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-1),
)
EDGE_DAYS = ["9999-12-31", "0001-01-01", "2025-02-30", "2025-13-01", "2024-02-29", "+10000-01-01"]
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates().map(lambda d: d.isoformat()))
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    huge_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.text(min_size=5000, max_size=6000),
    st.sampled_from(INJECTION),
    st.sampled_from(NOT_FINITE),
    days,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
numberish = st.one_of(
    anything,
    st.integers(min_value=0, max_value=400).map(str),
    st.sampled_from(["120", "1200", "80", "-5", "NaN", "inf", "1e308", "１２０", "12.5", ""]),
    st.sampled_from(NOT_FINITE),
    st.integers(min_value=10**20, max_value=10**400).map(str),
)
dateish = st.one_of(days, anything)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    clients: dict[str, FlaskClient] = {}
    for actor in (nurse, doctor, auditor):
        client = prepare(app)
        sign_in(client, actor.username)
        clients[actor.role.value] = client
    with database.session_scope() as db:
        reading = db.scalars(select(Reading.id).where(Reading.session_id == sid)).first()
    yield {"app": app, "sid": sid, "reading": reading, "clients": clients}


def post(
    world: dict[str, Any],
    role: str,
    output: str,
    values: dict[str, Any],
    changed: list[str] | None = None,
) -> None:
    app: Dash = world["app"]
    payload = body(app, callback_key(app, output), values)
    if changed is not None:
        payload["changedPropIds"] = changed
    response = world["clients"][role].post(ENDPOINT, json=payload)
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (output, values, text[:300])
    assert "Traceback" not in text


def assert_nothing_implausible(database: Database, config: Config) -> None:
    limits = config.plausibility
    with database.session_scope() as db:
        for r in db.scalars(select(Reading)):
            for name in ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate"):
                value = getattr(r, name)
                bounds = limits.for_measure(name)
                assert bounds.min <= value <= bounds.max and math.isfinite(value)
            assert r.diastolic < r.systolic
            assert r.moaas is None or 0 <= r.moaas <= 5


@FUZZ
@given(
    systolic=numberish,
    diastolic=numberish,
    heart=numberish,
    spo2=numberish,
    resp=numberish,
    temp=numberish,
    moaas=anything,
    key=anything,
    session=anything,
)
def test_reading_form(
    world: dict[str, Any],
    database: Database,
    config: Config,
    systolic: Any,
    diastolic: Any,
    heart: Any,
    spo2: Any,
    resp: Any,
    temp: Any,
    moaas: Any,
    key: Any,
    session: Any,
) -> None:
    post(
        world,
        "nurse",
        "bed-result.children",
        {
            "bed-save.n_clicks": 1,
            "bed-session-id.data": session if session else world["sid"],
            "bed-reading-key.data": key,
            "bed-systolic.value": systolic,
            "bed-diastolic.value": diastolic,
            "bed-heart-rate.value": heart,
            "bed-spo2.value": spo2,
            "bed-resp-rate.value": resp,
            "bed-temperature.value": temp,
            "bed-moaas.value": moaas,
        },
    )
    assert_nothing_implausible(database, config)


@FUZZ
@given(
    button=st.sampled_from(
        [
            "bed-start",
            "bed-pause",
            "bed-resume",
            "bed-stop",
            "bed-rate-change",
            "bed-end-early",
            "bogus",
        ]
    ),
    reason=anything,
    rate=numberish,
    key=anything,
)
def test_infusion_controls(
    world: dict[str, Any], button: str, reason: Any, rate: Any, key: Any
) -> None:
    post(
        world,
        "nurse",
        "bed-event-message.children",
        {
            f"{button}.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "bed-event-key.data": key,
            "bed-event-reason.value": reason,
            "bed-rate.value": rate,
        },
        changed=[f"{button}.n_clicks"],
    )


@FUZZ
@given(patient=anything, weight=numberish, protocol=anything, chair=anything, key=anything)
def test_open_session_form(
    world: dict[str, Any], patient: Any, weight: Any, protocol: Any, chair: Any, key: Any
) -> None:
    post(
        world,
        "nurse",
        "bed-open-message.children",
        {
            "bed-open-submit.n_clicks": 1,
            "bed-chair.data": chair,
            "bed-open-patient.value": patient,
            "bed-open-protocol.value": protocol,
            "bed-open-weight.value": weight,
            "bed-open-key.data": key,
        },
    )


THE_READING = object()  # stands for the world's reading id, which a strategy cannot know


@FUZZ
@given(
    reading=st.one_of(st.just(THE_READING), anything),
    field=st.one_of(st.sampled_from(READING_MEASURES), anything),
    value=numberish,
    reason=anything,
    key=anything,
    role=st.sampled_from(["nurse", "physician"]),
)
def test_addendum_form(
    world: dict[str, Any],
    database: Database,
    config: Config,
    reading: Any,
    field: Any,
    value: Any,
    reason: Any,
    key: Any,
    role: str,
) -> None:
    post(
        world,
        role,
        "session-add-message.children",
        {
            "session-add-submit.n_clicks": 1,
            "session-id.data": world["sid"],
            "session-add-reading.value": world["reading"] if reading is THE_READING else reading,
            "session-add-field.value": field,
            "session-add-value.value": value,
            "session-add-reason.value": reason,
            "session-addendum-key.data": key,
        },
    )
    assert_corrections_plausible(database, config)


def assert_corrections_plausible(database: Database, config: Config) -> None:
    """A stored correction of a reading is a finite number within the plausible range."""
    with database.session_scope() as db:
        for a in db.scalars(select(Addendum).where(Addendum.target_type == "reading")):
            value = float(a.corrected_value)
            assert math.isfinite(value), a.corrected_value
            if a.field in ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate"):
                bounds = config.plausibility.for_measure(a.field)
                assert bounds.min <= value <= bounds.max and value == int(value)


@FUZZ
@given(target=anything, action=anything, note=anything, key=anything)
def test_acknowledge_dialog(
    world: dict[str, Any], target: Any, action: Any, note: Any, key: Any
) -> None:
    post(
        world,
        "physician",
        "board-ack-message.children",
        {
            "board-ack-confirm.n_clicks": 1,
            "board-ack-target.data": target,
            "board-ack-action.value": action,
            "board-ack-note.value": note,
            "board-ack-key.data": key,
            "board-version.data": 0,
        },
    )


rows = st.one_of(huge_ints, anything)


@FUZZ
@given(
    start=dateish,
    end=dateish,
    patient=anything,
    flags=anything,
    request=anything,
    first=rows,
    last=rows,
    day=days,
)
def test_audit_filters_and_paging(
    world: dict[str, Any],
    start: Any,
    end: Any,
    patient: Any,
    flags: Any,
    request: Any,
    first: Any,
    last: Any,
    day: str,
) -> None:
    post(
        world,
        "auditor",
        "audit-grid.filterModel",
        {
            "audit-apply.n_clicks": 1,
            "audit-start.value": start,
            "audit-end.value": end,
            "audit-patient.value": patient,
            "audit-flags.value": flags,
        },
    )
    post(world, "auditor", "audit-grid.getRowsResponse", {"audit-grid.getRowsRequest": request})
    post(
        world,
        "auditor",
        "audit-grid.getRowsResponse",
        {
            "audit-grid.getRowsRequest": {
                "startRow": 0,
                "endRow": 50,
                "sortModel": [{"colId": patient, "sort": "asc"}],
                "filterModel": {"query": {"filter": f"patient={patient}&flags={flags}"}},
            }
        },
    )
    post(
        world,
        "auditor",
        "audit-grid.getRowsResponse",
        {
            "audit-grid.getRowsRequest": {
                "startRow": first,
                "endRow": last,
                "filterModel": {"query": {"filter": f"start={day}&end={day}"}},
            }
        },
    )


@pytest.mark.parametrize("text", INJECTION)
def test_injection_strings_are_stored_verbatim(
    world: dict[str, Any], database: Database, text: str
) -> None:
    post(
        world,
        "nurse",
        "bed-event-message.children",
        {
            "bed-pause.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "bed-event-key.data": factories.key(),
            "bed-event-reason.value": text,
        },
        changed=["bed-pause.n_clicks"],
    )
    with database.session_scope() as db:
        stored = db.scalars(select(InfusionEvent).where(InfusionEvent.kind == "pause")).one()
    assert stored.reason == text


@FUZZ
@given(
    activity=anything,
    respiration=anything,
    consciousness=anything,
    checked=anything,
    password=anything,
    override=anything,
    key=anything,
)
def test_recovery_card(
    world: dict[str, Any],
    activity: Any,
    respiration: Any,
    consciousness: Any,
    checked: Any,
    password: Any,
    override: Any,
    key: Any,
) -> None:
    post(
        world,
        "nurse",
        "rec-key.data",
        {
            "rec-save.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "rec-activity.value": activity,
            "rec-respiration.value": respiration,
            "rec-consciousness.value": consciousness,
            "rec-checklist.value": checked,
            "rec-key.data": key,
        },
    )
    post(
        world,
        "physician",
        "rec-approve-password.value",
        {
            "rec-approve.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "rec-approve-password.value": password,
            "rec-override.value": override,
        },
    )


@FUZZ
@given(shown=anything, action=anything, note=anything, key=anything, password=anything)
def test_approval_panel(
    world: dict[str, Any], shown: Any, action: Any, note: Any, key: Any, password: Any
) -> None:
    """The approval panel (bedside card and session record): acknowledge, then approve."""
    for ids, session in (("rec", "bed-session-id"), ("session-signoff", "session-id")):
        post(
            world,
            "physician",
            f"{ids}-ack-message.children",
            {
                f"{ids}-ack.n_clicks": 1,
                f"{ids}-approve-alert-ids.data": shown,
                f"{ids}-ack-action.value": action,
                f"{ids}-ack-note.value": note,
                f"{ids}-ack-key.data": key,
                f"{ids}-approve-version.data": 0,
            },
        )
        post(
            world,
            "physician",
            f"{ids}-approve-outcome.children",
            {
                f"{ids}-approve.n_clicks": 1,
                f"{session}.data": world["sid"],
                f"{ids}-approve-password.value": password,
                f"{ids}-override.value": note,
                f"{ids}-approve-version.data": shown,
            },
        )
        post(
            world,
            "physician",
            f"{ids}-approve-alerts.children",
            {f"{ids}-approve-refresh.n_intervals": 1, f"{session}.data": shown},
        )


@FUZZ
@given(start=dateish, end=dateish, period=anything)
def test_measures_form(world: dict[str, Any], start: Any, end: Any, period: Any) -> None:
    post(
        world,
        "auditor",
        "measures-charts.children",
        {
            "measures-apply.n_clicks": 1,
            "measures-start.value": start,
            "measures-end.value": end,
            "measures-period.value": period,
        },
    )


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["start", "end", "patient", "nurse", "physician", "protocol", "flags", "x"]
        ),
        st.one_of(
            st.text(max_size=300),
            st.sampled_from(INJECTION),
            days,
            st.sampled_from(NOT_FINITE),
            huge_ints.map(str),
        ),
        max_size=6,
    ),
    session=st.one_of(st.integers(min_value=-5, max_value=2**40), huge_ints, st.text(max_size=30)),
)
def test_routes_with_hostile_parameters(
    world: dict[str, Any], params: dict[str, str], session: Any
) -> None:
    auditor = world["clients"]["auditor"]
    for path in ("/audit/export/sessions.csv", "/audit/export/readings.csv"):
        response = auditor.get(path, query_string=params)
        text = response.get_data(as_text=True)
        if response.status_code == 400:  # only a date that is not one is refused, and says so
            assert {"start", "end"} & params.keys() and "enter a date" in text, text[:300]
        else:
            assert response.status_code == 200 and response.mimetype == "text/csv"
    for path in (
        f"/session/{session}/record.pdf",
        f"/session/{session}/rems.csv",
        f"/audit/session/{session}",
    ):
        response = auditor.get(path)
        assert response.status_code < 500
        response.close()


@FUZZ
@given(weight=numberish, protocol=anything, patient=anything, weights=anything)
def test_dose_preview_and_weight(
    world: dict[str, Any], weight: Any, protocol: Any, patient: Any, weights: Any
) -> None:
    post(
        world,
        "nurse",
        "bed-open-dose.children",
        {"bed-open-weight.value": weight, "bed-open-protocol.value": protocol},
    )
    post(
        world,
        "nurse",
        "bed-open-weight.value",
        {"bed-open-patient.value": patient, "bed-open-weights.data": weights},
    )


@FUZZ
@given(
    scores=st.lists(anything, min_size=0, max_size=8),
    items=st.lists(anything, max_size=8),
    key=anything,
)
def test_cadss_form(
    world: dict[str, Any], database: Database, scores: list[Any], items: list[Any], key: Any
) -> None:
    app: Dash = world["app"]
    payload = body(
        app,
        callback_key(app, "bed-cadss-message.children"),
        {
            "bed-cadss-save.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "bed-cadss-key.data": key,
        },
    )
    ids = [{"type": "bed-cadss-item", "item": item} for item in items]
    payload["state"][0] = [
        {"id": i, "property": "value", "value": v} for i, v in zip(ids, scores, strict=False)
    ]
    payload["state"][1] = [{"id": i, "property": "id", "value": i} for i in ids]
    payload["outputs"][3] = [{"id": i, "property": "value"} for i in ids]
    response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@FUZZ
@given(reason=anything, session=anything)
def test_end_early_dialog(world: dict[str, Any], reason: Any, session: Any) -> None:
    post(
        world,
        "nurse",
        "bed-end-result.children",
        {
            "bed-end-confirm.n_clicks": 1,
            "bed-session-id.data": session,
            "bed-chair.data": "Chair 1",
            "bed-end-reason.value": reason,
        },
    )


@FUZZ
@given(kind=anything, reason=anything, password=anything, session=anything)
def test_signed_exit_dialog(
    world: dict[str, Any], kind: Any, reason: Any, password: Any, session: Any
) -> None:
    post(
        world,
        "physician",
        "exit-result.children",
        {
            "exit-confirm.n_clicks": 1,
            "bed-session-id.data": session if session else world["sid"],
            "exit-kind.value": kind,
            "exit-reason.value": reason,
            "exit-password.value": password,
        },
    )


# The board's store of each tile's alerts, as a crafted request may send it: keys missing,
# values of the wrong type, alerts that are not alerts.
alert_dicts = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.integers(min_value=1, max_value=10), huge_ints, anything),
        "priority": st.one_of(st.sampled_from(["high", "medium", "low"]), anything),
        "message": anything,
        "at": anything,
    },
)
tile_stores = st.one_of(
    anything,
    st.fixed_dictionaries(
        {},
        optional={
            "chair": anything,
            "patient": anything,
            "alerts": st.one_of(st.lists(st.one_of(alert_dicts, anything), max_size=3), anything),
        },
    ),
)


@FUZZ
@given(
    tile=tile_stores,
    session=st.one_of(st.integers(min_value=1, max_value=3), huge_ints, anything),
    others=st.dictionaries(st.text(max_size=5), tile_stores, max_size=2),
)
def test_board_alerts_store(world: dict[str, Any], tile: Any, session: Any, others: Any) -> None:
    """Opening the acknowledge dialog from a crafted board-alerts store."""
    app: Dash = world["app"]
    button = {"type": "board-ack-open", "session": session}
    payload = body(app, callback_key(app, "board-ack-target.data"), {})
    payload["inputs"] = [[{"id": button, "property": "n_clicks", "value": 1}]]
    payload["state"] = [
        {"id": "board-alerts", "property": "data", "value": {**others, str(session): tile}}
    ]
    payload["changedPropIds"] = [f"{json.dumps(button, sort_keys=True)}.n_clicks"]
    response = world["clients"]["physician"].post(ENDPOINT, json=payload)
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (tile, text[:300])
    assert "Traceback" not in text


# Request-level shapes of finding 11, refused before any callback runs by the request guards
# in monitor/web (JSON bodies, callback shapes).
DEEP = "__nested 100,000 deep__"
surrogates = st.one_of(
    st.sampled_from(["\udcff", "reason \udcff", "\ud800", "\udfff x", "a\x00b", "\x00"]),
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=5),
)


@FUZZ
@given(
    reason=surrogates,
    shape=st.sampled_from(["surrogate", "no inputs", "no outputs", "short state", "deep"]),
)
def test_request_level_shapes_are_400(world: dict[str, Any], reason: str, shape: str) -> None:
    app: Dash = world["app"]
    payload: Any = body(
        app,
        callback_key(app, "bed-event-message.children"),
        {
            "bed-pause.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "bed-event-key.data": factories.key(),
            "bed-event-reason.value": reason,
        },
    )
    payload["changedPropIds"] = ["bed-pause.n_clicks"]
    if shape == "no inputs":
        del payload["inputs"]
    elif shape == "no outputs":
        del payload["outputs"]
    elif shape == "short state":
        payload["state"] = payload["state"][:1]
    elif shape == "deep":
        payload["state"][0]["value"] = DEEP
    data = json.dumps(payload).replace(f'"{DEEP}"', "[" * 100_000 + "1" + "]" * 100_000)
    response = world["clients"]["nurse"].post(ENDPOINT, data=data, content_type="application/json")
    assert response.status_code == 400, (shape, response.get_data(as_text=True)[:300])


SUITES = "/_dash-component-suites/"


@FUZZ
@given(
    tail=st.one_of(
        st.sampled_from(
            ["dash/../x", "dash/deps/../../x.js", "dash/%2e%2e/x.js", "no_such_package/x.js"]
        ),
        st.text(max_size=40),
    )
)
def test_dash_component_files_never_500(world: dict[str, Any], tail: str) -> None:
    """Any path under Dash's component files is served or refused (404), never a 500."""
    response = world["clients"]["nurse"].get(SUITES + quote(tail, safe="/%"))
    assert response.status_code < 500, (tail, response.status_code)
